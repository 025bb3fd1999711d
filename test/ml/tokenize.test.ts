import { expect } from "chai";

import { splitHeadersAndBody, subjectOf, tokenizeEmail, tokenizeText } from "../../src/ml/tokenize.js";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const latin1 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "latin1"));

describe("email tokenizer (datatrace-email/1)", () => {
  it("splits headers from body at the first empty line, LF or CRLF", () => {
    expect(splitHeadersAndBody(bytes("A: 1\nB: 2\n\nbody\n\nmore"))).to.deep.equal(["A: 1\nB: 2", "body\n\nmore"]);
    expect(splitHeadersAndBody(bytes("A: 1\r\n\r\nbody"))).to.deep.equal(["A: 1", "body"]);
  });

  it("treats a message without an empty line as all body", () => {
    expect(splitHeadersAndBody(bytes("just text"))).to.deep.equal(["", "just text"]);
    expect(tokenizeEmail(bytes("Subject: hello world"))).to.deep.equal(["subject", "hello", "world"]);
  });

  it("reads the Subject header case-insensitively and unfolds continuation lines", () => {
    expect(subjectOf("From: a\nsubject: Cheap\n  pills now\nTo: b")).to.equal("Cheap pills now");
    expect(subjectOf("From: a")).to.equal("");
  });

  it("prefixes subject tokens and ignores every other header", () => {
    const tokens = tokenizeEmail(bytes("Received: from mailhost\nSubject: Win money\n\nHello there"));
    expect(tokens).to.deep.equal(["subject:win", "subject:money", "hello", "there"]);
  });

  it("lowercases ASCII and keeps runs of [a-z0-9] of length 2 to 20", () => {
    expect(tokenizeText("FREE Offer!! a b2 x-ray 12345 " + "z".repeat(21) + " " + "y".repeat(20))).to.deep.equal([
      "free", "offer", "b2", "ray", "12345", "y".repeat(20),
    ]);
  });

  it("treats every non-ASCII byte as a separator whatever the charset", () => {
    expect(tokenizeEmail(latin1("\n\ncaf\u00e9 na\u00efve"))).to.deep.equal(["caf", "na", "ve"]);
    expect(tokenizeEmail(bytes("\n\ncafé naïve"))).to.deep.equal(["caf", "na", "ve"]);
  });

  it("keeps repeats and text order (multinomial counts)", () => {
    expect(tokenizeEmail(bytes("\n\nbuy buy now buy"))).to.deep.equal(["buy", "buy", "now", "buy"]);
  });

  it("returns no tokens for an empty email", () => {
    expect(tokenizeEmail(new Uint8Array())).to.deep.equal([]);
  });
});
