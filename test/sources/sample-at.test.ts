/**
 * One sample by its position (src/sources/sample-at.ts, sample-lookup.ts):
 * for every sample of fixtures written by independent writers — Parquet by
 * DuckDB (HF image struct with nulls, several row groups, a dictionary
 * column) and hyparquet-writer (data pages v2), tar shards by the system
 * `tar` and Python's tarfile (pax, long names, gzip, directory and link
 * entries), line files and IDX files — the bytes taken by position hash to
 * exactly what `dataset hash`'s engine gives that id, and equal the bytes
 * the fixture put there (SHA-256 computed here). Positions that hold no
 * sample are refused with the reason.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

import { expect } from "chai";
import { ParquetWriter } from "hyparquet-writer";
import { fileWriter } from "hyparquet-writer/src/node.js";

import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { fileSample, idxRecordSample, lineSample, parquetRowSample, tarKeySample, tarMemberSample } from "../../src/sources/sample-at.js";
import { findSampleBytes } from "../../src/sources/sample-lookup.js";
import { SourceError } from "../../src/sources/source-error.js";
import { TarSource } from "../../src/sources/tar-source.js";
import { groupedBytes } from "../../src/sources/webdataset-sample.js";
import { idxBytes, records, tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { blobLiteral, duckdb, pythonTar, seeded, sha256, systemTar } from "../fixtures/source-fixtures.js";

const SEED = 1717;

/** id → SHA-256 hex, as `dataset hash`'s engine gives them (two worker threads). */
async function engineIds(paths: string[], options: OpenSourcesOptions): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await hashSources(await openSources(paths, options), {
    threads: 2,
    onBatch: (h) => {
      for (let i = 0; i < h.batch.count; i++) ids.set(h.batch.ids![i]!, Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex"));
    },
  });
  return ids;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

describe("one sample by position (sample-at)", function () {
  this.timeout(180_000);
  let dir: string;
  let cleanup: () => void;
  before(() => {
    console.log(`      (seed ${SEED})`);
    ({ dir, cleanup } = tempDir("sample-at"));
  });
  after(() => cleanup());

  describe("Parquet rows", () => {
    const ROWS = 700;
    let images: Array<Uint8Array | null>;
    before(async () => {
      const rng = seeded(SEED);
      images = Array.from({ length: ROWS }, (_, i) => (i % 97 === 5 ? null : rng.bytes(20 + rng.int(300))));
      // DuckDB: an HF Image struct (null structs), a dictionary-encoded caption, row groups of 256.
      const values = images.map((b, i) => `(${i}, ${b === null ? "NULL" : `{'bytes': ${blobLiteral(b)}, 'path': 'img-${i}.jpg'}`}, 'caption ${i % 3}')`);
      await duckdb([
        `CREATE TABLE t AS SELECT * FROM (VALUES ${values.join(", ")}) v(id, image, caption)`,
        `COPY (SELECT * FROM t ORDER BY id) TO '${path.join(dir, "duck.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 256)`,
      ]);
      // hyparquet-writer: data pages v2, a plain binary column, small pages.
      const pw = new ParquetWriter({
        writer: fileWriter(path.join(dir, "hw.parquet")),
        schema: [
          { name: "root", num_children: 2 },
          { name: "id", type: "INT32", repetition_type: "REQUIRED" },
          { name: "blob", type: "BYTE_ARRAY", repetition_type: "REQUIRED" },
        ],
      });
      await pw.write({ columnData: [{ name: "id", data: images.map((_, i) => i) }, { name: "blob", data: images.map((b, i) => b ?? new Uint8Array([i & 0xff])) }], rowGroupSize: 300, pageSize: 4096 });
      await pw.finish();
    });

    it("--column image: every row's value hashes as the engine hashes its id, and is the image's bytes (DuckDB, 3 row groups)", async () => {
      const engine = await engineIds(["duck.parquet"], { baseDir: dir, column: "image" });
      let checked = 0;
      for (let row = 0; row < ROWS; row += 7) {
        if (images[row] === null) continue;
        const sample = await parquetRowSample(path.join(dir, "duck.parquet"), "duck.parquet", row, "image");
        expect(sample.id).to.equal(`duck.parquet#${row}`);
        expect(sha256(sample.bytes), sample.id).to.equal(engine.get(sample.id)).and.to.equal(sha256(images[row]!));
        checked++;
      }
      expect(checked).to.be.greaterThan(90);
      // image.bytes names the same leaf.
      expect(sha256((await parquetRowSample(path.join(dir, "duck.parquet"), "d", 600, "image.bytes")).bytes)).to.equal(sha256(images[600]!));
    });

    it("without a column: the canonical whole row, as the engine hashes it (DuckDB and hyparquet-writer)", async () => {
      for (const file of ["duck.parquet", "hw.parquet"]) {
        const engine = await engineIds([file], { baseDir: dir });
        for (const row of [0, 1, 255, 256, 299, 300, 511, 512, ROWS - 1]) {
          const sample = await parquetRowSample(path.join(dir, file), file, row, null);
          expect(sha256(sample.bytes), sample.id).to.equal(engine.get(`${file}#${row}`));
        }
      }
      const text = new TextDecoder().decode((await parquetRowSample(path.join(dir, "duck.parquet"), "duck.parquet", 5, null)).bytes);
      expect(text).to.equal('{"id":5,"image":null,"caption":"caption 2"}');
    });

    it("data pages v2 (hyparquet-writer): the column value of rows in every row group", async () => {
      const engine = await engineIds(["hw.parquet"], { baseDir: dir, column: "blob" });
      for (const row of [0, 299, 300, 301, 599, 600, ROWS - 1]) {
        const sample = await parquetRowSample(path.join(dir, "hw.parquet"), "hw.parquet", row, "blob");
        expect(sha256(sample.bytes)).to.equal(engine.get(`hw.parquet#${row}`));
      }
    });

    it("refuses a null value, a row past the end, an unknown column and a file that is not Parquet, saying why", async () => {
      const file = path.join(dir, "duck.parquet");
      const nullRow = images.findIndex((b) => b === null);
      expect((await failure(parquetRowSample(file, "duck.parquet", nullRow, "image"))).message).to.match(new RegExp(`Row ${nullRow} of duck\\.parquet has a null image, so it is not a sample`));
      const past = await failure(parquetRowSample(file, "duck.parquet", ROWS, "image"));
      expect(past).to.be.instanceOf(SourceError);
      expect(past.message).to.equal(`duck.parquet has ${ROWS} rows (0 to ${ROWS - 1}), so it has no row ${ROWS}. Rows are counted from 0, as in the sample id duck.parquet#0.`);
      expect((await failure(parquetRowSample(file, "duck.parquet", 0, "nope"))).message).to.match(/has no column nope \(columns: id, image, caption\)/);
      expect((await failure(parquetRowSample(file, "duck.parquet", 0, "id"))).message).to.match(/^Column id of duck\.parquet holds .*INT.* values, not bytes, so it cannot be a sample/);
      writeFileSync(path.join(dir, "fake.parquet"), "not parquet at all");
      expect((await failure(parquetRowSample(path.join(dir, "fake.parquet"), "fake.parquet", 0, null))).message).to.match(/fake\.parquet is not a readable Parquet file/);
      expect((await failure(parquetRowSample(path.join(dir, "missing.parquet"), "missing.parquet", 0, null))).message).to.match(/Cannot read Parquet file missing\.parquet: no such file/);
    });
  });

  describe("tar members and WebDataset keys", () => {
    let files: Map<string, Uint8Array>;
    const long = `${"deep/".repeat(25)}${"n".repeat(90)}.jpg`;
    before(() => {
      const rng = seeded(SEED + 1);
      files = new Map([
        ["000000.jpg", rng.bytes(3000)],
        ["000000.txt", new TextEncoder().encode("a cat")],
        ["000000.json", new TextEncoder().encode('{"w":1}')],
        ["000001.jpg", rng.bytes(70_000)],
        ["000001.txt", new TextEncoder().encode("a dog")],
        ["sub/000002.jpg", rng.bytes(10)],
        ["sub/000002.txt", new Uint8Array(0)],
        [".hidden.txt", new TextEncoder().encode("hidden")],
      ]);
      const tree: Record<string, Uint8Array> = {};
      for (const [name, data] of files) tree[`src/${name}`] = data;
      writeTree(dir, tree);
      systemTar(path.join(dir, "src"), ["--sort=name", "--format=pax", "-cf", path.join(dir, "sys.tar"), "."]);
      for (const gzip of [false, true]) {
        pythonTar(
          path.join(dir, gzip ? "py.tar.gz" : "py.tar"),
          [
            { name: "dir", dir: true },
            ...[...files].filter(([n]) => !n.startsWith(".")).map(([name, data]) => ({ name, data })),
            { name: long, data: files.get("000000.jpg")! },
            { name: "000003.jpg", symlink: "000000.jpg" },
          ],
          "pax",
          gzip,
        );
      }
    });

    for (const shard of ["sys.tar", "py.tar", "py.tar.gz"]) {
      it(`every member of ${shard} (${shard === "sys.tar" ? "system tar, ./ prefixes" : "Python tarfile, pax long name"}) hashes as the engine hashes its id`, async () => {
        const engine = await engineIds([shard], { baseDir: dir, includeHidden: true });
        expect(engine.size).to.be.greaterThan(6);
        for (const [id, hash] of engine) {
          const member = id.slice(shard.length + 1);
          const sample = await tarMemberSample(path.join(dir, shard), shard, member);
          expect(sample.id).to.equal(id);
          expect(sha256(sample.bytes), id).to.equal(hash);
        }
        expect(sha256((await tarMemberSample(path.join(dir, shard), shard, "./000001.jpg")).bytes)).to.equal(sha256(files.get("000001.jpg")!));
      });
    }

    it("every WebDataset key hashes as the engine's --group-by-key, and is the documented concatenation of its files", async () => {
      for (const shard of ["sys.tar", "py.tar.gz"]) {
        const engine = await engineIds([shard], { baseDir: dir, groupByKey: true });
        for (const [id, hash] of engine) {
          const sample = await tarKeySample(path.join(dir, shard), shard, id.slice(shard.length + 1));
          expect(sha256(sample.bytes), id).to.equal(hash);
        }
      }
      const key = await tarKeySample(path.join(dir, "sys.tar"), "sys.tar", "000000");
      const members = ["jpg", "txt", "json"].map((extension) => ({ extension, data: files.get(`000000.${extension}`)! }));
      expect(sha256(key.bytes)).to.equal(sha256(groupedBytes(members)));
    });

    it("groups a key under the dataset's member rules (--include '*.jpg,*.txt')", async () => {
      const engine = await engineIds(["sys.tar"], { baseDir: dir, groupByKey: true, include: ["*.jpg", "*.txt"] });
      const sample = await tarKeySample(path.join(dir, "sys.tar"), "sys.tar", "000000", { include: ["*.jpg", "*.txt"] });
      expect(sha256(sample.bytes)).to.equal(engine.get("sys.tar/000000"));
      expect(sha256(sample.bytes)).to.not.equal(sha256((await tarKeySample(path.join(dir, "sys.tar"), "sys.tar", "000000")).bytes));
    });

    it("refuses a missing member (listing some), a link entry, a directory, a hidden member under the dataset's rules and a missing key", async () => {
      const py = path.join(dir, "py.tar");
      expect((await failure(tarMemberSample(py, "py.tar", "nope.jpg"))).message).to.equal(
        "py.tar has no member nope.jpg (its members: 000000.jpg, 000000.txt, 000000.json, 000001.jpg, 000001.txt, … (8 in all)). Name a member as `tar -tf py.tar` lists it.",
      );
      expect((await failure(tarMemberSample(py, "py.tar", "000003.jpg"))).message).to.equal(
        "py.tar: member 000003.jpg is a symbolic link entry, and links inside a tar are not samples. Name the file it points to (000000.jpg).",
      );
      expect((await failure(tarMemberSample(py, "py.tar", "dir"))).message).to.match(/dir is a directory entry, not a member file/);
      expect((await failure(tarMemberSample(path.join(dir, "sys.tar"), "sys.tar", ".hidden.txt", { includeHidden: false }))).message).to.match(/is hidden \(hidden members are skipped without --hidden\)/);
      expect((await failure(tarMemberSample(path.join(dir, "sys.tar"), "sys.tar", "000000.json", { exclude: ["*.json"] }))).message).to.match(/--include \/ --exclude leave it out/);
      const noKey = await failure(tarKeySample(py, "py.tar", "000001.jpg"));
      expect(noKey.message).to.match(/^py\.tar has no WebDataset key 000001\.jpg \(its keys: .*\)\. A key has no extension: did you mean --key 000001\?/);
      writeFileSync(path.join(dir, "broken.tar"), Buffer.alloc(700, 1));
      expect((await failure(tarMemberSample(path.join(dir, "broken.tar"), "broken.tar", "a"))).message).to.match(/Cannot read shard broken\.tar/);
    });
  });

  describe("lines, IDX records, files", () => {
    it("a line is read as the lines source reads it (CRLF, header row skipped for CSV, empty lines keep their number)", async () => {
      writeFileSync(path.join(dir, "rows.csv"), "text,label\r\nhello,1\r\n\r\nwörld,0\r\nlast,1");
      const engine = await engineIds(["rows.csv"], { baseDir: dir });
      for (const n of [2, 4, 5]) expect(sha256((await lineSample(path.join(dir, "rows.csv"), "rows.csv", n, { format: "csv", header: true })).bytes)).to.equal(engine.get(`rows.csv:${n}`));
      expect(new TextDecoder().decode((await lineSample(path.join(dir, "rows.csv"), "rows.csv", 4, { format: "csv", header: true })).bytes)).to.equal("wörld,0");
      for (const n of [1, 3, 6]) expect((await failure(lineSample(path.join(dir, "rows.csv"), "rows.csv", n, { format: "csv", header: true }))).message).to.match(new RegExp(`Line ${n} of rows\\.csv is not a sample: it does not exist, is empty, or is the header row`));
    });

    it("an IDX record, plain and gzip'd, reading only that record's share", async () => {
      const recs = records(50, 28, SEED);
      writeFileSync(path.join(dir, "img-idx3-ubyte"), idxBytes(recs, [4, 7]));
      writeFileSync(path.join(dir, "img-idx3-ubyte.gz"), gzipSync(idxBytes(recs, [4, 7])));
      for (const file of ["img-idx3-ubyte", "img-idx3-ubyte.gz"]) {
        const engine = await engineIds([file], { baseDir: dir });
        for (const r of [0, 17, 49]) {
          const sample = await idxRecordSample(path.join(dir, file), file, r);
          expect(sha256(sample.bytes)).to.equal(engine.get(`${file}#${r}`)).and.to.equal(sha256(recs[r]!));
        }
        expect((await failure(idxRecordSample(path.join(dir, file), file, 50))).message).to.match(/has 50 records \(0 to 49\), so it has no record 50/);
      }
    });

    it("a whole file is its bytes; a directory or a missing file is refused", async () => {
      writeFileSync(path.join(dir, "one.bin"), "abc");
      expect(Buffer.from((await fileSample(path.join(dir, "one.bin"), "x/one.bin")).bytes).toString()).to.equal("abc");
      expect((await failure(fileSample(dir, "x"))).message).to.match(/is not a file/);
      expect((await failure(fileSample(path.join(dir, "none.bin"), "none.bin"))).message).to.match(/no such file/);
    });

    it("findSampleBytes stops at the id and says undefined for an id the source does not give", async () => {
      const source = new TarSource(path.join(dir, "sys.tar"), "sys.tar", false, {});
      expect(await findSampleBytes(source, "sys.tar/000001.txt")).to.deep.equal(new TextEncoder().encode("a dog"));
      expect(await findSampleBytes(source, "sys.tar/.hidden.txt")).to.equal(undefined); // hidden: not a sample without includeHidden
      expect(await findSampleBytes(source, "other.tar/000001.txt")).to.equal(undefined);
    });
  });
});
