/**
 * Replay by re-execution, for trainers that can run inside Datatrace
 * (docs/training-log.md, "Replay"): the log is first verified against its
 * token (verify-training.ts: chain, datasets, every listed sample proven a
 * member of the linked datasets), then every batch is fed, in log order, to
 * a {@link ReplayTrainer} started from the logged config, seed and initial
 * weights, with the sample bytes from the user's data (each found by its
 * SHA-256, so a byte that differs is a sample that is missing). At every
 * checkpoint entry the trainer's digest must equal the logged one, and at
 * the run-end its final weights digest must equal the logged one (= the
 * token's weightsHash). The first mismatch is reported with its line and
 * step: from there on, the log does not describe the training that
 * produced the logged weights.
 */
import type { MembershipDataset } from "./batch-membership.js";
import { collectSamples } from "./data-samples.js";
import type { Hex32, RunStartEntry } from "./log-entry.js";
import type { LogProblem } from "./log-verification.js";
import { checkTrainingLog } from "./log-verification.js";
import type { ModelCommitments } from "./model-commitments.js";
import { verifyTraining, type TrainingVerification } from "./verify-training.js";

/** One sample as fed to a trainer: its bytes (hash-checked) and the label the log gives. */
export interface ReplaySample {
  readonly hash: Hex32;
  readonly bytes: Uint8Array;
  readonly label?: string | undefined;
}

/** A deterministic trainer that can be replayed step by step. */
export interface ReplayTrainer {
  /** Trains the samples of one logged batch entry. */
  trainBatch(step: number, samples: readonly ReplaySample[]): void | Promise<void>;
  /** Weights digest of the state after `step` (compared with a checkpoint entry). */
  checkpointDigest(step: number): Hex32 | Promise<Hex32>;
  /** Weights digest of the final weights (compared with the run-end entry). */
  finalDigest(): Hex32 | Promise<Hex32>;
}

/** Makes a trainer for a run, or throws a UserError explaining why it cannot (unknown trainer, missing initial weights…). */
export type ReplayTrainerFactory = (start: RunStartEntry) => Promise<ReplayTrainer>;

/** One digest comparison. */
export interface DigestComparison {
  readonly line: number;
  readonly step: number;
  readonly kind: "checkpoint" | "run-end";
  readonly logged: Hex32;
  readonly replayed: Hex32;
  readonly match: boolean;
}

/** Outcome of {@link replayTraining}. */
export interface ReplayOutcome {
  /** `reproduced`: every digest matched; `diverged`: a digest differed; `invalid`: the log failed verification (nothing replayed); `incomplete`: the data lacks samples the log lists, or a batch cannot be replayed. */
  readonly outcome: "reproduced" | "diverged" | "invalid" | "incomplete";
  readonly verification: TrainingVerification;
  readonly comparisons: readonly DigestComparison[];
  /** Problems of the replay itself (missing samples, the divergence). */
  readonly problems: readonly LogProblem[];
  readonly samplesTrained: number;
  readonly batchesTrained: number;
  /** Samples read from the data sources. */
  readonly scanned: number;
}

/** Inputs of {@link replayTraining}. */
export interface ReplayTrainingInput {
  readonly logText: string;
  readonly model: ModelCommitments;
  readonly datasets: readonly MembershipDataset[];
  /** Sources holding the training samples (`--data`). */
  readonly data: readonly string[];
  readonly trainer: ReplayTrainerFactory;
  readonly onProgress?: ((message: string) => void) | undefined;
}

/** Verifies the log, then replays it through the trainer (see the module doc). */
export async function replayTraining(input: ReplayTrainingInput): Promise<ReplayOutcome> {
  const progress = input.onProgress ?? (() => undefined);
  const verification = await verifyTraining({ logText: input.logText, model: input.model, datasets: input.datasets, onProgress: progress });
  const empty = { comparisons: [], samplesTrained: 0, batchesTrained: 0, scanned: 0 };
  if (!verification.valid) return { outcome: "invalid", verification, problems: [], ...empty };
  const lines = checkTrainingLog(input.logText, input.model.trainingLogHead).lines;
  const start = lines[0]!.entry as RunStartEntry;

  const problems: LogProblem[] = [];
  const wanted = new Set<Hex32>();
  for (const l of lines) {
    if (l.entry.kind !== "batch") continue;
    if (l.entry.samples === undefined) problems.push({ line: l.line, message: "this batch commits its samples by root only: a replay needs them listed" });
    else for (const h of l.entry.samples) wanted.add(h);
  }
  progress(`reading the training samples from ${input.data.join(", ")}`);
  const collected = await collectSamples(input.data, wanted);
  const reported = new Set<Hex32>();
  for (const l of lines) {
    if (l.entry.kind !== "batch" || l.entry.samples === undefined) continue;
    for (const h of l.entry.samples) {
      if (collected.byHash.has(h) || reported.has(h)) continue;
      reported.add(h);
      problems.push({ line: l.line, message: `sample ${h} is not in the data given (no sample of ${input.data.join(", ")} has this SHA-256)` });
    }
  }
  if (problems.length > 0) return { outcome: "incomplete", verification, problems, ...empty, scanned: collected.scanned };

  const trainer = await input.trainer(start);
  const comparisons: DigestComparison[] = [];
  let samplesTrained = 0;
  let batchesTrained = 0;
  progress(`replaying ${lines.filter((l) => l.entry.kind === "batch").length} batches with ${start.trainer.name} ${start.trainer.version}`);
  for (const l of lines) {
    const e = l.entry;
    if (e.kind === "batch" && e.samples !== undefined) {
      const samples = e.samples.map((hash, i) => ({ hash, bytes: collected.byHash.get(hash)!, label: e.labels?.[i] }));
      await trainer.trainBatch(e.step, samples);
      samplesTrained += samples.length;
      batchesTrained++;
    } else if (e.kind === "checkpoint" || e.kind === "run-end") {
      const replayed = e.kind === "checkpoint" ? await trainer.checkpointDigest(e.step) : await trainer.finalDigest();
      const match = replayed === e.weightsDigest;
      comparisons.push({ line: l.line, step: e.step, kind: e.kind, logged: e.weightsDigest, replayed, match });
      if (!match) {
        problems.push({
          line: l.line,
          message: `replay diverges at the ${e.kind} of step ${e.step}: logged ${e.weightsDigest}, replayed ${replayed}; the samples, labels, config or code that produced the logged weights differ from those the log lists`,
        });
        return { outcome: "diverged", verification, comparisons, problems, samplesTrained, batchesTrained, scanned: collected.scanned };
      }
      progress(`  ${e.kind} at step ${e.step}: ${replayed} matches`);
    }
  }
  return { outcome: "reproduced", verification, comparisons, problems, samplesTrained, batchesTrained, scanned: collected.scanned };
}
