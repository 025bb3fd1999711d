/**
 * Turns the paths a user names into sample sources: kind detection (`auto`:
 * a directory is a `dir` source; a file starting with the IDX magic — or a
 * `.gz` file whose content does — is `idx`; `.jsonl/.ndjson/.csv/.tsv/.txt`
 * files are `lines`), naming relative to a base directory, and checks that the
 * sources do not overlap.
 */
import { realpath, stat } from "node:fs/promises";
import path from "node:path";

import { describeFsError, fsErrorAdvice } from "./describe-fs-error.js";
import { DirectorySource } from "./directory-source.js";
import { looksLikeIdx } from "./idx-header.js";
import { IdxSource } from "./idx-source.js";
import { LinesSource, linesFormatOf } from "./lines-source.js";
import type { SampleSource } from "./sample-source.js";
import { sourceName } from "./source-name.js";
import { SourceError } from "./source-error.js";
import { readFileHead } from "./source-file.js";

/** How a path is read: detected (`auto`) or forced. */
export type SourceKindOption = "auto" | "dir" | "lines" | "idx";

/** Options applying to every source opened together. */
export interface OpenSourcesOptions {
  /** Default `auto`. */
  readonly kind?: SourceKindOption | undefined;
  /** Directory sources: include globs (default: everything). */
  readonly include?: readonly string[] | undefined;
  /** Directory sources: exclude globs. */
  readonly exclude?: readonly string[] | undefined;
  /** Directory sources: keep dot-files and dot-directories (default false). */
  readonly includeHidden?: boolean | undefined;
  /** Directory sources: follow symbolic links (default false). */
  readonly followSymlinks?: boolean | undefined;
  /** Line sources: whether line 1 is a header (default: true for csv/tsv only). */
  readonly header?: boolean | undefined;
  /** Names are relative to this directory (default: the working directory). */
  readonly baseDir?: string | undefined;
}

/** Opens each path as a sample source (see the module doc for the rules). */
export async function openSources(paths: readonly string[], options: OpenSourcesOptions = {}): Promise<SampleSource[]> {
  if (paths.length === 0) throw new Error("No source given: name at least one directory or file to hash.");
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
    if ((kind === "dir") !== info.isDirectory()) {
      throw new SourceError(
        given,
        info.isDirectory()
          ? `${given} is a directory, but --kind ${kind} needs a file. Use --kind dir or auto.`
          : `${given} is a file, but --kind dir needs a directory. Use --kind auto, lines or idx.`,
      );
    }
    let source: SampleSource;
    if (kind === "dir") {
      source = new DirectorySource(absolute, name, options); // takes its four options from these, with its own defaults
    } else if (kind === "lines") {
      source = new LinesSource(absolute, name, options.header === undefined ? {} : { header: options.header });
    } else {
      source = new IdxSource(absolute, name);
    }
    opened.push({ source, real, isDir: info.isDirectory(), given });
  }
  checkNoOverlap(opened);
  return opened.map((o) => o.source);
}

/** The kind `auto` picks for a path (see the module doc). */
export async function detectKind(absolute: string, shown: string, isDirectory: boolean): Promise<"dir" | "lines" | "idx"> {
  if (isDirectory) return "dir";
  const head = await readHead(absolute, /\.gz$/iu.test(absolute));
  if (looksLikeIdx(head)) return "idx";
  if (linesFormatOf(absolute.replace(/\.gz$/iu, "")) !== undefined) {
    if (/\.gz$/iu.test(absolute)) {
      throw new SourceError(shown, `${shown}: gzip'd line files are not supported; decompress it first (gunzip -k).`);
    }
    return "lines";
  }
  throw new SourceError(
    shown,
    `Cannot tell how to read ${shown}: it is neither IDX (no 00 00 <type> <dims> magic) nor a line file ` +
      `(.jsonl .ndjson .csv .tsv .txt). Pass --kind lines or --kind idx, or hash its directory to take it as one sample.`,
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
