/**
 * The sample hash of docs/merkle-scheme.md, `SHA-256(sample bytes)`, of a
 * File or Blob in the browser. Two paths; web/bench/hash-in-browser.bench.ts
 * measures both and the ceilings behind them (figures in docs/web.md):
 *
 * - **streamed** (the default, any size): the file read through
 *   `blob.stream()` with a BYOB reader into two fixed buffers of
 *   {@link READ_SLICE_BYTES}; each filled slice is fed to hash-wasm's
 *   incremental SHA-256 while the read of the next one is already pending.
 *   Constant memory (two slices), progress per slice. Chosen by measurement
 *   in Chromium on the 2-vCPU build machine: BYOB stream reads are several
 *   times faster than `arrayBuffer()`, slice reads (sequential or several in
 *   flight, which are slower still) or `FileReaderSync`, and hash-wasm on
 *   bytes in memory is about as fast as WebCrypto there, which has no
 *   incremental API (so it cannot overlap reading, and needs the whole file
 *   in memory). Where the browser's Blob stream has no BYOB reader, the
 *   default reader's chunks are hashed as they come.
 * - **one-shot** (on request, up to {@link ONE_SHOT_MAX_BYTES}; larger files
 *   are streamed): the file read into one buffer by the same BYOB reads,
 *   progress per slice, then one WebCrypto `digest` — the browser's native
 *   SHA-256, which may win where it uses the CPU's SHA instructions (the
 *   benchmark prints both).
 *
 * A file that cannot be read, or whose size changes while it is read, is an
 * error. Runs on whatever thread calls it; the page calls it in Web Workers
 * (hash-worker.ts, hash-pool.ts).
 */
import { createSHA256 } from "hash-wasm";

/** The one-shot path holds the whole file (plus WebCrypto's copy): files above this size (1 GiB) are streamed. */
export const ONE_SHOT_MAX_BYTES = 1024 * 1024 * 1024;
/** Bytes read (and hashed) at a time; the fastest in web/bench/hash-in-browser.bench.ts's comparison. */
export const READ_SLICE_BYTES = 2 * 1024 * 1024;

/** How {@link hashBlob} hashes (see the module doc). */
export type HashPath = "one-shot" | "streamed";

/** How to hash, as opposed to what to report: plain data, so it can be posted to a worker. */
export interface HashTuning {
  /** The path to take (default "streamed"; "one-shot" only up to {@link ONE_SHOT_MAX_BYTES}). */
  readonly path?: HashPath;
  /** Slice size (default {@link READ_SLICE_BYTES}). */
  readonly sliceBytes?: number;
  /** Read with the stream's default reader even where a BYOB reader exists (tests and the benchmark). */
  readonly noByob?: boolean;
}

/** Options of {@link hashBlob}. */
export interface HashBlobOptions extends HashTuning {
  /** Called with the bytes read so far, per slice, ending with the file's size. */
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Told which path was taken. */
  readonly onPath?: (path: HashPath) => void;
}

function subtle(): NonNullable<typeof globalThis.crypto>["subtle"] {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) {
    throw new Error("WebCrypto is not available: open the page over https:// or from http://127.0.0.1 / http://localhost (a secure context).");
  }
  return s;
}

/** A BYOB reader of the blob's bytes, or undefined where the browser has none for Blob streams. */
function byobReader(blob: Blob): ReadableStreamBYOBReader | undefined {
  try {
    return blob.stream().getReader({ mode: "byob" });
  } catch {
    return undefined;
  }
}

/**
 * Reads into `view` until it is full or the stream ends; returns the filled
 * part, on the buffer the reads handed back (each read transfers it).
 */
async function fill(reader: ReadableStreamBYOBReader, view: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const { byteOffset, byteLength } = view;
  let buffer = view.buffer;
  let filled = 0;
  while (filled < byteLength) {
    const { done, value } = await reader.read(new Uint8Array(buffer, byteOffset + filled, byteLength - filled));
    if (value === undefined) throw new Error("The file's reader was cancelled.");
    buffer = value.buffer;
    if (done) break;
    filled += value.byteLength;
  }
  return new Uint8Array(buffer, byteOffset, filled);
}

/**
 * The blob's bytes in order, in slices of at most `sliceBytes`: with a BYOB
 * reader, two buffers take turns and the next slice's read is pending while
 * the caller hashes the current one (a yielded slice is valid until the
 * caller asks for the next); otherwise the default reader's chunks.
 */
async function* slices(blob: Blob, sliceBytes: number, noByob: boolean): AsyncGenerator<Uint8Array> {
  const reader = noByob ? undefined : byobReader(blob);
  if (reader === undefined) {
    const chunks = blob.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await chunks.read();
        if (done) return;
        yield value;
      }
    } finally {
      void chunks.cancel().catch(() => undefined);
    }
  }
  let pending = fill(reader, new Uint8Array(sliceBytes));
  let spare = new ArrayBuffer(sliceBytes);
  try {
    for (;;) {
      const slice = await pending;
      if (slice.byteLength === 0) return;
      pending = fill(reader, new Uint8Array(spare));
      yield slice;
      spare = slice.buffer;
    }
  } finally {
    // Stopped early (the caller threw): settle the pending read quietly and let go of the file.
    pending.catch(() => undefined);
    void reader.cancel().catch(() => undefined);
  }
}

function checkSize(read: number, blob: Blob): void {
  if (read !== blob.size) throw new Error(`The file changed while it was read: ${read} bytes read, ${blob.size} expected. Hash it again once it is no longer being written.`);
}

/** Reports progress at most once per slice, and always at the end. */
function progressEvery(sliceBytes: number, total: number, onProgress: HashBlobOptions["onProgress"]): (done: number) => void {
  let next = Math.min(sliceBytes, total);
  return (done) => {
    if (onProgress === undefined || done < next) return;
    onProgress(done, total);
    next = done >= total ? Infinity : Math.min(total, done + sliceBytes);
  };
}

async function hashStreamed(blob: Blob, sliceBytes: number, noByob: boolean, progress: (done: number) => void): Promise<Uint8Array> {
  const hasher = await createSHA256();
  hasher.init();
  let read = 0;
  for await (const slice of slices(blob, sliceBytes, noByob)) {
    hasher.update(slice);
    read += slice.byteLength;
    progress(read);
  }
  checkSize(read, blob);
  progress(read);
  return hasher.digest("binary");
}

/** The one-shot path; undefined when no buffer of the file's size can be had (then it is streamed). */
async function hashOneShot(blob: Blob, sliceBytes: number, noByob: boolean, progress: (done: number) => void): Promise<Uint8Array | undefined> {
  const reader = noByob ? undefined : byobReader(blob);
  let whole: Uint8Array<ArrayBuffer>;
  try {
    whole = reader === undefined ? new Uint8Array(await blob.arrayBuffer()) : new Uint8Array(blob.size);
  } catch (error) {
    void reader?.cancel().catch(() => undefined);
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  if (reader !== undefined) {
    let buffer = whole.buffer;
    let read = 0;
    try {
      while (read < blob.size) {
        const got = await fill(reader, new Uint8Array(buffer, read, Math.min(sliceBytes, blob.size - read)));
        buffer = got.buffer;
        if (got.byteLength === 0) break;
        read += got.byteLength;
        progress(read);
      }
      // One more read: a file that grew shows here.
      read += (await fill(reader, new Uint8Array(1))).byteLength;
    } finally {
      void reader.cancel().catch(() => undefined);
    }
    checkSize(read, blob);
    whole = new Uint8Array(buffer);
  }
  checkSize(whole.byteLength, blob);
  progress(blob.size);
  return new Uint8Array(await subtle().digest("SHA-256", whole));
}

/** SHA-256 of a File or Blob (32 bytes); see the module doc. */
export async function hashBlob(blob: Blob, options: HashBlobOptions = {}): Promise<Uint8Array> {
  const sliceBytes = options.sliceBytes ?? READ_SLICE_BYTES;
  if (!Number.isSafeInteger(sliceBytes) || sliceBytes <= 0) throw new RangeError(`sliceBytes must be a positive integer, not ${sliceBytes}.`);
  const progress = progressEvery(sliceBytes, blob.size, options.onProgress);
  const noByob = options.noByob === true;
  if (options.path === "one-shot" && blob.size <= ONE_SHOT_MAX_BYTES) {
    const digest = await hashOneShot(blob, sliceBytes, noByob, progress);
    if (digest !== undefined) {
      options.onPath?.("one-shot");
      return digest;
    }
  }
  options.onPath?.("streamed");
  return hashStreamed(blob, sliceBytes, noByob, progress);
}
