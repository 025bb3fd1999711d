import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { keccak256 as ethersKeccak256 } from "ethers";

import { buildKeccakWasm } from "../../src/hash/keccak-wasm/build-keccak-wasm.js";
import { renderKeccakWasmModule } from "../../src/hash/keccak-wasm/generate.js";
import { KECCAK_WASM_BASE64 } from "../../src/hash/keccak-wasm/keccak-wasm-bytes.js";
import { keccak256, keccakLeaves, keccakPairs } from "../../src/hash/keccak.js";
import { sha256 } from "../../src/hash/sha256.js";
import { hex, seededBytes } from "./helpers.js";

const expected = (bytes: Uint8Array) => ethersKeccak256(bytes).slice(2);

describe("keccak256 (wasm)", () => {
  it("matches ethers on random inputs of every length 0..300", () => {
    for (let length = 0; length <= 300; length++) {
      const input = randomBytes(length);
      expect(hex(keccak256(input)), `length ${length}`).to.equal(expected(input));
    }
  });

  it("matches ethers around the 136-byte rate boundary and for multi-block inputs", () => {
    for (const length of [135, 136, 137, 271, 272, 273, 1000, 136 * 1000 + 7, 300_000]) {
      const input = randomBytes(length);
      expect(hex(keccak256(input)), `length ${length}`).to.equal(expected(input));
    }
  });

  it("gives the known digest of the empty string", () => {
    expect(hex(keccak256(new Uint8Array(0)))).to.equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  });

  it("returns a fresh array each call (no shared wasm memory view)", () => {
    const a = keccak256(new Uint8Array(32));
    const b = keccak256(new Uint8Array(32).fill(1));
    expect(hex(a)).to.equal(expected(new Uint8Array(32)));
    expect(hex(a)).to.not.equal(hex(b));
  });
});

describe("keccakLeaves / keccakPairs (batched wasm)", () => {
  for (const n of [0, 1, 2, 3, 2047, 2048, 2049, 5001]) {
    it(`hashes ${n} 32-byte inputs like ethers, one by one`, () => {
      const input = randomBytes(n * 32);
      const output = new Uint8Array(n * 32);
      keccakLeaves(input, output);
      for (let i = 0; i < n; i++) {
        expect(hex(output.subarray(i * 32, i * 32 + 32)), `leaf ${i}`).to.equal(expected(input.subarray(i * 32, i * 32 + 32)));
      }
    });

    it(`hashes ${n} 64-byte pairs like ethers, one by one`, () => {
      const input = randomBytes(n * 64);
      const output = new Uint8Array(n * 32);
      keccakPairs(input, output);
      for (let i = 0; i < n; i++) {
        expect(hex(output.subarray(i * 32, i * 32 + 32)), `pair ${i}`).to.equal(expected(input.subarray(i * 64, i * 64 + 64)));
      }
    });
  }

  it("hashes leaves in place when output is the input buffer", () => {
    const input = seededBytes("leaves-in-place", 5000 * 32);
    const reference = new Uint8Array(input.length);
    keccakLeaves(input, reference);
    const buffer = input.slice();
    keccakLeaves(buffer, buffer);
    expect(hex(buffer)).to.equal(hex(reference));
  });

  it("hashes pairs in place when output is the first half of the input", () => {
    const input = seededBytes("pairs-in-place", 5000 * 64);
    const reference = new Uint8Array(input.length / 2);
    keccakPairs(input, reference);
    const buffer = input.slice();
    keccakPairs(buffer, buffer.subarray(0, buffer.length / 2));
    expect(hex(buffer.subarray(0, buffer.length / 2))).to.equal(hex(reference));
  });

  it("rejects an input that is not a whole number of 32-byte / 64-byte items", () => {
    expect(() => keccakLeaves(new Uint8Array(33), new Uint8Array(33))).to.throw(RangeError, /not a multiple of 32/);
    expect(() => keccakPairs(new Uint8Array(96), new Uint8Array(48))).to.throw(RangeError, /not a multiple of 64/);
  });

  it("rejects an output of the wrong size", () => {
    expect(() => keccakLeaves(new Uint8Array(64), new Uint8Array(32))).to.throw(RangeError, /must equal input length/);
    expect(() => keccakPairs(new Uint8Array(128), new Uint8Array(128))).to.throw(RangeError, /half the input length/);
  });
});

describe("keccak wasm module", () => {
  it("is exactly what the committed generator emits (regenerate with npx tsx src/hash/keccak-wasm/generate.ts)", () => {
    const emitted = buildKeccakWasm();
    expect(KECCAK_WASM_BASE64).to.equal(Buffer.from(emitted).toString("base64"));
    const committed = readFileSync(new URL("../../src/hash/keccak-wasm/keccak-wasm-bytes.ts", import.meta.url), "utf8");
    expect(committed).to.equal(renderKeccakWasmModule(emitted));
  });

  it("also emits a correct scalar variant (generator self-check)", () => {
    const exports = new (globalThis as any).WebAssembly.Instance(
      new (globalThis as any).WebAssembly.Module(buildKeccakWasm(["scalar"])),
      {},
    ).exports;
    const heap = new Uint8Array(exports.memory.buffer);
    const input = randomBytes(3 * 64);
    heap.set(input, 512);
    exports.pairs(512, 4096, 3);
    for (let i = 0; i < 3; i++) {
      expect(hex(heap.subarray(4096 + i * 32, 4096 + i * 32 + 32))).to.equal(expected(input.subarray(i * 64, i * 64 + 64)));
    }
  });
});

describe("sha256", () => {
  it("gives the known digest of 'hello\\n'", () => {
    expect(hex(sha256(Buffer.from("hello\n")))).to.equal("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  });

  it("matches createHash on random inputs", () => {
    for (const length of [0, 1, 55, 56, 64, 784, 100_000]) {
      const input = randomBytes(length);
      expect(hex(sha256(input))).to.equal(createHash("sha256").update(input).digest("hex"));
    }
  });
});
