/**
 * The dataset Merkle tree in flat buffers (docs/merkle-scheme.md).
 *
 * Level 0 holds the leaf hashes keccak256(sampleHash), level k+1 the parents
 * keccak256(left ‖ right) of level k's pairs; an unpaired last node is
 * promoted unchanged. Each level is one flat Uint8Array of width × 32 bytes:
 * no per-node objects, ≈ 64 bytes per leaf for all levels together.
 */
import { keccakLeaves, keccakPairs } from "../hash/keccak.js";
import { HASH_BYTES, firstUnsortedIndex, treeDepth } from "./scheme.js";

/** Options of `buildTree` and `rootOfSubtree`. */
export interface BuildTreeOptions {
  /**
   * Check that the sample hashes are sorted ascending and distinct (default
   * true; O(n) byte comparisons, ≈5 ms per million). Turn off only for
   * input already checked, e.g. produced by the dataset engine's sort.
   */
  readonly checkSorted?: boolean;
}

/** A built tree: every level kept as one flat buffer. */
export class MerkleTree {
  /** Number of leaves (= distinct sample hashes committed). */
  readonly leafCount: number;
  /** Levels above the leaves: ⌈log2(leafCount)⌉; a proof has at most this many siblings. */
  readonly depth: number;
  /** The Merkle root (a copy; 32 bytes). */
  readonly root: Uint8Array;
  private readonly levels: readonly Uint8Array[];

  /**
   * Wraps already computed levels (level 0 = leaf hashes … last = root).
   * Checks only their shapes; use `buildTree` to compute them.
   */
  constructor(levels: readonly Uint8Array[]) {
    const leafCount = (levels[0]?.length ?? 0) / HASH_BYTES;
    if (!Number.isInteger(leafCount) || leafCount < 1) {
      throw new RangeError("MerkleTree: level 0 must hold at least one 32-byte node");
    }
    const widths = levelWidths(leafCount);
    if (levels.length !== widths.length) {
      throw new RangeError(`MerkleTree: ${leafCount} leaves need ${widths.length} levels, got ${levels.length}`);
    }
    widths.forEach((width, k) => {
      if (levels[k]?.length !== width * HASH_BYTES) {
        throw new RangeError(`MerkleTree: level ${k} must be ${width * HASH_BYTES} bytes, got ${levels[k]?.length}`);
      }
    });
    this.levels = levels;
    this.leafCount = leafCount;
    this.depth = widths.length - 1;
    this.root = new Uint8Array(levels[this.depth] as Uint8Array);
  }

  /** Level k as a flat buffer (0 = leaf hashes). A view into the tree: do not modify. */
  level(k: number): Uint8Array {
    const level = this.levels[k];
    if (level === undefined) {
      throw new RangeError(`level ${k} does not exist: the tree has levels 0..${this.depth}`);
    }
    return level;
  }

  /** Number of nodes on level k: ⌈leafCount / 2^k⌉. */
  levelWidth(k: number): number {
    return this.level(k).length / HASH_BYTES;
  }

  /** Node `index` of level `level` (a 32-byte view; do not modify). */
  node(level: number, index: number): Uint8Array {
    const nodes = this.level(level);
    const width = nodes.length / HASH_BYTES;
    if (!Number.isInteger(index) || index < 0 || index >= width) {
      throw new RangeError(`node index ${index} is out of range: level ${level} has ${width} nodes`);
    }
    return nodes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }
}

/** Widths of every level for `leafCount` leaves, leaves first, root (1) last. */
export function levelWidths(leafCount: number): number[] {
  const widths = [leafCount];
  for (let k = 0; k < treeDepth(leafCount); k++) widths.push(Math.ceil((widths[k] as number) / 2));
  return widths;
}

/**
 * Checks `sortedHashes` is a non-empty flat buffer of 32-byte hashes (and, if
 * asked, sorted ascending and distinct); returns the number of hashes.
 */
export function validateSortedHashes(sortedHashes: Uint8Array, options: BuildTreeOptions = {}): number {
  if (!(sortedHashes instanceof Uint8Array)) {
    throw new TypeError("sortedHashes must be a Uint8Array of concatenated 32-byte sample hashes");
  }
  if (sortedHashes.length === 0) {
    throw new RangeError("cannot commit to an empty dataset: sortedHashes holds no sample hash");
  }
  if (sortedHashes.length % HASH_BYTES !== 0) {
    throw new RangeError(
      `sortedHashes length ${sortedHashes.length} is not a multiple of 32: pass whole 32-byte sample hashes`,
    );
  }
  if (options.checkSorted !== false) {
    const bad = firstUnsortedIndex(sortedHashes);
    if (bad >= 0) {
      throw new RangeError(
        `sample hash ${bad} is not greater than sample hash ${bad - 1}: ` +
          "the leaves must be sorted ascending and distinct (sort them and drop duplicates first)",
      );
    }
  }
  return sortedHashes.length / HASH_BYTES;
}

/**
 * Hashes the parents of nodes [lo, hi) of level `from` up to level `to`, in
 * `levels`. `lo` must be a multiple of 2^(to - from) (so pairs never straddle
 * the range start) and `hi` either such a multiple or the end of the level.
 */
export function hashLevelRange(levels: readonly Uint8Array[], lo: number, hi: number, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const src = levels[k] as Uint8Array;
    const dst = levels[k + 1] as Uint8Array;
    const width = hi - lo;
    const pairs = Math.floor(width / 2);
    const parentLo = lo / 2;
    keccakPairs(
      src.subarray(lo * HASH_BYTES, (lo + 2 * pairs) * HASH_BYTES),
      dst.subarray(parentLo * HASH_BYTES, (parentLo + pairs) * HASH_BYTES),
    );
    if (width % 2 === 1) {
      // The last node of the level has no right sibling: promoted unchanged.
      dst.set(src.subarray((hi - 1) * HASH_BYTES, hi * HASH_BYTES), (parentLo + pairs) * HASH_BYTES);
    }
    lo = parentLo;
    hi = parentLo + pairs + (width % 2);
  }
}

/**
 * Builds the tree over `sortedHashes` (n × 32 bytes: the sample hashes, sorted
 * ascending, distinct). Runs on the calling thread; see `buildTreeParallel`.
 */
export function buildTree(sortedHashes: Uint8Array, options: BuildTreeOptions = {}): MerkleTree {
  const n = validateSortedHashes(sortedHashes, options);
  const levels = levelWidths(n).map((width) => new Uint8Array(width * HASH_BYTES));
  keccakLeaves(sortedHashes, levels[0] as Uint8Array);
  hashLevelRange(levels, 0, n, 0, levels.length - 1);
  return new MerkleTree(levels);
}

/**
 * Builds a tree whose level 0 is `nodes` as given (no leaf hashing): the
 * upper part of a tree, e.g. over shard subtree roots.
 */
export function buildTreeFromNodes(nodes: Uint8Array): MerkleTree {
  if (nodes.length === 0 || nodes.length % HASH_BYTES !== 0) {
    throw new RangeError(`nodes length ${nodes.length} must be a positive multiple of 32 bytes`);
  }
  const levels = levelWidths(nodes.length / HASH_BYTES).map((width) => new Uint8Array(width * HASH_BYTES));
  (levels[0] as Uint8Array).set(nodes);
  hashLevelRange(levels, 0, nodes.length / HASH_BYTES, 0, levels.length - 1);
  return new MerkleTree(levels);
}

/**
 * Root of the tree over `sortedHashes` without keeping its levels (one
 * n × 32-byte scratch buffer, hashed in place). For a manifest shard this is
 * the shard's subtree root: the node of the full tree above the shard.
 */
export function rootOfSubtree(sortedHashes: Uint8Array, options: BuildTreeOptions = {}): Uint8Array {
  const n = validateSortedHashes(sortedHashes, options);
  const scratch = new Uint8Array(n * HASH_BYTES);
  keccakLeaves(sortedHashes, scratch);
  for (let width = n; width > 1; width = Math.ceil(width / 2)) {
    const pairs = Math.floor(width / 2);
    // Parents overwrite the first half; each pair is read before it is overwritten.
    keccakPairs(scratch.subarray(0, 2 * pairs * HASH_BYTES), scratch.subarray(0, pairs * HASH_BYTES));
    if (width % 2 === 1) scratch.copyWithin(pairs * HASH_BYTES, (width - 1) * HASH_BYTES, width * HASH_BYTES);
  }
  return scratch.slice(0, HASH_BYTES);
}

/** The top of a dataset tree rebuilt from its shards' subtree roots. */
export interface ShardedTreeTop {
  /** Total number of leaves over all shards. */
  readonly leafCount: number;
  /** Leaves per full shard (a power of two; every shard but the last is full). */
  readonly shardLeafCount: number;
  /** Level of the full tree at which the shard roots sit: log2(shardLeafCount). */
  readonly shardLevel: number;
  /** Tree whose level 0 is the shard roots; its root is the dataset root. */
  readonly tree: MerkleTree;
  /** The dataset root (equals the root of the tree over all leaves). */
  readonly root: Uint8Array;
}

/**
 * Rebuilds the top of the dataset tree from per-shard subtree roots (each
 * from `rootOfSubtree` over consecutive runs of `leafCounts[i]` sorted hashes).
 * Every shard but the last must hold the same power-of-two number of leaves,
 * the last at most as many: then the shard roots are exactly the nodes of the
 * full tree at level log2(shardLeafCount), and the tree over them has the
 * full tree's root.
 */
export function buildTreeFromSubtreeRoots(roots: Uint8Array, leafCounts: ArrayLike<number>): ShardedTreeTop {
  const shardCount = leafCounts.length;
  if (shardCount === 0) throw new RangeError("buildTreeFromSubtreeRoots: no shards given");
  if (roots.length !== shardCount * HASH_BYTES) {
    throw new RangeError(
      `buildTreeFromSubtreeRoots: ${shardCount} leaf counts need ${shardCount * HASH_BYTES} bytes of roots, got ${roots.length}`,
    );
  }
  const shardLeafCount = leafCounts[0] as number;
  let leafCount = 0;
  for (let i = 0; i < shardCount; i++) {
    const count = leafCounts[i] as number;
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new RangeError(`shard ${i} has leaf count ${count}: every shard needs at least one leaf`);
    }
    if (i < shardCount - 1 && count !== shardLeafCount) {
      throw new RangeError(
        `shard ${i} has ${count} leaves but shard 0 has ${shardLeafCount}: only the last shard may be shorter`,
      );
    }
    if (count > shardLeafCount) {
      throw new RangeError(`the last shard has ${count} leaves, more than the ${shardLeafCount} of a full shard`);
    }
    leafCount += count;
  }
  const shardLevel = treeDepth(shardLeafCount);
  if (shardCount > 1 && 2 ** shardLevel !== shardLeafCount) {
    throw new RangeError(
      `shards of ${shardLeafCount} leaves do not align with tree levels: the shard size must be a power of two`,
    );
  }
  const tree = buildTreeFromNodes(roots);
  return { leafCount, shardLeafCount, shardLevel, tree, root: tree.root };
}
