/**
 * The sample hash of docs/merkle-scheme.md, `SHA-256(sample bytes)`, of a
 * File or Blob in the browser, in one of two ways (web/bench/hash-in-browser.bench.ts
 * measures both; the figures are in docs/web.md):
 *
 * - **one-shot** (default up to {@link ONE_SHOT_MAX_BYTES}): the file is read
 *   in {@link READ_SLICE_BYTES} slices into one buffer (progress is reported
 *   per slice), then hashed by a single WebCrypto `digest` call — the
 *   browser's native SHA-256 (SHA-NI where the CPU has it). WebCrypto has no
 *   incremental API, so this needs the whole file in memory;
 * - **streamed** (larger files, or when that buffer cannot be allocated):
 *   hash-wasm's incremental SHA-256 fed slices, constant memory, slower
 *   (WASM has no SHA instructions).
 *
 * Runs on whatever thread calls it; the page calls it in Web Workers
 * (hash-worker.ts, hash-pool.ts).
 */
import { createSHA256 } from "hash-wasm";

/** Files up to this size are read whole and hashed by WebCrypto in one call (2 GiB − 1: V8 typed-array limits stay far away). */
export const ONE_SHOT_MAX_BYTES = 2 * 1024 * 1024 * 1024 - 1;
/** Slice read at a time (both paths). */
export const READ_SLICE_BYTES = 32 * 1024 * 1024;

/** How {@link hashBlob} hashed. */
export type HashPath = "one-shot" | "streamed";

/** Options of {@link hashBlob}. */
export interface HashBlobOptions {
  /** Called with the bytes read so far, once per slice. */
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Size above which the streamed path is used (default {@link ONE_SHOT_MAX_BYTES}; 0 forces streaming). */
  readonly oneShotMaxBytes?: number;
  /** Slice size (default {@link READ_SLICE_BYTES}). */
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
  const slice = options.sliceBytes ?? READ_SLICE_BYTES;
  if (blob.size <= (options.oneShotMaxBytes ?? ONE_SHOT_MAX_BYTES)) {
    let whole: Uint8Array<ArrayBuffer> | undefined;
    try {
      whole = new Uint8Array(blob.size);
    } catch {
      whole = undefined; // not enough memory for one buffer: stream instead
    }
    if (whole !== undefined) {
      options.onPath?.("one-shot");
      if (blob.size <= slice) {
        whole = new Uint8Array(await blob.arrayBuffer());
      } else {
        for (let at = 0; at < blob.size; at += slice) {
          const end = Math.min(blob.size, at + slice);
          whole.set(new Uint8Array(await blob.slice(at, end).arrayBuffer()), at);
          options.onProgress?.(end, blob.size);
        }
      }
      return new Uint8Array(await subtle().digest("SHA-256", whole));
    }
  }
  options.onPath?.("streamed");
  const hasher = await createSHA256();
  hasher.init();
  for (let at = 0; at < blob.size; at += slice) {
    const end = Math.min(blob.size, at + slice);
    hasher.update(new Uint8Array(await blob.slice(at, end).arrayBuffer()));
    options.onProgress?.(end, blob.size);
  }
  return hasher.digest("binary");
}
