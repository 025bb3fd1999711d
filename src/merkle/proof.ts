/**
 * Single-sample proofs on the Merkle search tree (docs/merkle-scheme.md,
 * "Proofs"): membership and absence share one path format and one walk.
 *
 * A path is the flat list `[sibling, split, sibling, split, …]`, one pair per
 * level where the walk hashes (a promoted node consumes nothing). The walk
 * (`processPath`) starts from a level-0 value at `index`, derives left/right
 * from `index` and `leafCount`, and at every hashed node checks that the
 * *query* routes the same way: `query < split` when the walk comes from the
 * left child, `query ≥ split` when it comes from the right. Membership of q:
 * the walk from q itself. Absence of q: the walk from the level-0 value that
 * q's search path ends at, `neighbor ≠ q`. Both end at the root. Mirrors
 * `SampleMerkle.processPath` in contracts/merkle/SampleMerkle.sol.
 */
import { equalBytes, keccakNodes } from "../hash/index.js";
import { HASH_BYTES, MAX_TREE_DEPTH, commitRoot, compareHashes, isHash } from "./scheme.js";
import type { MerkleTree, ShardedTreeTop } from "./tree.js";
import { DatatraceError } from "../errors/index.js";

/** A membership proof: `sampleHash` is the level-0 value at `index` of a tree of `leafCount` leaves. */
export interface MemberProof {
  /** Position of the sample among the sorted distinct sample hashes. */
  readonly index: number;
  /** Leaves of the tree the proof is for (part of the commitment). */
  readonly leafCount: number;
  /** `[sibling, split, …]` from level 0 up, as `processPath` consumes them. */
  readonly path: Uint8Array[];
}

/**
 * An absence proof for a query q: q's search path ends at `index`, whose
 * level-0 value `neighbor` is not q. The neighbor is the member just below q
 * or just above it.
 */
export interface AbsenceProof {
  /** Where q's search path ends. */
  readonly index: number;
  /** Leaves of the tree the proof is for. */
  readonly leafCount: number;
  /** The sample hash at `index` (≠ q). */
  readonly neighbor: Uint8Array;
  /** `[sibling, split, …]` from level 0 up. */
  readonly path: Uint8Array[];
}

function requireIndex(index: number, count: number, what: string): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`${what} ${index} is out of range: there are ${count} (valid: 0..${count - 1})`);
  }
}

/** Appends the (sibling, split) pairs of the walk from node `index` of level 0 to the top of `tree` to `out`. */
export function collectPath(tree: MerkleTree, index: number, out: Uint8Array[] = []): Uint8Array[] {
  requireIndex(index, tree.unitCount, "node index");
  let i = index;
  for (let k = 0; k < tree.depth; k++) {
    const width = tree.levelWidth(k);
    if (i % 2 === 1 || i + 1 < width) {
      out.push(new Uint8Array(tree.node(k, i % 2 === 1 ? i - 1 : i + 1)));
      out.push(tree.split(k + 1, Math.floor(i / 2)));
    }
    // else: last unpaired node, promoted: nothing to send.
    i = Math.floor(i / 2);
  }
  return out;
}

/** Membership proof of the sample hash at `index` of a tree over the leaves (values are copies, safe to keep). */
export function proveMember(tree: MerkleTree, index: number): MemberProof {
  requireIndex(index, tree.leafCount, "leaf index");
  return { index, leafCount: tree.leafCount, path: collectPath(tree, index) };
}

/**
 * Membership proof built from a shard's own tree and the tree over shard
 * tops, for a dataset stored as shards (only one shard needs to be loaded).
 * `shardTree` is the tree over shard `shardIndex`'s sorted hashes; the path is
 * the shard-local walk followed by the walk above the shard, and proves global
 * index `shardIndex × shardLeafCount + localIndex` against `top.root`.
 */
export function proveMemberInShard(
  shardTree: MerkleTree,
  localIndex: number,
  top: ShardedTreeTop,
  shardIndex: number,
): MemberProof {
  const shardCount = top.tree.unitCount;
  requireIndex(shardIndex, shardCount, "shard index");
  const expectedLeaves =
    shardIndex < shardCount - 1 ? top.shardLeafCount : top.leafCount - (shardCount - 1) * top.shardLeafCount;
  if (shardTree.leafCount !== expectedLeaves) {
    throw new RangeError(
      `shard ${shardIndex} should hold ${expectedLeaves} leaves but its tree has ${shardTree.leafCount}: wrong shard tree`,
    );
  }
  if (!equalBytes(shardTree.top, top.tree.node(0, shardIndex))) {
    throw new DatatraceError(
      `the shard tree's top differs from shard ${shardIndex}'s node in the top tree: wrong shard or stale manifest`,
    );
  }
  const path = collectPath(shardTree, localIndex);
  collectPath(top.tree, shardIndex, path);
  return { index: shardIndex * top.shardLeafCount + localIndex, leafCount: top.leafCount, path };
}

/**
 * Walks `path` up from `value` at `index` of a tree of `leafCount` leaves,
 * checking at every hashed node that `query` routes the way the walk goes.
 * Returns the top node reached, or null for a malformed proof (index out of
 * range, a path entry that is not 32 bytes, too few or too many entries) or a
 * routing failure. Never throws.
 */
export function processPath(
  value: Uint8Array,
  query: Uint8Array,
  index: number,
  leafCount: number,
  path: readonly Uint8Array[],
): Uint8Array | null {
  if (!isHash(value) || !isHash(query)) return null;
  if (!Number.isSafeInteger(leafCount) || leafCount < 1) return null;
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafCount) return null;
  if (!Array.isArray(path) || path.length > 2 * MAX_TREE_DEPTH) return null;
  const preimage = new Uint8Array(3 * HASH_BYTES);
  const node = new Uint8Array(HASH_BYTES);
  node.set(value);
  let i = index;
  let p = 0;
  for (let width = leafCount; width > 1; width = Math.ceil(width / 2)) {
    const fromRight = i % 2 === 1;
    if (fromRight || i + 1 < width) {
      const sibling = path[p];
      const split = path[p + 1];
      p += 2;
      if (!isHash(sibling) || !isHash(split)) return null;
      // The query must be routed to the side the walk comes from.
      if (fromRight ? compareHashes(query, split) < 0 : compareHashes(query, split) >= 0) return null;
      preimage.set(fromRight ? sibling : node, 0);
      preimage.set(fromRight ? node : sibling, HASH_BYTES);
      preimage.set(split, 2 * HASH_BYTES);
      keccakNodes(preimage.subarray(0, 2 * HASH_BYTES), preimage.subarray(2 * HASH_BYTES), node);
    }
    i = Math.floor(i / 2);
  }
  return p === path.length ? node : null;
}

/**
 * True iff `path` proves that `sampleHash` is the sample at `index` of the
 * tree committed as (`root`, `leafCount`). Returns false (never throws) for
 * any malformed input.
 */
export function verifyMember(
  root: Uint8Array,
  leafCount: number,
  sampleHash: Uint8Array,
  index: number,
  path: readonly Uint8Array[],
): boolean {
  if (!isHash(root)) return false;
  const top = processPath(sampleHash, sampleHash, index, leafCount, path);
  return top !== null && equalBytes(commitRoot(top, leafCount), root);
}

/**
 * True iff `proof` proves that `query` is not a sample of the tree committed
 * as (`root`, `leafCount`): its search path ends at `proof.index`, whose value
 * `proof.neighbor` differs from `query`. Returns false (never throws) for any
 * malformed input.
 */
export function verifyAbsence(
  root: Uint8Array,
  leafCount: number,
  query: Uint8Array,
  proof: Pick<AbsenceProof, "index" | "neighbor" | "path">,
): boolean {
  if (!isHash(root) || !isHash(query) || typeof proof !== "object" || proof === null) return false;
  if (!isHash(proof.neighbor) || equalBytes(proof.neighbor, query)) return false;
  const top = processPath(proof.neighbor, query, proof.index, leafCount, proof.path);
  return top !== null && equalBytes(commitRoot(top, leafCount), root);
}
