/** Action of `npx hardhat storage get <cid> <out>` (declared in ./index.ts). */
import { stat } from "node:fs/promises";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { cidKey, GatewayStore, LocalStore, readNode, toCid, walkDag } from "../../src/storage/index.js";
import { CorruptBlockFileError, GatewayFetchError, StorageError } from "../../src/storage/index.js";
import { workspaceAt } from "../../src/workflow/index.js";
import { GATEWAYS_VARIABLE, printWarning, resolveGateways } from "./task-helpers.js";
import { toTaskError } from "../shared/task-errors.js";

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

/** How many corrupt local blocks one run replaces from the gateways before giving up. */
const MAX_REPAIRS = 64;

/**
 * Writes the verified content of a CID: from the local store if complete
 * there, else fetched from the gateways (one verified CAR per gateway, then
 * block by block) into the local store first. A corrupt local block (moved
 * aside by the store) is fetched again. `out` may be an existing empty
 * directory (directory CID) or an existing directory to write a file CID
 * into (as `<out>/<cid>`).
 */
export default async function storageGet(args: StorageGetArguments, _hre: HardhatRuntimeEnvironment): Promise<StorageGetResult> {
  try {
    const cid = cidKey(args.cid);
    const local = new LocalStore({ dir: workspaceAt(args.dir).blocksDir });
    const gateways = resolveGateways(args.gateway);
    let source = `local store ${local.dir}`;
    for (let repairs = 0; ; repairs++) {
      try {
        if (!(await local.has(cid))) source = await fetchInto(local, cid, gateways, args.timeout);
        const out = await outputPath(local, cid, args.out);
        const written = await local.getToPath(cid, out);
        const result = { cid, out, ...written, source };
        if (args.json) console.log(JSON.stringify(result, null, 2));
        else console.log(`${out}: ${written.files} file(s), ${written.bytes} bytes, verified against ${cid} (from ${source})`);
        return result;
      } catch (error) {
        if (!(error instanceof CorruptBlockFileError) || gateways.length === 0 || repairs >= MAX_REPAIRS) throw error;
        console.error(`warning: ${error.message.split(". Fetch")[0]}; fetching it again from the gateways`);
      }
    }
  } catch (error) {
    throw toTaskError(error);
  }
}

/** Fetches the DAG under `cid` from the gateways into `local`; returns where it came from. */
async function fetchInto(local: LocalStore, cid: string, gateways: readonly string[], timeoutSeconds: number): Promise<string> {
  if (gateways.length === 0) {
    throw new StorageError(
      "BLOCK_NOT_FOUND",
      `${cid} is not (completely) in the local store ${local.dir}. Give gateways to fetch it from, ` +
        `e.g. --gateway https://gateway.lighthouse.storage,https://ipfs.io (or http://127.0.0.1:5050 for \`ipfs serve\`), or set ${GATEWAYS_VARIABLE} once.`,
    );
  }
  // Each failed attempt is reported once, as a warning, by printWarning; the final error lists them again only if everything failed.
  const remote = new GatewayStore({ gateways: [...gateways], timeoutMs: timeoutSeconds * 1000, onWarning: printWarning });
  try {
    const fetched = await remote.fetchDag(cid, async (block) => {
      await local.putBlock(block, false); // verified by fetchDag
    });
    return `gateway ${fetched.gateway} (CAR)`;
  } catch (error) {
    if (!(error instanceof GatewayFetchError)) throw error;
    console.error("warning: no gateway delivered a complete CAR; fetching block by block");
  }
  for await (const block of walkDag(remote, toCid(cid))) await local.putBlock(block, false);
  return `gateways ${remote.gateways.join(", ")} (blocks)`;
}

/** Where to write: `out`, or `<out>/<cid>` when `out` is an existing directory and the CID a file. */
async function outputPath(local: LocalStore, cid: string, out: string): Promise<string> {
  const existing = await stat(out).catch(() => undefined);
  if (existing?.isDirectory() !== true) return out;
  const kind = (await readNode(local, toCid(cid))).kind;
  return kind === "directory" ? out : path.join(out, cid);
}
