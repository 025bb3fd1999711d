/**
 * Directory source: every regular file under a directory is one sample (its
 * raw bytes), in byte-wise order of the relative POSIX paths. Hidden entries
 * (name starting with `.`) are skipped unless `includeHidden`; symbolic links
 * are skipped unless `followSymlinks` (then a link to a directory already on
 * the current path — a loop — is skipped and reported). Sample id = the
 * file's path relative to the base directory (`<source name>/<relative path>`,
 * or the relative path alone when the source is the base directory itself).
 */
import { createHash } from "node:crypto";
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";

import { describeFsError } from "./describe-fs-error.js";
import { PathFilter } from "./glob-filter.js";
import type { BatchContext, FilesBatch, SampleBatch } from "./sample-batch.js";
import { partRange } from "./sample-batch.js";
import type { SampleSource, SourceEstimate } from "./sample-source.js";
import type { DirSourceOptions, SourceDescription } from "./source-description.js";
import { SourceError } from "./source-error.js";

/** Files per batch handed to a hashing worker. */
const FILES_PER_BATCH = 256;

/** One sample file found by the walk. */
export interface DirectoryEntry {
  /** Absolute path to open. */
  readonly absolutePath: string;
  /** POSIX path relative to the source directory. */
  readonly relativePath: string;
}

/** A directory of files, one sample per regular file. */
export class DirectorySource implements SampleSource {
  readonly description: SourceDescription;
  readonly #root: string;
  readonly #name: string;
  readonly #options: DirSourceOptions;
  readonly #filter: PathFilter;
  /** Warnings found by the last walk (skipped links, loops). */
  readonly warnings: string[] = [];
  #listing: Promise<{ count: number; fingerprint: string }> | undefined;

  /**
   * @param root absolute path of the directory.
   * @param name relative name recorded in the manifest (see `sourceName`).
   */
  constructor(root: string, name: string, options: Partial<DirSourceOptions> = {}) {
    this.#root = root;
    this.#name = name;
    this.#options = {
      include: options.include ?? [],
      exclude: options.exclude ?? [],
      includeHidden: options.includeHidden ?? false,
      followSymlinks: options.followSymlinks ?? false,
    };
    this.#filter = new PathFilter(this.#options.include, this.#options.exclude);
    this.description = { kind: "dir", name, options: this.#options };
  }

  /** The id of the file at `relativePath`. */
  idOf(relativePath: string): string {
    return this.#name === "." ? relativePath : `${this.#name}/${relativePath}`;
  }

  /** Sample count (known only once listed, e.g. for a split run). */
  async estimate(): Promise<SourceEstimate> {
    if (this.#listing === undefined) return {};
    return { samples: (await this.#listing).count };
  }

  /** Count and SHA-256 of the sorted listing of sample paths. */
  async fingerprint(): Promise<string> {
    const { count, fingerprint } = await this.#list();
    return `files=${count};listing-sha256=${fingerprint}`;
  }

  /** Walks the tree and yields the sample files in order. */
  async *entries(): AsyncGenerator<DirectoryEntry> {
    this.warnings.length = 0;
    const rootReal = await realpath(this.#root).catch((error: unknown) => {
      throw new SourceError(this.#name, `Cannot open directory ${this.#name}: ${describeFsError(error)}.`, { cause: error });
    });
    yield* this.#walk(this.#root, "", [rootReal]);
  }

  async *batches(context: BatchContext): AsyncGenerator<SampleBatch> {
    let range = { start: 0, end: Number.POSITIVE_INFINITY };
    if (context.part !== undefined) range = partRange((await this.#list()).count, context.part);
    let ordinal = 0;
    let paths: string[] = [];
    let ids: string[] = [];
    let ordinals: number[] = [];
    const flush = (): FilesBatch => {
      const batch: FilesBatch = {
        kind: "files",
        count: paths.length,
        paths,
        ordinals: Float64Array.from(ordinals),
        ids: context.withIds ? ids : null,
      };
      paths = [];
      ids = [];
      ordinals = [];
      return batch;
    };
    for await (const entry of this.entries()) {
      const index = ordinal++;
      if (index < range.start) continue;
      if (index >= range.end) break;
      paths.push(entry.absolutePath);
      ordinals.push(index);
      if (context.withIds) ids.push(this.idOf(entry.relativePath));
      if (paths.length === FILES_PER_BATCH) yield flush();
    }
    if (paths.length > 0) yield flush();
    if (ordinal === 0) {
      throw new SourceError(
        this.#name,
        `Directory ${this.#name} contains no samples (no regular files left after the hidden/include/exclude rules` +
          `${this.#options.followSymlinks ? "" : "; symbolic links are not followed without --follow-symlinks"}).`,
      );
    }
  }

  #list(): Promise<{ count: number; fingerprint: string }> {
    this.#listing ??= (async () => {
      const hash = createHash("sha256");
      let count = 0;
      for await (const entry of this.entries()) {
        hash.update(entry.relativePath);
        hash.update("\n");
        count++;
      }
      return { count, fingerprint: hash.digest("hex") };
    })();
    return this.#listing;
  }

  async *#walk(dir: string, rel: string, ancestors: string[]): AsyncGenerator<DirectoryEntry> {
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const shown = rel === "" ? this.#name : this.idOf(rel);
      const code = (error as NodeJS.ErrnoException).code;
      const hint =
        code === "ENOENT" || code === "ENOTDIR"
          ? "It changed while the tree was being listed; rerun once the data stops changing."
          : "Fix its permissions or leave it out with --exclude.";
      throw new SourceError(shown, `Cannot list directory ${shown}: ${describeFsError(error)}. ${hint}`, { cause: error });
    }
    const children: Array<{ key: Buffer; name: string; isDir: boolean; real?: string }> = [];
    for (const d of dirents) {
      if (!this.#options.includeHidden && d.name.startsWith(".")) continue;
      const childRel = rel === "" ? d.name : `${rel}/${d.name}`;
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      let real: string | undefined;
      if (d.isSymbolicLink()) {
        if (!this.#options.followSymlinks) continue;
        const target = path.join(dir, d.name);
        try {
          const s = await stat(target);
          isDir = s.isDirectory();
          isFile = s.isFile();
          if (isDir) real = await realpath(target);
        } catch (error) {
          this.warnings.push(`skipped broken symbolic link ${this.idOf(childRel)} (${describeFsError(error)})`);
          continue;
        }
      }
      if (isDir) {
        if (!this.#filter.entersDirectory(childRel)) continue;
        children.push({ key: Buffer.from(`${d.name}/`), name: d.name, isDir, ...(real === undefined ? {} : { real }) });
      } else if (isFile) {
        if (!this.#filter.acceptsFile(childRel)) continue;
        children.push({ key: Buffer.from(d.name), name: d.name, isDir });
      }
      // sockets, FIFOs, devices: not samples
    }
    // A directory sorts as `name/`: walking depth-first in this order lists
    // the full relative paths in byte-wise order.
    children.sort((a, b) => Buffer.compare(a.key, b.key));
    for (const child of children) {
      const childPath = path.join(dir, child.name);
      const childRel = rel === "" ? child.name : `${rel}/${child.name}`;
      if (child.isDir) {
        const real = child.real ?? path.join(ancestors[ancestors.length - 1]!, child.name);
        if (child.real !== undefined && ancestors.includes(real)) {
          this.warnings.push(`skipped symbolic link loop ${this.idOf(childRel)} -> ${path.basename(real)}`);
          continue;
        }
        ancestors.push(real);
        yield* this.#walk(childPath, childRel, ancestors);
        ancestors.pop();
      } else {
        yield { absolutePath: childPath, relativePath: childRel };
      }
    }
  }
}
