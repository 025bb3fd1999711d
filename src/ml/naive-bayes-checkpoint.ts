/**
 * Checkpoints of the naive Bayes trainer: the trainer's whole state (every
 * token count before the minCount cut, documents per class, hyperparameters)
 * as canonical JSON bytes, written as `checkpoint.json`. A checkpoint is not
 * a model: a model drops the tokens under minCount, which a continued run
 * still needs. Its weights digest (src/training/weights-digest.ts, as the
 * one file `checkpoint.json`) is what checkpoint entries of the training log
 * record.
 *
 *   {"counts":[[token, spamCount, hamCount], …], "documents":{"ham":…,"spam":…},
 *    "format":"datatrace-naive-bayes-state/1", "hyperparameters":{"alpha":…,"minCount":…}}
 *
 * with the counts sorted by token (UTF-16 code units). The text is built
 * directly rather than through the generic canonicalJson: a checkpoint holds
 * ~90,000 rows, and the generic writer (path bookkeeping per value) took ~1 s
 * per checkpoint on this machine; the tokens are ASCII letters, digits and
 * ':' (tokenize.ts), so JSON.stringify writes them canonically, and a test
 * checks the bytes equal canonicalJson's.
 */
import { canonicalJson } from "../registry/index.js";
import { weightsDigestOfFiles } from "../training/index.js";
import type { Hex32 } from "../training/index.js";
import type { NaiveBayesTrainer } from "./naive-bayes.js";

/** Format tag of a trainer checkpoint. */
export const NAIVE_BAYES_STATE_FORMAT = "datatrace-naive-bayes-state/1";

/** File name a checkpoint is written (and digested) as. */
export const CHECKPOINT_FILE = "checkpoint.json";

/** Canonical bytes of the trainer's state (see the module doc). */
export function checkpointBytes(trainer: NaiveBayesTrainer): Uint8Array {
  const { documents, counts } = trainer.snapshot();
  counts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rows = counts.map(([t, s, h]) => `[${JSON.stringify(t)},${s},${h}]`).join(",");
  const tail = canonicalJson({
    documents: { ham: documents.ham, spam: documents.spam },
    format: NAIVE_BAYES_STATE_FORMAT,
    hyperparameters: { alpha: trainer.hyperparameters.alpha, minCount: trainer.hyperparameters.minCount },
  });
  return new TextEncoder().encode(`{"counts":[${rows}],${tail.slice(1)}`);
}

/** Weights digest of the trainer's current checkpoint. */
export function checkpointDigest(trainer: NaiveBayesTrainer): Hex32 {
  return weightsDigestOfFiles([{ path: CHECKPOINT_FILE, bytes: checkpointBytes(trainer) }]);
}
