/**
 * Reads the pages of one Parquet column chunk in order through one reused
 * buffer (a page is returned as a view, valid until the next call), so that
 * memory is bounded by the largest page, not by the chunk or the file.
 * Page headers are parsed by hyparquet.
 */
import { readSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";

import type { PageHeader } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { DatatraceError } from "../errors/index.js";

/** Bytes read at a time (more when a page is larger). */
const READ_BYTES = 8 * 1024 * 1024;
/** First guess of a page header's size (headers with statistics can be larger: the read grows). */
const HEADER_GUESS = 64 * 1024;

/** One page: its header and its bytes (header and body). */
export interface ParquetPage {
  readonly header: PageHeader;
  /** Header and compressed body; valid until the next {@link ParquetPageCursor.next}. */
  readonly bytes: Uint8Array;
  /** File offset of the page. */
  readonly offset: number;
}

/**
 * Reads `length` bytes at `position` into `target` at `at`, synchronously;
 * throws if the file is shorter. Used to fill the hashing slots: measured,
 * an async read (a libuv thread) competing with the hashing workers for the
 * CPUs took about 3× longer and left them waiting, while this thread has
 * nothing else to do meanwhile.
 */
export function readFullySync(fd: number, target: Uint8Array, length: number, position: number, at = 0): void {
  for (let got = 0; got < length; ) {
    // At most 1 GiB per call: readSync refuses a length of 2^31 or more (a tar member of 2 GiB read back whole).
    const n = readSync(fd, target, at + got, Math.min(length - got, 2 ** 30), position + got);
    if (n === 0) throw new DatatraceError(`Unexpected end of data: the file ended at byte ${position + got}, expected ${position + length} (it is truncated or shrank while being read)`);
    got += n;
  }
}

/** Reads `length` bytes at `position` into `target` at `at`; throws if the file is shorter. */
export async function readFully(handle: FileHandle, target: Uint8Array, at: number, length: number, position: number): Promise<void> {
  for (let got = 0; got < length; ) {
    const { bytesRead } = await handle.read(target, at + got, length - got, position + got);
    if (bytesRead === 0) throw new DatatraceError(`the file ended at byte ${position + got}, expected ${position + length} (it is truncated or shrank while being read)`);
    got += bytesRead;
  }
}

/** The pages of `[start, end)` of a file, in order. */
export class ParquetPageCursor {
  readonly #handle: FileHandle;
  readonly #end: number;
  #pos: number;
  #buffer = new Uint8Array(0);
  #bufferStart = 0;
  #bufferLength = 0;

  constructor(handle: FileHandle, start: number, end: number) {
    this.#handle = handle;
    this.#pos = start;
    this.#end = end;
  }

  /** File offset of the next page. */
  get position(): number {
    return this.#pos;
  }

  /** The next page, or undefined at the end of the range. */
  async next(): Promise<ParquetPage | undefined> {
    if (this.#pos >= this.#end) return undefined;
    const offset = this.#pos;
    let guess = Math.min(HEADER_GUESS, this.#end - offset);
    let header: PageHeader;
    let headerLength: number;
    for (;;) {
      const view = await this.#view(offset, guess);
      const reader = { view: new DataView(view.buffer, view.byteOffset, view.byteLength), offset: 0 };
      try {
        header = parquetHeader(reader);
        headerLength = reader.offset;
        break;
      } catch (error) {
        if (!(error instanceof RangeError) || guess >= this.#end - offset) {
          throw new DatatraceError(`unreadable page header at byte ${offset} (${(error as Error).message})`, { cause: error });
        }
        guess = Math.min(guess * 4, this.#end - offset);
      }
    }
    const total = headerLength + header.compressed_page_size;
    if (offset + total > this.#end) throw new DatatraceError(`the page at byte ${offset} runs past the end of its column chunk (byte ${this.#end})`);
    const bytes = await this.#view(offset, total);
    this.#pos = offset + total;
    return { header, bytes, offset };
  }

  /** A view of `[from, from + length)` of the file, read into the buffer if needed. */
  async #view(from: number, length: number): Promise<Uint8Array> {
    if (from < this.#bufferStart || from + length > this.#bufferStart + this.#bufferLength) {
      const want = Math.max(length, Math.min(READ_BYTES, this.#end - from));
      if (this.#buffer.length < want) this.#buffer = new Uint8Array(Math.max(want, 2 * this.#buffer.length));
      await readFully(this.#handle, this.#buffer, 0, want, from);
      this.#bufferStart = from;
      this.#bufferLength = want;
    }
    const at = from - this.#bufferStart;
    return this.#buffer.subarray(at, at + length);
  }
}
