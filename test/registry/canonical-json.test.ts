import { expect } from "chai";

import { canonicalJson, canonicalJsonBytes, CanonicalJsonError } from "../../src/registry/canonical-json.js";

describe("canonical JSON", () => {
  it("sorts object keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).to.equal('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("gives the same text for objects built in different key orders", () => {
    const x: Record<string, number> = {};
    x.second = 2;
    x.first = 1;
    expect(canonicalJson(x)).to.equal(canonicalJson({ first: 1, second: 2 }));
  });

  it("sorts keys by UTF-16 code units (RFC 8785), not by locale", () => {
    expect(canonicalJson({ b: 0, B: 0, "é": 0, a: 0, "\u{1F600}": 0, "\uFB01": 0 })).to.equal('{"B":0,"a":0,"b":0,"é":0,"\u{1F600}":0,"\uFB01":0}');
  });

  it("writes numbers in shortest round-trip form and -0 as 0", () => {
    expect(canonicalJson([1, 0.1, 1e21, 1e-7, -0, 123.456])).to.equal("[1,0.1,1e+21,1e-7,0,123.456]");
  });

  it("escapes strings like JSON.stringify", () => {
    expect(canonicalJson('a"b\\c\n\u0001')).to.equal('"a\\"b\\\\c\\n\\u0001"');
  });

  it("omits undefined object members", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).to.equal('{"b":1}');
  });

  it("encodes to UTF-8 bytes", () => {
    expect(Buffer.from(canonicalJsonBytes({ k: "é" })).toString("hex")).to.equal(Buffer.from('{"k":"é"}', "utf8").toString("hex"));
  });

  it("rejects values without a JSON form, naming where they are", () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).to.throw(CanonicalJsonError, /\$\.a\[1\].*not a finite number/);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).to.throw(/not a finite number/);
    expect(() => canonicalJson({ n: 1n })).to.throw(/bigint.*decimal string/);
    expect(() => canonicalJson([undefined])).to.throw(/undefined has no JSON form/);
    expect(() => canonicalJson({ d: new Date(0) })).to.throw(/\$\.d.*Date is not a plain object/);
    expect(() => canonicalJson({ m: new Map() })).to.throw(/Map/);
    expect(() => canonicalJson({ f: () => 1 })).to.throw(/function/);
  });

  it("rejects cycles instead of looping", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).to.throw(/cycle/);
  });

  it("accepts a shared (non-cyclic) sub-object twice", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).to.equal('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe("canonical JSON: lone surrogates (RFC 8785 §3.2.2.2)", () => {
  it("rejects a lone high or low surrogate in a value or a key, naming where", () => {
    expect(() => canonicalJson({ a: "x\uD800" })).to.throw(CanonicalJsonError, /\$\.a.*lone UTF-16 surrogate \\ud800 at index 1/);
    expect(() => canonicalJson(["\uDC00y"])).to.throw(/\$\[0\].*\\udc00 at index 0/);
    expect(() => canonicalJson({ "k\uDBFF": 1 })).to.throw(/key.*lone UTF-16 surrogate/);
    expect(() => canonicalJson("\uDC00\uD800")).to.throw(/\\udc00 at index 0/);
  });

  it("accepts surrogate pairs (astral characters) and writes them as UTF-8", () => {
    expect(canonicalJson({ e: "\u{1F600}\u{10FFFF}" })).to.equal('{"e":"\u{1F600}\u{10FFFF}"}');
    expect(Buffer.from(canonicalJsonBytes("\u{1F600}")).toString("hex")).to.equal("22f09f988022");
  });
});
