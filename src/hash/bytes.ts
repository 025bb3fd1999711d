/**
 * Byte-array comparison: equality and byte-wise (lexicographic) order. The
 * one implementation used for digests, CIDs' multihashes, Merkle nodes and
 * dag-pb link names. Browser-safe (no imports).
 */

/** True iff `a` and `b` hold the same bytes (false for different lengths; never throws). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Byte-wise comparison (a shorter array that is a prefix of the other sorts
 * first): negative if a < b, 0 if equal, positive if a > b. For two 32-byte
 * hashes this is their order as 256-bit big-endian numbers.
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
