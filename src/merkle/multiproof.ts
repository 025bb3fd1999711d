/**
 * Positional batch proofs (multiproofs) for several samples at once
 * (docs/merkle-scheme.md, "Batch proof"). Mirrors `SampleMerkle.verifyBatch`.
 *
 * The "known" list starts as the (index, leaf) pairs in ascending index
 * order. At each level, walking the list in order, a known node at index i:
 * - i odd: its left sibling i-1 is not known (it would have paired with i),
 *   so the next proof hash is the left input: parent = keccak(proof[p++] ‖ node);
 * - i even and the next known entry is i+1: parent = keccak(node ‖ next), skip next;
 * - i even and i+1 < width: parent = keccak(node ‖ proof[p++]);
 * - otherwise i is the last, unpaired node: promoted, parent = node.
 * Parents go to index i >> 1, then width = ⌈width / 2⌉. Valid iff the proof
 * is consumed exactly and the single final node equals the root. The proof
 * carries only hashes the verifier cannot compute: paths shared by several
 * samples are sent once.
 */
import { keccak256 } from "../hash/keccak.js";
import { HASH_BYTES, hashesEqual, isHash } from "./scheme.js";

/**
 * The nodes a batch proof is read from: a {@link MerkleTree}, or any view
 * that can answer for the nodes a proof needs (the manifest reader answers
 * from one shard tree per sample below the shard level and the top tree above).
 */
export interface TreeNodes {
  readonly leafCount: number;
  /** Number of levels above the leaves (0 for a single leaf). */
  readonly depth: number;
  /** Nodes at level `k` (level 0 = the leaves). */
  levelWidth(k: number): number;
  /** Node `i` of level `k`. */
  node(k: number, i: number): Uint8Array;
}

/** A batch membership proof. */
export interface BatchProof {
  /** Leaf indexes proven, strictly ascending. */
  readonly indexes: number[];
  /** Leaves of the tree the proof is for. */
  readonly leafCount: number;
  /** Sibling hashes in the order `verifyBatch` consumes them. */
  readonly proof: Uint8Array[];
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
  const proof: Uint8Array[] = [];
  let known = sorted;
  for (let k = 0; k < tree.depth; k++) {
    const width = tree.levelWidth(k);
    const parents: number[] = [];
    for (let j = 0; j < known.length; j++) {
      const i = known[j] as number;
      if (i % 2 === 1) proof.push(new Uint8Array(tree.node(k, i - 1)));
      else if (known[j + 1] === i + 1) j++;
      else if (i + 1 < width) proof.push(new Uint8Array(tree.node(k, i + 1)));
      parents.push(Math.floor(i / 2));
    }
    known = parents;
  }
  return { indexes: sorted, leafCount: tree.leafCount, proof };
}

/**
 * True iff `proof` proves that every `sampleHashes[k]` is the leaf at
 * `indexes[k]` of the tree (`root`, `leafCount`). Returns false (never throws)
 * for an empty batch, mismatched lengths, indexes not strictly ascending or
 * not below `leafCount`, malformed hashes, or a proof of the wrong length.
 */
export function verifyBatch(
  root: Uint8Array,
  leafCount: number,
  sampleHashes: readonly Uint8Array[],
  indexes: readonly number[],
  proof: readonly Uint8Array[],
): boolean {
  if (!isHash(root) || !Number.isSafeInteger(leafCount) || leafCount < 1) return false;
  if (!Array.isArray(sampleHashes) || !Array.isArray(indexes) || !Array.isArray(proof)) return false;
  const count = indexes.length;
  if (count === 0 || sampleHashes.length !== count) return false;
  let knownIndex: number[] = [];
  let knownNode: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const index = indexes[k] as number;
    const sampleHash = sampleHashes[k];
    if (!Number.isSafeInteger(index) || index < 0 || index >= leafCount) return false;
    if (k > 0 && index <= (indexes[k - 1] as number)) return false;
    if (!isHash(sampleHash)) return false;
    knownIndex.push(index);
    knownNode.push(keccak256(sampleHash));
  }
  const pair = new Uint8Array(2 * HASH_BYTES);
  const parentOf = (left: Uint8Array, right: Uint8Array) => {
    pair.set(left, 0);
    pair.set(right, HASH_BYTES);
    return keccak256(pair);
  };
  let p = 0;
  for (let width = leafCount; width > 1; width = Math.ceil(width / 2)) {
    const nextIndex: number[] = [];
    const nextNode: Uint8Array[] = [];
    for (let j = 0; j < knownIndex.length; j++) {
      const i = knownIndex[j] as number;
      let node = knownNode[j] as Uint8Array;
      if (i % 2 === 1) {
        const sibling = proof[p++];
        if (!isHash(sibling)) return false;
        node = parentOf(sibling, node);
      } else if (knownIndex[j + 1] === i + 1) {
        node = parentOf(node, knownNode[j + 1] as Uint8Array);
        j++;
      } else if (i + 1 < width) {
        const sibling = proof[p++];
        if (!isHash(sibling)) return false;
        node = parentOf(node, sibling);
      }
      nextIndex.push(Math.floor(i / 2));
      nextNode.push(node);
    }
    knownIndex = nextIndex;
    knownNode = nextNode;
  }
  return p === proof.length && knownNode.length === 1 && hashesEqual(knownNode[0] as Uint8Array, root);
}
