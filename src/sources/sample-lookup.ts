/**
 * The bytes of ONE sample, found by its id, produced by the same code that
 * hashes it: the source's own `batches()` (the same walk, the same tar
 * header rules, the same Parquet page decoding, the same line splitting,
 * the same WebDataset key concatenation), consumed here with plain memory
 * slots instead of the hashing pool, and each batch read back exactly as the
 * hashing worker reads it (src/engine/hash-batch.mjs): a file whole, a record
 * at its offset, a segment of a slot, a Parquet page decoded by
 * `decodeColumnPages`. Nothing about a format is re-implemented here.
 *
 * `dataset verify --parquet/--tar` and `dataset extract` use it; a `part`
 * narrows the read to the share of the source that holds the sample (one row
 * group of a Parquet file, one IDX record).
 */
import { readFile } from "node:fs/promises";

import { readFullySync } from "./parquet-page-cursor.js";
import { createScratch, decodeColumnPages, type ParquetColumnCodec } from "./parquet-pages.mjs";
import type { BatchContext, BatchSlot, FileGroupsBatch, PartSelector, SampleBatch } from "./sample-batch.js";
import type { SampleSource } from "./sample-source.js";
import { openSourceFile } from "./source-file.js";
import { DatatraceError } from "../errors/index.js";

/** Data room of a lookup slot (the hashing pool's default), and samples per slot. */
const SLOT_BYTES = 4 * 1024 * 1024;
const SLOT_SAMPLES = 16_384;

/**
 * A batch context over plain memory, for reading samples in this thread
 * (with {@link batchSamples} or {@link batchSampleBytes}): every slot is a
 * fresh buffer, dropped once read.
 */
export function plainBatchContext(options: { readonly withIds: boolean; readonly part?: PartSelector }): BatchContext {
  let nextId = 0;
  return {
    withIds: options.withIds,
    ...(options.part === undefined ? {} : { part: options.part }),
    acquireSlot: (minBytes = 0) => {
      const slot: BatchSlot = {
        id: nextId++,
        data: new Uint8Array(Math.max(SLOT_BYTES, minBytes)),
        bounds: new Uint32Array(2 * SLOT_SAMPLES),
        digests: new Uint8Array(32 * SLOT_SAMPLES),
        maxSamples: SLOT_SAMPLES,
      };
      return Promise.resolve(slot);
    },
    releaseSlot: () => undefined,
  };
}

/** Sample `index` of `batch`, read as the hashing worker reads it (a copy). */
export async function batchSampleBytes(batch: SampleBatch, index: number): Promise<Uint8Array> {
  if (index < 0 || index >= batch.count) throw new RangeError(`sample ${index} of a batch of ${batch.count}`);
  switch (batch.kind) {
    case "files":
      return new Uint8Array(await readFile(batch.paths[index]!));
    case "records": {
      const handle = await openSourceFile(batch.path, batch.path);
      try {
        const out = new Uint8Array(batch.recordSize);
        readFullySync(handle.fd, out, batch.recordSize, batch.offset + index * batch.recordSize);
        return out;
      } finally {
        await handle.close();
      }
    }
    case "segments":
      return batch.slot.data.slice(batch.slot.bounds[2 * index]!, batch.slot.bounds[2 * index + 1]!);
    case "parquet-pages":
      return pageValues(batch.slot.data.subarray(0, batch.byteLength), new Uint8Array(0), batch)[index]!;
    case "file-segments": {
      const start = batch.slot.bounds[2 * index]!;
      const out = new Uint8Array(batch.slot.bounds[2 * index + 1]! - start);
      await readRange(batch.path, out, batch.offset + start);
      return out;
    }
    case "file-groups":
      return groupSample(batch, index);
    case "parquet-file-pages": {
      const pages = new Uint8Array(batch.pageEnds.at(-1) ?? 0);
      await readRange(batch.path, pages, batch.offset);
      return pageValues(pages, batch.dictionaryPage, batch)[index]!;
    }
    case "tar-scan":
      throw notForReaders();
  }
}

/** `tar-scan` batches are made only for a consumer that settles them (the hashing engine), never for these readers. */
function notForReaders(): Error {
  return new DatatraceError("A tar-scan batch has no samples until the hashing engine settles it; read the shard with a plain batch context.");
}

/**
 * Every sample of `batch`, in order, read as the hashing worker reads them
 * (copies): a batch's file range is read once and its Parquet pages decoded
 * once, unlike {@link batchSampleBytes} called per index.
 */
export async function* batchSamples(batch: SampleBatch): AsyncGenerator<Uint8Array> {
  switch (batch.kind) {
    case "files":
      for (const p of batch.paths) yield new Uint8Array(await readFile(p));
      return;
    case "records": {
      const bytes = new Uint8Array(batch.count * batch.recordSize);
      await readRange(batch.path, bytes, batch.offset);
      for (let i = 0; i < batch.count; i++) yield bytes.slice(i * batch.recordSize, (i + 1) * batch.recordSize);
      return;
    }
    case "segments":
      for (let i = 0; i < batch.count; i++) yield batch.slot.data.slice(batch.slot.bounds[2 * i]!, batch.slot.bounds[2 * i + 1]!);
      return;
    case "file-segments": {
      if (batch.count === 0) return;
      const first = batch.slot.bounds[0]!;
      const bytes = new Uint8Array(batch.slot.bounds[2 * batch.count - 1]! - first);
      await readRange(batch.path, bytes, batch.offset + first);
      for (let i = 0; i < batch.count; i++) yield bytes.slice(batch.slot.bounds[2 * i]! - first, batch.slot.bounds[2 * i + 1]! - first);
      return;
    }
    case "file-groups":
      for (let i = 0; i < batch.count; i++) yield await groupSample(batch, i);
      return;
    case "parquet-pages":
      yield* pageValues(batch.slot.data.subarray(0, batch.byteLength), new Uint8Array(0), batch);
      return;
    case "parquet-file-pages": {
      const pages = new Uint8Array(batch.pageEnds.at(-1) ?? 0);
      await readRange(batch.path, pages, batch.offset);
      yield* pageValues(pages, batch.dictionaryPage, batch);
      return;
    }
    case "tar-scan":
      throw notForReaders();
  }
}

/** Sample `index` of a `file-groups` batch: its parts' framing and file ranges, concatenated. */
async function groupSample(batch: FileGroupsBatch, index: number): Promise<Uint8Array> {
  const first = index === 0 ? 0 : batch.partEnds[index - 1]!;
  let total = 0;
  for (let j = first; j < batch.partEnds[index]!; j++) total += batch.parts[2 * j + 1]! - batch.parts[2 * j]!;
  if (batch.partEnds[index]! - first === 1 && batch.framingEnds[first]! === (first === 0 ? 0 : batch.framingEnds[first - 1]!)) {
    // One range, no framing (a tar member alone in its batch): read in place, not copied once more.
    const data = new Uint8Array(total);
    await readRange(batch.path, data, batch.parts[2 * first]!);
    return data;
  }
  const pieces: Uint8Array[] = [];
  for (let j = first; j < batch.partEnds[index]!; j++) {
    pieces.push(batch.framing.slice(j === 0 ? 0 : batch.framingEnds[j - 1]!, batch.framingEnds[j]!));
    const data = new Uint8Array(batch.parts[2 * j + 1]! - batch.parts[2 * j]!);
    await readRange(batch.path, data, batch.parts[2 * j]!);
    pieces.push(data);
  }
  return Buffer.concat(pieces);
}

/** Reads `target.length` bytes at `position` of `file` into `target`. */
async function readRange(file: string, target: Uint8Array, position: number): Promise<void> {
  const handle = await openSourceFile(file, file);
  try {
    readFullySync(handle.fd, target, target.length, position);
  } finally {
    await handle.close();
  }
}

/** Every row's value in whole pages of a column chunk (after its dictionary page, if any), as the worker decodes them (copies). */
function pageValues(pages: Uint8Array, dictionaryPage: Uint8Array, batch: { count: number; column: ParquetColumnCodec }): Uint8Array[] {
  const scratch = createScratch();
  const state = {};
  if (dictionaryPage.length > 0) decodeColumnPages(dictionaryPage, batch.column, scratch, () => undefined, state);
  const values: Uint8Array[] = [];
  decodeColumnPages(
    pages,
    batch.column,
    scratch,
    (value) => {
      if (value === null) throw new DatatraceError("a null value, though the file's statistics say this column chunk has none");
      values.push(value.slice());
    },
    state,
  );
  if (values.length !== batch.count) throw new DatatraceError(`the pages hold ${values.length} rows, ${batch.count} were announced`);
  return values;
}

/**
 * The bytes of the sample of `source` whose id is `id`, or undefined when
 * the source (or its `part`) yields no sample with that id — a row whose
 * column is null, a member the rules leave out, a line that is empty or the
 * header. Stops reading as soon as the sample is found. Errors of the source
 * (an unreadable or damaged file, a bad column) propagate as they do when hashing.
 */
export async function findSampleBytes(source: SampleSource, id: string, part?: PartSelector): Promise<Uint8Array | undefined> {
  for await (const batch of source.batches(plainBatchContext({ withIds: true, part }))) {
    const index = batch.ids?.indexOf(id) ?? -1;
    if (index >= 0) return batchSampleBytes(batch, index);
  }
  return undefined;
}

/** The first `max` sample ids of `source` and how many samples it has (for errors that list what exists). */
export async function sampleIdsOf(source: SampleSource, max: number): Promise<{ first: string[]; total: number }> {
  const first: string[] = [];
  let total = 0;
  for await (const batch of source.batches(plainBatchContext({ withIds: true }))) {
    for (const id of batch.ids ?? []) if (first.length < max) first.push(id);
    total += batch.count;
  }
  return { first, total };
}
