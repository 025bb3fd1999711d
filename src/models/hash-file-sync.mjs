// Hashes one file with synchronous reads into a reused buffer: SHA-256, and
// on request the git blob id (SHA-1 of "blob <size>\0" + content). Used by
// the worker threads of file-hash-pool.ts and, for small jobs, in the calling
// thread. Plain JavaScript so that worker threads load it without a
// TypeScript loader. Synchronous reads in a worker avoid the libuv thread
// pool round trip of every chunk (measured in bench/weights.bench.ts).
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Read size: large enough that per-call overhead is negligible. */
export const CHUNK_BYTES = 4 << 20;

let shared;

/**
 * Hashes `path`. `onBytes(n)` (optional) is called with the bytes read so
 * far about every 64 MiB. Throws with `code` "ECHANGED" when the file's
 * size changes while it is read.
 */
export function hashFileSync(path, gitSha1, onBytes) {
  shared ??= Buffer.allocUnsafe(CHUNK_BYTES);
  const buffer = shared;
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const sha256 = createHash("sha256");
    const sha1 = gitSha1 ? createHash("sha1").update(`blob ${size}\0`) : undefined;
    let total = 0;
    let reported = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
      sha256.update(chunk);
      sha1?.update(chunk);
      total += n;
      if (onBytes !== undefined && total - reported >= 64 << 20) {
        onBytes(total);
        reported = total;
      }
    }
    if (total !== size) {
      const error = new Error(`${path} changed size while it was hashed (${size} bytes at the start, ${total} read)`);
      error.code = "ECHANGED";
      throw error;
    }
    return { size, sha256: sha256.digest("hex"), ...(sha1 === undefined ? {} : { gitSha1: sha1.digest("hex") }) };
  } finally {
    closeSync(fd);
  }
}
