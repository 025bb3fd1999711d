/**
 * The soundness property of scheme v2 (docs/merkle-scheme.md, "Soundness"):
 * for ANY tree a registrant commits to — arbitrary level-0 values (holes:
 * values nobody knows a preimage of; disorder; duplicates), arbitrary split
 * keys chosen per node, even a count that does not match — no query q has
 * both a valid membership proof and a valid absence proof. And when the
 * prover knows the tree, exactly one of the two exists for every q: the one
 * at the position the split keys route q to.
 *
 * The trees are built by the plain reference builder (reference-tree.ts:
 * explicit level-0 values, explicit split key per node, ethers' keccak256);
 * the proofs are every index's real path; the verifiers under test are
 * src/merkle's verifyMember / verifyAbsence. For each tree and query, every
 * membership proof (index i, q, path of i) and every absence proof (index j,
 * the value at j, path of j) is tried: n + n verifications cover the n × n
 * (i, j) pairs the property speaks about.
 *
 * The exhaustive part covers every size 1..12; the fuzzed part larger,
 * messier trees. Seeds come from the run seed (printed; FUZZ_SEED reproduces).
 */
import { expect } from "chai";

import { verifyAbsence, verifyMember } from "../../src/merkle/proof.js";
import { MAX_HASH, RUN_SEED, Random, ZERO_HASH, addToHash, hex } from "./helpers.js";
import { buildRefTree, refPath, refRoute, refSplitKey, toRefHex, type Hex, type RefTree, type SplitChooser } from "./reference-tree.js";

const fromHex = (h: Hex) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));

/** A registrant's commitment with every position's real path, ready to verify. */
interface Commitment {
  readonly label: string;
  readonly ref: RefTree;
  readonly values: Uint8Array[];
  readonly paths: Uint8Array[][];
  readonly root: Uint8Array;
  /** The count committed in the root (= values.length unless the registrant lied). */
  readonly leafCount: number;
}

function commit(label: string, values: readonly Uint8Array[], splits: SplitChooser, leafCount = values.length): Commitment {
  const ref = buildRefTree(values, splits, leafCount);
  return {
    label,
    ref,
    values: values.map((v) => new Uint8Array(v)),
    paths: values.map((_, i) => refPath(ref, i).map(fromHex)),
    root: fromHex(ref.root),
    leafCount,
  };
}

/** Running totals of the campaign, printed at the end. */
const stats = { trees: 0, queries: 0, memberChecks: 0, absenceChecks: 0, pairs: 0, members: 0, absents: 0 };

/**
 * The candidate queries of a tree: every level-0 value, every split key and
 * split ± 1 (last byte, with carry), 0x00…, 0xff…, a few random values.
 */
function candidateQueries(c: Commitment, random: Random, extra: readonly Uint8Array[] = []): Uint8Array[] {
  const queries = new Map<string, Uint8Array>();
  const add = (q: Uint8Array) => queries.set(hex(q), q);
  c.values.forEach(add);
  for (const level of c.ref.levels) {
    for (const node of level) {
      if (node.split === null) continue;
      const split = fromHex(node.split);
      add(split);
      add(addToHash(split, 1n));
      add(addToHash(split, -1n));
    }
  }
  add(ZERO_HASH);
  add(MAX_HASH);
  add(random.hash());
  add(random.hash());
  extra.forEach(add);
  return [...queries.values()];
}

/**
 * Tries every membership proof (i, real path of i) and every absence proof
 * (j, value at j, real path of j) for `q`; returns the valid ones.
 */
function validProofs(c: Commitment, q: Uint8Array): { members: number[]; absents: number[] } {
  const members: number[] = [];
  const absents: number[] = [];
  const n = c.values.length;
  for (let i = 0; i < n; i++) if (verifyMember(c.root, c.leafCount, q, i, c.paths[i]!)) members.push(i);
  for (let j = 0; j < n; j++) {
    if (verifyAbsence(c.root, c.leafCount, q, { index: j, neighbor: c.values[j]!, path: c.paths[j]! })) absents.push(j);
  }
  stats.queries++;
  stats.memberChecks += n;
  stats.absenceChecks += n;
  stats.pairs += n * n;
  return { members, absents };
}

/**
 * Asserts no query has both proofs; with `dichotomy`, also that exactly one
 * proof is valid, at the position the split keys route q to.
 */
function checkCommitment(c: Commitment, queries: readonly Uint8Array[], dichotomy: boolean): void {
  stats.trees++;
  for (const q of queries) {
    const { members, absents } = validProofs(c, q);
    stats.members += members.length;
    stats.absents += absents.length;
    if (members.length > 0 && absents.length > 0) {
      throw new Error(
        `${c.label}: q = ${hex(q)} is a member at ${members} AND absent via ${absents} ` +
          `(values ${c.ref.values.join(",")}; seed ${RUN_SEED})`,
      );
    }
    if (!dichotomy) continue;
    const route = refRoute(c.ref, toRefHex(q));
    const isMember = hex(c.values[route]!) === hex(q);
    const expected = isMember ? { members: [route], absents: [] } : { members: [], absents: [route] };
    if (members.join() !== expected.members.join() || absents.join() !== expected.absents.join()) {
      throw new Error(
        `${c.label}: q = ${hex(q)} routes to ${route} (${isMember ? "member" : "absent"}) but valid proofs are ` +
          `members ${JSON.stringify(members)}, absents ${JSON.stringify(absents)} (seed ${RUN_SEED})`,
      );
    }
  }
}

/** Split-key strategies of a registrant (each a chooser over the node's level-0 range). */
function strategies(random: Random, original: readonly Uint8Array[]): Record<string, SplitChooser> {
  const originalHex = original.map((v) => toRefHex(v));
  return {
    // What buildTree would compute over the committed order (holes and disorder included).
    derived: ({ honest }) => honest,
    // Honest split keys of the sorted set the registrant pretends to have committed.
    "as if sorted": ({ rightFirst, honest }) =>
      rightFirst < originalHex.length ? refSplitKey(originalHex[rightFirst - 1]!, originalHex[rightFirst]!) : honest,
    random: () => toRefHex(random.hash()),
    // Split keys equal to (or one off) a value under the node: routes on the edge of equality.
    "on values": ({ values, leftFirst, rightLast }) => {
      const v = fromHex(values[random.between(leftFirst, rightLast)]!);
      return toRefHex(addToHash(v, BigInt(random.int(3) - 1)));
    },
    extremes: ({ honest }) => random.pick(["0x" + "00".repeat(32), "0x" + "ff".repeat(32), honest]),
  };
}

describe(`soundness: no query both in and out, whatever the registrant built (seed ${RUN_SEED})`, function () {
  this.timeout(300_000);

  after(() => {
    console.log(
      `      campaign: ${stats.trees} trees, ${stats.queries} (tree, query) cases, ` +
        `${stats.memberChecks} membership + ${stats.absenceChecks} absence verifications = ` +
        `${stats.pairs} (tree, query, i, j) checks; valid proofs seen: ${stats.members} memberships, ${stats.absents} absences`,
    );
  });

  describe("exhaustive over small trees", () => {
    for (let n = 1; n <= 12; n++) {
      it(`n = ${n}: honest; a hole at every position × 5 split strategies (two holes at every pair of positions up to n = 8); disorder, duplicates, wrong counts`, () => {
        const random = new Random(`soundness-exhaustive-${n}`);
        const sorted = random.sortedHashes(n);
        const s = strategies(random, sorted);
        const trees: { c: Commitment; dichotomy: boolean }[] = [];
        const add = (label: string, values: readonly Uint8Array[], chooser: SplitChooser, leafCount?: number) =>
          trees.push({ c: commit(`n ${n}, ${label}`, values, chooser, leafCount), dichotomy: leafCount === undefined });

        add("honest", sorted, s.derived!);
        for (let hole = 0; hole < n; hole++) {
          const withHole = sorted.map((v, i) => (i === hole ? random.hash() : v));
          for (const [name, chooser] of Object.entries(s)) add(`hole at ${hole}, ${name} splits`, withHole, chooser);
        }
        for (let h1 = 0; n <= 8 && h1 < n; h1++) {
          for (let h2 = h1 + 1; h2 < n; h2++) {
            const twoHoles = sorted.map((v, i) => (i === h1 || i === h2 ? random.hash() : v));
            add(`holes at ${h1} and ${h2}, derived splits`, twoHoles, s.derived!);
            add(`holes at ${h1} and ${h2}, as-if-sorted splits`, twoHoles, s["as if sorted"]!);
          }
        }
        const every = sorted.map(() => random.hash());
        add("every value a hole, derived splits", every, s.derived!);
        add("every value a hole, random splits", every, s.random!);
        if (n > 1) {
          const swapAt = random.int(n - 1);
          const swapped = sorted.map((v, i) => (i === swapAt ? sorted[i + 1]! : i === swapAt + 1 ? sorted[swapAt]! : v));
          const reversed = [...sorted].reverse();
          const shuffled = random.shuffle(sorted);
          const dupAt = random.int(n - 1);
          const adjacentDuplicate = sorted.map((v, i) => (i === dupAt + 1 ? sorted[dupAt]! : v));
          const farDuplicate = sorted.map((v, i) => (i === n - 1 ? sorted[0]! : v));
          const allEqual = sorted.map(() => sorted[0]!);
          for (const [label, values] of Object.entries({ swapped, reversed, shuffled, adjacentDuplicate, farDuplicate, allEqual })) {
            add(`${label}, derived splits`, values, s.derived!);
            add(`${label}, as-if-sorted splits`, values, s["as if sorted"]!);
            add(`${label}, random splits`, values, s["on values"]!);
          }
        }
        // A count that does not match the values: proofs are read with the committed count's shape.
        for (const wrong of [n - 1, n + 1, 2 * n + 1]) if (wrong >= 1) add(`honest values, count ${wrong}`, sorted, s.derived!, wrong);
        add(`hole at 0, count ${n + 1}`, sorted.map((v, i) => (i === 0 ? random.hash() : v)), s["on values"]!, n + 1);

        for (const { c, dichotomy } of trees) checkCommitment(c, candidateQueries(c, random, sorted), dichotomy);
        expect(trees.length).to.be.at.least(5 * n + 3);
      });
    }

    it("n = 2..4: a hole at every position × EVERY assignment of split keys drawn from the values, 0x00…, 0xff… and the derived key", () => {
      const random = new Random("soundness-all-splits");
      for (let n = 2; n <= 4; n++) {
        const sorted = random.sortedHashes(n);
        for (let hole = 0; hole < n; hole++) {
          const values = sorted.map((v, i) => (i === hole ? random.hash() : v));
          const options: (Hex | null)[] = [...values.map((v) => toRefHex(v)), "0x" + "00".repeat(32), "0x" + "ff".repeat(32), null];
          const nodes = n - 1; // hashed nodes, in build order
          for (let code = 0; code < options.length ** nodes; code++) {
            // Node k (in build order) takes option digit k of `code`; null = the derived key.
            let next = 0;
            const chooser: SplitChooser = ({ honest }) => options[Math.floor(code / options.length ** next++) % options.length] ?? honest;
            const c = commit(`n ${n}, hole at ${hole}, split choice ${code}`, values, chooser);
            checkCommitment(c, candidateQueries(c, random, sorted), true);
          }
        }
      }
    });
  });

  describe("fuzzed campaign on larger trees", () => {
    it("13..100 values with random holes, disorder, duplicates and per-node split strategies", () => {
      const random = new Random("soundness-fuzz");
      const before = stats.pairs;
      let trees = 0;
      // Bounded by work, not time: about 6·10^6 (tree, query, i, j) checks.
      while (stats.pairs - before < 6_000_000) {
        const n = random.between(13, 100);
        const sorted = random.sortedHashes(n);
        const values = sorted.map((v) => (random.chance(0.15) ? random.hash() : v));
        for (let k = random.int(4); k > 0; k--) {
          const [a, b] = [random.int(n), random.int(n)];
          [values[a], values[b]] = [values[b]!, values[a]!];
        }
        for (let k = random.int(3); k > 0; k--) values[random.int(n)] = values[random.int(n)]!;
        const s = strategies(random, sorted);
        const names = Object.keys(s);
        const mix = random.chance(0.3) ? 0.9 : random.chance(0.5) ? 0.5 : 0.1; // share of nodes keeping the derived split
        const chooser: SplitChooser = (node) => (random.chance(mix) ? s.derived!(node) : s[random.pick(names)]!(node));
        const lie = random.chance(0.1);
        const c = commit(`fuzz tree ${trees} (n ${n})`, values, chooser, lie ? random.between(1, 2 * n) : undefined);
        const queries = candidateQueries(c, random, sorted.slice(0, 8));
        checkCommitment(c, random.shuffle(queries).slice(0, 48), !lie);
        trees++;
      }
      expect(trees).to.be.greaterThan(10);
    });
  });

  describe("the v1 hole attack, rebuilt on v2: level 0 = [a, c, HOLE, b, d] with a < b < c < d", () => {
    const random = new Random("hole-attack");
    // The hole's value is the registrant's choice; here it sorts between c and d (any value works for the property).
    const [a, b, c, hole, d] = random.sortedHashes(5) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const values = [a, c, hole, b, d];
    const [ah, bh, ch, dh, holeh] = [a, b, c, d, hole].map((v) => toRefHex(v)) as [Hex, Hex, Hex, Hex, Hex];
    /** Split keys by the parent node: (level 1, 0) over [a | c], (1, 1) over [HOLE | b], (2, 0) over [a c | HOLE b], (3, 0) over [a c HOLE b | d]. */
    const explicit = (keys: Record<string, Hex>): SplitChooser => ({ level, index, honest }) => keys[`${level},${index}`] ?? honest;
    const proofsOfB = (cm: Commitment) => validProofs(cm, b);

    it("the registrant can place b at index 3 (its right): b is then a member, and no absence proof of b exists", () => {
      // Route b to index 3: left at the top (b < d), right at level 2 (b >= b), right at level 1 (b >= b).
      const cm = commit("hole attack, b routed to 3", values, explicit({ "3,0": dh, "2,0": bh, "1,1": bh }));
      expect(verifyMember(cm.root, 5, b, 3, cm.paths[3]!)).to.equal(true);
      expect(proofsOfB(cm)).to.deep.equal({ members: [3], absents: [] });
      // c now routes to index 3 as well: it sits at index 1 off its route, so it is provably absent, not a member.
      expect(validProofs(cm, c)).to.deep.equal({ members: [], absents: [3] });
      checkCommitment(cm, candidateQueries(cm, random, [a, b, c, d]), true);
    });

    it("with split keys derived from the committed order, b is provably absent and cannot be proven a member at index 3", () => {
      const cm = commit("hole attack, derived splits", values, ({ honest }) => honest);
      const { members, absents } = proofsOfB(cm);
      expect(members).to.deep.equal([]);
      expect(absents).to.have.length(1);
      expect(verifyMember(cm.root, 5, b, 3, cm.paths[3]!)).to.equal(false);
      checkCommitment(cm, candidateQueries(cm, random, [a, b, c, d]), true);
    });

    it("over all 6^4 choices of the four split keys: b is a member in some trees, absent in the others, both in none", () => {
      const options = [ah, bh, ch, dh, holeh, "0x" + "ff".repeat(32)];
      let member = 0;
      let absent = 0;
      for (const k3 of options) {
        for (const k2 of options) {
          for (const k1a of options) {
            for (const k1b of options) {
              const cm = commit(`hole attack ${[k3, k2, k1a, k1b].map((k) => k.slice(0, 6))}`, values, explicit({ "3,0": k3, "2,0": k2, "1,0": k1a, "1,1": k1b }));
              const { members, absents } = proofsOfB(cm);
              stats.trees++;
              if (members.length + absents.length !== 1) {
                throw new Error(`${cm.label}: b has ${members.length} membership and ${absents.length} absence proofs`);
              }
              if (members.length === 1) member++;
              else absent++;
            }
          }
        }
      }
      expect(member + absent).to.equal(6 ** 4);
      expect(member).to.be.greaterThan(0);
      expect(absent).to.be.greaterThan(0);
    });
  });
});
