/**
 * `dataset register` takes the source options of `dataset hash`, and both
 * report skipped symbolic links on stderr only (stdout carries the data).
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { tempDir } from "../fixtures/dataset-fixtures.js";
import { runTaskCapturingStderr as runTask } from "../fixtures/run-task-capturing.js";

/** Options of `dataset hash` that are about where the output goes, not how the sources are read and hashed. */
const OUTPUT_ONLY = new Set(["out", "force", "part", "partialOut", "createdAt", "progress", "json", "quiet"]);

describe("dataset register: the source options of dataset hash", function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir("register-options"));
    mkdirSync(path.join(dir, "files"));
    writeFileSync(path.join(dir, "files", "a.txt"), "alpha");
    writeFileSync(path.join(dir, "outside.txt"), "linked from inside");
    symlinkSync(path.join(dir, "outside.txt"), path.join(dir, "files", "link.txt"));
    symlinkSync(path.join(dir, "missing.txt"), path.join(dir, "files", "broken.txt"));
    writeFileSync(path.join(dir, "rows.csv"), "first row\nsecond row\n");
  });
  after(() => cleanup());

  it("declares every source and hashing option of `dataset hash`", () => {
    const hashOptions = [...hre.tasks.getTask(["dataset", "hash"]).options.keys()].filter((o) => !OUTPUT_ONLY.has(o));
    const registerOptions = new Set(hre.tasks.getTask(["dataset", "register"]).options.keys());
    expect(hashOptions).to.include.members(["followSymlinks", "header", "noHeader", "memoryBudget", "kind", "include", "exclude", "hidden", "threads"]);
    expect(hashOptions.filter((o) => !registerOptions.has(o))).to.deep.equal([]);
  });

  it("--follow-symlinks: the linked file is a sample; the broken link is reported on stderr, never on stdout", async () => {
    const base = { sources: [path.join(dir, "files")], name: "links", license: "MIT", dir: path.join(dir, "dt-links"), threads: 1, json: true };
    const plain = await runTask<{ sampleCount: number }>(["dataset", "register"], base);
    expect(JSON.parse(plain.stdout).sampleCount).to.equal(1);
    const followed = await runTask(["dataset", "register"], { ...base, followSymlinks: true, json: false });
    expect(followed.stdout).to.match(/leaves +2 distinct samples \(2 read/);
    expect(followed.stdout).to.not.match(/symbolic link|broken/);
    expect(followed.stderr).to.match(/warning: skipped broken symbolic link files\/broken\.txt/);
  });

  it("--no-header keeps line 1 of a CSV as a sample; --header and --no-header together are refused", async () => {
    const base = { sources: [path.join(dir, "rows.csv")], name: "rows", license: "MIT", dir: path.join(dir, "dt-rows"), threads: 1, json: true, quiet: true };
    const withHeader = JSON.parse((await runTask(["dataset", "register"], base)).stdout);
    expect(withHeader.sampleCount).to.equal(1);
    const noHeader = JSON.parse((await runTask(["dataset", "register"], { ...base, noHeader: true })).stdout);
    expect(noHeader.sampleCount).to.equal(2);
    await runTask(["dataset", "register"], { ...base, header: true, noHeader: true }).then(
      () => expect.fail("contradictory flags accepted"),
      (error: Error) => expect(error.message).to.match(/--header and --no-header contradict/),
    );
  });

  it("--memory-budget is parsed and used (a tiny budget spills and gives the same root)", async () => {
    const base = { sources: [path.join(dir, "files")], name: "budget", license: "MIT", threads: 1, json: true, quiet: true };
    const big = JSON.parse((await runTask(["dataset", "register"], { ...base, dir: path.join(dir, "dt-b1") })).stdout);
    const small = JSON.parse((await runTask(["dataset", "register"], { ...base, dir: path.join(dir, "dt-b2"), memoryBudget: "1" })).stdout);
    expect(small.root).to.equal(big.root);
    await runTask(["dataset", "register"], { ...base, dir: path.join(dir, "dt-b3"), memoryBudget: "lots" }).then(
      () => expect.fail("a bad memory budget was accepted"),
      (error: Error) => expect(error.message).to.match(/Cannot read "lots" as a size/),
    );
  });

  it("dataset hash prints skipped links on stderr, never with the report on stdout", async () => {
    const { stdout, stderr } = await runTask(["dataset", "hash"], { sources: [path.join(dir, "files")], out: path.join(dir, "m"), followSymlinks: true, threads: 1 });
    expect(stdout).to.match(/^root +0x/m);
    expect(stdout).to.not.match(/warning|symbolic/);
    expect(stderr).to.match(/warning: skipped broken symbolic link files\/broken\.txt/);
    const quiet = await runTask(["dataset", "hash"], { sources: [path.join(dir, "files")], out: path.join(dir, "m"), followSymlinks: true, threads: 1, quiet: true });
    expect(quiet.stdout.trim()).to.match(/^0x[0-9a-f]{64}$/);
  });
});
