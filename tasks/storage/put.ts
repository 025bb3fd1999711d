/** Action of `npx hardhat storage put <path>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { StorageError } from "../../src/storage/index.js";
import { getLighthouseEndpoints, LighthouseStore, LocalStore, type PutResult } from "../../src/storage/index.js";
import { workspaceAt } from "../../src/workflow/index.js";
import { applyLighthouseUrl, resolveLighthouseApiKey } from "./task-helpers.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `storage put`, as parsed by Hardhat. */
export interface StoragePutArguments {
  path: string;
  storage: string;
  dir: string;
  lighthouseUrl: string;
  timeout: number;
  hidden: boolean;
  json: boolean;
}

/** Stores the path and prints its CID. */
export default async function storagePut(args: StoragePutArguments, hre: HardhatRuntimeEnvironment): Promise<PutResult> {
  try {
    const local = new LocalStore({ dir: workspaceAt(args.dir).blocksDir });
    let result: PutResult & { via?: string; endpoint?: string };
    if (args.storage === "local") {
      result = await local.put(args.path, { includeHidden: args.hidden });
    } else if (args.storage === "lighthouse") {
      if (args.hidden) throw new StorageError("INVALID_PATH", "--hidden is only supported with --storage local");
      applyLighthouseUrl(args.lighthouseUrl);
      const apiKey = await resolveLighthouseApiKey(hre);
      const store = new LighthouseStore({ apiKey, localStore: local, timeoutMs: args.timeout * 1000 });
      result = { ...(await store.put(args.path)), endpoint: getLighthouseEndpoints().node };
    } else {
      throw new StorageError("INVALID_PATH", `--storage must be local or lighthouse, not "${args.storage}"`);
    }
    if (args.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      console.log(result.cid);
      console.error(`${result.kind}, ${result.contentBytes} content bytes, DAG ${result.size} bytes, stored in ${result.backend}${result.via ? ` via ${result.via}` : ""}`);
    }
    return result;
  } catch (error) {
    throw toTaskError(error);
  }
}
