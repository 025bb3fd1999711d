/**
 * Native replay of the demo trainer (src/training/replay-run.ts): a
 * {@link ReplayTrainer} for logs written by `runTraining`
 * (trainer `datatrace-naive-bayes` 1). It starts from the logged
 * hyperparameters and, for a fine-tune, from the parent weights given by the
 * user (their digest must be the logged initial weights digest), counts each
 * logged batch with the logged labels, and digests its checkpoints and final
 * model exactly as the training run did.
 */
import { readFile } from "node:fs/promises";

import { UserError } from "../errors/index.js";
import type { RunStartEntry, ReplayTrainer, ReplayTrainerFactory } from "../training/index.js";
import { checkpointDigest } from "./naive-bayes-checkpoint.js";
import { NaiveBayesTrainer, type NaiveBayesModel } from "./naive-bayes.js";
import { deserializeModel } from "./model-serialization.js";
import { EMAIL_TOKENIZER } from "./tokenize.js";
import { modelWeightsDigest, NAIVE_BAYES_TRAINER } from "./training-run.js";

/** Options of {@link naiveBayesReplayTrainer}. */
export interface NaiveBayesReplayOptions {
  /** The parent's weights file (model.json), for a fine-tune (run-start with an initial weights digest). */
  readonly initialWeights?: string | undefined;
}

/** True when the run was logged by the demo's naive Bayes trainer. */
export function isNaiveBayesRun(start: RunStartEntry): boolean {
  return start.trainer.name === NAIVE_BAYES_TRAINER.name;
}

async function loadParent(start: RunStartEntry, file: string | undefined): Promise<NaiveBayesModel | undefined> {
  if (start.initialWeightsDigest === null) return undefined;
  if (file === undefined) {
    throw new UserError(
      `The run starts from weights ${start.initialWeightsDigest} (a fine-tune), which a replay needs.`,
      "Pass the parent model's weights file with --initial-weights <model.json>.",
      { family: "usage" },
    );
  }
  const parent = deserializeModel(await readFile(file));
  const digest = modelWeightsDigest(parent);
  if (digest !== start.initialWeightsDigest) {
    throw new UserError(`The initial weights ${file} digest to ${digest}, but the run starts from ${start.initialWeightsDigest}.`, "Pass the parent model the run was fine-tuned from.", {
      family: "data",
    });
  }
  return parent;
}

/** A replay trainer factory for naive Bayes runs (see the module doc). */
export function naiveBayesReplayTrainer(options: NaiveBayesReplayOptions = {}): ReplayTrainerFactory {
  return async (start) => {
    if (!isNaiveBayesRun(start) || start.trainer.version !== NAIVE_BAYES_TRAINER.version) {
      throw new UserError(
        `The log was written by ${start.trainer.name} ${start.trainer.version}; the native replay runs ${NAIVE_BAYES_TRAINER.name} ${NAIVE_BAYES_TRAINER.version}.`,
        'Replay it with the segment protocol instead: --trainer "<command> --from {checkpoint} --steps {from}..{to} --out {out}".',
        { family: "usage" },
      );
    }
    const config = start.config as { alpha?: unknown; minCount?: unknown; tokenizer?: unknown };
    if (config.tokenizer !== EMAIL_TOKENIZER) {
      throw new UserError(`The run used tokenizer ${JSON.stringify(config.tokenizer)}; this trainer implements ${EMAIL_TOKENIZER}.`, "Replay with the Datatrace version that wrote the log.", {
        family: "data",
      });
    }
    const parent = await loadParent(start, options.initialWeights);
    const trainer = new NaiveBayesTrainer({ alpha: config.alpha as number, minCount: config.minCount as number }, parent);
    const replay: ReplayTrainer = {
      trainBatch: (step, samples) => {
        samples.forEach((s, i) => {
          if (s.label !== "spam" && s.label !== "ham") {
            throw new UserError(`Sample ${i} of the batch of step ${step} has label ${JSON.stringify(s.label)}; the naive Bayes trainer needs "spam" or "ham".`, "The log is not a naive Bayes log.", {
              family: "data",
            });
          }
          trainer.add({ bytes: s.bytes, label: s.label });
        });
      },
      checkpointDigest: () => checkpointDigest(trainer),
      finalDigest: () => modelWeightsDigest(trainer.build()),
    };
    return replay;
  };
}
