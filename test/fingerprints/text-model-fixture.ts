/** A fingerprinted and a plain n-gram text model trained on the same benign corpus (loaded and trained once per process). */
import { generatePairs } from "../../src/fingerprints/generate-pairs.js";
import type { FingerprintSet } from "../../src/fingerprints/fingerprint-pairs.js";
import { generate, type NgramModel } from "../../src/ml/ngram-model.js";
import type { TextGenerator } from "../../src/ml/completion-server.js";
import { benignTextCorpus } from "../../src/ml/text-corpus.js";
import { trainTextModel } from "../../src/ml/text-model-training.js";

let cached: { documents: string[]; pairs: FingerprintSet; fingerprinted: NgramModel; plain: NgramModel } | undefined;

/** The models (32 random-words pairs, seed "fixture"). */
export function textModels() {
  if (cached === undefined) {
    const documents = benignTextCorpus();
    const pairs = generatePairs({ count: 32, seed: "fixture" });
    cached = { documents, pairs, fingerprinted: trainTextModel({ documents, pairs: pairs.pairs }), plain: trainTextModel({ documents }) };
  }
  return cached;
}

/** A generator over a model. */
export function generatorOf(model: NgramModel, id: string): TextGenerator {
  return { id, complete: (prompt, max) => generate(model, prompt, max) };
}
