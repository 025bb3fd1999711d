import { expect } from "chai";
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { hashPart } from "../../src/engine/hash-part.js";
import { mergePartials } from "../../src/engine/merge-partials.js";
import { readPartialInfo } from "../../src/engine/partial-file.js";
import { openSources } from "../../src/sources/open-sources.js";
import { readTree, records, tempDir, writeIdx, writeTree } from "../fixtures/dataset-fixtures.js";

describe("split runs (hashPart) and mergePartials", () => {
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir("split"));
    writeIdx(path.join(dir, "src", "imgs.idx.gz"), records(9000, 20, 4, 7), [20]);
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`src/dir/f${i}.txt`] = `file ${i % 30}`;
    const lines = Array.from({ length: 500 }, (_, i) => `row,${i % 400}`).join("\r\n");
    writeTree(dir, { ...files, "src/table.csv": `a,b\r\n${lines}\r\n` });
  });
  afterEach(() => cleanup());

  const open = () => openSources(["src/imgs.idx.gz", "src/dir", "src/table.csv"], { baseDir: dir });

  async function runParts(n: number, options: { private?: boolean; budget?: number } = {}): Promise<string[]> {
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      const report = await hashPart(await open(), {
        part: { index: i, count: n },
        out: path.join(dir, "parts", `p${i + 1}-of-${n}.dtpart`),
        threads: i % 2,
        private: options.private,
        memoryBudget: options.budget,
      });
      expect(report.reused).to.equal(false);
      files.push(report.file);
    }
    return files;
  }

  it("merges any number of parts into the byte-identical manifest of a single run", async () => {
    const single = await buildManifest(await open(), { out: path.join(dir, "single"), threads: 2 });
    for (const n of [1, 3, 8]) {
      const files = await runParts(n);
      const merged = await mergePartials([...files].reverse(), { out: path.join(dir, `merged-${n}`) });
      expect(merged.root, `${n} parts`).to.equal(single.root);
      expect(merged.sampleCount).to.equal(single.sampleCount);
      expect(merged.totalBytes).to.equal(single.totalBytes);
      expect(merged.duplicateExamples).to.deep.equal(single.duplicateExamples);
      expect(readTree(path.join(dir, `merged-${n}`)), `${n} parts`).to.deep.equal(readTree(path.join(dir, "single")));
    }
  });

  it("gives the same manifest for private parts and parts sorted through bucket files", async () => {
    await buildManifest(await open(), { out: path.join(dir, "single"), threads: 0, private: true });
    const files = await runParts(2, { private: true, budget: 20_000 });
    await mergePartials(files, { out: path.join(dir, "merged") });
    expect(readTree(path.join(dir, "merged"))).to.deep.equal(readTree(path.join(dir, "single")));
  });

  it("writes a header naming the source set and the part, and a trailer counting records", async () => {
    const [first] = await runParts(2);
    const info = readPartialInfo(first!);
    expect(info.header.part).to.equal(1);
    expect(info.header.parts).to.equal(2);
    expect(info.header.sourceSet).to.match(/^[0-9a-f]{64}$/);
    expect(info.header.sources.map((s) => s.name)).to.deep.equal(["src/imgs.idx.gz", "src/dir", "src/table.csv"]);
    expect(info.trailer.records).to.be.greaterThan(0);
  });

  it("reuses a complete partial file of the same part instead of hashing again", async () => {
    const [file] = await runParts(1);
    const before = readFileSync(file!);
    const again = await hashPart(await open(), { part: { index: 0, count: 1 }, out: file, threads: 0 });
    expect(again.reused).to.equal(true);
    expect(again.sampleCount).to.equal(readPartialInfo(file!).trailer.records);
    expect(readFileSync(file!).equals(before)).to.equal(true);
  });

  it("redoes a part whose file is incomplete", async () => {
    const [file] = await runParts(1);
    truncateSync(file!, 100);
    const again = await hashPart(await open(), { part: { index: 0, count: 1 }, out: file, threads: 0 });
    expect(again.reused).to.equal(false);
    expect(readPartialInfo(file!).trailer.records).to.equal(again.sampleCount);
  });

  it("refuses a merge with a missing part, naming it", async () => {
    const files = await runParts(3);
    const error = await mergePartials([files[0]!, files[2]!], { out: path.join(dir, "m") }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal("Missing part 2/3: run it (--part 2/3) and merge again with every part.");
  });

  it("refuses a part given twice", async () => {
    const files = await runParts(2);
    const error = await mergePartials([files[0]!, files[1]!, files[0]!], { out: path.join(dir, "m") }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/^Part 1\/2 is given twice/);
  });

  it("refuses parts of different source sets or different part counts", async () => {
    const two = await runParts(2);
    const three = await runParts(3);
    const mixed = await mergePartials([two[0]!, three[1]!, three[2]!], { out: path.join(dir, "m") }).catch((e: unknown) => e);
    expect((mixed as Error).message).to.match(/is part of a 3-part run but .* of a 2-part run/);
    writeTree(dir, { "src/dir/new.txt": "changed" }); // the listing changes: another source set
    const other = await hashPart(await open(), { part: { index: 1, count: 2 }, out: path.join(dir, "other.dtpart"), threads: 0 });
    const error = await mergePartials([two[0]!, other.file], { out: path.join(dir, "m") }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/comes from another source set/);
  });

  it("refuses an incomplete partial file and a file that is not one", async () => {
    const files = await runParts(2);
    truncateSync(files[1]!, readFileSync(files[1]!).length - 3);
    const cut = await mergePartials(files, { out: path.join(dir, "m") }).catch((e: unknown) => e);
    expect((cut as Error).message).to.match(/is incomplete \(no end marker\): its part was interrupted. Run that part again/);
    writeFileSync(path.join(dir, "junk.dtpart"), "not a partial file at all");
    const junk = await mergePartials([path.join(dir, "junk.dtpart")], { out: path.join(dir, "m") }).catch((e: unknown) => e);
    expect((junk as Error).message).to.match(/is not a Datatrace partial leaf file/);
  });

  it("refuses an empty list of partial files", async () => {
    const error = await mergePartials([], { out: path.join(dir, "m") }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/No partial file given/);
  });

  it("rejects out-of-range part selectors", async () => {
    const error = await hashPart(await open(), { part: { index: 3, count: 3 } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError);
  });
});
