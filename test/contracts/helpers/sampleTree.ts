/**
 * Trees and proofs for the contract tests, scheme `datatrace-merkle/2` (docs/merkle-scheme.md).
 *
 * Honest datasets are built and proven with the project's TypeScript core (`src/merkle`, the twin of
 * contracts/merkle/SampleMerkle.sol), so every contract test is also a TS ⇔ Solidity cross-check. A registrant who
 * does not follow the scheme — holes, unsorted or duplicate values, split keys of its choosing — is modelled by
 * {@link RegistrantTree}, a small independent implementation hashed with ethers; it implements `TreeNodes`, so the
 * core's `proveBatch` builds its multiproofs too. With honest split keys its root equals the core's.
 */
import { createHash } from "node:crypto";

import { concat, getBytes, hexlify, keccak256, toBeHex, zeroPadValue } from "ethers";

import {
  buildTree,
  createSortedLookup,
  proveBatch,
  proveMember,
  proveSample,
  type MerkleTree,
  type TreeNodes,
} from "../../../src/merkle/index.js";

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

/** A 32-byte value `delta` above or below `hash` (as a 256-bit number). */
export function offsetHash(hash: string, delta: bigint): string {
  return toBeHex(BigInt(hash) + delta, 32);
}

/** A small number as a 32-byte value (for hand-made registrant trees). */
export function word(n: number | bigint): string {
  return toBeHex(BigInt(n), 32);
}

const hex = (bytes: Uint8Array): string => hexlify(bytes);

/** An honest dataset: its sorted distinct sample hashes and the core's tree over them. */
export class Dataset {
  readonly tree: MerkleTree;
  readonly root: string;
  readonly leafCount: number;
  readonly #flat: Uint8Array;

  /** `flat` (optional) holds the same hashes concatenated, saving a conversion for big datasets. */
  constructor(
    readonly sampleHashes: readonly string[],
    flat?: Uint8Array,
  ) {
    this.#flat = flat ?? getBytes(concat(sampleHashes as string[]));
    this.tree = buildTree(this.#flat);
    this.root = hex(this.tree.root);
    this.leafCount = sampleHashes.length;
  }

  /** `count` samples labelled `label` (see {@link sortedSampleHashes}). */
  static of(count: number, label = "sample"): Dataset {
    return new Dataset(sortedSampleHashes(count, label));
  }

  /** The membership path of the sample at `index`. */
  path(index: number): string[] {
    return proveMember(this.tree, index).path.map(hex);
  }

  /** The core's proof for `query`: membership or absence. */
  prove(query: string): { kind: "member" | "absent"; index: number; neighbor: string; path: string[] } {
    const proof = proveSample(createSortedLookup(this.#flat, this.tree), getBytes(query));
    return {
      kind: proof.kind,
      index: proof.index,
      neighbor: proof.kind === "absent" ? hex(proof.neighbor) : query,
      path: proof.path.map(hex),
    };
  }

  /** The multiproof of the samples at `indexes` (any order): ascending indexes, their samples, the path. */
  batch(indexes: readonly number[]): { indexes: number[]; samples: string[]; path: string[] } {
    const proof = proveBatch(this.tree, indexes);
    return {
      indexes: proof.indexes,
      samples: proof.indexes.map((i) => this.sampleHashes[i]!),
      path: proof.path.map(hex),
    };
  }
}

/** The split key between adjacent hashes: `upper` up to and including the first byte that differs, then zeros. */
export function splitKey(lower: string, upper: string): string {
  const a = getBytes(lower);
  const b = getBytes(upper);
  let d = 0;
  while (d < 31 && a[d] === b[d]) d++;
  const out = new Uint8Array(32);
  out.set(b.subarray(0, d + 1));
  return hex(out);
}

/** Chooses the split key of hashed node `index` at `level` ≥ 1 of a registrant tree over `values`. */
export type SplitChooser = (level: number, index: number, values: readonly string[]) => string;

/** Split keys as the scheme derives them: between the last value under the left child and the first under the right. */
export const adjacentSplits: SplitChooser = (level, index, values) => {
  const u = (2 * index + 1) * 2 ** (level - 1);
  return splitKey(values[u - 1]!, values[u]!);
};

/**
 * Any tree a registrant can commit to: level-0 `values` as given (holes, disorder, duplicates allowed) and split
 * keys from `chooser` (`overrides` replace single keys, by "level/index"). Independent of `src/merkle` except that
 * the core's `proveBatch` reads it through `TreeNodes`.
 */
export class RegistrantTree implements TreeNodes {
  readonly levels: string[][];
  readonly splits: string[][];
  readonly leafCount: number;
  readonly depth: number;
  readonly top: string;
  readonly root: string;

  constructor(
    readonly values: readonly string[],
    chooser: SplitChooser = adjacentSplits,
    overrides: Readonly<Record<string, string>> = {},
  ) {
    if (values.length === 0) throw new Error("RegistrantTree: a tree needs at least one value");
    this.levels = [[...values]];
    this.splits = [[]];
    for (let level = 1; this.levels[level - 1]!.length > 1; level++) {
      const below = this.levels[level - 1]!;
      const nodes: string[] = [];
      const splits: string[] = [];
      for (let k = 0; 2 * k < below.length; k++) {
        if (2 * k + 1 < below.length) {
          const split = overrides[`${level}/${k}`] ?? chooser(level, k, values);
          splits.push(split);
          nodes.push(keccak256(concat([below[2 * k]!, below[2 * k + 1]!, split])));
        } else {
          splits.push("");
          nodes.push(below[2 * k]!); // promoted
        }
      }
      this.levels.push(nodes);
      this.splits.push(splits);
    }
    this.leafCount = values.length;
    this.depth = this.levels.length - 1;
    this.top = this.levels[this.depth]![0]!;
    this.root = keccak256(concat([this.top, zeroPadValue(toBeHex(this.leafCount), 32)]));
  }

  levelWidth(k: number): number {
    return this.levels[k]!.length;
  }

  node(k: number, i: number): Uint8Array {
    return getBytes(this.levels[k]![i]!);
  }

  split(k: number, i: number): Uint8Array {
    const s = this.splits[k]?.[i];
    if (s === undefined || s === "") throw new RangeError(`node ${i} of level ${k} is not hashed`);
    return getBytes(s);
  }

  /** The positional path `[sibling, split, …]` of the value at `index`. */
  path(index: number): string[] {
    const out: string[] = [];
    let i = index;
    for (let k = 0; k < this.depth; k++) {
      if (i % 2 === 1 || i + 1 < this.levels[k]!.length) {
        out.push(this.levels[k]![i % 2 === 1 ? i - 1 : i + 1]!, this.splits[k + 1]![i >> 1]!);
      }
      i >>= 1;
    }
    return out;
  }

  /** Where the search path of `query` ends: descend from the top, left iff `query < split`. */
  route(query: string): number {
    const q = BigInt(query);
    let i = 0;
    for (let k = this.depth; k > 0; k--) {
      const hashed = 2 * i + 1 < this.levels[k - 1]!.length;
      i = hashed && q >= BigInt(this.splits[k]![i]!) ? 2 * i + 1 : 2 * i;
    }
    return i;
  }

  /** The multiproof of the values at `indexes`, built by the core's `proveBatch`. */
  multiproof(indexes: readonly number[]): string[] {
    return proveBatch(this, indexes).path.map(hex);
  }
}
