/**
 * Positional membership proofs (docs/merkle-scheme.md, "Membership proof").
 *
 * A proof is (index, siblings): the verifier derives the path from `index`
 * and `leafCount` — an odd position takes its sibling from the left, an even
 * one from the right unless it is the last, unpaired node of its level, which
 * is promoted without consuming a sibling. Mirrors `SampleMerkle.verify`.
 */
import { keccak256 } from "../hash/keccak.js";
import { HASH_BYTES, MAX_TREE_DEPTH, hashesEqual, isHash } from "./scheme.js";
import type { MerkleTree, ShardedTreeTop } from "./tree.js";

/** A membership proof for the leaf at `index` of a tree of `leafCount` leaves. */
export interface MemberProof {
  /** Position of the sample among the sorted distinct sample hashes. */
  readonly index: number;
  /** Leaves of the tree the proof is for (part of the commitment). */
  readonly leafCount: number;
  /** Sibling hashes from the leaf level up, in the order the verifier consumes them. */
  readonly siblings: Uint8Array[];
}

function requireIndex(index: number, leafCount: number, what: string): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafCount) {
    throw new RangeError(`${what} ${index} is out of range: the tree has ${leafCount} leaves (valid: 0..${leafCount - 1})`);
  }
}

/** Appends the siblings of the path from `tree.node(0, index)` to the root to `out`. */
export function collectSiblings(tree: MerkleTree, index: number, out: Uint8Array[] = []): Uint8Array[] {
  requireIndex(index, tree.leafCount, "leaf index");
  let i = index;
  for (let k = 0; k < tree.depth; k++) {
    const width = tree.levelWidth(k);
    if (i % 2 === 1) out.push(new Uint8Array(tree.node(k, i - 1)));
    else if (i + 1 < width) out.push(new Uint8Array(tree.node(k, i + 1)));
    // else: last unpaired node, promoted: no sibling.
    i = Math.floor(i / 2);
  }
  return out;
}

/** Membership proof of the leaf at `index` (siblings are copies, safe to keep). */
export function proveMember(tree: MerkleTree, index: number): MemberProof {
  return { index, leafCount: tree.leafCount, siblings: collectSiblings(tree, index) };
}

/**
 * Membership proof built from a shard's own tree and the tree over shard
 * roots, for a dataset stored as shards (only one shard needs to be loaded).
 * `shardTree` is the tree over shard `shardIndex`'s sorted hashes; the proof
 * is the shard-local path followed by the path above the shard, and proves
 * global index `shardIndex × shardLeafCount + localIndex` against `top.root`.
 */
export function proveMemberInShard(
  shardTree: MerkleTree,
  localIndex: number,
  top: ShardedTreeTop,
  shardIndex: number,
): MemberProof {
  const shardCount = top.tree.leafCount;
  requireIndex(shardIndex, shardCount, "shard index");
  const expectedLeaves =
    shardIndex < shardCount - 1 ? top.shardLeafCount : top.leafCount - (shardCount - 1) * top.shardLeafCount;
  if (shardTree.leafCount !== expectedLeaves) {
    throw new RangeError(
      `shard ${shardIndex} should hold ${expectedLeaves} leaves but its tree has ${shardTree.leafCount}: wrong shard tree`,
    );
  }
  if (!hashesEqual(shardTree.root, top.tree.node(0, shardIndex))) {
    throw new Error(
      `the shard tree's root differs from shard ${shardIndex}'s root in the top tree: wrong shard or stale manifest`,
    );
  }
  const siblings = collectSiblings(shardTree, localIndex);
  collectSiblings(top.tree, shardIndex, siblings);
  return { index: shardIndex * top.shardLeafCount + localIndex, leafCount: top.leafCount, siblings };
}

/**
 * True iff `siblings` prove that `sampleHash` is the leaf at `index` of the
 * tree committed as (`root`, `leafCount`). Returns false (never throws) for
 * any malformed input: index out of range, hashes that are not 32 bytes, too
 * many or too few siblings.
 */
export function verifyMember(
  root: Uint8Array,
  leafCount: number,
  sampleHash: Uint8Array,
  index: number,
  siblings: readonly Uint8Array[],
): boolean {
  if (!isHash(root) || !isHash(sampleHash)) return false;
  if (!Number.isSafeInteger(leafCount) || leafCount < 1) return false;
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafCount) return false;
  if (!Array.isArray(siblings) || siblings.length > MAX_TREE_DEPTH) return false;
  const pair = new Uint8Array(2 * HASH_BYTES);
  let node = keccak256(sampleHash);
  let i = index;
  let p = 0;
  for (let width = leafCount; width > 1; width = Math.ceil(width / 2)) {
    if (i % 2 === 1 || i + 1 < width) {
      const sibling = siblings[p++];
      if (!isHash(sibling)) return false; // missing or malformed sibling
      pair.set(i % 2 === 1 ? sibling : node, 0);
      pair.set(i % 2 === 1 ? node : sibling, HASH_BYTES);
      node = keccak256(pair);
    }
    i = Math.floor(i / 2);
  }
  return p === siblings.length && hashesEqual(node, root);
}
