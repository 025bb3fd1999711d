/**
 * Hashes a file in a Web Worker (hash-worker.js, next to the page's
 * app.js) so that the page never freezes, whatever the file size; falls
 * back to hashing on the calling thread where workers are unavailable.
 */
import type { HashWorkerMessage, HashWorkerRequest } from "./hash-worker.js";
import { hashBlob } from "./sample-hash.js";

/** Options of {@link hashFileOffThread}. */
export interface HashFileOffThreadOptions {
  /** URL of the worker script (default: hash-worker.js next to the document). */
  readonly workerUrl?: string | URL;
  /** Progress of the sliced path (large files). */
  readonly onProgress?: (hashedBytes: number, totalBytes: number) => void;
  /** Size above which the file is hashed in slices (see sample-hash.ts). */
  readonly streamAbove?: number;
}

/** SHA-256 of `file`, computed in a worker. */
export function hashFileOffThread(file: Blob, options: HashFileOffThreadOptions = {}): Promise<Uint8Array> {
  if (typeof Worker === "undefined") {
    return hashBlob(file, {
      ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
      ...(options.streamAbove !== undefined ? { streamAbove: options.streamAbove } : {}),
    });
  }
  const worker = new Worker(options.workerUrl ?? new URL("hash-worker.js", document.baseURI));
  return new Promise<Uint8Array>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<HashWorkerMessage>) => {
      const message = event.data;
      if (message.kind === "progress") {
        options.onProgress?.(message.done, message.total);
        return;
      }
      worker.terminate();
      if (message.kind === "digest") resolve(message.digest);
      else reject(new Error(`Hashing the file failed: ${message.message}`));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`The hashing worker (hash-worker.js) failed to run: ${event.message || "could not load it"}. Is the page served with its hash-worker.js?`));
    };
    const request: HashWorkerRequest = { file, ...(options.streamAbove !== undefined ? { streamAbove: options.streamAbove } : {}) };
    worker.postMessage(request);
  });
}
