/**
 * `npx hardhat dataset …`: hash sample sources into a manifest (`dataset
 * hash`), one part at a time on many machines (`--part i/n`), and merge the
 * parts (`dataset merge`). Actions load lazily from their own files.
 */
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

import { addSampleProofOptions } from "../shared/sample-proof-task.js";
import { addStorageOptions } from "../shared/storage-options.js";

const datasetNamespace = emptyTask("dataset", "Hash datasets into Merkle manifests, split runs across machines, merge them").build();

const hashTask = task(["dataset", "hash"], "Hash sample sources (directories, image folders, line files, IDX, tar/WebDataset shards, Parquet) into a sharded Merkle manifest")
  .addVariadicArgument({
    name: "sources",
    description: "Directories (one sample per file), .jsonl/.csv/.tsv/.txt files (one per line), IDX files (one per record), .tar/.tar.gz shards (one per member), .parquet files (one per row)",
  })
  .addOption({ name: "out", description: "Manifest directory (default .datatrace/manifests/<root>)", defaultValue: "" })
  .addFlag({ name: "force", description: "Replace an --out directory that holds a different manifest" })
  .addOption({ name: "kind", description: "How to read the sources: auto, dir, imagefolder, lines, idx, tar or parquet", defaultValue: "auto" })
  .addOption({ name: "include", description: "Comma-separated globs of files to keep (tar sources: of members; e.g. '*.png,*.jpg')", defaultValue: "" })
  .addOption({ name: "exclude", description: "Comma-separated globs of files or directories to skip (tar sources: of members)", defaultValue: "" })
  .addFlag({ name: "hidden", description: "Include dot-files and dot-directories (and hidden tar members)" })
  .addOption({ name: "column", description: "Parquet sources: the column whose value is the sample (binary, string, or an HF Image/Audio struct); default: the whole row", defaultValue: "" })
  .addFlag({ name: "groupByKey", description: "Tar sources: one sample per WebDataset key (its files concatenated canonically) instead of one per member" })
  .addFlag({ name: "hashMetadata", description: "Image folders: hash metadata.csv/.jsonl/.parquet as samples too (default: only recorded)" })
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
  .addFlag({ name: "force", description: "Replace an --out directory that holds a different manifest" })
  .addOption({ name: "createdAt", description: "Record this ISO date as createdAt (default: SOURCE_DATE_EPOCH if set, else none)", defaultValue: "" })
  .addFlag({ name: "json", description: "Print the report as JSON on stdout" })
  .addFlag({ name: "quiet", description: "Print only the root" })
  .setAction(() => import("./merge.js"))
  .build();

// --- Registry tasks (workflow engineer): register, verify, show, list. Actions in ./register.ts etc. ---

const registerTask = addStorageOptions(
  task(["dataset", "register"], "Hash (or take) a dataset manifest, store it with its metadata, and mint its DatasetNFT")
    .addVariadicArgument({
      name: "sources",
      description: "Sample sources to hash (directories, image folders, .jsonl/.csv files, IDX files, tar shards, Parquet files), or one manifest directory made by `dataset hash`",
    })
    .addOption({ name: "name", description: "Dataset name (required), shown in the NFT metadata", defaultValue: "" })
    .addOption({ name: "description", description: "Dataset description", defaultValue: "" })
    .addOption({ name: "license", description: "SPDX license identifier (required), e.g. CC-BY-4.0, CC0-1.0, MIT, or LicenseRef-<name>", defaultValue: "" })
    .addOption({ name: "creator", description: "Who made the dataset (person or organization name)", defaultValue: "" })
    .addOption({ name: "url", description: "Home page of the dataset (http(s):// or ipfs://)", defaultValue: "" })
    .addOption({ name: "datasetVersion", description: "Dataset version, e.g. 1.0.0 (default 1.0.0)", defaultValue: "" })
    .addOption({ name: "date", description: "Publication date YYYY-MM-DD (default: today, UTC)", defaultValue: "" })
    .addOption({ name: "previous", description: "Token id of the dataset version this one supersedes", defaultValue: "" })
    .addOption({ name: "creatorType", description: "Whether --creator is a Person or an Organization (default Person)", defaultValue: "Person" })
    .addOption({ name: "publisher", description: "Who publishes the dataset, when not the creator", defaultValue: "" })
    .addOption({ name: "publisherType", description: "Whether --publisher is a Person or an Organization (default Organization)", defaultValue: "Organization" })
    .addOption({ name: "keywords", description: "Comma-separated keywords, e.g. 'images,captions'", defaultValue: "" })
    .addOption({ name: "citeAs", description: "Citation (BibTeX or text), Croissant citeAs", defaultValue: "" })
    .addOption({ name: "externalUrl", description: "Page shown by marketplaces (ERC-721 external_url, http(s):// or ipfs://)", defaultValue: "" })
)
  .addFlag({ name: "private", description: "Keep no sample ids in the manifest (hashes only)" })
  .addOption({ name: "kind", description: "How to read the sources: auto, dir, imagefolder, lines, idx, tar or parquet", defaultValue: "auto" })
  .addOption({ name: "include", description: "Comma-separated globs of files to keep (tar sources: of members; e.g. '*.png')", defaultValue: "" })
  .addOption({ name: "exclude", description: "Comma-separated globs of files or directories to skip (tar sources: of members)", defaultValue: "" })
  .addFlag({ name: "hidden", description: "Include dot-files and dot-directories (and hidden tar members)" })
  .addOption({ name: "column", description: "Parquet sources: the column whose value is the sample; default: the whole row", defaultValue: "" })
  .addFlag({ name: "groupByKey", description: "Tar sources: one sample per WebDataset key instead of one per member" })
  .addFlag({ name: "hashMetadata", description: "Image folders: hash the metadata files as samples too" })
  .addFlag({ name: "followSymlinks", description: "Directory sources: follow symbolic links (loops are skipped)" })
  .addFlag({ name: "header", description: "Line sources: line 1 is a header row, skip it (default for .csv/.tsv)" })
  .addFlag({ name: "noHeader", description: "Line sources: line 1 is data, even in .csv/.tsv" })
  .addOption({ name: "memoryBudget", description: "Memory for sorting hashes before spilling to disk (e.g. 512MiB, 4GB)", defaultValue: "1GiB" })
  .addOption({ name: "threads", description: "Hashing worker threads (0 = one per CPU)", type: ArgumentType.INT, defaultValue: 0 })
  .addOption({ name: "dir", description: "Datatrace directory: block store <dir>/blocks, journal <dir>/journal, manifests <dir>/manifests", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the result as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./register.js"))
  .build();

const verifyTask = addSampleProofOptions(
  task(["dataset", "verify"], "Prove samples in or out of a registered dataset, checked locally and by the contract (exit 0 all members, 3 some proven not, 2 verification error)").addPositionalArgument({ name: "tokenId", description: "DatasetNFT token id" }),
  "Print the verdicts as JSON on stdout",
)
  .setAction(() => import("./verify.js"))
  .build();

const extractTask = task(["dataset", "extract"], "Tell where a committed sample lives (file, row, member, key; every duplicate), prove it a member, and write its bytes from your copy of the source (exit 0 found, 3 not a member, 2 error)")
  .addPositionalArgument({ name: "tokenId", description: "DatasetNFT token id" })
  .addPositionalArgument({ name: "sample", description: "The sample: its SHA-256 (64 hex digits) or its id (data/train.parquet#17, shards/00000.tar/000017.jpg, data/emails.csv:3)" })
  .addOption({ name: "source", description: "Where your copy of the source is: the directory the dataset was hashed from, the source's file or directory, or the file holding the sample (default: the recorded names, relative to the working directory)", defaultValue: "" })
  .addOption({ name: "out", description: "Write the sample's bytes to this file (only if they hash to the committed sample)", defaultValue: "" })
  .addFlag({ name: "force", description: "Replace an existing --out file" })
  .addOption({ name: "gateway", description: "Comma-separated IPFS gateways for manifest blocks missing locally (default: $DATATRACE_GATEWAYS, else http://127.0.0.1:5050 then public gateways; 'none' for local only)", defaultValue: "" })
  .addOption({ name: "timeout", description: "Gateway timeout in seconds", type: ArgumentType.INT, defaultValue: 30 })
  .addOption({ name: "dir", description: "Datatrace directory (its block store is read first and keeps fetched blocks)", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the report as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./extract.js"))
  .build();

const auditTask = task(["dataset", "audit"], "Download a dataset's whole manifest through the gateways and check it against the chain (exit 0 clean, 3 inconsistent or unavailable, 2 error)")
  .addPositionalArgument({ name: "tokenId", description: "DatasetNFT token id" })
  .addOption({ name: "gateway", description: "Comma-separated IPFS gateways to fetch from (default: http://127.0.0.1:5050, then public gateways)", defaultValue: "" })
  .addFlag({ name: "local", description: "Read the local block store first (audits the copy you hold, not only what others can fetch)" })
  .addOption({ name: "timeout", description: "Gateway timeout in seconds", type: ArgumentType.INT, defaultValue: 30 })
  .addOption({ name: "dir", description: "Datatrace directory (with --local: its block store is read first)", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the report as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./audit.js"))
  .build();

const showTask = task(["dataset", "show"], "Show a registered dataset: commitment, manifest, owner, metadata, links")
  .addPositionalArgument({ name: "tokenId", description: "DatasetNFT token id" })
  .addOption({ name: "gateway", description: "Comma-separated IPFS gateways to fetch the metadata from (default: $DATATRACE_GATEWAYS if set, else the local store only)", defaultValue: "" })
  .addOption({ name: "dir", description: "Datatrace directory (its block store is read for the metadata)", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the dataset as JSON on stdout" })
  .setAction(() => import("./show.js"))
  .build();

const listTask = task(["dataset", "list"], "List every registered dataset")
  .addOption({ name: "gateway", description: "Comma-separated IPFS gateways to fetch names from (default: $DATATRACE_GATEWAYS if set, else the local store only)", defaultValue: "" })
  .addOption({ name: "dir", description: "Datatrace directory (its block store is read for names)", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the datasets as JSON on stdout" })
  .setAction(() => import("./list.js"))
  .build();

/** The `dataset` namespace and its tasks. */
export const datasetTasks: TaskDefinition[] = [datasetNamespace, hashTask, mergeTask, registerTask, verifyTask, extractTask, auditTask, showTask, listTask];
