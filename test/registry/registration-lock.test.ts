/**
 * The registration journal's lock and the tasks' build lock, exercised by
 * real child processes: mutual exclusion under contention, a live holder
 * refused (journal) or waited for (build), a SIGKILLed holder's lock taken over.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { acquireRegistrationLock } from "../../src/registry/journal.js";
import { lockBuild } from "../../tasks/shared/ensure-built.js";
import { ROOT } from "../e2e/helpers.js";

const NODE = path.join(ROOT, "node_modules", "node", "bin", "node");
const CONTENDER = path.join(ROOT, "test", "fixtures", "lock-contender.ts");

function contender(args: string[]): ChildProcess {
  return spawn(NODE, ["--import", "tsx", CONTENDER, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
}

async function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  return { code, stdout, stderr };
}

/** Starts a child that takes the lock and keeps it; resolves once it holds it. */
async function holder(kind: "journal" | "build", target: string): Promise<ChildProcess> {
  const child = contender(["hold", kind, target]);
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("held")) resolve();
    });
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child.once("close", (code) => reject(new Error(`the lock holder exited with ${code}: ${out}`)));
  });
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  const closed = new Promise((resolve) => child.once("close", resolve));
  child.kill("SIGKILL");
  await closed;
}

describe("registration and build locks, across processes", function () {
  this.timeout(180_000);
  let dir: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "datatrace-lock-"));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) await kill9(child);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ["journal", "build"] as const) {
    it(`${kind} lock: 6 processes × 100 turns never overlap and lose no update`, async () => {
      const target = kind === "journal" ? path.join(dir, "registration.json") : dir;
      const counter = path.join(dir, "counter");
      writeFileSync(counter, "0");
      // Enough turns that a waiter sometimes reads the lock file just as its
      // holder releases it (the library used before then removed the next
      // holder's lock: these contenders overlapped in 2 of 4 runs with it on
      // the loaded machine, and CI once saw it with 4 × 25).
      const runs = Array.from({ length: 6 }, () => contender(["contend", kind, target, counter, "100"]));
      children.push(...runs);
      const results = await Promise.all(runs.map(finished));
      for (const r of results) expect(r.code, r.stderr).to.equal(0);
      expect(results.map((r) => JSON.parse(r.stdout).overlaps)).to.deep.equal([0, 0, 0, 0, 0, 0]);
      expect(readFileSync(counter, "utf8")).to.equal("600");
    });
  }

  for (const kind of ["journal", "build"] as const) {
    it(`${kind} lock: 4 lines of 6 processes that each die holding the lock never overlap; every dead holder's lock is taken over once`, async () => {
      // Each death leaves a stale lock that the other lines race to take over:
      // a takeover that removed a fresh lock instead (the ABA race of the
      // library used before) shows as an overlap or a lost update.
      const target = kind === "journal" ? path.join(dir, "registration.json") : dir;
      const counter = path.join(dir, "counter");
      writeFileSync(counter, "0");
      const line = async (): Promise<number[]> => {
        const overlaps: number[] = [];
        for (let i = 0; i < 6; i++) {
          const child = contender(["contend-then-die", kind, target, counter, "4"]);
          children.push(child);
          const r = await finished(child);
          expect(r.code, r.stderr).to.equal(0);
          overlaps.push(JSON.parse(r.stdout).overlaps);
        }
        return overlaps;
      };
      const lines = await Promise.all([line(), line(), line(), line()]);
      expect(lines.flat()).to.deep.equal(new Array(24).fill(0));
      expect(readFileSync(counter, "utf8")).to.equal(String(4 * 6 * 4));
      const leftovers = readdirSync(dir).filter((f) => f.includes(".tmp-") || f.endsWith(".break"));
      expect(leftovers, "temp or break files left behind").to.deep.equal([]);
    });
  }

  it("journal lock: refuses a registration another live process runs, naming it; takes over after that process is killed", async () => {
    const file = path.join(dir, "677e46ef0000.json");
    const child = await holder("journal", file);
    children.push(child);
    let message = "";
    await acquireRegistrationLock(file, 200).then(
      () => expect.fail("the lock was taken while held"),
      (error: Error) => (message = error.message),
    );
    expect(message).to.match(new RegExp(`Registration 677e46ef0000… is being run by process ${child.pid}\\.`));
    expect(message).to.match(/Wait for it to finish.*If no such run is active, delete .*677e46ef0000\.json\.lock/);
    await kill9(child);
    expect(existsSync(`${file}.lock`)).to.equal(true); // left behind by the killed holder
    const release = await acquireRegistrationLock(file, 200);
    expect(JSON.parse(readFileSync(`${file}.lock`, "utf8")).pid).to.equal(process.pid);
    await release();
    expect(existsSync(`${file}.lock`)).to.equal(false);
  });

  it("build lock: waits for a live holder and says so after its timeout; takes a killed holder's lock", async () => {
    const child = await holder("build", dir);
    children.push(child);
    let message = "";
    await lockBuild(dir, 300).then(
      () => expect.fail("the build lock was taken while held"),
      (error: Error) => (message = error.message),
    );
    expect(message).to.match(/Another command has been building the project/);
    await kill9(child);
    const release = await lockBuild(dir, 5_000);
    await release();
  });
});
