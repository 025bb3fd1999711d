/**
 * Action of `npx hardhat training replay <modelTokenId> <log.jsonl> --data <sources>`
 * (declared in ./index.ts): the native replay of the demo's trainer, or with
 * `--trainer "<template>" --checkpoints <dir>` the segment replay of an
 * outside trainer. Exit status: 0 reproduced, 3 diverged or the log is
 * invalid, 2 the replay could not be completed (missing data or
 * checkpoints, a trainer that failed, an error).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError } from "../../src/errors/index.js";
import { naiveBayesReplayTrainer } from "../../src/ml/index.js";
import { replayTraining, type ReplayOutcome, replaySegments, type SegmentReplayOutcome } from "../../src/training/index.js";
import { verificationText } from "./verify.js";
import { openTrainingContext, problemLines, runTrainingTask, TRAINING_EXIT, type TrainingTaskArguments } from "./shared.js";

/** Arguments of `training replay`, as parsed by Hardhat. */
export interface TrainingReplayArguments extends TrainingTaskArguments {
  data: string;
  trainer: string;
  checkpoints: string;
  segments: string;
  seed: string;
  trainerTimeout: number;
  initialWeights: string;
}

const list = (text: string): string[] => text.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** Exit status of a replay outcome. */
export function replayExitCode(outcome: ReplayOutcome["outcome"] | SegmentReplayOutcome["outcome"]): number {
  return outcome === "reproduced" ? TRAINING_EXIT.valid : outcome === "diverged" || outcome === "invalid" ? TRAINING_EXIT.invalid : TRAINING_EXIT.error;
}

/** Text of a native replay. */
export function replayText(r: ReplayOutcome): string[] {
  if (r.outcome === "invalid") return ["replay not run: the log does not verify", ...verificationText(r.verification)];
  return [
    `model #${r.verification.tokenId}: replay ${r.outcome.toUpperCase()}`,
    `log         valid; ${Object.values(r.verification.membersByDataset).reduce((a, b) => a + b, 0)} listed samples proven members before use`,
    `trained     ${r.samplesTrained} samples in ${r.batchesTrained} batches (${r.scanned} samples read from the data)`,
    ...r.comparisons.map((c) => `${c.match ? "identical" : "DIFFERENT"}   line ${c.line} ${c.kind} step ${c.step}: ${c.replayed}`),
    ...(r.problems.length === 0 ? [] : ["problems:", ...problemLines(r.problems)]),
  ];
}

/** Text of a segment replay. */
export function segmentText(r: SegmentReplayOutcome): string[] {
  if (r.outcome === "invalid") return ["replay not run: the log does not verify", ...verificationText(r.verification)];
  return [
    `model #${r.verification.tokenId}: segment replay ${r.outcome.toUpperCase()} (${r.segments.length} of ${r.available} segments${r.seed === undefined ? "" : `, chosen with seed ${r.seed}`})`,
    ...r.segments.map((s) => `${s.status.padEnd(16)} steps ${s.from}..${s.to} (line ${s.line}, ${s.samples} samples): ${s.message}`),
    ...(r.problems.length === 0 ? [] : ["problems:", ...problemLines(r.problems)]),
  ];
}

/** Replays the training and prints the comparison. */
export default async function trainingReplay(args: TrainingReplayArguments, hre: HardhatRuntimeEnvironment) {
  return runTrainingTask<ReplayOutcome | SegmentReplayOutcome>(args, async () => {
    const data = list(args.data);
    if (args.trainer === "") {
      if (data.length === 0) throw new UserError("--data is required: the training samples to replay with.", "Pass the directory (or files) holding the training samples, e.g. --data data/train.", { family: "usage" });
      const ctx = await openTrainingContext(args, hre);
      const report = await replayTraining({
        logText: ctx.logText,
        model: ctx.model,
        datasets: ctx.datasets,
        data,
        trainer: naiveBayesReplayTrainer({ initialWeights: args.initialWeights === "" ? undefined : args.initialWeights }),
        onProgress: (m) => ctx.reporter.step(m),
      });
      return { report, exitCode: replayExitCode(report.outcome), text: replayText(report), client: ctx.client };
    }
    if (args.checkpoints === "") throw new UserError("Segment replay needs the published checkpoints.", "Pass --checkpoints <dir>: a directory holding the run's checkpoints (files or directories).", { family: "usage" });
    if (args.seed !== "" && !/^\d+$/.test(args.seed)) throw new UserError(`--seed ${args.seed} is not a whole number.`, "Pass the seed printed by an earlier replay, e.g. --seed 12345.", { family: "usage" });
    const ctx = await openTrainingContext(args, hre);
    const report = await replaySegments({
      logText: ctx.logText,
      model: ctx.model,
      datasets: ctx.datasets,
      trainer: args.trainer,
      checkpoints: args.checkpoints,
      data,
      segments: args.segments,
      seed: args.seed === "" ? undefined : Number(args.seed),
      timeoutMs: args.trainerTimeout * 1000,
      onProgress: (m) => ctx.reporter.step(m),
    });
    return { report, exitCode: replayExitCode(report.outcome), text: segmentText(report), client: ctx.client };
  });
}
