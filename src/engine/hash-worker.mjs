// Hashing worker: receives batch messages, writes digests into the shared
// `digests` buffer of the message and answers { id, bytes }, { id, bytes,
// scan } (a `tar-scan` batch) or { id, error }.
// Plain JavaScript so that it loads in a worker under any TypeScript loader.
import { parentPort } from "node:worker_threads";

import { runBatch } from "./hash-batch.mjs";

parentPort.on("message", (message) => {
  try {
    const { bytes, scan } = runBatch(message.batch, message.digests);
    parentPort.postMessage(scan === undefined ? { id: message.id, bytes } : { id: message.id, bytes, scan });
  } catch (error) {
    parentPort.postMessage({
      id: message.id,
      error: { message: error?.message ?? String(error), index: error?.index, code: error?.code },
    });
  }
});
