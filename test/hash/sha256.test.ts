/** SHA-256 of samples (src/hash/sha256.ts), against node:crypto and a known digest. */
import { createHash } from "node:crypto";

import { expect } from "chai";

import { defaultSha256, hasNodeSha256, sha256, webSha256 } from "../../src/hash/sha256.js";

const reference = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("hash: SHA-256 (sha256, webSha256, defaultSha256)", () => {
  const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
  const inputs: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    "hello\\n": new TextEncoder().encode("hello\n"),
    "1 MiB": big,
    "a view into a larger buffer": big.subarray(1000, 5000),
  };

  for (const [name, bytes] of Object.entries(inputs)) {
    it(`gives node:crypto's digest for ${name}, all three ways`, async () => {
      expect(hex(sha256(bytes))).to.equal(reference(bytes));
      expect(hex(await webSha256(bytes))).to.equal(reference(bytes));
      expect(hex(await defaultSha256(bytes))).to.equal(reference(bytes));
    });
  }

  it("gives the known digest of 'hello\\n' (the bytes behind the CID in docs/platform-notes)", () => {
    expect(hex(sha256(new TextEncoder().encode("hello\n")))).to.equal("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  });

  it("uses the synchronous OpenSSL path by default in Node", () => {
    expect(hasNodeSha256).to.equal(true);
    expect(defaultSha256).to.equal(sha256);
    expect(defaultSha256(new Uint8Array(1))).to.be.instanceOf(Uint8Array).and.not.to.be.a("promise");
  });

  it("returns a plain 32-byte Uint8Array, not a Buffer", () => {
    const digest = sha256(new Uint8Array([1, 2, 3]));
    expect(digest.length).to.equal(32);
    expect(Buffer.isBuffer(digest)).to.equal(false);
  });
});
