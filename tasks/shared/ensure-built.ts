/**
 * Builds the project (contracts, artifacts, TypeChain types) once per
 * process before anything needs artifacts, so that registry commands work
 * on a fresh clone without a manual `npx hardhat build`. An up-to-date
 * build is only a cache check. Builds of several commands started at once
 * (a script verifying in parallel) are serialized with a lock file in
 * Hardhat's cache directory (storage's `acquireProcessLock`: the holder's
 * identity is written before the lock is linked into place, and a dead
 * holder's lock is taken over): concurrent builds race on the compile cache.
 */
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError } from "../../src/errors/index.js";
import { acquireProcessLock, LockBusyError } from "../../src/storage/index.js";

const built = new WeakMap<HardhatRuntimeEnvironment, Promise<void>>();

/** Takes the build lock in `dir` (waiting for another process's build), returns its release. */
export async function lockBuild(dir: string, timeoutMs = 300_000): Promise<() => Promise<void>> {
  const lock = path.join(path.resolve(dir), "datatrace-build.lock");
  try {
    return await acquireProcessLock(lock, timeoutMs);
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    throw new UserError(`Another command has been building the project for ${Math.round(timeoutMs / 1000)} s (lock ${lock}).`, `Wait for it, or delete ${lock} if no build is running.`, {
      family: "temporary",
      cause: error,
    });
  }
}

/** Runs `hardhat build --quiet --no-tests` once for this runtime environment. */
export function ensureBuilt(hre: HardhatRuntimeEnvironment): Promise<void> {
  let running = built.get(hre);
  if (running === undefined) {
    running = (async () => {
      const release = await lockBuild(hre.config.paths.cache);
      try {
        await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
      } finally {
        await release();
      }
    })();
    running.catch(() => built.delete(hre));
    built.set(hre, running);
  }
  return running;
}
