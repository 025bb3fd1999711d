import { expect } from "chai";

import { proveBatch, verifyBatch } from "../../src/merkle/multiproof.js";
import { proveMember, verifyMember } from "../../src/merkle/proof.js";
import { buildTree } from "../../src/merkle/tree.js";
import { hex, sampleIndexes, sortedHashSet } from "./helpers.js";

function setup(n: number) {
  const { flat, hashes } = sortedHashSet(`batch-${n}`, n);
  return { tree: buildTree(flat), at: (i: number) => hashes[i] as Uint8Array };
}

describe("proveBatch / verifyBatch", () => {
  for (const n of [1, 2, 3, 5, 8, 9, 1000]) {
    it(`verifies random batches of ${n} leaves, and agrees with single proofs`, () => {
      const { tree, at } = setup(n);
      for (let trial = 0; trial < 20; trial++) {
        const count = 1 + (trial % Math.min(n, 12));
        const indexes = [...new Set(sampleIndexes(`batch-${n}-${trial}`, n, count))].sort((a, b) => a - b);
        const { proof } = proveBatch(tree, indexes);
        const samples = indexes.map(at);
        expect(verifyBatch(tree.root, n, samples, indexes, proof), `indexes ${indexes}`).to.equal(true);
        // batch = AND of singles, also when one sample is swapped for a wrong one.
        const wrong = samples.map((s, k) => (k === trial % samples.length ? at((indexes[k]! + 1) % n) : s));
        const singles = indexes.map((i, k) => verifyMember(tree.root, n, wrong[k]!, i, proveMember(tree, i).siblings));
        expect(verifyBatch(tree.root, n, wrong, indexes, proof), `wrong sample, indexes ${indexes}`).to.equal(singles.every(Boolean));
      }
    });
  }

  it("needs no proof hashes for the whole tree and one path for a single leaf", () => {
    const { tree } = setup(9);
    expect(proveBatch(tree, [...Array(9).keys()]).proof).to.have.length(0);
    for (const i of [0, 4, 8]) {
      expect(proveBatch(tree, [i]).proof.map(hex)).to.deep.equal(proveMember(tree, i).siblings.map(hex));
    }
  });

  it("sends shared path hashes once (adjacent leaves share all but the bottom level)", () => {
    const { tree, at } = setup(1024);
    const { proof } = proveBatch(tree, [10, 11]);
    expect(proof).to.have.length(9);
    expect(verifyBatch(tree.root, 1024, [at(10), at(11)], [10, 11], proof)).to.equal(true);
  });

  it("sorts the requested indexes and returns them ascending", () => {
    const { tree, at } = setup(100);
    const batch = proveBatch(tree, [70, 3, 42]);
    expect(batch.indexes).to.deep.equal([3, 42, 70]);
    expect(verifyBatch(tree.root, 100, [at(3), at(42), at(70)], batch.indexes, batch.proof)).to.equal(true);
  });

  it("refuses empty, duplicate and out-of-range index lists when proving", () => {
    const { tree } = setup(10);
    expect(() => proveBatch(tree, [])).to.throw(RangeError, /at least one/);
    expect(() => proveBatch(tree, [3, 3])).to.throw(RangeError, /listed twice/);
    expect(() => proveBatch(tree, [10])).to.throw(RangeError, /out of range/);
  });

  describe("rejects", () => {
    const n = 37;
    const { tree, at } = setup(n);
    const indexes = [2, 3, 17, 36];
    const samples = indexes.map(at);
    const { proof } = proveBatch(tree, indexes);

    it("indexes not strictly ascending, even with matching samples", () => {
      expect(verifyBatch(tree.root, n, [samples[1]!, samples[0]!, samples[2]!, samples[3]!], [3, 2, 17, 36], proof)).to.equal(false);
      expect(verifyBatch(tree.root, n, [samples[0]!, samples[0]!], [2, 2], proveBatch(tree, [2]).proof)).to.equal(false);
    });

    it("an index at or beyond leafCount", () => {
      expect(verifyBatch(tree.root, n, samples, [2, 3, 17, 37], proof)).to.equal(false);
    });

    it("a tampered, missing or extra proof hash", () => {
      for (let p = 0; p < proof.length; p++) {
        const tampered = proof.map((x) => x.slice());
        tampered[p]![0]! ^= 0x80;
        expect(verifyBatch(tree.root, n, samples, indexes, tampered), `hash ${p}`).to.equal(false);
      }
      expect(verifyBatch(tree.root, n, samples, indexes, proof.slice(1))).to.equal(false);
      expect(verifyBatch(tree.root, n, samples, indexes, [...proof, new Uint8Array(32)])).to.equal(false);
    });

    it("a wrong leafCount or root", () => {
      expect(verifyBatch(tree.root, n + 1, samples, indexes, proof)).to.equal(false);
      expect(verifyBatch(tree.node(0, 0), n, samples, indexes, proof)).to.equal(false);
    });

    it("empty or mismatched batches and malformed hashes, without throwing", () => {
      expect(verifyBatch(tree.root, n, [], [], [])).to.equal(false);
      expect(verifyBatch(tree.root, n, samples.slice(1), indexes, proof)).to.equal(false);
      expect(verifyBatch(tree.root, n, [samples[0]!.subarray(1), ...samples.slice(1)], indexes, proof)).to.equal(false);
    });
  });
});
