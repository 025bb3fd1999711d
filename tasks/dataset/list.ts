/** Action of `npx hardhat dataset list` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { listDatasets, type DatasetOnChain } from "../../src/chain/index.js";
import { formatTable } from "../../src/cli/index.js";
import { shortHex } from "../../src/registry/index.js";
import { tokenName, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { jsonText } from "../shared/output.js";
import { openMetadataContent } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `dataset list`, as parsed by Hardhat. */
export interface DatasetListArguments {
  gateway: string;
  dir: string;
  json: boolean;
}

/** Prints every registered dataset as a table (or JSON). */
export default async function datasetList(args: DatasetListArguments, hre: HardhatRuntimeEnvironment): Promise<Array<DatasetOnChain & { name?: string }>> {
  try {
    const workspace = workspaceAt(args.dir);
    const { client } = await connectRegistry(hre);
    const content = openMetadataContent(workspace, args.gateway, createConsoleReporter({ quiet: args.json }));
    const rows: Array<DatasetOnChain & { name?: string }> = [];
    for (const d of await listDatasets(client)) {
      const name = await tokenName(content, d.tokenURI);
      rows.push(name === undefined ? d : { ...d, name });
    }
    if (args.json) {
      console.log(jsonText(rows));
      return rows;
    }
    console.log(`${rows.length} dataset${rows.length === 1 ? "" : "s"} on ${client.networkName} (chain ${client.chainId}), DatasetNFT ${client.addresses.datasetNFT}`);
    process.stdout.write(
      formatTable(
        rows,
        [
          { header: "ID", value: (d) => Number(d.id) },
          { header: "NAME", value: (d) => d.name ?? "", maxWidth: 32 },
          { header: "ROOT", value: (d) => shortHex(d.root, 10, 4) },
          { header: "LEAVES", value: (d) => d.leafCount },
          { header: "MANIFEST", value: (d) => d.manifestCid },
          { header: "PREV", value: (d) => (d.previousVersion === 0n ? "" : `#${d.previousVersion}`) },
          { header: "REGISTRANT", value: (d) => shortHex(d.registrant, 6, 4) },
          { header: "REGISTERED", value: (d) => new Date(d.registeredAt * 1000).toISOString().slice(0, 19).replace("T", " ") },
        ],
        { empty: "(no dataset registered yet: npx hardhat dataset register <sources> --name … --license …)" },
      ),
    );
    return rows;
  } catch (error) {
    throw toTaskError(error);
  }
}
