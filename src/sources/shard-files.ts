/**
 * The files behind a tar or Parquet source: the one file named, or the
 * matching files under the directory named (walked with the directory-source
 * rules: hidden entries skipped unless asked, symbolic links followed only
 * when asked, byte-wise order of the relative paths). Each file gets its
 * index in that order, its size, and the prefix of its sample ids.
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";

import { describeFsError } from "./describe-fs-error.js";
import { DirectorySource } from "./directory-source.js";
import { SourceError } from "./source-error.js";

/** One file of a source. */
export interface ShardFile {
  /** Absolute path. */
  readonly absolutePath: string;
  /** Prefix of its sample ids: its path relative to the base directory (`data/train-00000.parquet`). */
  readonly idPrefix: string;
  readonly size: number;
}

/** The files of a source and a fingerprint of the listing (paths and sizes). */
export interface ShardListing {
  readonly files: readonly ShardFile[];
  readonly fingerprint: string;
  readonly warnings: readonly string[];
}

/** How to find the files under a directory. */
export interface ShardWalkOptions {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly includeHidden: boolean;
  readonly followSymlinks: boolean;
}

/**
 * Lists the files of a source named `name` at `root` (a file, or a directory
 * walked with `walk`, keeping the files `accept` takes). Throws a
 * {@link SourceError} when a directory holds no matching file (`what` names
 * them, e.g. "tar shards (.tar, .tar.gz, .tgz)").
 */
export async function listShardFiles(
  root: string,
  name: string,
  isDirectory: boolean,
  walk: ShardWalkOptions,
  what: string,
  accept: (relativePath: string) => boolean = () => true,
): Promise<ShardListing> {
  const files: ShardFile[] = [];
  let warnings: readonly string[] = [];
  if (!isDirectory) {
    const info = await stat(root).catch((error: unknown) => {
      throw new SourceError(name, `Cannot read ${name}: ${describeFsError(error)}.`, { cause: error });
    });
    files.push({ absolutePath: root, idPrefix: name, size: info.size });
  } else {
    const dir = new DirectorySource(root, name, walk);
    for await (const entry of dir.entries()) {
      if (!accept(entry.relativePath)) continue;
      const info = await stat(entry.absolutePath).catch((error: unknown) => {
        throw new SourceError(dir.idOf(entry.relativePath), `Cannot read ${dir.idOf(entry.relativePath)}: ${describeFsError(error)}.`, { cause: error });
      });
      files.push({ absolutePath: entry.absolutePath, idPrefix: dir.idOf(entry.relativePath), size: info.size });
    }
    warnings = [...dir.warnings];
    if (files.length === 0) {
      throw new SourceError(name, `Directory ${name} contains no ${what}${walk.includeHidden ? "" : " (hidden files are skipped without --hidden)"}.`);
    }
  }
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.idPrefix}\0${f.size}\n`);
  return { files, fingerprint: `files=${files.length};listing-sha256=${hash.digest("hex")}`, warnings };
}
