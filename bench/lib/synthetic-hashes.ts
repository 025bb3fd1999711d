/** Synthetic sorted, distinct 32-byte hashes for tree benchmarks (no sort needed). */
import { randomFillSync } from "node:crypto";

/**
 * n hashes, sorted ascending and distinct by construction: bytes 0..3 hold
 * ⌊i · 2^32 / n⌋ big-endian (strictly increasing for n ≤ 2^32), bytes 4..31
 * are random. Allocated in a SharedArrayBuffer when `shared` is set.
 */
export function syntheticSortedHashes(n: number, shared = false): Uint8Array {
  const flat = shared ? new Uint8Array(new SharedArrayBuffer(n * 32)) : new Uint8Array(n * 32);
  for (let offset = 0; offset < flat.length; offset += 1 << 26) {
    randomFillSync(flat.subarray(offset, Math.min(flat.length, offset + (1 << 26))));
  }
  const view = new DataView(flat.buffer, flat.byteOffset, flat.byteLength);
  for (let i = 0; i < n; i++) view.setUint32(i * 32, Math.floor((i * 2 ** 32) / n));
  return flat;
}
