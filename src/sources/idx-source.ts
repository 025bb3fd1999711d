/**
 * IDX source (MNIST format, optionally gzip'd): every record is one sample,
 * its raw bytes (784 pixel bytes for an MNIST image, 1 byte for a label).
 * Sample id = `<name>#<record>` with 0-based record numbers. Plain files are
 * read by the hashing workers at record offsets; `.gz` files are decompressed
 * as a stream (zlib) into shared memory slots. A file shorter (or longer) than
 * its header announces is rejected with the expected and actual sizes.
 */
import type { FileHandle } from "node:fs/promises";

import { describeFsError } from "./describe-fs-error.js";
import type { IdxHeader } from "./idx-header.js";
import { parseIdxHeader } from "./idx-header.js";
import type { BatchContext, BatchSlot, RecordsBatch, SampleBatch, SegmentsBatch } from "./sample-batch.js";
import { partRange } from "./sample-batch.js";
import type { SampleSource, SourceEstimate } from "./sample-source.js";
import type { IdxSourceOptions, SourceDescription } from "./source-description.js";
import { SourceError } from "./source-error.js";
import { gunzipFile, openSourceFile, readFileHead } from "./source-file.js";

/** Most records per batch, and most bytes a plain-file batch reads. */
const MAX_RECORDS_PER_BATCH = 8192;
const MAX_BYTES_PER_BATCH = 8 * 1024 * 1024;
/** Enough bytes for any IDX header (4 + 4 × 255). */
const MAX_HEADER = 1024;

/** An IDX file, one sample per record. */
export class IdxSource implements SampleSource {
  readonly description: SourceDescription;
  readonly #file: string;
  readonly #name: string;
  readonly #options: IdxSourceOptions;
  #header: Promise<IdxHeader> | undefined;

  /**
   * @param file absolute path.
   * @param name relative name recorded in the manifest and used in ids.
   * @param options `gzip` defaults to whether the name ends in `.gz`.
   */
  constructor(file: string, name: string, options: Partial<IdxSourceOptions> = {}) {
    this.#file = file;
    this.#name = name;
    this.#options = { gzip: options.gzip ?? /\.gz$/iu.test(file) };
    this.description = { kind: "idx", name, options: this.#options };
  }

  /** The parsed header (for a gzip'd file, of the decompressed stream). */
  header(): Promise<IdxHeader> {
    this.#header ??= this.#options.gzip ? this.#readGzipHeader() : this.#readPlainHeader();
    return this.#header;
  }

  async estimate(): Promise<SourceEstimate> {
    const h = await this.header();
    return { samples: h.recordCount, bytes: h.recordCount * h.recordSize };
  }

  async fingerprint(): Promise<string> {
    const h = await this.header();
    const fh = await this.#open();
    try {
      const size = (await fh.stat()).size;
      return `${this.#options.gzip ? "gzip-bytes" : "bytes"}=${size};type=${h.type};dims=${h.dims.join("x")}`;
    } finally {
      await fh.close();
    }
  }

  batches(context: BatchContext): AsyncIterable<SampleBatch> {
    return this.#options.gzip ? this.#gzipBatches(context) : this.#plainBatches(context);
  }

  async *#plainBatches(context: BatchContext): AsyncGenerator<SampleBatch> {
    const h = await this.header();
    if (h.recordCount === 0) throw this.#noSamples();
    const { start, end } = partRange(h.recordCount, context.part);
    const perBatch = Math.max(1, Math.min(MAX_RECORDS_PER_BATCH, Math.floor(MAX_BYTES_PER_BATCH / h.recordSize)));
    for (let first = start; first < end; first += perBatch) {
      const count = Math.min(perBatch, end - first);
      const batch: RecordsBatch = {
        kind: "records",
        path: this.#file,
        offset: h.headerSize + first * h.recordSize,
        recordSize: h.recordSize,
        count,
        ordinals: consecutive(first, count),
        ids: context.withIds ? this.#ids(first, count) : null,
      };
      yield batch;
    }
  }

  async *#gzipBatches(context: BatchContext): AsyncGenerator<SampleBatch> {
    const h = await this.header();
    if (h.recordCount === 0) throw this.#noSamples();
    const { start, end } = partRange(h.recordCount, context.part);
    if (start >= end) return;
    const stream = gunzipFile(this.#file);
    let slot: BatchSlot | undefined;
    try {
      let headerLeft = h.headerSize; // bytes of header still to skip
      let record = 0; // index of the next record byte's record
      let recordFill = 0; // bytes of the current record already seen
      let fill = 0; // bytes in the slot
      let firstInSlot = start;
      let capacity = 0; // records that fit in the slot
      let seen = 0; // decompressed bytes
      const newSlot = async (): Promise<void> => {
        slot = await context.acquireSlot(h.recordSize);
        capacity = Math.min(slot.maxSamples, Math.floor(slot.data.length / h.recordSize));
        fill = 0;
      };
      const takeBatch = (): SegmentsBatch => {
        const filled = slot!;
        const count = fill / h.recordSize;
        for (let i = 0; i < count; i++) {
          filled.bounds[2 * i] = i * h.recordSize;
          filled.bounds[2 * i + 1] = (i + 1) * h.recordSize;
        }
        const batch: SegmentsBatch = {
          kind: "segments",
          slot: filled,
          count,
          ordinals: consecutive(firstInSlot, count),
          ids: context.withIds ? this.#ids(firstInSlot, count) : null,
        };
        firstInSlot += count;
        slot = undefined;
        return batch;
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        seen += chunk.length;
        let pos = 0;
        if (headerLeft > 0) {
          const skip = Math.min(headerLeft, chunk.length);
          headerLeft -= skip;
          pos = skip;
        }
        while (pos < chunk.length && record < end) {
          if (record < start) {
            // Records of earlier parts: decompressed, not hashed.
            const skip = Math.min(chunk.length - pos, (start - record) * h.recordSize - recordFill);
            const total = recordFill + skip;
            record += Math.floor(total / h.recordSize);
            recordFill = total % h.recordSize;
            pos += skip;
            continue;
          }
          if (slot === undefined) await newSlot();
          const room = Math.min(capacity, end - firstInSlot) * h.recordSize - fill;
          const take = Math.min(room, chunk.length - pos);
          slot!.data.set(chunk.subarray(pos, pos + take), fill);
          fill += take;
          pos += take;
          const total = recordFill + take;
          record += Math.floor(total / h.recordSize);
          recordFill = total % h.recordSize;
          if (fill === Math.min(capacity, end - firstInSlot) * h.recordSize) yield takeBatch();
        }
        if (record >= end && end < h.recordCount) break; // a later part takes the rest
      }
      if (record < end) {
        const got = seen;
        throw new SourceError(
          this.#name,
          `${this.#name} is truncated: its IDX header (${h.dims.join("×")}) announces ${h.expectedSize} bytes ` +
            `after decompression, but it holds ${got}. Download the file again.`,
        );
      }
      if (end === h.recordCount && seen > h.expectedSize) {
        throw new SourceError(
          this.#name,
          `${this.#name} holds ${seen} bytes after decompression, ${seen - h.expectedSize} more than its IDX header ` +
            `(${h.dims.join("×")}) announces (${h.expectedSize}); it is not a well-formed IDX file.`,
        );
      }
    } catch (error) {
      if (error instanceof SourceError) throw error;
      throw new SourceError(
        this.#name,
        `Cannot decompress ${this.#name}: ${describeFsError(error)}. The gzip file is damaged or truncated; download it again.`,
        { cause: error },
      );
    } finally {
      stream.destroy();
      if (slot !== undefined) context.releaseSlot(slot);
    }
  }

  #ids(first: number, count: number): string[] {
    const ids = new Array<string>(count);
    for (let i = 0; i < count; i++) ids[i] = `${this.#name}#${first + i}`;
    return ids;
  }

  #noSamples(): SourceError {
    return new SourceError(this.#name, `${this.#name} contains no samples: its IDX header announces 0 records.`);
  }

  #open(): Promise<FileHandle> {
    return openSourceFile(this.#file, this.#name);
  }

  async #readPlainHeader(): Promise<IdxHeader> {
    const fh = await this.#open();
    try {
      const size = (await fh.stat()).size;
      const head = new Uint8Array(Math.min(size, MAX_HEADER));
      await fh.read(head, 0, head.length, 0);
      const h = this.#parse(head);
      if (h === undefined) {
        throw new SourceError(this.#name, `${this.#name} is truncated: ${size} bytes, too short for an IDX header.`);
      }
      if (size < h.expectedSize) {
        throw new SourceError(
          this.#name,
          `${this.#name} is truncated: its IDX header (${h.dims.join("×")}) announces ${h.expectedSize} bytes, ` +
            `but the file has ${size}. Download the file again.`,
        );
      }
      if (size > h.expectedSize) {
        throw new SourceError(
          this.#name,
          `${this.#name} has ${size} bytes, ${size - h.expectedSize} more than its IDX header (${h.dims.join("×")}) ` +
            `announces (${h.expectedSize}); it is not a well-formed IDX file.`,
        );
      }
      return h;
    } finally {
      await fh.close();
    }
  }

  async #readGzipHeader(): Promise<IdxHeader> {
    const head = await readFileHead(this.#file, MAX_HEADER, true).catch((error: unknown) => {
      throw new SourceError(
        this.#name,
        `Cannot decompress ${this.#name}: ${describeFsError(error)}. Is it really gzip'd? Download it again or pass an uncompressed file.`,
        { cause: error },
      );
    });
    const h = this.#parse(head);
    if (h === undefined) {
      throw new SourceError(this.#name, `${this.#name} is truncated: ${head.length} bytes after decompression, too short for an IDX header.`);
    }
    return h;
  }

  #parse(head: Uint8Array): IdxHeader | undefined {
    try {
      return parseIdxHeader(head, this.#name);
    } catch (error) {
      throw new SourceError(this.#name, (error as Error).message, { cause: error });
    }
  }
}

function consecutive(first: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = first + i;
  return out;
}
