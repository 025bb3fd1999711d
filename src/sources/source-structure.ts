/**
 * What the records of a source look like, where the format says so — the
 * input of the Croissant `recordSet` (src/registry/croissant-record-set.ts):
 *
 * - Parquet: the columns of the first file's schema (the Hugging Face
 *   `huggingface` key-value metadata, when present, names Image and Audio
 *   features), and which column (or the whole row) is the sample;
 * - tar (WebDataset): the member extensions met while hashing (`jpg`,
 *   `txt`, `json`…), one field each;
 * - image folder: the files, plus the columns of each metadata file
 *   (`metadata.csv` header, `metadata.jsonl` first object, `metadata.parquet`
 *   schema), with the files' checksums.
 *
 * Other kinds (dir, lines, idx) describe their samples only.
 */
import { createReadStream } from "node:fs";
import path from "node:path";

import type { SchemaTree } from "hyparquet";

import { ImageFolderSource } from "./image-folder-source.js";
import { closeParquetFile, openParquetFile } from "./parquet-file.js";
import { ParquetSource } from "./parquet-source.js";
import type { SampleSource } from "./sample-source.js";
import type { ImageFolderMetadataFile, SourceKind } from "./source-description.js";
import { TarSource } from "./tar-source.js";
import { InternalError } from "../errors/index.js";

/** The type of a field's values, format-neutral. */
export type FieldType = "text" | "integer" | "float" | "boolean" | "date" | "datetime" | "image" | "audio" | "video" | "bytes" | "struct";

/** One field of a source's records. */
export interface FieldStructure {
  readonly name: string;
  readonly type: FieldType;
  /** A list of values of `type`. */
  readonly repeated?: boolean;
  /** Fields of a struct. */
  readonly fields?: readonly FieldStructure[];
  /** Where the value comes from: a column of the data files, the file's bytes (image folders), or a metadata file's column. */
  readonly from: { readonly column: string } | { readonly content: true } | { readonly metadataColumn: string; readonly metadataFile: string };
  /** For tar sources: the member extension (`jpg`) whose files hold this field. */
  readonly extension?: string;
}

/** A metadata file of an image folder, with its columns. */
export interface MetadataFileStructure extends ImageFolderMetadataFile {
  /** Path relative to the working directory (the source name joined with `path`). */
  readonly shownPath: string;
  readonly encodingFormat: string;
  readonly columns: readonly string[];
}

/** What a source's records look like. */
export interface SourceStructure {
  readonly kind: SourceKind;
  /** The source's name (its path relative to the working directory). */
  readonly name: string;
  /** Whether the source is a directory (its files are matched by `includes`) or one file. */
  readonly directory: boolean;
  /** Glob of the data files under the source directory (`*.parquet`, `**\/*.tar`), when a directory. */
  readonly includes?: string;
  /** MIME type of the data files. */
  readonly encodingFormat: string;
  /** One sentence: what one sample is and its id. */
  readonly sample: string;
  readonly fields: readonly FieldStructure[];
  readonly metadataFiles?: readonly MetadataFileStructure[];
}

const IMAGE_EXTENSIONS = /^(jpe?g|png|webp|gif|bmp|tiff?|avif|heic)$/iu;
const AUDIO_EXTENSIONS = /^(mp3|wav|flac|ogg|opus|m4a)$/iu;
const VIDEO_EXTENSIONS = /^(mp4|webm|mkv|avi|mov)$/iu;
const TEXT_EXTENSIONS = /^(txt|json|jsonl|caption|cls|csv|tsv|xml|html?|md)$/iu;

/** The field type of a WebDataset extension (`jpg` → image; `seg.png` looks at the last part). */
export function extensionType(extension: string): FieldType {
  const last = extension.slice(extension.lastIndexOf(".") + 1);
  if (IMAGE_EXTENSIONS.test(last)) return "image";
  if (AUDIO_EXTENSIONS.test(last)) return "audio";
  if (VIDEO_EXTENSIONS.test(last)) return "video";
  if (TEXT_EXTENSIONS.test(last)) return "text";
  return "bytes";
}

/** The Hugging Face feature types (`Image`, `Audio`) of a file's columns, from its `huggingface` metadata. */
function huggingFaceFeatures(keyValues: ReadonlyArray<{ key: string; value?: string | undefined }> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const raw = keyValues?.find((kv) => kv.key === "huggingface")?.value;
  if (raw === undefined) return out;
  try {
    const features = (JSON.parse(raw) as { info?: { features?: Record<string, { _type?: string }> } }).info?.features ?? {};
    for (const [name, feature] of Object.entries(features)) if (typeof feature?._type === "string") out.set(name, feature._type);
  } catch {
    // Not JSON: no feature types.
  }
  return out;
}

function parquetField(node: SchemaTree, hf: Map<string, string>, top: boolean): FieldStructure {
  const e = node.element;
  const name = e.name;
  const column = node.path.join(".");
  const hfType = top ? hf.get(name) : undefined;
  if (hfType === "Image" || hfType === "Audio") return { name, type: hfType === "Image" ? "image" : "audio", from: { column } };
  if (node.children.length > 0) {
    const isList = e.converted_type === "LIST" || e.logical_type?.type === "LIST";
    if (isList) {
      const repeated = node.children[0]!;
      const element = repeated.children.length === 1 ? repeated.children[0]! : repeated;
      const inner = parquetField(element, hf, false);
      return { ...inner, name, repeated: true, from: { column } };
    }
    return { name, type: "struct", fields: node.children.map((c) => parquetField(c, hf, false)), from: { column } };
  }
  const logical = e.logical_type?.type ?? e.converted_type;
  let type: FieldType;
  switch (e.type) {
    case "BOOLEAN":
      type = "boolean";
      break;
    case "INT32":
    case "INT64":
      type = logical === "DATE" ? "date" : logical === "TIMESTAMP" || logical === "TIMESTAMP_MILLIS" || logical === "TIMESTAMP_MICROS" ? "datetime" : "integer";
      break;
    case "INT96":
      type = "datetime";
      break;
    case "FLOAT":
    case "DOUBLE":
      type = "float";
      break;
    default:
      type = logical === "UTF8" || logical === "STRING" || logical === "JSON" || logical === "ENUM" ? "text" : "bytes";
  }
  return { name, type, ...(e.repetition_type === "REPEATED" ? { repeated: true } : {}), from: { column } };
}

async function parquetStructure(source: ParquetSource): Promise<SourceStructure> {
  const d = source.description;
  if (d.kind !== "parquet") throw new InternalError("not a Parquet source");
  const files = await source.files();
  const first = files[0]!;
  const pf = await openParquetFile(first.absolutePath, first.idPrefix);
  let fields: FieldStructure[];
  try {
    const hf = huggingFaceFeatures(pf.metadata.key_value_metadata);
    fields = pf.schema.children.map((c) => parquetField(c, hf, true));
  } finally {
    await closeParquetFile(pf);
  }
  const column = d.options.column;
  return {
    kind: "parquet",
    name: d.name,
    directory: source.isDirectory,
    ...(source.isDirectory ? { includes: "**/*.parquet" } : {}),
    encodingFormat: "application/x-parquet",
    sample:
      column === null
        ? `One sample per row: the canonical serialization of the whole row (docs/sources.md); id <file>#<row>.`
        : `One sample per row: the bytes of column ${column}; id <file>#<row>; rows whose ${column} is null are not samples.`,
    fields,
  };
}

function tarStructure(source: TarSource): SourceStructure {
  const d = source.description;
  if (d.kind !== "tar") throw new InternalError("not a tar source");
  const extensions = [...source.extensions.keys()].sort();
  return {
    kind: "tar",
    name: d.name,
    directory: source.isDirectory,
    ...(source.isDirectory ? { includes: "**/*.tar" } : {}),
    encodingFormat: "application/x-tar",
    sample: d.options.groupByKey
      ? "One sample per WebDataset key: its members sorted by extension, each as u32 extension length, extension, u64 data length, data; id <shard>/<key>."
      : "One sample per member file, its raw bytes; id <shard>/<member path>.",
    fields: extensions.map((extension) => ({ name: extension.replace(/[^A-Za-z0-9_]/gu, "_"), type: extensionType(extension), extension, from: { content: true } as const })),
  };
}

/** Splits a CSV header line (RFC 4180 quoting). */
export function csvHeader(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(field);
      field = "";
    } else field += c;
  }
  out.push(field);
  return out.map((f) => f.trim()).filter((f) => f !== "");
}

async function firstLine(file: string): Promise<string> {
  let text = "";
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 64 * 1024 }) as AsyncIterable<string>) {
    text += chunk;
    const nl = text.indexOf("\n");
    if (nl >= 0) return text.slice(0, nl).replace(/\r$/u, "").replace(/^\uFEFF/u, "");
    if (text.length > 1024 * 1024) break;
  }
  return text.replace(/^\uFEFF/u, "");
}

async function metadataColumns(file: string, name: string): Promise<string[]> {
  try {
    if (name.endsWith(".csv")) return csvHeader(await firstLine(file));
    if (name.endsWith(".jsonl")) {
      const first = JSON.parse(await firstLine(file)) as unknown;
      return typeof first === "object" && first !== null && !Array.isArray(first) ? Object.keys(first) : [];
    }
    const pf = await openParquetFile(file, name);
    try {
      return pf.schema.children.map((c) => c.element.name);
    } finally {
      await closeParquetFile(pf);
    }
  } catch {
    return []; // unreadable metadata: recorded by checksum only
  }
}

async function imageFolderStructure(source: ImageFolderSource): Promise<SourceStructure> {
  const d = source.description;
  if (d.kind !== "imagefolder") throw new InternalError("not an image folder");
  const metadataFiles: MetadataFileStructure[] = [];
  const fields: FieldStructure[] = [{ name: "image", type: "image", from: { content: true } }];
  const seen = new Set<string>(["image"]);
  for (const m of source.metadataFiles) {
    const shownPath = d.name === "." ? m.path : `${d.name}/${m.path}`;
    const encodingFormat = m.path.endsWith(".csv") ? "text/csv" : m.path.endsWith(".jsonl") ? "application/jsonl" : "application/x-parquet";
    const columns = await metadataColumns(path.join(source.root, m.path), m.path);
    metadataFiles.push({ ...m, shownPath, encodingFormat, columns });
    for (const column of columns) {
      if (seen.has(column)) continue;
      seen.add(column);
      fields.push({ name: column, type: "text", from: { metadataColumn: column, metadataFile: shownPath } });
    }
  }
  return {
    kind: "imagefolder",
    name: d.name,
    directory: true,
    includes: "**/*",
    encodingFormat: "image/*",
    sample: `One sample per file (the metadata files excepted${d.options.hashMetadata ? ", which are samples too" : ""}), its raw bytes; id <path>.`,
    fields,
    metadataFiles,
  };
}

/** What the records of each source look like (see the module doc). Call after hashing for tar sources (their extensions are collected then). */
export async function describeSources(sources: readonly SampleSource[]): Promise<SourceStructure[]> {
  const out: SourceStructure[] = [];
  for (const source of sources) {
    if (source instanceof ParquetSource) out.push(await parquetStructure(source));
    else if (source instanceof TarSource) out.push(tarStructure(source));
    else if (source instanceof ImageFolderSource) out.push(await imageFolderStructure(source));
    else {
      const d = source.description;
      out.push({
        kind: d.kind,
        name: d.name,
        directory: d.kind === "dir",
        ...(d.kind === "dir" ? { includes: "**/*" } : {}),
        encodingFormat: d.kind === "lines" ? "text/plain" : "application/octet-stream",
        sample: d.kind === "dir" ? "One sample per file, its raw bytes; id <path>." : d.kind === "lines" ? "One sample per non-empty line; id <file>:<line>." : "One sample per IDX record; id <file>#<record>.",
        fields: [{ name: "content", type: "bytes", from: { content: true } }],
      });
    }
  }
  return out;
}
