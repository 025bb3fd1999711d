/** Shared, memoized fixtures of the ml tests: the real corpus and one trained model (loading and training once keeps the suite fast). */
import { type CorpusEmail, loadSpamAssassin } from "../../src/corpus/spamassassin.js";
import { runTraining, type TrainingRunResult } from "../../src/ml/training-run.js";
import { splitTrainTest, type TrainTestSplit } from "../../src/ml/train-test-split.js";

let corpus: CorpusEmail[] | undefined;
let split: TrainTestSplit<CorpusEmail> | undefined;
let run: TrainingRunResult | undefined;

/** The whole SpamAssassin corpus (6,046 emails), loaded once. */
export function corpusEmails(): CorpusEmail[] {
  corpus ??= loadSpamAssassin();
  return corpus;
}

/** The default 80/20 split of the corpus. */
export function corpusSplit(): TrainTestSplit<CorpusEmail> {
  split ??= splitTrainTest(corpusEmails());
  return split;
}

/** The default training run on the 80% part, evaluated on the 20% part. */
export function baseRun(): TrainingRunResult {
  run ??= runTraining({ train: corpusSplit().train, test: corpusSplit().test });
  return run;
}
