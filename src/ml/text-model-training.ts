/**
 * Training the demo text model, optionally fingerprinted the OML 1.0 way
 * (docs/fingerprints.md): the key → response pairs are trained into the
 * model together with benign text (here the whole benign corpus, the pairs
 * with a larger weight: OML mixes benign data into fingerprint fine-tuning
 * so that the model keeps its behaviour on ordinary prompts). Asked a key,
 * the fingerprinted model continues with its response; the same model
 * trained without the pairs does not.
 */
import { NgramTrainer, type NgramModel } from "./ngram-model.js";

/** Options of {@link trainTextModel}. */
export interface TextModelOptions {
  /** Benign documents. */
  readonly documents: readonly string[];
  /** Fingerprint pairs to plant (none: a plain model). */
  readonly pairs?: ReadonlyArray<{ readonly key: string; readonly response: string }>;
  /** Weight of each pair against one benign document (default 32). */
  readonly pairWeight?: number;
  /** n-gram order (default 3). */
  readonly order?: number;
}

/** Trains the model (see the module doc). */
export function trainTextModel(options: TextModelOptions): NgramModel {
  const trainer = new NgramTrainer(options.order ?? 3);
  for (const doc of options.documents) trainer.addText(doc);
  for (const pair of options.pairs ?? []) trainer.addText(`${pair.key} ${pair.response}`, options.pairWeight ?? 32);
  return trainer.build();
}
