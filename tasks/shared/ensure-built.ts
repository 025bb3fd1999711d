/**
 * Builds the project (contracts, artifacts, TypeChain types) once per
 * process before anything needs artifacts, so that registry commands work
 * on a fresh clone without a manual `npx hardhat build`. An up-to-date
 * build is only a cache check. Builds of several commands started at once
 * (a script verifying in parallel) are serialized with a lock file in
 * Hardhat's cache directory: concurrent builds race on the compile cache.
 */
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { EXIT_CODES, UserError } from "../../src/cli/errors.js";
import { processAlive, readLockPid, removeLockFile, tryCreatePidLock } from "../../src/cli/pid-lock-file.js";

const built = new WeakMap<HardhatRuntimeEnvironment, Promise<void>>();

/** Takes the build lock (waiting for another process's build), returns its release. */
async function lockBuild(dir: string, timeoutMs = 300_000): Promise<() => Promise<void>> {
  const lock = path.join(dir, "datatrace-build.lock");
  const started = Date.now();
  for (;;) {
    const release = await tryCreatePidLock(lock);
    if (release !== undefined) return release;
    const pid = await readLockPid(lock);
    if (pid !== undefined && !processAlive(pid)) {
      await removeLockFile(lock); // left by a dead process
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new UserError(`Another command has been building the project for ${Math.round(timeoutMs / 1000)} s (lock ${lock}).`, `Wait for it, or delete ${lock} if no build is running.`, {
        exitCode: EXIT_CODES.tempFail,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
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
