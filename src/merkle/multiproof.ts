/**
 * Batch membership proofs (multiproofs) on the Merkle search tree
 * (docs/merkle-scheme.md, "Batch proof"). Mirrors `SampleMerkle.verifyBatch`.
 *
 * The samples are given in strictly ascending index order, and their hashes
 * must be strictly ascending too (as in any honest tree). The "known" list
 * starts as one entry per sample: (index, node = sample hash, lo = hi = sample
 * hash), lo and hi being the smallest and largest sample under the entry.
 * At each level, walking the list in order, an entry at index i:
 * - i odd: its left sibling i-1 is not known (it would have paired with i):
 *   sibling = path[p], split = path[p+1]; require lo ≥ split;
 *   node = keccak(sibling ‖ node ‖ split);
 * - i even and the next entry is i+1: split = path[p]; require
 *   hi < split ≤ next.lo; node = keccak(node ‖ next.node ‖ split), hi = next.hi;
 * - i even and i+1 < width: sibling = path[p], split = path[p+1]; require
 *   hi < split; node = keccak(node ‖ sibling ‖ split);
 * - otherwise i is the last, unpaired node: promoted.
 * Parents go to index i >> 1, then width = ⌈width / 2⌉. Valid iff the path is
 * consumed exactly and keccak(final node ‖ leafCount) equals the root. Every
 * sample is routed exactly as its own single proof would route it, and shared
 * path segments are sent once.
 */
import { equalBytes, keccakNodes } from "../hash/index.js";
import { HASH_BYTES, commitRoot, compareHashes, isHash } from "./scheme.js";

/**
 * The nodes a batch proof is read from: a {@link MerkleTree}, or any view
 * that can answer for the nodes a proof needs (the manifest reader answers
 * from one shard tree per sample below the shard level and the top tree above).
 */
export interface TreeNodes {
  readonly leafCount: number;
  /** Number of levels above the leaves (0 for a single leaf). */
  readonly depth: number;
  /** Nodes at level `k` (level 0 = the sample hashes). */
  levelWidth(k: number): number;
  /** Node `i` of level `k`. */
  node(k: number, i: number): Uint8Array;
  /** Split key of the hashed node `i` of level `k` ≥ 1. */
  split(k: number, i: number): Uint8Array;
}

/** A batch membership proof. */
export interface BatchProof {
  /** Leaf indexes proven, strictly ascending. */
  readonly indexes: number[];
  /** Leaves of the tree the proof is for. */
  readonly leafCount: number;
  /** Sibling hashes and split keys in the order `verifyBatch` consumes them. */
  readonly path: Uint8Array[];
}

/**
 * Batch proof for the leaves at `indexes` (any order; returned ascending).
 * Throws on an empty list, a duplicate, or an index out of range.
 */
export function proveBatch(tree: TreeNodes, indexes: readonly number[]): BatchProof {
  if (indexes.length === 0) throw new RangeError("proveBatch: pass at least one leaf index");
  const sorted = [...indexes].sort((a, b) => a - b);
  sorted.forEach((index, k) => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= tree.leafCount) {
      throw new RangeError(
        `leaf index ${index} is out of range: the tree has ${tree.leafCount} leaves (valid: 0..${tree.leafCount - 1})`,
      );
    }
    if (k > 0 && sorted[k - 1] === index) throw new RangeError(`leaf index ${index} is listed twice: pass each index once`);
  });
  const path: Uint8Array[] = [];
  let known = sorted;
  for (let k = 0; k < tree.depth; k++) {
    const width = tree.levelWidth(k);
    const parents: number[] = [];
    for (let j = 0; j < known.length; j++) {
      const i = known[j] as number;
      const parent = Math.floor(i / 2);
      if (i % 2 === 1) {
        path.push(new Uint8Array(tree.node(k, i - 1)), tree.split(k + 1, parent));
      } else if (known[j + 1] === i + 1) {
        path.push(tree.split(k + 1, parent));
        j++;
      } else if (i + 1 < width) {
        path.push(new Uint8Array(tree.node(k, i + 1)), tree.split(k + 1, parent));
      }
      parents.push(parent);
    }
    known = parents;
  }
  return { indexes: sorted, leafCount: tree.leafCount, path };
}

interface Entry {
  index: number;
  node: Uint8Array;
  lo: Uint8Array;
  hi: Uint8Array;
}

/**
 * True iff `path` proves that every `sampleHashes[k]` is the sample at
 * `indexes[k]` of the tree (`root`, `leafCount`). Returns false (never
 * throws) for an empty batch, mismatched lengths, indexes or sample hashes
 * not strictly ascending, indexes not below `leafCount`, malformed hashes,
 * a routing failure, or a path of the wrong length.
 */
export function verifyBatch(
  root: Uint8Array,
  leafCount: number,
  sampleHashes: readonly Uint8Array[],
  indexes: readonly number[],
  path: readonly Uint8Array[],
): boolean {
  if (!isHash(root) || !Number.isSafeInteger(leafCount) || leafCount < 1) return false;
  if (!Array.isArray(sampleHashes) || !Array.isArray(indexes) || !Array.isArray(path)) return false;
  const count = indexes.length;
  if (count === 0 || sampleHashes.length !== count) return false;
  let known: Entry[] = [];
  for (let k = 0; k < count; k++) {
    const index = indexes[k] as number;
    const sampleHash = sampleHashes[k];
    if (!Number.isSafeInteger(index) || index < 0 || index >= leafCount) return false;
    if (!isHash(sampleHash)) return false;
    const previous = known[k - 1];
    if (previous !== undefined && (index <= previous.index || compareHashes(sampleHash, previous.hi) <= 0)) return false;
    known.push({ index, node: sampleHash, lo: sampleHash, hi: sampleHash });
  }
  const preimage = new Uint8Array(3 * HASH_BYTES);
  const parentOf = (left: Uint8Array, right: Uint8Array, split: Uint8Array): Uint8Array => {
    preimage.set(left, 0);
    preimage.set(right, HASH_BYTES);
    preimage.set(split, 2 * HASH_BYTES);
    const out = new Uint8Array(HASH_BYTES);
    keccakNodes(preimage.subarray(0, 2 * HASH_BYTES), preimage.subarray(2 * HASH_BYTES), out);
    return out;
  };
  let p = 0;
  for (let width = leafCount; width > 1; width = Math.ceil(width / 2)) {
    const next: Entry[] = [];
    for (let j = 0; j < known.length; j++) {
      const entry = known[j] as Entry;
      const i = entry.index;
      const right = known[j + 1];
      if (i % 2 === 1) {
        const [sibling, split] = [path[p], path[p + 1]];
        p += 2;
        if (!isHash(sibling) || !isHash(split) || compareHashes(entry.lo, split) < 0) return false;
        entry.node = parentOf(sibling, entry.node, split);
      } else if (right !== undefined && right.index === i + 1) {
        const split = path[p++];
        if (!isHash(split) || compareHashes(entry.hi, split) >= 0 || compareHashes(right.lo, split) < 0) return false;
        entry.node = parentOf(entry.node, right.node, split);
        entry.hi = right.hi;
        j++;
      } else if (i + 1 < width) {
        const [sibling, split] = [path[p], path[p + 1]];
        p += 2;
        if (!isHash(sibling) || !isHash(split) || compareHashes(entry.hi, split) >= 0) return false;
        entry.node = parentOf(entry.node, sibling, split);
      }
      entry.index = Math.floor(i / 2);
      next.push(entry);
    }
    known = next;
  }
  const top = known[0];
  return p === path.length && known.length === 1 && top !== undefined && equalBytes(commitRoot(top.node, leafCount), root);
}
