/**
 * Multinomial naive Bayes spam classifier with Laplace (additive) smoothing,
 * the demo model of Datatrace. Small, real and fully reproducible: its
 * "weights" are integer token counts, so the same training data always gives
 * the same model bytes (see `model-serialization.ts`) and the same weightsHash.
 *
 * Model: for class c in {spam, ham} and vocabulary V,
 *   P(c)     = docs_c / (docs_spam + docs_ham)
 *   P(t | c) = (count(t, c) + alpha) / (Σ_{t' ∈ V} count(t', c) + alpha · |V|)
 * and an email with token multiset T scores
 *   logOdds = log P(spam) − log P(ham) + Σ_{t ∈ T ∩ V} (log P(t|spam) − log P(t|ham)).
 * It is spam iff logOdds > 0. Tokens outside V are ignored.
 * The vocabulary is capped by `minCount`: tokens seen fewer times than that
 * (both classes together) are dropped when the model is built.
 *
 * Fine-tuning continues from the parent's counts: child counts = parent
 * counts + counts of the extra samples, re-pruned with `minCount`. Tokens the
 * parent had pruned start from zero (their counts were not kept).
 */
import { DatatraceError, UserError } from "../errors/index.js";
import { EMAIL_TOKENIZER, tokenizeEmail } from "./tokenize.js";

/** Format tag of {@link NaiveBayesModel}. */
export const NAIVE_BAYES_FORMAT = "datatrace-naive-bayes/1";

/** Hyperparameters of the classifier. */
export interface NaiveBayesHyperparameters {
  /** Laplace smoothing pseudo-count, > 0. Default 1. */
  readonly alpha: number;
  /** Minimum total count (spam + ham) for a token to stay in the vocabulary, integer >= 1. Default 3. */
  readonly minCount: number;
}

/** Default hyperparameters (the values measured in docs/demo-model.md). */
export const DEFAULT_HYPERPARAMETERS: NaiveBayesHyperparameters = { alpha: 1, minCount: 3 };

/** A labelled email: raw bytes and its class. */
export interface LabeledEmail {
  readonly bytes: Uint8Array;
  readonly label: "spam" | "ham";
}

/** A trained model: everything needed to predict, and nothing else. */
export interface NaiveBayesModel {
  readonly format: typeof NAIVE_BAYES_FORMAT;
  /** Tokenizer the counts were made with. */
  readonly tokenizer: string;
  readonly hyperparameters: NaiveBayesHyperparameters;
  /** Number of training documents per class. */
  readonly documents: { readonly spam: number; readonly ham: number };
  /** Vocabulary: token → [count in spam, count in ham]. */
  readonly counts: ReadonlyMap<string, readonly [spam: number, ham: number]>;
}

/** A prediction for one email. */
export interface Prediction {
  readonly label: "spam" | "ham";
  /** log P(spam | email) − log P(ham | email). */
  readonly logOdds: number;
  /** P(spam | email) under the model, in [0, 1]. */
  readonly spamProbability: number;
}

/** Validates and completes hyperparameters; throws a UserError naming the bad field. */
export function resolveHyperparameters(input: Partial<NaiveBayesHyperparameters> = {}): NaiveBayesHyperparameters {
  const alpha = input.alpha ?? DEFAULT_HYPERPARAMETERS.alpha;
  const minCount = input.minCount ?? DEFAULT_HYPERPARAMETERS.minCount;
  if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha <= 0) {
    throw new UserError(`Invalid hyperparameter alpha: ${JSON.stringify(alpha)}.`, "alpha is the Laplace smoothing pseudo-count: pass a finite number > 0 (default 1).", { family: "data" });
  }
  if (typeof minCount !== "number" || !Number.isInteger(minCount) || minCount < 1) {
    throw new UserError(`Invalid hyperparameter minCount: ${JSON.stringify(minCount)}.`, "minCount is the minimum token count kept in the vocabulary: pass an integer >= 1 (default 3).", { family: "data" });
  }
  return { alpha, minCount };
}

/**
 * Incremental trainer: add samples one by one (so progress can be logged),
 * then {@link NaiveBayesTrainer.build} the model. Start from a parent model to
 * fine-tune.
 */
export class NaiveBayesTrainer {
  readonly hyperparameters: NaiveBayesHyperparameters;
  #spamDocs = 0;
  #hamDocs = 0;
  readonly #counts = new Map<string, [number, number]>();

  /** A trainer with the given hyperparameters, optionally continuing from `parent`'s counts. */
  constructor(hyperparameters: Partial<NaiveBayesHyperparameters> = {}, parent?: NaiveBayesModel) {
    if (parent !== undefined) {
      assertModel(parent);
      this.hyperparameters = resolveHyperparameters({ ...parent.hyperparameters, ...hyperparameters });
      this.#spamDocs = parent.documents.spam;
      this.#hamDocs = parent.documents.ham;
      for (const [token, [s, h]] of parent.counts) this.#counts.set(token, [s, h]);
    } else {
      this.hyperparameters = resolveHyperparameters(hyperparameters);
    }
  }

  /** Documents seen so far (parent's included), per class. */
  get documents(): { spam: number; ham: number } {
    return { spam: this.#spamDocs, ham: this.#hamDocs };
  }

  /** Distinct tokens counted so far, before the minCount cut. */
  get distinctTokens(): number {
    return this.#counts.size;
  }

  /** Every count so far, before the minCount cut (unsorted): the state a checkpoint records (see naive-bayes-checkpoint.ts). */
  snapshot(): { documents: { spam: number; ham: number }; counts: Array<readonly [token: string, spam: number, ham: number]> } {
    return { documents: this.documents, counts: [...this.#counts].map(([token, [s, h]]) => [token, s, h] as const) };
  }

  /** Counts one labelled email. */
  add(sample: LabeledEmail): void {
    const spam = sample.label === "spam";
    if (!spam && sample.label !== "ham") throw new DatatraceError(`Sample label must be "spam" or "ham", got ${JSON.stringify(sample.label)}.`);
    if (!(sample.bytes instanceof Uint8Array)) throw new DatatraceError("Sample bytes must be a Uint8Array.");
    if (spam) this.#spamDocs++;
    else this.#hamDocs++;
    const column = spam ? 0 : 1;
    for (const token of tokenizeEmail(sample.bytes)) {
      let entry = this.#counts.get(token);
      if (entry === undefined) {
        entry = [0, 0];
        this.#counts.set(token, entry);
      }
      entry[column]++;
    }
  }

  /** Counts every sample of `samples`. */
  addAll(samples: Iterable<LabeledEmail>): void {
    for (const sample of samples) this.add(sample);
  }

  /** The model of the counts so far, vocabulary cut at minCount and sorted by token. Requires both classes. */
  build(): NaiveBayesModel {
    if (this.#spamDocs === 0 || this.#hamDocs === 0) {
      throw new UserError(
        `Training needs both spam and ham emails (got ${this.#spamDocs} spam, ${this.#hamDocs} ham).`,
        "Add samples of the missing class to the training data.",
        { family: "data" },
      );
    }
    const kept = [...this.#counts].filter(([, [s, h]]) => s + h >= this.hyperparameters.minCount);
    kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      format: NAIVE_BAYES_FORMAT,
      tokenizer: EMAIL_TOKENIZER,
      hyperparameters: this.hyperparameters,
      documents: { spam: this.#spamDocs, ham: this.#hamDocs },
      counts: new Map(kept.map(([token, [s, h]]) => [token, [s, h] as const])),
    };
  }
}

/** Trains a model from scratch on `samples`. */
export function train(samples: Iterable<LabeledEmail>, hyperparameters: Partial<NaiveBayesHyperparameters> = {}): NaiveBayesModel {
  const trainer = new NaiveBayesTrainer(hyperparameters);
  trainer.addAll(samples);
  return trainer.build();
}

/**
 * Fine-tunes `parent` with `extraSamples`: continues from its counts and
 * documents (see the module doc). Hyperparameters default to the parent's.
 */
export function fineTune(
  parent: NaiveBayesModel,
  extraSamples: Iterable<LabeledEmail>,
  hyperparameters: Partial<NaiveBayesHyperparameters> = {},
): NaiveBayesModel {
  const trainer = new NaiveBayesTrainer(hyperparameters, parent);
  trainer.addAll(extraSamples);
  return trainer.build();
}

interface Scorer {
  readonly priorLogOdds: number;
  readonly tokenLogOdds: Map<string, number>;
}

const scorers = new WeakMap<NaiveBayesModel, Scorer>();

function scorerOf(model: NaiveBayesModel): Scorer {
  let scorer = scorers.get(model);
  if (scorer !== undefined) return scorer;
  assertModel(model);
  const { alpha } = model.hyperparameters;
  let spamTotal = 0;
  let hamTotal = 0;
  for (const [s, h] of model.counts.values()) {
    spamTotal += s;
    hamTotal += h;
  }
  const v = model.counts.size;
  const spamDenominator = Math.log(spamTotal + alpha * v);
  const hamDenominator = Math.log(hamTotal + alpha * v);
  const tokenLogOdds = new Map<string, number>();
  for (const [token, [s, h]] of model.counts) {
    tokenLogOdds.set(token, Math.log(s + alpha) - spamDenominator - (Math.log(h + alpha) - hamDenominator));
  }
  scorer = { priorLogOdds: Math.log(model.documents.spam) - Math.log(model.documents.ham), tokenLogOdds };
  scorers.set(model, scorer);
  return scorer;
}

/** Classifies one raw email. */
export function predict(model: NaiveBayesModel, emailBytes: Uint8Array): Prediction {
  const { priorLogOdds, tokenLogOdds } = scorerOf(model);
  let logOdds = priorLogOdds;
  for (const token of tokenizeEmail(emailBytes)) logOdds += tokenLogOdds.get(token) ?? 0;
  const spamProbability = logOdds >= 0 ? 1 / (1 + Math.exp(-logOdds)) : Math.exp(logOdds) / (1 + Math.exp(logOdds));
  return { label: logOdds > 0 ? "spam" : "ham", logOdds, spamProbability };
}

/** Throws a descriptive error unless `model` is a usable {@link NaiveBayesModel}. */
export function assertModel(model: NaiveBayesModel): void {
  if (model.format !== NAIVE_BAYES_FORMAT) {
    throw new DatatraceError(`Unsupported model format ${JSON.stringify(model.format)}; expected ${NAIVE_BAYES_FORMAT}.`);
  }
  if (model.tokenizer !== EMAIL_TOKENIZER) {
    throw new DatatraceError(`The model was made with tokenizer ${JSON.stringify(model.tokenizer)}, this code implements ${EMAIL_TOKENIZER}.`);
  }
  resolveHyperparameters(model.hyperparameters);
  const { spam, ham } = model.documents;
  if (!Number.isInteger(spam) || !Number.isInteger(ham) || spam < 1 || ham < 1) {
    throw new DatatraceError(`A model needs at least one spam and one ham training document, got spam=${spam}, ham=${ham}.`);
  }
}
