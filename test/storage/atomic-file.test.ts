/** src/storage/atomic-file.ts: whole-file writes that replace atomically or refuse an existing file, leaving no temp file. */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { writeFileAtomic } from "../../src/storage/atomic-file.js";

async function rejection(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await promise;
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error("expected a rejection");
}

describe("writeFileAtomic", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "datatrace-atomic-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("replaces the whole file and leaves no temp file", async () => {
    const file = path.join(dir, "f.json");
    await writeFileAtomic(file, "old");
    await writeFileAtomic(file, "new content");
    expect(await readFile(file, "utf8")).to.equal("new content");
    expect(await readdir(dir)).to.deep.equal(["f.json"]);
  });

  it("writes bytes as given", async () => {
    const file = path.join(dir, "b.bin");
    const bytes = Uint8Array.from([0, 255, 1, 254]);
    await writeFileAtomic(file, bytes);
    expect([...(await readFile(file))]).to.deep.equal([...bytes]);
  });

  it("with replace: false, writes a new file but leaves an existing one as it is (EEXIST), and no temp file", async () => {
    const file = path.join(dir, "out.txt");
    await writeFileAtomic(file, "first", { replace: false });
    expect(await readFile(file, "utf8")).to.equal("first");
    const error = await rejection(writeFileAtomic(file, "second", { replace: false }));
    expect(error.code).to.equal("EEXIST");
    expect(await readFile(file, "utf8")).to.equal("first");
    expect(await readdir(dir)).to.deep.equal(["out.txt"]);
  });

  it("fails cleanly when the directory does not exist", async () => {
    const error = await rejection(writeFileAtomic(path.join(dir, "missing", "f"), "x"));
    expect(error.code).to.equal("ENOENT");
    expect(await readdir(dir)).to.deep.equal([]);
  });
});
