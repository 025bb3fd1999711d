/**
 * The sample at a position a person names — row N of a Parquet file (its
 * column value or its canonical whole-row serialization), a member or a
 * WebDataset key of a tar shard, line N of a line file, record N of an IDX
 * file — as the bytes `dataset hash` hashes for it. Each function opens the
 * one file as a source of its kind, with the options the dataset was hashed
 * with, and takes the sample by id from the source's own batches
 * (sample-lookup.ts), reading only the share that holds it where the source
 * can be cut (one Parquet row group, one IDX record).
 *
 * `name` is the name the file is opened under: the sample id is built from
 * it exactly as when hashing (`<name>#<row>`, `<name>/<member>`,
 * `<name>/<key>`, `<name>:<line>`, `<name>#<record>`), so a caller passing
 * the id prefix recorded in a manifest gets the manifest's id back.
 *
 * When the position holds no sample (a null value, a link entry, an empty
 * line, a row past the end), a {@link SourceError} says why and what to do.
 */
import { readFile, stat } from "node:fs/promises";

import { describeFsError } from "./describe-fs-error.js";
import { PathFilter } from "./glob-filter.js";
import { IdxSource } from "./idx-source.js";
import { LinesSource } from "./lines-source.js";
import { closeParquetFile, openParquetFile } from "./parquet-file.js";
import { ParquetSource } from "./parquet-source.js";
import { findSampleBytes, sampleIdsOf } from "./sample-lookup.js";
import type { LinesSourceOptions, TarSourceOptions } from "./source-description.js";
import { SourceError } from "./source-error.js";
import { readFileHead } from "./source-file.js";
import { tarEntriesWithData } from "./tar-entries.js";
import { classifyMember, memberPath } from "./tar-members.js";
import { TarSource } from "./tar-source.js";
import { splitKey } from "./webdataset-sample.js";
import { InternalError } from "../errors/index.js";

/** One sample: its id (as `dataset hash` names it) and its bytes. */
export interface LocatedSample {
  readonly id: string;
  readonly bytes: Uint8Array;
}

/** How many names an error lists at most. */
const SHOWN_NAMES = 5;

function listed(names: readonly string[], total: number): string {
  return `${names.slice(0, SHOWN_NAMES).join(", ")}${total > SHOWN_NAMES ? `, … (${total} in all)` : ""}`;
}

async function requireFile(file: string, name: string, what: string): Promise<void> {
  const info = await stat(file).catch((error: unknown) => {
    throw new SourceError(name, `Cannot read ${what} ${name}: ${describeFsError(error)}.`, { cause: error });
  });
  if (!info.isFile()) throw new SourceError(name, `${name} is not a file: name the ${what} itself.`);
}

function requireIndex(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`internal error: ${what} ${value} is not a 0-based position`);
}

/**
 * Row `row` (0-based, as in the id `<name>#<row>`) of the Parquet file:
 * with `column`, its value as bytes (an HF Image/Audio struct's `bytes`);
 * without (null), the canonical serialization of the whole row.
 */
export async function parquetRowSample(file: string, name: string, row: number, column: string | null): Promise<LocatedSample> {
  requireIndex(row, "row");
  await requireFile(file, name, "Parquet file");
  const pf = await openParquetFile(file, name).catch((error: unknown) => {
    throw error instanceof SourceError ? error : new SourceError(name, (error as Error).message, { cause: error });
  });
  let groups: number[];
  try {
    groups = pf.metadata.row_groups.map((g) => Number(g.num_rows));
  } finally {
    await closeParquetFile(pf);
  }
  const rows = groups.reduce((a, b) => a + b, 0);
  if (row >= rows) {
    throw new SourceError(name, `${name} has ${rows} row${rows === 1 ? "" : "s"} (0 to ${rows - 1}), so it has no row ${row}. Rows are counted from 0, as in the sample id ${name}#0.`);
  }
  let group = 0;
  for (let first = 0; first + groups[group]! <= row; group++) first += groups[group]!;
  const source = new ParquetSource(file, name, false, { column: column ?? "" });
  const id = `${name}#${row}`;
  const bytes = await findSampleBytes(source, id, { index: group, count: groups.length });
  if (bytes === undefined) {
    throw new SourceError(id, `Row ${row} of ${name} has a null ${column}, so it is not a sample (null values are skipped when a dataset is hashed). Name a row whose ${column} is set.`);
  }
  return { id, bytes };
}

async function isGzipFile(file: string): Promise<boolean> {
  const head = await readFileHead(file, 2, false);
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Why `member` of the shard is not a sample under `options` (the shard is read again to find out). */
async function memberProblem(shard: string, name: string, member: string, options: Partial<TarSourceOptions>): Promise<string> {
  const filter = new PathFilter(options.include ?? [], options.exclude ?? []);
  const includeHidden = options.includeHidden ?? false;
  const files: string[] = [];
  let total = 0;
  for await (const { info } of tarEntriesWithData(shard, await isGzipFile(shard))) {
    const path = memberPath(info.name).replace(/\/+$/u, "");
    if (path === member) {
      const verdict = classifyMember(info, filter, includeHidden);
      if (verdict.kind === "link") return `${name}: member ${member} is a ${info.type === "symlink" ? "symbolic" : "hard"} link entry, and links inside a tar are not samples. Name the file it points to${info.linkname === null ? "" : ` (${memberPath(info.linkname)})`}.`;
      if (info.type === "directory") return `${name}: ${member} is a directory entry, not a member file. Name a file inside it.`;
      if (verdict.kind === "skip") {
        return `${name}: member ${member} is not a sample of this dataset: ${!includeHidden && member.split("/").some((p) => p.startsWith(".")) ? "it is hidden (hidden members are skipped without --hidden)" : "the dataset's --include / --exclude leave it out"}.`;
      }
      if (verdict.kind === "unsupported") return `${name}: member ${member} has a tar entry type that is not supported (a GNU sparse file or volume label): its stored bytes are not the file's content.`;
    }
    if (info.type === "file" || info.type === "contiguous-file") {
      total++;
      if (files.length < SHOWN_NAMES) files.push(path);
    }
  }
  return `${name} has no member ${member}${total === 0 ? " (it holds no member file)" : ` (its members: ${listed(files, total)})`}. Name a member as \`tar -tf ${name}\` lists it.`;
}

/**
 * Member `member` of the tar shard (`./` and `/` prefixes are dropped as
 * when hashing): its raw bytes, read under `options` (default: every member
 * file, hidden ones included, is a sample).
 */
export async function tarMemberSample(shard: string, name: string, member: string, options: Partial<TarSourceOptions> = { includeHidden: true }): Promise<LocatedSample> {
  await requireFile(shard, name, "tar shard");
  const wanted = memberPath(member).replace(/\/+$/u, "");
  if (wanted === "") throw new SourceError(name, `"${member}" names no member of ${name}. Name a member file as \`tar -tf ${name}\` lists it, e.g. 000017.jpg.`);
  const id = `${name}/${wanted}`;
  const source = new TarSource(shard, name, false, { ...options, groupByKey: false });
  const bytes = await findSampleBytes(source, id);
  if (bytes === undefined) throw new SourceError(id, await memberProblem(shard, name, wanted, options));
  return { id, bytes };
}

/**
 * WebDataset key `key` of the tar shard (`--group-by-key`): its members
 * concatenated canonically (webdataset-sample.ts), which members count
 * decided by `options` as when hashing.
 */
export async function tarKeySample(shard: string, name: string, key: string, options: Partial<TarSourceOptions> = {}): Promise<LocatedSample> {
  await requireFile(shard, name, "tar shard");
  const wanted = memberPath(key);
  const id = `${name}/${wanted}`;
  const source = new TarSource(shard, name, false, { ...options, groupByKey: true });
  const bytes = await findSampleBytes(source, id);
  if (bytes === undefined) {
    const split = splitKey(wanted);
    const hint = split === undefined ? "" : ` A key has no extension: did you mean --key ${split.key}?`;
    const { first, total } = await sampleIdsOf(source, SHOWN_NAMES).catch(() => ({ first: [] as string[], total: 0 }));
    const keys = first.map((k) => k.slice(name.length + 1));
    throw new SourceError(id, `${name} has no WebDataset key ${wanted}${total === 0 ? "" : ` (its keys: ${listed(keys, total)})`}.${hint} A key is a member path up to the first dot of its file name (000017.jpg → 000017).`);
  }
  return { id, bytes };
}

/** Line `line` (1-based, as in the id `<name>:<line>`) of a line file, read under `options` (format, header row). */
export async function lineSample(file: string, name: string, line: number, options: Partial<LinesSourceOptions> = {}): Promise<LocatedSample> {
  requireIndex(line, "line");
  await requireFile(file, name, "line file");
  const source = new LinesSource(file, name, options);
  const id = `${name}:${line}`;
  const bytes = await findSampleBytes(source, id);
  if (bytes === undefined) {
    throw new SourceError(id, `Line ${line} of ${name} is not a sample: it does not exist, is empty${source.description.kind === "lines" && source.description.options.header ? ", or is the header row" : ""}. Lines are counted from 1, as in the sample id ${name}:1.`);
  }
  return { id, bytes };
}

/** Record `record` (0-based, as in the id `<name>#<record>`) of an IDX file (gzip'd when `gzip`, default: by the name). */
export async function idxRecordSample(file: string, name: string, record: number, gzip?: boolean): Promise<LocatedSample> {
  requireIndex(record, "record");
  await requireFile(file, name, "IDX file");
  const source = new IdxSource(file, name, gzip === undefined ? {} : { gzip });
  const { recordCount } = await source.header();
  if (record >= recordCount) {
    throw new SourceError(name, `${name} has ${recordCount} record${recordCount === 1 ? "" : "s"} (0 to ${recordCount - 1}), so it has no record ${record}. Records are counted from 0, as in the sample id ${name}#0.`);
  }
  const id = `${name}#${record}`;
  const bytes = await findSampleBytes(source, id, { index: record, count: recordCount });
  if (bytes === undefined) throw new InternalError(`record ${record} of ${name} was not read`);
  return { id, bytes };
}

/** A whole file (a sample of a directory or image-folder source), under the id given. */
export async function fileSample(file: string, id: string): Promise<LocatedSample> {
  await requireFile(file, id, "file");
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new SourceError(id, `Cannot read ${id}: ${describeFsError(error)}.`, { cause: error });
  });
  return { id, bytes: new Uint8Array(bytes) };
}
