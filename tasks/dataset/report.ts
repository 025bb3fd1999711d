/** Printing of dataset task results and errors (shared by `dataset hash` and `dataset merge`). */
import path from "node:path";

import { formatBytes, formatCount, formatDuration } from "../../src/cli/index.js";
import type { DatasetHashReport, PartHashReport } from "../../src/engine/index.js";

/** A path shown relative to the working directory when inside it. */
export function shownPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

/** The report as printed by `--json`; `manifestCid` is the manifest directory's IPFS root CID. */
export function reportJson(report: DatasetHashReport, manifestCid: string): string {
  return JSON.stringify(
    {
      root: report.root,
      manifestCid,
      leafCount: report.leafCount,
      sampleCount: report.sampleCount,
      duplicateCount: report.duplicateCount,
      duplicateExamples: report.duplicateExamples,
      totalBytes: report.totalBytes,
      elapsedMs: Math.round(report.elapsedMs),
      manifestDir: report.manifestDir,
      shardCount: report.shardCount,
      private: report.private,
      sources: report.sources,
      spilled: report.spilled,
      warnings: report.warnings,
    },
    null,
    2,
  );
}

/** Human-readable summary of a manifest build; `manifestCid` is the manifest directory's IPFS root CID. Warnings are printed apart ({@link printWarnings}). */
export function reportText(report: DatasetHashReport, manifestCid: string): string {
  const examples = report.duplicateExamples.flatMap((e) => e.ids ?? [e.hash.slice(0, 18) + "…"]).slice(0, 3);
  const lines = [
    `root       ${report.root}`,
    `leaves     ${formatCount(report.leafCount)} distinct samples`,
    `samples    ${formatCount(report.sampleCount)}`,
    `duplicates ${formatCount(report.duplicateCount)}${examples.length > 0 ? ` (e.g. ${examples.join(", ")})` : ""}`,
    `bytes      ${formatBytes(report.totalBytes)} (${formatCount(report.totalBytes)} B)`,
    `time       ${formatDuration(report.elapsedMs / 1000)}`,
    `manifest   ${shownPath(report.manifestDir)} (${report.shardCount} shard${report.shardCount === 1 ? "" : "s"}${report.private ? ", private: no ids" : ""})`,
    `cid        ${manifestCid} (IPFS root of the manifest, computed locally; nothing stored)`,
  ];
  return lines.join("\n");
}

/** Prints a run's warnings (skipped symbolic links, removed leftovers…) on stderr, never with the data on stdout. */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) console.error(`warning: ${w}`);
}

/** Human-readable summary of one part. */
export function partText(report: PartHashReport): string {
  return [
    `part       ${report.part}/${report.parts}${report.reused ? " (already complete: kept the existing file)" : ""}`,
    `samples    ${formatCount(report.sampleCount)}`,
    `bytes      ${formatBytes(report.totalBytes)} (${formatCount(report.totalBytes)} B)`,
    `time       ${formatDuration(report.elapsedMs / 1000)}`,
    `partial    ${shownPath(report.file)}`,
    `source set ${report.sourceSet}`,
    `next       once every part is done: npx hardhat dataset merge <the ${report.parts} partial files>`,
  ].join("\n");
}
