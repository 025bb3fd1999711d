import { expect } from "chai";

import { createSortedLookup, lowerBound, proveAbsence, verifyAbsence, verifyDisorder } from "../../src/merkle/absence.js";
import type { AbsenceNeighbor } from "../../src/merkle/absence.js";
import { proveMember, verifyMember } from "../../src/merkle/proof.js";
import { buildTree } from "../../src/merkle/tree.js";
import { sortedHashSet } from "./helpers.js";

/** x ± 1 as a 256-bit big-endian number. */
function step(x: Uint8Array, delta: 1 | -1): Uint8Array {
  const out = x.slice();
  for (let i = 31; i >= 0; i--) {
    const v = (out[i] as number) + delta;
    out[i] = v & 0xff;
    if (v >= 0 && v <= 0xff) break;
  }
  return out;
}

function setup(n: number, seed = `absence-${n}`) {
  const { flat, hashes } = sortedHashSet(seed, n);
  const tree = buildTree(flat);
  return { tree, hashes, lookup: createSortedLookup(flat, tree), at: (i: number) => hashes[i] as Uint8Array };
}

function absentNeighbors(result: ReturnType<typeof proveAbsence>): AbsenceNeighbor[] {
  if (result.kind !== "absent") throw new Error("expected an absence proof");
  return result.neighbors;
}

describe("proveAbsence / verifyAbsence", () => {
  for (const n of [1, 2, 3, 9, 1000]) {
    describe(`${n} leaves`, () => {
      const { tree, lookup, at } = setup(n);

      it("proves a query below the first leaf with leaf 0 alone", () => {
        const q = new Uint8Array(32);
        const neighbors = absentNeighbors(proveAbsence(lookup, q));
        expect(neighbors.map((x) => x.index)).to.deep.equal([0]);
        expect(verifyAbsence(tree.root, n, q, neighbors)).to.equal(true);
      });

      it("proves a query above the last leaf with the last leaf alone", () => {
        const q = new Uint8Array(32).fill(0xff);
        const neighbors = absentNeighbors(proveAbsence(lookup, q));
        expect(neighbors.map((x) => x.index)).to.deep.equal([n - 1]);
        expect(verifyAbsence(tree.root, n, q, neighbors)).to.equal(true);
      });

      if (n > 1) {
        it("proves a query between two leaves with both adjacent leaves", () => {
          for (const i of [0, Math.floor((n - 1) / 2), n - 2]) {
            const q = step(at(i), 1);
            const neighbors = absentNeighbors(proveAbsence(lookup, q));
            expect(neighbors.map((x) => x.index)).to.deep.equal([i, i + 1]);
            expect(verifyAbsence(tree.root, n, q, neighbors)).to.equal(true);
            const justBelowNext = step(at(i + 1), -1);
            expect(verifyAbsence(tree.root, n, justBelowNext, absentNeighbors(proveAbsence(lookup, justBelowNext)))).to.equal(
              true,
            );
          }
        });
      }

      it("returns a membership proof when the query is present", () => {
        const i = n - 1;
        const result = proveAbsence(lookup, at(i));
        expect(result.kind).to.equal("member");
        if (result.kind !== "member") return;
        expect(result.index).to.equal(i);
        expect(verifyMember(tree.root, n, at(i), i, result.proof.siblings)).to.equal(true);
      });
    });
  }

  describe("rejects fake absence proofs", () => {
    const n = 20;
    const { tree, lookup, at } = setup(n);
    const member = (i: number): AbsenceNeighbor => ({ index: i, sampleHash: at(i), siblings: proveMember(tree, i).siblings });

    it("non-adjacent neighbors (a member between them is hidden)", () => {
      expect(verifyAbsence(tree.root, n, at(6), [member(5), member(7)])).to.equal(false);
      expect(verifyAbsence(tree.root, n, step(at(5), 1), [member(5), member(7)])).to.equal(false);
    });

    it("a query equal to a member", () => {
      expect(verifyAbsence(tree.root, n, at(5), [member(5), member(6)])).to.equal(false);
      expect(verifyAbsence(tree.root, n, at(6), [member(5), member(6)])).to.equal(false);
      expect(verifyAbsence(tree.root, n, at(0), [member(0)])).to.equal(false);
      expect(verifyAbsence(tree.root, n, at(n - 1), [member(n - 1)])).to.equal(false);
    });

    it("neighbors in the wrong order", () => {
      const q = step(at(5), 1);
      expect(verifyAbsence(tree.root, n, q, [member(6), member(5)])).to.equal(false);
    });

    it("a query outside the neighbors' interval", () => {
      expect(verifyAbsence(tree.root, n, step(at(8), 1), [member(5), member(6)])).to.equal(false);
    });

    it("a single neighbor that is neither the first nor the last leaf, or on the wrong side", () => {
      expect(verifyAbsence(tree.root, n, step(at(5), 1), [member(5)])).to.equal(false);
      expect(verifyAbsence(tree.root, n, new Uint8Array(32).fill(0xff), [member(0)])).to.equal(false);
      expect(verifyAbsence(tree.root, n, new Uint8Array(32), [member(n - 1)])).to.equal(false);
    });

    it("a neighbor whose membership proof does not verify", () => {
      const q = step(at(5), 1);
      const forged = { ...member(6), sampleHash: step(at(6), 1) };
      expect(verifyAbsence(tree.root, n, q, [member(5), forged])).to.equal(false);
      expect(verifyAbsence(tree.root, 7, q, [member(5), member(6)])).to.equal(false); // leaf 6 would be unpaired
    });

    it("zero or three neighbors, and malformed input, without throwing", () => {
      const q = step(at(5), 1);
      expect(verifyAbsence(tree.root, n, q, [])).to.equal(false);
      expect(verifyAbsence(tree.root, n, q, [member(4), member(5), member(6)])).to.equal(false);
      expect(verifyAbsence(tree.root, n, q.subarray(1), [member(5), member(6)])).to.equal(false);
      expect(verifyAbsence(tree.root, n, q, [member(5), { ...member(6), sampleHash: new Uint8Array(3) }])).to.equal(false);
    });

    it("refuses a query that is not a 32-byte hash when proving", () => {
      expect(() => proveAbsence(lookup, new Uint8Array(31))).to.throw(TypeError, /32-byte sample hash/);
    });
  });

  it("finds positions by binary search (lowerBound)", () => {
    const { lookup, at } = setup(50, "lower-bound");
    expect(lowerBound(lookup, new Uint8Array(32))).to.equal(0);
    expect(lowerBound(lookup, at(17))).to.equal(17);
    expect(lowerBound(lookup, step(at(17), 1))).to.equal(18);
    expect(lowerBound(lookup, new Uint8Array(32).fill(0xff))).to.equal(50);
  });

  it("refuses a lookup whose buffer does not match the tree", () => {
    const { flat } = sortedHashSet("mismatch", 4);
    expect(() => createSortedLookup(flat.subarray(0, 96), buildTree(flat))).to.throw(RangeError, /the tree has 4 leaves/);
  });
});

describe("verifyDisorder (why unsorted commitments lose absence proofs)", () => {
  // A dishonest commitment: leaves 3 and 4 swapped. Built with the order check off.
  const n = 8;
  const { hashes } = sortedHashSet("disorder", n);
  const swapped = [...hashes];
  [swapped[3], swapped[4]] = [swapped[4] as Uint8Array, swapped[3] as Uint8Array];
  const tree = buildTree(Buffer.concat(swapped), { checkSorted: false });
  const member = (i: number): AbsenceNeighbor => ({
    index: i,
    sampleHash: swapped[i] as Uint8Array,
    siblings: proveMember(tree, i).siblings,
  });

  it("lets a present sample be 'proven' absent in an unsorted tree (the attack the disorder proof stops)", () => {
    // hashes[3] now sits at index 4, while adjacent leaves 2 and 3 hold hashes[2] < hashes[3] < hashes[4].
    expect(verifyAbsence(tree.root, n, hashes[3] as Uint8Array, [member(2), member(3)])).to.equal(true);
  });

  it("accepts two adjacent leaves out of order as a disorder proof", () => {
    expect(verifyDisorder(tree.root, n, member(3), member(4))).to.equal(true);
  });

  it("rejects ordered, non-adjacent or unproven pairs as disorder proofs", () => {
    expect(verifyDisorder(tree.root, n, member(1), member(2))).to.equal(false);
    expect(verifyDisorder(tree.root, n, member(4), member(3))).to.equal(false);
    expect(verifyDisorder(tree.root, n, member(3), { ...member(4), siblings: member(5).siblings })).to.equal(false);
    const honest = buildTree(Buffer.concat(hashes));
    const honestMember = (i: number): AbsenceNeighbor => ({
      index: i,
      sampleHash: hashes[i] as Uint8Array,
      siblings: proveMember(honest, i).siblings,
    });
    for (let i = 0; i < n - 1; i++) expect(verifyDisorder(honest.root, n, honestMember(i), honestMember(i + 1))).to.equal(false);
  });
});
