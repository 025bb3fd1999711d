/**
 * The samples a user asks about, as the bytes the commitment scheme hashes
 * (`SHA-256(bytes)`, the sample hash): a whole file, a sample hash given
 * directly as hex, one line of a line-delimited dataset (CSV, JSONL, TXT),
 * whose sample is the line's bytes without its terminator — hashed here
 * exactly as the lines source (`src/sources/lines-source.ts`) hashes it when
 * the dataset is built — or a sample read in place from a published file:
 * a Parquet row (its column value or whole-row serialization), a tar member
 * or a WebDataset key, produced by the sources' own code
 * (`src/sources/sample-at.ts`). Whether such a query fits the way a dataset
 * was hashed is sample-layout.ts.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

import { UserError } from "../errors/index.js";
import { hashSources } from "../engine/index.js";
import { hashFromHex, sha256 } from "../hash/index.js";
import { LinesSource, parquetRowSample, tarKeySample, tarMemberSample, type LocatedSample } from "../sources/index.js";
import { SourceError } from "../sources/index.js";
import type { TarSourceOptions } from "../sources/index.js";

/** One sample to check. */
export interface SampleQuery {
  /** What the user named: the file path, the hash, or the line. */
  readonly label: string;
  /** SHA-256 of the sample bytes. */
  readonly sampleHash: Uint8Array;
  /** What the sample is: a whole file, a given hash, one line of text, or a sample read in place (default "file"). */
  readonly kind?: "file" | "hash" | "line" | "in-place" | undefined;
  /** For a sample read in place from a Parquet file or a tar shard: where, and how it was read. */
  readonly inPlace?: InPlaceSample | undefined;
}

/**
 * A sample read in place: row `row` of a Parquet file (with `column`, its
 * value; without, the whole row), member `member` of a tar shard, or the
 * WebDataset key `key` of a tar shard, whose members are grouped under the
 * tar `options` given (the hidden/include/exclude rules the dataset used).
 */
export type InPlaceSample =
  | { readonly kind: "parquet-row"; readonly file: string; readonly row: number; readonly column: string | null }
  | { readonly kind: "tar-member"; readonly shard: string; readonly member: string }
  | { readonly kind: "tar-key"; readonly shard: string; readonly key: string; readonly options: TarGroupingOptions };

/** The tar options that decide which members a WebDataset key groups. */
export type TarGroupingOptions = Pick<TarSourceOptions, "include" | "exclude" | "includeHidden">;

/** The grouping rules of `dataset hash --group-by-key` without --include/--exclude/--hidden. */
export const DEFAULT_TAR_GROUPING: TarGroupingOptions = { include: [], exclude: [], includeHidden: false };

/** Reads and hashes each file; a UserError names a missing file or a directory. */
export async function sampleQueriesFromFiles(files: readonly string[]): Promise<SampleQuery[]> {
  const out: SampleQuery[] = [];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      if ((await stat(file)).isDirectory()) {
        throw new UserError(`${file} is a directory, not a sample file.`, "Name the sample files themselves (a shell glob such as dir/* works).", { family: "usage" });
      }
      bytes = await readFile(file);
    } catch (error) {
      if (error instanceof UserError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(
        `Cannot read the sample file ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}.`,
        "Check the path.",
        { family: "not-found", cause: error },
      );
    }
    out.push({ label: file, sampleHash: sha256(bytes), kind: "file" });
  }
  return out;
}

/** A query for a sample hash given as hex (64 hex digits, 0x optional). */
export function sampleQueryFromHash(text: string): SampleQuery {
  try {
    return { label: text, sampleHash: hashFromHex(text.trim()), kind: "hash" };
  } catch (error) {
    throw new UserError(
      `"${text}" is not a sample hash.`,
      "Give the SHA-256 of the sample as 64 hex digits (0x optional), e.g. the output of `sha256sum file`.",
      { family: "usage", cause: error },
    );
  }
}

/**
 * The sample bytes of one line given as text: its UTF-8 bytes, without a
 * line terminator (one trailing LF, then one trailing CR, are dropped, as
 * the lines source drops them). A line with a line feed inside, or an empty
 * one (the lines source skips empty lines), is refused.
 */
export function lineSampleBytes(text: string): Uint8Array {
  let line = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (line.endsWith("\r")) line = line.slice(0, -1);
  if (line.includes("\n")) {
    throw new UserError("The --line text has a line feed inside: a sample of a line dataset is one line.", "Give one line, or put several lines in a file and pass --lines-from <file>.", { family: "usage" });
  }
  if (line.length === 0) {
    throw new UserError("The --line text is empty: empty lines are never samples (the lines source skips them).", 'Give the line\'s text, e.g. --line \'{"text":"hello","label":1}\'.', { family: "usage" });
  }
  return new TextEncoder().encode(line);
}

/** A query for one line of a CSV/JSONL/TXT dataset, given as text (see {@link lineSampleBytes}). */
export function sampleQueryFromLine(text: string): SampleQuery {
  const bytes = lineSampleBytes(text);
  const shown = text.replace(/\r?\n$/, "");
  return { label: `line ${JSON.stringify(shown.length <= 60 ? shown : `${shown.slice(0, 57)}…`)}`, sampleHash: sha256(bytes), kind: "line" };
}

/**
 * One query per non-empty line of `file`, hashed by the lines source itself
 * (so LF/CRLF, empty lines and binary detection follow `dataset hash`
 * exactly). No header row is skipped: every line is checked. Labels are
 * `<file>:<line number>`.
 */
export async function sampleQueriesFromLinesFile(file: string): Promise<SampleQuery[]> {
  const absolute = path.resolve(file);
  try {
    if (!(await stat(absolute)).isFile()) throw new UserError(`--lines-from ${file} is not a file.`, "Give a text file with one sample per line.", { family: "usage" });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot read --lines-from ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}.`, "Check the path.", {
      family: "not-found",
      cause: error,
    });
  }
  const out: SampleQuery[] = [];
  try {
    await hashSources([new LinesSource(absolute, file, { format: "txt", header: false })], {
      threads: 0,
      withIds: true,
      onBatch: (hashed) => {
        for (let i = 0; i < hashed.batch.count; i++) {
          out.push({ label: hashed.batch.ids?.[i] ?? `${file}:?`, sampleHash: hashed.digests.slice(32 * i, 32 * i + 32), kind: "line" });
        }
      },
    });
  } catch (error) {
    throw new UserError(`Cannot read the lines of ${file}: ${(error as Error).message}`, "Give a UTF-8 text file with one sample per line (as the dataset's .csv/.jsonl/.txt).", {
      family: "data",
      cause: error,
    });
  }
  return out;
}

/** A sample read in place as a query; a SourceError (no such row or member, a null value…) becomes a UserError. */
async function inPlaceQuery(inPlace: InPlaceSample, label: string, read: () => Promise<LocatedSample>, fix: string): Promise<SampleQuery> {
  let sample: LocatedSample;
  try {
    sample = await read();
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    throw new UserError(error.message, fix, { family: "not-found", cause: error });
  }
  return { label, sampleHash: sha256(sample.bytes), kind: "in-place", inPlace };
}

/** The label of a Parquet row query: `file#row`, with the column or "whole row". */
function parquetLabel(file: string, row: number, column: string | null): string {
  return `${file}#${row} (${column === null ? "whole row" : `column ${column}`})`;
}

/**
 * One query per row of a Parquet file, read in place: with `column`, the
 * row's value of that column as `dataset hash --column` takes it; without,
 * the row's canonical serialization. Rows are 0-based, as in the ids.
 */
export async function sampleQueriesFromParquetRows(file: string, rows: readonly number[], column: string | null): Promise<SampleQuery[]> {
  const out: SampleQuery[] = [];
  for (const row of rows) {
    out.push(
      await inPlaceQuery(
        { kind: "parquet-row", file, row, column },
        parquetLabel(file, row, column),
        () => parquetRowSample(path.resolve(file), file, row, column),
        "Check --parquet, --row (0-based, as in the sample id file.parquet#N) and --column (the column the dataset was hashed with).",
      ),
    );
  }
  return out;
}

/** A query for member `member` of a tar shard, read in place: its raw bytes. */
export async function sampleQueryFromTarMember(shard: string, member: string): Promise<SampleQuery> {
  return inPlaceQuery(
    { kind: "tar-member", shard, member },
    `${shard}/${member}`,
    () => tarMemberSample(path.resolve(shard), shard, member),
    `Check --tar and --member (a member path as \`tar -tf ${shard}\` lists it, e.g. 000017.jpg).`,
  );
}

/**
 * A query for the WebDataset key `key` of a tar shard, read in place: the
 * key's members concatenated as `dataset hash --group-by-key` does, the
 * members chosen by `options` (default: no filter, hidden members skipped).
 */
export async function sampleQueryFromTarKey(shard: string, key: string, options: TarGroupingOptions = DEFAULT_TAR_GROUPING): Promise<SampleQuery> {
  return inPlaceQuery(
    { kind: "tar-key", shard, key, options },
    `${shard}/${key} (key)`,
    () => tarKeySample(path.resolve(shard), shard, key, options),
    "Check --tar and --key (a WebDataset key: the member path up to the first dot of its file name, e.g. 000017 for 000017.jpg).",
  );
}
