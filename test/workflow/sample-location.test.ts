/**
 * Sample ids back to places (src/workflow/sample-location.ts): for ids the
 * engine really gives — a directory, an image folder, a line file, an IDX
 * file, one tar shard and a directory of shards (member and --group-by-key),
 * one Parquet file and a directory of them, the working directory itself as
 * a source — the location names the file and the row/member/key/line/record
 * the id came from; malformed sources from a fetched header and ids no
 * source gives are not located; paths leaving their directory are refused.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { hashSources } from "../../src/engine/hash-sources.js";
import type { ManifestHeader } from "../../src/manifest/manifest-format.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { describeLocation, isContainedPath, locateId, locationFile } from "../../src/workflow/sample-location.js";
import { idxBytes, records, tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { duckdb, systemTar } from "../fixtures/source-fixtures.js";

/** The sources as recorded in a manifest header, and every id the engine gives. */
async function recorded(paths: string[], options: OpenSourcesOptions): Promise<{ sources: ManifestHeader["sources"]; ids: string[] }> {
  const opened = await openSources(paths, options);
  const ids: string[] = [];
  await hashSources(opened, { threads: 0, onBatch: (h) => ids.push(...h.batch.ids!) });
  return { sources: opened.map((s) => s.description), ids };
}

describe("sample locations from ids", function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => void;
  before(async () => {
    ({ dir, cleanup } = tempDir("locations"));
    writeTree(dir, {
      "imgs/a.png": "a",
      "imgs/sub/b.png": "b",
      "pets/metadata.csv": "file_name,label\ncat.jpg,cat\n",
      "pets/cat.jpg": "cat",
      "rows.csv": "h\nr1\nr2\n",
      "shards/x/000001.jpg": "j1",
      "shards/x/000001.txt": "t1",
      "shards/x/000002.jpg": "j2",
    });
    writeFileSync(path.join(dir, "train-idx3-ubyte"), idxBytes(records(3, 4), [2, 2]));
    mkdirSync(path.join(dir, "shards", "part"), { recursive: true });
    systemTar(path.join(dir, "shards", "x"), ["--sort=name", "-cf", path.join(dir, "shards", "part", "00000.tar"), "."]);
    systemTar(path.join(dir, "shards", "x"), ["--sort=name", "-czf", path.join(dir, "shards", "part", "00001.tar.gz"), "."]);
    mkdirSync(path.join(dir, "pq", "train"), { recursive: true });
    await duckdb([`COPY (SELECT i AS id, ('v' || i)::BLOB AS image FROM range(3) t(i)) TO '${path.join(dir, "pq", "train", "00.parquet")}' (FORMAT parquet)`]);
  });
  after(() => cleanup());

  it("locates every id of a dataset of every source kind, as the engine names them", async () => {
    const { sources, ids } = await recorded(["imgs", "pets", "rows.csv", "train-idx3-ubyte", "shards/part/00000.tar", "pq/train/00.parquet"], { baseDir: dir, kind: "auto" });
    expect(ids).to.have.length(2 + 1 + 2 + 3 + 3 + 3);
    const where = ids.map((id) => describeLocation(locateId(sources, id)!));
    expect(where).to.include.members([
      "file imgs/a.png",
      "file imgs/sub/b.png",
      "file pets/cat.jpg",
      "line 2 of rows.csv",
      "line 3 of rows.csv",
      "record 0 of train-idx3-ubyte",
      "record 2 of train-idx3-ubyte",
      "member 000001.txt of shard shards/part/00000.tar",
      "row 2 of pq/train/00.parquet, whole row",
    ]);
    const member = locateId(sources, "shards/part/00000.tar/000002.jpg")!;
    expect(member).to.include({ kind: "tar-member", shard: "shards/part/00000.tar", member: "000002.jpg" });
    expect(locationFile(member)).to.equal("shards/part/00000.tar");
  });

  it("finds the shard inside a directory of shards, with members and with --group-by-key, and Parquet files in a directory with their column", async () => {
    const members = await recorded(["shards/part"], { baseDir: dir, kind: "tar" });
    for (const id of members.ids) {
      const loc = locateId(members.sources, id)!;
      expect(loc.kind).to.equal("tar-member");
      expect(id.startsWith(`${locationFile(loc)}/`)).to.equal(true);
    }
    expect(locateId(members.sources, "shards/part/00001.tar.gz/000001.jpg")).to.include({ shard: "shards/part/00001.tar.gz", member: "000001.jpg" });
    const keys = await recorded(["shards/part"], { baseDir: dir, kind: "tar", groupByKey: true });
    expect(keys.ids).to.include("shards/part/00000.tar/000001");
    expect(locateId(keys.sources, "shards/part/00000.tar/000001")).to.include({ kind: "tar-key", shard: "shards/part/00000.tar", key: "000001" });
    const pq = await recorded(["pq"], { baseDir: dir, kind: "parquet", column: "image" });
    expect(locateId(pq.sources, pq.ids[1]!)).to.include({ kind: "parquet-row", file: "pq/train/00.parquet", row: 1, column: "image" });
    expect(describeLocation(locateId(pq.sources, pq.ids[1]!)!)).to.equal("row 1 of pq/train/00.parquet, column image");
  });

  it("takes the source named . (the working directory) last, and the longest name first", async () => {
    const sources: ManifestHeader["sources"] = [
      { kind: "dir", name: ".", options: { include: [], exclude: [], includeHidden: false, followSymlinks: false } },
      { kind: "lines", name: "data/rows.csv", options: { format: "csv", header: true } },
      { kind: "dir", name: "data", options: { include: [], exclude: [], includeHidden: false, followSymlinks: false } },
    ];
    expect(locateId(sources, "data/rows.csv:3")).to.include({ kind: "line", line: 3 });
    expect(locateId(sources, "data/x.png")).to.include({ kind: "file", file: "data/x.png" });
    expect(locateId(sources, "elsewhere/y.png")).to.include({ kind: "file", file: "elsewhere/y.png" });
  });

  it("locates nothing for ids no source gives, or sources a fetched header holds malformed", () => {
    const sources = [
      { kind: "lines", name: "rows.csv", options: { format: "csv", header: true } },
      { kind: "parquet", name: "t.parquet", options: { column: 7 } }, // column must be a string or null
      { kind: "tar", name: "s.tar", options: {} }, // no groupByKey
      { kind: "evil", name: "x", options: {} },
      { kind: "dir", name: 42, options: {} },
      null,
    ] as unknown as ManifestHeader["sources"];
    for (const id of ["rows.csv:0", "rows.csv:x", "rows.csv", "t.parquet#1", "s.tar/a.jpg", "x/y", "42/a"]) expect(locateId(sources, id), id).to.equal(undefined);
    expect(locateId(sources, "rows.csv:12")).to.include({ kind: "line", line: 12 });
  });

  it("refuses recorded paths that leave the directory they are resolved against", () => {
    for (const bad of ["/etc/passwd", "../x", "a/../../b", "", "C:/x"]) expect(isContainedPath(bad), bad).to.equal(false);
    for (const good of ["a", "a/b.tar", "..a/b", "a/..b"]) expect(isContainedPath(good), good).to.equal(true);
  });
});
