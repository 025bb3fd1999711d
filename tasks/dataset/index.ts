/**
 * `npx hardhat dataset …`: hash sample sources into a manifest (`dataset
 * hash`), one part at a time on many machines (`--part i/n`), and merge the
 * parts (`dataset merge`). Actions load lazily from their own files.
 */
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

const datasetNamespace = emptyTask("dataset", "Hash datasets into Merkle manifests, split runs across machines, merge them").build();

const hashTask = task(["dataset", "hash"], "Hash sample sources (directories, line files, IDX) into a sharded Merkle manifest")
  .addVariadicArgument({
    name: "sources",
    description: "Directories (one sample per file), .jsonl/.csv/.tsv/.txt files (one per line), IDX files (one per record)",
  })
  .addOption({ name: "out", description: "Manifest directory (default .datatrace/manifests/<root>)", defaultValue: "" })
  .addOption({ name: "kind", description: "How to read the sources: auto, dir, lines or idx", defaultValue: "auto" })
  .addOption({ name: "include", description: "Directory sources: comma-separated globs of files to keep (e.g. '*.png,*.jpg')", defaultValue: "" })
  .addOption({ name: "exclude", description: "Directory sources: comma-separated globs of files or directories to skip", defaultValue: "" })
  .addFlag({ name: "hidden", description: "Directory sources: include dot-files and dot-directories" })
  .addFlag({ name: "followSymlinks", description: "Directory sources: follow symbolic links (loops are skipped)" })
  .addFlag({ name: "header", description: "Line sources: line 1 is a header row, skip it (default for .csv/.tsv)" })
  .addFlag({ name: "noHeader", description: "Line sources: line 1 is data, even in .csv/.tsv" })
  .addFlag({ name: "private", description: "Keep no sample ids in the manifest (hashes only)" })
  .addOption({ name: "part", description: "Hash only part i of n (1-based, e.g. 3/8) into a partial file, for `dataset merge`", defaultValue: "" })
  .addOption({ name: "partialOut", description: "Partial file of --part (default .datatrace/parts/<set>-part-<i>-of-<n>.dtpart)", defaultValue: "" })
  .addOption({ name: "memoryBudget", description: "Memory for sorting hashes before spilling to disk (e.g. 512MiB, 4GB)", defaultValue: "1GiB" })
  .addOption({ name: "threads", description: "Hashing worker threads (0 = one per CPU)", type: ArgumentType.INT, defaultValue: 0 })
  .addOption({ name: "createdAt", description: "Record this ISO date as createdAt (default: SOURCE_DATE_EPOCH if set, else none)", defaultValue: "" })
  .addOption({ name: "progress", description: "Progress display: auto (bar on a terminal), tty, json (lines on stderr) or quiet", defaultValue: "auto" })
  .addFlag({ name: "json", description: "Print the report as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress; print only the root (or the partial file)" })
  .setAction(() => import("./hash.js"))
  .build();

const mergeTask = task(["dataset", "merge"], "Merge the partial files of a split `dataset hash --part i/n` run into the manifest")
  .addVariadicArgument({ name: "partials", description: "The partial files of every part" })
  .addOption({ name: "out", description: "Manifest directory (default .datatrace/manifests/<root>)", defaultValue: "" })
  .addOption({ name: "createdAt", description: "Record this ISO date as createdAt (default: SOURCE_DATE_EPOCH if set, else none)", defaultValue: "" })
  .addFlag({ name: "json", description: "Print the report as JSON on stdout" })
  .addFlag({ name: "quiet", description: "Print only the root" })
  .setAction(() => import("./merge.js"))
  .build();

/** The `dataset` namespace and its tasks. */
export const datasetTasks: TaskDefinition[] = [datasetNamespace, hashTask, mergeTask];
