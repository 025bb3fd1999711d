/** Action of `npx hardhat dataset hash <source…>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { type ProgressMode, Interrupted, watchInterrupts, createProgress } from "../../src/cli/index.js";
import { buildManifest, hashPart, parseByteSize, parsePart } from "../../src/engine/index.js";
import { manifestCid } from "../../src/manifest/index.js";
import { splitPatternList, type SourceKindOption, openSources, SOURCE_KIND_OPTIONS } from "../../src/sources/index.js";
import { exitCodeOf } from "../shared/task-errors.js";
import { partText, printWarnings, reportJson, reportText, shownPath } from "./report.js";
import { toTaskError } from "../shared/task-errors.js";
import { DatatraceError } from "../../src/errors/index.js";

/** Arguments of `dataset hash`, as parsed by Hardhat. */
export interface DatasetHashArguments {
  sources: string[];
  out: string;
  force?: boolean;
  kind: string;
  include: string;
  exclude: string;
  hidden: boolean;
  followSymlinks: boolean;
  column: string;
  groupByKey: boolean;
  hashMetadata: boolean;
  header: boolean;
  noHeader: boolean;
  private: boolean;
  part: string;
  partialOut: string;
  memoryBudget: string;
  threads: number;
  createdAt: string;
  progress: string;
  json: boolean;
  quiet: boolean;
}

const PROGRESS_MODES = ["auto", "tty", "json", "quiet"];

/**
 * Hashes the sources into a manifest, or one part into a partial file.
 * Ctrl-C or SIGTERM stops the run: nothing is published, the staging
 * directory (or the partial file's work files) is removed, stderr says what
 * was interrupted, and the exit status is 130 (SIGINT) or 143 (SIGTERM).
 */
export default async function datasetHash(args: DatasetHashArguments, _hre: HardhatRuntimeEnvironment): Promise<void> {
  const seen = { samples: 0, bytes: 0 };
  const interrupts = watchInterrupts((signal) => console.error(`\n${signal}: stopping dataset hash and removing its unfinished output…`));
  try {
    await run(args, interrupts.signal, seen);
  } catch (error) {
    if (error instanceof Interrupted) {
      const what = args.part === "" ? "no manifest was written" : `part ${args.part} was not written`;
      console.error(
        `dataset hash of ${args.sources.join(", ")} interrupted by ${error.signal} after ${seen.samples.toLocaleString("en-US")} samples ` +
          `(${seen.bytes.toLocaleString("en-US")} bytes): ${what}, and its unfinished files were removed. Rerun the command to start again.`,
      );
      process.exitCode = exitCodeOf(error);
      return;
    }
    throw toTaskError(error);
  } finally {
    interrupts.dispose();
  }
}

async function run(args: DatasetHashArguments, signal: AbortSignal, seen: { samples: number; bytes: number }): Promise<void> {
  if (args.sources.length === 0) throw new DatatraceError("No source given: npx hardhat dataset hash <dir|file.jsonl|file.csv|images-idx3-ubyte|shard.tar|data.parquet…>.", { family: "usage" });
  if (!(SOURCE_KIND_OPTIONS as readonly string[]).includes(args.kind)) throw new DatatraceError(`--kind ${args.kind} is not one of ${SOURCE_KIND_OPTIONS.join(", ")}.`, { family: "usage" });
  if (!PROGRESS_MODES.includes(args.progress)) throw new DatatraceError(`--progress ${args.progress} is not one of ${PROGRESS_MODES.join(", ")}.`, { family: "usage" });
  if (args.header && args.noHeader) throw new DatatraceError("--header and --no-header contradict each other: pass at most one.", { family: "usage" });
  if (args.threads < 0) throw new DatatraceError(`--threads ${args.threads}: pass 0 (one per CPU) or a positive number.`, { family: "usage" });
  if (args.part === "" && args.partialOut !== "") throw new DatatraceError("--partial-out only applies with --part i/n.", { family: "usage" });
  if (args.part !== "" && args.out !== "") throw new DatatraceError("--out names a manifest; with --part the output is a partial file: use --partial-out.", { family: "usage" });
  const memoryBudget = parseByteSize(args.memoryBudget);
  const threads = args.threads === 0 ? undefined : args.threads;

  const sources = await openSources(args.sources, {
    kind: args.kind as SourceKindOption,
    include: splitPatternList(args.include),
    exclude: splitPatternList(args.exclude),
    includeHidden: args.hidden,
    followSymlinks: args.followSymlinks,
    header: args.header ? true : args.noHeader ? false : undefined,
    column: args.column === "" ? undefined : args.column,
    groupByKey: args.groupByKey,
    hashMetadata: args.hashMetadata,
  });
  const progress = createProgress({ label: "hashing", mode: args.quiet ? "quiet" : (args.progress as ProgressMode) });
  signal.addEventListener("abort", () => progress.done(), { once: true });
  const onProgress = (p: { samples: number; bytes: number }): void => {
    seen.samples = p.samples;
    seen.bytes = p.bytes;
    progress.update(p);
  };

  if (args.part !== "") {
    const report = await hashPart(sources, {
      part: parsePart(args.part),
      out: args.partialOut === "" ? undefined : args.partialOut,
      private: args.private,
      memoryBudget,
      threads,
      onProgress,
      signal,
    });
    progress.done();
    printWarnings(report.warnings);
    if (args.json) console.log(JSON.stringify({ ...report, elapsedMs: Math.round(report.elapsedMs) }, null, 2));
    else if (args.quiet) console.log(shownPath(report.file));
    else console.log(partText(report));
    return;
  }

  const report = await buildManifest(sources, {
    out: args.out === "" ? undefined : args.out,
    private: args.private,
    memoryBudget,
    threads,
    createdAt: args.createdAt === "" ? undefined : args.createdAt,
    force: args.force === true,
    onProgress,
    signal,
  });
  progress.done();
  printWarnings(report.warnings);
  if (args.quiet) {
    console.log(report.root);
    return;
  }
  const cid = await manifestCid(report.manifestDir); // what `storage put` would give; nothing is stored
  console.log(args.json ? reportJson(report, cid) : reportText(report, cid));
}
