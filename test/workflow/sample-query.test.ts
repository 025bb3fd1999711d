/**
 * The bytes of a sample as the user names it: a line given with --line or
 * read with --lines-from hashes exactly as the lines source hashes that line
 * when the dataset is built (cross-checked against `dataset hash`'s engine on
 * seeded random lines with LF and CRLF endings).
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources } from "../../src/sources/open-sources.js";
import { lineSampleBytes, sampleQueriesFromLinesFile, sampleQueryFromLine } from "../../src/workflow/sample-query.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { Random } from "../fixtures/seeded-random.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** The sample hashes `dataset hash` gives each line of `file` (id → hash). */
async function engineHashes(file: string, baseDir: string): Promise<Map<string, string>> {
  const sources = await openSources([file], { baseDir });
  const out = new Map<string, string>();
  await hashSources(sources, {
    threads: 0,
    onBatch: (h) => {
      for (let i = 0; i < h.batch.count; i++) out.set(h.batch.ids![i]!, hex(h.digests.subarray(32 * i, 32 * i + 32)));
    },
  });
  return out;
}

describe("sample queries: lines of CSV/JSONL/TXT datasets", () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir("sample-query")));
  after(() => cleanup());

  it("a --line is its UTF-8 bytes without the line ending; inner line feeds and empty lines are refused", () => {
    expect(Buffer.from(lineSampleBytes('{"a":1}')).toString()).to.equal('{"a":1}');
    expect(Buffer.from(lineSampleBytes("row\r\n")).toString()).to.equal("row");
    expect(Buffer.from(lineSampleBytes("row\n")).toString()).to.equal("row");
    expect(Buffer.from(lineSampleBytes("row\r")).toString()).to.equal("row");
    expect(Buffer.from(lineSampleBytes("  spaced  ")).toString()).to.equal("  spaced  "); // nothing else is trimmed
    expect(() => lineSampleBytes("two\nlines")).to.throw(/line feed inside/);
    expect(() => lineSampleBytes("")).to.throw(/empty lines are never samples/);
    expect(() => lineSampleBytes("\r\n")).to.throw(/empty/);
    expect(sampleQueryFromLine("é,数").kind).to.equal("line");
  });

  it("hashes every line as `dataset hash` does, for seeded random lines (LF and CRLF, Unicode, quotes, empty lines)", async () => {
    const rng = new Random("lines vs engine");
    console.log(`      (seed ${rng.seed})`);
    const pieces = ["a", "Z", "0", ",", '"', " ", "\t", "é", "数", "😀", "{", "}", ":", "\\"];
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      let line = "";
      for (let n = rng.int(30); n > 0; n--) line += rng.pick(pieces);
      lines.push(line);
    }
    const text = lines.map((l) => l + (rng.chance(0.3) ? "\r\n" : "\n")).join("");
    const file = path.join(dir, "rows.txt");
    writeFileSync(file, text);
    const engine = await engineHashes(file, dir);
    // --lines-from: the same hashes for the same line numbers.
    const fromFile = await sampleQueriesFromLinesFile(file);
    expect(fromFile.map((q) => [q.label.replace(/^.*rows\.txt/, "rows.txt"), hex(q.sampleHash)])).to.deep.equal([...engine].map(([id, h]) => [id, h]));
    // --line: each non-empty line given as text hashes to what the engine gave that line.
    let compared = 0;
    lines.forEach((line, i) => {
      if (line.length === 0) return;
      expect(hex(sampleQueryFromLine(line).sampleHash), `line ${i + 1}`).to.equal(engine.get(`rows.txt:${i + 1}`));
      compared++;
    });
    expect(compared).to.be.greaterThan(300);
    // And both equal an independent SHA-256 of the line's UTF-8 bytes.
    const first = lines.findIndex((l) => l.length > 0);
    expect(engine.get(`rows.txt:${first + 1}`)).to.equal(createHash("sha256").update(lines[first]!, "utf8").digest("hex"));
  });

  it("--lines-from refuses a binary file and names a missing one", async () => {
    const binary = path.join(dir, "x.bin");
    writeFileSync(binary, Buffer.from([0, 1, 2, 10, 0, 0]));
    await sampleQueriesFromLinesFile(binary).then(
      () => expect.fail("a binary file was read as lines"),
      (e: Error) => expect(e.message).to.match(/Cannot read the lines of .*x\.bin/),
    );
    await sampleQueriesFromLinesFile(path.join(dir, "missing.txt")).then(
      () => expect.fail("a missing file was accepted"),
      (e: Error) => expect(e.message).to.match(/Cannot read --lines-from .*missing\.txt: no such file/),
    );
  });
});
