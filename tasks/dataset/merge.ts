/** Action of `npx hardhat dataset merge <partial…>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { mergePartials } from "../../src/engine/index.js";
import { manifestCid } from "../../src/manifest/index.js";
import { printWarnings, reportJson, reportText } from "./report.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `dataset merge`, as parsed by Hardhat. */
export interface DatasetMergeArguments {
  partials: string[];
  out: string;
  createdAt: string;
  force?: boolean;
  json: boolean;
  quiet: boolean;
}

/** Merges the partial files of a split run into the manifest. */
export default async function datasetMerge(args: DatasetMergeArguments, _hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    const report = await mergePartials(args.partials, {
      out: args.out === "" ? undefined : args.out,
      createdAt: args.createdAt === "" ? undefined : args.createdAt,
      force: args.force === true,
    });
    printWarnings(report.warnings);
    if (args.quiet) console.log(report.root);
    else {
      const cid = await manifestCid(report.manifestDir);
      console.log(args.json ? reportJson(report, cid) : reportText(report, cid));
    }
  } catch (error) {
    throw toTaskError(error);
  }
}
