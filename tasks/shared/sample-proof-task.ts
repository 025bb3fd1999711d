/**
 * The frame of the tasks that prove samples against the registry
 * (`dataset verify`, `model trace`): their shared options and arguments,
 * their exit statuses ({@link VERIFY_EXIT}), collecting the samples from
 * files, `--hash`, `--line` and `--lines-from` (a row of a CSV/JSONL/TXT
 * dataset, hashed as the lines source hashes it), `--parquet <file> --row N
 * [--column c]` and `--tar <shard> --member m | --key k` (read in place by the
 * sources' own code: src/workflow/sample-query.ts), and running one check with
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

import { type RegistryClient, parseTokenId } from "../../src/chain/index.js";
import { UserError } from "../../src/errors/index.js";
import type { ContentSource, Reporter } from "../../src/workflow/index.js";
import {
  sampleQueriesFromFiles,
  sampleQueriesFromLinesFile,
  sampleQueriesFromParquetRows,
  type SampleQuery,
  sampleQueryFromHash,
  sampleQueryFromLine,
  sampleQueryFromTarKey,
  sampleQueryFromTarMember,
  workspaceAt,
} from "../../src/workflow/index.js";
import { connectRegistry } from "./connect.js";
import { createConsoleReporter } from "./console-reporter.js";
import { printJson } from "./output.js";
import { openContentSource } from "./stores.js";
import { verdictTaskError } from "./task-errors.js";

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
  parquet?: string;
  row?: string;
  column?: string;
  tar?: string;
  member?: string;
  key?: string;
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
    .addOption({ name: "parquet", description: "A Parquet file to check rows of in place (with --row, and --column as the dataset was hashed)", defaultValue: "" })
    .addOption({ name: "row", description: "With --parquet: the row(s) to check, 0-based as in the id file.parquet#N, comma-separated", defaultValue: "" })
    .addOption({ name: "column", description: "With --parquet: the column whose value is the sample (as `dataset hash --column`); default: the whole row", defaultValue: "" })
    .addOption({ name: "tar", description: "A tar (WebDataset) shard to check a member or key of in place (with --member or --key)", defaultValue: "" })
    .addOption({ name: "member", description: "With --tar: the member file to check, as `tar -tf` lists it (e.g. 000017.jpg)", defaultValue: "" })
    .addOption({ name: "key", description: "With --tar: the WebDataset key to check, for a dataset hashed with --group-by-key (e.g. 000017)", defaultValue: "" })
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

/** What names the samples of a sample-proof task (its arguments, as parsed). */
export type QueryArguments = Pick<SampleProofArguments, "files" | "hash" | "line" | "linesFrom" | "parquet" | "row" | "column" | "tar" | "member" | "key">;

function usage(problem: string, fix: string): UserError {
  return new UserError(problem, fix, { family: "usage" });
}

/** `--row 3,17`: 0-based row numbers. */
function parseRows(text: string): number[] {
  const parts = text.split(",").map((x) => x.trim());
  return parts.map((part) => {
    if (!/^\d+$/u.test(part) || !Number.isSafeInteger(Number(part))) {
      throw usage(`--row ${text}: "${part}" is not a row number.`, "Give 0-based row numbers, as in the sample id file.parquet#N, comma-separated (e.g. --row 0,17).");
    }
    return Number(part);
  });
}

/** The in-place queries of `--parquet` and `--tar`, after checking that their flags go together. */
async function inPlaceQueries(args: QueryArguments): Promise<SampleQuery[]> {
  const parquet = args.parquet ?? "";
  const row = args.row ?? "";
  const column = args.column ?? "";
  const tar = args.tar ?? "";
  const member = args.member ?? "";
  const key = args.key ?? "";
  if (parquet === "" && (row !== "" || column !== "")) {
    throw usage(`${row !== "" ? "--row" : "--column"} applies to a Parquet file, and no --parquet <file> was given.`, "Pass --parquet <file> --row N [--column c] to check a row in place.");
  }
  if (parquet !== "" && row === "") {
    throw usage(`--parquet ${parquet} needs --row: which row to check.`, "Give the 0-based row number, as in the sample id file.parquet#N (e.g. --row 17; several: --row 3,17).");
  }
  if (tar === "" && (member !== "" || key !== "")) {
    throw usage(`${member !== "" ? "--member" : "--key"} applies to a tar shard, and no --tar <shard> was given.`, "Pass --tar <shard> --member <file> (or --key <key> for a --group-by-key dataset).");
  }
  if (tar !== "" && (member === "") === (key === "")) {
    throw usage(
      member === "" ? `--tar ${tar} needs --member or --key: which sample of the shard to check.` : "--member and --key both given: a sample is one member, or one key's files grouped.",
      "Pass --member <file> (e.g. 000017.jpg) for a dataset of members, or --key <key> (e.g. 000017) for one hashed with --group-by-key.",
    );
  }
  const out: SampleQuery[] = [];
  if (parquet !== "") out.push(...(await sampleQueriesFromParquetRows(parquet, parseRows(row), column === "" ? null : column)));
  if (tar !== "") out.push(member !== "" ? await sampleQueryFromTarMember(tar, member) : await sampleQueryFromTarKey(tar, key));
  return out;
}

/** Collects the samples named by files, `--hash`, `--line`, `--lines-from`, `--parquet` and `--tar`. */
export async function collectQueries(args: QueryArguments): Promise<SampleQuery[]> {
  const queries = await sampleQueriesFromFiles(args.files);
  for (const h of args.hash.split(",").map((x) => x.trim()).filter((x) => x !== "")) queries.push(sampleQueryFromHash(h));
  if ((args.line ?? "") !== "") queries.push(sampleQueryFromLine(args.line!));
  if ((args.linesFrom ?? "") !== "") queries.push(...(await sampleQueriesFromLinesFile(args.linesFrom!)));
  queries.push(...(await inPlaceQueries(args)));
  if (queries.length === 0) {
    throw new UserError(
      "No sample given.",
      'Name sample files, pass --hash <sha256> (comma-separated for several), a row of a line dataset with --line "<text>" / --lines-from <file>, ' +
        "a Parquet row with --parquet <file> --row N [--column c], or a tar member with --tar <shard> --member <file> (--key <key> for --group-by-key).",
      { family: "usage" },
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
    const queries = await collectQueries(args);
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
    return verdictTaskError(error, VERIFY_EXIT.error);
  }
}
