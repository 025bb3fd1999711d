import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { ParquetWriter } from "hyparquet-writer";
import { fileWriter } from "hyparquet-writer/src/node.js";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { hashPart } from "../../src/engine/hash-part.js";
import { mergePartials } from "../../src/engine/merge-partials.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { readTree, tempDir } from "../fixtures/dataset-fixtures.js";
import { pythonTars, seeded, type PyTarFile } from "../fixtures/source-fixtures.js";

const SEED = 99;

describe("split runs and merge over tar shards, Parquet files and image folders", function () {
  this.timeout(300_000);
  let dir: string;
  let cleanup: () => void;
  before(() => console.log(`      (seed ${SEED})`));
  beforeEach(() => ({ dir, cleanup } = tempDir("split-sources")));
  afterEach(() => cleanup());

  /** Hashes `paths` once, then in n parts for each n, and checks every merge gives the same manifest directory, byte for byte. */
  async function checkSplits(paths: string[], options: OpenSourcesOptions, counts: readonly number[]): Promise<void> {
    const open = () => openSources(paths, { baseDir: dir, ...options });
    const single = await buildManifest(await open(), { out: path.join(dir, "single"), force: true, threads: 2 }); // each variant replaces the last
    for (const n of counts) {
      const files: string[] = [];
      let samples = 0;
      for (let i = 0; i < n; i++) {
        const report = await hashPart(await open(), { part: { index: i, count: n }, out: path.join(dir, `parts-${n}`, `p${i + 1}.dtpart`), threads: i % 10 === 0 ? 2 : 0 });
        samples += report.sampleCount;
        files.push(report.file);
      }
      expect(samples, `${n} parts`).to.equal(single.sampleCount);
      const merged = await mergePartials(files.reverse(), { out: path.join(dir, `merged-${n}`), force: true });
      expect(merged.root, `${n} parts`).to.equal(single.root);
      expect(readTree(path.join(dir, `merged-${n}`)), `${n} parts`).to.deep.equal(readTree(path.join(dir, "single")));
    }
  }

  it("100 WebDataset shards (plain and gzip'd, with duplicates across shards), per member and per key, in 1, 7 and 130 parts (more parts than shards: some are empty)", async () => {
    const rng = seeded(SEED);
    mkdirSync(path.join(dir, "shards"));
    const shared = rng.bytes(300); // the same image in several shards: duplicates across parts
    const tars: PyTarFile[] = [];
    for (let s = 0; s < 100; s++) {
      const entries = [];
      for (let k = 0; k < 1 + rng.int(6); k++) {
        const key = String(s * 100 + k).padStart(7, "0");
        entries.push({ name: `${key}.jpg`, data: k === 0 && s % 10 === 0 ? shared : rng.bytes(1 + rng.int(3000)) });
        entries.push({ name: `${key}.txt`, data: new TextEncoder().encode(`caption ${rng.int(20)}`) });
      }
      tars.push({ file: path.join(dir, "shards", `${String(s).padStart(5, "0")}.tar`), entries, format: s % 3 === 0 ? "gnu" : "pax", gzip: s % 4 === 0 });
    }
    pythonTars(tars);
    await checkSplits(["shards"], { kind: "tar" }, [1, 7, 130]);
    await checkSplits(["shards"], { kind: "tar", groupByKey: true }, [3]);
  });

  it("Parquet files of many row groups, one column and whole rows, in 1, 4 and 23 parts", async () => {
    const rng = seeded(SEED + 1);
    mkdirSync(path.join(dir, "data"));
    for (let f = 0; f < 3; f++) {
      const n = 300 + rng.int(300);
      const writer = fileWriter(path.join(dir, "data", `train-0000${f}-of-00003.parquet`));
      const pw = new ParquetWriter({
        writer,
        schema: [
          { name: "root", num_children: 2 },
          { name: "text", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
          { name: "image", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" },
        ],
      });
      await pw.write({
        columnData: [
          { name: "text", data: Array.from({ length: n }, () => `label ${rng.int(50)}`) },
          { name: "image", data: Array.from({ length: n }, (_, i) => (i % 37 === 0 ? null : rng.bytes(1 + rng.int(500)))) },
        ],
        rowGroupSize: 64,
        pageSize: 4096,
      });
      await pw.finish();
    }
    await checkSplits(["data"], { kind: "parquet", column: "image" }, [1, 4, 23]);
    await checkSplits(["data"], { kind: "parquet" }, [5]);
  });

  it("an image folder in 3 parts", async () => {
    mkdirSync(path.join(dir, "pets", "train"), { recursive: true });
    execFileSync("sh", ["-c", "for i in $(seq 1 30); do echo img$i > pets/train/$i.jpg; done; echo 'file_name,text' > pets/train/metadata.csv"], { cwd: dir });
    await checkSplits(["pets"], {}, [3]);
  });
});
