/**
 * Membership proofs (src/merkle/proof.ts): paths equal the reference
 * implementation's for every index of small trees and random indexes of large
 * ones, and every kind of bad proof is rejected without throwing.
 */
import { expect } from "chai";

import { collectPath, processPath, proveMember, proveMemberInShard, verifyMember } from "../../src/merkle/proof.js";
import { MAX_TREE_DEPTH, commitRoot, hashNode, treeDepth } from "../../src/merkle/scheme.js";
import { buildTree, buildTreeFromSubtreeRoots, rootOfSubtree } from "../../src/merkle/tree.js";
import { Random, addToHash, flatten, flipByte, hex, sortedHashSet } from "./helpers.js";
import { buildRefTree, refPath, refRoute, refVerifyMember, toRefHex, type SplitChooser } from "./reference-tree.js";

const h0x = (bytes: Uint8Array) => `0x${hex(bytes)}`;
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));

/** Number of levels at which the walk from `index` hashes (= pairs in its path). */
function hashedLevels(index: number, n: number): number {
  let count = 0;
  let i = index;
  for (let width = n; width > 1; width = Math.ceil(width / 2)) {
    if (i % 2 === 1 || i + 1 < width) count++;
    i = Math.floor(i / 2);
  }
  return count;
}

/** The walk of processPath without its routing checks: hashes only. */
function hashChain(value: Uint8Array, index: number, n: number, path: readonly Uint8Array[]): Uint8Array {
  let node = value;
  let i = index;
  let p = 0;
  for (let width = n; width > 1; width = Math.ceil(width / 2)) {
    if (i % 2 === 1) node = hashNode(path[p++]!, node, path[p++]!);
    else if (i + 1 < width) node = hashNode(node, path[p++]!, path[p++]!);
    i = Math.floor(i / 2);
  }
  return node;
}

describe("proveMember / verifyMember", () => {
  const small = [...Array.from({ length: 40 }, (_, i) => i + 1), 63, 64, 65, 127, 128, 129];

  it("gives the reference path for every index of every tree of 1..40 leaves and around 64 and 128, and it verifies", () => {
    for (const n of small) {
      const { flat, hashes } = sortedHashSet(`proof-${n}`, n);
      const tree = buildTree(flat);
      const ref = buildRefTree(hashes);
      for (let index = 0; index < n; index++) {
        const { path, leafCount } = proveMember(tree, index);
        const label = `n ${n}, index ${index}`;
        expect(leafCount).to.equal(n);
        expect(path.map(h0x), label).to.deep.equal(refPath(ref, index));
        expect(path.length, label).to.equal(2 * hashedLevels(index, n));
        expect(verifyMember(tree.root, n, hashes[index] as Uint8Array, index, path), label).to.equal(true);
        expect(hex(processPath(hashes[index] as Uint8Array, hashes[index] as Uint8Array, index, n, path) ?? new Uint8Array(0))).to.equal(
          hex(tree.top),
        );
      }
    }
  });

  for (const n of [1000, 4097]) {
    it(`gives the reference path for random indexes and both ends of ${n} leaves (seeded)`, () => {
      const random = new Random(`proof-large-${n}`);
      const hashes = random.sortedHashes(n);
      const tree = buildTree(flatten(hashes));
      const ref = buildRefTree(hashes);
      for (const index of [0, 1, n - 2, n - 1, ...random.indexSet(n, 25)]) {
        const { path } = proveMember(tree, index);
        expect(path.map(h0x), `index ${index}`).to.deep.equal(refPath(ref, index));
        expect(path.length).to.be.at.most(2 * treeDepth(n));
        expect(verifyMember(tree.root, n, hashes[index] as Uint8Array, index, path), `index ${index}`).to.equal(true);
        expect(refVerifyMember(ref.root, n, toRefHex(hashes[index] as Uint8Array), index, path.map(h0x))).to.equal(true);
      }
    });
  }

  it("verifies random indexes of 65,539 leaves (seeded), each path only at its own index", () => {
    const n = 2 ** 16 + 3;
    const random = new Random("proof-65539");
    const hashes = random.sortedHashes(n);
    const tree = buildTree(flatten(hashes));
    for (const index of [0, n - 1, ...random.indexSet(n, 40)]) {
      const { path } = proveMember(tree, index);
      expect(path.length).to.equal(2 * hashedLevels(index, n));
      expect(verifyMember(tree.root, n, hashes[index] as Uint8Array, index, path), `index ${index}`).to.equal(true);
      const other = (index + 1 + random.int(n - 1)) % n;
      expect(verifyMember(tree.root, n, hashes[index] as Uint8Array, other, path), `index ${index} as ${other}`).to.equal(false);
    }
  });

  it("needs no path for a single sample, and reads nothing at levels where the node is promoted", () => {
    const one = sortedHashSet("single", 1);
    const tree1 = buildTree(one.flat);
    expect(proveMember(tree1, 0).path).to.deep.equal([]);
    expect(verifyMember(tree1.root, 1, one.hashes[0] as Uint8Array, 0, [])).to.equal(true);
    // Leaf 8 of 9 is unpaired on levels 0, 1 and 2 and meets the rest only at the top: one pair.
    const nine = sortedHashSet("promoted", 9);
    const tree9 = buildTree(nine.flat);
    expect(proveMember(tree9, 8).path).to.have.length(2);
    expect(verifyMember(tree9.root, 9, nine.hashes[8] as Uint8Array, 8, proveMember(tree9, 8).path)).to.equal(true);
  });

  it("returns copies: changing a proof does not change the tree", () => {
    const { flat } = sortedHashSet("copies", 6);
    const tree = buildTree(flat);
    const { path } = proveMember(tree, 2);
    const before = hex(tree.level(0));
    for (const entry of path) entry.fill(0);
    expect(hex(tree.level(0))).to.equal(before);
    expect(proveMember(tree, 2).path.some((e) => e.some((b) => b !== 0))).to.equal(true);
  });

  it("collectPath appends the path to a given array", () => {
    const { flat } = sortedHashSet("collect", 5);
    const tree = buildTree(flat);
    const marker = new Uint8Array(32);
    const out = collectPath(tree, 3, [marker]);
    expect(out[0]).to.equal(marker);
    expect(out.slice(1).map(hex)).to.deep.equal(proveMember(tree, 3).path.map(hex));
  });

  it("refuses to prove an index outside the tree", () => {
    const tree = buildTree(sortedHashSet("oob", 4).flat);
    expect(() => proveMember(tree, 4)).to.throw(RangeError, /leaf index 4 is out of range.*0\.\.3/);
    expect(() => proveMember(tree, -1)).to.throw(RangeError, /out of range/);
    expect(() => proveMember(tree, 1.5)).to.throw(RangeError, /out of range/);
    expect(() => collectPath(tree, 4)).to.throw(RangeError, /node index 4/);
  });

  describe("rejects (returns false, never throws)", () => {
    const n = 11;
    const { flat, hashes } = sortedHashSet("reject", n);
    const tree = buildTree(flat);
    const at = (i: number) => hashes[i] as Uint8Array;
    // Index 6 hashes at every level; index 10 is promoted at level 0 and 1 (11 → 6 → 3 widths).
    const cases = [6, 10, 0].map((index) => ({ index, sample: at(index), path: proveMember(tree, index).path }));

    it("the proof of one index presented for any other index", () => {
      for (const { index, sample, path } of cases) {
        for (let other = 0; other < n; other++) {
          if (other !== index) expect(verifyMember(tree.root, n, sample, other, path), `${index} as ${other}`).to.equal(false);
        }
      }
    });

    it("any other sample (every other member, and a value one away) with a member's path", () => {
      for (const { index, path } of cases) {
        for (let other = 0; other < n; other++) {
          if (other !== index) expect(verifyMember(tree.root, n, at(other), index, path)).to.equal(false);
        }
        expect(verifyMember(tree.root, n, addToHash(at(index), 1n), index, path)).to.equal(false);
        expect(verifyMember(tree.root, n, addToHash(at(index), -1n), index, path)).to.equal(false);
      }
    });

    it("any wrong leafCount, even one giving the same path shape (the count is in the root)", () => {
      for (const { index, sample, path } of cases) {
        for (let wrong = 1; wrong <= 3 * n; wrong++) {
          if (wrong !== n) expect(verifyMember(tree.root, wrong, sample, index, path), `index ${index}, count ${wrong}`).to.equal(false);
        }
      }
      // 12 leaves give index 6 the same path shape as 11: the walk reaches the same top, the root differs.
      const { sample, path } = cases[0]!;
      expect(hex(processPath(sample, sample, 6, 12, path)!)).to.equal(hex(tree.top));
      expect(verifyMember(commitRoot(tree.top, 12), 12, sample, 6, path)).to.equal(true);
    });

    it("a flipped bit in any byte of any path entry, of the sample, or of the root", () => {
      for (const { index, sample, path } of cases) {
        for (let e = 0; e < path.length; e++) {
          for (let b = 0; b < 32; b++) {
            for (const mask of [0x01, 0x80]) {
              const tampered = path.map((x, k) => (k === e ? flipByte(x, b, mask) : x));
              expect(verifyMember(tree.root, n, sample, index, tampered), `index ${index}: entry ${e} byte ${b}`).to.equal(false);
            }
          }
        }
        for (let b = 0; b < 32; b++) {
          expect(verifyMember(tree.root, n, flipByte(sample, b), index, path)).to.equal(false);
          expect(verifyMember(flipByte(tree.root, b), n, sample, index, path)).to.equal(false);
        }
      }
    });

    it("a path with a pair's sibling and split swapped, or two pairs swapped", () => {
      for (const { index, sample, path } of cases) {
        for (let p = 0; p < path.length; p += 2) {
          const swapped = [...path];
          [swapped[p], swapped[p + 1]] = [path[p + 1]!, path[p]!];
          expect(verifyMember(tree.root, n, sample, index, swapped), `index ${index}: pair ${p / 2}`).to.equal(false);
          if (p + 2 < path.length) {
            const pairs = [...path];
            pairs.splice(p, 4, path[p + 2]!, path[p + 3]!, path[p]!, path[p + 1]!);
            expect(verifyMember(tree.root, n, sample, index, pairs)).to.equal(false);
          }
        }
      }
    });

    it("a path too long (an extra pair, an extra entry), too short (a pair or one entry missing), or empty", () => {
      const zero = new Uint8Array(32);
      for (const { index, sample, path } of cases) {
        expect(verifyMember(tree.root, n, sample, index, [...path, zero, zero])).to.equal(false);
        expect(verifyMember(tree.root, n, sample, index, [...path, zero])).to.equal(false);
        expect(verifyMember(tree.root, n, sample, index, [zero, zero, ...path])).to.equal(false);
        expect(verifyMember(tree.root, n, sample, index, path.slice(0, -2))).to.equal(false);
        expect(verifyMember(tree.root, n, sample, index, path.slice(0, -1))).to.equal(false);
        expect(verifyMember(tree.root, n, sample, index, path.slice(1))).to.equal(false);
        expect(verifyMember(tree.root, n, sample, index, [])).to.equal(false);
        expect(processPath(sample, sample, index, n, [...path, zero])).to.equal(null);
      }
    });

    it(`a path longer than ${2 * MAX_TREE_DEPTH} entries, whatever the count`, () => {
      const huge = 2 ** 53 - 1; // depth 53: a path of 106 entries at most
      const long = Array.from({ length: 2 * MAX_TREE_DEPTH + 2 }, () => new Uint8Array(32));
      expect(processPath(at(0), at(0), 0, huge, long)).to.equal(null);
      expect(verifyMember(tree.root, huge, at(0), 0, long)).to.equal(false);
    });

    it("an internal node presented as a sample of a shorter tree (the second-preimage trick)", () => {
      // Node 3 of level 1 covers leaves 6 and 7: present it as sample 3 of a 6-leaf "tree" with the upper path.
      const node = tree.node(1, 3).slice();
      const upper = proveMember(tree, 6).path.slice(2);
      expect(verifyMember(tree.root, 6, node, 3, upper)).to.equal(false);
      expect(verifyMember(tree.root, n, node, 6, cases[0]!.path)).to.equal(false);
    });

    it("malformed inputs of every kind", () => {
      const { index, sample, path } = cases[0]!;
      const bad: [string, () => boolean][] = [
        ["index -1", () => verifyMember(tree.root, n, sample, -1, path)],
        ["index n", () => verifyMember(tree.root, n, sample, n, path)],
        ["index 1.5", () => verifyMember(tree.root, n, sample, 1.5, path)],
        ["index NaN", () => verifyMember(tree.root, n, sample, Number.NaN, path)],
        ["index as a string", () => verifyMember(tree.root, n, sample, "6" as unknown as number, path)],
        ["leafCount 0", () => verifyMember(tree.root, 0, sample, 0, [])],
        ["leafCount -11", () => verifyMember(tree.root, -11, sample, index, path)],
        ["leafCount 11.5", () => verifyMember(tree.root, 11.5, sample, index, path)],
        ["leafCount 2^53", () => verifyMember(tree.root, 2 ** 53, sample, index, path)],
        ["a 31-byte sample", () => verifyMember(tree.root, n, sample.subarray(0, 31), index, path)],
        ["a 33-byte sample", () => verifyMember(tree.root, n, new Uint8Array(33), index, path)],
        ["a hex-string sample", () => verifyMember(tree.root, n, h0x(sample) as unknown as Uint8Array, index, path)],
        ["a 31-byte root", () => verifyMember(tree.root.subarray(1), n, sample, index, path)],
        ["a null root", () => verifyMember(null as unknown as Uint8Array, n, sample, index, path)],
        ["a 31-byte path entry", () => verifyMember(tree.root, n, sample, index, [path[0]!.subarray(1), ...path.slice(1)])],
        ["a 33-byte path entry", () => verifyMember(tree.root, n, sample, index, [...path.slice(0, -1), new Uint8Array(33)])],
        ["a string path entry", () => verifyMember(tree.root, n, sample, index, [h0x(path[0]!) as unknown as Uint8Array, ...path.slice(1)])],
        ["an undefined path entry", () => verifyMember(tree.root, n, sample, index, [undefined as unknown as Uint8Array, ...path.slice(1)])],
        ["a path that is not an array", () => verifyMember(tree.root, n, sample, index, null as unknown as Uint8Array[])],
        ["a path given as an object", () => verifyMember(tree.root, n, sample, index, { length: path.length } as unknown as Uint8Array[])],
      ];
      for (const [what, call] of bad) {
        let result: boolean | undefined;
        expect(() => (result = call()), what).to.not.throw();
        expect(result, what).to.equal(false);
      }
    });
  });

  it("rejects a member its registrant placed off its route: the hashes reach the root, the routing check fails", () => {
    // A dishonest registrant commits sorted values but a split key at the top that sends every query left.
    const { hashes } = sortedHashSet("off-route", 8);
    const allLeft: SplitChooser = ({ level, honest }) => (level === 3 ? "0x" + "ff".repeat(32) : honest);
    const ref = buildRefTree(hashes, allLeft);
    const root = fromHex(ref.root);
    for (let index = 0; index < 8; index++) {
      const path = refPath(ref, index).map(fromHex);
      const sample = hashes[index] as Uint8Array;
      // The hash chain alone (no routing check) reaches the committed root for every index…
      expect(hex(commitRoot(hashChain(sample, index, 8, path), 8)), `index ${index}`).to.equal(hex(root));
      // …but samples of the right half are routed left, away from their position: not provable.
      expect(refRoute(ref, toRefHex(sample)) === index).to.equal(index < 4);
      expect(verifyMember(root, 8, sample, index, path), `index ${index}`).to.equal(index < 4);
    }
  });
});

describe("proveMemberInShard", () => {
  const cases: [number, number][] = [
    [1, 1],
    [5, 1],
    [5, 2],
    [7, 4],
    [8, 4],
    [9, 4],
    [23, 8],
    [40, 16],
    [64 * 5 + 23, 64],
  ];

  it("equals the full tree's proof (shard path, then the path above the shard) for every index, short last shards included", () => {
    for (const [n, shard] of cases) {
      const { flat, hashes } = sortedHashSet(`shard-proofs-${n}-${shard}`, n);
      const full = buildTree(flat);
      const shardCount = Math.ceil(n / shard);
      const shardFlat = (s: number) => flat.subarray(s * shard * 32, Math.min(n, (s + 1) * shard) * 32);
      const counts = Array.from({ length: shardCount }, (_, s) => Math.min(shard, n - s * shard));
      const tops = flatten(counts.map((_, s) => rootOfSubtree(shardFlat(s))));
      const firsts = flatten(counts.map((_, s) => hashes[s * shard] as Uint8Array));
      const lasts = flatten(counts.map((c, s) => hashes[s * shard + c - 1] as Uint8Array));
      const top = buildTreeFromSubtreeRoots(tops, counts, { firsts, lasts });
      for (let s = 0; s < shardCount; s++) {
        const shardTree = buildTree(shardFlat(s));
        for (let local = 0; local < (counts[s] as number); local++) {
          const index = s * shard + local;
          const proof = proveMemberInShard(shardTree, local, top, s);
          expect(proof.index).to.equal(index);
          expect(proof.leafCount).to.equal(n);
          expect(proof.path.map(hex), `n ${n}, shard ${s}, local ${local}`).to.deep.equal(proveMember(full, index).path.map(hex));
          expect(verifyMember(full.root, n, hashes[index] as Uint8Array, index, proof.path)).to.equal(true);
        }
      }
    }
  });

  it("rejects a shard tree that is not the named shard, and indexes out of range", () => {
    const shard = 64;
    const n = 5 * shard + 23;
    const { flat, hashes } = sortedHashSet("shard-errors", n);
    const shardFlat = (s: number) => flat.subarray(s * shard * 32, Math.min(n, (s + 1) * shard) * 32);
    const counts = Array.from({ length: 6 }, (_, s) => Math.min(shard, n - s * shard));
    const tops = flatten(counts.map((_, s) => rootOfSubtree(shardFlat(s))));
    const firsts = flatten(counts.map((_, s) => hashes[s * shard] as Uint8Array));
    const lasts = flatten(counts.map((c, s) => hashes[s * shard + c - 1] as Uint8Array));
    const top = buildTreeFromSubtreeRoots(tops, counts, { firsts, lasts });
    expect(() => proveMemberInShard(buildTree(shardFlat(1)), 0, top, 2)).to.throw(/wrong shard or stale manifest/);
    expect(() => proveMemberInShard(buildTree(shardFlat(5)), 0, top, 4)).to.throw(RangeError, /should hold 64 leaves/);
    expect(() => proveMemberInShard(buildTree(shardFlat(0)), 0, top, 6)).to.throw(RangeError, /shard index 6 is out of range/);
    expect(() => proveMemberInShard(buildTree(shardFlat(0)), 64, top, 0)).to.throw(RangeError, /node index 64/);
  });
});
