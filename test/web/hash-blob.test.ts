import { createHash } from "node:crypto";
import { mkdtempSync, openAsBlob, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { hashBlob, type HashPath, type HashTuning, READ_SLICE_BYTES } from "../../web/src/hashing/hash-blob.js";
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
  const SLICE = 1000;
  /** Sizes around slice boundaries, the empty file included. */
  const SIZES = [0, 1, SLICE - 1, SLICE, SLICE + 1, 2 * SLICE - 1, 2 * SLICE, 2 * SLICE + 1, 3 * SLICE + 5];
  /** Every way hashBlob can read and hash. */
  const WAYS: { readonly name: string; readonly tuning: HashTuning; readonly path: HashPath }[] = [
    { name: "streamed, BYOB reader (the default)", tuning: {}, path: "streamed" },
    { name: "streamed, default reader", tuning: { noByob: true }, path: "streamed" },
    { name: "one-shot, BYOB reads into one buffer", tuning: { path: "one-shot" }, path: "one-shot" },
    { name: "one-shot, arrayBuffer()", tuning: { path: "one-shot", noByob: true }, path: "one-shot" },
  ];

  /** A Blob of `bytes` in parts of seeded random sizes, so the stream's chunks straddle the slices. */
  function inParts(bytes: Uint8Array<ArrayBuffer>, seed: number): Blob {
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let x = seed;
    for (let at = 0; at < bytes.length; ) {
      x = (x * 1103515245 + 12345) >>> 0;
      const size = 1 + (x % 700);
      parts.push(bytes.slice(at, at + size));
      at += size;
    }
    return new Blob(parts);
  }

  for (const way of WAYS) {
    it(`${way.name}: equals node:crypto for sizes around the slice boundaries (seeds 1–${SIZES.length}), progress monotone up to the size`, async () => {
      for (const [k, size] of SIZES.entries()) {
        const bytes = pseudoRandom(size, k + 1);
        for (const blob of [new Blob([bytes]), inParts(bytes, k + 1)]) {
          const progress: number[] = [];
          let path = "";
          const digest = await hashBlob(blob, { ...way.tuning, sliceBytes: SLICE, onProgress: (done, total) => (expect(total).to.equal(size), progress.push(done)), onPath: (p) => (path = p) });
          expect(hex(digest), `size ${size}`).to.equal(nodeSha256(bytes));
          expect(path).to.equal(way.path);
          expect(progress.at(-1), `size ${size}`).to.equal(size);
          for (let i = 1; i < progress.length; i++) expect(progress[i]!).to.be.greaterThan(progress[i - 1]!);
          if (!(way.tuning.noByob === true && way.path === "one-shot")) {
            // Reported per slice: every slice boundary passed, once.
            const boundaries = Array.from({ length: Math.ceil(size / SLICE) }, (_, i) => Math.min(size, (i + 1) * SLICE));
            if (way.tuning.noByob !== true) expect(progress, `size ${size}`).to.deep.equal(size === 0 ? [0] : boundaries);
            else expect(progress.length).to.be.at.most(boundaries.length + 1);
          }
        }
      }
    });
  }

  it("hashes the empty file to SHA-256 of nothing, reporting 0 of 0, every way", async () => {
    const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    for (const way of WAYS) {
      const progress: [number, number][] = [];
      expect(hex(await hashBlob(new Blob([]), { ...way.tuning, onProgress: (d, t) => progress.push([d, t]) })), way.name).to.equal(empty);
      expect(progress, way.name).to.deep.equal([[0, 0]]);
    }
  });

  it("streams by default in slices of READ_SLICE_BYTES (seed 3)", async () => {
    const bytes = pseudoRandom(2 * READ_SLICE_BYTES + 3, 3);
    const progress: number[] = [];
    let path = "";
    expect(hex(await hashBlob(new Blob([bytes]), { onProgress: (done) => progress.push(done), onPath: (p) => (path = p) }))).to.equal(nodeSha256(bytes));
    expect(path).to.equal("streamed");
    expect(progress).to.deep.equal([READ_SLICE_BYTES, 2 * READ_SLICE_BYTES, 2 * READ_SLICE_BYTES + 3]);
  });

  it("fails with the read error when the file changes after it was picked, every way", async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "datatrace-hash-blob-"));
    try {
      for (const way of WAYS) {
        const file = path.join(dir, "sample.bin");
        writeFileSync(file, pseudoRandom(5 * SLICE, 4));
        const blob = await openAsBlob(file);
        writeFileSync(file, pseudoRandom(3 * SLICE, 5)); // the picked file is gone: reading it fails
        const failure = await hashBlob(blob, { ...way.tuning, sliceBytes: SLICE }).then(
          () => undefined,
          (error: unknown) => error as Error,
        );
        expect(failure, way.name).to.be.instanceOf(Error);
        expect(failure!.name, way.name).to.equal("NotReadableError");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a slice size that is not a positive integer", async () => {
    for (const sliceBytes of [0, -1, 1.5, Number.NaN]) {
      const failure = await hashBlob(new Blob(["x"]), { sliceBytes }).catch((error: unknown) => error as Error);
      expect(failure, String(sliceBytes)).to.be.instanceOf(RangeError);
    }
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
