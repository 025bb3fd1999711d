/**
 * Proof of training (docs/training-log.md): the training log format and its
 * hash chain, checking a log against the model token that commits it
 * (chain, datasets, batch samples proven members, weights), native replay by
 * re-execution, and segment replay of outside trainers through a command
 * template.
 */
export { batchSamplesRoot, distinctSampleCount, MembershipProofError, proveBatchMembership, requireManifestOf } from "./batch-membership.js";
export type { BatchMembership, MemberSample, MembershipDataset } from "./batch-membership.js";
export { compareCheckpoints, parseSafetensors, readCheckpointTensors } from "./checkpoint-compare.js";
export type { CheckpointDifference } from "./checkpoint-compare.js";
export { fillCommandTemplate, parseCommandTemplate, splitCommandLine, TEMPLATE_PLACEHOLDERS } from "./command-template.js";
export type { CommandTemplate, TemplateValues } from "./command-template.js";
export { collectSamples } from "./data-samples.js";
export type { CollectedSamples } from "./data-samples.js";
export { entryDigest, GENESIS_HEAD, headOf, nextHead, recordLine, TrainingLogBuilder } from "./log-chain.js";
export type { TrainingLogRecord } from "./log-chain.js";
export { ENTRY_KINDS, isHex32, parseTrainingLogEntry, TRAINING_LOG_FORMAT, TrainingLogEntryError } from "./log-entry.js";
export type {
  BatchEntry,
  CheckpointEntry,
  EntryKind,
  EpochEntry,
  Hex32,
  LoggedDataset,
  ReplayRule,
  RunEndEntry,
  RunStartEntry,
  StepEntry,
  TrainingLogEntry,
} from "./log-entry.js";
export { checkTrainingLog } from "./log-verification.js";
export type { LogLine, LogProblem, TrainingLogCheck } from "./log-verification.js";
export { openMembershipDatasets, readModelCommitments } from "./model-commitments.js";
export type { CommittedDataset, ManifestOpener, ModelCommitments } from "./model-commitments.js";
export { replayTraining } from "./replay-run.js";
export type { DigestComparison, ReplayOutcome, ReplaySample, ReplayTrainer, ReplayTrainerFactory, ReplayTrainingInput } from "./replay-run.js";
export { chooseSegments, replaySegments } from "./segment-replay.js";
export type { SegmentReplayInput, SegmentReplayOutcome, SegmentResult } from "./segment-replay.js";
export { verifyTraining } from "./verify-training.js";
export type { TrainingVerification, VerifyTrainingInput } from "./verify-training.js";
export { WEIGHTS_DIGEST_SCHEME, weightsDigestOf, weightsDigestOfFiles } from "./weights-digest.js";
