/**
 * One reproducible training run of the demo model: train (or fine-tune) in
 * batches, evaluate, serialize, and write a training log in the format of
 * docs/training-log.md whose last head the ModelNFT commits:
 *
 *   run-start   trainer datatrace-naive-bayes 1, config (alpha, minCount,
 *               tokenizer, batchSize, checkpointEvery), code digest, initial
 *               weights digest (the parent's for a fine-tune), datasets, seed
 *   batch       per step: the SHA-256 of each sample of the step, in order,
 *               with its label (labels are not in the email bytes)
 *   step        counts so far, at every checkpoint
 *   checkpoint  every `checkpointEvery` steps and after the last: the digest
 *               of the trainer's state (naive-bayes-checkpoint.ts)
 *   run-end     the digest of model.json (= the weightsHash to register) and
 *               the test metrics
 *
 * Everything in the log is deterministic (no timestamps or timings), so the
 * same data gives the same weights, the same checkpoints and the same head;
 * that is what makes the run replayable (naive-bayes-replay.ts). The
 * wall-clock time is returned separately.
 */
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

import { sha256, toHex } from "../hash/index.js";
import { type Hex32, type LoggedDataset, TRAINING_LOG_FORMAT, TrainingLogBuilder, weightsDigestOfFiles } from "../training/index.js";
import { evaluate, type Metrics } from "./evaluate.js";
import { checkpointDigest } from "./naive-bayes-checkpoint.js";
import { type LabeledEmail, type NaiveBayesHyperparameters, type NaiveBayesModel, NaiveBayesTrainer } from "./naive-bayes.js";
import { serializeModel } from "./model-serialization.js";
import { EMAIL_TOKENIZER } from "./tokenize.js";
import { DatatraceError } from "../errors/index.js";

/** Trainer name and version written in the run-start entry. */
export const NAIVE_BAYES_TRAINER = { name: "datatrace-naive-bayes", version: "1" } as const;

/** File name of the final weights (their digest is the run-end digest). */
export const WEIGHTS_FILE = "model.json";

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
  /** Samples per step (default 250; >= 1). */
  readonly batchSize?: number;
  /** A checkpoint every this many steps, and after the last (default 4; >= 1). */
  readonly checkpointEvery?: number;
  /** The registered datasets the training samples come from (token id, root, leaf count), for the run-start entry. */
  readonly datasets?: readonly LoggedDataset[];
}

/** Output of {@link runTraining}. */
export interface TrainingRunResult {
  readonly model: NaiveBayesModel;
  /** Canonical weights bytes (`serializeModel(model)`), written as model.json. */
  readonly weights: Uint8Array;
  /** Digest of the weights (= run-end weightsDigest = the weightsHash to register). */
  readonly weightsDigest: Hex32;
  /** Metrics on the test samples. */
  readonly metrics: Metrics;
  /** The training log; `log.head` is the value to commit. */
  readonly log: TrainingLogBuilder;
  /** Wall-clock milliseconds spent counting and building (not in the log). */
  readonly trainMs: number;
}

const TRAINER_SOURCES = ["naive-bayes.ts", "naive-bayes-checkpoint.ts", "tokenize.ts", "training-run.ts"];

/**
 * SHA-256 over the trainer's source files (`name NUL content NUL`, in name
 * order), or null when they cannot be read (bundled code). Informational: it
 * says which code wrote the log; a replay reproduces digests or it does not.
 */
export function trainerCodeDigest(): Hex32 | null {
  try {
    const hash = createHash("sha256");
    for (const name of [...TRAINER_SOURCES].sort()) {
      hash.update(`${name}\0`).update(readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)))).update("\0");
    }
    return `0x${hash.digest("hex")}`;
  } catch {
    return null;
  }
}

/** Weights digest of a model as its weights file. */
export function modelWeightsDigest(model: NaiveBayesModel): Hex32 {
  return weightsDigestOfFiles([{ path: WEIGHTS_FILE, bytes: serializeModel(model) }]);
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new DatatraceError(`${name} must be an integer >= 1, got ${String(value)}.`);
  return v;
}

/** Trains or fine-tunes, evaluates and logs (see the module doc). */
export function runTraining(options: TrainingRunOptions): TrainingRunResult {
  const batchSize = positiveInteger(options.batchSize, 250, "batchSize");
  const checkpointEvery = positiveInteger(options.checkpointEvery, 4, "checkpointEvery");
  const started = performance.now();
  const trainer = new NaiveBayesTrainer(options.hyperparameters ?? {}, options.parent);
  const log = new TrainingLogBuilder();
  log.append({
    kind: "run-start",
    step: 0,
    format: TRAINING_LOG_FORMAT,
    trainer: { ...NAIVE_BAYES_TRAINER },
    config: { ...trainer.hyperparameters, tokenizer: EMAIL_TOKENIZER, batchSize, checkpointEvery, mode: options.parent === undefined ? "train" : "fine-tune" },
    codeDigest: trainerCodeDigest(),
    initialWeightsDigest: options.parent === undefined ? null : modelWeightsDigest(options.parent),
    datasets: [...(options.datasets ?? [])],
    seed: 0,
    replay: { deterministic: true },
  });
  const steps = Math.ceil(options.train.length / batchSize);
  for (let step = 1; step <= steps; step++) {
    const batch = options.train.slice((step - 1) * batchSize, step * batchSize);
    log.append({ kind: "batch", step, samples: batch.map((s) => toHex(sha256(s.bytes)) as Hex32), labels: batch.map((s) => s.label) });
    trainer.addAll(batch);
    if (step % checkpointEvery === 0 || step === steps) {
      const docs = trainer.documents;
      log.append({ kind: "step", step, metrics: { spamDocuments: docs.spam, hamDocuments: docs.ham, distinctTokens: trainer.distinctTokens } });
      log.append({ kind: "checkpoint", step, weightsDigest: checkpointDigest(trainer) });
    }
  }
  const model = trainer.build();
  const trainMs = performance.now() - started;
  const metrics = evaluate(model, options.test);
  const weights = serializeModel(model);
  const weightsDigest = weightsDigestOfFiles([{ path: WEIGHTS_FILE, bytes: weights }]);
  log.append({
    kind: "run-end",
    step: steps,
    weightsDigest,
    metrics: {
      accuracy: metrics.accuracy,
      precision: metrics.precision,
      recall: metrics.recall,
      f1: metrics.f1,
      vocabulary: model.counts.size,
      weightsBytes: weights.length,
      ...metrics.confusion,
    },
  });
  return { model, weights, weightsDigest, metrics, log, trainMs };
}
