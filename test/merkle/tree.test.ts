import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { keccak256 as ethersKeccak256 } from "ethers";

import { hashLeaf, hashNode, treeDepth } from "../../src/merkle/scheme.js";
import { buildTreeParallel, closeTreeWorkers } from "../../src/merkle/tree-parallel.js";
import {
  MerkleTree,
  buildTree,
  buildTreeFromNodes,
  buildTreeFromSubtreeRoots,
  levelWidths,
  rootOfSubtree,
} from "../../src/merkle/tree.js";
import { hex, referenceTree, sortedHashSet } from "./helpers.js";

const SIZES = [1, 2, 3, 5, 8, 9, 1000, 2 ** 16 + 1];

/** Splits a flat sorted buffer into shards of `shardLeaves`, returns their roots and counts. */
function shardRoots(flat: Uint8Array, shardLeaves: number): { roots: Uint8Array; counts: number[] } {
  const n = flat.length / 32;
  const counts: number[] = [];
  for (let start = 0; start < n; start += shardLeaves) counts.push(Math.min(shardLeaves, n - start));
  const roots = new Uint8Array(counts.length * 32);
  counts.forEach((count, s) => {
    const start = s * shardLeaves;
    roots.set(rootOfSubtree(flat.subarray(start * 32, (start + count) * 32)), s * 32);
  });
  return { roots, counts };
}

describe("buildTree", () => {
  for (const n of SIZES) {
    it(`has the same root as merkletreejs (hashLeaves, keccak256) for ${n} random sorted hashes`, () => {
      const { flat, hashes } = sortedHashSet(`tree-${n}`, n);
      const tree = buildTree(flat);
      expect(hex(tree.root)).to.equal(referenceTree(hashes).getRoot().toString("hex"));
      expect(tree.leafCount).to.equal(n);
      expect(tree.depth).to.equal(treeDepth(n));
    });
  }

  it("computes a 3-leaf tree by the definition: the last leaf is promoted", () => {
    const { flat, hashes } = sortedHashSet("three", 3);
    const [a, b, c] = hashes as [Uint8Array, Uint8Array, Uint8Array];
    const root = hashNode(hashNode(hashLeaf(a), hashLeaf(b)), hashLeaf(c));
    expect(hex(buildTree(flat).root)).to.equal(hex(root));
  });

  it("hashes leaves as keccak256 of the 32-byte sample hash and nodes as keccak256(left ‖ right)", () => {
    const { flat, hashes } = sortedHashSet("two", 2);
    const tree = buildTree(flat);
    expect(hex(tree.node(0, 0))).to.equal(ethersKeccak256(hashes[0] as Uint8Array).slice(2));
    expect(hex(tree.root)).to.equal(ethersKeccak256(Buffer.concat([tree.node(0, 0), tree.node(0, 1)])).slice(2));
  });

  it("makes the root of a single-leaf tree its leaf hash", () => {
    const { flat, hashes } = sortedHashSet("one", 1);
    const tree = buildTree(flat);
    expect(tree.depth).to.equal(0);
    expect(hex(tree.root)).to.equal(hex(hashLeaf(hashes[0] as Uint8Array)));
  });

  it("keeps every level as one flat buffer of ⌈n / 2^k⌉ nodes", () => {
    const { flat } = sortedHashSet("widths", 13);
    const tree = buildTree(flat);
    expect(levelWidths(13)).to.deep.equal([13, 7, 4, 2, 1]);
    expect([0, 1, 2, 3, 4].map((k) => tree.level(k).length)).to.deep.equal([13 * 32, 7 * 32, 4 * 32, 2 * 32, 32]);
    expect(hex(tree.node(1, 6))).to.equal(hex(tree.node(0, 12)));
  });

  it("rejects an empty input", () => {
    expect(() => buildTree(new Uint8Array(0))).to.throw(RangeError, /empty dataset/);
  });

  it("rejects an input that is not a whole number of 32-byte hashes", () => {
    expect(() => buildTree(new Uint8Array(65))).to.throw(RangeError, /not a multiple of 32/);
  });

  it("rejects unsorted input, naming the first offending index", () => {
    const { hashes } = sortedHashSet("unsorted", 6);
    const flat = Buffer.concat([hashes[0], hashes[1], hashes[2], hashes[4], hashes[3], hashes[5]] as Uint8Array[]);
    expect(() => buildTree(flat)).to.throw(RangeError, /sample hash 4 is not greater than sample hash 3/);
  });

  it("rejects duplicate hashes, naming the index of the repeat", () => {
    const { hashes } = sortedHashSet("dupes", 3);
    const flat = Buffer.concat([hashes[0], hashes[1], hashes[1], hashes[2]] as Uint8Array[]);
    expect(() => buildTree(flat)).to.throw(RangeError, /sample hash 2 .*sorted ascending and distinct/);
  });

  it("skips the order check when asked (checkSorted: false)", () => {
    const { hashes } = sortedHashSet("nocheck", 2);
    const flat = Buffer.concat([hashes[1], hashes[0]] as Uint8Array[]);
    expect(buildTree(flat, { checkSorted: false }).leafCount).to.equal(2);
  });

  it("reports out-of-range levels and nodes clearly", () => {
    const tree = buildTree(sortedHashSet("range", 5).flat);
    expect(() => tree.level(4)).to.throw(RangeError, /levels 0\.\.3/);
    expect(() => tree.node(0, 5)).to.throw(RangeError, /level 0 has 5 nodes/);
  });

  it("refuses to wrap levels of inconsistent shapes", () => {
    expect(() => new MerkleTree([new Uint8Array(96), new Uint8Array(32), new Uint8Array(32)])).to.throw(
      RangeError,
      /level 1 must be 64 bytes/,
    );
    expect(() => new MerkleTree([new Uint8Array(96), new Uint8Array(64)])).to.throw(RangeError, /3 leaves need 3 levels/);
  });
});

describe("rootOfSubtree and buildTreeFromSubtreeRoots", () => {
  for (const n of [1, 5, 1000, 2 ** 16 + 1]) {
    it(`rootOfSubtree equals buildTree(...).root for ${n} leaves`, () => {
      const { flat } = sortedHashSet(`subtree-${n}`, n);
      expect(hex(rootOfSubtree(flat))).to.equal(hex(buildTree(flat).root));
    });
  }

  it("rebuilds the full tree's root from 8192-leaf shard roots (last shard shorter)", () => {
    const { flat } = sortedHashSet("shards-8192", 3 * 8192 + 5);
    const full = buildTree(flat);
    const { roots, counts } = shardRoots(flat, 8192);
    const top = buildTreeFromSubtreeRoots(roots, counts);
    expect(hex(top.root)).to.equal(hex(full.root));
    expect(top.leafCount).to.equal(full.leafCount);
    expect(top.shardLevel).to.equal(13);
    // The tree over shard roots IS the full tree above level 13.
    for (let k = 0; k <= top.tree.depth; k++) expect(hex(top.tree.level(k))).to.equal(hex(full.level(13 + k)));
  });

  for (const [n, shard] of [
    [1, 8],
    [7, 8],
    [8, 8],
    [9, 8],
    [17, 4],
    [100, 16],
    [129, 32],
    [1000, 1],
  ] as const) {
    it(`matches the full tree for ${n} leaves in shards of ${shard}`, () => {
      const { flat } = sortedHashSet(`shards-${n}-${shard}`, n);
      const { roots, counts } = shardRoots(flat, shard);
      expect(hex(buildTreeFromSubtreeRoots(roots, counts).root)).to.equal(hex(buildTree(flat).root));
    });
  }

  it("rejects shards that do not align with tree levels (size not a power of two)", () => {
    const { flat } = sortedHashSet("bad-shard", 12);
    const { roots, counts } = shardRoots(flat, 6);
    expect(() => buildTreeFromSubtreeRoots(roots, counts)).to.throw(RangeError, /power of two/);
  });

  it("rejects a short shard that is not the last one", () => {
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(96), [8, 4, 8])).to.throw(RangeError, /only the last shard may be shorter/);
  });

  it("rejects a last shard larger than a full one, empty shards and a root count mismatch", () => {
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(64), [8, 9])).to.throw(RangeError, /more than the 8/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(64), [8, 0])).to.throw(RangeError, /at least one leaf/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(32), [8, 8])).to.throw(RangeError, /need 64 bytes of roots/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(0), [])).to.throw(RangeError, /no shards/);
  });

  it("buildTreeFromNodes does not hash its level 0", () => {
    const nodes = sortedHashSet("nodes", 2).flat;
    const tree = buildTreeFromNodes(nodes);
    expect(hex(tree.root)).to.equal(hex(hashNode(nodes.subarray(0, 32), nodes.subarray(32))));
  });
});

describe("buildTreeParallel", () => {
  after(() => closeTreeWorkers());

  for (const n of [1, 2, 3, 1000, 4097, 2 ** 16 + 1, 200_003]) {
    it(`equals the sequential build level by level for ${n} leaves (2 threads)`, async () => {
      const { flat } = sortedHashSet(`parallel-${n}`, n);
      const sequential = buildTree(flat);
      const parallel = await buildTreeParallel(flat, { threads: 2, minParallelLeaves: 1 });
      expect(parallel.depth).to.equal(sequential.depth);
      for (let k = 0; k <= sequential.depth; k++) {
        expect(Buffer.from(parallel.level(k)).equals(sequential.level(k)), `level ${k} differs`).to.equal(true);
      }
    });
  }

  it("equals the sequential build with 3 threads sharing 2 cores", async () => {
    const { flat } = sortedHashSet("parallel-3", 100_001);
    const parallel = await buildTreeParallel(flat, { threads: 3, minParallelLeaves: 1 });
    expect(hex(parallel.root)).to.equal(hex(buildTree(flat).root));
  });

  it("reads input held in a SharedArrayBuffer directly", async () => {
    const { flat } = sortedHashSet("parallel-shared", 50_000);
    const shared = new Uint8Array(new SharedArrayBuffer(flat.length + 64), 64, flat.length);
    shared.set(flat);
    const parallel = await buildTreeParallel(shared, { threads: 2, minParallelLeaves: 1 });
    expect(hex(parallel.root)).to.equal(hex(buildTree(flat).root));
  });

  it("serializes concurrent builds and gives each its own correct tree", async () => {
    const a = sortedHashSet("concurrent-a", 40_000).flat;
    const b = sortedHashSet("concurrent-b", 30_000).flat;
    const [ta, tb] = await Promise.all([
      buildTreeParallel(a, { threads: 2, minParallelLeaves: 1 }),
      buildTreeParallel(b, { threads: 2, minParallelLeaves: 1 }),
    ]);
    expect(hex(ta.root)).to.equal(hex(buildTree(a).root));
    expect(hex(tb.root)).to.equal(hex(buildTree(b).root));
  });

  it("validates its input like buildTree", async () => {
    const { hashes } = sortedHashSet("parallel-bad", 2);
    const flat = Buffer.concat([hashes[1], hashes[0]] as Uint8Array[]);
    let error: unknown;
    try {
      await buildTreeParallel(flat, { threads: 2, minParallelLeaves: 1 });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/sample hash 1 is not greater/);
  });

  it("works from a plain `npx tsx` process (worker threads need no TS loader)", function () {
    this.timeout(60_000);
    const script = fileURLToPath(new URL("./fixtures/parallel-root.ts", import.meta.url));
    const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));
    const output = execFileSync(process.execPath, [tsx, script, "70000"], { encoding: "utf8" }).trim();
    const { flat } = sortedHashSet("tsx-70000", 70_000);
    expect(output).to.equal(hex(buildTree(flat).root));
  });
});
