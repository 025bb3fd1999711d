/**
 * The registration journal's lock and the tasks' build lock, exercised by
 * real child processes: mutual exclusion under contention, a live holder
 * refused (journal) or waited for (build), a SIGKILLed holder's lock taken over.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    it(`${kind} lock: 4 processes × 25 turns never overlap and lose no update`, async () => {
      const target = kind === "journal" ? path.join(dir, "registration.json") : dir;
      const counter = path.join(dir, "counter");
      writeFileSync(counter, "0");
      const runs = Array.from({ length: 4 }, () => contender(["contend", kind, target, counter, "25"]));
      children.push(...runs);
      const results = await Promise.all(runs.map(finished));
      for (const r of results) expect(r.code, r.stderr).to.equal(0);
      expect(results.map((r) => JSON.parse(r.stdout).overlaps)).to.deep.equal([0, 0, 0, 0]);
      expect(readFileSync(counter, "utf8")).to.equal("100");
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
