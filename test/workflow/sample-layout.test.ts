/**
 * Whether a sample read in place fits how a dataset was hashed
 * (src/workflow/sample-layout.ts), and the in-place queries themselves
 * (src/workflow/sample-query.ts): a Parquet row with the wrong --column or
 * none, a tar member against a --group-by-key dataset and a key against a
 * per-member one are refused with the flag to pass; raw bytes (a column
 * value, a member) against a dataset without such sources are allowed; a
 * key is re-read under the dataset's own member rules; the queries hash to
 * what `dataset hash` gives the same ids.
 */
import path from "node:path";

import { expect } from "chai";

import { hashSources } from "../../src/engine/hash-sources.js";
import type { ManifestHeader } from "../../src/manifest/manifest-format.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { fitQueriesToDataset, layoutProblem } from "../../src/workflow/sample-layout.js";
import { sampleQueriesFromParquetRows, sampleQueryFromTarKey, sampleQueryFromTarMember, type SampleQuery } from "../../src/workflow/sample-query.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { duckdb, systemTar } from "../fixtures/source-fixtures.js";

type Sources = ManifestHeader["sources"];
const walk: { include: string[]; exclude: string[]; includeHidden: boolean; followSymlinks: boolean } = { include: [], exclude: [], includeHidden: false, followSymlinks: false };
const parquet = (name: string, column: string | null): Sources[number] => ({ kind: "parquet", name, options: { column, ...walk } });
const tar = (name: string, groupByKey: boolean, rules: Partial<typeof walk> = {}): Sources[number] => ({ kind: "tar", name, options: { ...walk, ...rules, groupByKey } });
const dir: Sources[number] = { kind: "dir", name: "images", options: walk };
const lines: Sources[number] = { kind: "lines", name: "rows.csv", options: { format: "csv", header: true } };

/** A query as the in-place constructors make it (the hash does not matter here). */
function q(inPlace: NonNullable<SampleQuery["inPlace"]>): SampleQuery {
  return { label: "the sample", sampleHash: new Uint8Array(32), kind: "in-place", inPlace };
}
const row = (column: string | null) => q({ kind: "parquet-row", file: "data/t.parquet", row: 3, column });
const member = q({ kind: "tar-member", shard: "s/00000.tar", member: "000017.jpg" });
const key = q({ kind: "tar-key", shard: "s/00000.tar", key: "000017", options: { include: [], exclude: [], includeHidden: false } });

async function engineIds(paths: string[], options: OpenSourcesOptions): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await hashSources(await openSources(paths, options), {
    threads: 0,
    onBatch: (h) => {
      for (let i = 0; i < h.batch.count; i++) ids.set(h.batch.ids![i]!, Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex"));
    },
  });
  return ids;
}

describe("sample layout: in-place queries against how a dataset was hashed", function () {
  this.timeout(60_000);

  it("a Parquet row needs the column the dataset was hashed with, and says which to pass", () => {
    expect(layoutProblem("dataset #3", [parquet("data", "image")], row("image"))).to.equal(undefined);
    expect(layoutProblem("dataset #3", [parquet("data", "image")], row("image.bytes"))).to.equal(undefined); // the Image struct's bytes field is the same column
    expect(layoutProblem("dataset #3", [parquet("data", "image")], row(null))).to.equal(
      "dataset #3 was hashed with --column image, so a whole row is not one of its samples; pass --column image.",
    );
    expect(layoutProblem("dataset #3", [parquet("data", "image")], row("caption"))).to.equal("dataset #3 was hashed with --column image, not --column caption; pass --column image.");
    expect(layoutProblem("dataset #3", [parquet("data", null)], row("image"))).to.equal(
      "dataset #3 was hashed from whole Parquet rows (no --column), so a column value is not one of its samples; leave out --column image.",
    );
    expect(layoutProblem("dataset #3", [parquet("a", "image"), parquet("b", null)], row("text"))).to.equal(
      "dataset #3's Parquet sources were hashed with --column image (a), whole rows (no --column) (b), none with --column text; pass the column of the file's source.",
    );
    expect(layoutProblem("dataset #3", [parquet("a", "image"), parquet("b", null)], row(null))).to.equal(undefined);
  });

  it("raw bytes (a column value, a tar member) may be samples of any dataset; a whole row or a key need a source hashed that way", () => {
    expect(layoutProblem("dataset #1", [dir, lines], row("image"))).to.equal(undefined);
    expect(layoutProblem("dataset #1", [dir], member)).to.equal(undefined);
    expect(layoutProblem("dataset #1", [dir, lines], row(null))).to.equal(
      "dataset #1 has no Parquet source (its sources: dir images, lines rows.csv), so a whole Parquet row is never one of its samples. To check a value of the row (an image, a text), pass --column <name>.",
    );
    expect(layoutProblem("dataset #1", [dir], key)).to.match(/^dataset #1 has no tar source hashed with --group-by-key \(its sources: dir images\), so a WebDataset key is never one of its samples/);
  });

  it("a member against a --group-by-key dataset asks for --key; a key against a per-member dataset asks for --member", () => {
    expect(layoutProblem("dataset #2", [tar("s", true)], member)).to.equal(
      "dataset #2 was hashed with --group-by-key (one sample per WebDataset key: a key's files concatenated), so a single member is not one of its samples; pass --key 000017 instead of --member 000017.jpg.",
    );
    expect(layoutProblem("dataset #2", [tar("s", false)], key)).to.equal(
      "dataset #2 was hashed one sample per tar member (no --group-by-key), so a key's files concatenated are not one of its samples; pass --member 000017.<ext> (e.g. --member 000017.jpg) instead of --key 000017.",
    );
    expect(layoutProblem("dataset #2", [tar("s", true), tar("t", false)], member)).to.equal(undefined);
    expect(layoutProblem("dataset #2", [tar("s", true)], key)).to.equal(undefined);
    // Queries not read in place are never refused.
    expect(layoutProblem("dataset #2", [tar("s", true)], { label: "f", sampleHash: new Uint8Array(32) })).to.equal(undefined);
  });

  describe("with real files", () => {
    let root: string;
    let cleanup: () => void;
    /** Runs a test in `root`: the queries name files as a user does, relative to the working directory (restored in finally). */
    const inRoot = (test: () => Promise<void>) => async () => {
      const cwd = process.cwd();
      process.chdir(root);
      try {
        await test();
      } finally {
        process.chdir(cwd);
      }
    };
    before(async () => {
      ({ dir: root, cleanup } = tempDir("layout"));
      writeTree(root, { "k/000001.jpg": "jpg-1", "k/000001.txt": "txt-1", "k/000001.json": "{}", "k/000002.jpg": "jpg-2" });
      systemTar(path.join(root, "k"), ["--sort=name", "-cf", path.join(root, "s.tar"), "."]);
      await duckdb([`COPY (SELECT i AS id, {'bytes': ('img' || i)::BLOB, 'path': 'p.jpg'} AS image FROM range(5) t(i)) TO '${path.join(root, "t.parquet")}' (FORMAT parquet)`]);
    });
    after(() => cleanup());

    it("in-place queries hash to what `dataset hash` gives the same ids", inRoot(async () => {
      const byColumn = await engineIds(["t.parquet"], { baseDir: root, column: "image" });
      const byRow = await engineIds(["t.parquet"], { baseDir: root });
      const columnQueries = await sampleQueriesFromParquetRows("t.parquet", [0, 4], "image");
      expect(columnQueries.map((x) => x.label)).to.deep.equal(["t.parquet#0 (column image)", "t.parquet#4 (column image)"]);
      expect(columnQueries.map((x) => Buffer.from(x.sampleHash).toString("hex"))).to.deep.equal([byColumn.get("t.parquet#0"), byColumn.get("t.parquet#4")]);
      expect(Buffer.from((await sampleQueriesFromParquetRows("t.parquet", [2], null))[0]!.sampleHash).toString("hex")).to.equal(byRow.get("t.parquet#2"));
      const members = await engineIds(["s.tar"], { baseDir: root });
      expect(Buffer.from((await sampleQueryFromTarMember("s.tar", "000001.txt")).sampleHash).toString("hex")).to.equal(members.get("s.tar/000001.txt"));
      const keys = await engineIds(["s.tar"], { baseDir: root, groupByKey: true });
      expect(Buffer.from((await sampleQueryFromTarKey("s.tar", "000001")).sampleHash).toString("hex")).to.equal(keys.get("s.tar/000001"));
    }));

    it("bad positions are one-line UserErrors saying what to check", inRoot(async () => {
      const err = await sampleQueriesFromParquetRows("t.parquet", [9], "image").then(
        () => expect.fail("row 9 accepted"),
        (e: Error) => e,
      );
      expect(err.message).to.equal(
        "t.parquet has 5 rows (0 to 4), so it has no row 9. Rows are counted from 0, as in the sample id t.parquet#0.\nCheck --parquet, --row (0-based, as in the sample id file.parquet#N) and --column (the column the dataset was hashed with).",
      );
      await sampleQueryFromTarMember("s.tar", "000009.jpg").then(
        () => expect.fail("a missing member accepted"),
        (e: Error) => expect(e.message).to.match(/^s\.tar has no member 000009\.jpg \(its members: 000001\.jpg, 000001\.json, 000001\.txt, 000002\.jpg\)/),
      );
      await sampleQueryFromTarKey("missing.tar", "1").then(
        () => expect.fail("a missing shard accepted"),
        (e: Error) => expect(e.message).to.match(/^Cannot read tar shard missing\.tar: no such file or directory\./),
      );
    }));

    it("fits a key to the dataset's member rules (--include '*.jpg,*.txt'), and refuses a query read differently", inRoot(async () => {
      const keys = await engineIds(["s.tar"], { baseDir: root, groupByKey: true, include: ["*.jpg", "*.txt"] });
      const query = await sampleQueryFromTarKey("s.tar", "000001");
      const fitted = await fitQueriesToDataset(7n, { sources: [tar("s.tar", true, { include: ["*.jpg", "*.txt"] })] }, [query]);
      expect(fitted[0]!.label).to.equal(query.label);
      expect(Buffer.from(fitted[0]!.sampleHash).toString("hex")).to.equal(keys.get("s.tar/000001"));
      expect(Buffer.from(fitted[0]!.sampleHash).toString("hex")).to.not.equal(Buffer.from(query.sampleHash).toString("hex"));
      const same = await fitQueriesToDataset(7n, { sources: [tar("s.tar", true)] }, [query]);
      expect(same[0]).to.equal(query); // default rules: nothing re-read
      await fitQueriesToDataset(7n, { sources: [tar("s.tar", false)] }, [query]).then(
        () => expect.fail("a key fitted a per-member dataset"),
        (e: Error & { family?: string }) => {
          expect(e.message).to.match(/^s\.tar\/000001 \(key\): dataset #7 was hashed one sample per tar member \(no --group-by-key\)/);
          expect(e.family).to.equal("usage");
        },
      );
    }));
  });
});
