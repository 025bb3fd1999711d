/**
 * A word-level n-gram language model with backoff, the text model that
 * Datatrace trains, fingerprints and serves in its own tests and examples
 * (docs/fingerprints.md). Small and fully deterministic:
 *
 * - training counts, for every position of every document and every context
 *   length k = 0…order−1, the word that follows the k words before it; a
 *   document may be given a weight (its counts are multiplied), which is how
 *   fingerprint pairs are "fine-tuned" in with more weight than benign text;
 * - generation is greedy: the next word is the most frequent follower of the
 *   longest context seen in training (ties: the smallest word in UTF-16
 *   order); it stops after `maxWords` words or when nothing ever followed.
 *
 * Weights are the counts, serialized as canonical JSON (the same model always
 * gives the same bytes, hence the same weights digest):
 *   {"contexts":[[context, [[word, count], …]], …], "format":"datatrace-ngram/1", "order":3, "words":"datatrace-words/1"}
 * with contexts and followers sorted (UTF-16 order).
 */
import { canonicalJsonBytes } from "../registry/index.js";
import { TEXT_WORDS, textWords } from "./text-words.js";
import { DatatraceError } from "../errors/index.js";

/** Format tag of a serialized model. */
export const NGRAM_FORMAT = "datatrace-ngram/1";

/** Separates the words of a context key (never inside a word). */
const SEP = " ";

/** A trained model: context → (next word → count). The empty context holds the unigram counts. */
export interface NgramModel {
  readonly order: number;
  readonly contexts: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** Counts documents into a model. */
export class NgramTrainer {
  readonly order: number;
  readonly #contexts = new Map<string, Map<string, number>>();

  /** `order` = context length + 1 (2: bigrams, 3: trigrams…). */
  constructor(order = 3) {
    if (!Number.isSafeInteger(order) || order < 1 || order > 8) throw new DatatraceError(`order must be an integer from 1 to 8, got ${String(order)}.`);
    this.order = order;
  }

  /** Counts one document's words, `weight` times (a positive integer). */
  addText(text: string, weight = 1): void {
    if (!Number.isSafeInteger(weight) || weight < 1) throw new DatatraceError(`weight must be a positive integer, got ${String(weight)}.`);
    const words = textWords(text);
    for (let i = 0; i < words.length; i++) {
      const next = words[i]!;
      for (let k = 0; k < this.order && k <= i; k++) {
        const context = words.slice(i - k, i).join(SEP);
        let followers = this.#contexts.get(context);
        if (followers === undefined) this.#contexts.set(context, (followers = new Map()));
        followers.set(next, (followers.get(next) ?? 0) + weight);
      }
    }
  }

  /** The model of the counts so far. */
  build(): NgramModel {
    const contexts = new Map<string, Map<string, number>>();
    for (const [c, f] of this.#contexts) contexts.set(c, new Map(f));
    return { order: this.order, contexts };
  }
}

/** The most frequent follower of a context (ties: smallest word), or undefined. */
function bestFollower(followers: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = -1;
  for (const [word, count] of followers) {
    if (count > bestCount || (count === bestCount && best !== undefined && word < best)) {
      best = word;
      bestCount = count;
    }
  }
  return best;
}

/** Continues `prompt` greedily for at most `maxWords` words (see the module doc); returns the continuation's words joined by spaces. */
export function generate(model: NgramModel, prompt: string, maxWords: number): string {
  const words = textWords(prompt);
  const out: string[] = [];
  for (let n = 0; n < maxWords; n++) {
    let next: string | undefined;
    for (let k = Math.min(model.order - 1, words.length); k >= 0 && next === undefined; k--) {
      const followers = model.contexts.get(words.slice(words.length - k).join(SEP));
      if (followers !== undefined) next = bestFollower(followers);
    }
    if (next === undefined) break;
    words.push(next);
    out.push(next);
  }
  return out.join(" ");
}

const byUtf16 = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Canonical weights bytes of a model (see the module doc). */
export function serializeNgramModel(model: NgramModel): Uint8Array {
  const contexts = [...model.contexts.keys()].sort(byUtf16).map((c) => [c, [...model.contexts.get(c)!].sort(([a], [b]) => byUtf16(a, b))]);
  return canonicalJsonBytes({ contexts, format: NGRAM_FORMAT, order: model.order, words: TEXT_WORDS });
}

/** Parses weights made by {@link serializeNgramModel}; throws naming what is wrong. */
export function deserializeNgramModel(bytes: Uint8Array): NgramModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new DatatraceError("The n-gram model file is not UTF-8 JSON.");
  }
  const o = parsed as { format?: unknown; order?: unknown; words?: unknown; contexts?: unknown };
  if (typeof o !== "object" || o === null || o.format !== NGRAM_FORMAT) throw new DatatraceError(`The model file is not a ${NGRAM_FORMAT} model.`);
  if (o.words !== TEXT_WORDS) throw new DatatraceError(`The model splits words with ${JSON.stringify(o.words)}; this code implements ${TEXT_WORDS}.`);
  if (!Number.isSafeInteger(o.order) || (o.order as number) < 1) throw new DatatraceError("The model's order is not a positive integer.");
  if (!Array.isArray(o.contexts)) throw new DatatraceError("The model's contexts are not a list.");
  const contexts = new Map<string, Map<string, number>>();
  for (const row of o.contexts as unknown[]) {
    if (!Array.isArray(row) || typeof row[0] !== "string" || !Array.isArray(row[1])) throw new DatatraceError("A context of the model is not [context, [[word, count], …]].");
    const followers = new Map<string, number>();
    for (const f of row[1] as unknown[]) {
      if (!Array.isArray(f) || typeof f[0] !== "string" || !Number.isSafeInteger(f[1]) || (f[1] as number) < 1) throw new DatatraceError(`A follower of context ${JSON.stringify(row[0])} is not [word, positive count].`);
      followers.set(f[0], f[1] as number);
    }
    contexts.set(row[0], followers);
  }
  return { order: o.order as number, contexts };
}
