/**
 * Action of `npx hardhat model verify-weights <tokenId> <path>` (declared in
 * ./index.ts). Exit status 0: the files are the token's model; 3: they are
 * not (every added, removed and changed file is listed); 2: the check could
 * not be made. Errors are printed here, as in tasks/shared/sample-proof-task.ts,
 * because Hardhat would exit with 1 on a thrown error.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseTokenId } from "../../src/chain/index.js";
import { verifyModelWeights, type WeightsVerification, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { printJson } from "../shared/output.js";
import { VERIFY_EXIT } from "../shared/sample-proof-task.js";
import { openContentSource } from "../shared/stores.js";
import { verdictTaskError } from "../shared/task-errors.js";

/** Arguments of `model verify-weights`, as parsed by Hardhat. */
export interface VerifyWeightsArguments {
  tokenId: string;
  path: string;
  signature: string;
  publicKey: string;
  gateway: string;
  timeout: number;
  dir: string;
  json: boolean;
  quiet: boolean;
}

/** Human-readable lines of a verification. */
export function verificationText(r: WeightsVerification): string[] {
  const lines = [
    r.outcome === "match" ? `MATCH: the files are model #${r.tokenId}'s weights` : `MISMATCH: the files are not model #${r.tokenId}'s weights`,
    `on chain     ${r.onChainWeightsHash}`,
    `local files  ${r.localWeightsHash} (${r.files} files, ${r.bytes} bytes${r.crossChecked === 0 ? "" : `; ${r.crossChecked} checked against the Hugging Face download layout`})`,
    r.statementChecked ? `statement    ${r.statementCid} (compared file by file)` : `statement    ${r.statementCid === undefined ? "none linked from the metadata" : `${r.statementCid} not available`}: digests compared only`,
  ];
  const list = (label: string, names: readonly string[]): void => {
    for (const n of names) lines.push(`  ${label} ${n}`);
  };
  if (r.diff !== undefined) {
    list("added  ", r.diff.added);
    list("removed", r.diff.removed);
    list("changed", r.diff.changed);
  }
  const s = r.signature;
  if (s !== undefined) {
    const sig = s.verified === true ? "valid" : s.verified === false ? `INVALID (${s.reason ?? ""})` : `not checked (${s.reason ?? ""})`;
    lines.push(`signature    ${s.file}: ${sig}; signed statement ${s.matchesToken ? "matches" : "DOES NOT match"} the token`);
    for (const n of s.diff.added) lines.push(`  not in the signature: ${n}`);
    for (const n of s.diff.removed) lines.push(`  signed but missing:   ${n}`);
    for (const n of s.diff.changed) lines.push(`  changed since signed: ${n}`);
  }
  return lines;
}

/** Runs the check, prints it and sets the exit status (see the module doc). */
export default async function modelVerifyWeights(args: VerifyWeightsArguments, hre: HardhatRuntimeEnvironment): Promise<{ exitCode: number; report?: WeightsVerification; error?: string }> {
  const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
  try {
    const tokenId = parseTokenId(args.tokenId, "model token id");
    const { client } = await connectRegistry(hre);
    const content = openContentSource(workspaceAt(args.dir), args.gateway, reporter, args.timeout);
    const report = await verifyModelWeights({ client, content, reporter }, { tokenId, path: args.path, signature: args.signature, publicKey: args.publicKey });
    const exitCode = report.outcome === "match" ? VERIFY_EXIT.allMembers : VERIFY_EXIT.someNotMember;
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...report, exitCode });
    else console.log(verificationText(report).join("\n"));
    process.exitCode = exitCode;
    return { exitCode, report };
  } catch (error) {
    return verdictTaskError(error, VERIFY_EXIT.error);
  }
}
