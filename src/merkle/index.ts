/**
 * The Datatrace Merkle core, scheme `datatrace-merkle/2`: a Merkle search
 * tree over the sorted distinct sample hashes (sequential and parallel
 * builds), membership, absence and batch proofs. See docs/merkle-scheme.md.
 */
export {
  HASH_BYTES,
  MAX_TREE_DEPTH,
  SCHEME_ID,
  commitRoot,
  compareFlatHashes,
  compareHashes,
  encodeLeafCount,
  firstUnsortedIndex,
  hashNode,
  isHash,
  splitBoundary,
  splitKey,
  treeDepth,
  writeSplitKey,
} from "./scheme.js";
export {
  MerkleTree,
  buildTree,
  buildTreeFromSubtreeRoots,
  hashLevelRange,
  levelWidths,
  rootOfSubtree,
  validateSortedHashes,
  writeSplitKeys,
} from "./tree.js";
export type { BuildTreeOptions, ShardedTreeTop, UnitBounds } from "./tree.js";
export { buildTreeParallel, closeTreeWorkers } from "./tree-parallel.js";
export type { BuildTreeParallelOptions } from "./tree-parallel.js";
export { collectPath, processPath, proveMember, proveMemberInShard, verifyAbsence, verifyMember } from "./proof.js";
export type { AbsenceProof, MemberProof } from "./proof.js";
export { createSortedLookup, lowerBound, proveSample, searchIndex } from "./search.js";
export type { SampleProof, SortedLookup } from "./search.js";
export { proveBatch, verifyBatch } from "./multiproof.js";
export type { BatchProof, TreeNodes } from "./multiproof.js";
