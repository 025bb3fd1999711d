/**
 * The shared scheme vectors (test/vectors/merkle-scheme.json): the committed
 * file equals the generator's output, every value is re-derived by the
 * independent reference implementation (reference-tree.ts) from the sample
 * texts, and every proof verifies with src/merkle and with the reference.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { expect } from "chai";

import { hashFromHex } from "../../src/hash/hex.js";
import { verifyBatch } from "../../src/merkle/multiproof.js";
import { verifyAbsence, verifyMember } from "../../src/merkle/proof.js";
import { SCHEME_ID } from "../../src/merkle/scheme.js";
import { SCHEME_VECTORS_PATH, VECTOR_SIZES, renderSchemeVectors, vectorSample } from "../vectors/generate.js";
import type { SchemeVectors } from "../vectors/generate.js";
import {
  buildRefTree,
  refBatchPath,
  refPath,
  refRoute,
  refVerifyAbsence,
  refVerifyMember,
} from "./reference-tree.js";

const committed = readFileSync(SCHEME_VECTORS_PATH, "utf8");
const vectors = JSON.parse(committed) as SchemeVectors;
const bytes = (hexes: readonly string[]) => hexes.map(hashFromHex);

describe("test/vectors/merkle-scheme.json", () => {
  it("is exactly what test/vectors/generate.ts produces (regenerate with npx tsx test/vectors/generate.ts)", () => {
    expect(committed).to.equal(renderSchemeVectors());
  });

  it(`names scheme ${SCHEME_ID} and covers sizes 1, 2, 3, 5, 8, 9 and 100`, () => {
    expect(vectors.scheme).to.equal("datatrace-merkle/2");
    expect(vectors.cases.map((c) => c.size)).to.deep.equal([...VECTOR_SIZES]);
    expect([...VECTOR_SIZES]).to.deep.equal([1, 2, 3, 5, 8, 9, 100]);
  });

  for (const c of vectors.cases) {
    describe(`size ${c.size}`, () => {
      const root = hashFromHex(c.root);
      const ref = buildRefTree(c.sampleHashes);

      it("derives the sorted sample hashes from the sample texts (node:crypto SHA-256)", () => {
        expect(c.samples).to.deep.equal(Array.from({ length: c.size }, (_, i) => vectorSample(c.size, i)));
        const derived = c.samples.map((s) => "0x" + createHash("sha256").update(s, "utf8").digest("hex")).sort();
        expect(c.sampleHashes).to.deep.equal(derived);
        expect(c.leafCount).to.equal(c.size);
      });

      it("has the reference tree's levels, split keys, top and root", () => {
        expect(c.levels).to.deep.equal(ref.levels.map((level) => level.map((node) => node.hash)));
        expect(c.splitKeys).to.deep.equal(ref.levels.map((level) => level.map((node) => node.split)));
        expect(c.levels[0]).to.deep.equal(c.sampleHashes);
        expect(c.depth).to.equal(c.levels.length - 1);
        expect(c.top).to.equal(ref.top);
        expect(c.root).to.equal(ref.root);
        // n - 1 split keys, one per boundary between adjacent samples.
        expect(c.splitKeys.flat().filter((k) => k !== null)).to.have.length(c.size - 1);
      });

      it("has membership proofs (first, middle, last) equal to the reference paths, valid, and invalid at another index", () => {
        expect(c.memberProofs.map((p) => p.index)).to.deep.equal([...new Set([0, Math.floor(c.size / 2), c.size - 1])]);
        for (const p of c.memberProofs) {
          expect(p.sampleHash).to.equal(c.sampleHashes[p.index]);
          expect(p.path).to.deep.equal(refPath(ref, p.index));
          expect(verifyMember(root, c.leafCount, hashFromHex(p.sampleHash), p.index, bytes(p.path)), `index ${p.index}`).to.equal(true);
          expect(refVerifyMember(c.root, c.leafCount, p.sampleHash, p.index, p.path)).to.equal(true);
          if (c.size > 1) {
            expect(verifyMember(root, c.leafCount, hashFromHex(p.sampleHash), (p.index + 1) % c.size, bytes(p.path))).to.equal(false);
          }
        }
      });

      it("has absence proofs (below, on each side of a split key, above) at the query's route, valid, and invalid for a member", () => {
        const positions = c.absenceProofs.map((a) => a.position);
        expect(positions).to.deep.equal(
          c.size > 1
            ? ["below first", "between, below the split key", "between, at the split key", "above last"]
            : ["below first", "above last"],
        );
        for (const a of c.absenceProofs) {
          expect(a.index, a.position).to.equal(refRoute(ref, a.query));
          expect(a.neighbor).to.equal(c.sampleHashes[a.index]);
          expect(a.path).to.deep.equal(refPath(ref, a.index));
          const proof = { index: a.index, neighbor: hashFromHex(a.neighbor), path: bytes(a.path) };
          expect(verifyAbsence(root, c.leafCount, hashFromHex(a.query), proof), a.position).to.equal(true);
          expect(refVerifyAbsence(c.root, c.leafCount, a.query, a.index, a.neighbor, a.path)).to.equal(true);
          expect(verifyAbsence(root, c.leafCount, proof.neighbor, proof), `${a.position}: the neighbor itself`).to.equal(false);
          if (a.position === "between, at the split key") {
            expect(a.query).to.equal(c.splitKeys.flat().find((k) => k === a.query));
          }
        }
        if (c.size > 1) {
          // The two "between" queries sit on either side of the same split key, so they end at adjacent samples.
          const [below, at] = [c.absenceProofs[1]!, c.absenceProofs[2]!];
          expect(at.index - below.index).to.equal(1);
        }
      });

      it("has a batch proof equal to the reference batch path, valid, and invalid with a sample changed", () => {
        const { indexes, sampleHashes, path } = c.batchProof;
        expect(sampleHashes).to.deep.equal(indexes.map((i) => c.sampleHashes[i]));
        expect(path).to.deep.equal(refBatchPath(ref, indexes));
        expect(verifyBatch(root, c.leafCount, bytes(sampleHashes), indexes, bytes(path))).to.equal(true);
        const changed = bytes(sampleHashes);
        changed[0]![31] = changed[0]![31]! ^ 1;
        expect(verifyBatch(root, c.leafCount, changed, indexes, bytes(path))).to.equal(false);
      });
    });
  }
});
