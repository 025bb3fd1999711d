/**
 * The manifest a dataset registration commits to: either one the user
 * already made (`dataset hash`, named by its directory) or made now by
 * hashing the given sources with the dataset engine into the workspace's
 * manifests directory (`<dir>/manifests/<root>`). Either way it is opened
 * with the ManifestReader, which checks that its index rebuilds its root.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

import { UserError } from "../errors/index.js";
import { buildManifest } from "../engine/index.js";
import { looksLikeManifestDirectory, directoryReader, HEADER_FILE, idsPath, INDEX_FILE, shardPath, ManifestReader } from "../manifest/index.js";
import { openSources, type OpenSourcesOptions, describeSources, type SourceStructure } from "../sources/index.js";
import { silentReporter, type Reporter } from "./reporter.js";

/** A manifest ready to be registered. */
export interface PreparedManifest {
  readonly root: string;
  readonly leafCount: number;
  readonly sampleCount: number;
  readonly duplicateCount: number;
  readonly shardCount: number;
  readonly private: boolean;
  /** The manifest directory (absolute). */
  readonly manifestDir: string;
  /** SHA-256 (hex, no 0x) of its `header.json`. */
  readonly headerSha256: string;
  /** Size of its `header.json` in bytes. */
  readonly headerSize: number;
  /** True if the sources were hashed in this run (false: an existing manifest was given). */
  readonly hashedNow: boolean;
  /** What the sources' records look like (for the Croissant recordSet), when they were hashed in this run. */
  readonly sources?: readonly SourceStructure[];
}

/** How to read and hash the sources: the source options of `openSources`, plus the sorter's memory budget. */
export interface DatasetSourceOptions extends OpenSourcesOptions {
  /** Bytes of records held in memory before spilling to bucket files (default 1 GiB). */
  readonly memoryBudget?: number | undefined;
}

/** Options of {@link prepareDatasetManifest}. */
export interface PrepareManifestOptions {
  /** Where new manifests go (`<dir>/<root>`). */
  readonly manifestsDir: string;
  readonly sourceOptions?: DatasetSourceOptions | undefined;
  /** Keep no sample ids. */
  readonly private?: boolean | undefined;
  /** Hashing threads (default: one per CPU). */
  readonly threads?: number | undefined;
  readonly reporter?: Reporter | undefined;
}

/** A manifest file that does not match the rest of its manifest. */
function badManifestFile(manifestDir: string, file: string, problem: string, cause?: unknown): UserError {
  return new UserError(
    `The manifest ${manifestDir} is not consistent: ${file}: ${problem}`,
    `Nothing was uploaded or sent. Make the manifest again from the sources (\`npx hardhat dataset hash <sources> --out <dir>\`), or register the sources themselves.`,
    { family: "data", ...(cause === undefined ? {} : { cause }) },
  );
}

/**
 * Checks a manifest directory made elsewhere before it is published: the
 * header and `index.bin` rebuild the root; every shard matches its index
 * entry (SHA-256, size, subtree root, first/last hash, sorted and
 * distinct); and, unless the manifest is private, every ids file exists
 * and holds one JSON array of ids per hash of its shard. Throws a
 * {@link UserError} naming the bad file.
 */
export async function verifyManifestDirectory(manifestDir: string): Promise<ManifestReader> {
  let reader: ManifestReader;
  try {
    reader = await ManifestReader.open(directoryReader(manifestDir), { where: `manifest ${manifestDir}`, cacheShards: 1 });
  } catch (error) {
    throw badManifestFile(manifestDir, `${HEADER_FILE} / ${INDEX_FILE}`, (error as Error).message, error);
  }
  for (let k = 0; k < reader.index.length; k++) {
    try {
      await reader.shard(k);
    } catch (error) {
      throw badManifestFile(manifestDir, shardPath(k), (error as Error).message, error);
    }
    if (reader.header.private) continue;
    const file = idsPath(k);
    let text: string;
    try {
      text = await readFile(path.join(manifestDir, file), "utf8");
    } catch (error) {
      throw badManifestFile(manifestDir, file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); a manifest that is not private keeps the ids of every shard.`, error);
    }
    const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
    const expected = reader.index[k]!.leafCount;
    if (lines.length !== expected) throw badManifestFile(manifestDir, file, `has ${lines.length} lines, but shard ${k} has ${expected} hashes (one line of ids per hash).`);
    lines.forEach((line, i) => {
      let ids: unknown;
      try {
        ids = JSON.parse(line);
      } catch {
        ids = undefined;
      }
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) {
        throw badManifestFile(manifestDir, file, `line ${i + 1} is not a JSON array of sample ids.`);
      }
    });
  }
  return reader;
}

/** Uses the manifest directory given as the only source, or hashes the sources into a new manifest. */
export async function prepareDatasetManifest(sources: readonly string[], options: PrepareManifestOptions): Promise<PreparedManifest> {
  const reporter = options.reporter ?? silentReporter;
  if (sources.length === 0) {
    throw new UserError("No dataset given.", "Name the sample sources (directories, .jsonl/.csv files, IDX files) or a manifest directory made by `dataset hash`.", {
      family: "usage",
    });
  }
  // Anything that looks like a manifest (header.json, index.bin or shards/) is checked as one, never
  // hashed as a folder of samples: a broken manifest must not be registered as a dataset of its own files.
  const manifests = sources.map((s) => looksLikeManifestDirectory(s));
  let manifestDir: string;
  let hashedNow = false;
  let structures: SourceStructure[] | undefined;
  if (manifests.some((m) => m)) {
    if (sources.length !== 1) {
      throw new UserError(
        `${sources[manifests.indexOf(true)]} is a manifest directory, which must be registered alone.`,
        "Register either one manifest directory, or the sample sources (which are then hashed).",
        { family: "usage" },
      );
    }
    if (options.private === true) {
      throw new UserError("--private applies when hashing sources, not to an existing manifest.", "Hash the sources with `dataset hash --private`, or pass the sources instead.", {
        family: "usage",
      });
    }
    manifestDir = path.resolve(sources[0]!);
    reporter.step(`checking the manifest ${manifestDir}`);
    await verifyManifestDirectory(manifestDir);
  } else {
    const opened = await openSources(sources, options.sourceOptions ?? {});
    reporter.step(`hashing ${sources.join(", ")}`);
    const report = await buildManifest(opened, {
      manifestsDir: options.manifestsDir,
      private: options.private === true,
      threads: options.threads,
      memoryBudget: options.sourceOptions?.memoryBudget,
      onProgress: (p) => reporter.hashing(p),
    });
    reporter.hashingDone();
    for (const warning of report.warnings) reporter.warn(warning);
    manifestDir = report.manifestDir;
    hashedNow = true;
    structures = await describeSources(opened);
  }
  const reader = await ManifestReader.open(directoryReader(manifestDir), { where: `manifest ${manifestDir}` });
  const header = reader.header;
  const headerBytes = await readFile(path.join(manifestDir, HEADER_FILE));
  return {
    root: header.root,
    leafCount: header.leafCount,
    sampleCount: header.sampleCount,
    duplicateCount: header.duplicateCount,
    shardCount: header.shardCount,
    private: header.private,
    manifestDir,
    headerSha256: createHash("sha256").update(headerBytes).digest("hex"),
    headerSize: headerBytes.length,
    hashedNow,
    ...(structures === undefined ? {} : { sources: structures }),
  };
}
