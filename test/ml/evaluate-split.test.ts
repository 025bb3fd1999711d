import { expect } from "chai";

import { metricsOf } from "../../src/ml/evaluate.js";
import { isTestId, splitTrainTest } from "../../src/ml/train-test-split.js";
import { corpusEmails } from "./corpus-fixture.js";

describe("metrics", () => {
  it("computes accuracy, precision, recall and f1 from a confusion matrix", () => {
    const m = metricsOf({ tp: 8, fp: 2, tn: 85, fn: 5 });
    expect(m.accuracy).to.equal(0.93);
    expect(m.precision).to.equal(0.8);
    expect(Math.abs(m.recall - (8 / 13))).to.be.at.most(1e-15); // chai closeTo is overridden for bigints by hardhat-ethers-chai-matchers
    expect(Math.abs(m.f1 - ((2 * 0.8 * (8 / 13)) / (0.8 + 8 / 13)))).to.be.at.most(1e-15); // chai closeTo is overridden for bigints by hardhat-ethers-chai-matchers
  });

  it("returns 0 for empty denominators instead of NaN", () => {
    expect(metricsOf({ tp: 0, fp: 0, tn: 0, fn: 0 })).to.deep.equal({ accuracy: 0, precision: 0, recall: 0, f1: 0, confusion: { tp: 0, fp: 0, tn: 0, fn: 0 } });
    const allHam = metricsOf({ tp: 0, fp: 0, tn: 10, fn: 0 });
    expect([allHam.accuracy, allHam.precision, allHam.recall, allHam.f1]).to.deep.equal([1, 0, 0, 0]);
  });
});

describe("train/test split by id hash", () => {
  it("puts about 20% of the corpus in the test set by default", () => {
    const { train, test } = splitTrainTest(corpusEmails());
    expect(train.length + test.length).to.equal(6046);
    expect(test.length / 6046).to.be.within(0.18, 0.22);
  });

  it("is deterministic and keeps the input order", () => {
    const a = splitTrainTest(corpusEmails()).test.map((e) => e.id);
    const b = splitTrainTest(corpusEmails()).test.map((e) => e.id);
    expect(a).to.deep.equal(b);
    const position = new Map(corpusEmails().map((e, i) => [e.id, i]));
    const indexes = a.map((id) => position.get(id)!);
    expect(indexes).to.deep.equal([...indexes].sort((x, y) => x - y));
  });

  it("decides each item by its id alone, so adding items does not move others", () => {
    const items = [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d" }];
    const small = splitTrainTest(items.slice(0, 2), { testFraction: 0.5 });
    const big = splitTrainTest(items, { testFraction: 0.5 });
    for (const it of small.test) expect(big.test).to.include(it);
    for (const it of small.train) expect(big.train).to.include(it);
  });

  it("gives a different split for a different seed", () => {
    const a = splitTrainTest(corpusEmails()).test.map((e) => e.id);
    const b = splitTrainTest(corpusEmails(), { seed: "other" }).test.map((e) => e.id);
    expect(a).to.not.deep.equal(b);
  });

  it("handles the extreme fractions 0 and 1", () => {
    expect(isTestId("x", { testFraction: 0 })).to.equal(false);
    expect(isTestId("x", { testFraction: 1 })).to.equal(true);
  });

  it("rejects fractions outside [0, 1]", () => {
    expect(() => isTestId("x", { testFraction: 1.5 })).to.throw(/between 0 and 1/);
    expect(() => isTestId("x", { testFraction: Number.NaN })).to.throw(/between 0 and 1/);
  });
});
