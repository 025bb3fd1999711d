/**
 * A lock file shared by the processes of one machine (the registration
 * journal's lock, the tasks' build lock). A lock is a file holding its
 * holder's identity (pid, host, a random token per acquisition), written to
 * a temp file and hard-linked into place, so it appears whole or not at all
 * and link(2) fails with EEXIST while another process holds it. A lock whose
 * holder process is gone (SIGKILL, power loss) is taken over.
 *
 * Hand-written on purpose. Until 2026-12 this was `MultiProcessMutex` of
 * `@nomicfoundation/hardhat-utils` 4.3, which has an ABA race: a waiter that
 * finds the lock file, then fails to read it because its holder just
 * released it, treats it as stale and unlinks the lock path, which by then
 * is the next holder's fresh lock; two processes then hold the lock (CI saw
 * overlapping turns; 6 processes × 100 turns lost up to 295 of 600 counter
 * updates on this machine). Here nobody ever removes a lock it has not
 * re-read under the break lock:
 *
 * - a lock file that vanishes while being read is a release: retry;
 * - a stale lock (dead holder, or unreadable content) is removed only by a
 *   process holding `<lock>.break`, which re-reads the lock file under it
 *   and unlinks it only if it still names a dead holder. A lock file's
 *   content never changes once linked, and only its holder (alive, so not
 *   this file) or a breaker (excluded by the break lock) removes it, so the
 *   file unlinked is the one judged stale;
 * - release unlinks the lock only if it still holds this acquisition's token.
 *
 * The break lock is held for a few system calls. If its holder dies inside
 * them, the break lock is removed by the next breaker once its holder is
 * gone; two breakers doing that at the same instant could overlap (three
 * processes racing on a microsecond window after a SIGKILL inside another
 * one), which is accepted and documented here. As with any pid-based lock,
 * a recycled pid keeps a dead holder's lock alive until the timeout.
 */
import { randomBytes } from "node:crypto";
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/** What a lock file records about its holder. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly token: string;
  readonly createdAt: number;
}

/** Thrown by {@link acquireProcessLock} when a live holder keeps the lock past the wait. */
export class LockBusyError extends Error {
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
    /** The holder named by the lock file when the wait ended, if it could be read. */
    readonly holder: LockHolder | undefined,
  ) {
    super(`The lock ${lockPath} is held by ${holder === undefined ? "another process" : `process ${holder.pid}`} (waited ${waitedMs} ms).`);
    this.name = "LockBusyError";
  }
}

/** Releases a lock taken by {@link acquireProcessLock}; calling it again does nothing. */
export type ReleaseLock = () => Promise<void>;

const POLL_START_MS = 5;
const POLL_MAX_MS = 100;

/**
 * Takes the lock file `lockPath` (absolute; its directory is created),
 * waiting up to `waitMs` for a live holder and taking over a dead one's
 * lock. Throws {@link LockBusyError} when the wait ends.
 */
export async function acquireProcessLock(lockPath: string, waitMs: number): Promise<ReleaseLock> {
  const lock = path.resolve(lockPath);
  mkdirSync(path.dirname(lock), { recursive: true });
  const started = Date.now();
  let poll = POLL_START_MS;
  let goneBefore = false;
  for (;;) {
    const attempt = tryLink(lock);
    if (attempt.taken) {
      removeDeadTemps(lock);
      return releaser(lock, attempt.holder);
    }
    const seen = readHolder(lock);
    // Released between our link and read: try again at once, but only once in a row. A path that
    // link(2) finds taken and read finds missing every time (a dangling symlink) is waited on like a
    // live holder, so the loop yields and ends at the wait instead of spinning synchronously for ever.
    if (seen === "gone" && !goneBefore) {
      goneBefore = true;
      continue;
    }
    goneBefore = false;
    // A stale lock removed: try again at once. Not removed (another process is breaking it): wait like for a live holder.
    if ((seen === "unreadable" || (typeof seen === "object" && isStale(seen))) && breakStaleLock(lock)) continue;
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new LockBusyError(lock, waited, typeof seen === "object" ? seen : undefined);
    await new Promise((resolve) => setTimeout(resolve, Math.min(poll, Math.max(1, waitMs - waited))));
    poll = Math.min(poll * 2, POLL_MAX_MS);
  }
}

type LinkAttempt = { readonly taken: true; readonly holder: LockHolder } | { readonly taken: false };

/** Writes a holder record to a temp file and links it to `target`; EEXIST means held. */
function tryLink(target: string): LinkAttempt {
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), token: randomBytes(16).toString("hex"), createdAt: Date.now() };
  const temp = `${target}.tmp-${process.pid}-${holder.token}`;
  const fd = openSync(temp, "wx");
  try {
    writeSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, target);
    return { taken: true, holder };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return { taken: false };
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/** The lock file's holder, "gone" if there is no lock file, "unreadable" if it names nobody valid. */
function readHolder(file: string): LockHolder | "gone" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw error;
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    const valid =
      typeof h.pid === "number" && Number.isSafeInteger(h.pid) && h.pid > 0 && typeof h.hostname === "string" && typeof h.token === "string" && typeof h.createdAt === "number";
    return valid ? (h as LockHolder) : "unreadable";
  } catch {
    return "unreadable";
  }
}

/** True if the holder ran on this host and its process no longer exists. */
function isStale(holder: LockHolder): boolean {
  // A holder on another machine (a shared file system) cannot be checked: wait, then say whom.
  return holder.hostname === hostname() && isDeadProcess(holder.pid);
}

/** True if no process `pid` exists on this machine (EPERM means alive, another user's). */
function isDeadProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes the lock file at `lock` if, read again under `<lock>.break`, it
 * still names a dead holder (or nobody). Returns false, having done
 * nothing, if another process holds the break lock (it is breaking the
 * same lock); a break lock left by a dead process is removed for the next try.
 */
function breakStaleLock(lock: string): boolean {
  const breakPath = `${lock}.break`;
  const attempt = tryLink(breakPath);
  if (!attempt.taken) {
    const breaker = readHolder(breakPath);
    if (breaker === "unreadable" || (typeof breaker === "object" && isStale(breaker))) removeIfSame(breakPath, breaker);
    return false;
  }
  try {
    const seen = readHolder(lock);
    if (seen === "unreadable" || (typeof seen === "object" && isStale(seen))) removeIfSame(lock, seen);
    return true;
  } finally {
    removeIfSame(breakPath, attempt.holder);
  }
}

/** Unlinks `file` if it still holds `expected` (a holder's token, or unreadable content). */
function removeIfSame(file: string, expected: LockHolder | "unreadable"): void {
  const now = readHolder(file);
  const same = expected === "unreadable" ? now === "unreadable" : typeof now === "object" && now.token === expected.token;
  if (!same) return;
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Removes temp files of `lock` (and of its break lock) left by processes killed while writing them. */
function removeDeadTemps(lock: string): void {
  const dir = path.dirname(lock);
  const prefixes = [`${path.basename(lock)}.tmp-`, `${path.basename(lock)}.break.tmp-`];
  for (const entry of readdirSync(dir)) {
    const prefix = prefixes.find((p) => entry.startsWith(p));
    if (prefix === undefined) continue;
    const pid = Number(entry.slice(prefix.length).split("-")[0]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || !isDeadProcess(pid)) continue;
    try {
      unlinkSync(path.join(dir, entry));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

function releaser(lock: string, holder: LockHolder): ReleaseLock {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    removeIfSame(lock, holder);
  };
}
