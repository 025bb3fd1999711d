import { execFileSync } from "node:child_process";

import { expect } from "chai";

import { displayWidth, graphemeWidth, isWideCodePoint, sliceToWidth } from "../../src/cli/display-width.js";

describe("CLI display width", () => {
  it("counts terminal columns: ASCII 1, CJK and fullwidth 2, emoji 2, combining marks and joiners 0", () => {
    expect(displayWidth("dataset")).to.equal(7);
    expect(displayWidth("数据")).to.equal(4);
    expect(displayWidth("ＡＢＣ")).to.equal(6);
    expect(displayWidth("한국어")).to.equal(6);
    expect(displayWidth("🚀")).to.equal(2);
    expect(displayWidth("👩‍👩‍👧")).to.equal(2); // one ZWJ family
    expect(displayWidth("🇫🇷")).to.equal(2); // one flag (two regional indicators)
    expect(displayWidth("e\u0301")).to.equal(1); // e + combining acute
    expect(displayWidth("❤️")).to.equal(2); // text-default heart + VS16
    expect(displayWidth("a\u200bb")).to.equal(2); // zero-width space
    expect(graphemeWidth("\u0301")).to.equal(0);
  });

  it("slices to a width without splitting a grapheme", () => {
    expect(sliceToWidth("数据集", 5)).to.equal("数据");
    expect(sliceToWidth("a👩‍👩‍👧b", 2)).to.equal("a");
    expect(sliceToWidth("a👩‍👩‍👧b", 3)).to.equal("a👩‍👩‍👧");
  });

  it("classifies every assigned code point as Python's unicodedata does (East Asian Width W/F = wide)", function () {
    this.timeout(60_000);
    // Python 3 (standard library) writes one flag per code point: 1 wide, 0 not, - unassigned/surrogate/private use.
    const script = [
      "import sys, unicodedata",
      "out = []",
      "for cp in range(0x110000):",
      "    c = chr(cp); cat = unicodedata.category(c)",
      "    out.append('-' if cat in ('Cn', 'Cs', 'Co') else ('1' if unicodedata.east_asian_width(c) in ('W', 'F') else '0'))",
      "sys.stdout.write(''.join(out))",
    ].join("\n");
    const flags = execFileSync("python3", ["-c", script], { encoding: "latin1", maxBuffer: 4 * 1024 * 1024 });
    expect(flags.length).to.equal(0x110000);
    const mismatches: string[] = [];
    let compared = 0;
    for (let cp = 0; cp < 0x110000; cp++) {
      const flag = flags[cp];
      if (flag === "-") continue;
      compared++;
      const expected = flag === "1";
      // Newer Unicode versions (the engine's) may have made a few emoji wide since Python's data; never the reverse.
      if (isWideCodePoint(cp) !== expected && !(isWideCodePoint(cp) && /\p{Emoji_Presentation}/u.test(String.fromCodePoint(cp)))) {
        mismatches.push(cp.toString(16));
      }
    }
    expect(compared).to.be.greaterThan(100_000);
    expect(mismatches, `code points classified differently: ${mismatches.slice(0, 20).join(", ")}`).to.deep.equal([]);
  });
});
