/**
 * Sorts any number of sample records under a memory budget. Records are kept
 * in memory until their estimated size passes `memoryBudget`; from then on
 * they are partitioned by the first byte of their hash into 256 bucket files
 * (SHA-256 digests spread evenly), and each bucket is sorted on its own when
 * the records are drained. A bucket still larger than the budget is split
 * again on the next byte; one made of a single hash repeated (duplicates) is
 * streamed as it is, already in arrival order.
 *
 * Records must arrive in (source, ordinal) order for equal hashes, as
 * `hashSources` delivers them: then every path (in memory, bucket, split)
 * gives the same output order.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";

import type { RecordColumns, RecordSink } from "./sample-record.js";
import { compareHashAt, decodeRecords, encodeRecord, maxEncodedSize, RECORD_FIXED_BYTES } from "./sample-record.js";
import { sortRecords } from "./sort-records.js";
import { DatatraceError } from "../errors/index.js";

/** Default memory budget for records: 1 GiB. */
export const DEFAULT_MEMORY_BUDGET = 1024 * 1024 * 1024;
/** Estimated bytes of an in-memory record besides its id. */
const RECORD_OVERHEAD = 48;
const BUCKETS = 256;

/** Options of {@link RecordSorter}. */
export interface RecordSorterOptions {
  /** Bytes of records kept in memory before spilling to bucket files. */
  readonly memoryBudget?: number | undefined;
  /** Directory for bucket files (created; removed by `dispose`). */
  readonly workDir: string;
  /** Whether records carry ids. */
  readonly withIds: boolean;
}

interface Chunk {
  readonly source: number;
  readonly hashes: Uint8Array;
  readonly ordinals: Float64Array;
  readonly ids: readonly string[] | null;
}

/** Buffered append-only writer of one bucket file; while its descriptor is open it is listed in `openFiles`. */
class BucketFile {
  readonly path: string;
  #fd: number | undefined;
  #buffer: Buffer | undefined; // allocated on first use: most split buckets stay small
  readonly #bufferBytes: number;
  readonly #openFiles: Set<BucketFile>;
  #fill = 0;
  bytes = 0;
  constructor(file: string, bufferBytes: number, openFiles: Set<BucketFile>) {
    this.path = file;
    this.#bufferBytes = bufferBytes;
    this.#openFiles = openFiles;
  }
  add(hash: Uint8Array, source: number, ordinal: number, id: string | null): void {
    const need = maxEncodedSize(id);
    this.#buffer ??= Buffer.allocUnsafe(Math.max(this.#bufferBytes, need));
    if (this.#fill + need > this.#buffer.length) {
      this.flush();
      if (need > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(need);
    }
    const end = encodeRecord(this.#buffer!, this.#fill, hash, source, ordinal, id);
    this.bytes += end - this.#fill;
    this.#fill = end;
  }
  flush(): void {
    if (this.#fill === 0 || this.#buffer === undefined) return;
    if (this.#fd === undefined) {
      this.#fd = openSync(this.path, "a");
      this.#openFiles.add(this);
    }
    let written = 0;
    while (written < this.#fill) written += writeSync(this.#fd, this.#buffer, written, this.#fill - written);
    this.#fill = 0;
  }
  close(): void {
    this.flush();
    this.release();
  }
  /** Closes the descriptor without writing what is buffered (the file is being thrown away). */
  release(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#buffer = undefined;
    this.#openFiles.delete(this);
  }
}

/** Sorts records under a memory budget (see the module doc). */
export class RecordSorter {
  readonly #budget: number;
  readonly #workDir: string;
  readonly #withIds: boolean;
  #chunks: Chunk[] = [];
  #memory = 0;
  #count = 0;
  #buckets: BucketFile[] | undefined;
  /** Bucket files whose descriptor is open (closed by `drain`, or by `dispose` after a failure). */
  readonly #openFiles = new Set<BucketFile>();
  #fileSeq = 0;

  constructor(options: RecordSorterOptions) {
    this.#budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
    if (!(this.#budget > 0)) throw new RangeError(`memoryBudget must be a positive number of bytes, got ${this.#budget}`);
    this.#workDir = options.workDir;
    this.#withIds = options.withIds;
  }

  /** Records added so far. */
  get count(): number {
    return this.#count;
  }

  /** Whether records went to bucket files (the budget was exceeded). */
  get spilled(): boolean {
    return this.#buckets !== undefined;
  }

  /** Adds the records of one batch: `hashes` is `n × 32` bytes (kept, not copied). */
  add(source: number, hashes: Uint8Array, ordinals: Float64Array, ids: readonly string[] | null): void {
    const n = ordinals.length;
    this.#count += n;
    const keptIds = this.#withIds ? ids : null;
    if (this.#buckets !== undefined) {
      for (let i = 0; i < n; i++) this.#toBucket(hashes.subarray(i * 32, i * 32 + 32), source, ordinals[i]!, keptIds?.[i] ?? null);
      return;
    }
    this.#chunks.push({ source, hashes, ordinals, ids: keptIds });
    this.#memory += n * RECORD_OVERHEAD;
    if (keptIds !== null) for (const id of keptIds) this.#memory += 2 * id.length + 24;
    if (this.#memory > this.#budget) this.#spill();
  }

  /** Sends every record to `sink` in sorted order, then frees the work files. */
  drain(sink: RecordSink): void {
    if (this.#buckets === undefined) {
      emitSorted(this.#columns(), 0, sink);
      this.#chunks = [];
      return;
    }
    const buckets = this.#buckets;
    for (const b of buckets) b.close();
    for (const b of buckets) this.#drainFile(b.path, b.bytes, 1, sink);
  }

  /** Closes every bucket file still open (a run that failed before or while draining) and removes the work directory. */
  dispose(): void {
    for (const file of [...this.#openFiles]) file.release();
    this.#chunks = [];
    rmSync(this.#workDir, { recursive: true, force: true });
  }

  #spill(): void {
    mkdirSync(this.#workDir, { recursive: true });
    this.#buckets = Array.from(
      { length: BUCKETS },
      (_, b) => new BucketFile(path.join(this.#workDir, `bucket-${b.toString(16).padStart(2, "0")}.bin`), this.#bufferBytes(), this.#openFiles),
    );
    for (const c of this.#chunks) {
      for (let i = 0; i < c.ordinals.length; i++) {
        this.#toBucket(c.hashes.subarray(i * 32, i * 32 + 32), c.source, c.ordinals[i]!, c.ids?.[i] ?? null);
      }
    }
    this.#chunks = [];
    this.#memory = 0;
  }

  /** Write buffer per bucket file: a 256th of the budget, within [4 KiB, 64 KiB]. */
  #bufferBytes(): number {
    return Math.max(4096, Math.min(64 * 1024, Math.floor(this.#budget / BUCKETS)));
  }

  #toBucket(hash: Uint8Array, source: number, ordinal: number, id: string | null): void {
    this.#buckets![hash[0]!]!.add(hash, source, ordinal, id);
  }

  #columns(): RecordColumns {
    const count = this.#chunks.reduce((a, c) => a + c.ordinals.length, 0);
    const hashes = new Uint8Array(count * 32);
    const sources = new Uint32Array(count);
    const ordinals = new Float64Array(count);
    const ids: string[] | null = this.#withIds ? new Array<string>(count) : null;
    let at = 0;
    for (const c of this.#chunks) {
      const n = c.ordinals.length;
      hashes.set(c.hashes.subarray(0, n * 32), at * 32);
      sources.fill(c.source, at, at + n);
      ordinals.set(c.ordinals, at);
      if (ids !== null) for (let i = 0; i < n; i++) ids[at + i] = c.ids?.[i] ?? "";
      at += n;
    }
    return { count, hashes, sources, ordinals, ids };
  }

  /** Sorts and emits one bucket file whose records share `depth` leading hash bytes. */
  #drainFile(file: string, bytes: number, depth: number, sink: RecordSink): void {
    if (bytes === 0) return;
    // Decoded records take about as much memory as encoded ones, plus ids as strings.
    if (bytes <= this.#budget || depth >= 32) {
      const columns = decodeRecords(readFileSync(file), this.#withIds, file);
      rmSync(file, { force: true });
      emitSorted(columns, depth, sink);
      return;
    }
    // Too big: split on the next byte, unless every record has the same hash.
    const subs = Array.from(
      { length: BUCKETS },
      (_, b) => new BucketFile(`${file}.${depth}-${b.toString(16).padStart(2, "0")}-${this.#fileSeq++}`, this.#bufferBytes(), this.#openFiles),
    );
    let first: Uint8Array | undefined;
    let allSame = true;
    forEachRecordInFile(file, (hashes, offset, source, ordinal, id) => {
      const hash = hashes.subarray(offset, offset + 32);
      if (first === undefined) first = hash.slice();
      else if (allSame && compareHashAt(first, 0, hashes, offset) !== 0) allSame = false;
      subs[hash[depth]!]!.add(hash, source, ordinal, this.#withIds ? id : null);
    });
    for (const s of subs) s.close();
    if (allSame) {
      for (const s of subs) rmSync(s.path, { force: true });
      forEachRecordInFile(file, (hashes, offset, source, ordinal, id) => sink(hashes, offset, source, ordinal, this.#withIds ? id : null));
      rmSync(file, { force: true });
      return;
    }
    rmSync(file, { force: true });
    for (const s of subs) this.#drainFile(s.path, s.bytes, depth + 1, sink);
  }
}

/** Emits columns in sorted order. */
export function emitSorted(columns: RecordColumns, skip: number, sink: RecordSink): void {
  const perm = sortRecords(columns, skip);
  const { hashes, sources, ordinals, ids } = columns;
  for (let j = 0; j < perm.length; j++) {
    const i = perm[j]!;
    sink(hashes, i * 32, sources[i]!, ordinals[i]!, ids === null ? null : ids[i]!);
  }
}

/** Streams the records of an encoded file without loading it whole. */
export function forEachRecordInFile(file: string, visit: RecordSink): void {
  const size = statSync(file).size;
  const fd = openSync(file, "r");
  try {
    let buffer = Buffer.allocUnsafe(Math.max(RECORD_FIXED_BYTES, Math.min(size, 1024 * 1024)));
    let fill = 0;
    let pos = 0;
    let start = 0;
    for (;;) {
      // Move the unfinished record to the front and refill.
      buffer.copy(buffer, 0, start, fill);
      fill -= start;
      start = 0;
      if (fill === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, fill);
        buffer = bigger;
      }
      const n = pos < size ? readFd(fd, buffer, fill, pos) : 0;
      pos += n;
      fill += n;
      while (fill - start >= RECORD_FIXED_BYTES) {
        const idLength = buffer.readUInt32BE(start + 44);
        const end = start + RECORD_FIXED_BYTES + idLength;
        if (end > fill) break;
        visit(
          buffer,
          start,
          buffer.readUInt32BE(start + 32),
          buffer.readDoubleBE(start + 36),
          idLength === 0 ? "" : buffer.toString("utf8", start + RECORD_FIXED_BYTES, end),
        );
        start = end;
      }
      if (n === 0) {
        if (start !== fill) throw new DatatraceError(`${file} ends inside a record: the file is truncated or corrupt.`);
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function readFd(fd: number, buffer: Buffer, at: number, position: number): number {
  return readSync(fd, buffer, at, buffer.length - at, position);
}
