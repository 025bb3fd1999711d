/** Action of `npx hardhat storage status <cid>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { StorageError } from "../../src/storage/index.js";
import { GatewayStore, LighthouseStore, LocalStore, type StorageStatus } from "../../src/storage/index.js";
import { workspaceAt } from "../../src/workflow/index.js";
import { applyLighthouseUrl, GATEWAYS_VARIABLE, resolveGateways, resolveLighthouseApiKey } from "./task-helpers.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `storage status`, as parsed by Hardhat. */
export interface StorageStatusArguments {
  cid: string;
  storage: string;
  gateway: string;
  dir: string;
  lighthouseUrl: string;
  json: boolean;
}

/** Exit status of `storage status` when the content is not available (absent, or incomplete in the local store). */
export const NOT_AVAILABLE_EXIT = 3;

/**
 * Prints where the CID is stored and its Filecoin deals. Exit status 0 when
 * the backend can serve the content, {@link NOT_AVAILABLE_EXIT} when it
 * cannot (absent, or some blocks missing), 1 for errors.
 */
export default async function storageStatus(args: StorageStatusArguments, hre: HardhatRuntimeEnvironment): Promise<StorageStatus> {
  try {
    const local = new LocalStore({ dir: workspaceAt(args.dir).blocksDir });
    let status: StorageStatus;
    if (args.storage === "local") {
      status = await local.status(args.cid);
    } else if (args.storage === "lighthouse") {
      applyLighthouseUrl(args.lighthouseUrl);
      const store = new LighthouseStore({ apiKey: await resolveLighthouseApiKey(hre), localStore: local, timeoutMs: 60_000 });
      status = await store.status(args.cid);
    } else if (args.storage === "gateway") {
      const gateways = resolveGateways(args.gateway);
      if (gateways.length === 0) {
        throw new StorageError("GATEWAY_FAILED", `--storage gateway needs gateways: pass --gateway <url>,… or set ${GATEWAYS_VARIABLE}.`);
      }
      status = await new GatewayStore({ gateways }).status(args.cid);
    } else {
      throw new StorageError("INVALID_PATH", `--storage must be local, lighthouse or gateway, not "${args.storage}"`);
    }
    if (!status.available) process.exitCode = NOT_AVAILABLE_EXIT;
    if (args.json) {
      console.log(JSON.stringify(status, null, 2));
      return status;
    }
    console.log(`${status.cid} (${status.backend}): ${status.available ? "available" : "NOT available"} at ${status.location}`);
    if (status.name !== undefined) console.log(`  name: ${status.name}`);
    if (status.size !== undefined) console.log(`  size: ${status.size} bytes`);
    if (status.complete !== undefined) console.log(`  complete DAG: ${status.complete ? "yes" : "no"}`);
    for (const deal of status.deals) {
      console.log(
        `  deal ${deal.dealId ?? "(unpublished)"} with ${deal.provider || "?"}: piece ${deal.pieceCid}, epochs ${deal.startEpoch ?? "?"}–${deal.endEpoch ?? "?"}, ${deal.status}`,
      );
    }
    if (status.detail !== undefined) console.log(`  ${status.detail}`);
    return status;
  } catch (error) {
    throw toTaskError(error);
  }
}
