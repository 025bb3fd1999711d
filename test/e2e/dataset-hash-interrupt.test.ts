/**
 * `dataset hash` under real signals, in real child processes: Ctrl-C
 * (SIGINT) and SIGTERM remove the staging directory and its bucket files,
 * say what was interrupted, and exit 130 / 143; a run killed with SIGKILL
 * (hash or register) leaves its staging directory, which the next run in the
 * same place removes; `--out` keeps a different manifest unless `--force`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { childEnv, collect, spawnHardhat } from "./helpers.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { Random } from "../fixtures/seeded-random.js";

/** An IDX file of `count` random 16-byte records (big enough that hashing it with a small memory budget takes seconds). */
function writeBigIdx(file: string, count: number): void {
  const header = Buffer.alloc(12);
  header[2] = 0x08;
  header[3] = 2;
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(16, 8);
  writeFileSync(file, Buffer.concat([header, new Random(`big IDX ${count}`).bytes(count * 16)]));
}

/** Staging directories in `parent`. */
function stagingDirs(parent: string): string[] {
  return existsSync(parent) ? readdirSync(parent).filter((n) => n.includes(".staging-")) : [];
}

/** Waits (polling the file system) until a staging directory with bucket files exists in `parent`. */
async function untilSpilling(parent: string, child: ChildProcess, output: () => string): Promise<string> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the command ended before it was interrupted:\n${output()}`);
    for (const name of stagingDirs(parent)) {
      const work = path.join(parent, name, ".work");
      if (existsSync(work) && readdirSync(work).some((f) => f.startsWith("bucket-"))) return name;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid of a process that has already ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("close", resolve));
  return child.pid!;
}

describe("dataset hash: interrupted runs and their leftovers", function () {
  this.timeout(240_000);
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir("interrupt"));
    writeBigIdx(path.join(dir, "big.idx"), 3_000_000);
    writeTree(dir, { "small/a.txt": "a", "small/b.txt": "b", "other/c.txt": "c" });
  });
  after(() => cleanup());

  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal} while hashing: removes the staging directory and its bucket files, says what was interrupted, exits ${code}`, async () => {
      const parent = path.join(dir, `out-${signal}`);
      const out = path.join(parent, "m");
      const child = spawnHardhat(
        ["dataset", "hash", path.join(dir, "big.idx"), "--out", out, "--memory-budget", "1MiB", "--threads", "1", "--progress", "json"],
        childEnv({}),
      );
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
      const result = collect(child, 200_000, `dataset hash (${signal})`);
      const staging = await untilSpilling(parent, child, () => stderr);
      child.kill(signal);
      const { code: exit, stderr: printed } = await result;
      expect(exit, printed).to.equal(code);
      expect(printed).to.match(new RegExp(`dataset hash of .*big\\.idx interrupted by ${signal} after [\\d,]+ samples \\([\\d,]+ bytes\\): no manifest was written, and its unfinished files were removed`));
      expect(printed).to.not.match(/An unexpected error occurred|report a bug/);
      expect(stagingDirs(parent), `left: ${staging}`).to.deep.equal([]);
      expect(existsSync(out)).to.equal(false);
    });
  }

  it("the next run removes staging directories of dead processes (a SIGKILLed hash), keeping live ones", async () => {
    const parent = path.join(dir, "out-kill");
    const child = spawnHardhat(
      ["dataset", "hash", path.join(dir, "big.idx"), "--out", path.join(parent, "m"), "--memory-budget", "1MiB", "--threads", "1"],
      childEnv({}),
    );
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const ended = collect(child, 200_000, "dataset hash (SIGKILL)");
    const killed = await untilSpilling(parent, child, () => stderr);
    child.kill("SIGKILL");
    await ended;
    expect(stagingDirs(parent)).to.deep.equal([killed]); // SIGKILL cannot be handled: the debris stays
    // A staging directory of a live process (this one's parent shell stands in) must survive the sweep.
    const live = `.m.staging-${process.ppid}-0123abcd`;
    mkdirSync(path.join(parent, live));
    const dead = `.manifest.staging-${await deadPid()}-89abcdef`;
    mkdirSync(path.join(parent, dead, ".work"), { recursive: true });
    const next = await collect(spawnHardhat(["dataset", "hash", path.join(dir, "small"), "--out", path.join(parent, "m"), "--threads", "1"], childEnv({})), 120_000, "next dataset hash");
    expect(next.code, next.stderr).to.equal(0);
    expect(stagingDirs(parent).sort()).to.deep.equal([live]);
    expect(next.stderr).to.match(/warning: removed 2 staging directories left in .* by interrupted runs/);
  });

  it("a killed `dataset register` leaves .manifest.staging-*, removed by the next run in that manifests directory", async () => {
    const work = path.join(dir, "dt");
    const manifests = path.join(work, "manifests");
    const child = spawnHardhat(
      ["dataset", "register", path.join(dir, "big.idx"), "--name", "big", "--license", "MIT", "--dir", work, "--threads", "1", "--quiet"],
      childEnv({}),
    );
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const ended = collect(child, 200_000, "dataset register (SIGKILL)");
    for (;;) {
      if (child.exitCode !== null) throw new Error(`register ended before it was killed:\n${stderr}`);
      if (stagingDirs(manifests).some((n) => n.startsWith(".manifest.staging-"))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await ended;
    expect(stagingDirs(manifests).some((n) => n.startsWith(".manifest.staging-"))).to.equal(true);
    // `dataset hash` with its default destination under the same manifests directory sweeps it.
    const next = await collect(spawnHardhat(["dataset", "hash", path.join(dir, "small"), "--out", path.join(manifests, "again"), "--threads", "1"], childEnv({})), 120_000, "next dataset hash");
    expect(next.code, next.stderr).to.equal(0);
    expect(stagingDirs(manifests)).to.deep.equal([]);
  });

  it("--out refuses to replace a directory holding a different manifest unless --force; the same manifest is rewritten", async () => {
    const out = path.join(dir, "kept");
    const first = await collect(spawnHardhat(["dataset", "hash", path.join(dir, "small"), "--out", out, "--threads", "1", "--quiet"], childEnv({})), 120_000, "first");
    expect(first.code, first.stderr).to.equal(0);
    const header = readFileSync(path.join(out, "header.json"), "utf8");
    const same = await collect(spawnHardhat(["dataset", "hash", path.join(dir, "small"), "--out", out, "--threads", "1", "--quiet"], childEnv({})), 120_000, "same");
    expect(same.code, same.stderr).to.equal(0);
    const other = await collect(spawnHardhat(["dataset", "hash", path.join(dir, "other"), "--out", out, "--threads", "1", "--quiet"], childEnv({})), 120_000, "other");
    expect(other.code).to.not.equal(0);
    expect(other.stderr).to.match(/already holds a different manifest \(root 0x[0-9a-f]{64}, not 0x[0-9a-f]{64}\); refusing to replace it\. Pass --force/);
    expect(other.stderr).to.not.match(/An unexpected error occurred/);
    expect(readFileSync(path.join(out, "header.json"), "utf8")).to.equal(header);
    expect(stagingDirs(dir)).to.deep.equal([]);
    const forced = await collect(spawnHardhat(["dataset", "hash", path.join(dir, "other"), "--out", out, "--force", "--threads", "1", "--quiet"], childEnv({})), 120_000, "forced");
    expect(forced.code, forced.stderr).to.equal(0);
    expect(readFileSync(path.join(out, "header.json"), "utf8")).to.not.equal(header);
  });
});
