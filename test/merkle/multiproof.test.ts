/**
 * Batch proofs (src/merkle/multiproof.ts): the path equals the reference
 * implementation's, a batch is valid exactly when every sample's single proof
 * is (also on dishonest trees), and every malformed or forged batch is
 * rejected — including the duplicated-index mutant of issue 10.
 */
import { expect } from "chai";

import { proveBatch, verifyBatch, type TreeNodes } from "../../src/merkle/multiproof.js";
import { proveMember, verifyMember } from "../../src/merkle/proof.js";
import { buildTree } from "../../src/merkle/tree.js";
import { Random, addToHash, compareBytes, flatten, flipByte, hex } from "./helpers.js";
import { buildRefTree, refBatchPath, refPath, refRoute, toRefHex, type RefTree, type SplitChooser } from "./reference-tree.js";

const h0x = (bytes: Uint8Array) => `0x${hex(bytes)}`;
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));

function setup(random: Random, n: number) {
  const hashes = random.sortedHashes(n);
  const tree = buildTree(flatten(hashes));
  return { tree, hashes, n, ref: buildRefTree(hashes), at: (i: number) => hashes[i] as Uint8Array };
}

/** A {@link TreeNodes} view of a reference tree (so proveBatch can prove on trees src/merkle would not build). */
function refNodes(ref: RefTree): TreeNodes {
  return {
    leafCount: ref.values.length,
    depth: ref.levels.length - 1,
    levelWidth: (k) => ref.levels[k]!.length,
    node: (k, i) => fromHex(ref.levels[k]![i]!.hash),
    split: (k, i) => fromHex(ref.levels[k]![i]!.split!),
  };
}

describe("proveBatch / verifyBatch", () => {
  for (const n of [1, 2, 3, 5, 8, 9, 17, 33, 100, 1000]) {
    it(`gives the reference batch path for random index sets of ${n} leaves (seeded), and it verifies`, () => {
      const random = new Random(`batch-${n}`);
      const { tree, ref, at } = setup(random, n);
      for (let trial = 0; trial < 25; trial++) {
        const count = 1 + random.int(Math.min(n, trial < 5 ? 3 : 40));
        const indexes = random.indexSet(n, count);
        const batch = proveBatch(tree, indexes);
        expect(batch.indexes).to.deep.equal(indexes);
        expect(batch.leafCount).to.equal(n);
        expect(batch.path.map(h0x), `indexes ${indexes}`).to.deep.equal(refBatchPath(ref, indexes));
        expect(verifyBatch(tree.root, n, indexes.map(at), indexes, batch.path), `indexes ${indexes}`).to.equal(true);
      }
    });
  }

  it("needs only the n - 1 split keys for all indexes, and a single proof's path for one index (every index of 1..20 leaves)", () => {
    const random = new Random("batch-all-single");
    for (let n = 1; n <= 20; n++) {
      const { tree, ref, at } = setup(random, n);
      const all = Array.from({ length: n }, (_, i) => i);
      const { path } = proveBatch(tree, all);
      expect(path.map(h0x), `n ${n}`).to.deep.equal(refBatchPath(ref, all));
      expect(path, `n ${n}`).to.have.length(n - 1);
      expect(verifyBatch(tree.root, n, all.map(at), all, path)).to.equal(true);
      for (let i = 0; i < n; i++) {
        const single = proveBatch(tree, [i]);
        expect(single.path.map(hex), `n ${n}, index ${i}`).to.deep.equal(proveMember(tree, i).path.map(hex));
        expect(verifyBatch(tree.root, n, [at(i)], [i], single.path)).to.equal(true);
      }
    }
  });

  it("sends shared path segments once: adjacent pairs, runs, and first + last", () => {
    const random = new Random("batch-adjacent");
    const { tree, ref, at, n } = setup(random, 1024);
    for (const indexes of [[10, 11], [11, 12], [0, 1, 2, 3], [510, 511, 512, 513], [0, 1023], [1022, 1023]]) {
      const { path } = proveBatch(tree, indexes);
      expect(path.map(h0x), `${indexes}`).to.deep.equal(refBatchPath(ref, indexes));
      const singles = indexes.reduce((sum, i) => sum + proveMember(tree, i).path.length, 0);
      expect(path.length, `${indexes}`).to.be.below(singles);
      expect(verifyBatch(tree.root, n, indexes.map(at), indexes, path)).to.equal(true);
    }
    // Siblings 10, 11 meet at level 1: one split there, then one (sibling, split) pair per level above.
    expect(proveBatch(tree, [10, 11]).path).to.have.length(1 + 2 * 9);
  });

  it("sorts the requested indexes and returns them ascending", () => {
    const random = new Random("batch-sort");
    const { tree, at } = setup(random, 100);
    const batch = proveBatch(tree, [70, 3, 42]);
    expect(batch.indexes).to.deep.equal([3, 42, 70]);
    expect(verifyBatch(tree.root, 100, [at(3), at(42), at(70)], batch.indexes, batch.path)).to.equal(true);
  });

  it("proves from any TreeNodes view (here the reference tree)", () => {
    const random = new Random("batch-tree-nodes");
    const { tree, ref } = setup(random, 37);
    for (const indexes of [[0], [5, 6, 30], [36], random.indexSet(37, 12)]) {
      expect(proveBatch(refNodes(ref), indexes).path.map(hex)).to.deep.equal(proveBatch(tree, indexes).path.map(hex));
    }
  });

  it("refuses empty, duplicate and out-of-range index lists when proving", () => {
    const random = new Random("batch-prove-errors");
    const { tree } = setup(random, 10);
    expect(() => proveBatch(tree, [])).to.throw(RangeError, /at least one/);
    expect(() => proveBatch(tree, [3, 3])).to.throw(RangeError, /listed twice/);
    expect(() => proveBatch(tree, [10])).to.throw(RangeError, /out of range/);
    expect(() => proveBatch(tree, [-1])).to.throw(RangeError, /out of range/);
    expect(() => proveBatch(tree, [1.5])).to.throw(RangeError, /out of range/);
  });

  it("is valid exactly when every single proof is, on honest and dishonest trees (holes, disorder, any split keys)", () => {
    const random = new Random("batch-vs-singles");
    let valid = 0;
    let invalid = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = random.between(2, 24);
      const sorted = random.sortedHashes(n);
      const values = trial % 3 === 0 ? sorted : trial % 3 === 1 ? random.shuffle(sorted) : sorted.map((v) => (random.chance(0.2) ? random.hash() : v));
      const splits: SplitChooser =
        trial % 4 === 0
          ? ({ honest }) => honest
          : ({ values: vs, leftFirst, rightLast, honest }) =>
              random.chance(0.5) ? honest : random.pick([vs[random.between(leftFirst, rightLast)]!, toRefHex(random.hash())]);
      const ref = buildRefTree(values, splits);
      const root = fromHex(ref.root);
      for (let k = 0; k < 8; k++) {
        const indexes = random.indexSet(n, 1 + random.int(n));
        const samples = indexes.map((i) => values[i] as Uint8Array);
        const ascending = samples.every((s, j) => j === 0 || compareBytes(samples[j - 1]!, s) < 0);
        const singles = indexes.every((i) => verifyMember(root, n, values[i] as Uint8Array, i, refPath(ref, i).map(fromHex)));
        const batch = verifyBatch(root, n, samples, indexes, refBatchPath(ref, indexes).map(fromHex));
        expect(batch, `trial ${trial}, indexes ${indexes}`).to.equal(ascending && singles);
        if (batch) valid++;
        else invalid++;
      }
    }
    expect(valid).to.be.greaterThan(20);
    expect(invalid).to.be.greaterThan(20);
  });

  describe("rejects (returns false, never throws)", () => {
    const random = new Random("batch-rejects");
    const { tree, at, n, hashes } = setup(random, 21);
    const indexes = [2, 3, 7, 12, 20];
    const samples = indexes.map(at);
    const { path } = proveBatch(tree, indexes);
    const ok = (s: readonly Uint8Array[], i: readonly number[], p: readonly Uint8Array[], root = tree.root, count = n) =>
      verifyBatch(root, count, s, i, p);

    it("nothing valid by accident: the fixture verifies", () => {
      expect(ok(samples, indexes, path)).to.equal(true);
    });

    it("the duplicated index [2, 2] with samples [s2, FOREIGN], whatever path comes with it (issue 10's mutant)", () => {
      const foreign = addToHash(at(2), 1n); // ascending after s2, and routed like s2
      expect(refRoute(buildRefTree(hashes), toRefHex(foreign))).to.equal(2);
      const single = proveMember(tree, 2).path;
      // What a verifier without the ascending-index check would read: each level's pair once per entry.
      const doubled = single.flatMap((entry, k) => (k % 2 === 0 ? [entry, single[k + 1]!, entry, single[k + 1]!] : []));
      for (const p of [doubled, single, [...single, ...single], proveBatch(tree, [2, 3]).path]) {
        expect(ok([at(2), foreign], [2, 2], p), `path of ${p.length}`).to.equal(false);
      }
      expect(ok([at(2), at(2)], [2, 2], single)).to.equal(false);
    });

    it("indexes not strictly ascending: reversed, repeated, or out of order", () => {
      const reversed = [...indexes].reverse();
      expect(ok([...samples].reverse(), reversed, path)).to.equal(false);
      expect(ok([at(3), at(2), at(7), at(12), at(20)], [3, 2, 7, 12, 20], path)).to.equal(false);
      expect(ok([at(2), at(3), at(3)], [2, 3, 3], proveBatch(tree, [2, 3]).path)).to.equal(false);
    });

    it("sample hashes not strictly ascending: two swapped, or one repeated", () => {
      const swapped = [samples[1]!, samples[0]!, ...samples.slice(2)];
      expect(ok(swapped, indexes, path)).to.equal(false);
      const repeated = [samples[0]!, samples[0]!, ...samples.slice(2)];
      expect(ok(repeated, indexes, path)).to.equal(false);
    });

    it("an index at or above leafCount, negative, fractional or not a number", () => {
      for (const bad of [n, n + 1, 2 ** 40]) expect(ok([...samples.slice(0, -1), at(20)], [...indexes.slice(0, -1), bad], path), `${bad}`).to.equal(false);
      for (const bad of [-1, 2.5, Number.NaN]) expect(ok([at(2), ...samples.slice(1)], [bad, ...indexes.slice(1)], path), `${bad}`).to.equal(false);
      expect(ok(samples, ["2", ...indexes.slice(1)] as unknown as number[], path)).to.equal(false);
      // The last index proven against a count one below: range check and shape.
      expect(ok(samples, indexes, path, tree.root, 20)).to.equal(false);
    });

    it("a sample replaced by a foreign value or by another member", () => {
      for (let k = 0; k < samples.length; k++) {
        for (const replacement of [addToHash(samples[k]!, 1n), flipByte(samples[k]!, 0, 0x80), at((indexes[k]! + 5) % n)]) {
          const s = samples.map((x, j) => (j === k ? replacement : x));
          expect(ok(s, indexes, path), `sample ${k}`).to.equal(false);
        }
      }
    });

    it("a flipped bit in any byte of any path entry, sample, or the root", () => {
      for (let b = 0; b < 32; b++) {
        for (let e = 0; e < path.length; e++) {
          expect(ok(samples, indexes, path.map((x, k) => (k === e ? flipByte(x, b) : x))), `entry ${e} byte ${b}`).to.equal(false);
        }
        for (let k = 0; k < samples.length; k++) {
          expect(ok(samples.map((x, j) => (j === k ? flipByte(x, b) : x)), indexes, path), `sample ${k} byte ${b}`).to.equal(false);
        }
        expect(ok(samples, indexes, path, flipByte(tree.root, b))).to.equal(false);
      }
    });

    it("a path too long, too short, of odd length, with entries swapped, or taken from another batch", () => {
      const zero = new Uint8Array(32);
      for (const bad of [[...path, zero], [...path, zero, zero], path.slice(0, -1), path.slice(0, -2), path.slice(1), [], [zero, ...path]]) {
        expect(ok(samples, indexes, bad), `length ${bad.length}`).to.equal(false);
      }
      for (let e = 0; e + 1 < path.length; e++) {
        const swapped = [...path];
        [swapped[e], swapped[e + 1]] = [path[e + 1]!, path[e]!];
        expect(ok(samples, indexes, swapped), `entries ${e}, ${e + 1}`).to.equal(false);
      }
      expect(ok(samples, indexes, proveBatch(tree, [2, 3, 7, 12, 19]).path)).to.equal(false);
    });

    it("any wrong leafCount", () => {
      for (let wrong = 1; wrong <= 50; wrong++) if (wrong !== n) expect(ok(samples, indexes, path, tree.root, wrong), `count ${wrong}`).to.equal(false);
    });

    it("malformed inputs of every kind", () => {
      const bad: [string, () => boolean][] = [
        ["an empty batch", () => ok([], [], [])],
        ["more samples than indexes", () => ok([...samples, at(0)], indexes, path)],
        ["fewer samples than indexes", () => ok(samples.slice(1), indexes, path)],
        ["samples not an array", () => ok(null as unknown as Uint8Array[], indexes, path)],
        ["indexes not an array", () => ok(samples, "2,3" as unknown as number[], path)],
        ["path not an array", () => ok(samples, indexes, undefined as unknown as Uint8Array[])],
        ["a 31-byte sample", () => ok([samples[0]!.subarray(1), ...samples.slice(1)], indexes, path)],
        ["a 31-byte path entry", () => ok(samples, indexes, [path[0]!.subarray(1), ...path.slice(1)])],
        ["a string path entry", () => ok(samples, indexes, [h0x(path[0]!) as unknown as Uint8Array, ...path.slice(1)])],
        ["a 33-byte root", () => verifyBatch(new Uint8Array(33), n, samples, indexes, path)],
        ["leafCount 0", () => ok(samples, indexes, path, tree.root, 0)],
        ["leafCount 21.5", () => ok(samples, indexes, path, tree.root, 21.5)],
      ];
      for (const [what, call] of bad) {
        let result: boolean | undefined;
        expect(() => (result = call()), what).to.not.throw();
        expect(result, what).to.equal(false);
      }
    });

    it("samples routed the wrong way at a merge, a left step or a right step, though every hash checks out", () => {
      // Dishonest split keys: (2,3)'s parent sends s3 left; (6,7)'s parent sends s6 right; the top sends everything left.
      const values = random.sortedHashes(16);
      const choose: SplitChooser = ({ level, index, values: vs, honest }) => {
        if (level === 1 && index === 1) return toRefHex(addToHash(fromHex(vs[3]!), 1n));
        if (level === 1 && index === 3) return vs[6]!;
        if (level === 4) return "0x" + "ff".repeat(32);
        return honest;
      };
      const ref = buildRefTree(values, choose);
      const root = fromHex(ref.root);
      const cases: [number[], boolean][] = [
        [[2, 3], false], // merge: hi < split holds, split <= next.lo fails
        [[0, 1], true],
        [[6, 7], false], // s6 >= split: the left step fails
        [[9], false], // right half: the top's right step fails for every sample
        [[0, 4, 5], true],
      ];
      for (const [idx, expected] of cases) {
        const p = refBatchPath(ref, idx).map(fromHex);
        expect(verifyBatch(root, 16, idx.map((i) => values[i]!), idx, p), `indexes ${idx}`).to.equal(expected);
        expect(proveBatch(refNodes(ref), idx).path.map(h0x)).to.deep.equal(refBatchPath(ref, idx));
      }
    });
  });
});
