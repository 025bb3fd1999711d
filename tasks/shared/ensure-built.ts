/**
 * Builds the project (contracts, artifacts, TypeChain types) once per
 * process before anything needs artifacts, so that registry commands work
 * on a fresh clone without a manual `npx hardhat build`. An up-to-date
 * build is a cache check.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

const built = new WeakMap<HardhatRuntimeEnvironment, Promise<void>>();

/** Runs `hardhat build --quiet --no-tests` once for this runtime environment. */
export function ensureBuilt(hre: HardhatRuntimeEnvironment): Promise<void> {
  let running = built.get(hre);
  if (running === undefined) {
    running = (async () => {
      await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
    })();
    running.catch(() => built.delete(hre));
    built.set(hre, running);
  }
  return running;
}
