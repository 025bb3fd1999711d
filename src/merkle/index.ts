/**
 * The Datatrace Merkle core, scheme `datatrace-merkle/2`: a Merkle search
 * tree over the sorted distinct sample hashes (sequential and parallel
 * builds), membership, absence and batch proofs. See docs/merkle-scheme.md.
 * ./browser.ts exports the browser-safe part the page and the browser-safe
 * core files use (no parallel builder: it needs worker threads); it is
 * re-exported here.
 */
export * from "./browser.js";
export type { TreeNodes } from "./multiproof.js";
export { collectPath, processPath, proveMember } from "./proof.js";
export type { MemberProof } from "./proof.js";
export {
  commitRoot,
  compareFlatHashes,
  encodeLeafCount,
  firstUnsortedIndex,
  HASH_BYTES,
  hashNode,
  isHash,
  MAX_TREE_DEPTH,
  splitBoundary,
  treeDepth,
  writeSplitKey,
} from "./scheme.js";
export { createSortedLookup, lowerBound, proveSample, searchIndex } from "./search.js";
export type { SortedLookup } from "./search.js";
export { buildTreeParallel, closeTreeWorkers } from "./tree-parallel.js";
export type { BuildTreeParallelOptions } from "./tree-parallel.js";
export { hashLevelRange, MerkleTree, validateSortedHashes, writeSplitKeys } from "./tree.js";
export type { BuildTreeOptions } from "./tree.js";
