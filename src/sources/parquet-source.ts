/**
 * Parquet source (how the Hugging Face Hub publishes every dataset): one
 * `.parquet` file, or every `.parquet` file under a directory (byte-wise
 * order of their paths). One sample per row:
 *
 * - with `column`: the row's value of that column as bytes (parquet-file.ts:
 *   binary as is, strings as their UTF-8 bytes, an HF Image / Audio struct
 *   as its `bytes` field). A null value is not a sample: it is skipped and
 *   counted, and the run reports how many rows of which file it skipped;
 * - without: the canonical serialization of the whole row (parquet-row.ts).
 *
 * Sample id `<file>#<row>`, the 0-based row of the file
 * (`data/train-00000-of-00042.parquet#1234`). Ordinals: the row's index
 * across the source's files. A split run (`--part i/n`) takes a contiguous
 * share of the source's row groups.
 *
 * Memory is bounded by the largest page (column mode) or row group (whole
 * rows), never by the file: column pages are read one run at a time into the
 * engine's shared-memory slots (or one reused buffer), and the hashing
 * workers decompress and decode them in parallel when the column chunk's
 * statistics say it has no null (parquet-pages.mjs); otherwise the main
 * thread decodes them and skips the nulls.
 */
import type { FileMetaData, PageHeader, RowGroup } from "hyparquet";
import { parquetRead } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";

import { FileWindow } from "./file-window.js";
import { ParquetPageCursor, readFully, readFullySync } from "./parquet-page-cursor.js";
import { closeParquetFile, chunkRange, columnChunk, columnCodec, openParquetFile, resolveColumn, type ParquetFile, type ParquetLeafColumn } from "./parquet-file.js";
import { createScratch, decodeColumnPages, freshCompressors, supportedCodec, type PageScratch, type ParquetColumnCodec } from "./parquet-pages.mjs";
import { canonicalRow, ROW_PARSERS, rowColumns } from "./parquet-row.js";
import type { BatchContext, ParquetFilePagesBatch, ParquetPagesBatch, SampleBatch } from "./sample-batch.js";
import { partRange } from "./sample-batch.js";
import type { SampleSource, SourceEstimate } from "./sample-source.js";
import { SegmentPacker } from "./segment-packer.js";
import { listShardFiles, type ShardFile, type ShardListing } from "./shard-files.js";
import type { ParquetSourceOptions, SourceDescription } from "./source-description.js";
import { SourceError } from "./source-error.js";
import { DatatraceError } from "../errors/index.js";

/** What a source needs of each file before reading any: its row groups' row counts. */
interface FilePlan {
  readonly file: ShardFile;
  readonly rowGroupRows: readonly number[];
  /** Index, across the source, of the file's first row. */
  readonly firstRow: number;
}

interface SourcePlan {
  readonly files: readonly FilePlan[];
  /** Every row group of the source, in order: [file index, row group index]. */
  readonly units: ReadonlyArray<readonly [number, number]>;
  readonly rows: number;
}

/** Rows whose column was null, per file, for the warning. */
interface NullTally {
  count: number;
  first: string[];
}

const encoder = new TextEncoder();

/** Whether a file name looks like Parquet. */
export function isParquetName(fileName: string): boolean {
  return /\.parquet$/iu.test(fileName);
}

/** One Parquet file or a directory of them, one sample per row. */
export class ParquetSource implements SampleSource {
  readonly description: SourceDescription;
  /** Warnings of the last run (null values skipped). */
  readonly warnings: string[] = [];
  readonly #root: string;
  readonly #name: string;
  readonly #isDirectory: boolean;
  readonly #options: ParquetSourceOptions;
  #listing: Promise<ShardListing> | undefined;
  #plan: Promise<SourcePlan> | undefined;

  /**
   * @param root absolute path of the file or directory.
   * @param name relative name recorded in the manifest (see `sourceName`).
   */
  constructor(root: string, name: string, isDirectory: boolean, options: Partial<ParquetSourceOptions> = {}) {
    this.#root = root;
    this.#name = name;
    this.#isDirectory = isDirectory;
    this.#options = {
      column: options.column === undefined || options.column === "" ? null : options.column,
      include: options.include ?? [],
      exclude: options.exclude ?? [],
      includeHidden: options.includeHidden ?? false,
      followSymlinks: options.followSymlinks ?? false,
    };
    this.description = { kind: "parquet", name, options: this.#options };
  }

  /** Whether the source is a directory of files (not one file). */
  get isDirectory(): boolean {
    return this.#isDirectory;
  }

  /** The files, in order. */
  async files(): Promise<readonly ShardFile[]> {
    return (await this.#list()).files;
  }

  /** Row count (from the footers; null values are fewer samples). */
  async estimate(): Promise<SourceEstimate> {
    return { samples: (await this.#planned()).rows };
  }

  /** File listing (paths and sizes) and row-group layout. */
  async fingerprint(): Promise<string> {
    const [listing, plan] = await Promise.all([this.#list(), this.#planned()]);
    return `${listing.fingerprint};row-groups=${plan.units.length};rows=${plan.rows}`;
  }

  async *batches(context: BatchContext): AsyncGenerator<SampleBatch> {
    this.warnings.length = 0;
    const plan = await this.#planned();
    this.warnings.push(...(await this.#list()).warnings);
    const { start, end } = partRange(plan.units.length, context.part);
    let samples = 0;
    let u = start;
    while (u < end) {
      const fileIndex = plan.units[u]![0];
      const filePlan = plan.files[fileIndex]!;
      const shown = filePlan.file.idPrefix;
      const pf = await openParquetFile(filePlan.file.absolutePath, shown).catch((error: unknown) => {
        throw toSourceError(shown, error);
      });
      const nulls: NullTally = { count: 0, first: [] };
      try {
        const leaf = this.#options.column === null ? undefined : resolveOrThrow(pf, this.#options.column, shown);
        const columns = leaf === undefined ? rowColumnsOrThrow(pf, shown) : undefined;
        const scratch = createScratch();
        for (; u < end && plan.units[u]![0] === fileIndex; u++) {
          const rg = plan.units[u]![1];
          const rowGroup = pf.metadata.row_groups[rg];
          if (rowGroup === undefined || Number(rowGroup.num_rows) !== filePlan.rowGroupRows[rg]) {
            throw new SourceError(shown, `${shown} changed while it was being hashed (its row groups differ from the first reading); rerun once the data stops changing.`);
          }
          const firstRowInFile = filePlan.rowGroupRows.slice(0, rg).reduce((a, b) => a + b, 0);
          const at = { pf, shown, rowGroup, rg, firstRowInFile, ordinalBase: filePlan.firstRow + firstRowInFile };
          try {
            const counted = { samples: 0 };
            if (leaf !== undefined) yield* this.#columnBatches(at, leaf, context, scratch, nulls, counted);
            else yield* this.#rowBatches(at, columns!, context, counted);
            samples += counted.samples;
          } catch (error) {
            throw toSourceError(`${shown} (row group ${rg})`, error);
          }
        }
      } finally {
        await closeParquetFile(pf);
      }
      if (nulls.count > 0) {
        this.warnings.push(
          `skipped ${nulls.count} row${nulls.count === 1 ? "" : "s"} of ${shown} whose ${this.#options.column} is null ` +
            `(${nulls.first.join(", ")}${nulls.count > nulls.first.length ? ", …" : ""}): a null value is not a sample`,
        );
      }
    }
    if (samples === 0 && context.part === undefined) {
      throw new SourceError(
        this.#name,
        this.#options.column === null ? `${this.#name} contains no samples: it has no rows.` : `${this.#name} contains no samples: no row has a non-null ${this.#options.column}.`,
      );
    }
  }

  #list(): Promise<ShardListing> {
    this.#listing ??= listShardFiles(
      this.#root,
      this.#name,
      this.#isDirectory,
      {
        include: this.#options.include.length === 0 ? ["*.parquet"] : this.#options.include,
        exclude: this.#options.exclude,
        includeHidden: this.#options.includeHidden,
        followSymlinks: this.#options.followSymlinks,
      },
      "Parquet files (.parquet)",
      isParquetName, // --include narrows the walk; only .parquet files are read whatever it says
    );
    return this.#listing;
  }

  #planned(): Promise<SourcePlan> {
    this.#plan ??= (async () => {
      const { files } = await this.#list();
      const plans: FilePlan[] = [];
      const units: Array<readonly [number, number]> = [];
      let rows = 0;
      for (const file of files) {
        const pf = await openParquetFile(file.absolutePath, file.idPrefix).catch((error: unknown) => {
          throw toSourceError(file.idPrefix, error);
        });
        try {
          if (this.#options.column !== null) resolveOrThrow(pf, this.#options.column, file.idPrefix);
          else rowColumnsOrThrow(pf, file.idPrefix);
          const rowGroupRows = pf.metadata.row_groups.map((g) => Number(g.num_rows));
          rowGroupRows.forEach((_, g) => units.push([plans.length, g]));
          plans.push({ file, rowGroupRows, firstRow: rows });
          rows += rowGroupRows.reduce((a, b) => a + b, 0);
        } finally {
          await closeParquetFile(pf);
        }
      }
      return { files: plans, units, rows };
    })();
    return this.#plan;
  }

  /** The samples of one row group's column chunk. */
  async *#columnBatches(at: RowGroupAt, leaf: ParquetLeafColumn, context: BatchContext, scratch: PageScratch, nulls: NullTally, counted: { samples: number }): AsyncGenerator<SampleBatch> {
    const chunk = columnChunk(at.rowGroup, leaf);
    if (chunk === undefined) throw new DatatraceError(`row group ${at.rg} has no column ${leaf.path.join(".")}`);
    if (!supportedCodec(chunk.codec)) {
      throw new DatatraceError(`column ${leaf.path.join(".")} is compressed with ${chunk.codec}, which cannot be read here (supported: SNAPPY, GZIP, BROTLI, ZSTD, UNCOMPRESSED); rewrite the file with one of those`);
    }
    const codec = columnCodec(leaf, chunk);
    const { start, end } = chunkRange(chunk);
    const rows = Number(at.rowGroup.num_rows);
    const nullFree = leaf.maxDefinitionLevel === 0 || chunk.statistics?.null_count === 0n;
    const state: { dictionary?: unknown } = {};
    // The dictionary page (if any) comes first; the workers get a copy with every run of pages.
    const dictionaryPage = (await readDictionaryPage(at.pf, start, end)) ?? new Uint8Array(0);
    if (dictionaryPage.length > 0) decodeColumnPages(dictionaryPage, codec, scratch, () => undefined, state);
    let pos = start + dictionaryPage.length;
    let row = 0;
    const window = new FileWindow(at.pf.handle.fd, end);
    let cursor: ParquetPageCursor | undefined; // for the pages the main thread decodes
    const packer = new SegmentPacker(context);
    try {
      while (pos < end) {
        if (nullFree) {
          const run = await this.#workerRun(at, codec, dictionaryPage, window, pos, end, row, context);
          if (run !== undefined) {
            const { batch } = run;
            // Rows decoded by the main thread before these pages go first: batches stay in row order.
            const earlier = packer.take();
            if (earlier !== undefined) yield earlier;
            pos = run.next;
            row += batch.count;
            counted.samples += batch.count;
            yield batch;
            continue;
          }
        }
        // Nulls to skip, or a page too large for a slot: the main thread decodes this page.
        if (cursor === undefined || cursor.position !== pos) cursor = new ParquetPageCursor(at.pf.handle, pos, end);
        const page = await cursor.next();
        if (page === undefined) break;
        const values: Array<Uint8Array | null> = [];
        decodeColumnPages(page.bytes, codec, scratch, (v) => values.push(v), state);
        for (const value of values) {
          const rowInFile = at.firstRowInFile + row;
          if (value === null) {
            nulls.count++;
            if (nulls.first.length < 3) nulls.first.push(`${at.shown}#${rowInFile}`);
          } else {
            const full = await packer.reserve(value.length);
            if (full !== undefined) yield full;
            packer.append(value, at.ordinalBase + row, `${at.shown}#${rowInFile}`);
            counted.samples++;
          }
          row++;
        }
        pos = cursor.position;
      }
      const last = packer.take();
      if (last !== undefined) yield last;
    } finally {
      packer.release();
    }
    if (row !== rows) throw new DatatraceError(`its column chunk holds ${row} values for ${rows} rows`);
  }

  /**
   * The whole pages that fit one standard slot, from `pos`, as a batch the
   * workers decode: their headers are read here (small reads through
   * `window`); for the hashing engine the worker reads the pages itself
   * (`parquet-file-pages`), for other consumers they are read here into the
   * slot after a copy of the dictionary page (`parquet-pages`). Undefined
   * (slot given back) when not even one page fits.
   */
  async #workerRun(
    at: RowGroupAt,
    codec: ParquetColumnCodec,
    dictionaryPage: Uint8Array,
    window: FileWindow,
    pos: number,
    end: number,
    row: number,
    context: BatchContext,
  ): Promise<{ batch: ParquetPagesBatch | ParquetFilePagesBatch; next: number } | undefined> {
    const slot = await context.acquireSlot();
    let handedOver = false;
    try {
      const limit = pos + Math.min(slot.data.length - dictionaryPage.length, end - pos);
      let offset = pos;
      let rows = 0;
      const pageEnds: number[] = [];
      while (offset < limit) {
        const found = pageHeaderAt(window, offset, limit);
        if (found === undefined) break; // a header cut by the end of the run: the next run starts with it
        const { header, headerLength } = found;
        const pageEnd = offset + headerLength + header.compressed_page_size;
        if (pageEnd > limit) break;
        const pageRows =
          header.type === "DATA_PAGE" ? header.data_page_header!.num_values : header.type === "DATA_PAGE_V2" ? header.data_page_header_v2!.num_rows : header.type === "INDEX_PAGE" ? 0 : -1;
        if (pageRows < 0) throw new DatatraceError(`a second dictionary page in the column chunk, at byte ${offset}`);
        if (rows + pageRows > slot.maxSamples) break;
        rows += pageRows;
        offset = pageEnd;
        pageEnds.push(pageEnd - pos);
      }
      if (offset === pos) return undefined;
      const ids: string[] = [];
      const ordinals = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        ordinals[i] = at.ordinalBase + row + i;
        if (context.withIds) ids.push(`${at.shown}#${at.firstRowInFile + row + i}`);
      }
      const common = { slot, column: codec, count: rows, ordinals, ids: context.withIds ? ids : null };
      let batch: ParquetPagesBatch | ParquetFilePagesBatch;
      if (context.readsInWorkers === true) {
        batch = { kind: "parquet-file-pages", path: at.pf.path, file: at.pf.identity, offset: pos, pageEnds: Float64Array.from(pageEnds), dictionaryPage, ...common };
      } else {
        slot.data.set(dictionaryPage, 0);
        readFullySync(at.pf.handle.fd, slot.data, offset - pos, pos, dictionaryPage.length);
        batch = { kind: "parquet-pages", byteLength: dictionaryPage.length + offset - pos, ...common };
      }
      handedOver = true;
      return { batch, next: offset };
    } finally {
      if (!handedOver) context.releaseSlot(slot);
    }
  }

  /** The samples of one row group in whole-row mode. */
  async *#rowBatches(at: RowGroupAt, columns: ReturnType<typeof rowColumns>, context: BatchContext, counted: { samples: number }): AsyncGenerator<SampleBatch> {
    const rowStart = at.firstRowInFile;
    const rowEnd = rowStart + Number(at.rowGroup.num_rows);
    let rows: unknown[][] = [];
    await parquetRead({
      file: at.pf.buffer,
      metadata: at.pf.metadata,
      rowStart,
      rowEnd,
      columns: columns.map((c) => c.element.name),
      rowFormat: "array",
      utf8: false,
      parsers: ROW_PARSERS,
      compressors: freshCompressors(),
      onComplete: (r) => {
        rows = r;
      },
    });
    if (rows.length !== rowEnd - rowStart) throw new DatatraceError(`it yielded ${rows.length} rows, its footer announces ${rowEnd - rowStart}`);
    const packer = new SegmentPacker(context);
    try {
      for (let i = 0; i < rows.length; i++) {
        const bytes = encoder.encode(canonicalRow(rows[i]!, columns));
        const full = await packer.reserve(bytes.length);
        if (full !== undefined) yield full;
        packer.append(bytes, at.ordinalBase + i, `${at.shown}#${rowStart + i}`);
        counted.samples++;
      }
      const last = packer.take();
      if (last !== undefined) yield last;
    } finally {
      packer.release();
    }
  }
}

/**
 * The chunk's dictionary page (header and body), or undefined when its first
 * page is a data page. Reads only the first header, then the page.
 */
async function readDictionaryPage(pf: ParquetFile, start: number, end: number): Promise<Uint8Array | undefined> {
  const head = new Uint8Array(Math.min(64 * 1024, end - start));
  await readFully(pf.handle, head, 0, head.length, start);
  const reader = { view: new DataView(head.buffer, head.byteOffset, head.byteLength), offset: 0 };
  let header;
  try {
    header = parquetHeader(reader);
  } catch {
    // A header larger than the peek: let the page cursor read it.
    const page = await new ParquetPageCursor(pf.handle, start, end).next();
    return page?.header.type === "DICTIONARY_PAGE" ? page.bytes.slice() : undefined;
  }
  if (header.type !== "DICTIONARY_PAGE") return undefined;
  const total = reader.offset + header.compressed_page_size;
  if (start + total > end) throw new DatatraceError(`the dictionary page at byte ${start} runs past the end of its column chunk`);
  const page = new Uint8Array(total);
  await readFully(pf.handle, page, 0, total, start);
  return page;
}

/** First guess of a page header's size (a header with statistics can be larger: the guess grows). */
const HEADER_GUESS = 1024;

/** The page header at `offset` (read through `window`, never past `limit`), or undefined when it does not end before `limit`. */
function pageHeaderAt(window: FileWindow, offset: number, limit: number): { header: PageHeader; headerLength: number } | undefined {
  for (let guess = Math.min(HEADER_GUESS, limit - offset); ; guess = Math.min(4 * guess, limit - offset)) {
    const bytes = window.bytes(offset, guess);
    const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
    try {
      return { header: parquetHeader(reader), headerLength: reader.offset };
    } catch {
      if (guess >= limit - offset) return undefined;
    }
  }
}

/** Where a row group is. */
interface RowGroupAt {
  readonly pf: ParquetFile;
  readonly shown: string;
  readonly rowGroup: RowGroup;
  readonly rg: number;
  /** Row index, in the file, of the group's first row. */
  readonly firstRowInFile: number;
  /** Ordinal of the group's first row (its index across the source). */
  readonly ordinalBase: number;
}

function resolveOrThrow(pf: ParquetFile, column: string, shown: string): ParquetLeafColumn {
  try {
    return resolveColumn(pf.schema, column, shown);
  } catch (error) {
    throw new SourceError(shown, (error as Error).message, { cause: error });
  }
}

function rowColumnsOrThrow(pf: ParquetFile, shown: string): ReturnType<typeof rowColumns> {
  try {
    return rowColumns(pf.schema);
  } catch (error) {
    throw new SourceError(
      shown,
      `${shown}: ${(error as Error).message}. Hash one column with --column <name> (binary or string), or convert that column.`,
      { cause: error },
    );
  }
}

function toSourceError(where: string, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const message = (error as Error).message ?? String(error);
  return new SourceError(where, `Cannot read ${where}: ${message}`.replace(/\.?$/u, "."), { cause: error });
}

/** Used by tests and tools: the footer metadata of a file. */
export async function parquetFileMetadata(file: string): Promise<FileMetaData> {
  const pf = await openParquetFile(file, file);
  try {
    return pf.metadata;
  } finally {
    await closeParquetFile(pf);
  }
}
