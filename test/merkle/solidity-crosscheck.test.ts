/**
 * TS ⇔ Solidity cross-check of scheme v2: every shared vector and many
 * random proofs — valid ones and forgeries of every kind, on honest trees
 * and on trees a dishonest registrant built (holes, disorder, arbitrary split
 * keys), plus a 2^53 − 1-leaf commitment — are fed both to src/merkle's
 * verifiers and to a deployed DatasetNFT (verifySample, verifyAbsence,
 * verifySamples), which must answer the same on every input.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import type { DatasetNFT } from "../../typechain-types/index.js";
import { hashFromHex } from "../../src/hash/hex.js";
import { proveBatch, verifyBatch } from "../../src/merkle/multiproof.js";
import { processPath, proveMember, verifyAbsence, verifyMember } from "../../src/merkle/proof.js";
import { commitRoot } from "../../src/merkle/scheme.js";
import { createSortedLookup, proveSample } from "../../src/merkle/search.js";
import { buildTree } from "../../src/merkle/tree.js";
import { cidOfBytes } from "../contracts/helpers/cids.js";
import { SCHEME_VECTORS_PATH } from "../vectors/generate.js";
import type { SchemeVectors } from "../vectors/generate.js";
import { MAX_HASH, RUN_SEED, Random, ZERO_HASH, addToHash, flatten, flipByte, hex } from "./helpers.js";
import { buildRefTree, refPath, toRefHex, type SplitChooser } from "./reference-tree.js";

const { ethers, networkHelpers } = await network.create();

const MANIFEST_CID = cidOfBytes("datatrace solidity cross-check manifest");
const vectors = JSON.parse(readFileSync(SCHEME_VECTORS_PATH, "utf8")) as SchemeVectors;
const bytes = (hexes: readonly string[]) => hexes.map(hashFromHex);
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));

/** A registered commitment. */
interface Registered {
  readonly id: bigint;
  readonly root: Uint8Array;
  readonly leafCount: number;
}

async function register(nft: DatasetNFT, root: Uint8Array, leafCount: number): Promise<Registered> {
  await nft.register(root, leafCount, MANIFEST_CID, "", 0);
  return { id: await nft.datasetCount(), root, leafCount };
}

/** Inputs given to both sides over the whole file. */
const totals = { calls: 0, accepted: 0 };

/** Asks both verifiers and asserts they agree; counts the answers. */
class Agreement {
  readonly seen = { member: [0, 0], absence: [0, 0], batch: [0, 0], reverted: 0 };
  constructor(readonly nft: DatasetNFT) {}

  async member(d: Registered, sample: Uint8Array, index: number, path: readonly Uint8Array[], label: string): Promise<boolean> {
    const ts = verifyMember(d.root, d.leafCount, sample, index, path);
    const sol = await this.nft.verifySample(d.id, sample, index, [...path]);
    expect(sol, `verifySample ${label}: Solidity ${sol}, TS ${ts}`).to.equal(ts);
    this.seen.member[ts ? 1 : 0]!++;
    totals.calls++;
    totals.accepted += ts ? 1 : 0;
    return ts;
  }

  async absence(d: Registered, query: Uint8Array, index: number, neighbor: Uint8Array, path: readonly Uint8Array[], label: string) {
    const ts = verifyAbsence(d.root, d.leafCount, query, { index, neighbor, path: [...path] });
    const sol = await this.nft.verifyAbsence(d.id, query, index, neighbor, [...path]);
    expect(sol, `verifyAbsence ${label}: Solidity ${sol}, TS ${ts}`).to.equal(ts);
    this.seen.absence[ts ? 1 : 0]!++;
    totals.calls++;
    totals.accepted += ts ? 1 : 0;
    return ts;
  }

  /** The contract reverts (SampleMerkleBatchLengthMismatch) where TS returns false for mismatched lengths. */
  async batch(d: Registered, samples: readonly Uint8Array[], indexes: readonly number[], path: readonly Uint8Array[], label: string) {
    const ts = verifyBatch(d.root, d.leafCount, samples, indexes, path);
    if (samples.length !== indexes.length) {
      expect(ts, label).to.equal(false);
      await expect(this.nft.verifySamples(d.id, [...samples], [...indexes], [...path])).to.be.revertedWithCustomError(
        this.nft,
        "SampleMerkleBatchLengthMismatch",
      );
      this.seen.reverted++;
      totals.calls++;
      return false;
    }
    const sol = await this.nft.verifySamples(d.id, [...samples], [...indexes], [...path]);
    expect(sol, `verifySamples ${label}: Solidity ${sol}, TS ${ts}`).to.equal(ts);
    this.seen.batch[ts ? 1 : 0]!++;
    totals.calls++;
    totals.accepted += ts ? 1 : 0;
    return ts;
  }

}

/** A random forgery of a path (never the path itself): a flipped bit, an entry dropped, added, swapped or replaced. */
function forgePath(random: Random, path: readonly Uint8Array[]): { what: string; path: Uint8Array[] } {
  const same = (p: readonly Uint8Array[]) => p.length === path.length && p.every((x, k) => hex(x) === hex(path[k]!));
  for (;;) {
    const forged = forgeOnce(random, path);
    if (!same(forged.path)) return forged;
  }
}

function forgeOnce(random: Random, path: readonly Uint8Array[]): { what: string; path: Uint8Array[] } {
  const p = [...path];
  const at = random.int(Math.max(1, p.length));
  switch (p.length === 0 ? random.pick([2, 3]) : random.int(7)) {
    case 0:
      p[at] = flipByte(p[at]!, random.int(32), 1 << random.int(8));
      return { what: `bit flipped in entry ${at}`, path: p };
    case 1:
      p.splice(at, 1);
      return { what: `entry ${at} dropped`, path: p };
    case 2:
      p.splice(random.int(p.length + 1), 0, random.hash());
      return { what: "an entry added", path: p };
    case 3:
      p.push(random.hash(), random.pick([ZERO_HASH, MAX_HASH, random.hash()]));
      return { what: "a pair appended", path: p };
    case 4: {
      const other = random.int(p.length);
      [p[at], p[other]] = [p[other]!, p[at]!];
      return { what: `entries ${at} and ${other} swapped`, path: p };
    }
    case 5:
      p[at] = random.pick([ZERO_HASH, MAX_HASH, random.hash()]);
      return { what: `entry ${at} replaced`, path: p };
    default:
      return { what: "last pair dropped", path: p.slice(0, -2) };
  }
}

async function deployWithVectors() {
  const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
  const registered: Registered[] = [];
  for (const c of vectors.cases) registered.push(await register(nft, hashFromHex(c.root), c.leafCount));
  return { nft, registered };
}

async function deployWithRandomTrees() {
  const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
  const random = new Random("solidity-crosscheck-trees");
  const trees = [];
  for (const n of [1, 2, 3, 7, 16, 17, 1000]) {
    const hashes = random.sortedHashes(n);
    const flat = flatten(hashes);
    const tree = buildTree(flat);
    trees.push({ n, hashes, tree, lookup: createSortedLookup(flat, tree), d: await register(nft, tree.root, n) });
  }
  return { nft, trees };
}

describe(`Solidity cross-check: DatasetNFT and src/merkle agree on every input (seed ${RUN_SEED})`, function () {
  this.timeout(300_000);
  after(() => console.log(`      ${totals.calls} inputs given to both verifiers, ${totals.accepted} accepted by both, the rest rejected by both`));

  describe("shared vectors (test/vectors/merkle-scheme.json)", function () {
    it("every membership vector, and its forgeries (another index, a flipped sample, a flipped/missing/extra/swapped entry)", async function () {
      const { nft, registered } = await networkHelpers.loadFixture(deployWithVectors);
      const check = new Agreement(nft);
      for (const [k, c] of vectors.cases.entries()) {
        const d = registered[k]!;
        for (const p of c.memberProofs) {
          const [sample, path, label] = [hashFromHex(p.sampleHash), bytes(p.path), `size ${c.size}, index ${p.index}`];
          expect(await check.member(d, sample, p.index, path, label)).to.equal(true);
          for (let other = 0; other < Math.min(c.size, 12); other++) if (other !== p.index) await check.member(d, sample, other, path, `${label} as ${other}`);
          await check.member(d, sample, c.size, path, `${label} at index leafCount`);
          await check.member(d, flipByte(sample, 31), p.index, path, `${label}, sample flipped`);
          for (let e = 0; e < path.length; e++) {
            await check.member(d, sample, p.index, path.map((x, j) => (j === e ? flipByte(x, e % 32) : x)), `${label}, entry ${e} flipped`);
          }
          if (path.length >= 2) {
            await check.member(d, sample, p.index, [path[1]!, path[0]!, ...path.slice(2)], `${label}, sibling/split swapped`);
            await check.member(d, sample, p.index, path.slice(0, -1), `${label}, one entry short`);
          }
          await check.member(d, sample, p.index, [...path, ZERO_HASH, ZERO_HASH], `${label}, a pair too long`);
        }
      }
      expect(check.seen.member[1]).to.equal(vectors.cases.reduce((s, c) => s + c.memberProofs.length, 0));
    });

    it("every absence vector, and its forgeries (neighbor = query, another index, a flipped neighbor or entry)", async function () {
      const { nft, registered } = await networkHelpers.loadFixture(deployWithVectors);
      const check = new Agreement(nft);
      for (const [k, c] of vectors.cases.entries()) {
        const d = registered[k]!;
        for (const a of c.absenceProofs) {
          const [query, neighbor, path, label] = [hashFromHex(a.query), hashFromHex(a.neighbor), bytes(a.path), `size ${c.size}, ${a.position}`];
          expect(await check.absence(d, query, a.index, neighbor, path, label)).to.equal(true);
          await check.absence(d, neighbor, a.index, neighbor, path, `${label}: the neighbor as the query`);
          for (let other = 0; other < Math.min(c.size, 12); other++) {
            if (other === a.index) continue;
            await check.absence(d, query, other, neighbor, path, `${label} at ${other}`);
            await check.absence(d, query, other, hashFromHex(c.sampleHashes[other]!), bytes(vectorPath(c, other)), `${label} via member ${other}`);
          }
          await check.absence(d, query, a.index, flipByte(neighbor, 0), path, `${label}, neighbor flipped`);
          for (let e = 0; e < path.length; e++) {
            await check.absence(d, query, a.index, neighbor, path.map((x, j) => (j === e ? flipByte(x, 31 - (e % 32)) : x)), `${label}, entry ${e}`);
          }
        }
      }
    });

    it("every batch vector, and its forgeries (swapped samples, a duplicated index, a flipped entry, a missing sample)", async function () {
      const { nft, registered } = await networkHelpers.loadFixture(deployWithVectors);
      const check = new Agreement(nft);
      for (const [k, c] of vectors.cases.entries()) {
        const d = registered[k]!;
        const [samples, indexes, path, label] = [bytes(c.batchProof.sampleHashes), c.batchProof.indexes, bytes(c.batchProof.path), `size ${c.size}`];
        expect(await check.batch(d, samples, indexes, path, label)).to.equal(true);
        for (let e = 0; e < path.length; e++) await check.batch(d, samples, indexes, path.map((x, j) => (j === e ? flipByte(x, 7) : x)), `${label}, entry ${e}`);
        if (samples.length > 1) {
          await check.batch(d, [samples[1]!, samples[0]!, ...samples.slice(2)], indexes, path, `${label}, samples swapped`);
          await check.batch(d, [samples[0]!, addToHash(samples[0]!, 1n)], [indexes[0]!, indexes[0]!], path, `${label}, [i, i] with a foreign sample`);
          await check.batch(d, samples.slice(1), indexes, path, `${label}, a sample missing`);
        }
        await check.batch(d, samples, indexes.map((i) => i + c.size), path, `${label}, indexes shifted past leafCount`);
        await check.batch(d, samples, indexes, [...path, ZERO_HASH], `${label}, an entry too many`);
      }
    });
  });

  describe("random trees (seeded): valid proofs and random forgeries", function () {
    it("membership: random indexes of 1..1000-leaf trees, each with forged variants", async function () {
      const { nft, trees } = await networkHelpers.loadFixture(deployWithRandomTrees);
      const check = new Agreement(nft);
      const random = new Random("solidity-crosscheck-members");
      for (const { n, hashes, tree, d } of trees) {
        for (const index of random.indexSet(n, Math.min(n, 6))) {
          const { path } = proveMember(tree, index);
          const label = `n ${n}, index ${index}`;
          expect(await check.member(d, hashes[index]!, index, path, label)).to.equal(true);
          for (let k = 0; k < 6; k++) {
            const forged = forgePath(random, path);
            await check.member(d, hashes[index]!, index, forged.path, `${label}, ${forged.what}`);
          }
          await check.member(d, hashes[index]!, random.int(n), path, `${label}, random index`);
          await check.member(d, hashes[random.int(n)]!, index, path, `${label}, random sample`);
        }
      }
      expect(check.seen.member[0]).to.be.greaterThan(30);
    });

    it("absence: random queries and queries next to members, each with forged variants (wrong side, other neighbors)", async function () {
      const { nft, trees } = await networkHelpers.loadFixture(deployWithRandomTrees);
      const check = new Agreement(nft);
      const random = new Random("solidity-crosscheck-absence");
      for (const { n, hashes, tree, lookup, d } of trees) {
        const near = hashes[random.int(n)]!;
        for (const q of [random.hash(), ZERO_HASH, MAX_HASH, addToHash(near, 1n), addToHash(near, -1n), near]) {
          const proof = proveSample(lookup, q);
          const label = `n ${n}, query ${hex(q).slice(0, 12)}`;
          if (proof.kind === "member") {
            expect(await check.member(d, q, proof.index, proof.path, label)).to.equal(true);
            await check.absence(d, q, proof.index, hashes[(proof.index + 1) % n]!, proof.path, `${label}: member 'absent'`);
            continue;
          }
          expect(await check.absence(d, q, proof.index, proof.neighbor, proof.path, label)).to.equal(true);
          for (const j of new Set([proof.index - 1, proof.index + 1, random.int(n)])) {
            if (j < 0 || j >= n) continue;
            await check.absence(d, q, j, hashes[j]!, proveMember(tree, j).path, `${label} via ${j}`);
          }
          for (let k = 0; k < 4; k++) {
            const forged = forgePath(random, proof.path);
            await check.absence(d, q, proof.index, proof.neighbor, forged.path, `${label}, ${forged.what}`);
          }
        }
      }
    });

    it("batches of 1, 2, 8 and 64 random indexes, adjacent runs and all leaves of small trees, with forged variants", async function () {
      const { nft, trees } = await networkHelpers.loadFixture(deployWithRandomTrees);
      const check = new Agreement(nft);
      const random = new Random("solidity-crosscheck-batches");
      for (const { n, hashes, tree, d } of trees) {
        const sets = [1, 2, 8, 64].filter((k) => k <= n).map((k) => random.indexSet(n, k));
        if (n <= 17) sets.push(Array.from({ length: n }, (_, i) => i));
        if (n >= 4) sets.push([n - 4, n - 3, n - 2, n - 1]);
        for (const set of sets) {
          const { path } = proveBatch(tree, set);
          const samples = set.map((i) => hashes[i]!);
          const label = `n ${n}, ${set.length} indexes`;
          expect(await check.batch(d, samples, set, path, label)).to.equal(true);
          for (let k = 0; k < 3; k++) {
            const forged = forgePath(random, path);
            await check.batch(d, samples, set, forged.path, `${label}, ${forged.what}`);
          }
          const replaced = samples.map((s, j) => (j === random.int(samples.length) ? addToHash(s, 1n) : s));
          await check.batch(d, replaced, set, path, `${label}, a foreign sample`);
          if (set.length > 1) {
            await check.batch(d, [...samples].reverse(), [...set].reverse(), path, `${label}, reversed`);
            await check.batch(d, [samples[0]!, addToHash(samples[0]!, 1n), ...samples.slice(2)], [set[0]!, set[0]!, ...set.slice(2)], path, `${label}, duplicated index`);
          }
        }
      }
      expect(check.seen.batch[0]).to.be.greaterThan(20);
      expect(check.seen.batch[1]).to.be.greaterThan(10);
    });
  });

  describe("dishonest registrants: holes, disorder and arbitrary split keys", function () {
    async function deployWithDishonestTrees() {
      const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
      const random = new Random("solidity-crosscheck-dishonest");
      const trees = [];
      for (let t = 0; t < 8; t++) {
        const n = random.between(2, 12);
        const values = random.sortedHashes(n).map((v) => (random.chance(0.3) ? random.hash() : v));
        if (t % 2 === 1) values.reverse();
        const chooser: SplitChooser = ({ values: vs, leftFirst, rightLast, honest }) =>
          random.pick([honest, honest, vs[random.between(leftFirst, rightLast)]!, toRefHex(random.hash()), "0x" + "00".repeat(32), "0x" + "ff".repeat(32)]);
        const ref = buildRefTree(values, chooser);
        trees.push({ n, values, ref, d: await register(nft, fromHex(ref.root), n) });
      }
      // The v1 hole attack on v2: [a, c, HOLE, b, d], split keys routing b to its position 3.
      const [a, b, c, hole, d] = random.sortedHashes(5) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
      const keys: Record<string, string> = { "3,0": toRefHex(d), "2,0": toRefHex(b), "1,1": toRefHex(b) };
      const attack = buildRefTree([a, c, hole, b, d], ({ level, index, honest }) => keys[`${level},${index}`] ?? honest);
      const attackRegistered = await register(nft, fromHex(attack.root), 5);
      return { nft, trees, attack: { ref: attack, d: attackRegistered, values: [a, c, hole, b, d], b, c } };
    }

    it("for every query routed through registrant-chosen split keys, every (index, real path) proof gets the same answer", async function () {
      const { nft, trees } = await networkHelpers.loadFixture(deployWithDishonestTrees);
      const check = new Agreement(nft);
      const random = new Random("solidity-crosscheck-dishonest-queries");
      for (const { n, values, ref, d } of trees) {
        const splits = ref.levels.flatMap((level) => level.filter((node) => node.split !== null).map((node) => fromHex(node.split!)));
        const queries = [random.pick(values), random.pick(splits), addToHash(random.pick(splits), -1n), random.hash()];
        for (const q of queries) {
          let valid = 0;
          for (let i = 0; i < n; i++) {
            const path = refPath(ref, i).map(fromHex);
            if (await check.member(d, q, i, path, `dishonest n ${n}, member at ${i}`)) valid++;
            if (await check.absence(d, q, i, values[i]!, path, `dishonest n ${n}, absent via ${i}`)) valid++;
          }
          expect(valid, `query ${hex(q)}`).to.equal(1);
        }
      }
      expect(check.seen.member[1]! + check.seen.absence[1]!).to.equal(trees.length * 4);
    });

    it("the v1 hole attack fails on chain: b, placed at index 3 by the split keys, is a member there and absent nowhere", async function () {
      const { nft, attack } = await networkHelpers.loadFixture(deployWithDishonestTrees);
      const check = new Agreement(nft);
      const { ref, d, values, b, c } = attack;
      expect(await check.member(d, b, 3, refPath(ref, 3).map(fromHex), "b at 3")).to.equal(true);
      for (let j = 0; j < 5; j++) {
        expect(await check.absence(d, b, j, values[j]!, refPath(ref, j).map(fromHex), `b absent via ${j}`)).to.equal(false);
      }
      // c sits at index 1, off its route: not a member there, provably absent at 3 instead.
      expect(await check.member(d, c, 1, refPath(ref, 1).map(fromHex), "c at 1")).to.equal(false);
      expect(await check.absence(d, c, 3, b, refPath(ref, 3).map(fromHex), "c absent via 3")).to.equal(true);
    });
  });

  describe("deep trees", function () {
    it("a 2^53 − 1-leaf commitment: 53-pair paths at both ends verify on both sides, forgeries fail on both", async function () {
      const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
      const check = new Agreement(nft);
      const random = new Random("solidity-crosscheck-huge");
      const n = 2 ** 53 - 1;
      for (const index of [0, n - 1, 2 ** 52 + 12345]) {
        const sample = random.hash();
        // A path whose split keys route the sample its own way: 0xff… on left steps, 0x00… on right steps.
        const path: Uint8Array[] = [];
        let i = index;
        for (let width = n; width > 1; width = Math.ceil(width / 2)) {
          if (i % 2 === 1) path.push(random.hash(), ZERO_HASH);
          else if (i + 1 < width) path.push(random.hash(), MAX_HASH);
          i = Math.floor(i / 2);
        }
        const top = processPath(sample, sample, index, n, path);
        expect(top).to.not.equal(null);
        const d = await register(nft, commitRoot(top!, n), n);
        expect(await check.member(d, sample, index, path, `index ${index}`)).to.equal(true);
        for (let k = 0; k < 5; k++) {
          const forged = forgePath(random, path);
          await check.member(d, sample, index, forged.path, `index ${index}, ${forged.what}`);
        }
        await check.member(d, sample, index % 2 === 0 ? index + 1 : index - 1, path, `index ${index} ± 1`);
        const other = addToHash(sample, 1n);
        await check.absence(d, other, index, sample, path, `a query next to the sample, index ${index}`);
      }
      expect(check.seen.member[1]).to.equal(3);
    });
  });
});

/** The path of position `index` read off a vector case's committed levels and split keys. */
function vectorPath(c: SchemeVectors["cases"][number], index: number): string[] {
  const path: string[] = [];
  let i = index;
  for (let k = 0; k + 1 < c.levels.length; k++) {
    const split = c.splitKeys[k + 1]![i >> 1];
    if (split !== null && split !== undefined) path.push(c.levels[k]![i % 2 === 1 ? i - 1 : i + 1]!, split);
    i >>= 1;
  }
  return path;
}
