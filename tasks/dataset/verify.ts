/**
 * Action of `npx hardhat dataset verify <tokenId> [file…] [--hash h,…]`
 * (declared in ./index.ts). Exit status ({@link VERIFY_EXIT}): 0 every
 * sample is a member, 3 some sample is proven NOT a member, 2 a
 * verification error (a proof that did not verify, a missing or
 * mismatched manifest…); 1 stays Hardhat's own (usage errors).
 * The task frame (options, errors, exit status) is ../shared/sample-proof-task.ts.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { shortHex } from "../../src/registry/index.js";
import { verifyDatasetSamples, type DatasetVerification, type SampleQuery } from "../../src/workflow/index.js";
import { runSampleProofTask, VERIFY_EXIT, type SampleProofArguments, type SampleProofDeps } from "../shared/sample-proof-task.js";

/** Arguments of `dataset verify`, as parsed by Hardhat. */
export type DatasetVerifyArguments = SampleProofArguments;

/** What the task returns: the verification (when it ran) and the exit status it set. */
export interface DatasetVerifyResult {
  readonly exitCode: number;
  readonly verification?: DatasetVerification;
  readonly error?: string;
}

/** Exit status of a verification outcome. */
export function verificationExitCode(outcome: DatasetVerification["outcome"]): number {
  return outcome === "all-members" ? VERIFY_EXIT.allMembers : outcome === "some-absent" ? VERIFY_EXIT.someNotMember : VERIFY_EXIT.error;
}

/** Verifies the samples and prints one verdict per sample. */
export default async function datasetVerify(args: DatasetVerifyArguments, hre: HardhatRuntimeEnvironment): Promise<DatasetVerifyResult> {
  const outcome = await runSampleProofTask(args, hre, {
    tokenIdName: "dataset token id",
    prove: verifyDatasetSamples,
    exitCode: (v) => verificationExitCode(v.outcome),
    text: verificationText,
    hints: linesDatasetHints,
  });
  return "report" in outcome ? { exitCode: outcome.exitCode, verification: outcome.report } : outcome;
}

/**
 * When a whole file is NOT a member of a dataset whose samples are not
 * whole files — lines of CSV/JSONL/TXT files, whole Parquet rows, WebDataset
 * keys (`--group-by-key`) — says what its samples are and how to check one.
 */
export async function linesDatasetHints(deps: SampleProofDeps, v: DatasetVerification, queries: readonly SampleQuery[]): Promise<string[]> {
  const fileLabels = new Set(queries.filter((q) => (q.kind ?? "file") === "file").map((q) => q.label));
  const absentFiles = v.samples.filter((s) => !s.member && fileLabels.has(s.label));
  if (absentFiles.length === 0) return [];
  const sources = (await deps.content.openManifest(v.manifestCid)).header.sources;
  const names = (kind: string, keep: (s: (typeof sources)[number]) => boolean = () => true): string[] => sources.filter((s) => s.kind === kind && keep(s)).map((s) => s.name);
  const shown = (list: readonly string[]): string => `${list.slice(0, 3).join(", ")}${list.length > 3 ? ", …" : ""}`;
  const notASample = absentFiles.length === 1 ? `the file ${absentFiles[0]!.label} is` : `${absentFiles.length} whole files are`;
  const hints: string[] = [];
  const lineSources = names("lines");
  if (lineSources.length > 0) {
    hints.push(
      `dataset #${v.datasetId} was hashed from line files (${shown(lineSources)}): each of its samples is one line, not a whole file, ` +
        `so ${notASample} not a sample. ` +
        'To check a row, pass it with --line "<text>", or every line of a file with --lines-from <file>.',
    );
  }
  const wholeRows = names("parquet", (s) => s.kind === "parquet" && s.options.column === null);
  if (wholeRows.length > 0) {
    hints.push(
      `dataset #${v.datasetId} was hashed from whole Parquet rows (${shown(wholeRows)}): each of its samples is a row's canonical serialization, so ${notASample} not a sample. ` +
        "To check a row in place, pass --parquet <file> --row N.",
    );
  }
  const grouped = names("tar", (s) => s.kind === "tar" && s.options.groupByKey);
  if (grouped.length > 0) {
    hints.push(
      `dataset #${v.datasetId} was hashed with --group-by-key (${shown(grouped)}): each of its samples is a WebDataset key's files concatenated, so ${notASample} not a sample. ` +
        "To check a key in place, pass --tar <shard> --key <key>.",
    );
  }
  return hints;
}

/** One line per sample, the batch check, and the outcome. */
export function verificationText(v: DatasetVerification): string[] {
  const lines = [`dataset #${v.datasetId}: root ${v.root}, ${v.leafCount} leaves, manifest ${v.manifestCid}`];
  const check = (ok: boolean, what: string) => `${what} ${ok ? "ok" : "FAILED"}`;
  for (const s of v.samples) {
    const checks = `${check(s.localValid, "local")}, ${check(s.onChainValid, s.member ? "on-chain verifySample" : "on-chain verifyAbsence")}`;
    if (s.member) {
      const ids = s.ids === undefined ? "" : ` ids ${s.ids.join(", ")}`;
      lines.push(`MEMBER      ${s.label}: index ${s.index},${ids} (${s.proofHashes} proof hashes; ${checks})`);
    } else {
      lines.push(
        `NOT MEMBER  ${s.label} (${shortHex(s.sampleHash, 6, 4)}): proven absent, its search path ends at sample #${s.index} ${shortHex(s.neighbor ?? "", 6, 4)} (${s.proofHashes} proof hashes; ${checks})`,
      );
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
      : `result      ${members} of ${v.samples.length} sample${v.samples.length === 1 ? "" : "s"} in the dataset${v.outcome === "some-absent" ? ` (exit status ${exit})` : ""}`,
  );
  return lines;
}
