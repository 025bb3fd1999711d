/**
 * In-memory sort of record columns by (hash, source, ordinal): a counting sort
 * on two or three hash bytes spreads uniformly distributed SHA-256 digests into
 * small groups, each finished by a comparison sort. `skip` bytes that all
 * records share (the prefix of a bucket file) are ignored.
 */
import type { RecordColumns } from "./sample-record.js";

/** The permutation that sorts `columns` (indexes into the columns). */
export function sortRecords(columns: RecordColumns, skip = 0): Uint32Array {
  const { count: n, hashes, sources, ordinals } = columns;
  const perm = new Uint32Array(n);
  if (n === 0) return perm;
  // Counting-sort key width: about one group per few records, 0 for tiny inputs.
  const keyBytes = Math.min(32 - skip, n > 1 << 22 ? 3 : n > 1 << 12 ? 2 : n > 64 ? 1 : 0);
  const buckets = 1 << (8 * keyBytes);
  const key = (i: number): number => {
    let k = 0;
    for (let b = 0; b < keyBytes; b++) k = (k << 8) | hashes[i * 32 + skip + b]!;
    return k;
  };
  const starts = new Uint32Array(buckets + 1);
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const k = key(i);
    keys[i] = k;
    starts[k + 1]!++;
  }
  for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!;
  const next = starts.slice(0, buckets);
  for (let i = 0; i < n; i++) perm[next[keys[i]!]!++] = i;
  const from = skip + keyBytes;
  const compare = (a: number, b: number): number => {
    const oa = a * 32;
    const ob = b * 32;
    for (let k = from; k < 32; k++) {
      const d = hashes[oa + k]! - hashes[ob + k]!;
      if (d !== 0) return d;
    }
    return sources[a]! - sources[b]! || ordinals[a]! - ordinals[b]!;
  };
  for (let b = 0; b < buckets; b++) {
    const s = starts[b]!;
    const e = starts[b + 1]!;
    if (e - s > 1) perm.subarray(s, e).sort(compare);
  }
  return perm;
}
