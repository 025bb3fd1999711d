/**
 * Lists the files of a model the way model_signing's `files` serialization
 * does (`pathlib.Path.glob("**\/*")` from the model directory):
 *
 * - every regular file below the directory, named by its relative POSIX
 *   path; a model that is one file is that file, named `.`;
 * - paths on the ignore list (and everything below them) are skipped before
 *   anything else is checked;
 * - a symbolic link is an error unless symlinks are allowed; when allowed, a
 *   link to a file is hashed as that file's content, and a link to a
 *   directory is neither followed nor listed (glob does not recurse into
 *   linked directories);
 * - a broken link or a special file (socket, FIFO, device) is an error.
 *
 * Snapshots in the Hugging Face cache are symlink trees: they are
 * recognized, symlinks are allowed for them, and each link's blob name gives
 * the expected digest of the file (see hf-cache-layout.ts). A `local_dir`
 * download's `.cache/huggingface` folder is added to the ignore list and
 * its per-file metadata gives the expected digests.
 */
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";

import { blobExpectation, cacheSnapshotOf, HF_CACHE_NOTE, readLocalDirMetadata, type CacheSnapshot, type ExpectedDigest } from "./hf-cache-layout.js";
import { HF_LOCAL_DIR_METADATA, isIgnored } from "./ignore-paths.js";
import { SINGLE_FILE_RESOURCE } from "./model-signing-statement.js";
import { DatatraceError } from "../errors/index.js";

/** One file of the model. */
export interface ModelFile {
  /** Resource name: relative POSIX path (`.` for a single-file model). */
  readonly name: string;
  /** Path to read. */
  readonly path: string;
  readonly size: number;
  /** True when the entry is a symbolic link (its target's content is hashed). */
  readonly symlink: boolean;
  /** Digest the file must have, when the layout says (cache blob name, local_dir metadata). */
  readonly expected?: ExpectedDigest | undefined;
}

/** Options of {@link listModelFiles}. */
export interface ListModelFilesOptions {
  /** Normalized relative ignore paths (see ignore-paths.ts). */
  readonly ignorePaths: readonly string[];
  /** Follow symbolic links to files (model_signing's allow_symlinks). Default: false, true for a cache snapshot. */
  readonly allowSymlinks?: boolean | undefined;
}

/** The files of a model and how they were found. */
export interface ModelFileList {
  /** Subject name: the directory's (or file's) base name. */
  readonly modelName: string;
  readonly kind: "file" | "directory";
  readonly files: readonly ModelFile[];
  /** The ignore paths in force (with `.cache/huggingface` when it was found). */
  readonly ignorePaths: readonly string[];
  readonly allowSymlinks: boolean;
  /** Set when the directory is a snapshot in the Hugging Face cache. */
  readonly cacheSnapshot?: CacheSnapshot | undefined;
  /** Commit hash from `local_dir` download metadata, when present. */
  readonly localDirRevision?: string | undefined;
}

/** A model path that cannot be listed (the message says why and what to do). */
export class ModelFilesError extends DatatraceError {
  constructor(message: string) {
    super(message, { family: "usage" });
    this.name = "ModelFilesError";
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Lists the files of the model at `target` (see the module doc). */
export async function listModelFiles(target: string, options: ListModelFilesOptions): Promise<ModelFileList> {
  let top;
  try {
    top = await lstat(target);
  } catch (cause) {
    throw new ModelFilesError(`Cannot read the model at ${target} (${(cause as NodeJS.ErrnoException).code ?? "error"}): check the path (a model directory or file).`);
  }
  const modelName = path.basename(path.resolve(target));
  const real = await realpath(target).catch(() => path.resolve(target));
  const cacheSnapshot = top.isSymbolicLink() ? undefined : cacheSnapshotOf(real);
  const allowSymlinks = options.allowSymlinks ?? cacheSnapshot !== undefined;
  if (top.isSymbolicLink() && !allowSymlinks) {
    throw new ModelFilesError(`The model path ${target} is a symbolic link: pass the real path, or allow symbolic links (--allow-symlinks).`);
  }
  const followed = top.isSymbolicLink() ? await stat(target).catch(() => undefined) : top;
  if (followed === undefined) throw new ModelFilesError(`The model path ${target} is a broken symbolic link.`);
  if (followed.isFile()) {
    return { modelName, kind: "file", files: [{ name: SINGLE_FILE_RESOURCE, path: target, size: followed.size, symlink: top.isSymbolicLink() }], ignorePaths: [...options.ignorePaths], allowSymlinks };
  }
  if (!followed.isDirectory()) throw new ModelFilesError(`The model path ${target} is neither a file nor a directory.`);

  const ignorePaths = [...options.ignorePaths];
  const localDir = cacheSnapshot === undefined && (await exists(path.join(target, ...HF_LOCAL_DIR_METADATA.split("/"))));
  if (localDir && !isIgnored(HF_LOCAL_DIR_METADATA, ignorePaths)) ignorePaths.push(HF_LOCAL_DIR_METADATA);

  const files: ModelFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const dir = relative === "" ? target : path.join(target, ...relative.split("/"));
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const name = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (isIgnored(name, ignorePaths)) continue;
      if (name.includes("\uFFFD")) throw new ModelFilesError(`The file name ${JSON.stringify(name)} in ${target} is not valid UTF-8: rename it.`);
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(name);
        continue;
      }
      if (entry.isSymbolicLink()) {
        if (!allowSymlinks) {
          throw new ModelFilesError(`${name} in ${target} is a symbolic link: allow symbolic links (--allow-symlinks) to hash the file it points to, or replace it with that file.`);
        }
        const s = await stat(full).catch(() => undefined);
        if (s === undefined) throw new ModelFilesError(`${name} in ${target} is a broken symbolic link: restore its target or remove it.${cacheSnapshot === undefined ? "" : ` ${HF_CACHE_NOTE}`}`);
        if (s.isDirectory()) continue; // glob("**/*") neither lists nor follows linked directories
        if (!s.isFile()) throw new ModelFilesError(`${name} in ${target} points to something that is not a regular file.`);
        const expected = cacheSnapshot === undefined ? undefined : blobExpectation(cacheSnapshot, await realpath(full));
        files.push({ name, path: full, size: s.size, symlink: true, expected });
        continue;
      }
      if (!entry.isFile()) throw new ModelFilesError(`${name} in ${target} is not a regular file or directory (a socket, FIFO or device): remove it or ignore it.`);
      const s = await stat(full);
      files.push({ name, path: full, size: s.size, symlink: false });
    }
  };
  await walk("");

  let localDirRevision: string | undefined;
  if (localDir) {
    for (const [i, f] of files.entries()) {
      const meta = await readLocalDirMetadata(target, f.name);
      if (meta === undefined) continue;
      localDirRevision ??= meta.commit;
      files[i] = { ...f, expected: meta.expected };
    }
  }
  return { modelName, kind: "directory", files, ignorePaths, allowSymlinks, cacheSnapshot, localDirRevision };
}
