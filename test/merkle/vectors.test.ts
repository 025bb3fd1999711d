import { readFileSync } from "node:fs";

import { expect } from "chai";

import { hashFromHex, toHex } from "../../src/hash/hex.js";
import { sha256 } from "../../src/hash/sha256.js";
import { verifyAbsence } from "../../src/merkle/absence.js";
import { verifyBatch } from "../../src/merkle/multiproof.js";
import { verifyMember } from "../../src/merkle/proof.js";
import { SCHEME_VECTORS_PATH, renderSchemeVectors } from "../vectors/generate.js";
import type { SchemeVectors, VectorLeafProof } from "../vectors/generate.js";
import { referenceTree } from "./helpers.js";

const committed = readFileSync(SCHEME_VECTORS_PATH, "utf8");
const vectors = JSON.parse(committed) as SchemeVectors;
const neighbor = (p: VectorLeafProof) => ({
  index: p.index,
  sampleHash: hashFromHex(p.sampleHash),
  siblings: p.siblings.map(hashFromHex),
});

describe("test/vectors/merkle-scheme.json", () => {
  it("is exactly what test/vectors/generate.ts produces (regenerate with npx tsx test/vectors/generate.ts)", () => {
    expect(committed).to.equal(renderSchemeVectors());
  });

  it("covers sizes 1, 2, 3, 5, 8, 9 and 100", () => {
    expect(vectors.cases.map((c) => c.size)).to.deep.equal([1, 2, 3, 5, 8, 9, 100]);
  });

  for (const c of vectors.cases) {
    describe(`size ${c.size}`, () => {
      const root = hashFromHex(c.root);

      it("derives the sorted sample hashes from the sample texts", () => {
        const derived = c.samples.map((s) => toHex(sha256(Buffer.from(s, "utf8")))).sort();
        expect(c.sampleHashes).to.deep.equal(derived);
      });

      it("has merkletreejs's root", () => {
        expect(c.root.slice(2)).to.equal(referenceTree(c.sampleHashes.map(hashFromHex)).getRoot().toString("hex"));
      });

      it("has membership proofs that verify (and fail at the neighbouring index)", () => {
        for (const p of c.memberProofs) {
          const { index, sampleHash, siblings } = neighbor(p);
          expect(verifyMember(root, c.leafCount, sampleHash, index, siblings), `index ${index}`).to.equal(true);
          if (c.size > 1) {
            expect(verifyMember(root, c.leafCount, sampleHash, (index + 1) % c.size, siblings)).to.equal(false);
          }
        }
      });

      it("has absence proofs (below, between, above) that verify, and fail for a member query", () => {
        const positions = c.absenceProofs.map((a) => a.position);
        expect(positions).to.deep.equal(c.size > 1 ? ["below", "between", "above"] : ["below", "above"]);
        for (const a of c.absenceProofs) {
          const neighbors = a.neighbors.map(neighbor);
          expect(verifyAbsence(root, c.leafCount, hashFromHex(a.query), neighbors), a.position).to.equal(true);
          expect(verifyAbsence(root, c.leafCount, neighbors[0]!.sampleHash, neighbors)).to.equal(false);
        }
      });

      it("has a batch proof that verifies", () => {
        const { indexes, sampleHashes, proof } = c.batchProof;
        expect(verifyBatch(root, c.leafCount, sampleHashes.map(hashFromHex), indexes, proof.map(hashFromHex))).to.equal(true);
      });
    });
  }
});
