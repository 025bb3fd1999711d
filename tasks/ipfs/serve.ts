/**
 * Action of `npx hardhat ipfs serve` (declared in ./index.ts). Runs until
 * SIGINT/SIGTERM. `--dir` is the Datatrace folder (its block store
 * <dir>/blocks is served); a port in use or out of range is a one-line error.
 */
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { readIgnitionAddresses } from "../../src/chain/index.js";
import { isLoopbackHost, LocalStore, startIpfsServer } from "../../src/storage/index.js";
import { buildWeb, isWebBuildStale, WEB_DIST_DIR } from "../../web/build.js";
import { workspaceAt } from "../../src/workflow/index.js";
import { gatewayList } from "../storage/task-helpers.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `ipfs serve`, as parsed by Hardhat. */
export interface IpfsServeArguments {
  port: number;
  host: string;
  dir: string;
  apiKey: string;
  noWeb: boolean;
  quiet: boolean;
}

/** Chain id of `npx hardhat node`, whose Ignition record names the registries of the page's local preset. */
const LOCALHOST_CHAIN_ID = 31337;
/** JSON-RPC URL of `npx hardhat node` when the config has no `localhost` HTTP network (also the page's local preset). */
const DEFAULT_LOCALHOST_RPC = "http://127.0.0.1:8545";

/** The JSON-RPC URL of the configured `localhost` network (hardhat.config.ts reads DATATRACE_LOCALHOST_URL). */
export async function localhostRpcUrl(hre: HardhatRuntimeEnvironment): Promise<string> {
  const network = hre.config.networks.localhost;
  if (network?.type !== "http") return DEFAULT_LOCALHOST_RPC;
  return network.url.getUrl().catch(() => DEFAULT_LOCALHOST_RPC);
}

/** Starts the server and resolves after a graceful shutdown on Ctrl-C. */
export default async function ipfsServe(args: IpfsServeArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    const store = new LocalStore({ dir: workspaceAt(args.dir).blocksDir });
    const apiKeys = gatewayList(args.apiKey);
    const options: Parameters<typeof startIpfsServer>[0] = { store, port: args.port, host: args.host, apiKeys };
    if (!args.quiet) options.log = (line) => console.log(line);
    if (!args.noWeb) {
      const stale = await isWebBuildStale(WEB_DIST_DIR);
      if (stale !== undefined) {
        console.log(`building the web page (${stale})…`);
        await buildWeb({ outDir: WEB_DIST_DIR });
      }
      options.webRoot = WEB_DIST_DIR;
    }
    const server = await startIpfsServer(options);
    if (!isLoopbackHost(args.host)) {
      console.warn(
        `warning: listening on ${args.host}, not loopback: anyone who can reach this port can read ${store.dir}` +
          (apiKeys.length > 0 ? "" : " and, with any API key, write to it (pass --api-key to restrict uploads)"),
      );
    }
    console.log(`serving ${store.dir} at ${server.url}`);
    console.log(`  gateway:    ${server.url}/ipfs/<cid>[/path][?format=raw|car]`);
    console.log(`  Lighthouse: --lighthouse-url ${server.url}  (uploads need Authorization: Bearer ${apiKeys.length > 0 ? "<one of the --api-key keys>" : "<any key>"})`);
    if (!args.noWeb) console.log(`  web page:   ${await pageHint(server.url, path.join(hre.config.paths.root, "ignition"), await localhostRpcUrl(hre))}`);
    console.log("press Ctrl-C to stop");
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        console.log("\nshutting down…");
        server.close().then(resolve, resolve);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  } catch (error) {
    throw toTaskError(error);
  }
}

/**
 * The page's URL to open: with the localhost preset when Ignition recorded
 * the registries for `npx hardhat node` (in `ignitionDir`), else the bare
 * page (its network view then asks for a network). A configured localhost
 * JSON-RPC URL `rpc` other than the preset's is passed along (`&rpc=`).
 */
export async function pageHint(base: string, ignitionDir: string, rpc: string): Promise<string> {
  const deployed = await readIgnitionAddresses({ ignitionDir, chainId: LOCALHOST_CHAIN_ID }).catch(() => undefined);
  if (deployed === undefined) return `${base}/#/network  (no registries recorded for localhost yet: deploy them to the node at ${rpc}, or choose a network in the page)`;
  const query = rpc === DEFAULT_LOCALHOST_RPC ? "net=local" : `net=local&rpc=${encodeURIComponent(rpc)}`;
  return `${base}/?${query}#/datasets  (the registries deployed on localhost: DatasetNFT ${deployed.datasetNFT}, ModelNFT ${deployed.modelNFT}; JSON-RPC ${rpc})`;
}
