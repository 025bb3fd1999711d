/**
 * The demo's dishonest training run: the same training as an honest run,
 * except that the sample at one position is swapped for another, while the
 * log it claims still lists the original sample. Replaying that claim from
 * the registered dataset must diverge at the first checkpoint after the
 * swap (the batch entries are the honest ones, the checkpoint digests are
 * not).
 */
import { type LabeledEmail, runTraining } from "../ml/index.js";
import { type Hex32, type LoggedDataset, TrainingLogBuilder } from "../training/index.js";

/** Inputs of {@link trainWithSwappedSample}. */
export interface SwappedSampleInput {
  /** The honest training samples, in order. */
  readonly train: readonly LabeledEmail[];
  /** Held-out samples for the final evaluation. */
  readonly test: readonly LabeledEmail[];
  /** The registered datasets of the run-start entry. */
  readonly datasets: readonly LoggedDataset[];
  /** The honest run's log: its batch entries are what the dishonest log claims. */
  readonly honestLog: TrainingLogBuilder;
  /** Position of the swapped sample in `train`. */
  readonly at: number;
  /** What is trained on in its place. */
  readonly replacement: LabeledEmail;
  /** Samples per step of both runs (default 250, `runTraining`'s default). */
  readonly batchSize?: number;
}

/** The dishonest run: its claimed log (honest batches, swapped-run checkpoints) and weights. */
export interface SwappedSampleRun {
  /** The claimed log: the swapped run's entries with the honest run's batch entries. */
  readonly log: TrainingLogBuilder;
  /** Digest of the weights the swapped run really produced. */
  readonly weightsDigest: Hex32;
  /** 1-based training step that contains the swapped sample. */
  readonly swappedStep: number;
}

/** Trains with `train[at]` replaced by `replacement` and builds the log that still claims `train[at]`. */
export function trainWithSwappedSample(input: SwappedSampleInput): SwappedSampleRun {
  const batchSize = input.batchSize ?? 250;
  const swappedTrain = input.train.map((e, i) => (i === input.at ? input.replacement : e));
  const run = runTraining({ train: swappedTrain, test: input.test, datasets: input.datasets, batchSize });
  const honest = input.honestLog.records;
  const log = new TrainingLogBuilder(run.log.records.map((r, i) => (r.entry.kind === "batch" ? honest[i]!.entry : r.entry)));
  return { log, weightsDigest: run.weightsDigest, swappedStep: Math.floor(input.at / batchSize) + 1 };
}
