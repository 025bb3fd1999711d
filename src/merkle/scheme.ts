/**
 * The Datatrace commitment scheme's primitives, `datatrace-merkle/2`
 * (docs/merkle-scheme.md): a Merkle *search* tree over the sorted distinct
 * sample hashes. Level 0 holds the sample hashes themselves; an internal node
 * is keccak256(left ‖ right ‖ split), where `split` separates the two
 * subtrees; the committed root is keccak256(top ‖ uint256 leafCount).
 */
import { compareBytes, keccak256 } from "../hash/index.js";

/** Bytes of every hash in the scheme (sample hashes, nodes, split keys, roots). */
export const HASH_BYTES = 32;

/** Name of the scheme, as written in manifest headers. */
export const SCHEME_ID = "datatrace-merkle/2";

/**
 * Largest tree depth the scheme allows: `leafCount` is a uint64 on chain, so
 * a tree has at most 2^64 - 1 leaves and ⌈log2(leafCount)⌉ ≤ 64 levels above
 * them. A path therefore never holds more than 64 (sibling, split) pairs.
 */
export const MAX_TREE_DEPTH = 64;

/** True iff `value` is a 32-byte Uint8Array (a sample hash, node, split key or root). */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_BYTES;
}

function requireHash(name: string, value: unknown): void {
  if (!isHash(value)) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    throw new TypeError(`${name} must be a 32-byte Uint8Array, got ${got}`);
  }
}

/** Internal node: keccak256(left ‖ right ‖ split), a 96-byte preimage. */
export function hashNode(left: Uint8Array, right: Uint8Array, split: Uint8Array): Uint8Array {
  requireHash("left", left);
  requireHash("right", right);
  requireHash("split", split);
  const preimage = new Uint8Array(3 * HASH_BYTES);
  preimage.set(left, 0);
  preimage.set(right, HASH_BYTES);
  preimage.set(split, 2 * HASH_BYTES);
  return keccak256(preimage);
}

/** `leafCount` as a 32-byte big-endian unsigned integer (Solidity's `uint256`). */
export function encodeLeafCount(leafCount: number): Uint8Array {
  if (!Number.isSafeInteger(leafCount) || leafCount < 1) {
    throw new RangeError(`leafCount must be a positive safe integer, got ${leafCount}`);
  }
  const out = new Uint8Array(HASH_BYTES);
  let rest = BigInt(leafCount);
  for (let i = HASH_BYTES - 1; i >= 0 && rest > 0n; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/**
 * The committed root: keccak256(top ‖ uint256(leafCount)), a 64-byte
 * preimage. Binding the count makes the root alone name the dataset: the
 * same root can never be read with another tree shape.
 */
export function commitRoot(top: Uint8Array, leafCount: number): Uint8Array {
  requireHash("top", top);
  const preimage = new Uint8Array(2 * HASH_BYTES);
  preimage.set(top, 0);
  preimage.set(encodeLeafCount(leafCount), HASH_BYTES);
  return keccak256(preimage);
}

/**
 * Writes the split key between two adjacent sorted hashes `lower < upper`
 * (read at byte offsets `lowerAt` of `lowers` and `upperAt` of `uppers`) to
 * `out` at `outAt`: the bytes of `upper` up to and including the first byte
 * where the two differ, then zeros — the smallest value with that many
 * leading bytes that is > lower and ≤ upper. Mostly zero bytes, so a proof
 * costs less calldata than with the full `upper`. Equal inputs (never in a
 * valid tree) give `upper` itself. Allocation-free; the hot loop of tree
 * building.
 */
export function writeSplitKey(
  lowers: Uint8Array,
  lowerAt: number,
  uppers: Uint8Array,
  upperAt: number,
  out: Uint8Array,
  outAt: number,
): void {
  let d = 0;
  while (d < HASH_BYTES - 1 && lowers[lowerAt + d] === uppers[upperAt + d]) d++;
  for (let j = 0; j <= d; j++) out[outAt + j] = uppers[upperAt + j] as number;
  for (let j = d + 1; j < HASH_BYTES; j++) out[outAt + j] = 0;
}

/** The split key between adjacent sorted hashes `lower < upper` (see {@link writeSplitKey}). */
export function splitKey(lower: Uint8Array, upper: Uint8Array): Uint8Array {
  requireHash("lower", lower);
  requireHash("upper", upper);
  const out = new Uint8Array(HASH_BYTES);
  writeSplitKey(lower, 0, upper, 0, out, 0);
  return out;
}

/**
 * The first unit (leaf) under the right child of node `index` at `level` ≥ 1:
 * (2·index + 1) · 2^(level − 1). Node (level, index) is hashed (has a split)
 * iff this is below the number of units; otherwise it was promoted.
 */
export function splitBoundary(level: number, index: number): number {
  return (2 * index + 1) * 2 ** (level - 1);
}

/**
 * Compares two hashes as 256-bit big-endian unsigned numbers (= byte order).
 * Returns a negative number if a < b, 0 if equal, a positive number if a > b.
 */
export function compareHashes(a: Uint8Array, b: Uint8Array): number {
  requireHash("a", a);
  requireHash("b", b);
  return compareBytes(a, b);
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
