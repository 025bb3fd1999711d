import { expect } from "chai";

import { parseByteSize, parsePart, resolveCreatedAt } from "../../src/engine/run-options.js";

describe("run options", () => {
  it("parses byte sizes with binary and decimal units", () => {
    expect(parseByteSize("65536")).to.equal(65536);
    expect(parseByteSize("512MiB")).to.equal(512 * 1024 ** 2);
    expect(parseByteSize("2GB")).to.equal(2e9);
    expect(parseByteSize("1g")).to.equal(1024 ** 3);
    expect(parseByteSize(" 1.5 kib ")).to.equal(1536);
  });

  it("rejects sizes it cannot read, with an example", () => {
    expect(() => parseByteSize("lots")).to.throw(/write a number with an optional unit, e.g. 512MiB/);
    expect(() => parseByteSize("5 parsecs")).to.throw(/Cannot read "5 parsecs" as a size/);
    expect(() => parseByteSize("0")).to.throw(/must be more than 0 bytes/);
  });

  it("parses 1-based parts into 0-based selectors", () => {
    expect(parsePart("1/4")).to.deep.equal({ index: 0, count: 4 });
    expect(parsePart(" 4 / 4 ")).to.deep.equal({ index: 3, count: 4 });
  });

  it("rejects malformed or out-of-range parts", () => {
    for (const bad of ["0/4", "5/4", "1/0", "a/b", "3", "-1/2"]) expect(() => parsePart(bad), bad).to.throw(/write i\/n with 1 <= i <= n/);
  });

  it("resolves createdAt from the option, else SOURCE_DATE_EPOCH, else nothing", () => {
    expect(resolveCreatedAt("2026-05-01", {})).to.equal("2026-05-01T00:00:00.000Z");
    expect(resolveCreatedAt(new Date(0), {})).to.equal("1970-01-01T00:00:00.000Z");
    expect(resolveCreatedAt(undefined, { SOURCE_DATE_EPOCH: "86400" })).to.equal("1970-01-02T00:00:00.000Z");
    expect(resolveCreatedAt(undefined, {})).to.equal(undefined);
    expect(resolveCreatedAt("", {})).to.equal(undefined);
  });

  it("rejects a createdAt that is not a date and a SOURCE_DATE_EPOCH that is not seconds", () => {
    expect(() => resolveCreatedAt("yesterday", {})).to.throw(/is not a date; use ISO 8601/);
    expect(() => resolveCreatedAt(undefined, { SOURCE_DATE_EPOCH: "1.5" })).to.throw(/SOURCE_DATE_EPOCH must be whole seconds/);
  });
});
