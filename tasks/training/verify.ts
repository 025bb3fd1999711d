/**
 * Action of `npx hardhat training verify <modelTokenId> <log.jsonl> [--weights <path>]`
 * (declared in ./index.ts). Exit status: 0 the log is valid for the token,
 * 3 it is not (the first bad line is named), 2 the check could not run.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { verifyTraining, type TrainingVerification } from "../../src/training/index.js";
import { openTrainingContext, problemLines, runTrainingTask, TRAINING_EXIT, type TrainingTaskArguments } from "./shared.js";

/** Arguments of `training verify`, as parsed by Hardhat. */
export interface TrainingVerifyArguments extends TrainingTaskArguments {
  weights: string;
}

/** Human-readable verdict. */
export function verificationText(v: TrainingVerification): string[] {
  const members = Object.entries(v.membersByDataset).map(([id, n]) => `${n} in #${id}`).join(", ") || "none listed";
  return [
    `model #${v.tokenId}: training log ${v.valid ? "VALID" : "INVALID"}${v.firstBadLine === null ? "" : ` (first bad line ${v.firstBadLine})`}`,
    `entries     ${v.entries}, ${v.checkpoints} checkpoints, ${v.batches.listed} batches listing samples${v.batches.rootOnly === 0 ? "" : `, ${v.batches.rootOnly} committed by root only (not checkable without their samples)`}`,
    `head        ${v.computedHead} ${v.computedHead === v.committedHead ? "= on-chain trainingLogHead" : `≠ on-chain ${v.committedHead}`}`,
    `samples     ${members}${v.nonMembers === 0 ? "" : `; ${v.nonMembers} proven in no linked dataset`}`,
    ...(v.weightsDigest === undefined ? [] : [`weights     ${v.weightsDigest}`]),
    ...(v.problems.length === 0 ? [] : ["problems:", ...problemLines(v.problems)]),
  ];
}

/** Verifies the log and prints the verdict. */
export default async function trainingVerify(args: TrainingVerifyArguments, hre: HardhatRuntimeEnvironment) {
  return runTrainingTask(args, async () => {
    const ctx = await openTrainingContext(args, hre);
    const report = await verifyTraining({
      logText: ctx.logText,
      model: ctx.model,
      datasets: ctx.datasets,
      ...(args.weights === "" ? {} : { weightsPath: args.weights }),
      onProgress: (m) => ctx.reporter.step(m),
    });
    return { report, exitCode: report.valid ? TRAINING_EXIT.valid : TRAINING_EXIT.invalid, text: verificationText(report), client: ctx.client };
  });
}
