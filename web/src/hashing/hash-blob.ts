/**
 * The sample hash of docs/merkle-scheme.md, `SHA-256(sample bytes)`, of a
 * File or Blob in the browser, in one of two ways (web/bench/hash-in-browser.bench.ts
 * measures both; the figures are in docs/web.md):
 *
 * - **one-shot** (default up to {@link ONE_SHOT_MAX_BYTES}): the whole file
 *   read with one `arrayBuffer()` call, then hashed by a single WebCrypto
 *   `digest` — the browser's native SHA-256. WebCrypto has no incremental
 *   API, so this needs the whole file in memory; reading it in one call is
 *   about twice as fast as reading it in slices (measured: 512 MiB in 2.5 s
 *   whole, 4.7–5.7 s in 64–128 MiB slices, 4.4 s through `stream()`, on this
 *   loaded 2-vCPU machine), so progress is reported when the read is done;
 * - **streamed** (larger files, or when the file cannot be read in one
 *   buffer): hash-wasm's incremental SHA-256 fed {@link READ_SLICE_BYTES}
 *   slices, constant memory, progress per slice, slower (WASM has no SHA
 *   instructions).
 *
 * Runs on whatever thread calls it; the page calls it in Web Workers
 * (hash-worker.ts, hash-pool.ts).
 */
import { createSHA256 } from "hash-wasm";

/**
 * Files up to this size (1 GiB) are read whole and hashed by WebCrypto in
 * one call. The bound keeps memory in check: the file's buffer plus the copy
 * WebCrypto takes of it.
 */
export const ONE_SHOT_MAX_BYTES = 1024 * 1024 * 1024;
/** Slice read at a time on the streamed path. */
export const READ_SLICE_BYTES = 32 * 1024 * 1024;

/** How {@link hashBlob} hashed. */
export type HashPath = "one-shot" | "streamed";

/** Options of {@link hashBlob}. */
export interface HashBlobOptions {
  /** Called with the bytes read so far: once the file is read (one-shot), or per slice (streamed). */
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Size above which the streamed path is used (default {@link ONE_SHOT_MAX_BYTES}; 0 forces streaming). */
  readonly oneShotMaxBytes?: number;
  /** Slice size of the streamed path (default {@link READ_SLICE_BYTES}). */
  readonly sliceBytes?: number;
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

/** SHA-256 of a File or Blob (32 bytes); see the module doc. */
export async function hashBlob(blob: Blob, options: HashBlobOptions = {}): Promise<Uint8Array> {
  if (blob.size <= (options.oneShotMaxBytes ?? ONE_SHOT_MAX_BYTES)) {
    let whole: ArrayBuffer | undefined;
    try {
      whole = await blob.arrayBuffer();
    } catch (error) {
      // Too large for one buffer here: stream instead. A file that cannot be read at all fails below too.
      if (!(error instanceof RangeError) && (error as Error).name !== "NotReadableError") throw error;
    }
    if (whole !== undefined) {
      options.onPath?.("one-shot");
      options.onProgress?.(blob.size, blob.size);
      return new Uint8Array(await subtle().digest("SHA-256", whole));
    }
  }
  options.onPath?.("streamed");
  const slice = options.sliceBytes ?? READ_SLICE_BYTES;
  const hasher = await createSHA256();
  hasher.init();
  for (let at = 0; at < blob.size; at += slice) {
    const end = Math.min(blob.size, at + slice);
    hasher.update(new Uint8Array(await blob.slice(at, end).arrayBuffer()));
    options.onProgress?.(end, blob.size);
  }
  return hasher.digest("binary");
}
