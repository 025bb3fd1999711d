/** Action of `npx hardhat model inspect-hf <snapshotDir | org/name…>` (declared in ./index.ts). */
import { stat } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError } from "../../src/errors/index.js";
import { formatTable, toCsv } from "../../src/cli/index.js";
import { CATALOGUE_COLUMNS, CATALOGUE_TABLE_COLUMNS, catalogueJson, describeLocalModel, importHubModel, parseHubModelId, type HfModelFacts } from "../../src/models/index.js";
import { asUserError } from "../../src/workflow/index.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { openHub } from "../shared/hub.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `model inspect-hf`, as parsed by Hardhat. */
export interface InspectHfArguments {
  models: string[];
  format: string;
  quiet: boolean;
}

const FORMATS = ["table", "csv", "json"];

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Reads every model and prints one catalogue. */
export default async function inspectHf(args: InspectHfArguments, hre: HardhatRuntimeEnvironment): Promise<HfModelFacts[]> {
  try {
    if (!FORMATS.includes(args.format)) throw new UserError(`--format ${args.format} is not a catalogue format.`, `Use one of ${FORMATS.join(", ")}.`, { family: "usage" });
    if (args.models.length === 0) throw new UserError("No model given.", "Name model folders or Hub ids: npx hardhat model inspect-hf ./my-model org/name", { family: "usage" });
    const reporter = createConsoleReporter({ quiet: args.quiet });
    const hub = await openHub(hre, reporter);
    const out: HfModelFacts[] = [];
    for (const source of args.models) {
      if (await exists(source)) {
        reporter.step(`reading ${source}`);
        try {
          out.push((await describeLocalModel(source)).facts);
        } catch (error) {
          throw new UserError(`${source}: ${(error as Error).message}`, "Point at a model folder (snapshot_download folder or cache snapshot).", { family: "data", cause: error });
        }
        continue;
      }
      const id = parseHubModelId(source);
      if (id === undefined) throw new UserError(`${source} is neither a folder nor a Hugging Face model id.`, "Pass model folders or Hub ids such as org/name (org/name@revision).", { family: "usage" });
      reporter.step(`reading ${id.repoId} from ${hub().endpoint}`);
      try {
        const m = await importHubModel(hub(), id.repoId, { revision: id.revision });
        const listed = m.provenance.filter((p) => p.source === "hub-listing").length;
        reporter.note(`weightsHash from ${listed} LFS digest${listed === 1 ? "" : "s"} in the Hub's listing and ${m.provenance.length - listed} file${m.provenance.length - listed === 1 ? "" : "s"} hashed here`);
        out.push(m.facts);
      } catch (error) {
        throw asUserError(error);
      }
    }
    if (args.format === "json") process.stdout.write(catalogueJson(out));
    else if (args.format === "csv") process.stdout.write(toCsv(out, CATALOGUE_COLUMNS));
    else process.stdout.write(formatTable(out, CATALOGUE_TABLE_COLUMNS));
    return out;
  } catch (error) {
    throw toTaskError(error);
  }
}
