import { createHash } from "node:crypto";

import { expect } from "chai";

import { hashBlob, READ_SLICE_BYTES } from "../../web/src/hashing/hash-blob.js";
import { parseHashLines, parseSampleLines } from "../../web/src/inputs/pasted-samples.js";

const nodeSha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** Deterministic bytes (an LCG; the seed is printed by the test names). */
function pseudoRandom(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("web: file hashing (hashBlob)", () => {
  it("hashes one-shot with WebCrypto, reading the file in one call (seed 1), equal to node:crypto", async () => {
    const bytes = pseudoRandom(2 * 1024 + 17, 1);
    const progress: number[] = [];
    let path = "";
    const digest = await hashBlob(new Blob([bytes]), { sliceBytes: 1024, onProgress: (done) => progress.push(done), onPath: (p) => (path = p) });
    expect(hex(digest)).to.equal(nodeSha256(bytes));
    expect(path).to.equal("one-shot");
    expect(progress).to.deep.equal([bytes.length]);
  });

  it("streams through hash-wasm above the one-shot limit (seed 2), giving the same digest", async () => {
    const bytes = pseudoRandom(3 * 1000 + 5, 2);
    const progress: number[] = [];
    let path = "";
    const digest = await hashBlob(new Blob([bytes]), { oneShotMaxBytes: 100, sliceBytes: 1000, onProgress: (done) => progress.push(done), onPath: (p) => (path = p) });
    expect(hex(digest)).to.equal(nodeSha256(bytes));
    expect(path).to.equal("streamed");
    expect(progress).to.deep.equal([1000, 2000, 3000, 3005]);
  });

  it("hashes the empty file to SHA-256 of nothing, either way", async () => {
    const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    expect(hex(await hashBlob(new Blob([])))).to.equal(empty);
    expect(hex(await hashBlob(new Blob([]), { oneShotMaxBytes: 0 }))).to.equal(empty);
  });

  it("streams in slices of READ_SLICE_BYTES by default (32 MiB)", async () => {
    expect(READ_SLICE_BYTES).to.equal(32 * 1024 * 1024);
    const bytes = pseudoRandom(READ_SLICE_BYTES + 3, 3);
    const progress: number[] = [];
    expect(hex(await hashBlob(new Blob([bytes]), { oneShotMaxBytes: 0, onProgress: (done) => progress.push(done) }))).to.equal(nodeSha256(bytes));
    expect(progress).to.deep.equal([READ_SLICE_BYTES, READ_SLICE_BYTES + 3]);
  });
});

describe("web: pasted samples (hashes and lines)", () => {
  it("reads sha256sum output and bare or 0x-prefixed hashes; a bad line is an invalid sample, not a failure", () => {
    const h = "ab".repeat(32);
    const samples = parseHashLines(`${h}  emails/one.eml\n\n0x${h.toUpperCase()}\nnot-a-hash\n${h} *binary-mode.bin\n`);
    expect(samples.map((s) => s.kind)).to.deep.equal(["hash", "hash", "invalid", "hash"]);
    expect(samples[0]!.label).to.equal("emails/one.eml");
    expect(samples[3]!.label).to.equal("binary-mode.bin");
    expect(samples[1]!.kind === "hash" && hex(samples[1]!.hash)).to.equal(h);
    expect(samples[2]).to.deep.include({ label: "line 4: not-a-hash" });
    expect(samples[2]!.kind === "invalid" && samples[2]!.error).to.match(/not a SHA-256 hash/);
  });

  it("takes each non-empty line as a sample's bytes without its line ending, as the CLI's line sources do", () => {
    const samples = parseSampleLines('{"text":"hi"}\r\n\n{"text":"ü"}\nlast');
    expect(samples.map((s) => (s.kind === "line" ? Buffer.from(s.bytes).toString("utf8") : s.kind))).to.deep.equal(['{"text":"hi"}', '{"text":"ü"}', "last"]);
    expect(samples.map((s) => s.label)).to.deep.equal(['line 1: {"text":"hi"}', 'line 3: {"text":"ü"}', "line 4: last"]);
  });
});
