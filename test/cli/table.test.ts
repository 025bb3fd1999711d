import { expect } from "chai";

import { displayWidth } from "../../src/cli/display-width.js";
import { type Column, formatKeyValue, formatTable, toCsv, toJsonRows } from "../../src/cli/table.js";

interface Row {
  id: bigint;
  name: string;
  leaves: number;
  cid?: string;
}
const rows: Row[] = [
  { id: 1n, name: "spamassassin", leaves: 6046, cid: "bafyabc" },
  { id: 12n, name: 'extra, "synthetic"', leaves: 60 },
];
const columns: Column<Row>[] = [
  { header: "ID", value: (r) => r.id },
  { header: "NAME", value: (r) => r.name },
  { header: "LEAVES", value: (r) => r.leaves },
  { header: "CID", value: (r) => r.cid },
];

describe("CLI tables", () => {
  it("aligns columns, right-aligns numbers and trims trailing spaces", () => {
    expect(formatTable(rows, columns)).to.equal(
      ["ID  NAME                LEAVES  CID", "--  ------------------  ------  -------", " 1  spamassassin          6046  bafyabc", '12  extra, "synthetic"      60', ""].join("\n"),
    );
  });

  it("prints a placeholder for no rows", () => {
    expect(formatTable([], columns)).to.equal("(none)\n");
    expect(formatTable([], columns, { empty: "No datasets registered yet." })).to.equal("No datasets registered yet.\n");
  });

  it("cuts cells at maxWidth and flattens newlines", () => {
    const out = formatTable([{ t: "abcdefghij\nnext" }], [{ header: "T", value: (r) => r.t, maxWidth: 5 }]);
    expect(out).to.equal("T\n-----\nabcd…\n");
    expect(formatTable([{ t: "a\nb" }], [{ header: "T", value: (r) => r.t }])).to.include("a b");
  });

  it("honours explicit alignment and a custom separator", () => {
    const out = formatTable([{ v: "x" }, { v: "xyz" }], [{ header: "V", value: (r) => r.v, align: "right" }, { header: "W", value: () => 1 }], { separator: " | " });
    expect(out).to.equal("  V | W\n--- | -\n  x | 1\nxyz | 1\n");
  });

  it("needs at least one column", () => {
    expect(() => formatTable(rows, [])).to.throw(/at least one column/);
  });

  it("formats key/value blocks with aligned keys and indented multi-line values", () => {
    expect(formatKeyValue([["token", 1n], ["weightsHash", "0xabc"], ["lineage", "a\nb"], ["empty", undefined]])).to.equal(
      "token        1\nweightsHash  0xabc\nlineage      a\n             b\nempty\n",
    );
  });

  it("exports RFC 4180 CSV with quoting", () => {
    expect(toCsv(rows, columns)).to.equal('ID,NAME,LEAVES,CID\r\n1,spamassassin,6046,bafyabc\r\n12,"extra, ""synthetic""",60,\r\n');
    expect(toCsv([{ t: "line1\nline2" }, { t: " padded" }], [{ header: "T", value: (r) => r.t }])).to.equal('T\r\n"line1\nline2"\r\n" padded"\r\n');
  });

  it("exports JSON rows keyed by header, bigints as strings and missing values as null", () => {
    expect(JSON.parse(toJsonRows(rows, columns))).to.deep.equal([
      { ID: "1", NAME: "spamassassin", LEAVES: 6046, CID: "bafyabc" },
      { ID: "12", NAME: 'extra, "synthetic"', LEAVES: 60, CID: null },
    ]);
  });

  it("aligns wide characters by terminal columns: CJK, fullwidth, emoji, ZWJ sequences, flags, combining marks", () => {
    const named = [{ n: "ascii" }, { n: "数据集" }, { n: "ＡＢ" }, { n: "🚀x" }, { n: "👩‍👩‍👧" }, { n: "🇫🇷" }, { n: "e\u0301t\u00e9" }, { n: "한국어" }];
    const out = formatTable(named, [{ header: "NAME", value: (r) => r.n }, { header: "END", value: () => "|" }]);
    const lines = out.trimEnd().split("\n");
    // The second column starts in the same terminal column on every line.
    const columnsBefore = (line: string): number => displayWidth(line.slice(0, line.lastIndexOf(line.endsWith("|") ? "|" : "END")));
    const starts = lines.filter((l) => !l.startsWith("-")).map(columnsBefore);
    expect(new Set(starts).size, out).to.equal(1);
    expect(lines[2]).to.equal("ascii   |");
    expect(lines[3]).to.equal("数据集  |");
    expect(lines[5]).to.equal("🚀x     |");
    expect(lines[6]).to.equal("👩‍👩‍👧      |");
  });

  it("cuts wide cells at maxWidth columns without splitting a character", () => {
    expect(formatTable([{ t: "数据集合" }], [{ header: "T", value: (r) => r.t, maxWidth: 6 }])).to.equal("T\n-----\n数据…\n");
    expect(formatTable([{ t: "a数据" }], [{ header: "T", value: (r) => r.t, maxWidth: 4 }])).to.equal("T\n----\na数…\n");
  });

  it("neutralises CSV cells a spreadsheet would run as formulas (= + - @, tab, CR), keeping numbers", () => {
    const cells = [{ t: "=HYPERLINK(\"http://x\")" }, { t: "+1" }, { t: "-2+3" }, { t: "@SUM(A1)" }, { t: "\t=1" }, { t: "\r=1" }, { t: "safe = 1" }, { t: -1.5 }, { t: -3n }];
    expect(toCsv(cells, [{ header: "T", value: (r) => r.t }])).to.equal(
      ['T', '"\'=HYPERLINK(""http://x"")"', "'+1", "'-2+3", "'@SUM(A1)", "'\t=1", '"\'\r=1"', "safe = 1", "-1.5", "-3", ""].join("\r\n"),
    );
    expect(toCsv([{ t: 1 }], [{ header: "=cmd", value: (r) => r.t }])).to.equal("'=cmd\r\n1\r\n");
  });
});
