/**
 * The Croissant 1.0 description of a dataset's data files and records, from
 * what the sources say about them (src/sources/source-structure.ts): for
 * each source, `distribution` entries for its files (a `cr:FileObject` for
 * one file, a `cr:FileSet` for a directory; for tar shards, one `cr:FileSet`
 * per member extension contained in the shards; for an image folder, a
 * `cr:FileObject` per metadata file with its SHA-256) and one `cr:RecordSet`
 * whose fields say where each value comes from (`extract.column` for
 * Parquet and metadata columns, `extract.fileProperty: content` for files and
 * tar members, `transform.jsonPath: bytes` for a Hugging Face Image / Audio
 * struct). The data files are not stored with the manifest: their URLs are
 * the relative paths the manifest's sample ids use.
 *
 * Ids: `source-<k>` for the files of the k-th source (1-based),
 * `source-<k>-<ext>` for a tar extension, `source-<k>-metadata-<j>` for a
 * metadata file, `records-<k>` for its record set and `records-<k>/<field>`
 * for its fields, so that they never collide with the manifest's entries.
 */
import type { FieldStructure, FieldType, SourceStructure } from "../sources/index.js";
import type { JsonObject } from "./canonical-json.js";

/** Fields described per record set, at most (the metadata must fit one IPFS block). */
export const MAX_FIELDS_PER_RECORD_SET = 200;

const DATA_TYPES: Record<FieldType, string | undefined> = {
  text: "sc:Text",
  integer: "sc:Integer",
  float: "sc:Float",
  boolean: "sc:Boolean",
  date: "sc:Date",
  datetime: "sc:DateTime",
  image: "sc:ImageObject",
  audio: "sc:AudioObject",
  video: "sc:VideoObject",
  bytes: "sc:MediaObject",
  struct: undefined,
};

const MEDIA_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  bmp: "image/bmp",
  tif: "image/tiff",
  tiff: "image/tiff",
  txt: "text/plain",
  caption: "text/plain",
  cls: "text/plain",
  json: "application/json",
  jsonl: "application/jsonl",
  csv: "text/csv",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  flac: "audio/flac",
  mp4: "video/mp4",
  webm: "video/webm",
};

/** The MIME type of a file extension (`seg.png` → image/png), or application/octet-stream. */
export function mediaTypeOf(extension: string): string {
  return MEDIA_TYPES[extension.slice(extension.lastIndexOf(".") + 1).toLowerCase()] ?? "application/octet-stream";
}

function ref(id: string): JsonObject {
  return { "@id": id };
}

function dataSource(field: FieldStructure, filesId: string, fileKind: "fileObject" | "fileSet", tarSets: Map<string, string>, metadataIds: Map<string, string>): JsonObject {
  const from = field.from;
  if ("metadataColumn" in from) return { fileObject: ref(metadataIds.get(from.metadataFile)!), extract: { column: from.metadataColumn } };
  if ("content" in from) {
    const set = field.extension === undefined ? undefined : tarSets.get(field.extension);
    return set === undefined ? { [fileKind]: ref(filesId), extract: { fileProperty: "content" } } : { fileSet: ref(set), extract: { fileProperty: "content" } };
  }
  const [top, ...inner] = from.column.split(".");
  // A Hugging Face Image / Audio struct: the value is its bytes; a nested field: its path in the struct.
  const jsonPath = inner.length > 0 ? inner.join(".") : field.type === "image" || field.type === "audio" ? "bytes" : undefined;
  return { [fileKind]: ref(filesId), extract: { column: top! }, ...(jsonPath === undefined ? {} : { transform: { jsonPath } }) };
}

function fieldJson(field: FieldStructure, idPrefix: string, make: (f: FieldStructure) => JsonObject): JsonObject {
  const id = `${idPrefix}/${field.name}`;
  const dataType = DATA_TYPES[field.type];
  const nested = field.fields !== undefined && field.fields.length > 0;
  return {
    "@type": "cr:Field",
    "@id": id,
    name: field.name,
    ...(dataType === undefined ? {} : { dataType }),
    ...(field.repeated === true ? { repeated: true } : {}),
    ...(nested ? { subField: field.fields!.map((f) => fieldJson(f, id, make)) } : { source: make(field) }),
  };
}

/** Croissant `distribution` entries and `recordSet`s for the sources (see the module doc). */
export function croissantRecordSets(structures: readonly SourceStructure[]): { distribution: JsonObject[]; recordSet: JsonObject[] } {
  const distribution: JsonObject[] = [];
  const recordSet: JsonObject[] = [];
  structures.forEach((s, index) => {
    const k = index + 1;
    const filesId = `source-${k}`;
    const fileKind = s.directory ? "fileSet" : "fileObject";
    const description = `Files of source ${s.name} (${s.kind}); not stored with the manifest: the paths are those its sample ids use.`;
    if (s.directory) {
      const includes = s.kind === "tar" ? ["**/*.tar", "**/*.tar.gz", "**/*.tgz"] : [s.includes ?? "**/*"];
      distribution.push({
        "@type": "cr:FileSet",
        "@id": filesId,
        name: s.name,
        description,
        encodingFormat: s.encodingFormat,
        includes: includes.map((g) => (s.name === "." ? g : `${s.name}/${g}`)),
      });
    } else {
      distribution.push({ "@type": "cr:FileObject", "@id": filesId, name: s.name, description, contentUrl: s.name, encodingFormat: s.encodingFormat });
    }
    const tarSets = new Map<string, string>();
    if (s.kind === "tar") {
      for (const field of s.fields) {
        if (field.extension === undefined) continue;
        const id = `${filesId}-${field.extension}`;
        tarSets.set(field.extension, id);
        distribution.push({
          "@type": "cr:FileSet",
          "@id": id,
          name: `*.${field.extension}`,
          description: `The .${field.extension} members of the shards of ${s.name}.`,
          containedIn: ref(filesId),
          encodingFormat: mediaTypeOf(field.extension),
          includes: `*.${field.extension}`,
        });
      }
    }
    const metadataIds = new Map<string, string>();
    (s.metadataFiles ?? []).forEach((m, j) => {
      const id = `${filesId}-metadata-${j + 1}`;
      metadataIds.set(m.shownPath, id);
      distribution.push({
        "@type": "cr:FileObject",
        "@id": id,
        name: m.shownPath,
        description: `Image-folder metadata of ${s.name} (captions, labels), recorded with its checksum${m.columns.length > 0 ? `; columns ${m.columns.join(", ")}` : ""}.`,
        contentUrl: m.shownPath,
        encodingFormat: m.encodingFormat,
        sha256: m.sha256,
        contentSize: `${m.bytes} B`,
      });
    });
    const recordsId = `records-${k}`;
    const fields = s.fields.slice(0, MAX_FIELDS_PER_RECORD_SET);
    const truncated = s.fields.length > fields.length ? ` Only the first ${fields.length} of ${s.fields.length} fields are described.` : "";
    recordSet.push({
      "@type": "cr:RecordSet",
      "@id": recordsId,
      name: s.name,
      description: `${s.sample} The sample hash is the SHA-256 of the sample's bytes.${truncated}`,
      field: fields.map((f) => fieldJson(f, recordsId, (leaf) => dataSource(leaf, filesId, fileKind, tarSets, metadataIds))),
    });
  });
  return { distribution, recordSet };
}
