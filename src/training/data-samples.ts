/**
 * The sample bytes a replay trains on, read from the sources the user gives
 * (`--data`: any source `dataset hash` takes — directories, line files, IDX,
 * Parquet, tar shards — with the same sample boundaries, through src/sources,
 * each batch read as the hashing worker reads it) and kept by
 * SHA-256 sample hash. Only the hashes the log lists are kept, so memory is
 * bounded by the replayed samples, not by the sources.
 */
import { sha256, toHex } from "../hash/index.js";
import { batchSamples, openSources, plainBatchContext, type OpenSourcesOptions } from "../sources/index.js";
import type { Hex32 } from "./log-entry.js";

/** What {@link collectSamples} read. */
export interface CollectedSamples {
  /** Bytes of every wanted sample found, by 0x sample hash. */
  readonly byHash: ReadonlyMap<Hex32, Uint8Array>;
  /** Samples read from the sources in all. */
  readonly scanned: number;
}

/**
 * Reads every sample of `sources` and keeps the bytes of those whose hash
 * is in `wanted` (copies, so later slot reuse cannot change them).
 */
export async function collectSamples(sources: readonly string[], wanted: ReadonlySet<string>, options: OpenSourcesOptions = {}): Promise<CollectedSamples> {
  const opened = await openSources(sources, options);
  const byHash = new Map<Hex32, Uint8Array>();
  let scanned = 0;
  const context = plainBatchContext({ withIds: false });
  for (const source of opened) {
    for await (const batch of source.batches(context)) {
      for await (const bytes of batchSamples(batch)) {
        scanned++;
        const hash = toHex(sha256(bytes)) as Hex32;
        if (wanted.has(hash) && !byHash.has(hash)) byHash.set(hash, bytes);
      }
    }
  }
  return { byHash, scanned };
}
