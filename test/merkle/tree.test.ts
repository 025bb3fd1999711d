/**
 * The tree of scheme v2 (src/merkle/scheme.ts, tree.ts, tree-parallel.ts):
 * split keys, level shapes and promotion, the committed root, subtree tops,
 * sharded rebuilds and the parallel build — each checked against the plain
 * reference implementation (reference-tree.ts) or the definition itself.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { concat, keccak256 as ethersKeccak256, toBeHex } from "ethers";

import {
  MAX_TREE_DEPTH,
  SCHEME_ID,
  commitRoot,
  compareFlatHashes,
  compareHashes,
  encodeLeafCount,
  firstUnsortedIndex,
  hashNode,
  isHash,
  splitBoundary,
  splitKey,
  treeDepth,
  writeSplitKey,
} from "../../src/merkle/scheme.js";
import { compareBytes, equalBytes } from "../../src/hash/bytes.js";
import { buildTreeParallel, closeTreeWorkers } from "../../src/merkle/tree-parallel.js";
import {
  MerkleTree,
  buildTree,
  buildTreeFromSubtreeRoots,
  levelWidths,
  rootOfSubtree,
  writeSplitKeys,
} from "../../src/merkle/tree.js";
import { Random, addToHash, flatten, hex, sortedHashSet } from "./helpers.js";
import { buildRefTree, refSplitKey, toRefHex, type RefTree } from "./reference-tree.js";

const h0x = (bytes: Uint8Array) => `0x${hex(bytes)}`;

/** Asserts every level, split key, top and root of `tree` equal the reference tree's. */
function expectSameAsReference(tree: MerkleTree, ref: RefTree, label: string): void {
  expect(tree.depth, `${label}: depth`).to.equal(ref.levels.length - 1);
  ref.levels.forEach((level, k) => {
    expect(tree.levelWidth(k), `${label}: width of level ${k}`).to.equal(level.length);
    level.forEach((node, i) => {
      expect(h0x(tree.node(k, i)), `${label}: node (${k}, ${i})`).to.equal(node.hash);
      if (k === 0) return;
      expect(tree.hasSplit(k, i), `${label}: hasSplit (${k}, ${i})`).to.equal(node.split !== null);
      if (node.split !== null) expect(h0x(tree.split(k, i)), `${label}: split (${k}, ${i})`).to.equal(node.split);
    });
  });
  expect(h0x(tree.top), `${label}: top`).to.equal(ref.top);
  expect(h0x(tree.root), `${label}: root`).to.equal(ref.root);
}

/** The sizes whose shapes are checked node by node: every n up to 40 and around powers of two. */
const SHAPE_SIZES = [
  ...Array.from({ length: 40 }, (_, i) => i + 1),
  ...[63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1024, 1025],
];

describe("scheme v2 primitives (src/merkle/scheme.ts)", () => {
  const random = new Random("scheme-primitives");

  it(`names the scheme ${SCHEME_ID} and allows depth 64 (leafCount is a uint64)`, () => {
    expect(SCHEME_ID).to.equal("datatrace-merkle/2");
    expect(MAX_TREE_DEPTH).to.equal(64);
  });

  describe("splitKey", () => {
    it("keeps the upper hash up to its first differing byte, for a first difference at every position 0..31", () => {
      for (let d = 0; d < 32; d++) {
        for (let trial = 0; trial < 8; trial++) {
          const lower = random.hash();
          const upper = random.hash();
          upper.set(lower.subarray(0, d));
          // Make byte d differ with lower < upper there (also the extremes 0x00 → 0xff and a step of one).
          const [lo, hi] = trial === 0 ? [0x00, 0xff] : trial === 1 ? [0x41, 0x42] : [random.int(255), 0];
          lower[d] = lo;
          upper[d] = trial >= 2 ? lo + 1 + random.int(255 - lo) : hi;
          const split = splitKey(lower, upper);
          const expected = new Uint8Array(32);
          expected.set(upper.subarray(0, d + 1));
          expect(hex(split), `first difference at byte ${d}`).to.equal(hex(expected));
          expect(h0x(split)).to.equal(refSplitKey(h0x(lower), h0x(upper)));
          // lower < split <= upper, and no shorter prefix of upper would separate them.
          expect(compareHashes(lower, split)).to.be.lessThan(0);
          expect(compareHashes(split, upper)).to.be.at.most(0);
        }
      }
    });

    it("is the upper hash itself when they differ only in the last byte, and for equal inputs", () => {
      const a = random.hash();
      const b = new Uint8Array(a);
      b[31] = ((a[31] as number) + 1) & 0xff;
      const [lower, upper] = compareHashes(a, b) < 0 ? [a, b] : [b, a];
      expect(hex(splitKey(lower, upper))).to.equal(hex(upper));
      expect(hex(splitKey(a, a))).to.equal(hex(a));
    });

    it("gives 0x01 00… for 0x00… < 0x01…, and 0xff… for 0xff…fe < 0xff…ff", () => {
      const low = new Uint8Array(32);
      const high = new Uint8Array(32);
      high[0] = 1;
      high[7] = 9; // below the first difference: dropped
      expect(hex(splitKey(low, high))).to.equal("01" + "00".repeat(31));
      const maxMinus = new Uint8Array(32).fill(0xff);
      maxMinus[31] = 0xfe;
      expect(hex(splitKey(maxMinus, new Uint8Array(32).fill(0xff)))).to.equal("ff".repeat(32));
    });

    it("writeSplitKey reads and writes at byte offsets inside flat buffers", () => {
      const lowers = random.bytes(5 * 32);
      const uppers = random.bytes(5 * 32);
      const out = new Uint8Array(3 * 32).fill(0xaa);
      writeSplitKey(lowers, 2 * 32, uppers, 4 * 32, out, 32);
      const expected = refSplitKey(h0x(lowers.subarray(64, 96)), h0x(uppers.subarray(128, 160)));
      expect(h0x(out.subarray(32, 64))).to.equal(expected);
      expect(hex(out.subarray(0, 32))).to.equal("aa".repeat(32));
      expect(hex(out.subarray(64))).to.equal("aa".repeat(32));
    });

    it("rejects values that are not 32-byte arrays", () => {
      expect(() => splitKey(new Uint8Array(31), new Uint8Array(32))).to.throw(TypeError, /lower must be a 32-byte/);
      expect(() => splitKey(new Uint8Array(32), new Uint8Array(33))).to.throw(TypeError, /upper must be a 32-byte/);
      expect(() => splitKey("0x00" as unknown as Uint8Array, new Uint8Array(32))).to.throw(TypeError, /got string/);
    });
  });

  describe("splitBoundary", () => {
    it("is the first leaf under the right child: (2i + 1)·2^(k-1)", () => {
      expect(splitBoundary(1, 0)).to.equal(1);
      expect(splitBoundary(1, 3)).to.equal(7);
      expect(splitBoundary(2, 0)).to.equal(2);
      expect(splitBoundary(3, 1)).to.equal(12);
      expect(splitBoundary(20, 0)).to.equal(2 ** 19);
    });

    it("names exactly the hashed nodes, one per boundary 1..n-1, for n = 1..100", () => {
      for (let n = 1; n <= 100; n++) {
        const widths = levelWidths(n);
        const boundaries: number[] = [];
        for (let k = 1; k < widths.length; k++) {
          for (let i = 0; i < (widths[k] as number); i++) {
            const right = 2 * i + 1; // right child's index at level k-1
            const hashed = right < (widths[k - 1] as number);
            expect(splitBoundary(k, i) < n, `n ${n}, node (${k}, ${i})`).to.equal(hashed);
            if (hashed) boundaries.push(splitBoundary(k, i));
          }
        }
        expect(boundaries.sort((a, b) => a - b), `n ${n}`).to.deep.equal(Array.from({ length: n - 1 }, (_, r) => r + 1));
      }
    });
  });

  describe("hashNode, commitRoot, encodeLeafCount", () => {
    it("hashNode is keccak256 of the 96-byte left ‖ right ‖ split", () => {
      const [l, r, s] = [random.hash(), random.hash(), random.hash()];
      expect(h0x(hashNode(l, r, s))).to.equal(ethersKeccak256(concat([l, r, s])));
    });

    it("commitRoot is keccak256(top ‖ uint256(leafCount)), big-endian", () => {
      const top = random.hash();
      for (const count of [1, 2, 255, 256, 65_537, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
        expect(h0x(encodeLeafCount(count))).to.equal(toBeHex(count, 32));
        expect(h0x(commitRoot(top, count)), `count ${count}`).to.equal(ethersKeccak256(concat([top, toBeHex(count, 32)])));
      }
      expect(hex(commitRoot(top, 5))).to.not.equal(hex(commitRoot(top, 6)));
    });

    it("rejects malformed nodes and counts", () => {
      expect(() => hashNode(new Uint8Array(32), new Uint8Array(32), new Uint8Array(31))).to.throw(TypeError, /split/);
      expect(() => hashNode(new Uint8Array(0), new Uint8Array(32), new Uint8Array(32))).to.throw(TypeError, /left/);
      expect(() => commitRoot(new Uint8Array(64), 1)).to.throw(TypeError, /top/);
      for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
        expect(() => encodeLeafCount(bad), `count ${bad}`).to.throw(RangeError, /positive safe integer/);
      }
    });
  });

  describe("ordering helpers", () => {
    it("compareHashes is big-endian byte order; compareFlatHashes and firstUnsortedIndex agree with it", () => {
      const a = new Uint8Array(32);
      const b = new Uint8Array(32);
      b[31] = 1;
      const c = new Uint8Array(32);
      c[0] = 1;
      expect(compareHashes(a, b)).to.be.lessThan(0);
      expect(compareHashes(c, b)).to.be.greaterThan(0);
      expect(compareHashes(b, b)).to.equal(0);
      const flat = flatten([a, b, c]);
      expect(compareFlatHashes(flat, 0, 2)).to.be.lessThan(0);
      expect(firstUnsortedIndex(flat)).to.equal(-1);
      expect(firstUnsortedIndex(flatten([a, c, b]))).to.equal(2);
      expect(firstUnsortedIndex(flatten([a, b, b]))).to.equal(2);
      expect(firstUnsortedIndex(flatten([b]))).to.equal(-1);
    });

    it("treeDepth is ⌈log2 n⌉; equalBytes and isHash never throw", () => {
      expect([1, 2, 3, 4, 5, 8, 9, 1024, 1025].map(treeDepth)).to.deep.equal([0, 1, 2, 2, 3, 3, 4, 10, 11]);
      expect(equalBytes(new Uint8Array(2), new Uint8Array(3))).to.equal(false);
      expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).to.equal(true);
      expect(compareBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).to.be.below(0);
      expect(compareBytes(new Uint8Array([2]), new Uint8Array([1, 9]))).to.be.above(0);
      expect(isHash(new Uint8Array(32))).to.equal(true);
      expect(isHash(Buffer.alloc(32))).to.equal(true);
      expect(isHash(new Uint8Array(31))).to.equal(false);
      expect(isHash("0x" + "00".repeat(32))).to.equal(false);
      expect(() => compareHashes(new Uint8Array(32), new Uint8Array(2))).to.throw(TypeError);
    });
  });
});

describe("buildTree", () => {
  it(`equals the reference tree node by node (levels, split keys, top, root) for n = 1..40 and around powers of two`, () => {
    for (const n of SHAPE_SIZES) {
      const { flat, hashes } = sortedHashSet(`shape-${n}`, n);
      const tree = buildTree(flat);
      expect(tree.leafCount).to.equal(n);
      expect(tree.unitCount).to.equal(n);
      expect(tree.depth).to.equal(treeDepth(n));
      expect(levelWidths(n)).to.deep.equal(buildRefTree(hashes).levels.map((l) => l.length));
      expectSameAsReference(tree, buildRefTree(hashes), `n ${n}`);
    }
  });

  it("computes a 3-leaf tree by the definition: s2 is promoted, then meets n01", () => {
    const { flat, hashes } = sortedHashSet("three", 3);
    const [s0, s1, s2] = hashes as [Uint8Array, Uint8Array, Uint8Array];
    const n01 = ethersKeccak256(concat([s0, s1, splitKey(s0, s1)]));
    const top = ethersKeccak256(concat([n01, s2, splitKey(s1, s2)]));
    const tree = buildTree(flat);
    expect(h0x(tree.node(1, 1))).to.equal(h0x(s2));
    expect(h0x(tree.top)).to.equal(top);
    expect(h0x(tree.root)).to.equal(ethersKeccak256(concat([top, toBeHex(3, 32)])));
  });

  it("makes a single sample the top; the root still binds the count 1", () => {
    const { flat, hashes } = sortedHashSet("one", 1);
    const tree = buildTree(flat);
    expect(tree.depth).to.equal(0);
    expect(hex(tree.top)).to.equal(hex(hashes[0] as Uint8Array));
    expect(h0x(tree.root)).to.equal(ethersKeccak256(concat([hashes[0] as Uint8Array, toBeHex(1, 32)])));
    expect(tree.hasSplit(0, 0)).to.equal(false);
  });

  it("promotes the last node unchanged through every level where it is unpaired (n = 9: levels 1, 2, 3)", () => {
    const { flat, hashes } = sortedHashSet("promoted", 9);
    const tree = buildTree(flat);
    for (const [k, i] of [
      [1, 4],
      [2, 2],
      [3, 1],
    ] as const) {
      expect(hex(tree.node(k, i)), `node (${k}, ${i})`).to.equal(hex(hashes[8] as Uint8Array));
      expect(tree.hasSplit(k, i)).to.equal(false);
      expect(() => tree.split(k, i)).to.throw(RangeError, /was promoted, not hashed/);
    }
    expect(hex(tree.split(4, 0))).to.equal(hex(splitKey(hashes[7] as Uint8Array, hashes[8] as Uint8Array)));
  });

  it("uses the caller's buffer as level 0 (no copy) and ≈ n × 32 bytes for all upper levels", () => {
    const { flat } = sortedHashSet("no-copy", 1000);
    const tree = buildTree(flat);
    expect(tree.level(0)).to.equal(flat);
    const upper = levelWidths(1000).slice(1).reduce((s, w) => s + w, 0);
    expect(upper).to.be.below(1000 + 11);
  });

  it("binds the count: the same top with another count is another root", () => {
    const { flat } = sortedHashSet("count-bound", 6);
    const tree = buildTree(flat);
    expect(hex(tree.root)).to.equal(hex(commitRoot(tree.top, 6)));
    expect(hex(tree.root)).to.not.equal(hex(commitRoot(tree.top, 7)));
  });

  describe("input validation", () => {
    it("rejects an empty input, a partial hash and a non-Uint8Array", () => {
      expect(() => buildTree(new Uint8Array(0))).to.throw(RangeError, /empty dataset/);
      expect(() => buildTree(new Uint8Array(65))).to.throw(RangeError, /not a multiple of 32/);
      expect(() => buildTree([1, 2, 3] as unknown as Uint8Array)).to.throw(TypeError, /must be a Uint8Array/);
    });

    it("rejects unsorted input, naming the first offending index", () => {
      const { hashes } = sortedHashSet("unsorted", 6);
      const flat = flatten([hashes[0], hashes[1], hashes[2], hashes[4], hashes[3], hashes[5]] as Uint8Array[]);
      expect(() => buildTree(flat)).to.throw(RangeError, /sample hash 4 is not greater than sample hash 3/);
      expect(() => rootOfSubtree(flat)).to.throw(RangeError, /sample hash 4/);
    });

    it("rejects duplicate hashes, naming the index of the repeat", () => {
      const { hashes } = sortedHashSet("dupes", 3);
      const flat = flatten([hashes[0], hashes[1], hashes[1], hashes[2]] as Uint8Array[]);
      expect(() => buildTree(flat)).to.throw(RangeError, /sample hash 2 .*sorted ascending and distinct/);
    });

    it("with checkSorted: false builds what a registrant would from unsorted values (as the reference does)", () => {
      const random = new Random("nocheck");
      for (const n of [2, 5, 9, 17]) {
        const values = Array.from({ length: n }, () => random.hash());
        values[1] = values[0] as Uint8Array; // a duplicate too
        const tree = buildTree(flatten(values), { checkSorted: false });
        expectSameAsReference(tree, buildRefTree(values), `unsorted n ${n}`);
      }
    });
  });

  describe("MerkleTree accessors", () => {
    const { flat } = sortedHashSet("range", 5);
    const tree = buildTree(flat);

    it("reports out-of-range levels and nodes clearly", () => {
      expect(() => tree.level(4)).to.throw(RangeError, /levels 0\.\.3/);
      expect(() => tree.node(0, 5)).to.throw(RangeError, /level 0 has 5 nodes/);
      expect(() => tree.node(1, -1)).to.throw(RangeError, /out of range/);
      expect(() => tree.split(1, 3)).to.throw(RangeError, /level 1 has 3 nodes/);
      expect(() => tree.split(0, 1)).to.throw(RangeError, /promoted/);
    });

    it("refuses to wrap levels or bounds of inconsistent shapes", () => {
      const bounds = { firsts: new Uint8Array(96), lasts: new Uint8Array(96) };
      expect(() => new MerkleTree([new Uint8Array(96), new Uint8Array(32), new Uint8Array(32)], bounds)).to.throw(
        RangeError,
        /level 1 must be 64 bytes/,
      );
      expect(() => new MerkleTree([new Uint8Array(96), new Uint8Array(64)], bounds)).to.throw(RangeError, /need 3 levels/);
      expect(() => new MerkleTree([new Uint8Array(0)], bounds)).to.throw(RangeError, /at least one/);
      expect(
        () => new MerkleTree([new Uint8Array(64), new Uint8Array(32)], { firsts: new Uint8Array(64), lasts: new Uint8Array(32) }),
      ).to.throw(RangeError, /bounds must hold 2/);
    });
  });

  it("writeSplitKeys writes the split keys of consecutive pairs of any level", () => {
    const { flat, hashes } = sortedHashSet("write-split-keys", 37);
    const bounds = { firsts: flat, lasts: flat };
    for (const level of [0, 1, 2, 3]) {
      const span = 2 ** level;
      const pairs = Math.floor(Math.ceil(37 / span) / 2);
      const out = new Uint8Array(pairs * 32);
      writeSplitKeys(bounds, level, 0, pairs, out);
      for (let p = 0; p < pairs; p++) {
        const u = (2 * p + 1) * span;
        expect(hex(out.subarray(p * 32, p * 32 + 32)), `level ${level} pair ${p}`).to.equal(
          hex(splitKey(hashes[u - 1] as Uint8Array, hashes[u] as Uint8Array)),
        );
      }
    }
  });
});

/** Cuts a sorted flat buffer into shards of `shardLeaves`: their tops, counts and first/last hashes. */
function shardTops(flat: Uint8Array, shardLeaves: number) {
  const n = flat.length / 32;
  const counts: number[] = [];
  for (let start = 0; start < n; start += shardLeaves) counts.push(Math.min(shardLeaves, n - start));
  const tops = new Uint8Array(counts.length * 32);
  const firsts = new Uint8Array(counts.length * 32);
  const lasts = new Uint8Array(counts.length * 32);
  counts.forEach((count, s) => {
    const start = s * shardLeaves;
    tops.set(rootOfSubtree(flat.subarray(start * 32, (start + count) * 32)), s * 32);
    firsts.set(flat.subarray(start * 32, start * 32 + 32), s * 32);
    lasts.set(flat.subarray((start + count - 1) * 32, (start + count) * 32), s * 32);
  });
  return { tops, counts, bounds: { firsts, lasts } };
}

describe("rootOfSubtree", () => {
  it("equals buildTree(...).top for n = 1..40, around powers of two and beyond one keccak chunk", () => {
    for (const n of [...SHAPE_SIZES, 4097, 131_073]) {
      const { flat } = sortedHashSet(`subtree-${n}`, n);
      const before = hex(flat);
      expect(hex(rootOfSubtree(flat)), `n ${n}`).to.equal(hex(buildTree(flat).top));
      if (n <= 1025) expect(hex(flat), "input untouched").to.equal(before);
    }
  });

  it("returns a copy for a single hash and skips the order check when asked", () => {
    const { flat, hashes } = sortedHashSet("subtree-single", 2);
    const single = flat.subarray(0, 32);
    const top = rootOfSubtree(single);
    top[0] = (top[0] as number) ^ 1;
    expect(hex(single)).to.equal(hex(hashes[0] as Uint8Array));
    const reversed = flatten([hashes[1], hashes[0]] as Uint8Array[]);
    expect(hex(rootOfSubtree(reversed, { checkSorted: false }))).to.equal(hex(buildTree(reversed, { checkSorted: false }).top));
  });
});

describe("buildTreeFromSubtreeRoots (sharded trees)", () => {
  const cases: [number, number][] = [
    [1, 1],
    [1, 8],
    [7, 8],
    [8, 8],
    [9, 8],
    [17, 4],
    [33, 2],
    [100, 16],
    [129, 32],
    [300, 1],
    [1000, 64],
    [3 * 8192 + 5, 8192],
  ];
  for (const n of [2, 3, 5, 6, 31, 32, 33, 65]) for (const shard of [1, 2, 4, 8, 16]) cases.push([n, shard]);

  it("rebuilds the full tree's root, and its levels above the shard level, from shard tops and bounds", () => {
    for (const [n, shard] of cases) {
      const label = `${n} leaves in shards of ${shard}`;
      const { flat } = sortedHashSet(`shards-${n}-${shard}`, n);
      const full = buildTree(flat);
      const { tops, counts, bounds } = shardTops(flat, shard);
      const top = buildTreeFromSubtreeRoots(tops, counts, bounds);
      expect(hex(top.root), label).to.equal(hex(full.root));
      expect(top.leafCount, label).to.equal(n);
      const level = treeDepth(counts[0] as number);
      expect(top.shardLevel, label).to.equal(level);
      expect(top.shardLeafCount, label).to.equal(counts[0]);
      if (counts.length > 1) {
        // The tree over the shard tops IS the full tree above the shard level, split keys included.
        for (let k = 0; k <= top.tree.depth; k++) {
          expect(hex(top.tree.level(k)), `${label}: level ${level + k}`).to.equal(hex(full.level(level + k)));
          for (let i = 0; k > 0 && i < top.tree.levelWidth(k); i++) {
            expect(top.tree.hasSplit(k, i)).to.equal(full.hasSplit(level + k, i));
            if (top.tree.hasSplit(k, i)) expect(hex(top.tree.split(k, i))).to.equal(hex(full.split(level + k, i)));
          }
        }
      }
    }
  });

  it("needs the shards' first and last hashes: wrong bounds give another root", () => {
    const { flat } = sortedHashSet("shard-bounds", 40);
    const { tops, counts, bounds } = shardTops(flat, 8);
    const swapped = { firsts: bounds.lasts, lasts: bounds.firsts };
    expect(hex(buildTreeFromSubtreeRoots(tops, counts, swapped).root)).to.not.equal(hex(buildTree(flat).root));
  });

  it("rejects shards that do not align with tree levels (size not a power of two)", () => {
    const { flat } = sortedHashSet("bad-shard", 12);
    const { tops, counts, bounds } = shardTops(flat, 6);
    expect(() => buildTreeFromSubtreeRoots(tops, counts, bounds)).to.throw(RangeError, /power of two/);
  });

  it("rejects a short shard that is not the last, a too-large last shard, empty shards, and size mismatches", () => {
    const b = (k: number) => ({ firsts: new Uint8Array(k * 32), lasts: new Uint8Array(k * 32) });
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(96), [8, 4, 8], b(3))).to.throw(RangeError, /only the last shard may be shorter/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(64), [8, 9], b(2))).to.throw(RangeError, /more than the 8/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(64), [8, 0], b(2))).to.throw(RangeError, /at least one leaf/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(64), [8, 1.5], b(2))).to.throw(RangeError, /at least one leaf/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(32), [8, 8], b(2))).to.throw(RangeError, /need 64 bytes of roots/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(0), [], b(0))).to.throw(RangeError, /no shards/);
    expect(() => buildTreeFromSubtreeRoots(new Uint8Array(64), [8, 8], b(1))).to.throw(RangeError, /bounds must hold 2/);
  });
});

describe("buildTreeParallel", function () {
  this.timeout(120_000);
  after(() => closeTreeWorkers());

  /** Asserts two trees are byte-identical, level by level. */
  const expectSameTree = (parallel: MerkleTree, sequential: MerkleTree, label: string) => {
    expect(parallel.depth, label).to.equal(sequential.depth);
    for (let k = 0; k <= sequential.depth; k++) {
      expect(Buffer.compare(parallel.level(k), sequential.level(k)), `${label}: level ${k} differs`).to.equal(0);
    }
    expect(hex(parallel.root), label).to.equal(hex(sequential.root));
  };

  /** The block size buildTreeParallel uses: 2^⌊log2(n / (16 · threads))⌋ leaves (its documented rule). */
  const blockLeaves = (n: number, threads: number) =>
    2 ** Math.max(0, Math.min(treeDepth(n), Math.floor(Math.log2(n / (threads * 16)))));

  it("equals buildTree for 1..4 threads at sizes around block boundaries", async () => {
    const sizes = new Set<number>([1, 2, 3, 31, 32, 33, 100, 1000, 4095, 4096, 4097]);
    for (const threads of [2, 3, 4]) {
      for (const base of [4096, 65_536]) {
        const block = blockLeaves(base, threads);
        for (const blocks of [3, 16, 17]) for (const d of [-1, 0, 1]) sizes.add(blocks * block + d);
      }
    }
    for (const n of [...sizes].filter((x) => x >= 1).sort((a, b) => a - b)) {
      const { flat } = sortedHashSet(`parallel-${n}`, n);
      const sequential = buildTree(flat);
      for (const threads of [1, 2, 3, 4]) {
        const parallel = await buildTreeParallel(flat, { threads, minParallelLeaves: 1 });
        expectSameTree(parallel, sequential, `${n} leaves, ${threads} threads`);
      }
    }
  });

  it("equals buildTree for 100,003 leaves with the default thread count and threshold", async () => {
    const { flat } = sortedHashSet("parallel-default", 100_003);
    expectSameTree(await buildTreeParallel(flat), buildTree(flat), "100,003 leaves");
  });

  it("uses input held in a SharedArrayBuffer as level 0, without copying it", async () => {
    const { flat } = sortedHashSet("parallel-shared", 50_001);
    const shared = new Uint8Array(new SharedArrayBuffer(flat.length + 64), 64, flat.length);
    shared.set(flat);
    const parallel = await buildTreeParallel(shared, { threads: 2, minParallelLeaves: 1 });
    expectSameTree(parallel, buildTree(flat), "shared input");
    expect(parallel.level(0)).to.equal(shared);
  });

  it("serializes concurrent builds and gives each its own correct tree", async () => {
    const a = sortedHashSet("concurrent-a", 40_000).flat;
    const b = sortedHashSet("concurrent-b", 30_001).flat;
    const [ta, tb] = await Promise.all([
      buildTreeParallel(a, { threads: 2, minParallelLeaves: 1 }),
      buildTreeParallel(b, { threads: 3, minParallelLeaves: 1 }),
    ]);
    expectSameTree(ta, buildTree(a), "a");
    expectSameTree(tb, buildTree(b), "b");
  });

  it("validates its input like buildTree, and builds unsorted input when told not to check (like buildTree)", async () => {
    const { hashes } = sortedHashSet("parallel-bad", 40_000);
    const reversed = flatten([...hashes].reverse());
    let error: unknown;
    try {
      await buildTreeParallel(reversed, { threads: 2, minParallelLeaves: 1 });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/sample hash 1 is not greater/);
    const parallel = await buildTreeParallel(reversed, { threads: 2, minParallelLeaves: 1, checkSorted: false });
    expectSameTree(parallel, buildTree(reversed, { checkSorted: false }), "unsorted");
  });

  it("works from a plain `npx tsx` child process (worker threads need no TS loader; the process exits by itself)", function () {
    this.timeout(120_000);
    const script = fileURLToPath(new URL("./fixtures/parallel-root.ts", import.meta.url));
    const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));
    const output = execFileSync(process.execPath, [tsx, script, "70001"], { encoding: "utf8", timeout: 110_000 })
      .trim()
      .split("\n")
      .at(-1);
    const { flat } = sortedHashSet("tsx-70001", 70_001);
    expect(output).to.equal(hex(buildTree(flat).root));
  });
});

describe("reference tree self-check", () => {
  it("routes and hashes like the definition for a hand-checked 2-leaf tree", () => {
    const a = addToHash(new Uint8Array(32), 5n);
    const b = addToHash(new Uint8Array(32), 1n << 200n);
    const ref = buildRefTree([a, b]);
    const split = "0x" + "00".repeat(6) + "01" + "00".repeat(25);
    expect(ref.levels[1]![0]!.split).to.equal(split);
    expect(ref.top).to.equal(ethersKeccak256(concat([a, b, split])));
    expect(toRefHex(a)).to.equal(h0x(a));
  });
});
