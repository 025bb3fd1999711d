/**
 * The dataset Merkle search tree in flat buffers (docs/merkle-scheme.md).
 *
 * Level 0 holds the sorted distinct sample hashes themselves; level k+1 holds
 * keccak256(left ‖ right ‖ split) for each pair of level k, where `split` is
 * the split key between the last sample hash under `left` and the first under
 * `right`; an unpaired last node is promoted unchanged. Each level is one flat
 * Uint8Array of width × 32 bytes: no per-node objects, ≈ 64 bytes per leaf for
 * all levels together (level 0 is the caller's buffer, not a copy).
 *
 * A tree can also start above the leaves: its level 0 is then a row of
 * subtree tops ("units", e.g. the manifest's shard tops at level 13) and the
 * split keys come from each unit's first and last sample hash ({@link UnitBounds}).
 */
import { keccakNodes } from "../hash/index.js";
import { HASH_BYTES, commitRoot, firstUnsortedIndex, splitBoundary, treeDepth, writeSplitKey } from "./scheme.js";

/** Options of `buildTree` and `rootOfSubtree`. */
export interface BuildTreeOptions {
  /**
   * Check that the sample hashes are sorted ascending and distinct (default
   * true; O(n) byte comparisons, ≈5 ms per million). Turn off only for
   * input already checked, e.g. produced by the dataset engine's sort.
   */
  readonly checkSorted?: boolean;
}

/**
 * The sample hashes bounding each unit of level 0: unit u covers the sorted
 * sample hashes from `firsts[u]` to `lasts[u]`. For a tree over the leaves,
 * both are the sample hashes themselves.
 */
export interface UnitBounds {
  /** n × 32 bytes: the smallest sample hash under each unit. */
  readonly firsts: Uint8Array;
  /** n × 32 bytes: the largest sample hash under each unit. */
  readonly lasts: Uint8Array;
}

/** Pairs hashed per keccak batch (bounds the split-key scratch buffer to 2 MiB). */
const PAIRS_PER_CHUNK = 65_536;

/** A built tree: every level kept as one flat buffer, split keys derived on demand. */
export class MerkleTree {
  /** Number of leaves (distinct sample hashes) the tree commits to. */
  readonly leafCount: number;
  /** Number of nodes at level 0 (= leafCount for a tree over the leaves). */
  readonly unitCount: number;
  /** Levels above level 0: ⌈log2(unitCount)⌉. */
  readonly depth: number;
  /** The node at the top level (a copy; 32 bytes). */
  readonly top: Uint8Array;
  /** The committed root, keccak256(top ‖ uint256(leafCount)) (32 bytes). */
  readonly root: Uint8Array;
  readonly #levels: readonly Uint8Array[];
  readonly #bounds: UnitBounds;

  /**
   * Wraps already computed levels (level 0 … last = top) and the bounds of
   * level 0's units. Checks only their shapes; use `buildTree` to compute them.
   * `leafCount` defaults to the number of units (a tree over the leaves).
   */
  constructor(levels: readonly Uint8Array[], bounds: UnitBounds, leafCount?: number) {
    const unitCount = (levels[0]?.length ?? 0) / HASH_BYTES;
    if (!Number.isInteger(unitCount) || unitCount < 1) {
      throw new RangeError("MerkleTree: level 0 must hold at least one 32-byte node");
    }
    const widths = levelWidths(unitCount);
    if (levels.length !== widths.length) {
      throw new RangeError(`MerkleTree: ${unitCount} nodes at level 0 need ${widths.length} levels, got ${levels.length}`);
    }
    widths.forEach((width, k) => {
      if (levels[k]?.length !== width * HASH_BYTES) {
        throw new RangeError(`MerkleTree: level ${k} must be ${width * HASH_BYTES} bytes, got ${levels[k]?.length}`);
      }
    });
    if (bounds.firsts.length !== unitCount * HASH_BYTES || bounds.lasts.length !== unitCount * HASH_BYTES) {
      throw new RangeError(`MerkleTree: the bounds must hold ${unitCount} first and last hashes`);
    }
    this.#levels = levels;
    this.#bounds = bounds;
    this.unitCount = unitCount;
    this.leafCount = leafCount ?? unitCount;
    this.depth = widths.length - 1;
    this.top = new Uint8Array(levels[this.depth] as Uint8Array);
    this.root = commitRoot(this.top, this.leafCount);
  }

  /** Level k as a flat buffer (0 = sample hashes or units). A view into the tree: do not modify. */
  level(k: number): Uint8Array {
    const level = this.#levels[k];
    if (level === undefined) {
      throw new RangeError(`level ${k} does not exist: the tree has levels 0..${this.depth}`);
    }
    return level;
  }

  /** Number of nodes on level k: ⌈unitCount / 2^k⌉. */
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

  /** True iff node `index` of `level` ≥ 1 was hashed from two children (it has a split key). */
  hasSplit(level: number, index: number): boolean {
    this.node(level, index);
    return level >= 1 && splitBoundary(level, index) < this.unitCount;
  }

  /** The split key of node `index` at `level` ≥ 1 (a fresh 32-byte array); throws for a promoted node. */
  split(level: number, index: number): Uint8Array {
    if (!this.hasSplit(level, index)) {
      throw new RangeError(`node ${index} of level ${level} was promoted, not hashed: it has no split key`);
    }
    const u = splitBoundary(level, index);
    const out = new Uint8Array(HASH_BYTES);
    writeSplitKey(this.#bounds.lasts, (u - 1) * HASH_BYTES, this.#bounds.firsts, u * HASH_BYTES, out, 0);
    return out;
  }
}

/** Widths of every level for `unitCount` nodes at level 0, level 0 first, top (1) last. */
export function levelWidths(unitCount: number): number[] {
  const widths = [unitCount];
  for (let k = 0; k < treeDepth(unitCount); k++) widths.push(Math.ceil((widths[k] as number) / 2));
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
 * Writes the split keys of `pairs` consecutive pairs of level `level`,
 * starting with the pair whose left node is `firstLeft`, into `out`
 * (pairs × 32 bytes). Unit bounds as in {@link UnitBounds}.
 */
export function writeSplitKeys(
  bounds: UnitBounds,
  level: number,
  firstLeft: number,
  pairs: number,
  out: Uint8Array,
): void {
  const span = 2 ** level;
  for (let p = 0; p < pairs; p++) {
    const u = (firstLeft + 2 * p + 1) * span; // first unit under the right node
    writeSplitKey(bounds.lasts, (u - 1) * HASH_BYTES, bounds.firsts, u * HASH_BYTES, out, p * HASH_BYTES);
  }
}

/**
 * Hashes the parents of nodes [lo, hi) of level `from` up to level `to`, in
 * `levels`. `lo` must be a multiple of 2^(to - from) (so pairs never straddle
 * the range start) and `hi` either such a multiple or the end of the level.
 */
export function hashLevelRange(
  levels: readonly Uint8Array[],
  bounds: UnitBounds,
  lo: number,
  hi: number,
  from: number,
  to: number,
): void {
  let scratch: Uint8Array | undefined;
  for (let k = from; k < to; k++) {
    const src = levels[k] as Uint8Array;
    const dst = levels[k + 1] as Uint8Array;
    const width = hi - lo;
    const pairs = Math.floor(width / 2);
    const parentLo = lo / 2;
    scratch ??= new Uint8Array(Math.min(pairs, PAIRS_PER_CHUNK) * HASH_BYTES);
    for (let c = 0; c < pairs; c += PAIRS_PER_CHUNK) {
      const count = Math.min(PAIRS_PER_CHUNK, pairs - c);
      const splits = scratch.subarray(0, count * HASH_BYTES);
      writeSplitKeys(bounds, k, lo + 2 * c, count, splits);
      keccakNodes(
        src.subarray((lo + 2 * c) * HASH_BYTES, (lo + 2 * c + 2 * count) * HASH_BYTES),
        splits,
        dst.subarray((parentLo + c) * HASH_BYTES, (parentLo + c + count) * HASH_BYTES),
      );
    }
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
 * ascending, distinct). Level 0 is `sortedHashes` itself (not copied: do not
 * modify it while the tree is in use). Runs on the calling thread; see
 * `buildTreeParallel`.
 */
export function buildTree(sortedHashes: Uint8Array, options: BuildTreeOptions = {}): MerkleTree {
  const n = validateSortedHashes(sortedHashes, options);
  const bounds = { firsts: sortedHashes, lasts: sortedHashes };
  const levels = levelWidths(n).map((width, k) => (k === 0 ? sortedHashes : new Uint8Array(width * HASH_BYTES)));
  hashLevelRange(levels, bounds, 0, n, 0, levels.length - 1);
  return new MerkleTree(levels, bounds);
}

/**
 * The top node of the tree over `sortedHashes`, without keeping its levels
 * (one n/2 × 32-byte scratch buffer, hashed in place). For a manifest shard
 * this is the shard's subtree top: the node of the full tree above the shard.
 */
export function rootOfSubtree(sortedHashes: Uint8Array, options: BuildTreeOptions = {}): Uint8Array {
  const n = validateSortedHashes(sortedHashes, options);
  if (n === 1) return sortedHashes.slice(0, HASH_BYTES);
  const bounds = { firsts: sortedHashes, lasts: sortedHashes };
  const nodes = new Uint8Array(Math.ceil(n / 2) * HASH_BYTES);
  const splits = new Uint8Array(Math.min(Math.floor(n / 2), PAIRS_PER_CHUNK) * HASH_BYTES);
  let src = sortedHashes;
  for (let k = 0, width = n; width > 1; k++, width = Math.ceil(width / 2)) {
    const pairs = Math.floor(width / 2);
    // Parents overwrite the first half of `nodes`; each pair is read before it is overwritten.
    for (let c = 0; c < pairs; c += PAIRS_PER_CHUNK) {
      const count = Math.min(PAIRS_PER_CHUNK, pairs - c);
      const chunkSplits = splits.subarray(0, count * HASH_BYTES);
      writeSplitKeys(bounds, k, 2 * c, count, chunkSplits);
      keccakNodes(
        src.subarray(2 * c * HASH_BYTES, 2 * (c + count) * HASH_BYTES),
        chunkSplits,
        nodes.subarray(c * HASH_BYTES, (c + count) * HASH_BYTES),
      );
    }
    if (width % 2 === 1) nodes.set(src.subarray((width - 1) * HASH_BYTES, width * HASH_BYTES), pairs * HASH_BYTES);
    src = nodes;
  }
  return nodes.slice(0, HASH_BYTES);
}

/** The top of a dataset tree rebuilt from its shards' subtree tops. */
export interface ShardedTreeTop {
  /** Total number of leaves over all shards. */
  readonly leafCount: number;
  /** Leaves per full shard (a power of two; every shard but the last is full). */
  readonly shardLeafCount: number;
  /** Level of the full tree at which the shard tops sit: log2(shardLeafCount). */
  readonly shardLevel: number;
  /** Tree whose level 0 is the shard tops; its root is the dataset root. */
  readonly tree: MerkleTree;
  /** The dataset root (equals the root of the tree over all leaves). */
  readonly root: Uint8Array;
}

/**
 * Rebuilds the top of the dataset tree from per-shard subtree tops (each from
 * `rootOfSubtree` over consecutive runs of `leafCounts[i]` sorted hashes) and
 * each shard's first and last sample hash. Every shard but the last must hold
 * the same power-of-two number of leaves, the last at most as many: then the
 * shard tops are exactly the nodes of the full tree at level
 * log2(shardLeafCount), the splits above them come from the shards' bounds,
 * and the tree over them has the full tree's root.
 */
export function buildTreeFromSubtreeRoots(
  roots: Uint8Array,
  leafCounts: ArrayLike<number>,
  bounds: UnitBounds,
): ShardedTreeTop {
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
  const levels = levelWidths(shardCount).map((width, k) => (k === 0 ? roots : new Uint8Array(width * HASH_BYTES)));
  hashLevelRange(levels, bounds, 0, shardCount, 0, levels.length - 1);
  const tree = new MerkleTree(levels, bounds, leafCount);
  return { leafCount, shardLeafCount, shardLevel, tree, root: tree.root };
}
