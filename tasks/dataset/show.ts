/** Action of `npx hardhat dataset show <tokenId>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseTokenId, readDataset, type DatasetOnChain } from "../../src/chain/index.js";
import { formatKeyValue } from "../../src/cli/index.js";
import { readTokenMetadata, registrationLinks, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { jsonText } from "../shared/output.js";
import { openMetadataContent } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `dataset show`, as parsed by Hardhat. */
export interface DatasetShowArguments {
  tokenId: string;
  gateway: string;
  dir: string;
  json: boolean;
}

/** What `dataset show` returns. */
export interface DatasetShowResult {
  readonly dataset: DatasetOnChain;
  /** The token metadata, when it could be read. */
  readonly metadata?: Record<string, unknown>;
}

/** Prints a dataset's commitment, ownership, metadata summary and links. */
export default async function datasetShow(args: DatasetShowArguments, hre: HardhatRuntimeEnvironment): Promise<DatasetShowResult> {
  try {
    const id = parseTokenId(args.tokenId, "dataset token id");
    const workspace = workspaceAt(args.dir);
    const { client } = await connectRegistry(hre);
    const dataset = await readDataset(client, id);
    const content = openMetadataContent(workspace, args.gateway, createConsoleReporter({ quiet: args.json }));
    const metadata = await readTokenMetadata(content, dataset.tokenURI);
    const result: DatasetShowResult = { dataset, ...(metadata === undefined ? {} : { metadata }) };
    if (args.json) {
      console.log(jsonText({ network: client.networkName, chainId: client.chainId, contract: client.addresses.datasetNFT, ...dataset, metadata: metadata ?? null }));
      return result;
    }
    const text = (key: string): string | undefined => (typeof metadata?.[key] === "string" ? (metadata[key] as string) : undefined);
    const links = registrationLinks(client, client.addresses.datasetNFT, id, undefined);
    console.log(
      formatKeyValue([
        ["dataset", `#${dataset.id} on ${client.networkName} (chain ${client.chainId}), DatasetNFT ${client.addresses.datasetNFT}`],
        ["name", text("name") ?? "(metadata not available: pass --gateway to fetch it)"],
        ...(text("description") === undefined ? [] : [["description", text("description")] as const]),
        ...(text("license") === undefined ? [] : [["license", text("license")] as const]),
        ...(text("version") === undefined ? [] : [["version", text("version")] as const]),
        ["root", dataset.root],
        ["leaves", dataset.leafCount],
        ["manifest", dataset.manifestCid],
        ["previous", dataset.previousVersion === 0n ? "none" : `#${dataset.previousVersion}`],
        ["registrant", dataset.registrant],
        ["owner", dataset.owner],
        ["registered", new Date(dataset.registeredAt * 1000).toISOString()],
        ["token URI", dataset.tokenURI],
        ["metadata", dataset.metadataFrozen ? "frozen" : "editable by the owner"],
        ...links.map((l) => [l.name, l.url] as const),
      ]).trimEnd(),
    );
    return result;
  } catch (error) {
    throw toTaskError(error);
  }
}
