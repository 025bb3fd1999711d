import { createHash as nodeCreateHash } from "node:crypto";

import { expect } from "chai";

import { Buffer as BufferShim } from "../../web/src/shims/buffer.js";
import { createHash } from "../../web/src/shims/node-crypto.js";

describe("web: browser shims of node:crypto and Buffer", () => {
  it("createHash('sha256') gives node:crypto's digest, over several updates", () => {
    const a = new TextEncoder().encode("datatrace ");
    const b = new Uint8Array(300_000).fill(7);
    const expected = nodeCreateHash("sha256").update(a).update(b).digest();
    const actual = createHash("sha256").update(a).update(b).digest();
    expect(Buffer.from(actual).equals(expected)).to.equal(true);
    expect(Buffer.from(createHash("SHA256").digest()).toString("hex")).to.equal(nodeCreateHash("sha256").digest("hex"));
  });

  it("refuses other algorithms by name", () => {
    expect(() => createHash("md5")).to.throw(/createHash\("md5"\) is not available in the browser bundle/);
  });

  it("Buffer.from(bytes).toString('hex') matches Node's Buffer", () => {
    const bytes = new Uint8Array([0, 1, 15, 16, 127, 128, 255]);
    expect(BufferShim.from(bytes).toString("hex")).to.equal(Buffer.from(bytes).toString("hex"));
  });

  it("Buffer shim refuses other encodings and inputs instead of miscomputing", () => {
    expect(() => BufferShim.from(new Uint8Array(1)).toString("base64" as "hex")).to.throw(/only "hex"/);
    expect(() => BufferShim.from("text" as unknown as Uint8Array)).to.throw(/only Buffer.from\(Uint8Array\)/);
  });
});
