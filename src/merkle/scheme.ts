/**
 * The Datatrace commitment scheme's primitives (docs/merkle-scheme.md):
 * leaf = keccak256(sampleHash), node = keccak256(left ‖ right), leaves sorted
 * ascending as 256-bit big-endian numbers and distinct.
 */
import { keccak256 } from "../hash/keccak.js";

/** Bytes of every hash in the scheme (sample hashes, leaves, nodes, roots). */
export const HASH_BYTES = 32;

/**
 * Largest tree depth the scheme allows: `leafCount` is a uint64 on chain, so
 * a tree has at most 2^64 - 1 leaves and ⌈log2(leafCount)⌉ ≤ 64 levels above
 * them. A membership proof therefore never has more than 64 siblings.
 */
export const MAX_TREE_DEPTH = 64;

/** True iff `value` is a 32-byte Uint8Array (a sample hash, leaf, node or root). */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_BYTES;
}

function requireHash(name: string, value: unknown): void {
  if (!isHash(value)) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    throw new TypeError(`${name} must be a 32-byte Uint8Array, got ${got}`);
  }
}

/** Leaf hash of a sample: keccak256(sampleHash) over the 32-byte sample hash. */
export function hashLeaf(sampleHash: Uint8Array): Uint8Array {
  requireHash("sampleHash", sampleHash);
  return keccak256(sampleHash);
}

/** Internal node: keccak256(left ‖ right), ordered (not sorted-pair). */
export function hashNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  requireHash("left", left);
  requireHash("right", right);
  const pair = new Uint8Array(2 * HASH_BYTES);
  pair.set(left, 0);
  pair.set(right, HASH_BYTES);
  return keccak256(pair);
}

/**
 * Compares two hashes as 256-bit big-endian unsigned numbers (= byte order).
 * Returns a negative number if a < b, 0 if equal, a positive number if a > b.
 */
export function compareHashes(a: Uint8Array, b: Uint8Array): number {
  requireHash("a", a);
  requireHash("b", b);
  for (let i = 0; i < HASH_BYTES; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Compares hash i and hash j of one flat buffer (no validation, no allocation). */
export function compareFlatHashes(flat: Uint8Array, i: number, j: number): number {
  const a = i * HASH_BYTES;
  const b = j * HASH_BYTES;
  for (let k = 0; k < HASH_BYTES; k++) {
    const d = (flat[a + k] as number) - (flat[b + k] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Index of the first hash in `flat` (n × 32 bytes) that is not strictly
 * greater than its predecessor, or -1 if the buffer is sorted and distinct.
 */
export function firstUnsortedIndex(flat: Uint8Array): number {
  const n = Math.floor(flat.length / HASH_BYTES);
  for (let i = 1; i < n; i++) {
    if (compareFlatHashes(flat, i - 1, i) >= 0) return i;
  }
  return -1;
}

/** Number of levels above the leaves for `leafCount` leaves: ⌈log2(leafCount)⌉. */
export function treeDepth(leafCount: number): number {
  let depth = 0;
  for (let width = leafCount; width > 1; width = Math.ceil(width / 2)) depth++;
  return depth;
}

/** True iff `a` and `b` hold the same bytes (false for different lengths; never throws). */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
