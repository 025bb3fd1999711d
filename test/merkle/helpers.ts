/** Shared fixtures of the Merkle tests: seeded random sorted hash sets, merkletreejs reference. */
import { createCipheriv, createHash } from "node:crypto";

import keccak256Package from "keccak256";
import { MerkleTree as ReferenceMerkleTree } from "merkletreejs";


/** Deterministic pseudo-random bytes: AES-128-CTR keystream keyed by SHA-256(seed). */
export function seededBytes(seed: string, length: number): Uint8Array {
  const key = createHash("sha256").update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  return new Uint8Array(Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]));
}

/** A sorted distinct set of n pseudo-random 32-byte hashes, as a flat buffer and as an array. */
export function sortedHashSet(seed: string, n: number): { flat: Uint8Array; hashes: Uint8Array[] } {
  const raw = seededBytes(seed, n * 32);
  // Buffer.compare is the scheme's order (bytes = big-endian numbers) and native-fast.
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  const hashes: Uint8Array[] = Array.from({ length: n }, (_, i) => buffer.subarray(i * 32, (i + 1) * 32))
    .sort(Buffer.compare)
    .map((h) => new Uint8Array(h)); // plain copies: Buffer#slice would not copy
  const flat = new Uint8Array(n * 32);
  hashes.forEach((h, i) => flat.set(h, i * 32));
  return { flat, hashes };
}

/** merkletreejs configured as the scheme: leaves hashed, keccak256, no sortPairs, odd node promoted. */
export function referenceTree(hashes: readonly Uint8Array[]): ReferenceMerkleTree {
  return new ReferenceMerkleTree(hashes.map((h) => Buffer.from(h)), keccak256Package, { hashLeaves: true });
}

/** merkletreejs proof of leaf `index` as positional siblings (its proof objects, data only). */
export function referenceSiblings(tree: ReferenceMerkleTree, index: number): Uint8Array[] {
  const leaf = tree.getLeaves()[index];
  if (leaf === undefined) throw new Error(`reference tree has no leaf ${index}`);
  return tree.getProof(leaf, index).map((step) => new Uint8Array(step.data));
}

/** Hex of a byte array, for readable assertion messages. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** A few pseudo-random integers in [0, n), deterministic per seed. */
export function sampleIndexes(seed: string, n: number, count: number): number[] {
  const raw = seededBytes(seed, count * 4);
  return Array.from({ length: count }, (_, i) => new DataView(raw.buffer).getUint32(i * 4) % n);
}
