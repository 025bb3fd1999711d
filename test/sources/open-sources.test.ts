import { expect } from "chai";
import { symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

import { fsErrorAdvice } from "../../src/sources/describe-fs-error.js";
import { openSources } from "../../src/sources/open-sources.js";
import { sourceName } from "../../src/sources/source-name.js";
import { idxBytes, records, tempDir, writeIdx, writeTree } from "../fixtures/dataset-fixtures.js";

describe("openSources", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("open"));
  });
  afterEach(() => cleanup());

  it("detects directories, line files and IDX files (plain, gzip'd, any name)", async () => {
    writeTree(dir, { "imgs/a.png": "x", "t.csv": "h\n1\n", "u.jsonl": "{}\n" });
    writeIdx(path.join(dir, "train-images-idx3-ubyte"), records(2, 4), [2, 2]);
    writeIdx(path.join(dir, "labels.gz"), records(2, 1), []);
    const sources = await openSources(["imgs", "t.csv", "u.jsonl", "train-images-idx3-ubyte", "labels.gz"], { baseDir: dir });
    expect(sources.map((s) => [s.description.kind, s.description.name])).to.deep.equal([
      ["dir", "imgs"],
      ["lines", "t.csv"],
      ["lines", "u.jsonl"],
      ["idx", "train-images-idx3-ubyte"],
      ["idx", "labels.gz"],
    ]);
  });

  it("records every option explicitly in the description", async () => {
    writeTree(dir, { "d/a": "x", "t.csv": "1\n" });
    const [d, t] = await openSources(["d", "t.csv"], { baseDir: dir, include: ["*.a"], header: false });
    expect(d!.description).to.deep.equal({
      kind: "dir",
      name: "d",
      options: { include: ["*.a"], exclude: [], includeHidden: false, followSymlinks: false },
    });
    expect(t!.description).to.deep.equal({ kind: "lines", name: "t.csv", options: { format: "csv", header: false } });
  });

  it("names sources relative to the base directory, never absolute", () => {
    expect(sourceName(path.join(dir, "a", "b"), dir)).to.equal("a/b");
    expect(sourceName(dir, dir)).to.equal(".");
    expect(sourceName("/elsewhere/data.csv", dir)).to.equal("data.csv");
  });

  it("refuses a file of unknown kind and says how to fix it", async () => {
    writeFileSync(path.join(dir, "blob.bin"), "xyz");
    const error = await openSources(["blob.bin"], { baseDir: dir }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/Cannot tell how to read blob\.bin.*Pass --kind lines, idx, tar or parquet/);
  });

  it("refuses gzip'd line files", async () => {
    writeFileSync(path.join(dir, "t.csv.gz"), gzipSync("a\n"));
    const error = await openSources(["t.csv.gz"], { baseDir: dir }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/gzip'd line files are not supported; decompress it first/);
  });

  it("honours a forced kind and refuses a directory/file mismatch", async () => {
    writeTree(dir, { "data.bin": "a\nb\n", "d/x": "1" });
    const [s] = await openSources(["data.bin"], { baseDir: dir, kind: "lines" });
    expect(s!.description.kind).to.equal("lines");
    const e1 = await openSources(["d"], { baseDir: dir, kind: "idx" }).catch((e: unknown) => e);
    expect((e1 as Error).message).to.match(/d is a directory, but --kind idx needs a file/);
    const e2 = await openSources(["data.bin"], { baseDir: dir, kind: "dir" }).catch((e: unknown) => e);
    expect((e2 as Error).message).to.match(/data\.bin is a file, but --kind dir needs a directory/);
  });

  it("refuses a missing source, naming it and saying to check the path", async () => {
    const error = await openSources(["nope"], { baseDir: dir }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(
      `Cannot read source nope: no such file or directory. Nothing exists at ${path.join(dir, "nope")}: ` +
        `check the path (a relative path is resolved against ${dir}).`,
    );
  });

  it("says the path goes through a file when a parent of the source is not a directory", async () => {
    writeTree(dir, { "file.txt": "x\n" });
    const error = await openSources(["file.txt/inner"], { baseDir: dir }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/^Cannot read source file\.txt\/inner: not a directory\. Part of the path .* is a file, not a directory: check the path\.$/);
  });

  it("says to fix a loop of symbolic links", async () => {
    symlinkSync(path.join(dir, "loop-b"), path.join(dir, "loop-a"));
    symlinkSync(path.join(dir, "loop-a"), path.join(dir, "loop-b"));
    const error = await openSources(["loop-a"], { baseDir: dir }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/too many levels of symbolic links\. The path .*loop-a goes through a loop of symbolic links/);
  });

  it("advises checking permissions on a permission error (EACCES, EPERM) and the path otherwise", () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(fsErrorAdvice(err("EACCES"), "/data/x", "/work")).to.equal(
      "Check the permissions of /data/x and of every directory above it (ls -ld), or run as a user who may read it.",
    );
    expect(fsErrorAdvice(err("EPERM"), "/data/x", "/work")).to.match(/^Check the permissions of \/data\/x/);
    expect(fsErrorAdvice(err("EIO"), "/data/x", "/work")).to.equal("Check the path /data/x and its permissions.");
    expect(fsErrorAdvice("not an error", "/data/x", "/work")).to.equal("Check the path /data/x and its permissions.");
  });

  it("refuses overlapping sources and the same source twice", async () => {
    writeTree(dir, { "d/sub/x": "1", "d/t.csv": "h\n1\n" });
    const nested = await openSources(["d", "d/sub"], { baseDir: dir }).catch((e: unknown) => e);
    expect((nested as Error).message).to.match(/d\/sub is inside d: its samples would be counted twice/);
    const inner = await openSources(["d/t.csv", "d"], { baseDir: dir }).catch((e: unknown) => e);
    expect((inner as Error).message).to.match(/d\/t\.csv is inside d/);
    const twice = await openSources(["d", "./d/"], { baseDir: dir }).catch((e: unknown) => e);
    expect((twice as Error).message).to.match(/would both be recorded as "d"/);
  });

  it("refuses two sources outside the base directory with the same base name", async () => {
    const other = tempDir("open-other");
    try {
      writeTree(other.dir, { "x/data/a": "1", "y/data/b": "2" });
      const error = await openSources([path.join(other.dir, "x", "data"), path.join(other.dir, "y", "data")], { baseDir: dir }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).to.match(/would both be recorded as "data". Run from a directory containing both/);
    } finally {
      other.cleanup();
    }
  });

  it("refuses an empty source list", async () => {
    const error = await openSources([], { baseDir: dir }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/No source given/);
  });

  it("detects tar shards by name, Parquet by name or PAR1 magic, and image folders by their metadata file", async () => {
    writeTree(dir, {
      "s.tar": "",
      "s2.tar.gz": "",
      "s3.tgz": "",
      "t.parquet": "",
      "renamed.bin": "PAR1 and then anything",
      "pets/cat.jpg": "x",
      "pets/metadata.csv": "file_name,text\ncat.jpg,a cat\n",
      "split/train/metadata.jsonl": "{}\n",
      "split/train/a.jpg": "y",
      "plain/metadata.txt": "not a metadata file",
    });
    const sources = await openSources(["s.tar", "s2.tar.gz", "s3.tgz", "t.parquet", "renamed.bin", "pets", "split", "plain"], { baseDir: dir });
    expect(sources.map((s) => [s.description.kind, s.description.name])).to.deep.equal([
      ["tar", "s.tar"],
      ["tar", "s2.tar.gz"],
      ["tar", "s3.tgz"],
      ["parquet", "t.parquet"],
      ["parquet", "renamed.bin"],
      ["imagefolder", "pets"],
      ["imagefolder", "split"],
      ["dir", "plain"],
    ]);
  });

  it("takes tar and parquet kinds for directories too, and refuses a file where a folder kind needs a directory", async () => {
    writeTree(dir, { "shards/a.tar": "", "data/x.parquet": "", "f.txt": "x\n" });
    const [t, p] = await openSources(["shards", "data"], { baseDir: dir, kind: "tar" });
    expect(t?.description.kind).to.equal("tar");
    expect(p?.description.kind).to.equal("tar");
    const e = await openSources(["f.txt"], { baseDir: dir, kind: "imagefolder" }).catch((error: unknown) => error);
    expect((e as Error).message).to.match(/f\.txt is a file, but --kind imagefolder needs a directory/u);
  });

  it("refuses an option that applies to no source instead of ignoring it", async () => {
    writeTree(dir, { "d/a": "x", "s.tar": "" });
    const column = await openSources(["d"], { baseDir: dir, column: "image" }).catch((e: unknown) => e);
    expect((column as Error).message).to.equal("--column applies to Parquet sources, and no source is one (kinds here: dir). Remove --column, or pass --kind parquet if a source is one.");
    const group = await openSources(["d"], { baseDir: dir, groupByKey: true }).catch((e: unknown) => e);
    expect((group as Error).message).to.match(/^--group-by-key applies to tar \(WebDataset\) sources/u);
    const meta = await openSources(["s.tar"], { baseDir: dir, hashMetadata: true }).catch((e: unknown) => e);
    expect((meta as Error).message).to.match(/^--hash-metadata applies to image folders, and no source is one \(kinds here: tar\)/u);
  });

  it("reads a .gz IDX file's magic through zlib for detection", async () => {
    writeFileSync(path.join(dir, "weird-name.gz"), gzipSync(idxBytes(records(1, 4), [4])));
    const [s] = await openSources(["weird-name.gz"], { baseDir: dir });
    expect(s!.description).to.deep.equal({ kind: "idx", name: "weird-name.gz", options: { gzip: true } });
  });
});
