import { expect } from "chai";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { hashSources } from "../../src/engine/hash-sources.js";
import { LinesSource, linesFormatOf } from "../../src/sources/lines-source.js";
import type { PartSelector } from "../../src/sources/sample-batch.js";
import { SourceError } from "../../src/sources/source-error.js";
import { sha256Hex, tempDir } from "../fixtures/dataset-fixtures.js";
import { Random } from "../fixtures/seeded-random.js";

interface Hashed {
  id: string;
  hash: string;
}

async function hashLines(
  source: LinesSource,
  options: { part?: PartSelector; slotBytes?: number; slotSamples?: number; threads?: number } = {},
): Promise<Hashed[]> {
  const out: Hashed[] = [];
  await hashSources([source], {
    threads: options.threads ?? 0,
    part: options.part,
    slotBytes: options.slotBytes,
    slotSamples: options.slotSamples,
    onBatch: (h) => {
      for (let i = 0; i < h.batch.count; i++) {
        out.push({ id: h.batch.ids![i]!, hash: Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex") });
      }
    },
  });
  return out;
}

/** What the rules say a file's samples are (reference implementation). */
function expectedLines(name: string, text: string, header: boolean): Hashed[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const out: Hashed[] = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "" || (header && i === 0)) return;
    out.push({ id: `${name}:${i + 1}`, hash: sha256Hex(line) });
  });
  return out;
}

function randomText(seed: number, lines: number): string {
  const random = Random.fixed(`lines ${seed}`);
  const rnd = (n: number): number => random.int(n);
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    const len = rnd(5) === 0 ? 0 : rnd(90);
    let s = "";
    for (let j = 0; j < len; j++) s += "abcdefghij,é😀 "[rnd(15)];
    parts.push(s + (rnd(4) === 0 ? "\r\n" : "\n"));
  }
  return parts.join("") + (rnd(2) === 0 ? "tail-without-newline" : "");
}

describe("LinesSource", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("lines"));
  });
  afterEach(() => cleanup());

  const file = (name: string, content: string | Uint8Array): LinesSource => {
    writeFileSync(path.join(dir, name), content);
    return new LinesSource(path.join(dir, name), name);
  };

  it("takes every non-empty line without its LF or CRLF terminator", async () => {
    const got = await hashLines(file("a.txt", "one\r\ntwo\n\n\r\nthree"));
    expect(got).to.deep.equal([
      { id: "a.txt:1", hash: sha256Hex("one") },
      { id: "a.txt:2", hash: sha256Hex("two") },
      { id: "a.txt:5", hash: sha256Hex("three") },
    ]);
  });

  it("skips the header row of CSV and TSV files by default", async () => {
    expect((await hashLines(file("t.csv", "h1,h2\n1,2\n"))).map((h) => h.id)).to.deep.equal(["t.csv:2"]);
    expect((await hashLines(file("t.tsv", "h\tx\n1\t2\n"))).map((h) => h.id)).to.deep.equal(["t.tsv:2"]);
  });

  it("keeps line 1 of JSONL and TXT files, and of CSV with header: false", async () => {
    expect((await hashLines(file("t.jsonl", '{"a":1}\n'))).map((h) => h.id)).to.deep.equal(["t.jsonl:1"]);
    writeFileSync(path.join(dir, "n.csv"), "1,2\n3,4\n");
    const noHeader = new LinesSource(path.join(dir, "n.csv"), "n.csv", { header: false });
    expect((await hashLines(noHeader)).map((h) => h.id)).to.deep.equal(["n.csv:1", "n.csv:2"]);
    expect(noHeader.description).to.deep.equal({ kind: "lines", name: "n.csv", options: { format: "csv", header: false } });
  });

  it("detects the format from the extension", () => {
    expect(linesFormatOf("x.JSONL")).to.equal("jsonl");
    expect(linesFormatOf("x.ndjson")).to.equal("jsonl");
    expect(linesFormatOf("x.tsv")).to.equal("tsv");
    expect(linesFormatOf("x.bin")).to.equal(undefined);
  });

  it("gives the same samples whatever the slot size (lines longer than a slot included)", async () => {
    const text = randomText(7, 400);
    const source = file("r.txt", text);
    const expected = expectedLines("r.txt", text, false);
    for (const slotBytes of [7, 64, 1000, 4 * 1024 * 1024]) {
      expect(await hashLines(source, { slotBytes, slotSamples: 5 }), `slot ${slotBytes}`).to.deep.equal(expected);
    }
  });

  it("gives the same samples with worker threads as in the main thread", async () => {
    const text = randomText(3, 300);
    const source = file("w.txt", text);
    expect(await hashLines(source, { threads: 2, slotBytes: 256 })).to.deep.equal(expectedLines("w.txt", text, false));
  });

  it("splits a file into byte-range parts that together give every line once", async () => {
    const text = randomText(11, 250);
    const source = file("p.csv", text);
    const whole = await hashLines(source);
    expect(whole).to.deep.equal(expectedLines("p.csv", text, true));
    for (const n of [2, 3, 7, 60]) {
      const parts: Hashed[] = [];
      for (let i = 0; i < n; i++) parts.push(...(await hashLines(source, { part: { index: i, count: n }, slotBytes: 97 })));
      expect(parts, `${n} parts`).to.deep.equal(whole);
    }
  });

  it("rejects a file with NUL bytes as binary, naming it", async () => {
    const error = await hashLines(file("bin.txt", Buffer.from([0x61, 0x00, 0x0a]))).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SourceError);
    expect((error as Error).message).to.match(/bin\.txt looks binary \(a NUL byte at offset 1/);
  });

  it("rejects invalid UTF-8 as binary but accepts a character cut at the end of the checked block", async () => {
    const error = await hashLines(file("bad.txt", Buffer.from([0x61, 0xff, 0xfe, 0x0a]))).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/bad\.txt looks binary \(bytes that are not valid UTF-8/);
    const block = Buffer.alloc(64 * 1024 + 10, 0x61);
    Buffer.from("é").copy(block, 64 * 1024 - 1); // é straddles the 64 KiB boundary
    block[100] = 0x0a;
    expect(await hashLines(file("ok.txt", block))).to.have.length(2);
  });

  it("fails naming the file when it has no sample", async () => {
    const error = await hashLines(file("empty.csv", "header\n\n\r\n")).catch((e: unknown) => e);
    expect((error as SourceError).file).to.equal("empty.csv");
    expect((error as Error).message).to.match(/empty\.csv contains no samples: no non-empty line after the header row/);
  });

  it("fails naming a missing file", async () => {
    const source = new LinesSource(path.join(dir, "missing.jsonl"), "missing.jsonl");
    const error = await hashLines(source).catch((e: unknown) => e);
    expect((error as Error).message).to.equal("Cannot read missing.jsonl: no such file or directory.");
  });

  it("reports the file size as its estimate and fingerprint", async () => {
    const source = file("s.txt", "abc\n");
    expect(await source.estimate()).to.deep.equal({ bytes: 4 });
    expect(await source.fingerprint()).to.equal("bytes=4");
  });
});
