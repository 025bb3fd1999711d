// File hashing worker: receives { id, path, gitSha1 }, answers
// { id, result } or { id, error }, and { id, progress } about every 64 MiB.
// Plain JavaScript so that it loads in a worker under any TypeScript loader.
import { parentPort } from "node:worker_threads";

import { hashFileSync } from "./hash-file-sync.mjs";

parentPort.on("message", (job) => {
  try {
    const result = hashFileSync(job.path, job.gitSha1, (bytes) => parentPort.postMessage({ id: job.id, progress: bytes }));
    parentPort.postMessage({ id: job.id, result });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: { message: error?.message ?? String(error), code: error?.code } });
  }
});
