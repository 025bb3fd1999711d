import canonicalize from "canonicalize";
import { expect } from "chai";

import { canonicalJson, canonicalJsonBytes, CanonicalJsonError } from "../../src/registry/canonical-json.js";
import { Random } from "../fixtures/seeded-random.js";

/** A random string of UTF-16 code units: ASCII, escapes, BMP, astral pairs and (when allowed) lone surrogates. */
function randomString(rng: Random, allowLone: boolean): string {
  const units: string[] = [];
  for (let i = rng.int(8); i > 0; i--) {
    const kind = rng.int(allowLone ? 6 : 5);
    if (kind === 0) units.push(String.fromCharCode(0x20 + rng.int(0x5f)));
    else if (kind === 1) units.push(String.fromCharCode(rng.int(0x20)), rng.pick(['"', "\\", "/", "\u2028", "\u007f"]));
    else if (kind === 2) units.push(String.fromCharCode(0xa0 + rng.int(0xd800 - 0xa0)));
    else if (kind === 3) units.push(String.fromCharCode(0xe000 + rng.int(0x2000)));
    else if (kind === 4) units.push(String.fromCodePoint(0x10000 + rng.int(0xfffff)));
    else units.push(String.fromCharCode(0xd800 + rng.int(0x800)));
  }
  return units.join("");
}

/** A random finite number: integers, decimals, powers of ten, and arbitrary doubles from random bits. */
function randomNumber(rng: Random): number {
  const kind = rng.int(5);
  if (kind === 0) return rng.int(2001) - 1000;
  if (kind === 1) return Number((rng.next() * 1000 - 500).toFixed(rng.int(6)));
  if (kind === 2) return (rng.chance(0.5) ? -1 : 1) * 10 ** (rng.int(60) - 30);
  if (kind === 3) return rng.pick([0, -0, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, Number.MAX_VALUE, 1e21, 1e-7, 0.1 + 0.2]);
  for (;;) {
    const value = new DataView(rng.bytes(8).buffer).getFloat64(0);
    if (Number.isFinite(value)) return value;
  }
}

/** A random JSON value of bounded depth. */
function randomJson(rng: Random, depth: number, allowLone: boolean): unknown {
  const kind = rng.int(depth > 0 ? 7 : 5);
  if (kind === 0) return null;
  if (kind === 1) return rng.chance(0.5);
  if (kind === 2) return randomNumber(rng);
  if (kind === 3 || kind === 4) return randomString(rng, allowLone);
  if (kind === 5) return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth - 1, allowLone));
  const object: Record<string, unknown> = {};
  for (let i = rng.int(5); i > 0; i--) object[randomString(rng, allowLone)] = randomJson(rng, depth - 1, allowLone);
  return object;
}

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

  it("rejects lone surrogates in values and keys, as RFC 8785 requires, naming where", () => {
    expect(() => canonicalJson({ a: ["ok", "x\ud800y"] })).to.throw(CanonicalJsonError, /\$\.a\[1\].*lone surrogate U\+D800 at index 1/);
    expect(() => canonicalJson("\udfff")).to.throw(/lone surrogate U\+DFFF/);
    expect(() => canonicalJson({ ["k\udc00"]: 1 })).to.throw(/key .*lone surrogate U\+DC00/);
    expect(() => canonicalJson("\udc00\ud800")).to.throw(/lone surrogate/); // a reversed pair is two lone surrogates
    expect(canonicalJson("\ud83d\ude00")).to.equal('"\u{1F600}"'); // a valid pair is one code point
  });

  it("agrees with the canonicalize package (an independent RFC 8785 implementation) on seeded random JSON values", () => {
    const rng = new Random("canonical JSON vs canonicalize");
    console.log(`      (seed ${rng.seed})`);
    let compared = 0;
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const value = randomJson(rng, 4, rng.chance(0.2));
      let expected: string | undefined;
      try {
        expected = canonicalize(value);
      } catch {
        expected = undefined; // canonicalize throws for lone surrogates only (no NaN/Infinity/cycles are generated)
      }
      if (expected === undefined) {
        expect(() => canonicalJson(value), `value #${i}`).to.throw(CanonicalJsonError, /lone surrogate/);
        rejected++;
      } else {
        expect(canonicalJson(value), `value #${i}`).to.equal(expected);
        compared++;
      }
    }
    expect(compared).to.be.greaterThan(2000);
    expect(rejected).to.be.greaterThan(50);
  });
});

describe("canonical JSON: lone surrogates (RFC 8785 §3.2.2.2)", () => {
  it("rejects a lone high or low surrogate in a value or a key, naming where", () => {
    expect(() => canonicalJson({ a: "x\uD800" })).to.throw(CanonicalJsonError, /\$\.a.*lone surrogate U\+D800 at index 1/);
    expect(() => canonicalJson(["\uDC00y"])).to.throw(/\$\[0\].*U\+DC00 at index 0/);
    expect(() => canonicalJson({ "k\uDBFF": 1 })).to.throw(/key.*lone surrogate/);
    expect(() => canonicalJson("\uDC00\uD800")).to.throw(/U\+DC00 at index 0/);
  });

  it("accepts surrogate pairs (astral characters) and writes them as UTF-8", () => {
    expect(canonicalJson({ e: "\u{1F600}\u{10FFFF}" })).to.equal('{"e":"\u{1F600}\u{10FFFF}"}');
    expect(Buffer.from(canonicalJsonBytes("\u{1F600}")).toString("hex")).to.equal("22f09f988022");
  });
});
