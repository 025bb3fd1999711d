/**
 * One reproducible training run of the demo model: train (or fine-tune),
 * evaluate, serialize, and record a hash-chained training log whose head the
 * ModelNFT commits. Everything in the log is deterministic (no timestamps or
 * timings), so rerunning on the same data gives the same weightsHash and the
 * same log head; the wall-clock time is returned separately.
 */
import type { JsonObject } from "../registry/canonical-json.js";
import { TrainingLog } from "../registry/training-log.js";
import { evaluate, type Metrics } from "./evaluate.js";
import { type LabeledEmail, type NaiveBayesHyperparameters, type NaiveBayesModel, NaiveBayesTrainer } from "./naive-bayes.js";
import { serializeModel } from "./model-serialization.js";

/** Inputs of {@link runTraining}. */
export interface TrainingRunOptions {
  /** Training samples, in the order they are counted. */
  readonly train: readonly LabeledEmail[];
  /** Held-out samples for the final evaluation. */
  readonly test: readonly LabeledEmail[];
  /** Hyperparameters (defaults, or the parent's when fine-tuning). */
  readonly hyperparameters?: Partial<NaiveBayesHyperparameters>;
  /** Fine-tune this model instead of training from scratch. */
  readonly parent?: NaiveBayesModel;
  /** Log an entry every this many training samples (default 1000; >= 1). */
  readonly logEvery?: number;
  /** Extra JSON recorded in the first log entry (dataset roots, parent weightsHash…). */
  readonly context?: JsonObject;
}

/** Output of {@link runTraining}. */
export interface TrainingRunResult {
  readonly model: NaiveBayesModel;
  /** Canonical weights bytes (`serializeModel(model)`). */
  readonly weights: Uint8Array;
  /** Metrics on the test samples. */
  readonly metrics: Metrics;
  /** The training log; `log.head` is the value to commit. */
  readonly log: TrainingLog;
  /** Wall-clock milliseconds spent counting and building (not in the log). */
  readonly trainMs: number;
}

/** Trains or fine-tunes, evaluates and logs (see the module doc). */
export function runTraining(options: TrainingRunOptions): TrainingRunResult {
  const logEvery = options.logEvery ?? 1000;
  if (!Number.isSafeInteger(logEvery) || logEvery < 1) throw new Error(`logEvery must be an integer >= 1, got ${String(options.logEvery)}.`);
  const started = performance.now();
  const trainer = new NaiveBayesTrainer(options.hyperparameters ?? {}, options.parent);
  const log = new TrainingLog();
  log.append({
    step: 0,
    data: {
      kind: options.parent === undefined ? "train" : "fine-tune",
      hyperparameters: { ...trainer.hyperparameters },
      trainSamples: options.train.length,
      testSamples: options.test.length,
      startDocuments: trainer.documents,
      ...(options.context === undefined ? {} : { context: options.context }),
    },
  });
  let step = 0;
  for (const sample of options.train) {
    trainer.add(sample);
    step++;
    if (step % logEvery === 0 || step === options.train.length) {
      const docs = trainer.documents;
      log.append({ step, metrics: { spamDocuments: docs.spam, hamDocuments: docs.ham, distinctTokens: trainer.distinctTokens } });
    }
  }
  const model = trainer.build();
  const trainMs = performance.now() - started;
  const metrics = evaluate(model, options.test);
  const weights = serializeModel(model);
  log.append({
    step,
    metrics: {
      accuracy: metrics.accuracy,
      precision: metrics.precision,
      recall: metrics.recall,
      f1: metrics.f1,
      vocabulary: model.counts.size,
      weightsBytes: weights.length,
      ...metrics.confusion,
    },
    data: { kind: "evaluation" },
  });
  return { model, weights, metrics, log, trainMs };
}
