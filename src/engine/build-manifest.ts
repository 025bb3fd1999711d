/**
 * Hashes sample sources into a manifest in one run: sources → hashing workers
 * → record sorter (memory budget, bucket files past it) → distinct grouping →
 * manifest writer → atomic publication. See docs/manifest-format.md.
 */
import type { SampleSource } from "../sources/index.js";
import { hashSources } from "./hash-sources.js";
import { manifestReport, type DatasetHashReport } from "./hash-report.js";
import type { ManifestDestination } from "./manifest-output.js";
import { ManifestOutput } from "./manifest-output.js";
import { RecordSorter } from "./record-sorter.js";
import { resolveCreatedAt, type HashRunOptions } from "./run-options.js";

/** Options of {@link buildManifest}. */
export interface BuildManifestOptions extends ManifestDestination, HashRunOptions {
  /** Recorded as `createdAt`; default SOURCE_DATE_EPOCH if set, else nothing. */
  readonly createdAt?: string | Date | undefined;
}

/** Hashes `sources` and writes their manifest (see the module doc). */
export async function buildManifest(sources: readonly SampleSource[], options: BuildManifestOptions = {}): Promise<DatasetHashReport> {
  const started = performance.now();
  const withIds = options.private !== true;
  const createdAt = resolveCreatedAt(options.createdAt);
  const output = new ManifestOutput(options);
  const sorter = new RecordSorter({ memoryBudget: options.memoryBudget, workDir: output.workDir, withIds });
  try {
    const totals = await hashSources(sources, {
      threads: options.threads,
      slotBytes: options.slotBytes,
      slotSamples: options.slotSamples,
      withIds,
      onProgress: options.onProgress,
      signal: options.signal,
      onBatch: (h) => sorter.add(h.source, h.digests, h.batch.ordinals, h.batch.ids),
    });
    const written = await output.write(
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
    return manifestReport(written, { startedAt: started, spilled: sorter.spilled, warnings: [...output.notes, ...sourceWarnings(sources)] });
  } catch (error) {
    sorter.dispose(); // closes bucket files left open by the failure
    output.discard();
    throw error;
  }
}

/** Warnings collected by the sources during the run. */
export function sourceWarnings(sources: readonly SampleSource[]): string[] {
  return sources.flatMap((s) => s.warnings ?? []);
}
