/**
 * The Datatrace Merkle core: commitment scheme, flat-buffer tree (sequential
 * and parallel), membership, absence and batch proofs. See docs/merkle-scheme.md.
 */
export {
  HASH_BYTES,
  MAX_TREE_DEPTH,
  compareFlatHashes,
  compareHashes,
  firstUnsortedIndex,
  hashLeaf,
  hashNode,
  hashesEqual,
  isHash,
  treeDepth,
} from "./scheme.js";
export {
  MerkleTree,
  buildTree,
  buildTreeFromNodes,
  buildTreeFromSubtreeRoots,
  hashLevelRange,
  levelWidths,
  rootOfSubtree,
  validateSortedHashes,
} from "./tree.js";
export type { BuildTreeOptions, ShardedTreeTop } from "./tree.js";
export { buildTreeParallel, closeTreeWorkers } from "./tree-parallel.js";
export type { BuildTreeParallelOptions } from "./tree-parallel.js";
export { collectSiblings, proveMember, proveMemberInShard, verifyMember } from "./proof.js";
export type { MemberProof } from "./proof.js";
export { createSortedLookup, lowerBound, proveAbsence, verifyAbsence, verifyDisorder } from "./absence.js";
export type { AbsenceNeighbor, AbsenceResult, SortedLookup } from "./absence.js";
export { proveBatch, verifyBatch } from "./multiproof.js";
export type { BatchProof } from "./multiproof.js";
