// Hashing worker: receives batch messages, writes digests into the shared
// `digests` buffer of the message and answers { id, bytes } or { id, error }.
// Plain JavaScript so that it loads in a worker under any TypeScript loader.
import { parentPort } from "node:worker_threads";

import { hashBatch } from "./hash-batch.mjs";

parentPort.on("message", (message) => {
  try {
    const bytes = hashBatch(message.batch, message.digests);
    parentPort.postMessage({ id: message.id, bytes });
  } catch (error) {
    parentPort.postMessage({
      id: message.id,
      error: { message: error?.message ?? String(error), index: error?.index, code: error?.code },
    });
  }
});
