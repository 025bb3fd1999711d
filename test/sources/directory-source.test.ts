import { expect } from "chai";
import { chmodSync, mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";

import { DirectorySource } from "../../src/sources/directory-source.js";
import type { BatchContext, FilesBatch } from "../../src/sources/sample-batch.js";
import { SourceError } from "../../src/sources/source-error.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";

async function list(source: DirectorySource): Promise<string[]> {
  const out: string[] = [];
  for await (const e of source.entries()) out.push(e.relativePath);
  return out;
}

const noSlots: Omit<BatchContext, "part" | "withIds"> = {
  acquireSlot: () => Promise.reject(new Error("a directory source needs no slot")),
  releaseSlot: () => undefined,
};

async function batchIds(source: DirectorySource, part?: { index: number; count: number }): Promise<string[]> {
  const ids: string[] = [];
  for await (const b of source.batches({ ...noSlots, withIds: true, part })) {
    expect(b.kind).to.equal("files");
    ids.push(...((b as FilesBatch).ids ?? []));
  }
  return ids;
}

describe("DirectorySource", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("dirsrc"));
  });
  afterEach(() => cleanup());

  it("lists regular files in byte-wise order of their relative POSIX paths", async () => {
    writeTree(dir, { "a.txt": "1", "a/b": "2", "B": "3", "a-b": "4", "é": "5", "z/y/x": "6", "a0": "7" });
    const listed = await list(new DirectorySource(dir, "."));
    const expected = [...listed].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(listed).to.deep.equal(expected);
    expect(listed).to.deep.equal(["B", "a-b", "a.txt", "a/b", "a0", "z/y/x", "é"]);
  });

  it("skips hidden files and directories unless includeHidden", async () => {
    writeTree(dir, { ".env": "s", ".git/config": "c", "a/.cache": "x", "a/b": "y" });
    expect(await list(new DirectorySource(dir, "."))).to.deep.equal(["a/b"]);
    expect(await list(new DirectorySource(dir, ".", { includeHidden: true }))).to.deep.equal([".env", ".git/config", "a/.cache", "a/b"]);
  });

  it("applies include and exclude globs", async () => {
    writeTree(dir, { "img/1.png": "a", "img/2.jpg": "b", "tmp/3.png": "c", "4.png": "d" });
    const source = new DirectorySource(dir, ".", { include: ["*.png"], exclude: ["tmp"] });
    expect(await list(source)).to.deep.equal(["4.png", "img/1.png"]);
  });

  it("does not follow symbolic links by default", async () => {
    writeTree(dir, { "real/a": "1", "other/b": "2" });
    symlinkSync(path.join(dir, "other"), path.join(dir, "real", "link"));
    symlinkSync(path.join(dir, "other", "b"), path.join(dir, "real", "filelink"));
    expect(await list(new DirectorySource(path.join(dir, "real"), "real"))).to.deep.equal(["a"]);
  });

  it("follows symbolic links when asked, sorting a linked directory as a directory", async () => {
    writeTree(dir, { "real/a": "1", "other/b": "2" });
    symlinkSync(path.join(dir, "other"), path.join(dir, "real", "link"));
    symlinkSync(path.join(dir, "other", "b"), path.join(dir, "real", "link.txt"));
    const source = new DirectorySource(path.join(dir, "real"), "real", { followSymlinks: true });
    expect(await list(source)).to.deep.equal(["a", "link.txt", "link/b"]);
  });

  it("skips a symbolic link loop and reports it as a warning", async () => {
    writeTree(dir, { "root/sub/f": "1" });
    symlinkSync(path.join(dir, "root"), path.join(dir, "root", "sub", "up"));
    const source = new DirectorySource(path.join(dir, "root"), "root", { followSymlinks: true });
    expect(await list(source)).to.deep.equal(["sub/f"]);
    expect(source.warnings.join("\n")).to.match(/loop root\/sub\/up/);
  });

  it("skips broken symbolic links with a warning when following links", async () => {
    writeTree(dir, { "d/a": "1" });
    symlinkSync(path.join(dir, "missing"), path.join(dir, "d", "broken"));
    const source = new DirectorySource(path.join(dir, "d"), "d", { followSymlinks: true });
    expect(await list(source)).to.deep.equal(["a"]);
    expect(source.warnings.join("\n")).to.match(/broken symbolic link d\/broken/);
  });

  it("prefixes ids with the source name unless the source is the base directory", async () => {
    writeTree(dir, { "data/x/1": "a" });
    expect(await batchIds(new DirectorySource(path.join(dir, "data"), "data"))).to.deep.equal(["data/x/1"]);
    expect(await batchIds(new DirectorySource(path.join(dir, "data"), "."))).to.deep.equal(["x/1"]);
  });

  it("splits the listing into contiguous parts that cover every file once", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 23; i++) files[`f${String(i).padStart(2, "0")}`] = String(i);
    writeTree(dir, files);
    const whole = await batchIds(new DirectorySource(dir, "."));
    for (const n of [1, 2, 5, 30]) {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(...(await batchIds(new DirectorySource(dir, "."), { index: i, count: n })));
      expect(parts, `${n} parts`).to.deep.equal(whole);
    }
  });

  it("changes its fingerprint when the listing changes", async () => {
    writeTree(dir, { a: "1" });
    const before = await new DirectorySource(dir, ".").fingerprint();
    writeTree(dir, { b: "2" });
    const after = await new DirectorySource(dir, ".").fingerprint();
    expect(before).to.match(/^files=1;/);
    expect(after).to.match(/^files=2;/);
  });

  it("fails with the directory's name when no file is left", async () => {
    writeTree(dir, { "data/.hidden": "x" });
    mkdirSync(path.join(dir, "data", "empty"));
    const source = new DirectorySource(path.join(dir, "data"), "data");
    const error = await batchIds(source).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SourceError);
    expect((error as SourceError).message).to.match(/Directory data contains no samples/);
    expect((error as SourceError).file).to.equal("data");
  });

  it("fails naming an unreadable subdirectory", async function () {
    if (process.getuid?.() === 0) this.skip(); // root reads everything
    writeTree(dir, { "d/locked/f": "1" });
    chmodSync(path.join(dir, "d", "locked"), 0o000);
    try {
      const error = await list(new DirectorySource(path.join(dir, "d"), "d")).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/Cannot list directory d\/locked: permission denied/);
    } finally {
      chmodSync(path.join(dir, "d", "locked"), 0o755);
    }
  });
});
