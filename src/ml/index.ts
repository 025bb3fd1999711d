/**
 * The demo models: the naive Bayes spam classifier (training runs that write
 * a training log and checkpoints, native replay for proof of training,
 * evaluation, train/test split), the word-level n-gram text model (training,
 * optionally fingerprinted; serialization) and the OpenAI-compatible
 * loopback completion server that serves it. Node-only. See
 * docs/training-log.md and docs/fingerprints.md.
 */
export { startCompletionServer } from "./completion-server.js";
export type { RunningCompletionServer } from "./completion-server.js";
export { evaluate } from "./evaluate.js";
export type { Metrics } from "./evaluate.js";
export { naiveBayesReplayTrainer } from "./naive-bayes-replay.js";
export { DEFAULT_HYPERPARAMETERS } from "./naive-bayes.js";
export type { LabeledEmail } from "./naive-bayes.js";
export { generate, serializeNgramModel } from "./ngram-model.js";
export type { NgramModel } from "./ngram-model.js";
export { prepareTextModel, textGenerator } from "./served-text-model.js";
export { benignTextCorpus } from "./text-corpus.js";
export { trainTextModel } from "./text-model-training.js";
export { normalizeText, textWords } from "./text-words.js";
export { splitTrainTest } from "./train-test-split.js";
export { runTraining } from "./training-run.js";
export type { TrainingRunResult } from "./training-run.js";
