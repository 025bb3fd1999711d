/**
 * Web Worker entry (bundled as hash-worker.js): hashes the files it is sent,
 * one at a time, with {@link hashBlob}, off the page's main thread, and
 * posts progress and digests back. Protocol (hash-pool.ts is the other end):
 * in `{ id, file, tuning? }` (hash-blob.ts's {@link HashTuning}); out `{ id, kind: "progress", done, total }`*,
 * then `{ id, kind: "digest", digest, path }` or `{ id, kind: "error", message }`.
 */
import { hashBlob, type HashPath, type HashTuning } from "./hash-blob.js";

/** A message from the worker. */
export type HashWorkerMessage =
  | { readonly id: number; readonly kind: "progress"; readonly done: number; readonly total: number }
  | { readonly id: number; readonly kind: "digest"; readonly digest: Uint8Array; readonly path: HashPath }
  | { readonly id: number; readonly kind: "error"; readonly message: string };

/** A request to the worker. */
export interface HashWorkerRequest {
  readonly id: number;
  readonly file: Blob;
  readonly tuning?: HashTuning;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<HashWorkerRequest>) => void) | null;
  postMessage(message: HashWorkerMessage): void;
};

scope.onmessage = (event) => {
  const { id, file, tuning } = event.data;
  let path: HashPath = "streamed";
  hashBlob(file, {
    ...tuning,
    onPath: (p) => (path = p),
    onProgress: (done, total) => scope.postMessage({ id, kind: "progress", done, total }),
  }).then(
    (digest) => scope.postMessage({ id, kind: "digest", digest, path }),
    (error: unknown) => scope.postMessage({ id, kind: "error", message: error instanceof Error ? error.message : String(error) }),
  );
};
