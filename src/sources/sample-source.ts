import type { BatchContext, SampleBatch } from "./sample-batch.js";
import type { SourceDescription } from "./source-description.js";

/** Cheap size hints for progress display; absent when not known in advance. */
export interface SourceEstimate {
  readonly samples?: number | undefined;
  readonly bytes?: number | undefined;
}

/**
 * A sample source: something that yields samples in a deterministic order.
 * Implementations: {@link DirectorySource}, {@link LinesSource}, {@link IdxSource},
 * {@link TarSource}, {@link ParquetSource}, {@link ImageFolderSource}.
 */
export interface SampleSource {
  /** Kind, relative name and options, as written in the manifest header. */
  readonly description: SourceDescription;
  /** Warnings of the last run (skipped links, null values…), reported with the result. */
  readonly warnings?: readonly string[];
  /** Size hints (may be empty). */
  estimate(): Promise<SourceEstimate>;
  /**
   * A short string that changes when the set of samples would be cut
   * differently into parts (file listing, sizes, IDX dimensions). Parts of a
   * split run record it so that a merge can refuse parts that saw different data.
   */
  fingerprint(): Promise<string>;
  /** The samples (of `context.part` only, when set) as batches, in source order. */
  batches(context: BatchContext): AsyncIterable<SampleBatch>;
}
