import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { DirectorySource } from "../../src/sources/directory-source.js";
import type { BatchContext, FilesBatch } from "../../src/sources/sample-batch.js";
import { SourceError } from "../../src/sources/source-error.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";

async function list(source: DirectorySource): Promise<string[]> {
  const out: string[] = [];
  for await (const e of source.entries()) out.push(e.relativePath);
  return out;
}

const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** The unprivileged user a root test run lists as (permissions do not apply to root). */
const NOBODY = 65534;

/**
 * Lists `root` with a DirectorySource in a child process: as `nobody` when
 * this process is root, else as ourselves. `scratch` must be readable by
 * that user (the child's script is written there).
 */
function listInChildProcess(root: string, name: string, scratch: string): { entries?: string[]; error?: string } {
  const script = path.join(scratch, "list-directory.mts");
  writeFileSync(
    script,
    `import { DirectorySource } from ${JSON.stringify(pathToFileURL(path.join(REPO, "src/sources/directory-source.ts")).href)};
const source = new DirectorySource(process.env.LIST_ROOT, process.env.LIST_NAME);
try {
  const entries = [];
  for await (const entry of source.entries()) entries.push(entry.relativePath);
  console.log(JSON.stringify({ entries }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message }));
}
`,
  );
  const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  const child = spawnSync(process.execPath, ["--import", "tsx", script], {
    cwd: REPO,
    env: { ...process.env, LIST_ROOT: root, LIST_NAME: name },
    encoding: "utf8",
    timeout: 15_000,
    ...asNobody,
  });
  if (child.status !== 0) throw new Error(`the listing process failed (${child.status ?? child.signal}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { entries?: string[]; error?: string };
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

  it("fails naming an unreadable subdirectory (checked as an unprivileged user, even when the tests run as root)", async function () {
    this.timeout(20_000);
    writeTree(dir, { "d/a": "1", "d/locked/f": "2" });
    chmodSync(dir, 0o755); // mkdtemp makes it 0700: let the unprivileged lister in
    chmodSync(path.join(dir, "d", "locked"), 0o000);
    try {
      const listed = listInChildProcess(path.join(dir, "d"), "d", dir);
      expect(listed.error).to.equal(
        "Cannot list directory d/locked: permission denied. Fix its permissions or leave it out with --exclude.",
      );
    } finally {
      chmodSync(path.join(dir, "d", "locked"), 0o755);
    }
  });

  it("fails naming a subdirectory removed between its parent's listing and its own", async () => {
    writeTree(dir, { "d/a": "1", "d/b/f": "2" });
    const walk = new DirectorySource(path.join(dir, "d"), "d").entries();
    expect((await walk.next()).value?.relativePath).to.equal("a"); // d is listed; b is entered only now
    rmSync(path.join(dir, "d", "b"), { recursive: true });
    const error = await walk.next().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SourceError);
    expect((error as SourceError).file).to.equal("d/b");
    expect((error as Error).message).to.equal(
      "Cannot list directory d/b: no such file or directory. It changed while the tree was being listed; rerun once the data stops changing.",
    );
  });

  it("fails naming a subdirectory replaced by a file during the walk", async () => {
    writeTree(dir, { "d/a": "1", "d/b/f": "2" });
    const walk = new DirectorySource(path.join(dir, "d"), "d").entries();
    await walk.next();
    rmSync(path.join(dir, "d", "b"), { recursive: true });
    writeFileSync(path.join(dir, "d", "b"), "now a file");
    const error = await walk.next().catch((e: unknown) => e);
    expect((error as Error).message).to.match(/^Cannot list directory d\/b: not a directory\. It changed while/);
  });

  it("leaves FIFOs out instead of blocking on them", async function () {
    writeTree(dir, { "d/a": "1", "d/z": "2" });
    execFileSync("mkfifo", [path.join(dir, "d", "pipe")]);
    const source = new DirectorySource(path.join(dir, "d"), "d");
    expect(await list(source)).to.deep.equal(["a", "z"]);
    expect(await batchIds(source)).to.deep.equal(["d/a", "d/z"]);
  });
});
