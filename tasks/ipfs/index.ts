/** `npx hardhat ipfs serve`: the local IPFS-gateway + Lighthouse-compatible server over the local store. */
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

const ipfsNamespace = emptyTask("ipfs", "Local IPFS-compatible server").build();

const serveTask = task(["ipfs", "serve"], "Serve the local store as a trustless gateway and a Lighthouse-compatible upload API, and the web app")
  .addOption({ name: "port", description: "TCP port", type: ArgumentType.INT, defaultValue: 5050 })
  .addOption({ name: "host", description: "Interface to bind (loopback by default; anything else exposes the store)", defaultValue: "127.0.0.1" })
  .addOption({ name: "dir", description: "Datatrace directory: its block store <dir>/blocks is served and written to", defaultValue: ".datatrace" })
  .addOption({ name: "apiKey", description: "Comma-separated API keys required for uploads (default: any key accepted)", defaultValue: "" })
  .addFlag({ name: "noWeb", description: "Do not serve the web app (web/dist) at /" })
  .addFlag({ name: "quiet", description: "Do not log requests" })
  .setAction(() => import("./serve.js"))
  .build();

/** The `ipfs` namespace and its tasks. */
export const ipfsTasks: TaskDefinition[] = [ipfsNamespace, serveTask];
