/**
 * Generates test/vectors/merkle-scheme.json: fixed vectors of the Datatrace
 * commitment scheme `datatrace-merkle/2` (docs/merkle-scheme.md), shared by
 * the TypeScript and Solidity tests.
 *
 * Run from the repository root: `npx tsx test/vectors/generate.ts`.
 * `test/merkle/vectors.test.ts` checks the committed file equals this output
 * and re-derives every value with an independent implementation.
 *
 * For each size, sample i's bytes are the UTF-8 string
 * "datatrace-vector-<size>-<i>"; its sample hash is their SHA-256. The sorted
 * hashes are level 0; every level's nodes and split keys, the top, the root
 * and the proofs are derived from them.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { toHex } from "../../src/hash/hex.js";
import { sha256 } from "../../src/hash/sha256.js";
import { proveBatch } from "../../src/merkle/multiproof.js";
import { proveMember } from "../../src/merkle/proof.js";
import { SCHEME_ID, compareHashes, splitKey } from "../../src/merkle/scheme.js";
import { createSortedLookup, proveSample } from "../../src/merkle/search.js";
import { buildTree } from "../../src/merkle/tree.js";

/** The sizes covered: tiny trees with every promotion pattern, and one of 100. */
export const VECTOR_SIZES = [1, 2, 3, 5, 8, 9, 100] as const;

/** A membership proof, hex-encoded. */
export interface VectorMemberProof {
  readonly index: number;
  readonly sampleHash: string;
  /** `[sibling, split, …]` from level 0 up. */
  readonly path: string[];
}

/** Where an absence vector's query lies. */
export type VectorAbsencePosition = "below first" | "between, below the split key" | "between, at the split key" | "above last";

/** An absence proof, hex-encoded: `query`'s search path ends at `index`, whose value `neighbor` is not `query`. */
export interface VectorAbsenceProof {
  readonly position: VectorAbsencePosition;
  readonly query: string;
  readonly index: number;
  readonly neighbor: string;
  readonly path: string[];
}

/** All vectors of one tree size. */
export interface VectorCase {
  readonly size: number;
  readonly samples: string[];
  /** The sorted sample hashes: level 0. */
  readonly sampleHashes: string[];
  /** Every level's nodes, level 0 (= sampleHashes) first, [top] last. */
  readonly levels: string[][];
  /** splitKeys[k][i]: the split key of node i of level k, null where the node was promoted (all of level 0). */
  readonly splitKeys: (string | null)[][];
  readonly top: string;
  /** keccak256(top ‖ uint256(leafCount)) */
  readonly root: string;
  readonly leafCount: number;
  readonly depth: number;
  /** First, middle and last index. */
  readonly memberProofs: VectorMemberProof[];
  /** Below the first sample, between two samples on each side of their split key, above the last. */
  readonly absenceProofs: VectorAbsenceProof[];
  readonly batchProof: { readonly indexes: number[]; readonly sampleHashes: string[]; readonly path: string[] };
}

/** The whole vectors file. */
export interface SchemeVectors {
  readonly scheme: string;
  readonly description: string;
  readonly cases: VectorCase[];
}

/** The text of sample `i` of the vector tree of `size` samples. */
export function vectorSample(size: number, i: number): string {
  return `datatrace-vector-${size}-${i}`;
}

/** 256-bit big-endian x + delta (the values used here never wrap). */
function plus(x: Uint8Array, delta: 1 | -1): Uint8Array {
  const out = new Uint8Array(x);
  for (let i = out.length - 1; i >= 0; i--) {
    const v = (out[i] as number) + delta;
    out[i] = v & 0xff;
    if (v >= 0 && v <= 0xff) break;
  }
  return out;
}

function vectorCase(size: number): VectorCase {
  const samples = Array.from({ length: size }, (_, i) => vectorSample(size, i));
  const hashes = samples.map((s) => sha256(new TextEncoder().encode(s))).sort(compareHashes);
  const flat = new Uint8Array(size * 32);
  hashes.forEach((h, i) => flat.set(h, i * 32));
  const tree = buildTree(flat);
  const lookup = createSortedLookup(flat, tree);
  const hashAt = (i: number) => hashes[i] as Uint8Array;

  const levels: string[][] = [];
  const splitKeys: (string | null)[][] = [];
  for (let k = 0; k <= tree.depth; k++) {
    const width = tree.levelWidth(k);
    levels.push(Array.from({ length: width }, (_, i) => toHex(tree.node(k, i))));
    splitKeys.push(Array.from({ length: width }, (_, i) => (tree.hasSplit(k, i) ? toHex(tree.split(k, i)) : null)));
  }

  const memberIndexes = [...new Set([0, Math.floor(size / 2), size - 1])];
  const memberProofs = memberIndexes.map((index) => ({
    index,
    sampleHash: toHex(hashAt(index)),
    path: proveMember(tree, index).path.map(toHex),
  }));

  const queries: { position: VectorAbsencePosition; query: Uint8Array }[] = [{ position: "below first", query: new Uint8Array(32) }];
  if (size > 1) {
    const i = Math.ceil(size / 2); // the pair (i - 1, i)
    const split = splitKey(hashAt(i - 1), hashAt(i));
    const below = plus(hashAt(i - 1), 1);
    if (compareHashes(below, split) >= 0 || compareHashes(split, hashAt(i)) >= 0) {
      throw new Error(`vectors: no query below and at the split key between samples ${i - 1} and ${i}`);
    }
    queries.push({ position: "between, below the split key", query: below }, { position: "between, at the split key", query: split });
  }
  queries.push({ position: "above last", query: new Uint8Array(32).fill(0xff) });
  const absenceProofs = queries.map(({ position, query }) => {
    const proof = proveSample(lookup, query);
    if (proof.kind !== "absent") throw new Error(`vectors: query ${toHex(query)} is unexpectedly a member`);
    return { position, query: toHex(query), index: proof.index, neighbor: toHex(proof.neighbor), path: proof.path.map(toHex) };
  });

  const third = Math.floor(size / 3);
  const batchIndexes = [...new Set([0, third, third + 1, size - 1])].filter((i) => i < size).sort((a, b) => a - b);
  const batch = proveBatch(tree, batchIndexes);

  return {
    size,
    samples,
    sampleHashes: hashes.map(toHex),
    levels,
    splitKeys,
    top: toHex(tree.top),
    root: toHex(tree.root),
    leafCount: tree.leafCount,
    depth: tree.depth,
    memberProofs,
    absenceProofs,
    batchProof: { indexes: batch.indexes, sampleHashes: batch.indexes.map((i) => toHex(hashAt(i))), path: batch.path.map(toHex) },
  };
}

/** Computes every vector (deterministic). */
export function generateSchemeVectors(): SchemeVectors {
  return {
    scheme: SCHEME_ID,
    description:
      "Datatrace Merkle search tree vectors (docs/merkle-scheme.md). sampleHash = SHA-256(UTF-8 sample text); " +
      "level 0 = the sorted distinct sample hashes; node = keccak256(left || right || split), split = the upper " +
      "sample hash's bytes up to its first byte differing from the lower one, then zeros; an unpaired last node is " +
      "promoted; root = keccak256(top || uint256(leafCount)). Paths list [sibling, split] per hashing level from " +
      "level 0 up; a batch path lists them in the order the verifier reads them ([split] alone where both children " +
      "are proven). Generated by test/vectors/generate.ts.",
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
