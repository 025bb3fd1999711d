/**
 * Small reads of a plain file through one reused buffer: tar headers and
 * Parquet page headers, walked by the main thread while the hashing workers
 * read the sample bytes themselves. A piece inside the last window read
 * costs no read; a window is `windowBytes` (more for a larger piece), so
 * the headers of a run of small members come in one read.
 */
import { readFullySync } from "./parquet-page-cursor.js";

/** Default window: the headers of a few small members (WebDataset .txt/.json) after a large one. */
const WINDOW_BYTES = 4 * 1024;

/** Reads pieces of `[0, size)` of the file open as `fd`. */
export class FileWindow {
  readonly #fd: number;
  readonly #size: number;
  readonly #windowBytes: number;
  #buffer: Buffer;
  #start = 0;
  #length = 0;

  constructor(fd: number, size: number, windowBytes = WINDOW_BYTES) {
    this.#fd = fd;
    this.#size = size;
    this.#windowBytes = windowBytes;
    this.#buffer = Buffer.alloc(windowBytes);
  }

  /**
   * `[offset, offset + length)` of the file, as a view valid until the next
   * call. Throws (readFullySync's error) when the file ends before.
   */
  bytes(offset: number, length: number): Buffer {
    if (offset < this.#start || offset + length > this.#start + this.#length) {
      const want = Math.max(length, Math.min(this.#windowBytes, this.#size - offset));
      if (this.#buffer.length < want) this.#buffer = Buffer.alloc(want);
      this.#length = 0;
      readFullySync(this.#fd, this.#buffer, want, offset);
      this.#start = offset;
      this.#length = want;
    }
    const at = offset - this.#start;
    return this.#buffer.subarray(at, at + length);
  }
}
