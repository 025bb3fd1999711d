/**
 * Action of `npx hardhat model fingerprints verify-evidence <file>` (declared
 * in ./index.ts): checks an evidence file against the chain. Exit status: 0
 * valid, 3 invalid (forged or altered), 2 error.
 */
import { readFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError } from "../../src/errors/index.js";
import { parseEvidence, verifyEvidence, type EvidenceVerification } from "../../src/fingerprints/index.js";
import { connectRegistry } from "../shared/connect.js";
import { printJson } from "../shared/output.js";
import { verdictTaskError } from "../shared/task-errors.js";
import { TRAINING_EXIT } from "../training/shared.js";

/** Arguments of `model fingerprints verify-evidence`, as parsed by Hardhat. */
export interface VerifyEvidenceArguments {
  file: string;
  json: boolean;
}

/** Verifies the evidence and prints what the chain confirms. */
export default async function verifyEvidenceTask(args: VerifyEvidenceArguments, hre: HardhatRuntimeEnvironment): Promise<{ exitCode: number; verification?: EvidenceVerification; error?: string }> {
  try {
    let text: string;
    try {
      text = await readFile(args.file, "utf8");
    } catch (error) {
      throw new UserError(`Cannot read the evidence ${args.file}.`, "Check the path.", { family: "not-found", cause: error });
    }
    const evidence = parseEvidence(text, args.file);
    const { client } = await connectRegistry(hre);
    const v = await verifyEvidence(client, evidence);
    const exitCode = v.valid ? TRAINING_EXIT.valid : TRAINING_EXIT.invalid;
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...v, exitCode });
    else if (v.valid) {
      const when = new Date(v.onChain.registeredAt * 1000).toISOString();
      console.log(`VALID: ${v.provenPairs} fingerprint pair${v.provenPairs === 1 ? "" : "s"} committed by model #${v.onChain.tokenId} (registrant ${v.onChain.registrant}) on ${when}${v.onChain.blockNumber === null ? "" : ` in block ${v.onChain.blockNumber}`}, chain ${v.onChain.chainId}`);
      console.log(`the checker's statement (not on chain): ${evidence.check.prefix} of ${evidence.check.asked} keys matched${evidence.check.endpoint === null ? "" : ` at ${evidence.check.endpoint}`} on ${evidence.check.checkedAt}`);
    } else {
      console.log(`INVALID evidence for model #${evidence.commitment.tokenId}:`);
      for (const p of v.problems) console.log(`  ${p}`);
    }
    process.exitCode = exitCode;
    return { exitCode, verification: v };
  } catch (error) {
    return verdictTaskError(error, TRAINING_EXIT.error);
  }
}
