import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { openSources } from "../../src/sources/open-sources.js";
import { readTree, records, referenceRoot, sha256Hex, tempDir, writeIdx, writeTree } from "../fixtures/dataset-fixtures.js";

describe("buildManifest", () => {
  let dir: string;
  let cleanup: () => void;
  const recs = records(20_000, 24, 3, 10); // every 10th record repeats an earlier one
  const savedEpoch = process.env.SOURCE_DATE_EPOCH;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir("build"));
    delete process.env.SOURCE_DATE_EPOCH;
    writeIdx(path.join(dir, "data", "train.idx"), recs, [24]);
    writeTree(dir, { "data/notes.txt": "alpha\nbeta\nalpha\n", "data/imgs/a.bin": "A", "data/imgs/b.bin": "B" });
  });
  afterEach(() => {
    cleanup();
    if (savedEpoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = savedEpoch;
  });

  const open = () => openSources(["data/train.idx", "data/notes.txt", "data/imgs"], { baseDir: dir });
  const expectedHashes = (): string[] => [...recs.map((r) => sha256Hex(r)), sha256Hex("alpha"), sha256Hex("beta"), sha256Hex("alpha"), sha256Hex("A"), sha256Hex("B")];

  it("commits to the root an independent implementation of the scheme gives over the sorted distinct hashes", async () => {
    const report = await buildManifest(await open(), { out: path.join(dir, "m"), threads: 2 });
    const reference = referenceRoot(expectedHashes());
    expect(report.root).to.equal(reference.root);
    expect(report.leafCount).to.equal(reference.leafCount);
    expect(report.sampleCount).to.equal(20_005);
    expect(report.duplicateCount).to.equal(20_005 - reference.leafCount);
    expect(report.totalBytes).to.equal(20_000 * 24 + 5 + 4 + 5 + 1 + 1);
    expect(report.shardCount).to.equal(Math.ceil(reference.leafCount / 8192));
  });

  it("writes header, index, shards and ids files as documented", async () => {
    const out = path.join(dir, "m");
    const report = await buildManifest(await open(), { out, threads: 0 });
    const header = JSON.parse(readFileSync(path.join(out, "header.json"), "utf8"));
    expect(Object.keys(header)).to.deep.equal([
      "format", "scheme", "root", "leafCount", "sampleCount", "duplicateCount", "totalBytes", "shardSize", "shardCount", "private", "sources",
    ]);
    expect(header.sources[1]).to.deep.equal({ kind: "lines", name: "data/notes.txt", options: { format: "txt", header: false } });
    expect(readFileSync(path.join(out, "index.bin")).length).to.equal(report.shardCount * 132);
    expect(readdirSync(path.join(out, "shards"))).to.deep.equal(["000"]);
    expect(readdirSync(path.join(out, "ids"))).to.deep.equal(["000"]);
    const shards = readdirSync(path.join(out, "shards", "000"));
    expect(shards).to.deep.equal(["000000.bin", "000001.bin", "000002.bin"]);
    expect(readFileSync(path.join(out, "shards", "000", "000000.bin")).length).to.equal(8192 * 32);
    const lastIds = readFileSync(path.join(out, "ids", "000", "000002.jsonl"), "utf8").trimEnd().split("\n");
    expect(lastIds).to.have.length(report.leafCount - 2 * 8192);
    const alpha = sha256Hex("alpha");
    const allShards = shards.map((s) => readFileSync(path.join(out, "shards", "000", s)).toString("hex"));
    const position = allShards.join("").indexOf(alpha) / 64;
    const shard = Math.floor(position / 8192);
    const line = readFileSync(path.join(out, "ids", "000", `00000${shard}.jsonl`), "utf8").split("\n")[position % 8192];
    expect(JSON.parse(line!)).to.deep.equal(["data/notes.txt:1", "data/notes.txt:3"]);
  });

  it("reports duplicates with example ids in hash order", async () => {
    const report = await buildManifest(await open(), { out: path.join(dir, "m"), threads: 0 });
    expect(report.duplicateExamples).to.have.length(5);
    const hashes = report.duplicateExamples.map((e) => e.hash);
    expect(hashes).to.deep.equal([...hashes].sort());
    for (const e of report.duplicateExamples) expect(e.ids!.length).to.equal(Math.min(3, e.count));
  });

  it("writes a byte-identical manifest through bucket files under a tiny memory budget", async () => {
    const a = await buildManifest(await open(), { out: path.join(dir, "a"), threads: 2 });
    const b = await buildManifest(await open(), { out: path.join(dir, "b"), threads: 0, memoryBudget: 64 * 1024 });
    expect(a.spilled).to.equal(false);
    expect(b.spilled).to.equal(true);
    expect(readTree(path.join(dir, "b"))).to.deep.equal(readTree(path.join(dir, "a")));
  });

  it("keeps no ids in private mode", async () => {
    const report = await buildManifest(await open(), { out: path.join(dir, "p"), threads: 0, private: true });
    expect(existsSync(path.join(dir, "p", "ids"))).to.equal(false);
    expect(JSON.parse(readFileSync(path.join(dir, "p", "header.json"), "utf8")).private).to.equal(true);
    expect(report.duplicateExamples[0]).to.not.have.property("ids");
    expect(report.root).to.equal(referenceRoot(expectedHashes()).root);
  });

  it("records createdAt only when given, by option or SOURCE_DATE_EPOCH", async () => {
    await buildManifest(await open(), { out: path.join(dir, "m1"), threads: 0, createdAt: "2026-01-02T03:04:05Z" });
    expect(JSON.parse(readFileSync(path.join(dir, "m1", "header.json"), "utf8")).createdAt).to.equal("2026-01-02T03:04:05.000Z");
    process.env.SOURCE_DATE_EPOCH = "1700000000";
    await buildManifest(await open(), { out: path.join(dir, "m2"), threads: 0 });
    expect(JSON.parse(readFileSync(path.join(dir, "m2", "header.json"), "utf8")).createdAt).to.equal("2023-11-14T22:13:20.000Z");
  });

  it("names the default output directory after the root", async () => {
    const report = await buildManifest(await open(), { manifestsDir: path.join(dir, "manifests"), threads: 0 });
    expect(report.manifestDir).to.equal(path.join(dir, "manifests", report.root));
    expect(readdirSync(path.join(dir, "manifests"))).to.deep.equal([report.root]);
  });

  it("leaves nothing behind when a source fails midway", async () => {
    writeFileSync(path.join(dir, "data", "bad.txt"), Buffer.from([0x00, 0x01]));
    const sources = await openSources(["data/train.idx", "data/bad.txt"], { baseDir: dir });
    const error = await buildManifest(sources, { manifestsDir: path.join(dir, "manifests"), threads: 0 }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/bad\.txt looks binary/);
    expect(readdirSync(path.join(dir, "manifests"))).to.deep.equal([]);
  });

  it("rewrites the same manifest, replaces a different one only with force, and refuses to overwrite any other directory", async () => {
    const out = path.join(dir, "m");
    await buildManifest(await open(), { out, threads: 0 });
    await buildManifest(await open(), { out, threads: 0 }); // the same manifest again
    const refused = await buildManifest(await open(), { out, threads: 0, private: true }).catch((e: unknown) => e);
    expect((refused as Error).message).to.match(/m already holds a different manifest .*refusing to replace it\. Pass --force/);
    expect(existsSync(path.join(out, "ids"))).to.equal(true);
    await buildManifest(await open(), { out, threads: 0, private: true, force: true });
    expect(existsSync(path.join(out, "ids"))).to.equal(false);
    const error = await buildManifest(await open(), { out: path.join(dir, "data"), threads: 0 }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/data already exists and is not a Datatrace manifest; refusing to replace it/);
    expect(existsSync(path.join(dir, "data", "train.idx"))).to.equal(true);
    expect(readdirSync(dir).filter((n) => n.includes("staging"))).to.deep.equal([]);
  });
});
