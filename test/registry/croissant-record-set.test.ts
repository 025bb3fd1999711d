import { expect } from "chai";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { hashSources } from "../../src/engine/hash-sources.js";
import { CROISSANT_CONTEXT } from "../../src/registry/croissant-context.js";
import { buildDatasetMetadata, type DatasetMetadataInput } from "../../src/registry/dataset-metadata.js";
import { metadataBytes } from "../../src/registry/metadata-document.js";
import { mediaTypeOf } from "../../src/registry/croissant-record-set.js";
import { openSources } from "../../src/sources/open-sources.js";
import { csvHeader, describeSources } from "../../src/sources/source-structure.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { duckdb, pythonTars, sha256 } from "../fixtures/source-fixtures.js";

/**
 * The Croissant 1.0 vocabulary (mlcommons.org/croissant/1.0, sections
 * Dataset-level information, Resources, RecordSets, DataSource, Extract,
 * Transform, Data Types): the terms a dataset description may use.
 */
const CROISSANT_TERMS = new Set(["recordSet", "field", "subField", "source", "extract", "transform", "fileObject", "fileSet", "column", "fileProperty", "jsonPath", "includes", "dataType", "repeated", "citeAs", "conformsTo", "key", "references", "regex", "format", "data", "examples", "isLiveDataset", "parentField", "separator", "replace", "md5"]);
/** schema.org properties used by Croissant on Dataset, FileObject, FileSet, RecordSet and Field (reached through @vocab). */
const SCHEMA_ORG_TERMS = new Set(["name", "description", "contentUrl", "contentSize", "encodingFormat", "sha256", "containedIn", "url", "license", "creator", "publisher", "keywords", "datePublished", "version", "distribution", "sameAs", "image"]);
const TYPES = new Set(["sc:Dataset", "cr:FileObject", "cr:FileSet", "cr:RecordSet", "cr:Field", "sc:Person", "sc:Organization"]);
const DATA_TYPES = new Set(["sc:Text", "sc:Integer", "sc:Float", "sc:Boolean", "sc:Date", "sc:DateTime", "sc:ImageObject", "sc:AudioObject", "sc:VideoObject", "sc:MediaObject"]);
const FILE_PROPERTIES = new Set(["fullpath", "filename", "content", "lines", "lineNumbers"]);
/** ERC-721 metadata and Datatrace terms outside Croissant (declared in the context under urn:datatrace:, or ERC-721 JSON). */
const OTHER_TERMS = new Set(["external_url", "attributes", "merkleRoot", "leafCount", "sampleCount", "duplicateCount", "trait_type", "value", "display_type"]);

/** The document as stored (canonical JSON: absent fields dropped). */
function stored(input: DatasetMetadataInput): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(metadataBytes(buildDatasetMetadata(input)))) as Record<string, unknown>;
}

const COMMITMENT = { root: `0x${"ab".repeat(32)}`, leafCount: 10, sampleCount: 10, manifest: { cid: "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am", headerSha256: "cd".repeat(32) } };

/** Checks every node against the Croissant vocabulary and every reference against the declared ids; returns the ids. */
function checkVocabulary(doc: Record<string, unknown>): Set<string> {
  const context = doc["@context"] as Record<string, unknown>;
  const ids = new Set<string>();
  const refs: string[] = [];
  const walk = (node: unknown, key: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, key));
    if (typeof node !== "object" || node === null) return;
    const o = node as Record<string, unknown>;
    if (key === "@context" || key === "attributes") return;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "@id") {
      refs.push(o["@id"] as string);
      return;
    }
    if (typeof o["@id"] === "string") {
      expect(ids.has(o["@id"]), `duplicate @id ${o["@id"]}`).to.equal(false);
      ids.add(o["@id"]);
    }
    if (o["@type"] !== undefined) expect(TYPES, `@type ${String(o["@type"])}`).to.include(o["@type"]);
    for (const [k, v] of Object.entries(o)) {
      if (k.startsWith("@")) continue;
      if (CROISSANT_TERMS.has(k)) expect(context, `Croissant term ${k} must be mapped by the @context`).to.have.property(k);
      else expect(SCHEMA_ORG_TERMS.has(k) || OTHER_TERMS.has(k), `term ${k} is neither Croissant 1.0 nor schema.org`).to.equal(true);
      if (k === "dataType") expect(DATA_TYPES, `dataType ${String(v)}`).to.include(v);
      if (k === "fileProperty") expect(FILE_PROPERTIES).to.include(v);
      walk(v, k);
    }
    if (o["@type"] === "cr:Field") {
      expect(o.source !== undefined || o.subField !== undefined, `field ${String(o["@id"])} has a source or subfields`).to.equal(true);
    }
  };
  walk(doc, undefined);
  for (const r of refs) expect(ids, `reference ${r}`).to.include(r);
  return ids;
}

describe("Croissant recordSet and data files from the sources", function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir("croissant")));
  afterEach(() => cleanup());

  it("describes a Hugging Face Parquet file (Image feature, nested struct, list), WebDataset shards and an image folder in Croissant 1.0 terms", async () => {
    mkdirSync(path.join(dir, "data"));
    const features = JSON.stringify({ info: { features: { image: { _type: "Image" }, text: { dtype: "string", _type: "Value" } } } });
    await duckdb([
      `COPY (SELECT {'bytes': encode('img'), 'path': 'a.jpg'} AS image, 'a cat' AS text, 3::BIGINT AS label, 0.5::DOUBLE AS score, DATE '2024-01-01' AS day, ` +
        `[1, 2] AS boxes, {'w': 1, 'h': 2} AS size) TO '${path.join(dir, "data", "train.parquet")}' (FORMAT parquet, KV_METADATA {huggingface: '${features}'})`,
    ]);
    mkdirSync(path.join(dir, "shards"));
    pythonTars([
      {
        file: path.join(dir, "shards", "00000.tar"),
        entries: [
          { name: "000.jpg", data: new Uint8Array([1]) },
          { name: "000.txt", data: new TextEncoder().encode("caption") },
          { name: "000.json", data: new TextEncoder().encode("{}") },
        ],
        format: "pax",
      },
    ]);
    const csv = 'file_name,"caption, long",label\ncat.jpg,a cat,1\n';
    writeTree(dir, { "pets/cat.jpg": "cat", "pets/metadata.csv": csv });

    const sources = await openSources(["data/train.parquet", "shards", "pets"], { baseDir: dir, column: "image" });
    expect(sources.map((s) => s.description.kind)).to.deep.equal(["parquet", "dir", "imagefolder"]); // a shard directory is a dir unless --kind tar
    const [tar] = await openSources(["shards"], { baseDir: dir, kind: "tar" });
    const all = [sources[0]!, tar!, sources[2]!];
    await hashSources(all, { threads: 0, onBatch: () => undefined }); // the tar source learns its extensions while hashing
    const structures = await describeSources(all);

    const input: DatasetMetadataInput = {
      name: "Mixed",
      license: "CC-BY-4.0",
      creator: { name: "Ada Lovelace", type: "Person" },
      publisher: { name: "ACME Labs", type: "Organization", url: "https://acme.example" },
      keywords: ["images", "captions"],
      citeAs: "@misc{mixed, title={Mixed}}",
      externalUrl: "https://acme.example/datasets/mixed",
      sources: structures,
      ...COMMITMENT,
    };
    const doc = stored(input);
    const ids = checkVocabulary(doc);
    expect(doc.creator).to.deep.equal({ "@type": "sc:Person", name: "Ada Lovelace" });
    expect(doc.publisher).to.deep.equal({ "@type": "sc:Organization", name: "ACME Labs", url: "https://acme.example" });
    expect(doc.keywords).to.deep.equal(["images", "captions"]);
    expect(doc.citeAs).to.equal("@misc{mixed, title={Mixed}}");
    expect(doc.external_url).to.equal("https://acme.example/datasets/mixed");
    expect(ids).to.include.members(["sample-hash-manifest", "source-1", "source-2", "source-2-jpg", "source-2-txt", "source-2-json", "source-3", "source-3-metadata-1", "records-1", "records-2", "records-3"]);

    const recordSets = doc.recordSet as Array<Record<string, unknown>>;
    const fields = (k: number) => recordSets[k]!.field as Array<Record<string, unknown>>;
    expect(fields(0).map((f) => [f.name, f.dataType ?? null, f.repeated ?? false])).to.deep.equal([
      ["image", "sc:ImageObject", false],
      ["text", "sc:Text", false],
      ["label", "sc:Integer", false],
      ["score", "sc:Float", false],
      ["day", "sc:Date", false],
      ["boxes", "sc:Integer", true],
      ["size", null, false],
    ]);
    expect(fields(0)[0]!.source).to.deep.equal({ fileObject: { "@id": "source-1" }, extract: { column: "image" }, transform: { jsonPath: "bytes" } });
    expect((fields(0)[6]!.subField as Array<Record<string, unknown>>).map((f) => [f["@id"], f.source])).to.deep.equal([
      ["records-1/size/w", { fileObject: { "@id": "source-1" }, extract: { column: "size" }, transform: { jsonPath: "w" } }],
      ["records-1/size/h", { fileObject: { "@id": "source-1" }, extract: { column: "size" }, transform: { jsonPath: "h" } }],
    ]);
    expect(String(recordSets[0]!.description)).to.match(/^One sample per row: the bytes of column image; id <file>#<row>/u);
    expect(fields(1).map((f) => [f.name, f.dataType])).to.deep.equal([
      ["jpg", "sc:ImageObject"],
      ["json", "sc:Text"],
      ["txt", "sc:Text"],
    ]);
    const distribution = doc.distribution as Array<Record<string, unknown>>;
    expect(distribution.find((d) => d["@id"] === "source-2-jpg")).to.deep.include({ "@type": "cr:FileSet", containedIn: { "@id": "source-2" }, includes: "*.jpg", encodingFormat: "image/jpeg" });
    expect(distribution.find((d) => d["@id"] === "source-2")).to.deep.include({ "@type": "cr:FileSet", includes: ["shards/**/*.tar", "shards/**/*.tar.gz", "shards/**/*.tgz"] });
    expect(distribution.find((d) => d["@id"] === "source-3-metadata-1")).to.deep.include({
      "@type": "cr:FileObject",
      contentUrl: "pets/metadata.csv",
      encodingFormat: "text/csv",
      sha256: sha256(csv),
      contentSize: `${csv.length} B`,
    });
    expect(fields(2).map((f) => [f.name, f.source])).to.deep.equal([
      ["image", { fileSet: { "@id": "source-3" }, extract: { fileProperty: "content" } }],
      ["file_name", { fileObject: { "@id": "source-3-metadata-1" }, extract: { column: "file_name" } }],
      ["caption, long", { fileObject: { "@id": "source-3-metadata-1" }, extract: { column: "caption, long" } }],
      ["label", { fileObject: { "@id": "source-3-metadata-1" }, extract: { column: "label" } }],
    ]);
  });

  it("leaves the recordSet out when no source is described, and refuses a publisher type that is neither Person nor Organization", () => {
    const doc = stored({ name: "x", license: "MIT", ...COMMITMENT });
    expect(doc).not.to.have.property("recordSet");
    checkVocabulary(doc);
    expect(() => buildDatasetMetadata({ name: "x", license: "MIT", publisher: { name: "Bot", type: "Robot" as "Person" }, ...COMMITMENT })).to.throw(/Invalid publisher type: "Robot"/u);
  });

  it("reads CSV header names with quotes, and maps extensions to media types", () => {
    expect(csvHeader('file_name,"a ""quoted"", name",x')).to.deep.equal(["file_name", 'a "quoted", name', "x"]);
    expect(mediaTypeOf("seg.png")).to.equal("image/png");
    expect(mediaTypeOf("npy")).to.equal("application/octet-stream");
    expect(Object.keys(CROISSANT_CONTEXT)).to.include.members(["recordSet", "field", "source", "extract", "fileSet", "fileObject", "jsonPath", "transform", "subField", "repeated", "includes"]);
  });
});
