/**
 * `npx hardhat training …`: check a model's training log against its token
 * (`verify`) and reproduce its training (`replay`: natively for the demo's
 * trainer, or segment by segment through a trainer command). Actions load
 * lazily from their own files. See docs/training-log.md.
 */
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

const trainingNamespace = emptyTask("training", "Verify and replay the training logs that model tokens commit (proof of training)").build();

const readOptions = {
  gateway: { name: "gateway", description: "Comma-separated IPFS gateways for manifest blocks missing locally (default: http://127.0.0.1:5050, then public gateways; 'none' for local only)", defaultValue: "" },
  timeout: { name: "timeout", description: "Gateway timeout in seconds", type: ArgumentType.INT, defaultValue: 30 },
  dir: { name: "dir", description: "Datatrace directory (its block store is read first and keeps fetched blocks)", defaultValue: ".datatrace" },
} as const;

const verifyTask = task(["training", "verify"], "Check a training log against a model token: chain of heads, datasets, batch samples proven members, weights (exit 0 valid, 3 invalid, 2 error)")
  .addPositionalArgument({ name: "modelTokenId", description: "ModelNFT token id" })
  .addPositionalArgument({ name: "log", description: "The training log (JSON Lines, docs/training-log.md)" })
  .addOption({ name: "weights", description: "Weights file or directory: check that it digests to the token's weightsHash", defaultValue: "" })
  .addOption(readOptions.gateway)
  .addOption(readOptions.timeout)
  .addOption(readOptions.dir)
  .addFlag({ name: "json", description: "Print the verification as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./verify.js"))
  .build();

const replayTask = task(["training", "replay"], "Re-run a model's training from its committed datasets and compare every checkpoint digest (exit 0 reproduced, 3 diverged or invalid, 2 error)")
  .addPositionalArgument({ name: "modelTokenId", description: "ModelNFT token id" })
  .addPositionalArgument({ name: "log", description: "The training log (JSON Lines, docs/training-log.md)" })
  .addOption({ name: "data", description: "Comma-separated sample sources holding the training samples (directories, .jsonl/.csv/.txt, IDX files), found by SHA-256", defaultValue: "" })
  .addOption({ name: "trainer", description: 'Segment replay with an outside trainer: command template, e.g. "python3 train.py --from {checkpoint} --steps {from}..{to} --data {data} --out {out}" (default: the native replay of the demo trainer)', defaultValue: "" })
  .addOption({ name: "checkpoints", description: "Segment replay: directory of the published checkpoints (each entry one checkpoint, found by digest)", defaultValue: "" })
  .addOption({ name: "segments", description: "Segment replay: all, random:N, or steps from..to separated by commas", defaultValue: "all" })
  .addOption({ name: "seed", description: "Segment replay: seed of random:N (default: drawn and printed)", defaultValue: "" })
  .addOption({ name: "trainerTimeout", description: "Segment replay: time limit per segment in seconds", type: ArgumentType.INT, defaultValue: 600 })
  .addOption({ name: "initialWeights", description: "Native replay of a fine-tune: the parent's weights file", defaultValue: "" })
  .addOption(readOptions.gateway)
  .addOption(readOptions.timeout)
  .addOption(readOptions.dir)
  .addFlag({ name: "json", description: "Print the replay as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./replay.js"))
  .build();

/** The `training` namespace and its tasks. */
export const trainingTasks: TaskDefinition[] = [trainingNamespace, verifyTask, replayTask];
