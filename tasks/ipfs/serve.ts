/** Action of `npx hardhat ipfs serve` (declared in ./index.ts). Runs until SIGINT/SIGTERM. */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer } from "../../src/storage/server.js";
import { gatewayList, toTaskError } from "../storage/task-helpers.js";

/** Arguments of `ipfs serve`, as parsed by Hardhat. */
export interface IpfsServeArguments {
  port: number;
  host: string;
  dir: string;
  apiKey: string;
  quiet: boolean;
}

/** Starts the server and resolves after a graceful shutdown on Ctrl-C. */
export default async function ipfsServe(args: IpfsServeArguments, _hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    const store = new LocalStore({ dir: args.dir });
    const apiKeys = gatewayList(args.apiKey);
    const options: Parameters<typeof startIpfsServer>[0] = { store, port: args.port, host: args.host, apiKeys };
    if (!args.quiet) options.log = (line) => console.log(line);
    const server = await startIpfsServer(options);
    if (!["127.0.0.1", "::1", "localhost"].includes(args.host)) {
      console.warn(`warning: listening on ${args.host}, not loopback: anyone who can reach this port can read and write ${store.dir}`);
    }
    console.log(`serving ${store.dir} at ${server.url}`);
    console.log(`  gateway:    ${server.url}/ipfs/<cid>[/path][?format=raw|car]`);
    console.log(`  Lighthouse: --lighthouse-url ${server.url}  (uploads ${apiKeys.length > 0 ? "need one of the --api-key keys" : "accept any key"})`);
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
