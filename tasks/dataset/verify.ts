/**
 * Action of `npx hardhat dataset verify <tokenId> [file…] [--hash h,…]`
 * (declared in ./index.ts). Exit status ({@link VERIFY_EXIT}): 0 every
 * sample is a member, 3 some sample is proven NOT a member, 2 a
 * verification error (a proof that did not verify, a dataset proven
 * disordered, a missing manifest…); 1 stays Hardhat's own (usage errors).
 * Errors are printed here rather than thrown, because Hardhat would turn
 * any thrown error into exit status 1.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { EXIT_CODES, UserError } from "../../src/cli/errors.js";
import { parseTokenId } from "../../src/chain/dataset-records.js";
import { sampleQueriesFromFiles, sampleQueryFromHash, type SampleQuery } from "../../src/workflow/sample-query.js";
import { disorderedSentence } from "../../src/workflow/prove-sample.js";
import { verifyDatasetSamples, type DatasetVerification } from "../../src/workflow/verify-dataset-samples.js";
import { workspaceAt } from "../../src/workflow/workspace.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { printJson, shortHash } from "../shared/output.js";
import { openContentSource } from "../shared/stores.js";
import { errorText } from "../shared/task-errors.js";

/** Arguments of `dataset verify`, as parsed by Hardhat. */
export interface DatasetVerifyArguments {
  tokenId: string;
  files: string[];
  hash: string;
  gateway: string;
  timeout: number;
  dir: string;
  json: boolean;
  quiet: boolean;
}

/** What the task returns: the verification (when it ran) and the exit status it set. */
export interface DatasetVerifyResult {
  readonly exitCode: number;
  readonly verification?: DatasetVerification;
  readonly error?: string;
}

/**
 * Exit statuses of `dataset verify` and `model trace`. 1 is left to Hardhat,
 * which exits with 1 on its own usage errors (unknown option, missing
 * argument), so "not a member" must not be 1.
 */
export const VERIFY_EXIT = {
  /** Every sample is a member (verify) / was in the training data (trace). */
  allMembers: 0,
  /** A verification error: a proof did not verify, absence proofs are disabled, the input or manifest is unusable. */
  error: 2,
  /** Some sample is proven NOT a member / NOT in the training data. */
  someNotMember: 3,
} as const;

/** Exit status of a verification outcome. */
export function verificationExitCode(outcome: DatasetVerification["outcome"]): number {
  return outcome === "all-members" ? VERIFY_EXIT.allMembers : outcome === "some-absent" ? VERIFY_EXIT.someNotMember : VERIFY_EXIT.error;
}

/** Collects the samples named by files and `--hash`. */
export async function collectQueries(files: readonly string[], hashes: string): Promise<SampleQuery[]> {
  const queries = await sampleQueriesFromFiles(files);
  for (const h of hashes.split(",").map((x) => x.trim()).filter((x) => x !== "")) queries.push(sampleQueryFromHash(h));
  if (queries.length === 0) {
    throw new UserError("No sample given.", "Name sample files, or pass --hash <sha256> (comma-separated for several).", { exitCode: EXIT_CODES.usage });
  }
  return queries;
}

/** Verifies the samples and prints one verdict per sample. */
export default async function datasetVerify(args: DatasetVerifyArguments, hre: HardhatRuntimeEnvironment): Promise<DatasetVerifyResult> {
  const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
  try {
    const tokenId = parseTokenId(args.tokenId, "dataset token id");
    const queries = await collectQueries(args.files, args.hash);
    const workspace = workspaceAt(args.dir);
    const { client } = await connectRegistry(hre);
    const content = openContentSource(workspace, args.gateway, reporter, args.timeout);
    const verification = await verifyDatasetSamples({ client, content, reporter }, tokenId, queries);
    const exitCode = verificationExitCode(verification.outcome);
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...verification, exitCode });
    else console.log(verificationText(verification).join("\n"));
    process.exitCode = exitCode;
    return { exitCode, verification };
  } catch (error) {
    const text = errorText(error);
    console.error(text);
    process.exitCode = VERIFY_EXIT.error;
    return { exitCode: VERIFY_EXIT.error, error: text };
  }
}

/** One line per sample, the batch check, and the outcome. */
export function verificationText(v: DatasetVerification): string[] {
  const lines = [`dataset #${v.datasetId}: root ${v.root}, ${v.leafCount} leaves, manifest ${v.manifestCid}${v.disordered ? " (DISORDERED: absence proofs are disabled)" : ""}`];
  const check = (ok: boolean, what: string) => `${what} ${ok ? "ok" : "FAILED"}`;
  for (const s of v.samples) {
    const checks = `${check(s.localValid, "local")}, ${check(s.onChainValid, s.member ? "on-chain verifySample" : "on-chain verifyAbsence")}`;
    if (s.absenceDisabled === true) {
      lines.push(`NO PROOF    ${s.label} (${shortHash(s.sampleHash, 6)}): not a member, but ${disorderedSentence(v.datasetId)}`);
      continue;
    }
    if (s.member) {
      const ids = s.ids === undefined ? "" : ` ids ${s.ids.join(", ")}`;
      lines.push(`MEMBER      ${s.label}: index ${s.index},${ids} (${s.proofHashes} proof hashes; ${checks})`);
    } else {
      const around = (s.neighbors ?? []).map((n) => `#${n.index} ${shortHash(n.sampleHash, 6)}`).join(" and ");
      lines.push(`NOT MEMBER  ${s.label} (${shortHash(s.sampleHash, 6)}): proven absent by neighbour${(s.neighbors ?? []).length === 1 ? "" : "s"} ${around} (${checks})`);
    }
  }
  if (v.batch !== undefined) {
    lines.push(`batch       ${v.batch.members} members in one multiproof of ${v.batch.proofHashes} hashes (${check(v.batch.localValid, "local verifyBatch")}, ${check(v.batch.onChainValid, "on-chain verifySamples")})`);
  }
  const members = v.samples.filter((s) => s.member).length;
  const exit = verificationExitCode(v.outcome);
  lines.push(
    v.outcome === "invalid"
      ? `result      ERROR: a proof did not verify (exit status ${exit})`
      : v.outcome === "absence-disabled"
        ? `result      ERROR: ${disorderedSentence(v.datasetId)} (exit status ${exit})`
        : `result      ${members} of ${v.samples.length} sample${v.samples.length === 1 ? "" : "s"} in the dataset${v.outcome === "some-absent" ? ` (exit status ${exit})` : ""}`,
  );
  return lines;
}
