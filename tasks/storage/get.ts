/** Action of `npx hardhat storage get <cid> <out>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { cidKey, toCid } from "../../src/storage/cid.js";
import { walkDag } from "../../src/storage/dag-reader.js";
import { GatewayFetchError, StorageError } from "../../src/storage/errors.js";
import { GatewayStore } from "../../src/storage/gateway.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { gatewayList, printWarning, toTaskError } from "./task-helpers.js";

/** Arguments of `storage get`, as parsed by Hardhat. */
export interface StorageGetArguments {
  cid: string;
  out: string;
  gateway: string;
  dir: string;
  timeout: number;
  json: boolean;
}

/** Result of `storage get`. */
export interface StorageGetResult {
  cid: string;
  out: string;
  files: number;
  bytes: number;
  source: string;
}

/**
 * Writes the verified content of a CID: from the local store if complete
 * there, else fetched from the gateways (one verified CAR per gateway, then
 * block by block) into the local store first.
 */
export default async function storageGet(args: StorageGetArguments, _hre: HardhatRuntimeEnvironment): Promise<StorageGetResult> {
  try {
    const cid = cidKey(args.cid);
    const local = new LocalStore({ dir: args.dir });
    let source = `local store ${local.dir}`;
    if (!(await local.has(cid))) {
      const gateways = gatewayList(args.gateway);
      if (gateways.length === 0) {
        throw new StorageError(
          "BLOCK_NOT_FOUND",
          `${cid} is not (completely) in the local store ${local.dir}. Give gateways to fetch it from, ` +
            "e.g. --gateway https://gateway.lighthouse.storage,https://ipfs.io (or http://127.0.0.1:5050 for `ipfs serve`).",
        );
      }
      const remote = new GatewayStore({ gateways, timeoutMs: args.timeout * 1000, onWarning: printWarning });
      try {
        const fetched = await remote.fetchDag(cid, async (block) => {
          await local.putBlock(block, false); // verified by fetchDag
        });
        source = `gateway ${fetched.gateway} (CAR)`;
      } catch (error) {
        if (!(error instanceof GatewayFetchError)) throw error;
        console.error(`warning: no gateway delivered a complete CAR; fetching block by block\n${error.message}`);
        for await (const block of walkDag(remote, toCid(cid))) await local.putBlock(block, false);
        source = `gateways ${remote.gateways.join(", ")} (blocks)`;
      }
    }
    const written = await local.getToPath(cid, args.out);
    const result = { cid, out: args.out, ...written, source };
    if (args.json) console.log(JSON.stringify(result, null, 2));
    else console.log(`${args.out}: ${written.files} file(s), ${written.bytes} bytes, verified against ${cid} (from ${source})`);
    return result;
  } catch (error) {
    throw toTaskError(error);
  }
}
