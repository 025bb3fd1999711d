/**
 * The fingerprint commitment: the only contact of the fingerprints module
 * with the Merkle scheme. Leaf value of a pair = SHA-256 of the canonical
 * JSON of `{key, response}` (RFC 8785, so any implementation gets the same
 * bytes); the set's leaves are sorted and distinct, and `fingerprintRoot` is
 * the dataset scheme's root over them (`buildTree(sortedFlatHashes).root`).
 * A pair is revealed with its membership proof (`proveMember` /
 * `verifyMember`): the other pairs stay hidden behind their hashes.
 */
import { createHash } from "node:crypto";

import { hashFromHex, toHex } from "../hash/index.js";
import { buildTree, proveMember, verifyMember, type MerkleTree } from "../merkle/index.js";
import { canonicalJson } from "../registry/index.js";
import type { FingerprintPair } from "./fingerprint-pairs.js";
import { DatatraceError } from "../errors/index.js";

/** A pair's leaf value, 0x hex. */
export function fingerprintLeaf(pair: FingerprintPair): string {
  return `0x${createHash("sha256").update(canonicalJson({ key: pair.key, response: pair.response }), "utf8").digest("hex")}`;
}

/** The committed tree of a set of pairs. */
export interface FingerprintTree {
  /** 0x hex: what the ModelNFT commits as fingerprintRoot. */
  readonly root: string;
  readonly leafCount: number;
  /** Sorted distinct leaves, 0x hex. */
  readonly leaves: readonly string[];
  readonly tree: MerkleTree;
}

/** A revealed pair's membership proof. */
export interface FingerprintProof {
  readonly index: number;
  /** The path `[sibling, split, …]` (docs/merkle-scheme.md), 0x hex. */
  readonly path: readonly string[];
}

/** Builds the tree over the pairs' leaves (see the module doc). */
export function fingerprintTree(pairs: readonly FingerprintPair[]): FingerprintTree {
  const leaves = [...new Set(pairs.map(fingerprintLeaf))].sort();
  if (leaves.length === 0) throw new DatatraceError("a fingerprint commitment needs at least one pair");
  const flat = new Uint8Array(leaves.length * 32);
  leaves.forEach((l, i) => flat.set(hashFromHex(l), i * 32));
  const tree = buildTree(flat);
  return { root: toHex(tree.root), leafCount: leaves.length, leaves, tree };
}

/** The fingerprintRoot of a set of pairs. */
export function fingerprintRootOf(pairs: readonly FingerprintPair[]): string {
  return fingerprintTree(pairs).root;
}

/** The membership proof of one pair of the set. */
export function proveFingerprint(tree: FingerprintTree, pair: FingerprintPair): FingerprintProof {
  const index = tree.leaves.indexOf(fingerprintLeaf(pair));
  if (index < 0) throw new DatatraceError(`the pair with key ${JSON.stringify(pair.key)} is not in the committed set`);
  return { index, path: proveMember(tree.tree, index).path.map(toHex) };
}

/** True iff the proof shows `pair` is in the set committed as (root, leafCount). Never throws on malformed input. */
export function verifyFingerprint(root: string, leafCount: number, pair: FingerprintPair, proof: FingerprintProof): boolean {
  try {
    return verifyMember(hashFromHex(root), leafCount, hashFromHex(fingerprintLeaf(pair)), proof.index, proof.path.map(hashFromHex));
  } catch {
    return false;
  }
}
