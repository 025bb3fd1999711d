/**
 * Hashes sample sources into a manifest in one run: sources → hashing workers
 * → record sorter (memory budget, bucket files past it) → distinct grouping →
 * manifest writer → atomic publication. See docs/manifest-format.md.
 */
import type { SampleSource } from "../sources/sample-source.js";
import { DirectorySource } from "../sources/directory-source.js";
import type { HashProgress } from "./hash-sources.js";
import { hashSources } from "./hash-sources.js";
import type { DatasetHashReport } from "./hash-report.js";
import type { ManifestDestination } from "./manifest-output.js";
import { ManifestOutput } from "./manifest-output.js";
import { RecordSorter } from "./record-sorter.js";
import { resolveCreatedAt } from "./run-options.js";

/** Options of {@link buildManifest}. */
export interface BuildManifestOptions extends ManifestDestination {
  /** Keep no sample ids (no `ids/` in the manifest). Default false. */
  readonly private?: boolean | undefined;
  /** Bytes of records held in memory before spilling to bucket files (default 1 GiB). */
  readonly memoryBudget?: number | undefined;
  /** Hashing worker threads (default: CPUs; 0 = this thread). */
  readonly threads?: number | undefined;
  /** Slot sizing of the worker pool (tuning and tests). */
  readonly slotBytes?: number | undefined;
  readonly slotSamples?: number | undefined;
  /** Recorded as `createdAt`; default SOURCE_DATE_EPOCH if set, else nothing. */
  readonly createdAt?: string | Date | undefined;
  readonly onProgress?: ((progress: HashProgress) => void) | undefined;
}

/** Hashes `sources` and writes their manifest (see the module doc). */
export async function buildManifest(sources: readonly SampleSource[], options: BuildManifestOptions = {}): Promise<DatasetHashReport> {
  const started = performance.now();
  const withIds = options.private !== true;
  const createdAt = resolveCreatedAt(options.createdAt);
  const output = new ManifestOutput(options);
  try {
    const sorter = new RecordSorter({ memoryBudget: options.memoryBudget, workDir: output.workDir, withIds });
    const totals = await hashSources(sources, {
      threads: options.threads,
      slotBytes: options.slotBytes,
      slotSamples: options.slotSamples,
      withIds,
      onProgress: options.onProgress,
      onBatch: (h) => sorter.add(h.source, h.digests, h.batch.ordinals, h.batch.ids),
    });
    const { header, grouper, manifestDir } = await output.write(
      withIds,
      (sink) => sorter.drain(sink),
      () => ({
        sampleCount: totals.samples,
        totalBytes: totals.bytes,
        sources: sources.map((s) => s.description),
        private: !withIds,
        createdAt,
      }),
    );
    return {
      root: header.root,
      leafCount: header.leafCount,
      sampleCount: header.sampleCount,
      duplicateCount: header.duplicateCount,
      duplicateExamples: grouper.examples,
      totalBytes: header.totalBytes,
      shardCount: header.shardCount,
      manifestDir,
      private: header.private,
      sources: header.sources,
      elapsedMs: performance.now() - started,
      spilled: sorter.spilled,
      warnings: sourceWarnings(sources),
    };
  } catch (error) {
    output.discard();
    throw error;
  }
}

/** Warnings collected by the sources during the run. */
export function sourceWarnings(sources: readonly SampleSource[]): string[] {
  return sources.flatMap((s) => (s instanceof DirectorySource ? s.warnings : []));
}
