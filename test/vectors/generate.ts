/**
 * Generates test/vectors/merkle-scheme.json: fixed vectors of the Datatrace
 * commitment scheme shared by the TypeScript and Solidity tests.
 *
 * Run from the repository root: `npx tsx test/vectors/generate.ts`.
 * `test/merkle/vectors.test.ts` checks the committed file equals this output.
 *
 * For each size, sample i's bytes are the UTF-8 string
 * "datatrace-vector-<size>-<i>"; its sampleHash is their SHA-256. The hashes
 * are sorted ascending and committed; every vector is derived from them.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { toHex } from "../../src/hash/hex.js";
import { sha256 } from "../../src/hash/sha256.js";
import { createSortedLookup, proveAbsence } from "../../src/merkle/absence.js";
import type { AbsenceNeighbor } from "../../src/merkle/absence.js";
import { proveBatch } from "../../src/merkle/multiproof.js";
import { proveMember } from "../../src/merkle/proof.js";
import { compareHashes } from "../../src/merkle/scheme.js";
import { buildTree } from "../../src/merkle/tree.js";

/** The sizes covered: tiny trees with every promotion pattern, and one of ~100. */
export const VECTOR_SIZES = [1, 2, 3, 5, 8, 9, 100] as const;

/** A neighbor or member with its proof, hex-encoded. */
export interface VectorLeafProof {
  readonly index: number;
  readonly sampleHash: string;
  readonly siblings: string[];
}

/** One absence vector. */
export interface VectorAbsence {
  readonly position: "below" | "between" | "above";
  readonly query: string;
  readonly neighbors: VectorLeafProof[];
}

/** All vectors of one tree size. */
export interface VectorCase {
  readonly size: number;
  readonly samples: string[];
  readonly sampleHashes: string[];
  readonly leafHashes: string[];
  readonly root: string;
  readonly leafCount: number;
  readonly depth: number;
  readonly memberProofs: VectorLeafProof[];
  readonly absenceProofs: VectorAbsence[];
  readonly batchProof: { readonly indexes: number[]; readonly sampleHashes: string[]; readonly proof: string[] };
}

/** The whole vectors file. */
export interface SchemeVectors {
  readonly description: string;
  readonly cases: VectorCase[];
}

/** The text of sample `i` of the vector tree of `size` leaves. */
export function vectorSample(size: number, i: number): string {
  return `datatrace-vector-${size}-${i}`;
}

function leafProof(index: number, sampleHash: Uint8Array, siblings: Uint8Array[]): VectorLeafProof {
  return { index, sampleHash: toHex(sampleHash), siblings: siblings.map(toHex) };
}

/** 256-bit big-endian x + 1 (no overflow for the values used here). */
function plusOne(x: Uint8Array): Uint8Array {
  const out = new Uint8Array(x); // a copy, whatever x is
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = ((out[i] as number) + 1) & 0xff;
    if (out[i] !== 0) break;
  }
  return out;
}

function vectorCase(size: number): VectorCase {
  const samples = Array.from({ length: size }, (_, i) => vectorSample(size, i));
  const hashes = samples.map((s) => sha256(Buffer.from(s, "utf8"))).sort(compareHashes);
  const flat = new Uint8Array(size * 32);
  hashes.forEach((h, i) => flat.set(h, i * 32));
  const tree = buildTree(flat);
  const lookup = createSortedLookup(flat, tree);
  const hashAt = (i: number) => hashes[i] as Uint8Array;

  const memberIndexes = [...new Set([0, Math.floor(size / 2), size - 1])];
  const memberProofs = memberIndexes.map((i) => leafProof(i, hashAt(i), proveMember(tree, i).siblings));

  const queries: { position: VectorAbsence["position"]; query: Uint8Array }[] = [
    { position: "below", query: new Uint8Array(32) },
  ];
  if (size > 1) {
    const i = Math.floor((size - 1) / 2);
    const between = plusOne(hashAt(i));
    if (compareHashes(between, hashAt(i + 1)) >= 0) throw new Error(`no room between leaves ${i} and ${i + 1}`);
    queries.push({ position: "between", query: between });
  }
  queries.push({ position: "above", query: new Uint8Array(32).fill(0xff) });
  const absenceProofs = queries.map(({ position, query }) => {
    const result = proveAbsence(lookup, query);
    if (result.kind !== "absent") throw new Error(`vector query ${toHex(query)} is unexpectedly a member`);
    return {
      position,
      query: toHex(query),
      neighbors: result.neighbors.map((n: AbsenceNeighbor) => leafProof(n.index, n.sampleHash, n.siblings)),
    };
  });

  const third = Math.floor(size / 3);
  const batchIndexes = [...new Set([0, third, third + 1, size - 1])].filter((i) => i < size).sort((a, b) => a - b);
  const batch = proveBatch(tree, batchIndexes);

  return {
    size,
    samples,
    sampleHashes: hashes.map(toHex),
    leafHashes: Array.from({ length: size }, (_, i) => toHex(tree.node(0, i))),
    root: toHex(tree.root),
    leafCount: tree.leafCount,
    depth: tree.depth,
    memberProofs,
    absenceProofs,
    batchProof: { indexes: batch.indexes, sampleHashes: batch.indexes.map((i) => toHex(hashAt(i))), proof: batch.proof.map(toHex) },
  };
}

/** Computes every vector (deterministic). */
export function generateSchemeVectors(): SchemeVectors {
  return {
    description:
      "Datatrace Merkle scheme vectors (docs/merkle-scheme.md). sampleHash = SHA-256(UTF-8 sample text); " +
      "leaves = keccak256(sampleHash) over the sorted distinct sample hashes; node = keccak256(left || right); " +
      "an unpaired last node is promoted. Proofs are positional: siblings in the order the verifier consumes them. " +
      "Generated by test/vectors/generate.ts.",
    cases: VECTOR_SIZES.map(vectorCase),
  };
}

/** The JSON text written to merkle-scheme.json. */
export function renderSchemeVectors(): string {
  return JSON.stringify(generateSchemeVectors(), null, 2) + "\n";
}

/** Path of the committed vectors file. */
export const SCHEME_VECTORS_PATH = fileURLToPath(new URL("./merkle-scheme.json", import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEME_VECTORS_PATH, renderSchemeVectors());
  console.log(`wrote ${SCHEME_VECTORS_PATH}`);
}
