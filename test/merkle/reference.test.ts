/**
 * The "second implementation" cross-check: on random sample sets of 1..2000
 * hashes, src/merkle and the deliberately plain reference implementation
 * (reference-tree.ts: objects, hex strings, ethers' keccak256, no shared
 * code) give the same roots, membership, absence and batch proofs, and each
 * accepts the other's proofs.
 */
import { expect } from "chai";

import { proveBatch, verifyBatch } from "../../src/merkle/multiproof.js";
import { proveMember, verifyAbsence, verifyMember } from "../../src/merkle/proof.js";
import { createSortedLookup, proveSample } from "../../src/merkle/search.js";
import { buildTree } from "../../src/merkle/tree.js";
import { Random, addToHash, flatten, hex } from "./helpers.js";
import { buildRefTree, refBatchPath, refPath, refRoute, refVerifyAbsence, refVerifyMember, toRefHex } from "./reference-tree.js";

const h0x = (bytes: Uint8Array) => `0x${hex(bytes)}`;
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));

describe("second implementation: src/merkle = the plain reference tree", function () {
  this.timeout(120_000);
  const random = new Random("reference-crosscheck");
  const sizes = [
    ...Array.from({ length: 16 }, (_, i) => i + 1),
    ...Array.from({ length: 6 }, () => random.between(17, 300)),
    ...Array.from({ length: 3 }, () => random.between(301, 1999)),
    2000,
  ];

  it(`gives the same top, root and proofs on random sets of ${sizes.join(", ")} hashes (seeded)`, () => {
    for (const n of sizes) {
      const hashes = random.sortedHashes(n);
      const flat = flatten(hashes);
      const tree = buildTree(flat);
      const ref = buildRefTree(hashes);
      const label = `n ${n}`;
      expect(h0x(tree.top), label).to.equal(ref.top);
      expect(h0x(tree.root), label).to.equal(ref.root);

      // Membership: every index of small trees, random ones of large trees.
      const indexes = n <= 64 ? Array.from({ length: n }, (_, i) => i) : [0, n - 1, ...random.indexSet(n, 20)];
      for (const i of indexes) {
        const path = proveMember(tree, i).path;
        expect(path.map(h0x), `${label}, index ${i}`).to.deep.equal(refPath(ref, i));
        expect(refVerifyMember(ref.root, n, toRefHex(hashes[i]!), i, path.map(h0x))).to.equal(true);
        expect(verifyMember(tree.root, n, hashes[i]!, i, refPath(ref, i).map(fromHex))).to.equal(true);
      }

      // Absence and membership through search: random queries and queries next to members.
      const lookup = createSortedLookup(flat, tree);
      const queries = [random.hash(), random.hash(), addToHash(hashes[random.int(n)]!, 1n), addToHash(hashes[random.int(n)]!, -1n)];
      for (const q of queries) {
        const proof = proveSample(lookup, q);
        const route = refRoute(ref, toRefHex(q));
        expect(proof.index, `${label}, query ${hex(q)}`).to.equal(route);
        expect(proof.path.map(h0x)).to.deep.equal(refPath(ref, route));
        if (proof.kind === "absent") {
          expect(refVerifyAbsence(ref.root, n, toRefHex(q), proof.index, h0x(proof.neighbor), proof.path.map(h0x))).to.equal(true);
          const refProof = { index: route, neighbor: fromHex(ref.values[route]!), path: refPath(ref, route).map(fromHex) };
          expect(verifyAbsence(tree.root, n, q, refProof)).to.equal(true);
        } else {
          expect(refVerifyMember(ref.root, n, toRefHex(q), proof.index, proof.path.map(h0x))).to.equal(true);
        }
      }

      // Batches of random index sets.
      for (let k = 0; k < 3; k++) {
        const set = random.indexSet(n, 1 + random.int(Math.min(n, 64)));
        const batch = proveBatch(tree, set);
        expect(batch.path.map(h0x), `${label}, batch ${set}`).to.deep.equal(refBatchPath(ref, set));
        expect(verifyBatch(tree.root, n, set.map((i) => hashes[i]!), set, refBatchPath(ref, set).map(fromHex))).to.equal(true);
      }
    }
  });
});
