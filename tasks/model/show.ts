/** Action of `npx hardhat model show <tokenId>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { type ModelOnChain, parseTokenId, readModel } from "../../src/chain/index.js";
import { formatKeyValue } from "../../src/cli/index.js";
import { readTokenMetadata, registrationLinks, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { jsonText } from "../shared/output.js";
import { openMetadataContent } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `model show`, as parsed by Hardhat. */
export interface ModelShowArguments {
  tokenId: string;
  gateway: string;
  dir: string;
  json: boolean;
}

/** What `model show` returns. */
export interface ModelShowResult {
  readonly model: ModelOnChain;
  readonly metadata?: Record<string, unknown>;
}

const ZERO = `0x${"0".repeat(64)}`;

/** Prints a model's commitments, lineage links, metrics and links. */
export default async function modelShow(args: ModelShowArguments, hre: HardhatRuntimeEnvironment): Promise<ModelShowResult> {
  try {
    const id = parseTokenId(args.tokenId, "model token id");
    const workspace = workspaceAt(args.dir);
    const { client } = await connectRegistry(hre);
    const model = await readModel(client, id);
    const content = openMetadataContent(workspace, args.gateway, createConsoleReporter({ quiet: args.json }));
    const metadata = await readTokenMetadata(content, model.tokenURI);
    const result: ModelShowResult = { model, ...(metadata === undefined ? {} : { metadata }) };
    if (args.json) {
      console.log(jsonText({ network: client.networkName, chainId: client.chainId, contract: client.addresses.modelNFT, ...model, metadata: metadata ?? null }));
      return result;
    }
    const text = (key: string): string | undefined => (typeof metadata?.[key] === "string" ? (metadata[key] as string) : undefined);
    const metrics = metadata?.metrics !== null && typeof metadata?.metrics === "object" ? (metadata.metrics as Record<string, unknown>) : {};
    const hyper = metadata?.hyperparameters !== null && typeof metadata?.hyperparameters === "object" ? metadata.hyperparameters : {};
    console.log(
      formatKeyValue([
        ["model", `#${model.id} on ${client.networkName} (chain ${client.chainId}), ModelNFT ${client.addresses.modelNFT}`],
        ["name", text("name") ?? "(metadata not available: pass --gateway to fetch it)"],
        ...(text("description") === undefined ? [] : [["description", text("description")] as const]),
        ["relation", model.relation + (model.parentIds.length === 0 ? "" : ` of ${model.parentIds.map((p) => `#${p}`).join(", ")}`)],
        ["datasets", model.datasetIds.length === 0 ? "none" : model.datasetIds.map((d) => `#${d}`).join(", ")],
        ["weightsHash", model.weightsHash],
        ["log head", model.trainingLogHead === ZERO ? "none" : model.trainingLogHead],
        ["fingerprints", model.fingerprintRoot === ZERO ? "none" : model.fingerprintRoot],
        ...Object.entries(metrics).map(([k, v]) => [`metric ${k}`, String(v)] as const),
        ...(Object.keys(hyper as object).length === 0 ? [] : [["hyperparams", JSON.stringify(hyper)] as const]),
        ["registrant", model.registrant],
        ["owner", model.owner],
        ["registered", new Date(model.registeredAt * 1000).toISOString()],
        ["token URI", model.tokenURI],
        ...registrationLinks(client, client.addresses.modelNFT, id, undefined).map((l) => [l.name, l.url] as const),
      ]).trimEnd(),
    );
    return result;
  } catch (error) {
    throw toTaskError(error);
  }
}
