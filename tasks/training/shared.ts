/**
 * What `training verify` and `training replay` share: exit statuses, reading
 * the log file, connecting and opening the model's datasets, printing
 * problems, and running an action so that any error prints and exits 2
 * (Hardhat would exit 1, which scripts could not tell from a usage error).
 */
import { readFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseTokenId, type RegistryClient } from "../../src/chain/index.js";
import { UserError } from "../../src/errors/index.js";
import { type MembershipDataset, type LogProblem, openMembershipDatasets, readModelCommitments, type ModelCommitments } from "../../src/training/index.js";
import { type Reporter, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { printJson } from "../shared/output.js";
import { openContentSource } from "../shared/stores.js";
import { verdictTaskError } from "../shared/task-errors.js";

/** Exit statuses of the training tasks (1 stays Hardhat's own). */
export const TRAINING_EXIT = { valid: 0, error: 2, invalid: 3 } as const;

/** Options every training task has. */
export interface TrainingTaskArguments {
  modelTokenId: string;
  log: string;
  gateway: string;
  timeout: number;
  dir: string;
  json: boolean;
  quiet: boolean;
}

/** The connected model and its opened datasets. */
export interface TrainingContext {
  readonly client: RegistryClient;
  readonly reporter: Reporter;
  readonly logText: string;
  readonly model: ModelCommitments;
  readonly datasets: readonly MembershipDataset[];
}

/** Reads the log, connects, reads the token's commitments and opens its datasets' manifests. */
export async function openTrainingContext(args: TrainingTaskArguments, hre: HardhatRuntimeEnvironment): Promise<TrainingContext> {
  const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
  const tokenId = parseTokenId(args.modelTokenId, "model token id");
  let logText: string;
  try {
    logText = await readFile(args.log, "utf8");
  } catch (error) {
    throw new UserError(`Cannot read the training log ${args.log}.`, "Check the path: the JSON Lines file written during training.", { family: "not-found", cause: error });
  }
  const { client } = await connectRegistry(hre);
  const model = await readModelCommitments(client, tokenId);
  const content = openContentSource(workspaceAt(args.dir), args.gateway, reporter, args.timeout);
  reporter.step(`opening the manifests of dataset${model.datasets.length === 1 ? "" : "s"} ${model.datasets.map((d) => `#${d.tokenId}`).join(", ")}`);
  const datasets = await openMembershipDatasets(model.datasets, (cid) => content.openManifest(cid));
  return { client, reporter, logText, model, datasets };
}

/** `line N: message` lines. */
export function problemLines(problems: readonly LogProblem[]): string[] {
  return problems.map((p) => `  ${p.line === null ? "log" : `line ${p.line}`}: ${p.message}`);
}

/** Runs a task action: prints its text or JSON, sets the exit status, and turns any error into a printed message and status 2. */
export async function runTrainingTask<T extends object>(
  args: { json: boolean },
  work: () => Promise<{ report: T; exitCode: number; text: string[]; client: RegistryClient }>,
): Promise<{ exitCode: number; report?: T; error?: string }> {
  try {
    const { report, exitCode, text, client } = await work();
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...report, exitCode });
    else console.log(text.join("\n"));
    process.exitCode = exitCode;
    return { exitCode, report };
  } catch (error) {
    return verdictTaskError(error, TRAINING_EXIT.error);
  }
}
