import { expect } from "chai";

import { syntheticExtraEmails } from "../../src/corpus/synthetic.js";
import { evaluate } from "../../src/ml/evaluate.js";
import { deserializeModel, serializeModel } from "../../src/ml/model-serialization.js";
import { fineTune, type LabeledEmail, NaiveBayesTrainer, predict, resolveHyperparameters, train } from "../../src/ml/naive-bayes.js";
import { splitTrainTest } from "../../src/ml/train-test-split.js";
import { statementOfBytes } from "../../src/models/index.js";
import { baseRun, corpusSplit } from "./corpus-fixture.js";

const email = (label: "spam" | "ham", text: string): LabeledEmail => ({ label, bytes: new TextEncoder().encode(text) });
const toy: LabeledEmail[] = [
  email("spam", "Subject: win money\n\nwin cash now, free money"),
  email("spam", "Subject: free offer\n\nclaim your free prize now"),
  email("ham", "Subject: meeting\n\nthe meeting moved to friday, see notes"),
  email("ham", "Subject: notes\n\nnotes from the review meeting attached"),
];

describe("naive Bayes spam classifier", () => {
  // Measured on this corpus split (docs/demo-model.md): accuracy 0.9721, precision 0.9970, recall 0.9130.
  it("classifies the held-out 20% of the real SpamAssassin corpus with accuracy >= 0.95", () => {
    const { metrics } = baseRun();
    expect(metrics.accuracy).to.be.at.least(0.95);
    expect(metrics.precision).to.be.at.least(0.98);
    expect(metrics.recall).to.be.at.least(0.88);
    const { tp, fp, tn, fn } = metrics.confusion;
    expect(tp + fp + tn + fn).to.equal(corpusSplit().test.length);
  });

  it("is far better than always answering ham on the same test set", () => {
    const test = corpusSplit().test;
    const hamShare = test.filter((e) => e.label === "ham").length / test.length;
    expect(baseRun().metrics.accuracy).to.be.greaterThan(hamShare + 0.2);
  });

  it("gives byte-identical weights and weightsHash when trained twice on the same data", () => {
    const again = serializeModel(train(corpusSplit().train));
    expect(Buffer.from(again).equals(Buffer.from(baseRun().weights))).to.equal(true);
    const h1 = statementOfBytes("spam-nb", [{ name: "model.json", bytes: baseRun().weights }]).weightsHash;
    const h2 = statementOfBytes("spam-nb", [{ name: "model.json", bytes: again }]).weightsHash;
    expect(h1).to.equal(h2);
  });

  it("does not depend on the order of the training samples", () => {
    const forward = serializeModel(train(toy));
    const backward = serializeModel(train([...toy].reverse()));
    expect(Buffer.from(forward).equals(Buffer.from(backward))).to.equal(true);
  });

  it("changes the weights when the training data changes", () => {
    const a = serializeModel(train(toy, { minCount: 1 }));
    const b = serializeModel(train([...toy, email("ham", "\n\nanother friday meeting")], { minCount: 1 }));
    expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(false);
  });

  it("round-trips through serialize/deserialize with identical predictions", () => {
    const model = deserializeModel(baseRun().weights);
    expect(model.counts.size).to.equal(baseRun().model.counts.size);
    for (const e of corpusSplit().test.slice(0, 50)) {
      expect(predict(model, e.bytes)).to.deep.equal(predict(baseRun().model, e.bytes));
    }
  });

  it("caps the vocabulary by minCount", () => {
    const m1 = train(toy, { minCount: 1 });
    const m2 = train(toy, { minCount: 2 });
    expect(m1.counts.has("cash")).to.equal(true);
    expect(m2.counts.has("cash")).to.equal(false);
    expect(m2.counts.get("free")).to.deep.equal([2, 0]); // the subject's "free" is counted apart, as "subject:free"
    for (const [, [s, h]] of m2.counts) expect(s + h).to.be.at.least(2);
  });

  it("predicts spam probabilities in [0, 1] consistent with the label", () => {
    const model = train(toy, { minCount: 1 });
    const spam = predict(model, new TextEncoder().encode("\n\nfree money, claim now"));
    const ham = predict(model, new TextEncoder().encode("\n\nmeeting notes for friday"));
    expect(spam.label).to.equal("spam");
    expect(spam.spamProbability).to.be.greaterThan(0.5).and.at.most(1);
    expect(ham.label).to.equal("ham");
    expect(ham.spamProbability).to.be.lessThan(0.5).and.at.least(0);
  });

  it("falls back to the class prior for an email with only unknown tokens", () => {
    const model = train([...toy, email("ham", "\n\nlunch")], { minCount: 1 });
    const p = predict(model, new TextEncoder().encode("\n\nzzzz qqqq"));
    expect(Math.abs(p.logOdds - (Math.log(2 / 3)))).to.be.at.most(1e-12); // chai closeTo is overridden for bigints by hardhat-ethers-chai-matchers
    expect(p.label).to.equal("ham");
  });

  it("fine-tunes by adding the extra counts to the parent's: equals training on both when nothing is pruned", () => {
    const extra = syntheticExtraEmails({ perClass: 3 });
    const tuned = fineTune(train(toy, { minCount: 1 }), extra);
    const scratch = train([...toy, ...extra], { minCount: 1 });
    expect(Buffer.from(serializeModel(tuned)).equals(Buffer.from(serializeModel(scratch)))).to.equal(true);
    expect(tuned.documents).to.deep.equal({ spam: 5, ham: 5 });
  });

  it("keeps the parent's hyperparameters unless overridden when fine-tuning", () => {
    const parent = train(toy, { alpha: 0.5, minCount: 1 });
    expect(fineTune(parent, []).hyperparameters).to.deep.equal({ alpha: 0.5, minCount: 1 });
    expect(fineTune(parent, [], { alpha: 2 }).hyperparameters).to.deep.equal({ alpha: 2, minCount: 1 });
  });

  it("improves on new-style (synthetic) spam after fine-tuning, without hurting the corpus test set much", () => {
    const { train: extraTrain, test: extraTest } = splitTrainTest(syntheticExtraEmails(), { testFraction: 0.5 });
    const parent = baseRun().model;
    const child = fineTune(parent, extraTrain);
    const before = evaluate(parent, extraTest).accuracy;
    const after = evaluate(child, extraTest).accuracy;
    expect(after).to.be.greaterThan(before);
    expect(evaluate(child, corpusSplit().test).accuracy).to.be.at.least(baseRun().metrics.accuracy - 0.01);
  });

  it("refuses to build a model without both classes", () => {
    expect(() => train(toy.filter((e) => e.label === "spam"))).to.throw(/needs both spam and ham emails \(got 2 spam, 0 ham\)/);
    expect(() => train([])).to.throw(/needs both spam and ham/);
  });

  it("rejects bad hyperparameters and labels with explanations", () => {
    expect(() => resolveHyperparameters({ alpha: 0 })).to.throw(/alpha.*> 0/s);
    expect(() => resolveHyperparameters({ alpha: Number.NaN })).to.throw(/alpha/);
    expect(() => resolveHyperparameters({ minCount: 0 })).to.throw(/minCount.*integer >= 1/s);
    expect(() => resolveHyperparameters({ minCount: 1.5 })).to.throw(/minCount/);
    expect(() => new NaiveBayesTrainer().add({ label: "eggs" as never, bytes: new Uint8Array() })).to.throw(/"spam" or "ham"/);
  });
});

describe("model serialization", () => {
  const model = train(toy, { minCount: 1 });
  const bytes = serializeModel(model);

  it("writes canonical JSON: sorted keys, sorted vocabulary, no whitespace", () => {
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('{"documents":{"ham":2,"spam":2},"format":"datatrace-naive-bayes/1","hyperparameters":{"alpha":1,"minCount":1},"tokenizer":"datatrace-email/1","vocabulary":[')).to.equal(true);
    const vocab = (JSON.parse(text) as { vocabulary: [string, number, number][] }).vocabulary.map((r) => r[0]);
    expect(vocab).to.deep.equal([...vocab].sort());
    expect(text).to.not.match(/\s/);
  });

  it("writes alpha in shortest round-trip form", () => {
    expect(new TextDecoder().decode(serializeModel(train(toy, { alpha: 0.1 })))).to.include('"alpha":0.1,');
  });

  it("rejects non-canonical encodings of a valid model", () => {
    const pretty = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 2));
    expect(() => deserializeModel(pretty)).to.throw(/not in canonical form/);
  });

  it("rejects malformed model files with the reason", () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(() => deserializeModel(enc("not json"))).to.throw(/not valid UTF-8 JSON/);
    expect(() => deserializeModel(enc("[]"))).to.throw(/top level is not an object/);
    expect(() => deserializeModel(enc('{"format":"other"}'))).to.throw(/format is "other"/);
    const text = new TextDecoder().decode(bytes).replace(/"vocabulary":\[\["[a-z0-9:]+",\d+,\d+\]/, '"vocabulary":[["aaa",-1,0]');
    expect(() => deserializeModel(enc(text))).to.throw(/not non-negative integers/);
  });
});
