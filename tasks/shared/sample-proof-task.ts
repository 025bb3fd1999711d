/**
 * The frame of the tasks that prove samples against the registry
 * (`dataset verify`, `model trace`): their shared options and arguments,
 * their exit statuses ({@link VERIFY_EXIT}), collecting the samples from
 * files, `--hash`, `--line` and `--lines-from` (a row of a CSV/JSONL/TXT
 * dataset, hashed as the lines source hashes it), and running one check with
 * its printing (hints on stderr). Errors are
 * printed here rather than thrown, because Hardhat would turn any thrown
 * error into exit status 1.
 *
 * @example
 * const verifyTask = addSampleProofOptions(
 *   task(["dataset", "verify"], "Prove samples in or out of a dataset").addPositionalArgument({ name: "tokenId", description: "DatasetNFT token id" }),
 *   "Print the verdicts as JSON on stdout",
 * ).setAction(() => import("./verify.js")).build();
 * // and in ./verify.ts:
 * // return runSampleProofTask(args, hre, { tokenIdName: "dataset token id", prove: verifyDatasetSamples, exitCode, text });
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { ArgumentType } from "hardhat/types/arguments";
import type { NewTaskDefinitionBuilder, TaskArguments } from "hardhat/types/tasks";

import type { RegistryClient } from "../../src/chain/registry-client.js";
import { EXIT_CODES, UserError } from "../../src/cli/errors.js";
import { parseTokenId } from "../../src/chain/dataset-records.js";
import type { ContentSource } from "../../src/workflow/content-source.js";
import type { Reporter } from "../../src/workflow/reporter.js";
import { sampleQueriesFromFiles, sampleQueriesFromLinesFile, sampleQueryFromHash, sampleQueryFromLine, type SampleQuery } from "../../src/workflow/sample-query.js";
import { workspaceAt } from "../../src/workflow/workspace.js";
import { connectRegistry } from "./connect.js";
import { createConsoleReporter } from "./console-reporter.js";
import { printJson } from "./output.js";
import { openContentSource } from "./stores.js";
import { errorText } from "./task-errors.js";

/**
 * Exit statuses of `dataset verify` and `model trace`. 1 is left to Hardhat,
 * which exits with 1 on its own usage errors (unknown option, missing
 * argument), so "not a member" must not be 1.
 */
export const VERIFY_EXIT = {
  /** Every sample is a member (verify) / was in the training data (trace). */
  allMembers: 0,
  /** A verification error: a proof did not verify, the input or manifest is unusable. */
  error: 2,
  /** Some sample is proven NOT a member / NOT in the training data. */
  someNotMember: 3,
} as const;

/** Arguments of a sample-proof task, as parsed by Hardhat (see {@link addSampleProofOptions}). */
export interface SampleProofArguments {
  tokenId: string;
  files: string[];
  hash: string;
  line?: string;
  linesFrom?: string;
  gateway: string;
  timeout: number;
  dir: string;
  json: boolean;
  quiet: boolean;
}

/**
 * Adds the sample files, `--hash`, `--gateway`, `--timeout`, `--dir`,
 * `--json` (printing `jsonDescription`) and `--quiet` of a sample-proof task
 * to `builder` (which already has its `tokenId` argument).
 */
export function addSampleProofOptions<ArgumentsT extends TaskArguments>(builder: NewTaskDefinitionBuilder<ArgumentsT>, jsonDescription: string) {
  return builder
    .addVariadicArgument({ name: "files", description: "Sample files to check (each file's bytes are one sample)", defaultValue: [] })
    .addOption({ name: "hash", description: "Sample hash(es) to check instead of files: SHA-256 hex, comma-separated", defaultValue: "" })
    .addOption({ name: "line", description: "One line (row) of a CSV/JSONL/TXT dataset to check, as text: its bytes without the line ending are the sample", defaultValue: "" })
    .addOption({ name: "linesFrom", description: "A text file whose every non-empty line is a sample to check (rows of a CSV/JSONL/TXT dataset)", defaultValue: "" })
    .addOption({
      name: "gateway",
      description: "Comma-separated IPFS gateways for manifest blocks missing locally (default: $DATATRACE_GATEWAYS, else http://127.0.0.1:5050 then public gateways; 'none' for local only)",
      defaultValue: "",
    })
    .addOption({ name: "timeout", description: "Gateway timeout in seconds", type: ArgumentType.INT, defaultValue: 30 })
    .addOption({ name: "dir", description: "Datatrace directory (its block store is read first and keeps fetched blocks)", defaultValue: ".datatrace" })
    .addFlag({ name: "json", description: jsonDescription })
    .addFlag({ name: "quiet", description: "No progress output on stderr" });
}

/** Collects the samples named by files, `--hash`, `--line` and `--lines-from`. */
export async function collectQueries(files: readonly string[], hashes: string, line = "", linesFrom = ""): Promise<SampleQuery[]> {
  const queries = await sampleQueriesFromFiles(files);
  for (const h of hashes.split(",").map((x) => x.trim()).filter((x) => x !== "")) queries.push(sampleQueryFromHash(h));
  if (line !== "") queries.push(sampleQueryFromLine(line));
  if (linesFrom !== "") queries.push(...(await sampleQueriesFromLinesFile(linesFrom)));
  if (queries.length === 0) {
    throw new UserError(
      "No sample given.",
      'Name sample files, pass --hash <sha256> (comma-separated for several), or a row of a line dataset with --line "<text>" / --lines-from <file>.',
      { exitCode: EXIT_CODES.usage },
    );
  }
  return queries;
}

/** What a sample-proof check needs: the registry, the manifest blocks, progress output. */
export interface SampleProofDeps {
  readonly client: RegistryClient;
  readonly content: ContentSource;
  readonly reporter: Reporter;
}

/** One sample-proof task: how it checks the samples and reports the result. */
export interface SampleProofCheck<ReportT extends object> {
  /** What the token id names, for the parse error (e.g. "dataset token id"). */
  readonly tokenIdName: string;
  readonly prove: (deps: SampleProofDeps, tokenId: bigint, queries: SampleQuery[]) => Promise<ReportT>;
  readonly exitCode: (report: ReportT) => number;
  /** Human-readable lines of the report (printed unless `--json`). */
  readonly text: (report: ReportT) => string[];
  /** Advice about the result (e.g. a whole file checked against a dataset of lines): printed on stderr, and as `hints` in JSON. */
  readonly hints?: ((deps: SampleProofDeps, report: ReportT, queries: readonly SampleQuery[]) => Promise<string[]>) | undefined;
}

/** The exit status set, with the report when the check ran or the printed error when it did not. */
export type SampleProofOutcome<ReportT> = { readonly exitCode: number; readonly report: ReportT } | { readonly exitCode: number; readonly error: string };

/**
 * Runs `check` for the task's token id and samples: prints the report (JSON
 * with network and exit status under `--json`), sets `process.exitCode`,
 * and on any error prints it and sets {@link VERIFY_EXIT}.error.
 */
export async function runSampleProofTask<ReportT extends object>(args: SampleProofArguments, hre: HardhatRuntimeEnvironment, check: SampleProofCheck<ReportT>): Promise<SampleProofOutcome<ReportT>> {
  const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
  try {
    const tokenId = parseTokenId(args.tokenId, check.tokenIdName);
    const queries = await collectQueries(args.files, args.hash, args.line ?? "", args.linesFrom ?? "");
    const workspace = workspaceAt(args.dir);
    const { client } = await connectRegistry(hre);
    const content = openContentSource(workspace, args.gateway, reporter, args.timeout);
    const deps = { client, content, reporter };
    const report = await check.prove(deps, tokenId, queries);
    const exitCode = check.exitCode(report);
    const hints = check.hints === undefined ? [] : await check.hints(deps, report, queries).catch(() => []);
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...report, ...(hints.length === 0 ? {} : { hints }), exitCode });
    else {
      console.log(check.text(report).join("\n"));
      for (const hint of hints) console.error(`hint: ${hint}`);
    }
    process.exitCode = exitCode;
    return { exitCode, report };
  } catch (error) {
    const text = errorText(error);
    console.error(text);
    process.exitCode = VERIFY_EXIT.error;
    return { exitCode: VERIFY_EXIT.error, error: text };
  }
}
