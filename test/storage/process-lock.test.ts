/**
 * The process lock's rules, one at a time, in this process with lock files
 * written by hand (the cross-process behaviour under contention is in
 * test/registry/registration-lock.test.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { acquireProcessLock, LockBusyError } from "../../src/storage/process-lock.js";

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

function holderFile(file: string, pid: number, token = "t".repeat(32)): void {
  writeFileSync(file, JSON.stringify({ pid, hostname: hostname(), token, createdAt: Date.now() }));
}

describe("storage: process lock", () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "datatrace-process-lock-"));
    lock = path.join(dir, "sub", "x.lock");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("takes a free lock (creating its directory), naming this process; release removes it, and a second release does nothing", async () => {
    const release = await acquireProcessLock(lock, 100);
    const holder = JSON.parse(readFileSync(lock, "utf8")) as { pid: number; hostname: string; token: string };
    expect(holder.pid).to.equal(process.pid);
    expect(holder.hostname).to.equal(hostname());
    expect(holder.token).to.match(/^[0-9a-f]{32}$/);
    await release();
    expect(existsSync(lock)).to.equal(false);
    const again = await acquireProcessLock(lock, 100);
    await release(); // the first acquisition's release: must not remove the second's lock
    expect(existsSync(lock)).to.equal(true);
    await again();
    expect(readdirSync(path.dirname(lock))).to.deep.equal([]);
  });

  it("refuses a lock a live process holds, after the wait, naming that process", async () => {
    const live = path.join(dir, "x.lock");
    holderFile(live, process.pid);
    const error = await acquireProcessLock(live, 50).then(
      () => expect.fail("took a live holder's lock"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(LockBusyError);
    expect((error as LockBusyError).holder?.pid).to.equal(process.pid);
    expect((error as LockBusyError).message).to.match(new RegExp(`held by process ${process.pid} \\(waited \\d+ ms\\)`));
    expect(existsSync(live)).to.equal(true);
  });

  it("waits for a holder on another host instead of judging its pid here", async () => {
    const file = path.join(dir, "x.lock");
    writeFileSync(file, JSON.stringify({ pid: deadPid(), hostname: `not-${hostname()}`, token: "a".repeat(32), createdAt: 1 }));
    await acquireProcessLock(file, 50).then(
      () => expect.fail("took another host's lock"),
      (e: unknown) => expect(e).to.be.instanceOf(LockBusyError),
    );
  });

  it("takes over a lock whose holder is dead, and one whose content names nobody", async () => {
    const file = path.join(dir, "x.lock");
    holderFile(file, deadPid());
    const release = await acquireProcessLock(file, 50);
    expect(JSON.parse(readFileSync(file, "utf8")).pid).to.equal(process.pid);
    await release();
    writeFileSync(file, "not json");
    const release2 = await acquireProcessLock(file, 50);
    expect(JSON.parse(readFileSync(file, "utf8")).pid).to.equal(process.pid);
    await release2();
  });

  it("leaves a stale lock alone while a live process holds its break lock, and waits (no spinning past the wait)", async () => {
    const file = path.join(dir, "x.lock");
    holderFile(file, deadPid(), "d".repeat(32));
    holderFile(`${file}.break`, process.pid, "b".repeat(32));
    await acquireProcessLock(file, 80).then(
      () => expect.fail("broke a lock while another process was breaking it"),
      (e: unknown) => expect(e).to.be.instanceOf(LockBusyError),
    );
    expect(JSON.parse(readFileSync(file, "utf8")).token).to.equal("d".repeat(32));
  });

  it("waits (yielding) and ends at the wait when the lock path is a dangling symlink, instead of spinning on it", async () => {
    mkdirSync(path.dirname(lock), { recursive: true });
    symlinkSync(path.join(dir, "nowhere"), lock);
    // Another process removes the symlink after 1.5 s: a synchronous spin would only end then, taking the lock.
    const remover = spawn(process.execPath, ["-e", `setTimeout(() => require("fs").unlinkSync(${JSON.stringify(lock)}), 1500)`], { stdio: "ignore" });
    const exited = new Promise((resolve) => remover.on("exit", resolve));
    const started = Date.now();
    try {
      await acquireProcessLock(lock, 80).then(
        () => expect.fail("spun on the dangling symlink until it was removed"),
        (e: unknown) => expect(e).to.be.instanceOf(LockBusyError),
      );
      expect(Date.now() - started).to.be.below(1000);
    } finally {
      await exited;
    }
  });

  it("removes a break lock left by a dead process, then takes the stale lock", async () => {
    const file = path.join(dir, "x.lock");
    holderFile(file, deadPid());
    holderFile(`${file}.break`, deadPid());
    const release = await acquireProcessLock(file, 1_000);
    expect(JSON.parse(readFileSync(file, "utf8")).pid).to.equal(process.pid);
    await release();
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it("release leaves a lock that is no longer this acquisition's", async () => {
    const file = path.join(dir, "x.lock");
    const release = await acquireProcessLock(file, 50);
    rmSync(file);
    holderFile(file, process.pid, "e".repeat(32)); // someone else's lock now
    await release();
    expect(JSON.parse(readFileSync(file, "utf8")).token).to.equal("e".repeat(32));
  });

  it("removes temp files of dead processes when taking the lock, and keeps a live process's", async () => {
    const file = path.join(dir, "x.lock");
    const dead = deadPid();
    writeFileSync(`${file}.tmp-${dead}-abc`, "{");
    writeFileSync(`${file}.break.tmp-${dead}-abc`, "{");
    writeFileSync(`${file}.tmp-${process.pid}-live`, "{");
    const release = await acquireProcessLock(file, 50);
    await release();
    expect(readdirSync(dir)).to.deep.equal([`x.lock.tmp-${process.pid}-live`]);
  });
});
