/**
 * The entries of one tar shard with their data, streamed in archive order:
 * gzip'd shards are decompressed by zlib, and the headers are walked by the
 * same walk as plain shards (tar-headers.ts: tar-stream's header codec, pax
 * and GNU long-name records applied as tar-stream applies them), so a shard
 * gives the same entries, and is refused for the same reasons, plain or
 * gzip'd. Used for gzip'd shards and `--group-by-key`; plain shards are
 * walked in place.
 *
 * Why not tar-stream's `extract`: after a pax or long-name record whose size
 * field decodes as null (a base-256 field whose first byte is neither 0x80
 * nor 0xff), it keeps the record pending and later swallows bytes after a
 * member's data as that record, so a crafted shard could show it members
 * other than those a tar reader sees (test/sources/tar-entries.test.ts builds
 * one); the walk refuses such a record.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";

import { gunzipFile } from "./source-file.js";
import { TarHeaderWalk, type TarEntryInfo } from "./tar-headers.js";
import { DatatraceError, InternalError } from "../errors/index.js";

export type { TarEntryInfo } from "./tar-headers.js";

/** One entry and its data, as {@link tarEntriesWithData} yields them. */
export interface TarEntryWithData {
  readonly info: TarEntryInfo;
  /** The entry's data chunks; must be consumed (or drained) before the next entry. */
  readonly data: AsyncIterable<Uint8Array>;
}

/** The error for an archive that ends inside an entry or record (the plain walk's wording). */
export function truncatedAt(archiveEnd: number, neededEnd: number): DatatraceError {
  return new DatatraceError(`Unexpected end of data: the archive ends at byte ${archiveEnd}, an entry needs bytes up to ${neededEnd}`);
}

/** The error for bytes after the last whole 512-byte block (the plain walk's wording). */
export function trailingBytes(count: number): DatatraceError {
  return new DatatraceError(`Unexpected end of data: ${count} bytes after the last 512-byte block`);
}

/** Bytes pulled from a stream in order: reads, and runs of chunks that must all be there. */
class StreamBytes {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #head: Uint8Array = new Uint8Array(0);
  #ended = false;
  /** Bytes consumed so far. */
  position = 0;

  constructor(stream: AsyncIterable<Uint8Array>) {
    this.#chunks = stream[Symbol.asyncIterator]();
  }

  /** Up to `length` bytes as one array: fewer only at the end of the stream (none there). */
  async read(length: number): Promise<Uint8Array> {
    if (!(await this.#more())) return new Uint8Array(0);
    if (this.#head.length >= length) return this.#take(length);
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length && (await this.#more())) {
      const part = this.#take(Math.min(length - got, this.#head.length));
      out.set(part, got);
      got += part.length;
    }
    return got === length ? out : out.subarray(0, got);
  }

  /** The next `length` bytes as they arrive (views: copy what you keep); fails as truncated if the stream ends first. */
  async *run(length: number): AsyncGenerator<Uint8Array> {
    const end = this.position + length;
    while (this.position < end) {
      if (!(await this.#more())) throw truncatedAt(this.position, end);
      yield this.#take(Math.min(end - this.position, this.#head.length));
    }
  }

  /** Skips `length` bytes; fails as truncated if the stream ends first. */
  async skip(length: number): Promise<void> {
    for await (const part of this.run(length)) void part;
  }

  /** Whether bytes remain in `#head`, pulling chunks while it is empty; false at the end of the stream. */
  async #more(): Promise<boolean> {
    while (this.#head.length === 0) {
      if (this.#ended) return false;
      const next = await this.#chunks.next();
      if (next.done === true) {
        this.#ended = true;
        return false;
      }
      this.#head = next.value;
    }
    return true;
  }

  #take(length: number): Uint8Array {
    const part = this.#head.subarray(0, length);
    this.#head = this.#head.subarray(length);
    this.position += length;
    return part;
  }
}

/**
 * The entries of a tar file (gzip'd when `gzip`) with their data, streamed
 * through the header walk. Rejects with the decompression or tar error for
 * a damaged or truncated archive, as the plain walk does.
 */
export async function* tarEntriesWithData(file: string, gzip: boolean): AsyncGenerator<TarEntryWithData> {
  const input: Readable = gzip ? gunzipFile(file) : createReadStream(file, { highWaterMark: 1024 * 1024 });
  const bytes = new StreamBytes(input as AsyncIterable<Uint8Array>);
  const walk = new TarHeaderWalk();
  try {
    for (;;) {
      const offset = bytes.position;
      const block = await bytes.read(512);
      if (block.length === 0) {
        walk.end();
        return;
      }
      if (block.length < 512) throw trailingBytes(block.length);
      const found = walk.block(block, offset);
      if (found.kind === "zero") continue;
      if (found.kind === "record") {
        const at = bytes.position;
        const record = await bytes.read(found.size);
        if (record.length < found.size) throw truncatedAt(at + record.length, at + found.size);
        walk.record(record);
        await bytes.skip(padded(found.size) - found.size);
        continue;
      }
      const info = found.info;
      // As tar-stream: a directory entry has no data, whatever its size field says.
      const size = info.type === "directory" ? 0 : info.size;
      const end = info.dataOffset + size;
      let started = false;
      const data: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => {
          // Once, and only while this is the current entry (after it, the stream is at the next one's bytes).
          if (started || bytes.position !== info.dataOffset) throw new InternalError(`the data of tar member ${info.name} can be read once, before the next entry`);
          started = true;
          return bytes.run(size);
        },
      };
      yield { info, data };
      // What the consumer left unread, then the padding (a shard cut inside it is truncated: tar readers refuse it).
      await bytes.skip(end - bytes.position + padded(size) - size);
    }
  } finally {
    input.destroy();
  }
}

function padded(size: number): number {
  return Math.ceil(size / 512) * 512;
}
