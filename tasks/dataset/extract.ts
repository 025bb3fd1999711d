/**
 * Action of `npx hardhat dataset extract <tokenId> <sampleHash | id>`
 * (declared in ./index.ts): where a committed sample lives (every id, so
 * duplicates show), its membership proven locally and on chain, and — when
 * its source is at hand — its bytes, re-hashed and written to `--out`
 * (src/workflow/extract-sample.ts). Exit status as `dataset verify`: 0 found
 * (and written), 3 not a member (or no sample has that id), 2 an error.
 */
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseTokenId } from "../../src/chain/index.js";
import { shortHex } from "../../src/registry/index.js";
import { extractSample, type ExtractReport, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { printJson } from "../shared/output.js";
import { VERIFY_EXIT } from "../shared/sample-proof-task.js";
import { openContentSource } from "../shared/stores.js";
import { verdictTaskError } from "../shared/task-errors.js";

/** Arguments of `dataset extract`, as parsed by Hardhat. */
export interface DatasetExtractArguments {
  tokenId: string;
  sample: string;
  source: string;
  out: string;
  force: boolean;
  gateway: string;
  timeout: number;
  dir: string;
  json: boolean;
  quiet: boolean;
}

/** What the task returns: the report (when it ran) and the exit status it set. */
export interface DatasetExtractResult {
  readonly exitCode: number;
  readonly report?: ExtractReport;
  readonly error?: string;
}

/** The exit status of an extraction outcome. */
export function extractExitCode(report: ExtractReport): number {
  if (report.outcome === "member") return VERIFY_EXIT.allMembers;
  return report.outcome === "invalid" ? VERIFY_EXIT.error : VERIFY_EXIT.someNotMember;
}

/** Locates (and fetches) the sample and prints where it lives. */
export default async function datasetExtract(args: DatasetExtractArguments, hre: HardhatRuntimeEnvironment): Promise<DatasetExtractResult> {
  const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
  try {
    const tokenId = parseTokenId(args.tokenId, "dataset token id");
    const { client } = await connectRegistry(hre);
    const content = openContentSource(workspaceAt(args.dir), args.gateway, reporter, args.timeout);
    const report = await extractSample({ client, content, reporter }, tokenId, { sample: args.sample, source: args.source, out: args.out, force: args.force });
    const exitCode = extractExitCode(report);
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...report, exitCode });
    else console.log(extractText(report).join("\n"));
    process.exitCode = exitCode;
    return { exitCode, report };
  } catch (error) {
    return verdictTaskError(error, VERIFY_EXIT.error);
  }
}

/** A path as shown: relative to the working directory when under it. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? p : rel;
}

/** Human-readable report: the proof, every place the sample lives, the local copy and what was written. */
export function extractText(r: ExtractReport): string[] {
  const lines = [`dataset #${r.datasetId}: root ${r.root}, ${r.leafCount} leaves, manifest ${r.manifestCid}`];
  const checks = `local ${r.localValid === true ? "ok" : "FAILED"}, on-chain ${r.outcome === "not-member" ? "verifyAbsence" : "verifySample"} ${r.onChainValid === true ? "ok" : "FAILED"}`;
  switch (r.outcome) {
    case "unknown-id":
      lines.push(`NOT FOUND   ${r.given}: no sample of the dataset has this id (searched the ids of ${r.shardsSearched ?? 0} shard${r.shardsSearched === 1 ? "" : "s"})`);
      for (const s of r.sites) {
        if (s.local !== undefined) lines.push(`local copy  ${shown(s.local.path)}: ${s.local.status === "unreadable" ? s.local.problem : `its ${s.where} hashes to ${shortHex(s.local.sampleHash ?? "", 6, 4)}, which the dataset does not hold under this id`}`);
      }
      lines.push("result      not found (exit status 3)");
      return lines;
    case "not-member":
      lines.push(`NOT MEMBER  ${r.sampleHash}: proven absent, its search path ends at sample #${r.index} ${shortHex(r.neighbor ?? "", 6, 4)} (${r.proofHashes} proof hashes; ${checks})`);
      lines.push("result      not in the dataset (exit status 3)");
      return lines;
    case "invalid":
      lines.push(`ERROR       ${r.sampleHash}: the proof did not verify (${checks})`, "result      ERROR: a proof did not verify (exit status 2)");
      return lines;
    case "member":
      break;
  }
  lines.push(`MEMBER      ${r.sampleHash}: index ${r.index} (${r.proofHashes} proof hashes; ${checks})`);
  r.sites.forEach((s, i) => {
    lines.push(`${(i === 0 ? "found at" : "duplicate").padEnd(11)} ${s.where}; id ${s.id}`);
  });
  for (const s of r.sites) {
    if (s.local === undefined) continue;
    const l = s.local;
    const what = l.status === "matches" ? `${l.bytes} bytes, SHA-256 matches the committed sample` : l.status === "differs" ? `${l.bytes} bytes hashing to ${shortHex(l.sampleHash ?? "", 6, 4)}: this copy DIFFERS from the committed sample` : `unreadable: ${l.problem}`;
    lines.push(`local copy  ${shown(l.path)} (${s.id}): ${what}`);
  }
  if (r.fetched?.out !== undefined) lines.push(`written     ${shown(r.fetched.out)} (${r.fetched.bytes} bytes, from ${r.fetched.id})`);
  else if (r.sites.every((s) => s.local === undefined)) lines.push("local copy  none found (give --source <path> to read the sample from your copy of the source)");
  lines.push(`result      a member, at ${r.sites.length} place${r.sites.length === 1 ? "" : "s"}`);
  return lines;
}
