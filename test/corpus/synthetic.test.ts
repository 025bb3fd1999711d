import { createHash } from "node:crypto";

import { expect } from "chai";

import { nonMemberEmail, syntheticExtraEmails } from "../../src/corpus/synthetic.js";
import { corpusEmails } from "../ml/corpus-fixture.js";

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

describe("synthetic demo emails", () => {
  it("generates perClass spam then perClass ham emails with synthetic ids", () => {
    const emails = syntheticExtraEmails({ perClass: 4 });
    expect(emails.map((e) => e.label)).to.deep.equal(["spam", "spam", "spam", "spam", "ham", "ham", "ham", "ham"]);
    expect(emails[0]?.id).to.equal("synthetic/spam-0000");
    expect(emails[7]?.id).to.equal("synthetic/ham-0003");
  });

  it("is deterministic for a seed and changes with the seed", () => {
    const a = syntheticExtraEmails().map((e) => sha(e.bytes));
    const b = syntheticExtraEmails().map((e) => sha(e.bytes));
    const c = syntheticExtraEmails({ seed: "other" }).map((e) => sha(e.bytes));
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
  });

  it("labels every email as synthetic in a header", () => {
    for (const e of [...syntheticExtraEmails(), nonMemberEmail()]) {
      expect(new TextDecoder().decode(e.bytes)).to.match(/^X-Datatrace-Synthetic: yes$/m);
    }
  });

  it("produces distinct emails, none of them in the real corpus", () => {
    const extra = syntheticExtraEmails().map((e) => sha(e.bytes));
    expect(new Set(extra).size).to.equal(extra.length);
    const corpus = new Set(corpusEmails().map((e) => sha(e.bytes)));
    expect(extra.filter((h) => corpus.has(h))).to.deep.equal([]);
  });

  it("has a non-member email that is neither in the corpus nor in the extra emails", () => {
    const h = sha(nonMemberEmail().bytes);
    expect(corpusEmails().some((e) => sha(e.bytes) === h)).to.equal(false);
    expect(syntheticExtraEmails().some((e) => sha(e.bytes) === h)).to.equal(false);
  });

  it("rejects a bad perClass", () => {
    expect(() => syntheticExtraEmails({ perClass: -1 })).to.throw(/perClass must be an integer/);
    expect(() => syntheticExtraEmails({ perClass: 1.5 })).to.throw(/perClass must be an integer/);
    expect(syntheticExtraEmails({ perClass: 0 })).to.deep.equal([]);
  });
});
