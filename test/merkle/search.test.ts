/**
 * Searching and proving a query in or out (src/merkle/search.ts) and the
 * absence verifier (verifyAbsence in src/merkle/proof.ts): where the search
 * path of any query ends must be where the reference tree routes it, the
 * proof must be the reference path, and every forged absence is rejected.
 */
import { expect } from "chai";

import { collectPath, processPath, proveMember, verifyAbsence, verifyMember, type AbsenceProof } from "../../src/merkle/proof.js";
import { createSortedLookup, lowerBound, proveSample, searchIndex, type SortedLookup } from "../../src/merkle/search.js";
import { splitKey } from "../../src/merkle/scheme.js";
import { buildTree, buildTreeFromSubtreeRoots, rootOfSubtree } from "../../src/merkle/tree.js";
import { MAX_HASH, Random, ZERO_HASH, addToHash, compareBytes, flatten, flipByte, hex, sortHashes } from "./helpers.js";
import { buildRefTree, refPath, refRoute, refVerifyAbsence, refVerifyMember, toRefHex } from "./reference-tree.js";

const h0x = (bytes: Uint8Array) => `0x${hex(bytes)}`;

function setup(hashes: Uint8Array[]) {
  const flat = flatten(hashes);
  const tree = buildTree(flat);
  const lookup = createSortedLookup(flat, tree);
  return { hashes, flat, tree, lookup, ref: buildRefTree(hashes), n: hashes.length, at: (i: number) => hashes[i] as Uint8Array };
}

/**
 * Sorted hashes whose adjacent pairs share exactly `prefix[i]` leading bytes
 * (the first difference of pair i, i+1 is at byte prefix[i]), so split keys
 * are cut at every byte position.
 */
function hashesWithPrefixes(random: Random, prefixes: readonly number[]): Uint8Array[] {
  // Bytes drawn from 0x20..0xdf, and each position is the first difference of one pair only, so a
  // bump of at most 0x20 never overflows and the values stay strictly ascending.
  const midRange = () => random.bytes(32).map((b) => 0x20 + (b % 0xc0));
  const out = [midRange()];
  for (const d of prefixes) {
    const previous = out[out.length - 1] as Uint8Array;
    const next = midRange();
    next.set(previous.subarray(0, d));
    next[d] = (previous[d] as number) + 1 + random.int(0x1f);
    out.push(next);
  }
  return out;
}

/** Queries around every adjacent pair and its split key, below and above everything, and near members. */
function richQueries(hashes: readonly Uint8Array[], random: Random, maxPairs = Infinity): Uint8Array[] {
  const [first, last] = [hashes[0] as Uint8Array, hashes[hashes.length - 1] as Uint8Array];
  const queries = [ZERO_HASH, MAX_HASH, first, last, addToHash(first, -1n), addToHash(last, 1n)];
  const pairs = Array.from({ length: hashes.length - 1 }, (_, i) => i + 1);
  for (const i of pairs.length > maxPairs ? random.shuffle(pairs).slice(0, maxPairs) : pairs) {
    const [lower, upper] = [hashes[i - 1] as Uint8Array, hashes[i] as Uint8Array];
    const split = splitKey(lower, upper);
    queries.push(lower, upper, addToHash(lower, 1n), addToHash(upper, -1n), split, addToHash(split, -1n), addToHash(split, 1n));
  }
  for (let k = 0; k < Math.min(hashes.length, 8); k++) {
    const member = random.pick(hashes);
    queries.push(flipByte(member, random.int(32), 1 + random.int(255)), random.hash());
  }
  return queries;
}

/** Asserts proveSample's answer for `q`: the reference route, the reference path, valid, and of the right kind. */
function checkQuery(s: ReturnType<typeof setup>, q: Uint8Array, label: string): "member" | "absent" {
  const route = refRoute(s.ref, toRefHex(q));
  expect(searchIndex(s.lookup, q), `${label}: searchIndex`).to.equal(route);
  const proof = proveSample(s.lookup, q);
  expect(proof.index, label).to.equal(route);
  expect(proof.leafCount).to.equal(s.n);
  expect(proof.path.map(h0x), `${label}: path`).to.deep.equal(refPath(s.ref, route));
  const isMember = s.hashes.some((h) => compareBytes(h, q) === 0);
  expect(proof.kind, label).to.equal(isMember ? "member" : "absent");
  if (proof.kind === "member") {
    expect(verifyMember(s.tree.root, s.n, q, proof.index, proof.path), label).to.equal(true);
    expect(refVerifyMember(s.ref.root, s.n, toRefHex(q), proof.index, proof.path.map(h0x))).to.equal(true);
  } else {
    expect(hex(proof.neighbor)).to.equal(hex(s.at(route)));
    expect(verifyAbsence(s.tree.root, s.n, q, proof), label).to.equal(true);
    expect(refVerifyAbsence(s.ref.root, s.n, toRefHex(q), proof.index, h0x(proof.neighbor), proof.path.map(h0x))).to.equal(true);
    // The neighbor is the predecessor, or the successor when q is at or above their split key.
    const successor = s.hashes.findIndex((h) => compareBytes(h, q) > 0);
    if (successor <= 0) expect(route, label).to.equal(successor === 0 ? 0 : s.n - 1);
    else {
      const atOrAbove = compareBytes(q, splitKey(s.at(successor - 1), s.at(successor))) >= 0;
      expect(route, label).to.equal(atOrAbove ? successor : successor - 1);
    }
  }
  return proof.kind;
}

describe("proveSample / searchIndex / verifyAbsence", () => {
  for (const n of [1, 2, 3, 4, 5, 8, 9, 17, 33, 100, 1000]) {
    it(`routes every query like the reference and proves it in or out, ${n} random leaves (seeded)`, () => {
      const random = new Random(`search-${n}`);
      const s = setup(random.sortedHashes(n));
      const kinds = { member: 0, absent: 0 };
      for (const [k, q] of richQueries(s.hashes, random, 60).entries()) kinds[checkQuery(s, q, `n ${n}, query ${k} ${hex(q)}`)]++;
      expect(kinds.member).to.be.greaterThan(0);
      expect(kinds.absent).to.be.greaterThan(0);
    });
  }

  it("cuts split keys at every byte position 0..31, and queries on each side of each, equal to each, land right", () => {
    const random = new Random("search-prefixes");
    const prefixes = random.shuffle(Array.from({ length: 32 }, (_, d) => d));
    const s = setup(hashesWithPrefixes(random, prefixes));
    for (let i = 1; i < s.n; i++) {
      const split = splitKey(s.at(i - 1), s.at(i));
      // The split key keeps prefix + 1 bytes of the upper hash, then zeros.
      expect(split.subarray((prefixes[i - 1] as number) + 1).every((b) => b === 0), `pair ${i}`).to.equal(true);
      expect(checkQuery(s, split, `split ${i}`)).to.equal(compareBytes(split, s.at(i)) === 0 ? "member" : "absent");
      expect(searchIndex(s.lookup, split), `split ${i} routes to the upper hash`).to.equal(i);
      const below = addToHash(split, -1n);
      if (compareBytes(below, s.at(i - 1)) > 0) {
        checkQuery(s, below, `split ${i} - 1`);
        expect(searchIndex(s.lookup, below), `split ${i} - 1 routes to the lower hash`).to.equal(i - 1);
      }
      checkQuery(s, addToHash(split, 1n), `split ${i} + 1`);
    }
    // The pair differing only in the last byte has the upper hash itself as its split key: a member.
    const last = prefixes.indexOf(31) + 1;
    expect(hex(splitKey(s.at(last - 1), s.at(last)))).to.equal(hex(s.at(last)));
  });

  it("proves absent a value one byte away from a member, for every byte position", () => {
    const random = new Random("search-one-byte");
    const s = setup(random.sortedHashes(64));
    for (const member of [s.at(0), s.at(31), s.at(63)]) {
      for (let b = 0; b < 32; b++) {
        for (const mask of [0x01, 0x80, 0xff]) expect(checkQuery(s, flipByte(member, b, mask), `byte ${b}`)).to.equal("absent");
      }
    }
  });

  it("lowerBound finds the first hash ≥ q", () => {
    const random = new Random("lower-bound");
    const s = setup(random.sortedHashes(50));
    expect(lowerBound(s.lookup, ZERO_HASH)).to.equal(0);
    expect(lowerBound(s.lookup, MAX_HASH)).to.equal(50);
    for (let i = 0; i < 50; i++) {
      expect(lowerBound(s.lookup, s.at(i))).to.equal(i);
      expect(lowerBound(s.lookup, addToHash(s.at(i), 1n))).to.equal(i + 1);
    }
  });

  it("works over any SortedLookup (here one that loads shard trees on demand)", () => {
    const random = new Random("search-sharded");
    const shard = 8;
    const hashes = random.sortedHashes(45);
    const s = setup(hashes);
    const counts = Array.from({ length: 6 }, (_, k) => Math.min(shard, 45 - k * shard));
    const shardHashes = (k: number) => hashes.slice(k * shard, k * shard + (counts[k] as number));
    const top = buildTreeFromSubtreeRoots(
      flatten(counts.map((_, k) => rootOfSubtree(flatten(shardHashes(k))))),
      counts,
      { firsts: flatten(counts.map((_, k) => shardHashes(k)[0]!)), lasts: flatten(counts.map((_, k) => shardHashes(k).at(-1)!)) },
    );
    const sharded: SortedLookup = {
      leafCount: 45,
      sampleHash: (i) => hashes[i] as Uint8Array,
      path: (i) => {
        const k = Math.floor(i / shard);
        const local = buildTree(flatten(shardHashes(k)));
        return collectPath(top.tree, k, proveMember(local, i - k * shard).path);
      },
    };
    for (const q of richQueries(hashes, random)) {
      const proof = proveSample(sharded, q);
      expect(proof.path.map(hex)).to.deep.equal(proveSample(s.lookup, q).path.map(hex));
    }
  });

  it("refuses a lookup that does not match its tree, and a query that is not a 32-byte hash", () => {
    const random = new Random("search-errors");
    const s = setup(random.sortedHashes(5));
    expect(() => createSortedLookup(s.flat.subarray(32), s.tree)).to.throw(RangeError, /holds 4 hashes but the tree has 5 leaves/);
    expect(() => proveSample(s.lookup, new Uint8Array(31))).to.throw(TypeError, /32-byte sample hash/);
    expect(() => proveSample(s.lookup, h0x(s.at(0)) as unknown as Uint8Array)).to.throw(TypeError, /32-byte sample hash/);
  });
});

describe("verifyAbsence rejects", () => {
  const random = new Random("absence-rejects");
  const s = setup(random.sortedHashes(13));
  // A query between members 6 and 7 on each side of their split key, one below all, one above all.
  const split = splitKey(s.at(6), s.at(7));
  const queries = [addToHash(s.at(6), 1n), split, ZERO_HASH, MAX_HASH];
  if (compareBytes(addToHash(split, -1n), s.at(6)) > 0) queries.push(addToHash(split, -1n));
  const proofs = queries.map((q) => {
    const proof = proveSample(s.lookup, q);
    if (proof.kind !== "absent") throw new Error("expected an absence proof");
    return { q, proof };
  });
  const valid = (q: Uint8Array, proof: Pick<AbsenceProof, "index" | "neighbor" | "path">, root = s.tree.root, n = s.n) =>
    verifyAbsence(root, n, q, proof);

  it("nothing valid by accident: each fixture proof verifies", () => {
    for (const { q, proof } of proofs) expect(valid(q, proof), hex(q)).to.equal(true);
  });

  it("a member 'proven' absent with any index and any neighbor's real path (exhaustive over positions)", () => {
    for (let member = 0; member < s.n; member++) {
      for (let j = 0; j < s.n; j++) {
        const proof = { index: j, neighbor: s.at(j), path: proveMember(s.tree, j).path };
        expect(valid(s.at(member), proof), `member ${member} via ${j}`).to.equal(false);
      }
    }
  });

  it("a neighbor equal to the query (the member's own membership proof reused)", () => {
    const proof = { index: 6, neighbor: s.at(6), path: proveMember(s.tree, 6).path };
    expect(valid(s.at(6), proof)).to.equal(false);
  });

  it("the query routed the wrong way: the other adjacent member, or any off-route member, as neighbor", () => {
    for (const { q, proof } of proofs) {
      for (let j = 0; j < s.n; j++) {
        if (j === proof.index) continue;
        const forged = { index: j, neighbor: s.at(j), path: proveMember(s.tree, j).path };
        expect(valid(q, forged), `${hex(q)} via ${j}`).to.equal(false);
      }
    }
  });

  it("the right neighbor at a wrong index, or a wrong neighbor at the right index", () => {
    for (const { q, proof } of proofs) {
      for (let j = 0; j < s.n; j++) if (j !== proof.index) expect(valid(q, { ...proof, index: j })).to.equal(false);
      for (let j = 0; j < s.n; j++) {
        if (j !== proof.index && compareBytes(s.at(j), q) !== 0) expect(valid(q, { ...proof, neighbor: s.at(j) })).to.equal(false);
      }
    }
  });

  it("any wrong leafCount or root", () => {
    for (const { q, proof } of proofs) {
      for (let wrong = 1; wrong <= 30; wrong++) if (wrong !== s.n) expect(valid(q, proof, s.tree.root, wrong), `count ${wrong}`).to.equal(false);
      expect(valid(q, proof, flipByte(s.tree.root, 0))).to.equal(false);
      expect(valid(q, proof, s.tree.top)).to.equal(false);
    }
  });

  it("a flipped bit in any byte of the neighbor or any path entry; a flipped query only where it routes elsewhere", () => {
    for (const { q, proof } of proofs) {
      for (let b = 0; b < 32; b++) {
        expect(valid(q, { ...proof, neighbor: flipByte(proof.neighbor, b) })).to.equal(false);
        for (let e = 0; e < proof.path.length; e++) {
          const path = proof.path.map((x, k) => (k === e ? flipByte(x, b) : x));
          expect(valid(q, { ...proof, path }), `entry ${e} byte ${b}`).to.equal(false);
        }
        // The proof shows where q is routed; another query routed to the same neighbor is absent the same way.
        const other = flipByte(q, b);
        const expected = refRoute(s.ref, toRefHex(other)) === proof.index && compareBytes(other, proof.neighbor) !== 0;
        expect(valid(other, proof), `query byte ${b}`).to.equal(expected);
      }
    }
  });

  it("a path with sibling and split swapped, too long, too short, or of odd length", () => {
    const zero = new Uint8Array(32);
    for (const { q, proof } of proofs) {
      const { path } = proof;
      for (let p = 0; p < path.length; p += 2) {
        const swapped = [...path];
        [swapped[p], swapped[p + 1]] = [path[p + 1]!, path[p]!];
        expect(valid(q, { ...proof, path: swapped })).to.equal(false);
      }
      for (const bad of [[...path, zero, zero], [...path, zero], path.slice(0, -2), path.slice(0, -1), path.slice(1), []]) {
        expect(valid(q, { ...proof, path: bad }), `length ${bad.length}`).to.equal(false);
      }
    }
  });

  it("malformed proofs and inputs, without throwing", () => {
    const { q, proof } = proofs[0]!;
    const bad: [string, () => boolean][] = [
      ["null proof", () => verifyAbsence(s.tree.root, s.n, q, null as unknown as AbsenceProof)],
      ["a string proof", () => verifyAbsence(s.tree.root, s.n, q, "proof" as unknown as AbsenceProof)],
      ["no neighbor", () => verifyAbsence(s.tree.root, s.n, q, { index: proof.index, path: proof.path } as unknown as AbsenceProof)],
      ["a 31-byte neighbor", () => valid(q, { ...proof, neighbor: proof.neighbor.subarray(1) })],
      ["a 31-byte query", () => valid(q.subarray(1), proof)],
      ["a hex query", () => valid(h0x(q) as unknown as Uint8Array, proof)],
      ["a 33-byte root", () => verifyAbsence(new Uint8Array(33), s.n, q, proof)],
      ["index -1", () => valid(q, { ...proof, index: -1 })],
      ["index n", () => valid(q, { ...proof, index: s.n })],
      ["index 0.5", () => valid(q, { ...proof, index: 0.5 })],
      ["leafCount 0", () => valid(q, proof, s.tree.root, 0)],
      ["leafCount NaN", () => valid(q, proof, s.tree.root, Number.NaN)],
      ["a path that is not an array", () => valid(q, { ...proof, path: undefined as unknown as Uint8Array[] })],
      ["a short path entry", () => valid(q, { ...proof, path: [new Uint8Array(8), ...proof.path.slice(1)] })],
    ];
    for (const [what, call] of bad) {
      let result: boolean | undefined;
      expect(() => (result = call()), what).to.not.throw();
      expect(result, what).to.equal(false);
    }
  });

  it("processPath routes the query, not the value: the neighbor's walk with q fails where q goes elsewhere", () => {
    const { q, proof } = proofs[0]!;
    expect(processPath(proof.neighbor, q, proof.index, s.n, proof.path)).to.not.equal(null);
    const other = proof.index === 6 ? 7 : 6;
    expect(processPath(s.at(other), q, other, s.n, proveMember(s.tree, other).path)).to.equal(null);
  });
});

describe("sortHashes helper", () => {
  it("sorts and removes duplicates", () => {
    const a = addToHash(ZERO_HASH, 1n);
    const b = addToHash(ZERO_HASH, 2n);
    expect(sortHashes([b, a, b]).map(hex)).to.deep.equal([hex(a), hex(b)]);
  });
});
