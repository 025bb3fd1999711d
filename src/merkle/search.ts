/**
 * Proving a query against a committed dataset held as sorted sample hashes
 * (docs/merkle-scheme.md, "Search"): find where the query's search path ends
 * and return a membership proof if the value there is the query, or an
 * absence proof if it is not.
 *
 * With split keys chosen as in `writeSplitKey`, the search path of a query q
 * that is not a member ends at its predecessor (the largest member < q) or at
 * its successor (the smallest member > q): at the predecessor unless q is at
 * or above the split key between the two. Binary search over the sorted hashes
 * finds both; no tree walk is needed.
 */
import { proveMember, type AbsenceProof, type MemberProof } from "./proof.js";
import { HASH_BYTES, compareHashes, isHash, splitKey } from "./scheme.js";
import type { MerkleTree } from "./tree.js";

/**
 * Read access to a committed dataset: its sorted sample hashes and paths.
 * `createSortedLookup` makes one from a flat buffer and its tree; a sharded
 * store can implement it by loading one shard at a time.
 */
export interface SortedLookup {
  /** Number of leaves (distinct sample hashes). */
  readonly leafCount: number;
  /** The sample hash at `index` (sorted position). */
  sampleHash(index: number): Uint8Array;
  /** The path (`[sibling, split, …]`) of the value at `index`. */
  path(index: number): Uint8Array[];
}

/** Outcome of `proveSample`: the query is a member, or proof that it is not. */
export type SampleProof =
  | ({ readonly kind: "member" } & MemberProof)
  | ({ readonly kind: "absent" } & AbsenceProof);

/** A `SortedLookup` over a flat buffer of sorted hashes and the tree built from it. */
export function createSortedLookup(sortedHashes: Uint8Array, tree: MerkleTree): SortedLookup {
  if (sortedHashes.length !== tree.leafCount * HASH_BYTES || tree.unitCount !== tree.leafCount) {
    throw new RangeError(
      `sortedHashes holds ${sortedHashes.length / HASH_BYTES} hashes but the tree has ${tree.leafCount} leaves: ` +
        "pass the buffer the tree was built from",
    );
  }
  return {
    leafCount: tree.leafCount,
    sampleHash: (index) => sortedHashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES),
    path: (index) => proveMember(tree, index).path,
  };
}

/** Index of the first leaf ≥ q (leafCount if none), by binary search. */
export function lowerBound(lookup: Pick<SortedLookup, "leafCount" | "sampleHash">, q: Uint8Array): number {
  let lo = 0;
  let hi = lookup.leafCount;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (compareHashes(lookup.sampleHash(mid), q) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where the search path of `q` ends: its own index if it is a member,
 * otherwise the index of its predecessor or successor (see the module doc).
 */
export function searchIndex(lookup: Pick<SortedLookup, "leafCount" | "sampleHash">, q: Uint8Array): number {
  const n = lookup.leafCount;
  const i = lowerBound(lookup, q);
  if (i === n) return n - 1;
  if (i === 0 || compareHashes(lookup.sampleHash(i), q) === 0) return i;
  return compareHashes(q, splitKey(lookup.sampleHash(i - 1), lookup.sampleHash(i))) >= 0 ? i : i - 1;
}

/**
 * Proves `q` (a 32-byte sample hash) in or out of the dataset: a membership
 * proof if it is a member, else an absence proof. Values are copies.
 */
export function proveSample(lookup: SortedLookup, q: Uint8Array): SampleProof {
  if (!isHash(q)) {
    throw new TypeError("the query must be a 32-byte sample hash (SHA-256 of the sample bytes)");
  }
  const index = searchIndex(lookup, q);
  const value = new Uint8Array(lookup.sampleHash(index));
  const path = lookup.path(index);
  if (compareHashes(value, q) === 0) return { kind: "member", index, leafCount: lookup.leafCount, path };
  return { kind: "absent", index, leafCount: lookup.leafCount, neighbor: value, path };
}
