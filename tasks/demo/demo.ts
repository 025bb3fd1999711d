/** Action of `npx hardhat demo` (declared in ./index.ts). */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { LocalStore } from "../../src/storage/index.js";
import { demoSummary, type DemoReport, runDemo, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { printJson } from "../shared/output.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `demo`, as parsed by Hardhat. */
export interface DemoArguments {
  dir: string;
  threads: number;
  /** Print a JSON summary on stdout, the narrative on stderr. */
  json?: boolean;
}

/** Runs the demo in a temporary (or the given) directory. */
export default async function demo(args: DemoArguments, hre: HardhatRuntimeEnvironment): Promise<DemoReport> {
  const temporary = args.dir === "" ? await mkdtemp(path.join(os.tmpdir(), "datatrace-demo-")) : undefined;
  try {
    const workspace = workspaceAt(temporary ?? args.dir);
    const { client, inProcess } = await connectRegistry(hre, { write: true });
    const report = await runDemo({
      client,
      store: new LocalStore({ dir: workspace.blocksDir }),
      workspace,
      print: (line) => (args.json === true ? console.error(line) : console.log(line)),
      reporter: createConsoleReporter({ quiet: true }),
      threads: args.threads === 0 ? undefined : args.threads,
    });
    const note = args.json === true ? console.error : console.log;
    if (args.json === true) printJson({ network: client.networkName, chainId: client.chainId, ...demoSummary(report) });
    if (temporary !== undefined) note(`(temporary directory ${temporary} removed; pass --dir <path> to keep the store, manifests and journal)`);
    if (inProcess) note("(in-process network: the chain ends with the command; run with --network localhost against `npx hardhat node` to keep it)");
    return report;
  } catch (error) {
    throw toTaskError(error);
  } finally {
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
  }
}
