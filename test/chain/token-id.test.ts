/** src/chain/token-id.ts: the one reading of token ids typed by users (CLI arguments, the page's fields and routes). */
import { expect } from "chai";

import { MAX_TOKEN_ID, readTokenId, tokenIdOf } from "../../src/chain/token-id.js";

describe("token ids", () => {
  it("reads whole numbers from 1, with surrounding space and one leading #", () => {
    expect(tokenIdOf("7")).to.equal(7n);
    expect(tokenIdOf(" #12 ")).to.equal(12n);
    expect(tokenIdOf("007")).to.equal(7n);
    expect(tokenIdOf(3n)).to.equal(3n);
    expect(tokenIdOf(4)).to.equal(4n);
  });

  it("says why anything else is not a token id", () => {
    for (const text of ["", "0", "#0", "-1", "1.5", "1e3", "0x10", "##1", "seven", "1 2"]) {
      expect(readTokenId(text), JSON.stringify(text)).to.deep.equal({ problem: "not-a-token-id" });
      expect(tokenIdOf(text)).to.equal(undefined);
    }
  });

  it("accepts 2^256 − 1 and refuses anything larger as out of range", () => {
    expect(MAX_TOKEN_ID).to.equal(2n ** 256n - 1n);
    expect(readTokenId(MAX_TOKEN_ID.toString())).to.deep.equal({ id: MAX_TOKEN_ID });
    expect(readTokenId((MAX_TOKEN_ID + 1n).toString())).to.deep.equal({ problem: "out-of-range" });
    expect(readTokenId("9".repeat(80))).to.deep.equal({ problem: "out-of-range" });
  });
});
