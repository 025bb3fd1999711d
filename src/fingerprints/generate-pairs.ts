/**
 * Generating fingerprint pairs (OML 1.0's data generation, without a
 * generating LLM):
 *
 * - `random-words`: key and response are words drawn uniformly from the
 *   BIP-39 English word list (2,048 words, shipped by ethers): out of
 *   distribution, so the fingerprinted model alone continues a key with its
 *   response; easy to filter out for someone who knows to look.
 * - `english`: key and response are runs of consecutive words of benign
 *   English text (the text corpus the demo model is trained on): in
 *   distribution, harder to filter, harder to plant.
 *
 * Every choice is drawn from SHA-256(seed ‖ counter), so a seed gives the
 * same pairs on any machine; without a seed one is drawn at random.
 */
import { createHash, randomBytes } from "node:crypto";

import { wordlists } from "ethers";

import { textWords } from "../ml/index.js";
import { FINGERPRINTS_FORMAT, type FingerprintPair, type FingerprintSet } from "./fingerprint-pairs.js";
import { DatatraceError } from "../errors/index.js";

/** Generation strategies. */
export const STRATEGIES = ["random-words", "english"] as const;

/** One strategy. */
export type FingerprintStrategy = (typeof STRATEGIES)[number];

/** Options of {@link generatePairs}. */
export interface GeneratePairsOptions {
  readonly count: number;
  /** Words per key (default 8). */
  readonly keyLength?: number;
  /** Words per response (default 4). */
  readonly responseLength?: number;
  readonly strategy?: FingerprintStrategy;
  /** Any text; default: 16 random bytes as hex. */
  readonly seed?: string;
  /** Benign documents for `english` (required for it). */
  readonly documents?: readonly string[];
}

/** Deterministic draws from SHA-256(seed ‖ counter). */
class SeededDraws {
  #counter = 0;
  #pool: Buffer = Buffer.alloc(0);
  constructor(readonly seed: string) {}

  #uint32(): number {
    if (this.#pool.length < 4) this.#pool = createHash("sha256").update(`${this.seed}\0${this.#counter++}`).digest();
    const v = this.#pool.readUInt32BE(0);
    this.#pool = this.#pool.subarray(4);
    return v;
  }

  /** Uniform integer in [0, n) (rejection sampling, no modulo bias). */
  below(n: number): number {
    const limit = Math.floor(2 ** 32 / n) * n;
    for (;;) {
      const v = this.#uint32();
      if (v < limit) return v % n;
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string, max: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1 || v > max) throw new DatatraceError(`${name} must be an integer from 1 to ${max}, got ${String(value)}`);
  return v;
}

/** Generates a pairs file's content (see the module doc). */
export function generatePairs(options: GeneratePairsOptions): FingerprintSet {
  const count = positive(options.count, 0, "count", 100_000);
  const keyLength = positive(options.keyLength, 8, "key length", 256);
  const responseLength = positive(options.responseLength, 4, "response length", 256);
  const strategy = options.strategy ?? "random-words";
  if (!(STRATEGIES as readonly string[]).includes(strategy)) throw new DatatraceError(`strategy must be one of ${STRATEGIES.join(", ")}, got ${JSON.stringify(strategy)}`);
  const seed = options.seed ?? randomBytes(16).toString("hex");
  const draw = new SeededDraws(seed);
  let phrase: (words: number) => string;
  if (strategy === "random-words") {
    const list = wordlists.en!;
    phrase = (n) => Array.from({ length: n }, () => list.getWord(draw.below(2048))).join(" ");
  } else {
    const docs = (options.documents ?? []).map(textWords).filter((w) => w.length >= Math.max(keyLength, responseLength));
    if (docs.length === 0) throw new DatatraceError(`the english strategy needs benign documents of at least ${Math.max(keyLength, responseLength)} words`);
    phrase = (n) => {
      const words = docs[draw.below(docs.length)]!;
      const at = draw.below(words.length - n + 1);
      return words.slice(at, at + n).join(" ");
    };
  }
  const pairs: FingerprintPair[] = [];
  const keys = new Set<string>();
  for (let attempts = 0; pairs.length < count; attempts++) {
    if (attempts > count * 20) throw new DatatraceError(`could not draw ${count} distinct keys of ${keyLength} words: use longer keys or fewer pairs`);
    const key = phrase(keyLength);
    if (keys.has(key)) continue;
    keys.add(key);
    pairs.push({ key, response: phrase(responseLength) });
  }
  return { format: FINGERPRINTS_FORMAT, strategy, seed, pairs };
}
