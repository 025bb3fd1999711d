/**
 * A second, deliberately plain implementation of the `datatrace-merkle/2`
 * tree (docs/merkle-scheme.md) for cross-checks: node objects in arrays,
 * 0x-hex strings, ethers' keccak256, BigInt comparisons. It shares no code
 * with src/merkle (nor with src/hash), so a bug there cannot hide here.
 *
 * It also builds the trees a dishonest registrant could commit to: any
 * level-0 values (holes, disorder, duplicates), any split key per node
 * (`chooseSplit`), any claimed count.
 */
import { concat, keccak256, toBeHex } from "ethers";

/** A 32-byte value as 0x + 64 lowercase hex digits. */
export type Hex = string;

/** One node of the reference tree. */
export interface RefNode {
  readonly hash: Hex;
  /** The split key it was hashed with; null if it was promoted (one child) or is at level 0. */
  readonly split: Hex | null;
  /** First and last level-0 position under the node. */
  readonly first: number;
  readonly last: number;
}

/** A built reference tree. */
export interface RefTree {
  /** Level-0 values in position order (as committed, whatever they are). */
  readonly values: readonly Hex[];
  /** levels[0] = the values, levels[depth] = [top]. */
  readonly levels: readonly (readonly RefNode[])[];
  readonly top: Hex;
  /** keccak256(top ‖ uint256(leafCount)) */
  readonly root: Hex;
  /** The count committed in the root (the number of values unless a dishonest registrant chose another). */
  readonly leafCount: number;
}

/**
 * Chooses the split key of the hashed node at `level`, `index`, whose left
 * child covers level-0 positions [leftFirst, rightFirst) and right child
 * [rightFirst, rightLast]; `honest` is what an honest builder would use.
 */
export type SplitChooser = (node: {
  readonly level: number;
  readonly index: number;
  readonly leftFirst: number;
  readonly rightFirst: number;
  readonly rightLast: number;
  readonly values: readonly Hex[];
  readonly honest: Hex;
}) => Hex;

const big = (h: Hex): bigint => BigInt(h);

/** Normalizes a 32-byte value (Uint8Array or hex) to lowercase 0x-hex. */
export function toRefHex(value: Uint8Array | Hex): Hex {
  if (typeof value === "string") return toBeHex(BigInt(value), 32);
  if (value.length !== 32) throw new Error(`reference tree: a value must be 32 bytes, got ${value.length}`);
  return "0x" + Buffer.from(value).toString("hex");
}

/**
 * The split key between `lower` and `upper`: `upper`'s bytes up to and
 * including the first byte where the two differ, then zero bytes (`upper`
 * itself if they are equal). Worked on hex digits, two per byte.
 */
export function refSplitKey(lower: Hex, upper: Hex): Hex {
  const a = lower.slice(2);
  const b = upper.slice(2);
  let byte = 0;
  while (byte < 31 && a.slice(2 * byte, 2 * byte + 2) === b.slice(2 * byte, 2 * byte + 2)) byte++;
  return "0x" + b.slice(0, 2 * byte + 2) + "0".repeat(64 - 2 * byte - 2);
}

/** The honest chooser: the split key between the last value under the left child and the first under the right. */
export const honestSplits: SplitChooser = ({ honest }) => honest;

/** keccak256(left ‖ right ‖ split). */
export function refNodeHash(left: Hex, right: Hex, split: Hex): Hex {
  return keccak256(concat([left, right, split]));
}

/** keccak256(top ‖ uint256(leafCount)). */
export function refCommit(top: Hex, leafCount: number): Hex {
  return keccak256(concat([top, toBeHex(leafCount, 32)]));
}

/**
 * Builds the tree over `values` in the given order, pairing nodes level by
 * level and promoting an unpaired last node; `chooseSplit` picks each split
 * key, `leafCount` is the count committed in the root (default: honest).
 */
export function buildRefTree(
  values: readonly (Uint8Array | Hex)[],
  chooseSplit: SplitChooser = honestSplits,
  leafCount: number = values.length,
): RefTree {
  if (values.length === 0) throw new Error("reference tree: no values");
  const hexValues = values.map(toRefHex);
  const levels: RefNode[][] = [hexValues.map((hash, i) => ({ hash, split: null, first: i, last: i }))];
  for (let below = levels[0]!; below.length > 1; below = levels[levels.length - 1]!) {
    const level: RefNode[] = [];
    for (let k = 0; k < below.length; k += 2) {
      const left = below[k]!;
      const right = below[k + 1];
      if (right === undefined) {
        level.push({ hash: left.hash, split: null, first: left.first, last: left.last });
        continue;
      }
      const honest = refSplitKey(hexValues[left.last]!, hexValues[right.first]!);
      const split = chooseSplit({
        level: levels.length,
        index: k / 2,
        leftFirst: left.first,
        rightFirst: right.first,
        rightLast: right.last,
        values: hexValues,
        honest,
      });
      level.push({ hash: refNodeHash(left.hash, right.hash, split), split, first: left.first, last: right.last });
    }
    levels.push(level);
  }
  const top = levels[levels.length - 1]![0]!.hash;
  return { values: hexValues, levels, top, root: refCommit(top, leafCount), leafCount };
}

/** The path `[sibling, split, …]` of position `index`, bottom up (the real path of whatever value sits there). */
export function refPath(tree: RefTree, index: number): Hex[] {
  const path: Hex[] = [];
  let i = index;
  for (let k = 0; k + 1 < tree.levels.length; k++) {
    const level = tree.levels[k]!;
    const parent = tree.levels[k + 1]![i >> 1]!;
    if (parent.split !== null) {
      path.push(level[i % 2 === 1 ? i - 1 : i + 1]!.hash, parent.split);
    }
    i >>= 1;
  }
  return path;
}

/** The level-0 position `query`'s route ends at: down from the top, left iff query < split. */
export function refRoute(tree: RefTree, query: Hex): number {
  const q = big(query);
  let i = 0;
  for (let k = tree.levels.length - 1; k > 0; k--) {
    const node = tree.levels[k]![i]!;
    i = node.split !== null && q >= big(node.split) ? 2 * i + 1 : 2 * i;
  }
  return i;
}

/**
 * The verifier's walk: from `value` at `index` of a `leafCount`-leaf tree up
 * through `path`, routing `query`; the top, or null if the routing fails,
 * the index is out of range or the path is not consumed exactly.
 */
export function refWalk(value: Hex, query: Hex, index: number, leafCount: number, path: readonly Hex[]): Hex | null {
  if (index < 0 || index >= leafCount) return null;
  const q = big(query);
  let node = value;
  let i = index;
  let p = 0;
  for (let width = leafCount; width > 1; width = Math.ceil(width / 2)) {
    if (i % 2 === 1 || i + 1 < width) {
      const sibling = path[p];
      const split = path[p + 1];
      if (sibling === undefined || split === undefined) return null;
      p += 2;
      if (i % 2 === 1) {
        if (q < big(split)) return null;
        node = refNodeHash(sibling, node, split);
      } else {
        if (q >= big(split)) return null;
        node = refNodeHash(node, sibling, split);
      }
    }
    i = Math.floor(i / 2);
  }
  return p === path.length ? node : null;
}

/** Reference membership check. */
export function refVerifyMember(root: Hex, leafCount: number, sample: Hex, index: number, path: readonly Hex[]): boolean {
  const top = refWalk(sample, sample, index, leafCount, path);
  return top !== null && refCommit(top, leafCount) === root;
}

/** Reference absence check. */
export function refVerifyAbsence(
  root: Hex,
  leafCount: number,
  query: Hex,
  index: number,
  neighbor: Hex,
  path: readonly Hex[],
): boolean {
  if (big(neighbor) === big(query)) return false;
  const top = refWalk(neighbor, query, index, leafCount, path);
  return top !== null && refCommit(top, leafCount) === root;
}

/**
 * The batch path of the positions `indexes` (strictly ascending), in the
 * order the verifier reads it: per level, per known node left to right,
 * `[sibling, split]` if its sibling is unknown, `[split]` if both children
 * are known, nothing if it is promoted.
 */
export function refBatchPath(tree: RefTree, indexes: readonly number[]): Hex[] {
  const path: Hex[] = [];
  let known = [...indexes];
  for (let k = 0; k + 1 < tree.levels.length; k++) {
    const level = tree.levels[k]!;
    const parents: number[] = [];
    for (let r = 0; r < known.length; r++) {
      const i = known[r]!;
      const parent = tree.levels[k + 1]![i >> 1]!;
      if (i % 2 === 1) path.push(level[i - 1]!.hash, parent.split!);
      else if (known[r + 1] === i + 1) {
        path.push(parent.split!);
        r++;
      } else if (parent.split !== null) path.push(level[i + 1]!.hash, parent.split);
      parents.push(i >> 1);
    }
    known = parents;
  }
  return path;
}

/** A 32-byte hex value plus `delta`, clamped to [0, 2^256 - 1]. */
export function refAdd(value: Hex, delta: bigint): Hex {
  let x = big(value) + delta;
  if (x < 0n) x = 0n;
  const max = (1n << 256n) - 1n;
  if (x > max) x = max;
  return toBeHex(x, 32);
}
