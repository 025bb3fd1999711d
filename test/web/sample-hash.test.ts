import { createHash } from "node:crypto";

import { expect } from "chai";

import { hashBlob, parseSampleHash, SLICE_BYTES } from "../../web/src/sample-hash.js";

const nodeSha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

function pseudoRandom(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("web: sample hashing (hashBlob, parseSampleHash)", () => {
  it("hashes a small blob in one WebCrypto call, equal to node:crypto's SHA-256", async () => {
    const bytes = pseudoRandom(100_003, 1);
    expect(hex(await hashBlob(new Blob([bytes])))).to.equal(nodeSha256(bytes));
  });

  it("hashes the empty file to SHA-256 of nothing", async () => {
    expect(hex(await hashBlob(new Blob([])))).to.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("hashes above streamAbove in slices with progress, giving the same digest", async () => {
    const bytes = pseudoRandom(2 * SLICE_BYTES + 12_345, 2);
    const progress: number[] = [];
    const digest = await hashBlob(new Blob([bytes]), { streamAbove: 1024, onProgress: (done) => progress.push(done) });
    expect(hex(digest)).to.equal(nodeSha256(bytes));
    expect(progress).to.deep.equal([SLICE_BYTES, 2 * SLICE_BYTES, bytes.length]);
  });

  it("parses 64 hex digits with or without 0x, in any case, ignoring spaces and a sha256sum file name", () => {
    const h = nodeSha256(new Uint8Array([1, 2, 3]));
    for (const text of [h, `0x${h}`, `  0X${h.toUpperCase()}  `, `${h}  data/file.bin\n`]) {
      expect(hex(parseSampleHash(text))).to.equal(h);
    }
  });

  it("rejects text that is not a SHA-256, saying what to paste", () => {
    for (const text of ["", "0x1234", "z".repeat(64), `${"a".repeat(63)}`, `${"a".repeat(65)}`]) {
      expect(() => parseSampleHash(text)).to.throw(/is not a SHA-256 hash: paste 64 hex digits/);
    }
  });
});
