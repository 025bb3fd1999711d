import { expect } from "chai";
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";
import { ParquetWriter } from "hyparquet-writer";
import { fileWriter } from "hyparquet-writer/src/node.js";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { findSampleBytes } from "../../src/sources/sample-lookup.js";
import { SourceError } from "../../src/sources/source-error.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { errorOf, expectedRoot, seeded, sha256 } from "../fixtures/source-fixtures.js";

const SEED = 2026;
const ROWS = 5000;

/** Hashes the sources; returns id → SHA-256 hex and the warnings. */
async function hashIds(paths: string[], options: OpenSourcesOptions & { threads?: number; slotBytes?: number }): Promise<{ ids: Map<string, string>; warnings: string[] }> {
  const sources = await openSources(paths, options);
  const ids = new Map<string, string>();
  await hashSources(sources, {
    threads: options.threads ?? 0,
    slotBytes: options.slotBytes,
    onBatch: (h) => {
      for (let i = 0; i < h.batch.count; i++) ids.set(h.batch.ids![i]!, Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex"));
    },
  });
  return { ids, warnings: sources.flatMap((s) => [...(s.warnings ?? [])]) };
}

/** The fixture rows: an HF-style image struct with nulls, a dictionary-encoded caption, a binary column without nulls. */
interface FixtureRow {
  readonly id: number;
  readonly image: Uint8Array | null; // null: the struct is null (i % 97 == 0) or its bytes are (i % 101 == 0)
  readonly caption: string;
  readonly data: Uint8Array;
}

function fixtureRows(): FixtureRow[] {
  const rng = seeded(SEED);
  const captions = ["a cat on a mat", "a dog", "ünïcödé caption", 'quotes " and \\ backslash'];
  return Array.from({ length: ROWS }, (_, i) => ({
    id: i,
    image: i % 97 === 0 || i % 101 === 0 ? null : rng.bytes(50 + rng.int(400)),
    caption: captions[i % captions.length]!,
    data: rng.bytes(1 + rng.int(300)),
  }));
}

/** Writes the rows with DuckDB (several row groups; dictionary-encoded captions). */
async function writeWithDuckdb(file: string, rows: readonly FixtureRow[], compression: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("CREATE TABLE staging (id INTEGER, img BLOB, caption VARCHAR, data BLOB)");
    const appender = await connection.createAppender("staging");
    for (const r of rows) {
      appender.appendInteger(r.id);
      if (r.image === null) appender.appendNull();
      else appender.appendBlob(r.image);
      appender.appendVarchar(r.caption);
      appender.appendBlob(r.data);
      appender.endRow();
    }
    appender.closeSync();
    await connection.run(
      `COPY (SELECT id, CASE WHEN id % 97 = 0 THEN NULL ELSE {'bytes': img, 'path': 'img-' || id || '.jpg'} END AS image, caption, data ` +
        `FROM staging ORDER BY id) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION ${compression})`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("parquet source", function () {
  this.timeout(180_000);
  let dir: string;
  let cleanup: () => void;
  let rows: FixtureRow[];

  before(() => {
    console.log(`      (seed ${SEED})`);
    rows = fixtureRows();
  });
  beforeEach(() => ({ dir, cleanup } = tempDir("parquet")));
  afterEach(() => cleanup());

  const imageIds = (name: string): Map<string, string> => new Map(rows.filter((r) => r.image !== null).map((r) => [`${name}#${r.id}`, sha256(r.image!)]));

  it("checks the DuckDB fixture is what the tests assume: 3 row groups, nulls in image.bytes, a dictionary-encoded caption", async () => {
    const file = path.join(dir, "t.parquet");
    await writeWithDuckdb(file, rows, "snappy");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const meta = (await connection.runAndReadAll(`SELECT row_group_id, path_in_schema, encodings, stats_null_count FROM parquet_metadata('${file}')`)).getRows();
    connection.closeSync();
    instance.closeSync();
    expect(new Set(meta.map((m) => m[0])).size).to.equal(3);
    expect(meta.filter((m) => m[1] === "caption").every((m) => /DICTIONARY/u.test(String(m[2])))).to.equal(true);
    expect(meta.filter((m) => m[1] === "image, bytes").some((m) => Number(m[3]) > 0)).to.equal(true);
    expect(meta.filter((m) => m[1] === "data").every((m) => Number(m[3]) === 0)).to.equal(true);
  });

  for (const compression of ["snappy", "zstd", "gzip", "brotli", "uncompressed"]) {
    it(`--column image takes an HF Image struct's bytes, skipping and counting the null rows (DuckDB, ${compression})`, async () => {
      const file = path.join(dir, "train.parquet");
      await writeWithDuckdb(file, rows, compression);
      const nullRows = rows.filter((r) => r.image === null).map((r) => r.id);
      for (const threads of [0, 2]) {
        const { ids, warnings } = await hashIds(["train.parquet"], { baseDir: dir, column: "image", threads });
        expect(ids).to.deep.equal(imageIds("train.parquet"));
        expect(warnings).to.deep.equal([
          `skipped ${nullRows.length} rows of train.parquet whose image is null (${nullRows
            .slice(0, 3)
            .map((r) => `train.parquet#${r}`)
            .join(", ")}, …): a null value is not a sample`,
        ]);
      }
    });
  }

  it("takes a binary column without nulls through the workers, and gives the same samples when the main thread decodes it", async () => {
    const file = path.join(dir, "train.parquet");
    await writeWithDuckdb(file, rows, "snappy");
    const want = new Map(rows.map((r) => [`train.parquet#${r.id}`, sha256(r.data)]));
    const workers = await hashIds(["train.parquet"], { baseDir: dir, column: "data", threads: 2 });
    expect(workers.ids).to.deep.equal(want);
    expect(workers.warnings).to.deep.equal([]);
    // Slots too small for a page: every page goes through the main thread.
    const main = await hashIds(["train.parquet"], { baseDir: dir, column: "data", threads: 2, slotBytes: 512 });
    expect(main.ids).to.deep.equal(want);
  });

  it("takes a dictionary-encoded string column as the UTF-8 bytes of each value", async () => {
    const file = path.join(dir, "train.parquet");
    await writeWithDuckdb(file, rows, "zstd");
    const { ids } = await hashIds(["train.parquet"], { baseDir: dir, column: "caption", threads: 2 });
    expect(ids).to.deep.equal(new Map(rows.map((r) => [`train.parquet#${r.id}`, sha256(r.caption)])));
  });

  it("reads a file written by hyparquet-writer (data pages v2, small row groups) and gives the root of the Merkle tree over the values", async () => {
    const file = path.join(dir, "hw.parquet");
    const writer = fileWriter(file);
    const pw = new ParquetWriter({
      writer,
      schema: [
        { name: "root", num_children: 2 },
        { name: "id", type: "INT32", repetition_type: "REQUIRED" },
        { name: "image", repetition_type: "OPTIONAL", num_children: 2 },
        { name: "bytes", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" },
        { name: "path", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      ],
    });
    const images = rows.map((r) => r.data);
    await pw.write({
      columnData: [
        { name: "id", data: rows.map((r) => r.id) },
        { name: "image", data: images.map((b, i) => ({ bytes: b, path: `img-${i}.jpg` })) },
      ],
      rowGroupSize: 700,
      pageSize: 16 * 1024,
    });
    await pw.finish();
    const want = new Map(images.map((b, i) => [`hw.parquet#${i}`, sha256(b)]));
    for (const slotBytes of [64 * 1024, 4 * 1024 * 1024]) {
      const { ids } = await hashIds(["hw.parquet"], { baseDir: dir, column: "image", threads: 2, slotBytes });
      expect(ids).to.deep.equal(want);
    }
    const report = await buildManifest(await openSources(["hw.parquet"], { baseDir: dir, column: "image.bytes" }), { out: path.join(dir, "m"), threads: 2 });
    expect(report.root).to.equal(expectedRoot(want.values()).root);
    expect(report.sampleCount).to.equal(ROWS);
  });

  it("mixes worker-decoded runs of pages and main-thread pages (larger than a slot) in one chunk, in row order", async () => {
    const rng = seeded(SEED + 5);
    const values = Array.from({ length: 400 }, (_, i) => rng.bytes(i % 50 === 7 ? 40_000 : 1 + rng.int(2000)));
    const writer = fileWriter(path.join(dir, "mixed.parquet"));
    const pw = new ParquetWriter({ writer, schema: [{ name: "root", num_children: 1 }, { name: "blob", type: "BYTE_ARRAY", repetition_type: "REQUIRED" }] });
    await pw.write({ columnData: [{ name: "blob", data: values }], rowGroupSize: 400, pageSize: 8 * 1024 });
    await pw.finish();
    const order: string[] = [];
    const hashes = new Map<string, string>();
    await hashSources(await openSources(["mixed.parquet"], { baseDir: dir, column: "blob" }), {
      threads: 2,
      slotBytes: 32 * 1024,
      onBatch: (h) => {
        for (let i = 0; i < h.batch.count; i++) {
          order.push(h.batch.ids![i]!);
          hashes.set(h.batch.ids![i]!, Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex"));
        }
      },
    });
    expect(order).to.deep.equal(values.map((_, i) => `mixed.parquet#${i}`));
    expect(hashes).to.deep.equal(new Map(values.map((v, i) => [`mixed.parquet#${i}`, sha256(v)])));
  });

  it("hashes pages the workers read themselves, larger and smaller than their 1 MiB read piece, as the main thread decodes them", async () => {
    const rng = seeded(SEED + 6);
    const values = Array.from({ length: 60 }, (_, i) => rng.bytes(i % 10 === 3 ? 1_500_000 : 1 + rng.int(300_000)));
    const writer = fileWriter(path.join(dir, "pages.parquet"));
    const pw = new ParquetWriter({ writer, schema: [{ name: "root", num_children: 1 }, { name: "blob", type: "BYTE_ARRAY", repetition_type: "REQUIRED" }] });
    await pw.write({ columnData: [{ name: "blob", data: values }], rowGroupSize: 30, pageSize: 400 * 1024 });
    await pw.finish();
    const want = new Map(values.map((v, i) => [`pages.parquet#${i}`, sha256(v)]));
    for (const slotBytes of [undefined, 2 * 1024 * 1024]) {
      const { ids } = await hashIds(["pages.parquet"], { baseDir: dir, column: "blob", threads: 2, slotBytes });
      expect(ids, `slot ${slotBytes ?? "default"}`).to.deep.equal(want);
    }
    const [source] = await openSources(["pages.parquet"], { baseDir: dir, column: "blob" });
    for (const id of ["pages.parquet#3", "pages.parquet#44"]) expect(sha256((await findSampleBytes(source!, id))!)).to.equal(want.get(id));
  });

  it("reads a directory of Parquet files in path order, ids naming each file and row", async () => {
    mkdirSync(path.join(dir, "data"));
    await writeWithDuckdb(path.join(dir, "data", "train-00001-of-00002.parquet"), rows.slice(0, 100), "snappy");
    await writeWithDuckdb(path.join(dir, "data", "train-00000-of-00002.parquet"), rows.slice(100, 150), "snappy");
    writeFileSync(path.join(dir, "data", "README.md"), "not parquet");
    const seen: string[] = [];
    await hashSources(await openSources(["data"], { baseDir: dir, kind: "parquet", column: "data" }), { threads: 0, onBatch: (h) => seen.push(...h.batch.ids!) });
    expect(seen).to.deep.equal([
      ...Array.from({ length: 50 }, (_, i) => `data/train-00000-of-00002.parquet#${i}`),
      ...Array.from({ length: 100 }, (_, i) => `data/train-00001-of-00002.parquet#${i}`),
    ]);
  });

  describe("refusals", () => {
    it("names the columns that would do when --column is missing, numeric, or inside a list", async () => {
      const file = path.join(dir, "t.parquet");
      await writeWithDuckdb(file, rows.slice(0, 10), "snappy");
      let error = await errorOf(hashIds(["t.parquet"], { baseDir: dir, column: "picture" }));
      expect(error).to.be.instanceOf(SourceError);
      expect(error.message).to.equal("t.parquet has no column picture (columns: id, image, caption, data). Columns whose values are bytes: image, caption, data.");
      error = await errorOf(hashIds(["t.parquet"], { baseDir: dir, column: "id" }));
      expect(error.message).to.match(/^Column id of t\.parquet holds INT_32 \(INT32\) values, not bytes, so it cannot be a sample\. Name a binary or string column, or omit --column/u);
      const instance = await DuckDBInstance.create(":memory:");
      const connection = await instance.connect();
      await connection.run(`COPY (SELECT [encode('a'), encode('b')] AS frames, 1.5::DECIMAL(4,2) AS price) TO '${path.join(dir, "l.parquet")}' (FORMAT parquet)`);
      connection.closeSync();
      instance.closeSync();
      error = await errorOf(hashIds(["l.parquet"], { baseDir: dir, column: "frames" }));
      expect(error.message).to.match(/^Column frames of l\.parquet is a list without a binary "bytes" field/u);
      error = await errorOf(hashIds(["l.parquet"], { baseDir: dir }));
      expect(error.message).to.match(/^l\.parquet: column price is a DECIMAL, which has no canonical text form for a whole-row sample\. Hash one column with --column/u);
    });

    it("refuses an LZ4 column with the codecs it reads", async () => {
      const file = path.join(dir, "lz4.parquet");
      await writeWithDuckdb(file, rows.slice(0, 10), "lz4");
      const error = await errorOf(hashIds(["lz4.parquet"], { baseDir: dir, column: "data" }));
      expect(error.message).to.match(/^Cannot read lz4\.parquet \(row group 0\): column data is compressed with LZ4_RAW, which cannot be read here \(supported: SNAPPY, GZIP, BROTLI, ZSTD, UNCOMPRESSED\)/u);
    });

    it("refuses a file that is not Parquet, and a truncated one", async () => {
      writeFileSync(path.join(dir, "fake.parquet"), "PAR1 this is not parquet");
      let error = await errorOf(hashIds(["fake.parquet"], { baseDir: dir, column: "data" }));
      expect(error.message).to.match(/^Cannot read fake\.parquet: fake\.parquet is not a readable Parquet file \(.*\)\. Check that it is Parquet and complete/u);
      await writeWithDuckdb(path.join(dir, "cut.parquet"), rows.slice(0, 500), "snappy");
      truncateSync(path.join(dir, "cut.parquet"), 20_000);
      error = await errorOf(hashIds(["cut.parquet"], { baseDir: dir, column: "data" }));
      expect(error.message).to.match(/cut\.parquet is not a readable Parquet file/u);
    });

    it("says a file whose column is null in every row holds no samples", async () => {
      const instance = await DuckDBInstance.create(":memory:");
      const connection = await instance.connect();
      await connection.run(`COPY (SELECT i AS id, NULL::BLOB AS data FROM range(5) t(i)) TO '${path.join(dir, "nulls.parquet")}' (FORMAT parquet)`);
      connection.closeSync();
      instance.closeSync();
      const error = await errorOf(hashIds(["nulls.parquet"], { baseDir: dir, column: "data" }));
      expect(error.message).to.equal("nulls.parquet contains no samples: no row has a non-null data.");
    });
  });

  it("records kind parquet, the column and the walk options in the manifest header", async () => {
    await writeWithDuckdb(path.join(dir, "t.parquet"), rows.slice(0, 20), "snappy");
    const report = await buildManifest(await openSources(["t.parquet"], { baseDir: dir, column: "image" }), { out: path.join(dir, "m"), threads: 0 });
    expect(JSON.parse(readFileSync(path.join(report.manifestDir, "header.json"), "utf8")).sources).to.deep.equal([
      { kind: "parquet", name: "t.parquet", options: { column: "image", include: [], exclude: [], includeHidden: false, followSymlinks: false } },
    ]);
  });
});
