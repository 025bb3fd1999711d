/**
 * The sample bytes a replay trains on, read from the sources the user gives
 * (`--data`: directories, line files, IDX files — the same sources and the
 * same sample boundaries as `dataset hash`, through src/sources) and kept by
 * SHA-256 sample hash. Only the hashes the log lists are kept, so memory is
 * bounded by the replayed samples, not by the sources.
 */
import { openSync, readSync, closeSync, readFileSync } from "node:fs";

import { sha256, toHex } from "../hash/index.js";
import { openSources, type OpenSourcesOptions } from "../sources/index.js";
import type { BatchContext, BatchSlot, SampleBatch } from "../sources/index.js";
import type { Hex32 } from "./log-entry.js";

/** What {@link collectSamples} read. */
export interface CollectedSamples {
  /** Bytes of every wanted sample found, by 0x sample hash. */
  readonly byHash: ReadonlyMap<Hex32, Uint8Array>;
  /** Samples read from the sources in all. */
  readonly scanned: number;
}

const SLOT_SAMPLES = 4096;
const SLOT_BYTES = 4 << 20;

function freshSlot(id: number, minBytes = 0): BatchSlot {
  return {
    id,
    data: new Uint8Array(Math.max(SLOT_BYTES, minBytes)),
    bounds: new Uint32Array(2 * SLOT_SAMPLES),
    digests: new Uint8Array(32 * SLOT_SAMPLES),
    maxSamples: SLOT_SAMPLES,
  };
}

function* samplesOf(batch: SampleBatch): Generator<Uint8Array> {
  switch (batch.kind) {
    case "files":
      for (const p of batch.paths) yield readFileSync(p);
      return;
    case "records": {
      const fd = openSync(batch.path, "r");
      try {
        const bytes = new Uint8Array(batch.count * batch.recordSize);
        readSync(fd, bytes, 0, bytes.length, batch.offset);
        for (let i = 0; i < batch.count; i++) yield bytes.subarray(i * batch.recordSize, (i + 1) * batch.recordSize);
      } finally {
        closeSync(fd);
      }
      return;
    }
    case "segments":
      for (let i = 0; i < batch.count; i++) yield batch.slot.data.subarray(batch.slot.bounds[2 * i]!, batch.slot.bounds[2 * i + 1]!);
      return;
  }
}

/**
 * Reads every sample of `sources` and keeps the bytes of those whose hash
 * is in `wanted` (copied, so later slot reuse cannot change them).
 */
export async function collectSamples(sources: readonly string[], wanted: ReadonlySet<string>, options: OpenSourcesOptions = {}): Promise<CollectedSamples> {
  const opened = await openSources(sources, options);
  const byHash = new Map<Hex32, Uint8Array>();
  let scanned = 0;
  let slots = 0;
  const context: BatchContext = {
    withIds: false,
    acquireSlot: (minBytes) => Promise.resolve(freshSlot(slots++, minBytes)),
    releaseSlot: () => undefined,
  };
  for (const source of opened) {
    for await (const batch of source.batches(context)) {
      for (const bytes of samplesOf(batch)) {
        scanned++;
        const hash = toHex(sha256(bytes)) as Hex32;
        if (wanted.has(hash) && !byHash.has(hash)) byHash.set(hash, new Uint8Array(bytes));
      }
    }
  }
  return { byHash, scanned };
}
