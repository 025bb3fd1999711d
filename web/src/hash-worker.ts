/**
 * Web Worker entry (bundled as hash-worker.js): hashes the File it is sent
 * with {@link hashBlob}, off the page's main thread, and posts progress and
 * the digest back. Protocol: in `{ file, streamAbove? }`; out
 * `{ kind: "progress", done, total }`*, then `{ kind: "digest", digest }` or
 * `{ kind: "error", message }`.
 */
import { hashBlob } from "./sample-hash.js";

/** A message from the worker. */
export type HashWorkerMessage =
  | { readonly kind: "progress"; readonly done: number; readonly total: number }
  | { readonly kind: "digest"; readonly digest: Uint8Array }
  | { readonly kind: "error"; readonly message: string };

/** A request to the worker. */
export interface HashWorkerRequest {
  readonly file: Blob;
  readonly streamAbove?: number;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<HashWorkerRequest>) => void) | null;
  postMessage(message: HashWorkerMessage): void;
};

scope.onmessage = (event) => {
  const { file, streamAbove } = event.data;
  hashBlob(file, {
    ...(streamAbove !== undefined ? { streamAbove } : {}),
    onProgress: (done, total) => scope.postMessage({ kind: "progress", done, total }),
  }).then(
    (digest) => scope.postMessage({ kind: "digest", digest }),
    (error: unknown) => scope.postMessage({ kind: "error", message: (error as Error).message }),
  );
};
