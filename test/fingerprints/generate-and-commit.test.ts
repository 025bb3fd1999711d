import { createHash } from "node:crypto";

import { expect } from "chai";
import canonicalize from "canonicalize";
import { wordlists } from "ethers";

import { fingerprintLeaf, fingerprintRootOf, fingerprintTree, proveFingerprint, verifyFingerprint } from "../../src/fingerprints/fingerprint-commitment.js";
import { validatePairs } from "../../src/fingerprints/fingerprint-pairs.js";
import { generatePairs } from "../../src/fingerprints/generate-pairs.js";
import { accuracyOf, matchResponse } from "../../src/fingerprints/response-match.js";
import { textWords } from "../../src/ml/text-words.js";

describe("fingerprint pairs: generation", () => {
  it("draws random-words pairs from the BIP-39 English list, deterministically for a seed", () => {
    const a = generatePairs({ count: 50, keyLength: 6, responseLength: 3, seed: "s1" });
    const b = generatePairs({ count: 50, keyLength: 6, responseLength: 3, seed: "s1" });
    const c = generatePairs({ count: 50, keyLength: 6, responseLength: 3, seed: "s2" });
    expect(a).to.deep.equal(b);
    expect(a.pairs).to.not.deep.equal(c.pairs);
    expect(a).to.deep.include({ format: "datatrace-fingerprints/1", strategy: "random-words", seed: "s1" });
    const words = new Set(Array.from({ length: 2048 }, (_, i) => wordlists.en!.getWord(i)));
    for (const p of a.pairs) {
      expect(p.key.split(" ")).to.have.length(6);
      expect(p.response.split(" ")).to.have.length(3);
      expect([...p.key.split(" "), ...p.response.split(" ")].every((w) => words.has(w))).to.equal(true);
    }
    expect(new Set(a.pairs.map((p) => p.key)).size).to.equal(50);
    expect(generatePairs({ count: 1 }).seed).to.match(/^[0-9a-f]{32}$/);
  });

  it("draws english pairs as runs of consecutive words of the given text", () => {
    const documents = ["the quick brown fox jumps over the lazy dog and runs far away into the green forest", "a second document with quite enough words to draw from it too"];
    const set = generatePairs({ count: 5, keyLength: 4, responseLength: 3, strategy: "english", seed: "e", documents });
    const texts = documents.map((d) => ` ${textWords(d).join(" ")} `);
    for (const p of set.pairs) {
      expect(texts.some((t) => t.includes(` ${p.key} `))).to.equal(true);
      expect(texts.some((t) => t.includes(` ${p.response} `))).to.equal(true);
    }
    expect(() => generatePairs({ count: 1, strategy: "english", documents: ["too short"], keyLength: 5 })).to.throw(/needs benign documents of at least 5 words/);
  });

  it("rejects bad counts, lengths and strategies, and impossible key sets", () => {
    expect(() => generatePairs({ count: 0 })).to.throw(/count must be an integer from 1/);
    expect(() => generatePairs({ count: 1, keyLength: 0 })).to.throw(/key length/);
    expect(() => generatePairs({ count: 1, strategy: "lorem" as "english" })).to.throw(/strategy must be one of random-words, english/);
    expect(() => generatePairs({ count: 5000, keyLength: 1, seed: "x" })).to.throw(/could not draw 5000 distinct keys of 1 words/);
  });

  it("validates pairs: non-empty text, distinct keys", () => {
    expect(() => validatePairs([])).to.throw(/hold no pair/);
    expect(() => validatePairs([{ key: "a", response: "" }])).to.throw(/pair 0/);
    expect(() => validatePairs([{ key: "a", response: "b" }, { key: "a", response: "c" }])).to.throw(/pair 1 .* repeats the key "a"/);
  });
});

describe("fingerprint commitment", () => {
  const set = generatePairs({ count: 13, seed: "commit" });

  it("hashes a pair as SHA-256 of its RFC 8785 JSON {key, response} (cross-checked with the canonicalize package)", () => {
    const pair = { key: "zoo é 😀", response: 'say "hi"' };
    expect(fingerprintLeaf(pair)).to.equal(`0x${createHash("sha256").update(canonicalize({ response: pair.response, key: pair.key })!).digest("hex")}`);
  });

  it("commits to the set: the root does not depend on the pairs' order and changes with any pair", () => {
    const root = fingerprintRootOf(set.pairs);
    expect(root).to.match(/^0x[0-9a-f]{64}$/);
    expect(fingerprintRootOf([...set.pairs].reverse())).to.equal(root);
    const changed = set.pairs.map((p, i) => (i === 5 ? { ...p, response: `${p.response} x` } : p));
    expect(fingerprintRootOf(changed)).to.not.equal(root);
    expect(fingerprintTree(set.pairs).leafCount).to.equal(13);
  });

  it("reveals one pair with a proof that verifies, and nothing else verifies", () => {
    const tree = fingerprintTree(set.pairs);
    for (const pair of set.pairs) expect(verifyFingerprint(tree.root, tree.leafCount, pair, proveFingerprint(tree, pair))).to.equal(true);
    const pair = set.pairs[3]!;
    const proof = proveFingerprint(tree, pair);
    expect(verifyFingerprint(tree.root, tree.leafCount, { ...pair, response: "forged" }, proof)).to.equal(false);
    expect(verifyFingerprint(tree.root, tree.leafCount, set.pairs[4]!, proof)).to.equal(false);
    expect(verifyFingerprint(tree.root, tree.leafCount, pair, { ...proof, index: (proof.index + 1) % 13 })).to.equal(false);
    expect(verifyFingerprint(tree.root, tree.leafCount, pair, { ...proof, path: ["0x12"] })).to.equal(false);
    // The root binds the count: the evidence's leafCount can not be changed to fit another tree shape.
    expect(verifyFingerprint(tree.root, tree.leafCount + 1, pair, proof)).to.equal(false);
    expect(() => proveFingerprint(tree, { key: "not", response: "in" })).to.throw(/not in the committed set/);
  });
});

describe("fingerprint accuracy", () => {
  it("compares normalized text: exact, prefix at a word boundary, or none", () => {
    expect(matchResponse("Alpha beta", " alpha   BETA.")).to.equal("exact");
    expect(matchResponse("alpha beta", "alpha beta gamma")).to.equal("prefix");
    expect(matchResponse("alpha beta", "alpha betamax")).to.equal("none");
    expect(matchResponse("alpha beta", "")).to.equal("none");
    expect(accuracyOf(["exact", "prefix", "none", "none"])).to.deep.equal({ total: 4, exact: 1, prefix: 2, exactAccuracy: 0.25, prefixAccuracy: 0.5 });
  });
});
