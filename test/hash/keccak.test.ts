/**
 * The Keccak-256 behind the tree (src/hash/keccak.ts and its wasm generator),
 * against two independent implementations: ethers' keccak256 and the
 * `keccak256` npm package.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { keccak256 as ethersKeccak256 } from "ethers";
import keccak256Package from "keccak256";

import { buildKeccakWasm } from "../../src/hash/keccak-wasm/build-keccak-wasm.js";
import { renderKeccakWasmModule } from "../../src/hash/keccak-wasm/generate.js";
import { KECCAK_WASM_BASE64 } from "../../src/hash/keccak-wasm/keccak-wasm-bytes.js";
import { IN_OFFSET, OUT_OFFSET, SPLITS_OFFSET } from "../../src/hash/keccak-wasm/layout.js";
import { keccak256, keccakLeaves, keccakNodes, keccakPairs } from "../../src/hash/keccak.js";
import { Random } from "../fixtures/seeded-random.js";
import { hex } from "../merkle/helpers.js";

const expected = (bytes: Uint8Array) => ethersKeccak256(bytes).slice(2);
const expectedPackage = (bytes: Uint8Array) => keccak256Package(Buffer.from(bytes)).toString("hex");

/** Batch sizes around the 2048-message chunk of one wasm call, and odd counts (the SIMD loop hashes two at a time). */
const BATCH_SIZES = [0, 1, 2, 3, 4, 5, 2047, 2048, 2049, 4095, 4096, 4097, 5001];

describe("keccak256 (wasm)", () => {
  const random = new Random("keccak256");

  it("matches ethers on random inputs of every length 0..300", () => {
    for (let length = 0; length <= 300; length++) {
      const input = random.bytes(length);
      expect(hex(keccak256(input)), `length ${length}`).to.equal(expected(input));
    }
  });

  it("matches ethers around the 136-byte rate boundary and for multi-block inputs", () => {
    for (const length of [135, 136, 137, 271, 272, 273, 1000, 136 * 1000 + 7, 300_000]) {
      const input = random.bytes(length);
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

describe("keccakNodes (96-byte tree nodes, batched)", () => {
  const random = new Random("keccak-nodes");

  for (const n of BATCH_SIZES) {
    it(`hashes ${n} pair ‖ split messages like ethers and the keccak256 package, one by one`, () => {
      const pairs = random.bytes(n * 64);
      const splits = random.bytes(n * 32);
      const output = new Uint8Array(n * 32);
      keccakNodes(pairs, splits, output);
      for (let i = 0; i < n; i++) {
        const message = Buffer.concat([pairs.subarray(i * 64, i * 64 + 64), splits.subarray(i * 32, i * 32 + 32)]);
        const digest = hex(output.subarray(i * 32, i * 32 + 32));
        expect(digest, `node ${i} of ${n} (ethers)`).to.equal(expected(message));
        if (i % 7 === 0 || i >= n - 3) expect(digest, `node ${i} of ${n} (keccak256 package)`).to.equal(expectedPackage(message));
      }
    });
  }

  for (const n of [1, 3, 2047, 2048, 2049, 5000]) {
    it(`hashes ${n} nodes in place when the output is the first half of the pairs buffer`, () => {
      const pairs = random.bytes(n * 64);
      const splits = random.bytes(n * 32);
      const reference = new Uint8Array(n * 32);
      keccakNodes(pairs, splits, reference);
      const buffer = pairs.slice();
      keccakNodes(buffer, splits, buffer.subarray(0, n * 32));
      expect(hex(buffer.subarray(0, n * 32))).to.equal(hex(reference));
    });
  }

  it("reads and writes views at any byte offset of larger buffers", () => {
    const n = 2050;
    const big = random.bytes(7 + n * 64 + 3 + n * 32 + 2);
    const pairs = big.subarray(7, 7 + n * 64);
    const splits = big.subarray(7 + n * 64 + 3, 7 + n * 64 + 3 + n * 32);
    const output = new Uint8Array(n * 32 + 64).subarray(32, 32 + n * 32);
    keccakNodes(pairs, splits, output);
    for (const i of [0, 1, 2047, 2048, 2049]) {
      const message = Buffer.concat([pairs.subarray(i * 64, i * 64 + 64), splits.subarray(i * 32, i * 32 + 32)]);
      expect(hex(output.subarray(i * 32, i * 32 + 32)), `node ${i}`).to.equal(expected(message));
    }
  });

  it("rejects pairs that are not whole 64-byte records, and split keys or outputs of the wrong size", () => {
    expect(() => keccakNodes(new Uint8Array(96), new Uint8Array(32), new Uint8Array(32))).to.throw(RangeError, /not a multiple of 64/);
    expect(() => keccakNodes(new Uint8Array(128), new Uint8Array(32), new Uint8Array(64))).to.throw(RangeError, /2 pairs need 64 bytes/);
    expect(() => keccakNodes(new Uint8Array(128), new Uint8Array(64), new Uint8Array(32))).to.throw(RangeError, /2 pairs need 64 bytes/);
    expect(() => keccakNodes(new Uint8Array(64), new Uint8Array(32), new Uint8Array(64))).to.throw(RangeError, /need 32 bytes/);
  });
});

describe("keccakLeaves / keccakPairs (batched wasm)", () => {
  const random = new Random("keccak-batches");

  for (const n of [0, 1, 2, 3, 2047, 2048, 2049, 5001]) {
    it(`hashes ${n} 32-byte inputs and ${n} 64-byte pairs like ethers, one by one`, () => {
      const leaves = random.bytes(n * 32);
      const leafOut = new Uint8Array(n * 32);
      keccakLeaves(leaves, leafOut);
      const pairs = random.bytes(n * 64);
      const pairOut = new Uint8Array(n * 32);
      keccakPairs(pairs, pairOut);
      for (let i = 0; i < n; i++) {
        expect(hex(leafOut.subarray(i * 32, i * 32 + 32)), `leaf ${i}`).to.equal(expected(leaves.subarray(i * 32, i * 32 + 32)));
        expect(hex(pairOut.subarray(i * 32, i * 32 + 32)), `pair ${i}`).to.equal(expected(pairs.subarray(i * 64, i * 64 + 64)));
      }
    });
  }

  it("hashes leaves in place, and pairs into the first half of their input", () => {
    const leaves = random.bytes(5000 * 32);
    const leafReference = new Uint8Array(leaves.length);
    keccakLeaves(leaves, leafReference);
    keccakLeaves(leaves, leaves);
    expect(hex(leaves)).to.equal(hex(leafReference));
    const pairs = random.bytes(5000 * 64);
    const pairReference = new Uint8Array(pairs.length / 2);
    keccakPairs(pairs, pairReference);
    keccakPairs(pairs, pairs.subarray(0, pairs.length / 2));
    expect(hex(pairs.subarray(0, pairs.length / 2))).to.equal(hex(pairReference));
  });

  it("rejects inputs that are not whole records and outputs of the wrong size", () => {
    expect(() => keccakLeaves(new Uint8Array(33), new Uint8Array(33))).to.throw(RangeError, /not a multiple of 32/);
    expect(() => keccakPairs(new Uint8Array(96), new Uint8Array(48))).to.throw(RangeError, /not a multiple of 64/);
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

  it("also emits a correct scalar variant of pairs and nodes (generator self-check)", () => {
    const wasmApi = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: any } } })
      .WebAssembly;
    const exports = new wasmApi.Instance(new wasmApi.Module(buildKeccakWasm(["scalar"])), {}).exports;
    const heap = new Uint8Array(exports.memory.buffer);
    const random = new Random("keccak-scalar");
    const pairs = random.bytes(3 * 64);
    const splits = random.bytes(3 * 32);
    heap.set(pairs, IN_OFFSET);
    exports.pairs(IN_OFFSET, OUT_OFFSET, 3);
    for (let i = 0; i < 3; i++) {
      expect(hex(heap.subarray(OUT_OFFSET + i * 32, OUT_OFFSET + i * 32 + 32))).to.equal(expected(pairs.subarray(i * 64, i * 64 + 64)));
    }
    heap.set(splits, SPLITS_OFFSET);
    exports.nodes(IN_OFFSET, SPLITS_OFFSET, OUT_OFFSET, 3);
    for (let i = 0; i < 3; i++) {
      const message = Buffer.concat([pairs.subarray(i * 64, i * 64 + 64), splits.subarray(i * 32, i * 32 + 32)]);
      expect(hex(heap.subarray(OUT_OFFSET + i * 32, OUT_OFFSET + i * 32 + 32)), `node ${i}`).to.equal(expected(message));
    }
  });
});
