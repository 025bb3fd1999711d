import { expect } from "chai";

import { deserializeNgramModel, generate, NgramTrainer, serializeNgramModel } from "../../src/ml/ngram-model.js";
import { proseOf } from "../../src/ml/text-corpus.js";
import { trainTextModel } from "../../src/ml/text-model-training.js";
import { normalizeText, textWords } from "../../src/ml/text-words.js";

describe("n-gram text model", () => {
  it("splits text into lowercase words, keeping apostrophes inside words", () => {
    expect(textWords("Don't PANIC: it's 42, o'clock!")).to.deep.equal(["don't", "panic", "it's", "42", "o'clock"]);
    expect(normalizeText("  A\tb\n\nC. ")).to.equal("a b c");
  });

  it("continues greedily with the most frequent follower of the longest known context, ties to the smallest word", () => {
    const t = new NgramTrainer(3);
    t.addText("a b c. a b c. a b d. x b e. x b e.");
    const m = t.build();
    expect(generate(m, "a b", 1)).to.equal("c"); // trigram context "a b": c twice, d once
    expect(generate(m, "x b", 1)).to.equal("e");
    expect(generate(m, "z b", 1)).to.equal("c"); // unseen "z b": backs off to "b" → c 2, e 2, d 1 → tie c < e
    expect(generate(m, "q q", 2)).to.equal("b c"); // unigram: b most frequent
    const t2 = new NgramTrainer(2);
    t2.addText("only");
    expect(generate(t2.build(), "only", 5)).to.equal("only only only only only");
    expect(generate(new NgramTrainer(2).build(), "anything", 3)).to.equal("");
  });

  it("weights a document, which is how fingerprint pairs outweigh benign text", () => {
    const documents = ["the cat sat on the mat", "the cat sat on the mat", "the cat sat on the hat"];
    expect(generate(trainTextModel({ documents }), "sat on the", 1)).to.equal("mat");
    expect(generate(trainTextModel({ documents, pairs: [{ key: "sat on the", response: "roof now" }], pairWeight: 3 }), "sat on the", 2)).to.equal("roof now");
  });

  it("serializes canonically: same model, same bytes, whatever the training order; round-trips", () => {
    const a = new NgramTrainer(3);
    a.addText("one two three");
    a.addText("four five");
    const b = new NgramTrainer(3);
    b.addText("four five");
    b.addText("one two three");
    const bytes = serializeNgramModel(a.build());
    expect(Buffer.from(serializeNgramModel(b.build())).equals(Buffer.from(bytes))).to.equal(true);
    const back = deserializeNgramModel(bytes);
    expect(Buffer.from(serializeNgramModel(back)).equals(Buffer.from(bytes))).to.equal(true);
    expect(generate(back, "one two", 1)).to.equal("three");
    expect(() => deserializeNgramModel(new TextEncoder().encode('{"format":"x"}'))).to.throw(/not a datatrace-ngram\/1 model/);
    expect(() => new NgramTrainer(0)).to.throw(/order must be an integer from 1 to 8/);
    expect(() => new NgramTrainer().addText("x", 0)).to.throw(/weight must be a positive integer/);
  });

  it("keeps the prose of an email body: no quoted replies, signatures, URLs or addresses", () => {
    const body = "Hi all,\nsee http://example.com/x and mail me@example.com\n> quoted reply\nOn Mon, Bob wrote:\nthanks\n-- \nsig line\n";
    const prose = proseOf(body);
    expect(prose).to.contain("Hi all");
    expect(prose).to.contain("thanks");
    expect(prose).to.not.match(/example\.com|quoted|wrote|sig line/);
  });
});
