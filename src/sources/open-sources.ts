/**
 * Turns the paths a user names into sample sources: kind detection (`auto`:
 * a directory with a `metadata.csv` / `.jsonl` / `.parquet` at its top level
 * or in a direct subdirectory is an `imagefolder`, any other directory a
 * `dir` source; a file starting with the IDX magic — or a `.gz` file whose
 * content does — is `idx`; `.tar`, `.tar.gz`, `.tgz` files are `tar`;
 * `.parquet` files (or files starting with `PAR1`) are `parquet`;
 * `.jsonl/.ndjson/.csv/.tsv/.txt` files are `lines`), naming relative to a
 * base directory, and checks that the sources do not overlap and that every
 * kind-specific option applies to some source.
 */
import { realpath, stat } from "node:fs/promises";
import path from "node:path";

import { describeFsError, fsErrorAdvice } from "./describe-fs-error.js";
import { DirectorySource } from "./directory-source.js";
import { looksLikeIdx } from "./idx-header.js";
import { IdxSource } from "./idx-source.js";
import { ImageFolderSource, looksLikeImageFolder } from "./image-folder-source.js";
import { LinesSource, linesFormatOf } from "./lines-source.js";
import { isParquetName, ParquetSource } from "./parquet-source.js";
import type { SampleSource } from "./sample-source.js";
import type { SourceKind } from "./source-description.js";
import { isTarName, TarSource } from "./tar-source.js";
import { sourceName } from "./source-name.js";
import { SourceError } from "./source-error.js";
import { readFileHead } from "./source-file.js";
import { DatatraceError } from "../errors/index.js";

/** How a path is read: detected (`auto`) or forced. */
export type SourceKindOption = "auto" | SourceKind;

/** Every value of {@link SourceKindOption}, for option parsing. */
export const SOURCE_KIND_OPTIONS: readonly SourceKindOption[] = ["auto", "dir", "lines", "idx", "tar", "parquet", "imagefolder"];

/** Options applying to every source opened together. */
export interface OpenSourcesOptions {
  /** Default `auto`. */
  readonly kind?: SourceKindOption | undefined;
  /** Directory, image-folder and Parquet-directory sources: include globs on file paths; tar sources: on member paths (default: everything). */
  readonly include?: readonly string[] | undefined;
  /** Exclude globs, same scope as `include`. */
  readonly exclude?: readonly string[] | undefined;
  /** Keep dot-files and dot-directories (and hidden tar members) (default false). */
  readonly includeHidden?: boolean | undefined;
  /** Directory walks: follow symbolic links (default false). */
  readonly followSymlinks?: boolean | undefined;
  /** Line sources: whether line 1 is a header (default: true for csv/tsv only). */
  readonly header?: boolean | undefined;
  /** Parquet sources: the column whose value is the sample (default: the whole row, canonically serialized). */
  readonly column?: string | undefined;
  /** Tar sources: one sample per WebDataset key instead of one per member (default false). */
  readonly groupByKey?: boolean | undefined;
  /** Image-folder sources: hash the metadata files as samples too (default false: recorded only). */
  readonly hashMetadata?: boolean | undefined;
  /** Names are relative to this directory (default: the working directory). */
  readonly baseDir?: string | undefined;
}

/** Opens each path as a sample source (see the module doc for the rules). */
export async function openSources(paths: readonly string[], options: OpenSourcesOptions = {}): Promise<SampleSource[]> {
  if (paths.length === 0) throw new DatatraceError("No source given: name at least one directory or file to hash.");
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const opened: Array<{ source: SampleSource; real: string; isDir: boolean; given: string }> = [];
  for (const given of paths) {
    const absolute = path.resolve(baseDir, given);
    const name = sourceName(absolute, baseDir);
    let info;
    let real;
    try {
      info = await stat(absolute);
      real = await realpath(absolute);
    } catch (error) {
      throw new SourceError(given, `Cannot read source ${given}: ${describeFsError(error)}. ${fsErrorAdvice(error, absolute, baseDir)}`, {
        cause: error,
      });
    }
    const kind = options.kind === undefined || options.kind === "auto" ? await detectKind(absolute, given, info.isDirectory()) : options.kind;
    const needsDirectory = kind === "dir" || kind === "imagefolder";
    const needsFile = kind === "lines" || kind === "idx";
    if ((needsDirectory && !info.isDirectory()) || (needsFile && info.isDirectory())) {
      throw new SourceError(
        given,
        info.isDirectory()
          ? `${given} is a directory, but --kind ${kind} needs a file. Use --kind dir, imagefolder, tar, parquet or auto.`
          : `${given} is a file, but --kind ${kind} needs a directory. Use --kind auto, lines, idx, tar or parquet.`,
      );
    }
    let source: SampleSource;
    switch (kind) {
      case "dir":
        source = new DirectorySource(absolute, name, options); // takes its four options from these, with its own defaults
        break;
      case "imagefolder":
        source = await ImageFolderSource.open(absolute, name, options);
        break;
      case "lines":
        source = new LinesSource(absolute, name, options.header === undefined ? {} : { header: options.header });
        break;
      case "idx":
        source = new IdxSource(absolute, name);
        break;
      case "tar":
        source = new TarSource(absolute, name, info.isDirectory(), options);
        break;
      case "parquet":
        source = new ParquetSource(absolute, name, info.isDirectory(), options);
        break;
    }
    opened.push({ source, real, isDir: info.isDirectory(), given });
  }
  checkNoOverlap(opened);
  checkOptionsApply(opened.map((o) => o.source), options);
  return opened.map((o) => o.source);
}

/** Refuses a kind-specific option that no source takes (it would be silently ignored). */
function checkOptionsApply(sources: readonly SampleSource[], options: OpenSourcesOptions): void {
  const kinds = new Set(sources.map((s) => s.description.kind));
  const check = (given: boolean, kind: SourceKind, flag: string, what: string): void => {
    if (given && !kinds.has(kind)) {
      throw new DatatraceError(`${flag} applies to ${what}, and no source is one (kinds here: ${[...kinds].join(", ")}). Remove ${flag}, or pass --kind ${kind} if a source is one.`);
    }
  };
  check(options.column !== undefined && options.column !== "", "parquet", "--column", "Parquet sources");
  check(options.groupByKey === true, "tar", "--group-by-key", "tar (WebDataset) sources");
  check(options.hashMetadata === true, "imagefolder", "--hash-metadata", "image folders");
}

/** The kind `auto` picks for a path (see the module doc). */
export async function detectKind(absolute: string, shown: string, isDirectory: boolean): Promise<SourceKind> {
  if (isDirectory) return (await looksLikeImageFolder(absolute)) ? "imagefolder" : "dir";
  if (isTarName(absolute)) return "tar";
  if (isParquetName(absolute)) return "parquet";
  const head = await readHead(absolute, /\.gz$/iu.test(absolute));
  if (looksLikeIdx(head)) return "idx";
  const plainHead = /\.gz$/iu.test(absolute) ? await readHead(absolute, false) : head;
  if (plainHead.length === 4 && new TextDecoder().decode(plainHead) === "PAR1") return "parquet";
  if (linesFormatOf(absolute.replace(/\.gz$/iu, "")) !== undefined) {
    if (/\.gz$/iu.test(absolute)) {
      throw new SourceError(shown, `${shown}: gzip'd line files are not supported; decompress it first (gunzip -k).`);
    }
    return "lines";
  }
  throw new SourceError(
    shown,
    `Cannot tell how to read ${shown}: it is neither IDX (no 00 00 <type> <dims> magic), Parquet (.parquet, PAR1), ` +
      `a tar shard (.tar .tar.gz .tgz) nor a line file (.jsonl .ndjson .csv .tsv .txt). ` +
      `Pass --kind lines, idx, tar or parquet, or hash its directory to take it as one sample.`,
  );
}

/** The 4 bytes of the IDX magic, or fewer (unreadable or not gzip: not IDX; reading proper reports the error). */
function readHead(file: string, gzip: boolean): Promise<Uint8Array> {
  return readFileHead(file, 4, gzip).catch(() => new Uint8Array(0));
}

function checkNoOverlap(opened: ReadonlyArray<{ source: SampleSource; real: string; isDir: boolean; given: string }>): void {
  const names = new Map<string, string>();
  for (const o of opened) {
    const other = names.get(o.source.description.name);
    if (other !== undefined) {
      throw new SourceError(
        o.given,
        `Sources ${other} and ${o.given} would both be recorded as "${o.source.description.name}". ` +
          `Run from a directory containing both so their relative paths differ.`,
      );
    }
    names.set(o.source.description.name, o.given);
  }
  for (const a of opened) {
    for (const b of opened) {
      if (a === b) continue;
      const inside = a.real === b.real || (a.isDir && b.real.startsWith(a.real.endsWith(path.sep) ? a.real : a.real + path.sep));
      if (inside) {
        throw new SourceError(
          b.given,
          a.real === b.real
            ? `${a.given} and ${b.given} are the same source; name it once.`
            : `${b.given} is inside ${a.given}: its samples would be counted twice. Name only one of them.`,
        );
      }
    }
  }
}
