/**
 * An open Parquet file: its footer metadata and schema (read by hyparquet),
 * a file handle for reading byte ranges, and the leaf column a `--column`
 * source takes its samples from.
 *
 * `--column c` names a top-level column or a dotted path to a nested one
 * (`image.bytes`). The sample is the column's value as bytes: a BYTE_ARRAY
 * or FIXED_LEN_BYTE_ARRAY leaf (binary, or a string as its UTF-8 bytes),
 * or, for a struct with a binary `bytes` field — the Hugging Face `Image` and
 * `Audio` features, `{bytes, path}` — that field. Repeated (list) columns
 * and columns whose values are numbers (DECIMAL, FLOAT16, INTERVAL) cannot
 * be a sample.
 */
import type { FileHandle } from "node:fs/promises";

import type { AsyncBuffer, ColumnMetaData, FileMetaData, RowGroup, SchemaTree } from "hyparquet";
import { parquetMetadataAsync, parquetSchema } from "hyparquet";
import { getMaxDefinitionLevel, getMaxRepetitionLevel } from "hyparquet/src/schema.js";

import type { ParquetColumnCodec } from "./parquet-pages.mjs";
import type { FileIdentity } from "./sample-batch.js";
import { openSourceFile } from "./source-file.js";
import { DatatraceError } from "../errors/index.js";

/** The leaf column of a `--column` source. */
export interface ParquetLeafColumn {
  /** Path of the leaf, e.g. ["image", "bytes"]. */
  readonly path: readonly string[];
  /** Schema path from the root to the leaf. */
  readonly schemaPath: readonly SchemaTree[];
  readonly maxDefinitionLevel: number;
  /** True when the sample is the `bytes` field of a struct (HF Image / Audio). */
  readonly structBytes: boolean;
}

/** An open Parquet file. */
export interface ParquetFile {
  /** The path it was opened by (the hashing workers read pages by it), and the device and inode numbers of the file open. */
  readonly path: string;
  readonly identity: FileIdentity;
  readonly handle: FileHandle;
  readonly size: number;
  readonly buffer: AsyncBuffer;
  readonly metadata: FileMetaData;
  readonly schema: SchemaTree;
}

/** Reads `[start, end)` of an open file into a fresh buffer. */
async function readRange(handle: FileHandle, start: number, end: number): Promise<ArrayBuffer> {
  const out = new Uint8Array(end - start);
  for (let got = 0; got < out.length; ) {
    const { bytesRead } = await handle.read(out, got, out.length - got, start + got);
    if (bytesRead === 0) throw new DatatraceError(`the file ended at byte ${start + got}, expected ${end} (it shrank while being read)`);
    got += bytesRead;
  }
  return out.buffer;
}

/** Opens `file` and reads its footer; `shown` names it in errors. Close with {@link closeParquetFile}. */
export async function openParquetFile(file: string, shown: string): Promise<ParquetFile> {
  const handle = await openSourceFile(file, shown);
  try {
    const { size, dev, ino } = await handle.stat();
    const buffer: AsyncBuffer = { byteLength: size, slice: (start, end) => readRange(handle, start, end ?? size) };
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(buffer);
    } catch (error) {
      throw new DatatraceError(
        `${shown} is not a readable Parquet file (${(error as Error).message}). Check that it is Parquet and complete (it must end with PAR1); download it again.`,
        { cause: error },
      );
    }
    return { path: file, identity: { dev, ino }, handle, size, buffer, metadata, schema: parquetSchema(metadata) };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Closes the file. */
export async function closeParquetFile(file: ParquetFile): Promise<void> {
  await file.handle.close();
}

function describe(node: SchemaTree): string {
  const e = node.element;
  if (node.children.length > 0) return e.converted_type === "LIST" || e.logical_type?.type === "LIST" ? "a list" : "a struct";
  const annotation = e.logical_type?.type ?? e.converted_type;
  return annotation === undefined ? String(e.type) : `${annotation} (${e.type})`;
}

/** Why a leaf cannot be a sample, or undefined. */
function leafRefusal(node: SchemaTree): string | undefined {
  const e = node.element;
  if (e.type !== "BYTE_ARRAY" && e.type !== "FIXED_LEN_BYTE_ARRAY") return `holds ${describe(node)} values, not bytes`;
  const kind = e.logical_type?.type ?? e.converted_type;
  if (kind === "DECIMAL" || kind === "FLOAT16" || kind === "INTERVAL" || kind === "BSON" || kind === "VARIANT") return `holds ${kind} values, not bytes`;
  return undefined;
}

/**
 * Resolves `--column` against a file's schema (see the module doc). Throws
 * an Error saying what the column is and which columns would do.
 */
export function resolveColumn(schema: SchemaTree, column: string, shown: string): ParquetLeafColumn {
  const names = column.split(".");
  const path: SchemaTree[] = [schema];
  let node = schema;
  for (const name of names) {
    const child = node.children.find((c) => c.element.name === name);
    if (child === undefined) {
      const candidates = schema.children.filter((c) => bytesLeaf(c) !== undefined).map((c) => c.element.name);
      throw new DatatraceError(
        `${shown} has no column ${column} (columns: ${schema.children.map((c) => c.element.name).join(", ")}). ` +
          (candidates.length > 0 ? `Columns whose values are bytes: ${candidates.join(", ")}.` : "No column holds bytes: omit --column to hash whole rows."),
      );
    }
    path.push(child);
    node = child;
  }
  let structBytes = false;
  if (node.children.length > 0) {
    const bytes = bytesLeaf(node);
    if (bytes === undefined) {
      throw new DatatraceError(`Column ${column} of ${shown} is ${describe(node)} without a binary "bytes" field, so it cannot be a sample. Name a binary or string column, or omit --column to hash whole rows.`);
    }
    path.push(bytes);
    node = bytes;
    structBytes = true;
  }
  const refusal = leafRefusal(node);
  if (refusal !== undefined) {
    throw new DatatraceError(`Column ${path.slice(1).map((n) => n.element.name).join(".")} of ${shown} ${refusal}, so it cannot be a sample. Name a binary or string column, or omit --column to hash whole rows.`);
  }
  if (getMaxRepetitionLevel(path) > 0) {
    throw new DatatraceError(`Column ${column} of ${shown} is inside a list (repeated), so a row has no single value. Name a column with one value per row, or omit --column to hash whole rows.`);
  }
  return { path: path.slice(1).map((n) => n.element.name), schemaPath: path, maxDefinitionLevel: getMaxDefinitionLevel(path), structBytes };
}

/** The binary `bytes` field of a struct column (HF Image / Audio), or the node itself if it is a usable leaf. */
function bytesLeaf(node: SchemaTree): SchemaTree | undefined {
  if (node.children.length === 0) return leafRefusal(node) === undefined ? node : undefined;
  if (node.element.repetition_type === "REPEATED" || node.element.converted_type === "LIST" || node.element.converted_type === "MAP") return undefined;
  const bytes = node.children.find((c) => c.element.name === "bytes" && c.children.length === 0);
  return bytes !== undefined && leafRefusal(bytes) === undefined && bytes.element.type === "BYTE_ARRAY" ? bytes : undefined;
}

/** The chunk of `leaf` in a row group (matched by path), or undefined when the row group lacks it. */
export function columnChunk(rowGroup: RowGroup, leaf: ParquetLeafColumn): ColumnMetaData | undefined {
  const key = leaf.path.join("\u0000");
  return rowGroup.columns.find((c) => c.meta_data !== undefined && c.meta_data.path_in_schema.join("\u0000") === key)?.meta_data;
}

/** What the workers need to decode the chunk's pages (schema path trimmed to the elements). */
export function columnCodec(leaf: ParquetLeafColumn, chunk: ColumnMetaData): ParquetColumnCodec {
  return {
    pathInSchema: [...leaf.path],
    type: chunk.type,
    codec: chunk.codec,
    maxDefinitionLevel: leaf.maxDefinitionLevel,
    leafPath: leaf.schemaPath.map((n) => ({ element: n.element, children: [], count: 1, path: n.path })),
  };
}

/** Byte range `[start, end)` of a column chunk in the file (dictionary page included). */
export function chunkRange(chunk: ColumnMetaData): { start: number; end: number } {
  // Some writers store 0 for "no dictionary page".
  const start = Number(chunk.dictionary_page_offset !== undefined && chunk.dictionary_page_offset > 0n ? chunk.dictionary_page_offset : chunk.data_page_offset);
  return { start, end: start + Number(chunk.total_compressed_size) };
}
