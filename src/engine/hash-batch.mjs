// Hashing of one sample batch (see src/sources/sample-batch.ts): the code that
// runs inside the hashing workers, and in the main thread when threads = 0.
//
// Plain JavaScript on purpose: worker threads do not inherit the TypeScript
// loader (tsx, Hardhat) of the main thread, so the worker entry and what it
// imports must be loadable by bare Node. Types: hash-batch.d.mts.
import { createHash, hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

import { createScratch, decodeColumnPages } from "../sources/parquet-pages.mjs";

/** Files above this size are hashed in chunks instead of read whole. */
const STREAM_THRESHOLD = 64 * 1024 * 1024;
const STREAM_CHUNK = 4 * 1024 * 1024;

let scratch = new Uint8Array(1024 * 1024);
/** Decoding memory for Parquet pages, reused from batch to batch. */
let pageScratch;

function ensureScratch(size) {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  return scratch;
}

/** Error carrying the failing sample's position in the batch and the errno code. */
export class SampleReadError extends Error {
  constructor(index, path, cause) {
    // Our own codes carry a sentence; for errno codes (EACCES…) the code is what callers map.
    const ours = typeof cause?.code === "string" && /^E(TRUNCATED|PARQUETNULL)$/u.test(cause.code);
    super(`cannot read ${path}: ${ours ? cause.message : (cause?.code ?? cause?.message ?? cause)}`);
    this.name = "SampleReadError";
    this.index = index;
    this.code = cause?.code;
  }
}

function hashFile(path, digests, at) {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > STREAM_THRESHOLD) {
      const h = createHash("sha256");
      const chunk = ensureScratch(STREAM_CHUNK);
      let total = 0;
      for (;;) {
        const n = readSync(fd, chunk, 0, STREAM_CHUNK, null);
        if (n === 0) break;
        h.update(chunk.subarray(0, n));
        total += n;
      }
      digests.set(h.digest(), at);
      return total;
    }
    // Read into a reused buffer; keep reading if the file grew meanwhile.
    let buf = ensureScratch(size + 1);
    let fill = 0;
    for (;;) {
      if (fill === buf.length) buf = ensureScratch(buf.length * 2);
      const n = readSync(fd, buf, fill, buf.length - fill, null);
      if (n === 0) break;
      fill += n;
    }
    digests.set(hash("sha256", buf.subarray(0, fill), "buffer"), at);
    return fill;
  } finally {
    closeSync(fd);
  }
}

/**
 * Hashes one batch message; writes `count` digests into `digests` (32 bytes
 * each, in batch order) and returns the number of sample bytes hashed.
 * Message shapes: { kind: "files", paths }, { kind: "records", path, offset,
 * recordSize, count }, { kind: "segments", data, bounds, count },
 * { kind: "parquet-pages", data,
 * byteLength, column, count }.
 */
export function hashBatch(message, digests) {
  if (message.kind === "files") {
    let bytes = 0;
    const paths = message.paths;
    for (let i = 0; i < paths.length; i++) {
      try {
        bytes += hashFile(paths[i], digests, 32 * i);
      } catch (error) {
        throw new SampleReadError(i, paths[i], error);
      }
    }
    return bytes;
  }
  if (message.kind === "records") {
    const { path, offset, recordSize, count } = message;
    const total = recordSize * count;
    const buf = ensureScratch(total);
    let fill = 0;
    let fd;
    try {
      fd = openSync(path, "r");
      while (fill < total) {
        const n = readSync(fd, buf, fill, total - fill, offset + fill);
        if (n === 0) break;
        fill += n;
      }
    } catch (error) {
      throw new SampleReadError(Math.floor(fill / recordSize), path, error);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (fill < total) {
      throw new SampleReadError(Math.floor(fill / recordSize), path, {
        code: "ETRUNCATED",
        message: `file ended at byte ${offset + fill}, expected ${offset + total} (it shrank while being read)`,
      });
    }
    for (let i = 0; i < count; i++) {
      digests.set(hash("sha256", buf.subarray(i * recordSize, (i + 1) * recordSize), "buffer"), 32 * i);
    }
    return total;
  }
  if (message.kind === "segments") {
    const { data, bounds, count } = message;
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const start = bounds[2 * i];
      const end = bounds[2 * i + 1];
      digests.set(hash("sha256", data.subarray(start, end), "buffer"), 32 * i);
      bytes += end - start;
    }
    return bytes;
  }
  if (message.kind === "parquet-pages") {
    pageScratch ??= createScratch();
    let i = 0;
    let bytes = 0;
    decodeColumnPages(message.data.subarray(0, message.byteLength), message.column, pageScratch, (value) => {
      if (i >= message.count) throw new Error(`the pages hold more than the ${message.count} rows announced`);
      if (value === null) {
        throw new SampleReadError(i, message.column.pathInSchema.join("."), {
          code: "EPARQUETNULL",
          message: "a null value, though the file's statistics say this column chunk has none",
        });
      }
      digests.set(hash("sha256", value, "buffer"), 32 * i);
      bytes += value.length;
      i++;
    });
    if (i !== message.count) throw new Error(`the pages hold ${i} rows, ${message.count} were announced`);
    return bytes;
  }
  throw new Error(`unknown batch kind ${message.kind}`);
}
