/**
 * Browser-safe entry of src/merkle (the page and browser-safe core files
 * import this, never ./index.ts, whose parallel builder uses worker
 * threads): the scheme, the sequential tree and membership, absence and
 * batch proofs.
 */
export { proveBatch, verifyBatch } from "./multiproof.js";
export type { BatchProof } from "./multiproof.js";
export { proveMemberInShard, verifyAbsence, verifyMember } from "./proof.js";
export type { AbsenceProof } from "./proof.js";
export { compareHashes, SCHEME_ID, splitKey } from "./scheme.js";
export type { SampleProof } from "./search.js";
export { buildTree, buildTreeFromSubtreeRoots, levelWidths, rootOfSubtree } from "./tree.js";
export type { MerkleTree, ShardedTreeTop, UnitBounds } from "./tree.js";
