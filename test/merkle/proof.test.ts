import { expect } from "chai";

import { proveMember, proveMemberInShard, verifyMember } from "../../src/merkle/proof.js";
import { buildTree, buildTreeFromSubtreeRoots, rootOfSubtree } from "../../src/merkle/tree.js";
import { hex, referenceSiblings, referenceTree, sampleIndexes, sortedHashSet } from "./helpers.js";

const SIZES = [1, 2, 3, 5, 8, 9, 1000, 2 ** 16 + 1];

/** Indexes worth checking in a tree of n leaves: both ends, the promoted last, some random ones. */
function interestingIndexes(n: number): number[] {
  const all = n <= 16 ? Array.from({ length: n }, (_, i) => i) : [0, 1, n - 2, n - 1, ...sampleIndexes(`idx-${n}`, n, 8)];
  return [...new Set(all)];
}

describe("proveMember / verifyMember", () => {
  for (const n of SIZES) {
    it(`gives the same siblings as merkletreejs getProof and verifies, for ${n} leaves`, () => {
      const { flat, hashes } = sortedHashSet(`proof-${n}`, n);
      const tree = buildTree(flat);
      const reference = referenceTree(hashes);
      for (const index of interestingIndexes(n)) {
        const proof = proveMember(tree, index);
        expect(proof.siblings.map(hex), `index ${index}`).to.deep.equal(referenceSiblings(reference, index).map(hex));
        expect(verifyMember(tree.root, n, hashes[index] as Uint8Array, index, proof.siblings), `index ${index}`).to.equal(true);
      }
    });
  }

  it("uses no sibling for a leaf promoted through every level", () => {
    const { flat, hashes } = sortedHashSet("promoted", 9);
    const tree = buildTree(flat);
    // Leaf 8 of 9 is unpaired on levels 0, 1 and 2 and meets the rest only at the top.
    expect(proveMember(tree, 8).siblings).to.have.length(1);
    expect(verifyMember(tree.root, 9, hashes[8] as Uint8Array, 8, proveMember(tree, 8).siblings)).to.equal(true);
  });

  describe("rejects", () => {
    const n = 11;
    const { flat, hashes } = sortedHashSet("reject", n);
    const tree = buildTree(flat);
    const index = 6;
    const sample = hashes[index] as Uint8Array;
    const { siblings } = proveMember(tree, index);

    it("the proof of one index presented for another index", () => {
      expect(verifyMember(tree.root, n, sample, 7, siblings)).to.equal(false);
      expect(verifyMember(tree.root, n, sample, 4, siblings)).to.equal(false);
    });

    it("a wrong leafCount that changes the path's shape", () => {
      // leafCount is committed next to the root (on chain too); a count that moves where the path is
      // unpaired changes how many siblings are consumed, so the proof fails.
      const last = n - 1; // unpaired (promoted) on level 0 of an 11-leaf tree
      const lastProof = proveMember(tree, last).siblings;
      expect(verifyMember(tree.root, n, hashes[last] as Uint8Array, last, lastProof)).to.equal(true);
      for (const wrong of [n + 1, n + 3, 2 * n]) {
        expect(verifyMember(tree.root, wrong, hashes[last] as Uint8Array, last, lastProof), `leafCount ${wrong}`).to.equal(false);
      }
      expect(verifyMember(tree.root, 7, sample, index, siblings)).to.equal(false);
      expect(verifyMember(tree.root, index, sample, index, siblings)).to.equal(false);
    });

    it("a tampered sibling (one bit of any sibling)", () => {
      for (let s = 0; s < siblings.length; s++) {
        const tampered = siblings.map((x) => x.slice());
        const target = tampered[s] as Uint8Array;
        target[31] = (target[31] as number) ^ 1;
        expect(verifyMember(tree.root, n, sample, index, tampered), `sibling ${s}`).to.equal(false);
      }
    });

    it("an extra sibling", () => {
      expect(verifyMember(tree.root, n, sample, index, [...siblings, new Uint8Array(32)])).to.equal(false);
    });

    it("a missing sibling", () => {
      expect(verifyMember(tree.root, n, sample, index, siblings.slice(0, -1))).to.equal(false);
      expect(verifyMember(tree.root, n, sample, index, [])).to.equal(false);
    });

    it("an internal node presented as a leaf (the second-preimage trick)", () => {
      // Node 3 of level 1 covers leaves 6 and 7; present it as a "sample" at index 3 of a tree one level shorter.
      const node = tree.node(1, 3).slice();
      const upper = proveMember(tree, index).siblings.slice(1);
      expect(verifyMember(tree.root, Math.ceil(n / 2), node, 3, upper)).to.equal(false);
      expect(verifyMember(tree.root, n, node, index, siblings)).to.equal(false);
    });

    it("a different sample at the right index, and the wrong root", () => {
      expect(verifyMember(tree.root, n, hashes[5] as Uint8Array, index, siblings)).to.equal(false);
      expect(verifyMember(tree.node(0, 0), n, sample, index, siblings)).to.equal(false);
    });

    it("malformed input without throwing", () => {
      expect(verifyMember(tree.root, n, sample, -1, siblings)).to.equal(false);
      expect(verifyMember(tree.root, n, sample, n, siblings)).to.equal(false);
      expect(verifyMember(tree.root, n, sample, 1.5, siblings)).to.equal(false);
      expect(verifyMember(tree.root, 0, sample, 0, [])).to.equal(false);
      expect(verifyMember(tree.root, n, sample.subarray(0, 31), index, siblings)).to.equal(false);
      expect(verifyMember(tree.root, n, sample, index, [siblings[0] as Uint8Array, new Uint8Array(31)])).to.equal(false);
    });
  });

  it("refuses to prove an index outside the tree", () => {
    const tree = buildTree(sortedHashSet("oob", 4).flat);
    expect(() => proveMember(tree, 4)).to.throw(RangeError, /leaf index 4 is out of range.*0\.\.3/);
    expect(() => proveMember(tree, -1)).to.throw(RangeError, /out of range/);
  });
});

describe("proveMemberInShard", () => {
  const shard = 64;
  const n = 5 * shard + 23;
  const { flat, hashes } = sortedHashSet("shard-proofs", n);
  const full = buildTree(flat);
  const shardFlat = (s: number) => flat.subarray(s * shard * 32, Math.min(n, (s + 1) * shard) * 32);
  const counts = Array.from({ length: 6 }, (_, s) => Math.min(shard, n - s * shard));
  const roots = new Uint8Array(6 * 32);
  counts.forEach((_, s) => roots.set(rootOfSubtree(shardFlat(s)), s * 32));
  const top = buildTreeFromSubtreeRoots(roots, counts);

  it("equals the full tree's proof (shard path ++ path above the shard), also in the short last shard", () => {
    for (const [s, local] of [
      [0, 0],
      [2, 17],
      [4, 63],
      [5, 0],
      [5, 22],
    ] as const) {
      const proof = proveMemberInShard(buildTree(shardFlat(s)), local, top, s);
      const index = s * shard + local;
      expect(proof.index).to.equal(index);
      expect(proof.siblings.map(hex)).to.deep.equal(proveMember(full, index).siblings.map(hex));
      expect(verifyMember(full.root, n, hashes[index] as Uint8Array, index, proof.siblings)).to.equal(true);
    }
  });

  it("rejects a shard tree that is not the named shard", () => {
    expect(() => proveMemberInShard(buildTree(shardFlat(1)), 0, top, 2)).to.throw(/wrong shard or stale manifest/);
    expect(() => proveMemberInShard(buildTree(shardFlat(5)), 0, top, 4)).to.throw(RangeError, /should hold 64 leaves/);
    expect(() => proveMemberInShard(buildTree(shardFlat(0)), 0, top, 6)).to.throw(RangeError, /shard index 6 is out of range/);
  });
});
