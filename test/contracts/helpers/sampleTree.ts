/**
 * A small reference implementation of the Datatrace tree (docs/merkle-scheme.md) for contract tests: every level
 * kept as hex strings, hashed with ethers. Independent of src/ and of the contracts, so the contracts are checked
 * against the scheme rather than against themselves.
 */
import { createHash } from "node:crypto";

import { concat, keccak256, toBeHex } from "ethers";

/** A built tree: the sorted sample hashes and every level, leaves first. */
export interface SampleTree {
  readonly sampleHashes: readonly string[];
  readonly levels: readonly (readonly string[])[];
  readonly root: string;
  readonly leafCount: number;
}

/** A committed leaf with its position and membership proof (the contracts' `Neighbor`). */
export interface Neighbor {
  readonly sampleHash: string;
  readonly index: number;
  readonly proof: string[];
}

/** SHA-256 of `bytes` as 0x-hex: a sample hash. */
export function sampleHashOf(bytes: Uint8Array | string): string {
  return "0x" + createHash("sha256").update(bytes).digest("hex");
}

/** `count` distinct sample hashes of the samples "`label`-0", "`label`-1", …, sorted ascending. */
export function sortedSampleHashes(count: number, label = "sample"): string[] {
  const hashes = new Set<string>();
  for (let k = 0; k < count; k++) hashes.add(sampleHashOf(`${label}-${k}`));
  return [...hashes].sort();
}

/** Builds the tree over `sampleHashes` in the given order (sort them first for a well-formed dataset). */
export function buildSampleTree(sampleHashes: readonly string[]): SampleTree {
  if (sampleHashes.length === 0) throw new Error("buildSampleTree: a tree needs at least one sample hash");
  const levels: string[][] = [sampleHashes.map((h) => keccak256(h))];
  for (let below = levels[0]!; below.length > 1; below = levels[levels.length - 1]!) {
    const level: string[] = [];
    for (let k = 0; k < below.length; k += 2) {
      const left = below[k]!;
      const right = below[k + 1];
      level.push(right === undefined ? left : keccak256(concat([left, right])));
    }
    levels.push(level);
  }
  return { sampleHashes, levels, root: levels[levels.length - 1]![0]!, leafCount: sampleHashes.length };
}

/** The positional membership proof of leaf `index`. */
export function membershipProof(tree: SampleTree, index: number): string[] {
  const proof: string[] = [];
  let i = index;
  for (const level of tree.levels.slice(0, -1)) {
    if (i % 2 === 1) proof.push(level[i - 1]!);
    else if (i + 1 < level.length) proof.push(level[i + 1]!);
    i >>= 1;
  }
  return proof;
}

/** The positional multiproof of the leaves at `indexes` (strictly ascending). */
export function multiproof(tree: SampleTree, indexes: readonly number[]): string[] {
  const proof: string[] = [];
  let known = [...indexes];
  for (const level of tree.levels.slice(0, -1)) {
    const parents: number[] = [];
    for (let r = 0; r < known.length; r++) {
      const i = known[r]!;
      if (i % 2 === 1) proof.push(level[i - 1]!);
      else if (known[r + 1] === i + 1) r++;
      else if (i + 1 < level.length) proof.push(level[i + 1]!);
      parents.push(i >> 1);
    }
    known = parents;
  }
  return proof;
}

/** The neighbor at `index`, ready for `verifyAbsence` / `reportDisorder`. */
export function neighborAt(tree: SampleTree, index: number): Neighbor {
  return { sampleHash: tree.sampleHashes[index]!, index, proof: membershipProof(tree, index) };
}

/**
 * The root that `proof` proves for `sampleHash` at `index` in a `leafCount`-leaf tree (the verifier's walk).
 * With random siblings this makes a valid commitment for huge trees without building them.
 */
export function foldProof(sampleHash: string, index: bigint, leafCount: bigint, proof: readonly string[]): string {
  let node = keccak256(sampleHash);
  let i = index;
  let p = 0;
  for (let width = leafCount; width > 1n; width = (width + 1n) >> 1n) {
    if (i % 2n === 1n) node = keccak256(concat([proof[p++]!, node]));
    else if (i + 1n < width) node = keccak256(concat([node, proof[p++]!]));
    i >>= 1n;
  }
  if (p !== proof.length) throw new Error(`foldProof: ${proof.length} siblings given, the path uses ${p}`);
  return node;
}

/** A 32-byte value one above (`delta` 1) or below (-1) `hash`: a query that sorts right next to it. */
export function nextTo(hash: string, delta: 1n | -1n): string {
  return toBeHex(BigInt(hash) + delta, 32);
}
