import { expect } from "chai";

import { snappyUncompress } from "hyparquet";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";

import { SnappyError, snappyDecompress, snappyDecompressInto } from "../../src/sources/snappy.mjs";
import { seeded } from "../fixtures/source-fixtures.js";

const SEED = 4242;

describe("snappy decompression", () => {
  before(() => console.log(`      (seed ${SEED})`));

  it("gives the bytes hyparquet's decoder gives, on streams written by an independent compressor (literals, short and long copies, overlapping runs)", () => {
    const rng = seeded(SEED);
    const inputs: Uint8Array[] = [new Uint8Array(0), rng.bytes(1), rng.bytes(100_000), new Uint8Array(70_000).fill(7)];
    for (let n = 0; n < 40; n++) {
      // Text-like data with repeats at every distance: copies with 1-, 2- and 4-byte offsets.
      const words = Array.from({ length: 1 + rng.int(50) }, () => Buffer.from(rng.bytes(1 + rng.int(12))).toString("hex"));
      const parts: string[] = [];
      for (let i = 0; i < 200 + rng.int(5000); i++) parts.push(words[rng.int(words.length)]!);
      inputs.push(new TextEncoder().encode(parts.join(rng.int(2) === 0 ? " " : "")));
    }
    for (const input of inputs) {
      const compressed = snappyCompress(input);
      const theirs = new Uint8Array(input.length);
      snappyUncompress(compressed, theirs);
      expect(Buffer.from(snappyDecompress(compressed, input.length)).equals(Buffer.from(input))).to.equal(true);
      expect(Buffer.from(theirs).equals(Buffer.from(input))).to.equal(true);
      const reused = new Uint8Array(input.length);
      expect(snappyDecompressInto(compressed, reused)).to.equal(reused);
    }
  });

  it("refuses a wrong declared length, a truncated stream and a copy reaching before the start", () => {
    const input = new TextEncoder().encode("abcabcabcabcabcabcabcabc hello hello hello");
    const compressed = snappyCompress(input);
    expect(() => snappyDecompress(compressed, input.length + 1)).to.throw(SnappyError, /declares 42 bytes, the page header 43/u);
    expect(() => snappyDecompress(compressed.subarray(0, compressed.length - 3), input.length)).to.throw(SnappyError);
    // varint 4, then a 1-byte-offset copy of 4 bytes at offset 1 with nothing before it.
    expect(() => snappyDecompress(Uint8Array.from([4, 0b000_000_01, 1]), 4)).to.throw(SnappyError, /refers 1 bytes back from position 0/u);
  });
});
