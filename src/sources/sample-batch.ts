/**
 * Sample batches: the unit of work a sample source hands to the hashing
 * engine. A batch names up to a few thousand samples of one source, in source
 * order, together with their ordinals (position in the source: file index,
 * line number, record number) and, unless the dataset is private, their ids.
 *
 * Eight shapes, chosen so that the bytes are read (and decoded) where they are hashed:
 * - `files`: one sample per file, read by the hashing worker itself;
 * - `records`: fixed-size records at a byte offset of a plain file, read by
 *   the worker itself (uncompressed IDX);
 * - `segments`: bytes already in shared memory (a {@link BatchSlot}) with the
 *   [start, end) bounds of each sample (lines, gzip'd IDX, tar members,
 *   WebDataset keys, whole Parquet rows);
 * - `parquet-pages`: raw Parquet pages of one column in shared memory, which
 *   the worker decompresses and decodes, one sample per row;
 * - `file-segments` and `parquet-file-pages`: the same two, but the worker
 *   reads the bytes from the file itself (a byte range named by the batch);
 *   `file-groups` (WebDataset keys of a plain shard) likewise, each sample
 *   several ranges of the file, each after a few framing bytes.
 *   Sources produce them only for a consumer that says it reads in its
 *   workers ({@link BatchContext.readsInWorkers}, the hashing engine): on
 *   two cores, a third thread reading while two hash took the CPU from them,
 *   and copying page bytes out of shared memory in JavaScript is ≈ 10× slower
 *   than out of a worker's own buffer (V8 copies shared memory byte-wise).
 *   The worker reads them in pieces into its own reused buffer, so the
 *   slot's data pages are never touched (src/engine/hash-batch.mjs);
 * - `tar-scan`: a fixed byte range of a plain tar shard whose members the
 *   worker finds and hashes on a guess; its samples are known only once the
 *   consumer has the source walk the range strictly (`settle`), so sources
 *   produce them only for a consumer that does ({@link BatchContext.drain}).
 */
import type { ParquetColumnCodec } from "./parquet-pages.mjs";

/** Shared memory a batch is filled into and its digests written back to. */
export interface BatchSlot {
  /** Slot number, unique within one hashing run (for bookkeeping). */
  readonly id: number;
  /** Sample bytes (SharedArrayBuffer-backed when workers are used). */
  readonly data: Uint8Array;
  /** `[start, end)` byte offsets into `data`, two entries per sample. */
  readonly bounds: Uint32Array;
  /** Where the 32-byte digests are written, sample after sample. */
  readonly digests: Uint8Array;
  /** Most samples this slot can take (`bounds.length / 2`). */
  readonly maxSamples: number;
}

/** Fields every batch carries. */
export interface BatchCommon {
  /** Number of samples in the batch. */
  readonly count: number;
  /** Position of each sample in its source (the id order within a source). */
  readonly ordinals: Float64Array;
  /** The sample ids, or null for a private dataset. */
  readonly ids: readonly string[] | null;
}

/** Whole files, one sample each; the worker reads them. */
export interface FilesBatch extends BatchCommon {
  readonly kind: "files";
  /** Absolute paths, as the worker must open them. */
  readonly paths: readonly string[];
}

/** `count` records of `recordSize` bytes from `offset` of a plain file. */
export interface RecordsBatch extends BatchCommon {
  readonly kind: "records";
  readonly path: string;
  readonly offset: number;
  readonly recordSize: number;
}

/**
 * Raw pages of one Parquet column chunk in `slot.data[0, byteLength)`: an
 * optional dictionary page, then whole data pages holding exactly `count`
 * rows, none of them null. The worker decodes them; sample i is row i's value.
 */
export interface ParquetPagesBatch extends BatchCommon {
  readonly kind: "parquet-pages";
  readonly slot: BatchSlot;
  readonly byteLength: number;
  readonly column: ParquetColumnCodec;
}

/** Samples already copied into shared memory. */
export interface SegmentsBatch extends BatchCommon {
  readonly kind: "segments";
  readonly slot: BatchSlot;
}

/** Device and inode numbers of a file (`fs.Stats`): a worker reading it by path checks it is still the file the source walked. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/**
 * Samples at byte ranges of a plain file (tar members): sample i is
 * `[offset + slot.bounds[2i], offset + slot.bounds[2i+1])` of `path`, bounds
 * ascending; the worker reads them itself (`slot.data` stays unused).
 */
export interface FileSegmentsBatch extends BatchCommon {
  readonly kind: "file-segments";
  readonly slot: BatchSlot;
  readonly path: string;
  readonly file: FileIdentity;
  readonly offset: number;
}

/**
 * WebDataset keys of a plain tar shard (`--group-by-key`), each read and
 * hashed by the worker without copying: sample i is its parts
 * `[partEnds[i - 1], partEnds[i])` (0 before the first) in order, part j
 * being `framing[framingEnds[j - 1], framingEnds[j])` (a member's extension
 * and length, webdataset-sample.ts) followed by bytes `[parts[2j],
 * parts[2j + 1])` of `path`. A sample's parts lie within its key's
 * consecutive members, and samples follow the file's order.
 */
export interface FileGroupsBatch extends BatchCommon {
  readonly kind: "file-groups";
  readonly slot: BatchSlot;
  readonly path: string;
  readonly file: FileIdentity;
  readonly parts: Float64Array;
  readonly partEnds: Uint32Array;
  readonly framing: Uint8Array;
  readonly framingEnds: Uint32Array;
}

/**
 * Whole data pages of one Parquet column chunk, holding exactly `count`
 * rows, none of them null, from `offset` of `path`, page k ending at
 * `offset + pageEnds[k]`; the worker reads them into its own memory and
 * decodes them after `dictionaryPage` (the chunk's dictionary page, header
 * and body, or empty); sample i is row i's value. The slot carries the digests.
 */
export interface ParquetFilePagesBatch extends BatchCommon {
  readonly kind: "parquet-file-pages";
  readonly slot: BatchSlot;
  readonly path: string;
  readonly file: FileIdentity;
  readonly offset: number;
  readonly pageEnds: Float64Array;
  readonly dictionaryPage: Uint8Array;
  readonly column: ParquetColumnCodec;
}

/**
 * What a hashing worker found in a `tar-scan` range, left in the batch's
 * slot (layout: src/sources/tar-scan.mjs): header and record bytes of the
 * file in `slot.data[0, fill)`, and `members` members hashed, their data
 * offsets and sizes in `slot.bounds`, their digests in `slot.digests`. All
 * to be checked.
 */
export interface TarScanResult {
  readonly fill: number;
  readonly members: number;
}

/** The samples of a `tar-scan` batch once its range has been walked on the main thread. */
export interface SettledBatch extends BatchCommon {
  /** `count` digests, 32 bytes each (some written once `pending` resolves). */
  readonly digests: Uint8Array;
  /** Sample bytes. */
  readonly bytes: number;
  /** Members handed back to the consumer to hash ({@link BatchContext.hashRange}): the batch is complete once this resolves. */
  readonly pending?: Promise<void> | undefined;
}

/**
 * A byte range `[start, end)` of a plain tar shard (`size` bytes when
 * opened), for the hashing engine: a worker guesses where the headers lie in
 * it, hashes the members it finds and sends their headers back
 * (src/engine/tar-scan.mjs), so that the main thread reads no header itself.
 * The samples are not known when the batch is made (`count` is 0): the
 * consumer calls {@link settle} with the worker's result, batch after batch
 * in source order, and gets them from the strict walk of the main thread.
 */
export interface TarScanBatch extends BatchCommon {
  readonly kind: "tar-scan";
  /** Where the worker leaves what it found (TarScanResult). */
  readonly slot: BatchSlot;
  readonly path: string;
  readonly file: FileIdentity;
  readonly start: number;
  readonly end: number;
  readonly size: number;
  /** The shard's id prefix, for errors. */
  readonly shard: string;
  /**
   * Walks the range (strictly, on this thread) over what the worker left in
   * the slot; call in source order, before the slot is released. Throws the
   * shard's error.
   */
  settle(scan: TarScanResult): SettledBatch;
}

/** Any batch a source can produce. */
export type SampleBatch =
  | FilesBatch
  | RecordsBatch
  | SegmentsBatch
  | ParquetPagesBatch
  | FileSegmentsBatch
  | FileGroupsBatch
  | ParquetFilePagesBatch
  | TarScanBatch;

/** One part of a split run: `index` in `[0, count)`. */
export interface PartSelector {
  readonly index: number;
  readonly count: number;
}

/** What a source gets from the engine while it produces batches. */
export interface BatchContext {
  /** Whether ids must be produced (false for a private dataset). */
  readonly withIds: boolean;
  /** Only produce the samples of this part (split/merge), if set. */
  readonly part?: PartSelector | undefined;
  /**
   * The consumer reads `file-segments`, `file-groups` and `parquet-file-pages` batches
   * itself (the hashing engine's workers do); otherwise sources fill the
   * slots (`segments`, `parquet-pages`). Default false.
   */
  readonly readsInWorkers?: boolean | undefined;
  /**
   * A free slot with at least `minBytes` of data room. Waits while every slot
   * is in flight: this is what bounds memory whatever the dataset size.
   */
  acquireSlot(minBytes?: number): Promise<BatchSlot>;
  /** Give back a slot that will not be submitted (e.g. left empty at the end). */
  releaseSlot(slot: BatchSlot): void;
  /**
   * Resolves once every batch yielded so far has been hashed and handed on
   * (rejects if the run failed). Consumers that settle `tar-scan` batches
   * provide it; a source makes such batches only then.
   */
  readonly drain?: (() => Promise<void>) | undefined;
  /**
   * The SHA-256 of bytes `[offset, offset + length)` of a file (checked to
   * be `file` still), hashed by the consumer's workers: how a `tar-scan`
   * batch's source hashes a large member no worker hashed, without holding
   * up this thread. Provided with `drain`.
   */
  readonly hashRange?: ((path: string, file: FileIdentity, offset: number, length: number) => Promise<Uint8Array>) | undefined;
}

/**
 * One sample that is bytes `[offset, offset + length)` of a file, as a
 * `file-groups` batch (one part, no framing; its offsets are 64-bit, unlike
 * a slot's bounds): a tar member of 4 GiB or more, a member handed back to
 * the hashing engine. `slot` carries the digest.
 */
export function fileRangeBatch(slot: BatchSlot, path: string, file: FileIdentity, offset: number, length: number, ordinal: number, id: string | null): FileGroupsBatch {
  return {
    kind: "file-groups",
    slot,
    path,
    file,
    count: 1,
    ordinals: Float64Array.of(ordinal),
    ids: id === null ? null : [id],
    parts: Float64Array.of(offset, offset + length),
    partEnds: Uint32Array.of(1),
    framing: new Uint8Array(0),
    framingEnds: Uint32Array.of(0),
  };
}

/** The contiguous share `[start, end)` of `total` items that part `part` takes. */
export function partRange(total: number, part: PartSelector | undefined): { start: number; end: number } {
  if (part === undefined) return { start: 0, end: total };
  // BigInt: total × index can pass 2^53 for multi-terabyte line files.
  const cut = (k: number): number => Number((BigInt(total) * BigInt(k)) / BigInt(part.count));
  return { start: cut(part.index), end: cut(part.index + 1) };
}
