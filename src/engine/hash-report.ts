/** What a hashing run reports: whole runs and merges (a manifest), parts of a split run (a partial file). */
import type { SourceDescription } from "../sources/index.js";
import type { DuplicateExample } from "./distinct-grouper.js";
import type { WrittenManifest } from "./manifest-output.js";

/** What hashing a dataset into a manifest found and produced. */
export interface DatasetHashReport {
  /** Merkle root, 0x hex. */
  readonly root: string;
  /** Distinct sample hashes committed (= Merkle leaves). */
  readonly leafCount: number;
  /** Samples read, duplicates included. */
  readonly sampleCount: number;
  /** sampleCount − leafCount. */
  readonly duplicateCount: number;
  /** The first few duplicated samples (hash order), with a few ids unless private. */
  readonly duplicateExamples: readonly DuplicateExample[];
  /** Sum of sample sizes, duplicates included. */
  readonly totalBytes: number;
  readonly shardCount: number;
  /** Where the manifest was written. */
  readonly manifestDir: string;
  readonly private: boolean;
  readonly sources: readonly SourceDescription[];
  /** Wall-clock time of the whole run, milliseconds. */
  readonly elapsedMs: number;
  /** Whether records went through bucket files (the memory budget was exceeded). */
  readonly spilled: boolean;
  /** Non-fatal findings (skipped symbolic links…). */
  readonly warnings: readonly string[];
}

/** What hashing one part of a split run produced. */
export interface PartHashReport {
  /** 1-based part number and part count, as on the command line. */
  readonly part: number;
  readonly parts: number;
  /** Identifier of the source set (sha256 hex), the same for every part. */
  readonly sourceSet: string;
  readonly sampleCount: number;
  readonly totalBytes: number;
  /** The partial leaf file. */
  readonly file: string;
  readonly elapsedMs: number;
  /** True when a complete partial file for this part already existed and was kept. */
  readonly reused: boolean;
  readonly warnings: readonly string[];
}

/** The report of a run that wrote a manifest (`buildManifest`, `mergePartials`). */
export function manifestReport(
  written: WrittenManifest,
  run: { readonly startedAt: number; readonly spilled: boolean; readonly warnings: readonly string[] },
): DatasetHashReport {
  const { header } = written;
  return {
    root: header.root,
    leafCount: header.leafCount,
    sampleCount: header.sampleCount,
    duplicateCount: header.duplicateCount,
    duplicateExamples: written.grouper.examples,
    totalBytes: header.totalBytes,
    shardCount: header.shardCount,
    manifestDir: written.manifestDir,
    private: header.private,
    sources: header.sources,
    elapsedMs: performance.now() - run.startedAt,
    spilled: run.spilled,
    warnings: run.warnings,
  };
}
