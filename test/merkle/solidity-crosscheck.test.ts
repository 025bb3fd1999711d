/**
 * Cross-check of the TypeScript Merkle core against the Solidity verifier:
 * proofs built by src/merkle for the shared vectors and for a random
 * 1000-leaf set must be accepted by DatasetNFT (verifySample, verifySamples,
 * verifyAbsence, reportDisorder), and tampered ones rejected.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import type { DatasetNFT } from "../../typechain-types/index.js";
import { hashFromHex, toHex } from "../../src/hash/hex.js";
import { createSortedLookup, proveAbsence } from "../../src/merkle/absence.js";
import type { AbsenceNeighbor } from "../../src/merkle/absence.js";
import { proveBatch } from "../../src/merkle/multiproof.js";
import { proveMember } from "../../src/merkle/proof.js";
import { buildTree } from "../../src/merkle/tree.js";
import type { MerkleTree } from "../../src/merkle/tree.js";
import { SCHEME_VECTORS_PATH } from "../vectors/generate.js";
import type { SchemeVectors, VectorLeafProof } from "../vectors/generate.js";
import { sampleIndexes, sortedHashSet } from "./helpers.js";

const { ethers, networkHelpers } = await network.create();

/** A valid CIDv1 (raw, sha2-256) to register as the manifest: the CID of "hello\n". */
const MANIFEST_CID = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";
const vectors = JSON.parse(readFileSync(SCHEME_VECTORS_PATH, "utf8")) as SchemeVectors;

/** The Solidity `SampleMerkle.Neighbor` struct of a TS neighbor. */
const asStruct = (n: AbsenceNeighbor) => ({ sampleHash: toHex(n.sampleHash), index: n.index, proof: n.siblings.map(toHex) });
const vectorStruct = (p: VectorLeafProof) => ({ sampleHash: p.sampleHash, index: p.index, proof: p.siblings });

/** Flips the lowest bit of a 0x-prefixed 32-byte hex hash. */
function flip(hash: string): string {
  const bytes = hashFromHex(hash);
  bytes[31] = (bytes[31] as number) ^ 1;
  return toHex(bytes);
}

async function register(nft: DatasetNFT, root: Uint8Array | string, leafCount: number): Promise<bigint> {
  await nft.register(root, leafCount, MANIFEST_CID, "", 0);
  return nft.datasetCount();
}

async function deployWithVectors() {
  const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
  const ids: bigint[] = [];
  for (const c of vectors.cases) ids.push(await register(nft, c.root, c.leafCount));
  return { nft, ids };
}

async function deployWithRandomSet() {
  const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
  const { flat, hashes } = sortedHashSet("crosscheck-1000", 1000);
  const tree = buildTree(flat);
  const id = await register(nft, tree.root, tree.leafCount);
  return { nft, id, tree, flat, hashes };
}

describe("Solidity cross-check: DatasetNFT accepts the TS proofs", function () {
  describe("shared vectors (test/vectors/merkle-scheme.json)", function () {
    it("verifySample accepts every membership vector and rejects a tampered sibling or a wrong index", async function () {
      const { nft, ids } = await networkHelpers.loadFixture(deployWithVectors);
      for (const [k, c] of vectors.cases.entries()) {
        const id = ids[k] as bigint;
        for (const p of c.memberProofs) {
          expect(await nft.verifySample(id, p.sampleHash, p.index, p.siblings), `size ${c.size} index ${p.index}`).to.equal(true);
          if (p.siblings.length > 0) {
            const tampered = [flip(p.siblings[0] as string), ...p.siblings.slice(1)];
            expect(await nft.verifySample(id, p.sampleHash, p.index, tampered)).to.equal(false);
          }
          if (c.size > 1) {
            expect(await nft.verifySample(id, p.sampleHash, (p.index + 1) % c.size, p.siblings)).to.equal(false);
          }
          expect(await nft.verifySample(id, flip(p.sampleHash), p.index, p.siblings)).to.equal(false);
        }
      }
    });

    it("verifyAbsence accepts every absence vector (below, between, above) and rejects member queries", async function () {
      const { nft, ids } = await networkHelpers.loadFixture(deployWithVectors);
      for (const [k, c] of vectors.cases.entries()) {
        const id = ids[k] as bigint;
        for (const a of c.absenceProofs) {
          const neighbors = a.neighbors.map(vectorStruct);
          expect(await nft.verifyAbsence(id, a.query, neighbors), `size ${c.size} ${a.position}`).to.equal(true);
          expect(await nft.verifyAbsence(id, a.neighbors[0]!.sampleHash, neighbors)).to.equal(false);
        }
      }
    });

    it("verifySamples accepts every batch vector and rejects a tampered proof hash", async function () {
      const { nft, ids } = await networkHelpers.loadFixture(deployWithVectors);
      for (const [k, c] of vectors.cases.entries()) {
        const id = ids[k] as bigint;
        const { indexes, sampleHashes, proof } = c.batchProof;
        expect(await nft.verifySamples(id, sampleHashes, indexes, proof), `size ${c.size}`).to.equal(true);
        if (proof.length > 0) {
          expect(await nft.verifySamples(id, sampleHashes, indexes, [flip(proof[0] as string), ...proof.slice(1)])).to.equal(false);
        }
        expect(await nft.verifySamples(id, [flip(sampleHashes[0] as string), ...sampleHashes.slice(1)], indexes, proof)).to.equal(
          false,
        );
      }
    });
  });

  describe("a random 1000-leaf dataset", function () {
    it("verifySample accepts proofs of random indexes (and both ends) and rejects them shifted or tampered", async function () {
      const { nft, id, tree, hashes } = await networkHelpers.loadFixture(deployWithRandomSet);
      for (const i of [0, 999, ...sampleIndexes("crosscheck-members", 1000, 30)]) {
        const siblings = proveMember(tree, i).siblings.map(toHex);
        expect(await nft.verifySample(id, hashes[i]!, i, siblings), `index ${i}`).to.equal(true);
        expect(await nft.verifySample(id, hashes[i]!, (i + 1) % 1000, siblings)).to.equal(false);
        expect(await nft.verifySample(id, hashes[i]!, i, [...siblings.slice(0, -1), flip(siblings.at(-1)!)])).to.equal(false);
        expect(await nft.verifySample(id, hashes[i]!, i, siblings.slice(0, -1))).to.equal(false);
        expect(await nft.verifySample(id, hashes[i]!, i, [...siblings, siblings[0]!])).to.equal(false);
      }
    });

    it("verifySamples accepts TS multiproofs of 1, 8, 64 and 512 random samples and rejects them tampered", async function () {
      const { nft, id, tree, hashes } = await networkHelpers.loadFixture(deployWithRandomSet);
      for (const k of [1, 8, 64, 512]) {
        const wanted = [...new Set(sampleIndexes(`crosscheck-batch-${k}`, 1000, k))];
        const { indexes, proof } = proveBatch(tree, wanted);
        const samples = indexes.map((i) => hashes[i]!);
        const proofHex = proof.map(toHex);
        expect(await nft.verifySamples(id, samples, indexes, proofHex), `k = ${k}`).to.equal(true);
        if (proof.length > 0) {
          expect(await nft.verifySamples(id, samples, indexes, proofHex.slice(1))).to.equal(false);
          expect(await nft.verifySamples(id, samples, indexes, [flip(proofHex[0]!), ...proofHex.slice(1)])).to.equal(false);
        }
        if (indexes.length > 1) {
          const swapped = [samples[1]!, samples[0]!, ...samples.slice(2)];
          expect(await nft.verifySamples(id, swapped, indexes, proofHex)).to.equal(false);
        }
      }
    });

    it("verifyAbsence accepts TS absence proofs below, between and above, and rejects forged ones", async function () {
      const { nft, id, tree, flat, hashes } = await networkHelpers.loadFixture(deployWithRandomSet);
      const lookup = createSortedLookup(flat, tree);
      const below = new Uint8Array(32);
      const above = new Uint8Array(32).fill(0xff);
      const between = new Uint8Array(hashes[500]!);
      between[31] = (between[31] as number) ^ 1; // a non-member next to leaf 500 (overwhelmingly)
      for (const q of [below, above, between]) {
        const result = proveAbsence(lookup, q);
        expect(result.kind).to.equal("absent");
        if (result.kind !== "absent") continue;
        expect(await nft.verifyAbsence(id, q, result.neighbors.map(asStruct)), toHex(q)).to.equal(true);
      }
      const member = (i: number) => asStruct({ index: i, sampleHash: hashes[i]!, siblings: proveMember(tree, i).siblings });
      // A present sample "proven" absent with non-adjacent neighbors, and neighbors in the wrong order.
      expect(await nft.verifyAbsence(id, hashes[500]!, [member(499), member(501)])).to.equal(false);
      const q = proveAbsence(lookup, between);
      if (q.kind === "absent" && q.neighbors.length === 2) {
        expect(await nft.verifyAbsence(id, between, [...q.neighbors].reverse().map(asStruct))).to.equal(false);
      }
    });
  });

  describe("a dishonest (unsorted) commitment", function () {
    async function deployWithSwappedLeaves() {
      const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
      const { hashes } = sortedHashSet("crosscheck-disorder", 16);
      const swapped = [...hashes];
      [swapped[7], swapped[8]] = [swapped[8]!, swapped[7]!];
      const tree: MerkleTree = buildTree(Buffer.concat(swapped), { checkSorted: false });
      const id = await register(nft, tree.root, tree.leafCount);
      const member = (i: number): AbsenceNeighbor => ({ index: i, sampleHash: swapped[i]!, siblings: proveMember(tree, i).siblings });
      return { nft, id, hashes, member };
    }

    it("accepts a fake absence until a TS-built disorder proof is reported, then rejects absence proofs", async function () {
      const { nft, id, hashes, member } = await networkHelpers.loadFixture(deployWithSwappedLeaves);
      // hashes[7] sits at index 8; adjacent leaves 6 and 7 hold hashes[6] < hashes[7] < hashes[8].
      const fake = [member(6), member(7)].map(asStruct);
      expect(await nft.verifyAbsence(id, hashes[7]!, fake)).to.equal(true);
      await nft.reportDisorder(id, asStruct(member(7)), asStruct(member(8)));
      expect((await nft.dataset(id)).disordered).to.equal(true);
      expect(await nft.verifyAbsence(id, hashes[7]!, fake)).to.equal(false);
    });
  });
});
