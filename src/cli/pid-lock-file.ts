/**
 * Lock files that name their holder: a lock is a file created exclusively
 * (`wx`) holding the owner's process id, removed on release. A lock whose
 * process is gone is stale and may be removed; callers decide whether a
 * live holder means "fail now" (a registration run) or "wait" (a build).
 *
 * @example
 * const release = await tryCreatePidLock("/tmp/x.lock");
 * if (release === undefined) {
 *   const pid = await readLockPid("/tmp/x.lock");
 *   if (pid !== undefined && !processAlive(pid)) await removeLockFile("/tmp/x.lock");
 * } else await release();
 */
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import path from "node:path";

/**
 * Creates `lock` (and its directory) holding this process's id; returns its
 * release, or undefined when the lock file already exists.
 */
export async function tryCreatePidLock(lock: string): Promise<(() => Promise<void>) | undefined> {
  await mkdir(path.dirname(lock), { recursive: true });
  try {
    const handle = await open(lock, "wx");
    await handle.writeFile(String(process.pid));
    await handle.close();
    return () => removeLockFile(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return undefined;
  }
}

/** The process id written in `lock`, or undefined when it is missing, empty or not a positive integer. */
export async function readLockPid(lock: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(lock, "utf8").catch(() => ""), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True while process `pid` exists (also when it belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes `lock`; a lock already gone is not an error. */
export async function removeLockFile(lock: string): Promise<void> {
  await unlink(lock).catch(() => undefined);
}
