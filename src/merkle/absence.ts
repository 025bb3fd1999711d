/**
 * Non-membership (absence) proofs (docs/merkle-scheme.md, "Absence proof").
 *
 * Because the leaves are the sorted, distinct sample hashes, a query q is
 * absent iff it falls strictly between two adjacent members (indexes i, i+1),
 * or before the first member, or after the last. The proof is those one or
 * two members with their membership proofs. Mirrors `SampleMerkle.verifyAbsence`.
 *
 * CAUTION: sound only if the committed leaves really are sorted and distinct.
 * The contract cannot check that at registration; it accepts a disorder proof
 * instead (`verifyDisorder`), after which absence proofs for the dataset are
 * rejected. Off-chain verifiers holding the manifest check sortedness themselves.
 */
import { proveMember, verifyMember } from "./proof.js";
import type { MemberProof } from "./proof.js";
import { HASH_BYTES, compareHashes, isHash } from "./scheme.js";
import type { MerkleTree } from "./tree.js";

/**
 * Read access to a committed dataset: its sorted sample hashes and proofs.
 * `createSortedLookup` makes one from a flat buffer and its tree; a sharded
 * store can implement it by loading one shard at a time.
 */
export interface SortedLookup {
  /** Number of leaves (distinct sample hashes). */
  readonly leafCount: number;
  /** The sample hash at `index` (sorted position). */
  sampleHash(index: number): Uint8Array;
  /** Membership proof siblings of the leaf at `index`. */
  siblings(index: number): Uint8Array[];
}

/** A committed member next to the query, with its membership proof. */
export interface AbsenceNeighbor {
  readonly index: number;
  readonly sampleHash: Uint8Array;
  readonly siblings: Uint8Array[];
}

/** Outcome of `proveAbsence`: the query is a member, or proof that it is not. */
export type AbsenceResult =
  | { readonly kind: "member"; readonly index: number; readonly proof: MemberProof }
  | { readonly kind: "absent"; readonly neighbors: AbsenceNeighbor[] };

/** A `SortedLookup` over a flat buffer of sorted hashes and the tree built from it. */
export function createSortedLookup(sortedHashes: Uint8Array, tree: MerkleTree): SortedLookup {
  if (sortedHashes.length !== tree.leafCount * HASH_BYTES) {
    throw new RangeError(
      `sortedHashes holds ${sortedHashes.length / HASH_BYTES} hashes but the tree has ${tree.leafCount} leaves: ` +
        "pass the buffer the tree was built from",
    );
  }
  return {
    leafCount: tree.leafCount,
    sampleHash: (index) => sortedHashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES),
    siblings: (index) => proveMember(tree, index).siblings,
  };
}

/** Index of the first leaf ≥ q (leafCount if none), by binary search. */
export function lowerBound(lookup: SortedLookup, q: Uint8Array): number {
  let lo = 0;
  let hi = lookup.leafCount;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (compareHashes(lookup.sampleHash(mid), q) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function neighbor(lookup: SortedLookup, index: number): AbsenceNeighbor {
  // new Uint8Array(...) copies even when given a Buffer (whose slice() does not copy).
  return { index, sampleHash: new Uint8Array(lookup.sampleHash(index)), siblings: lookup.siblings(index) };
}

/**
 * Proves that `q` (a 32-byte sample hash) is absent from the dataset, or,
 * if it is present, returns its membership proof instead.
 */
export function proveAbsence(lookup: SortedLookup, q: Uint8Array): AbsenceResult {
  if (!isHash(q)) {
    throw new TypeError("the query must be a 32-byte sample hash (SHA-256 of the sample bytes)");
  }
  const n = lookup.leafCount;
  const i = lowerBound(lookup, q);
  if (i < n && compareHashes(lookup.sampleHash(i), q) === 0) {
    return { kind: "member", index: i, proof: { index: i, leafCount: n, siblings: lookup.siblings(i) } };
  }
  if (i === 0) return { kind: "absent", neighbors: [neighbor(lookup, 0)] };
  if (i === n) return { kind: "absent", neighbors: [neighbor(lookup, n - 1)] };
  return { kind: "absent", neighbors: [neighbor(lookup, i - 1), neighbor(lookup, i)] };
}

/**
 * True iff `neighbors` prove `q` is not a leaf of (`root`, `leafCount`),
 * assuming sorted distinct leaves. Accepted shapes, as in the contract:
 * two neighbors at indexes i, i+1 with sampleHash[0] < q < sampleHash[1];
 * one neighbor at index 0 with q < its hash; one at index leafCount - 1 with
 * q > its hash. Every neighbor's membership proof must verify. Never throws.
 */
export function verifyAbsence(
  root: Uint8Array,
  leafCount: number,
  q: Uint8Array,
  neighbors: readonly AbsenceNeighbor[],
): boolean {
  if (!isHash(q) || !Array.isArray(neighbors)) return false;
  if (!neighbors.every((nb) => typeof nb === "object" && nb !== null && isHash(nb.sampleHash))) return false;
  const proves = (nb: AbsenceNeighbor) => verifyMember(root, leafCount, nb.sampleHash, nb.index, nb.siblings);
  if (neighbors.length === 1) {
    const only = neighbors[0] as AbsenceNeighbor;
    const beforeFirst = only.index === 0 && compareHashes(q, only.sampleHash) < 0;
    const afterLast = only.index === leafCount - 1 && compareHashes(q, only.sampleHash) > 0;
    return (beforeFirst || afterLast) && proves(only);
  }
  if (neighbors.length === 2) {
    const [left, right] = neighbors as [AbsenceNeighbor, AbsenceNeighbor];
    return (
      Number.isSafeInteger(left.index) &&
      right.index === left.index + 1 &&
      compareHashes(left.sampleHash, q) < 0 &&
      compareHashes(q, right.sampleHash) < 0 &&
      proves(left) &&
      proves(right)
    );
  }
  return false;
}

/**
 * True iff `left` and `right` prove the committed leaves are NOT sorted and
 * distinct: adjacent indexes i, i+1, both proofs valid, and
 * left.sampleHash ≥ right.sampleHash. Mirrors `SampleMerkle.verifyDisorder`
 * (the contract's `reportDisorder` then disables absence proofs).
 */
export function verifyDisorder(
  root: Uint8Array,
  leafCount: number,
  left: AbsenceNeighbor,
  right: AbsenceNeighbor,
): boolean {
  if (!isHash(left?.sampleHash) || !isHash(right?.sampleHash)) return false;
  return (
    Number.isSafeInteger(left.index) &&
    right.index === left.index + 1 &&
    compareHashes(left.sampleHash, right.sampleHash) >= 0 &&
    verifyMember(root, leafCount, left.sampleHash, left.index, left.siblings) &&
    verifyMember(root, leafCount, right.sampleHash, right.index, right.siblings)
  );
}
