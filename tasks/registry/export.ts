/** Action of `npx hardhat registry export` (declared in ./index.ts). */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError } from "../../src/errors/index.js";
import { toCsv } from "../../src/cli/index.js";
import { REGISTRY_COLUMNS, registryRows, snapshotJson, snapshotRegistry, type RegistrySnapshot, tokenName, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { jsonText } from "../shared/output.js";
import { openLocalContent } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `registry export`, as parsed by Hardhat. */
export interface RegistryExportArguments {
  format: string;
  out: string;
  dir: string;
  /** Same as `--format json`. */
  json?: boolean;
}

/** Writes every dataset and model as CSV or JSON, to a file or stdout. */
export default async function registryExport(args: RegistryExportArguments, hre: HardhatRuntimeEnvironment): Promise<RegistrySnapshot> {
  try {
    if (args.format !== "csv" && args.format !== "json") {
      throw new UserError(`--format ${args.format} is not an export format.`, "Use --format csv or --format json.", { family: "usage" });
    }
    if (args.json === true && args.format === "csv") {
      throw new UserError("--json and --format csv ask for two different outputs.", "Pass one of them: --json is the same as --format json.", { family: "usage" });
    }
    const { client } = await connectRegistry(hre);
    const content = openLocalContent(workspaceAt(args.dir));
    const snapshot = await snapshotRegistry(client, (uri) => tokenName(content, uri));
    const text = args.format === "csv" ? toCsv(registryRows(snapshot), REGISTRY_COLUMNS) : `${jsonText(snapshotJson(snapshot))}\n`;
    if (args.out === "") {
      process.stdout.write(text);
    } else {
      try {
        await mkdir(path.dirname(path.resolve(args.out)), { recursive: true });
        await writeFile(args.out, text);
      } catch (error) {
        throw new UserError(`Cannot write ${args.out}: ${(error as Error).message}.`, "Choose a writable output path.", { family: "io", cause: error });
      }
      console.error(`wrote ${snapshot.datasets.length} dataset(s) and ${snapshot.models.length} model(s) of ${client.networkName} (chain ${client.chainId}) to ${args.out}`);
    }
    return snapshot;
  } catch (error) {
    throw toTaskError(error);
  }
}
