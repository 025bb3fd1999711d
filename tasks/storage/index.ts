/**
 * `npx hardhat storage …`: put files and manifest directories into the
 * local content-addressed store or Lighthouse, get them back verified (from
 * the store or from gateways), and show where a CID is stored. Actions load
 * lazily from their own files.
 */
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

const storageNamespace = emptyTask("storage", "Store and retrieve content by CID: local store, Lighthouse, IPFS gateways").build();

const putTask = task(["storage", "put"], "Store a file or directory (e.g. a manifest) and print its CID")
  .addPositionalArgument({ name: "path", description: "File or directory to store" })
  .addOption({ name: "storage", description: "Where to store: local or lighthouse (lighthouse also keeps a local copy)", defaultValue: "local" })
  .addOption({ name: "dir", description: "Datatrace directory: the content goes into its block store <dir>/blocks", defaultValue: ".datatrace" })
  .addOption({ name: "lighthouseUrl", description: "Send Lighthouse SDK calls to this base URL (e.g. the local `ipfs serve`)", defaultValue: "" })
  .addOption({ name: "timeout", description: "Lighthouse: give up on one SDK call after this many seconds", type: ArgumentType.INT, defaultValue: 600 })
  .addFlag({ name: "hidden", description: "Include dot-files and dot-directories (Kubo skips them by default)" })
  .addFlag({ name: "json", description: "Print the result as JSON" })
  .setAction(() => import("./put.js"))
  .build();

const getTask = task(["storage", "get"], "Write the verified content of a CID to a file or directory")
  .addPositionalArgument({ name: "cid", description: "CID to fetch" })
  .addPositionalArgument({
    name: "out",
    description: "Output path: a new file or directory; an existing empty directory for a directory CID; an existing directory for a file CID (written inside as <cid>)",
  })
  .addOption({ name: "gateway", description: "Comma-separated gateway URLs to fetch from when the local store lacks the content (default: $DATATRACE_GATEWAYS)", defaultValue: "" })
  .addOption({ name: "dir", description: "Datatrace directory: its block store <dir>/blocks is read first and keeps fetched blocks", defaultValue: ".datatrace" })
  .addOption({ name: "timeout", description: "Gateway timeout in seconds (per block; for CARs, longest silence)", type: ArgumentType.INT, defaultValue: 30 })
  .addFlag({ name: "json", description: "Print the result as JSON" })
  .setAction(() => import("./get.js"))
  .build();

const statusTask = task(["storage", "status"], "Show where a CID is stored, and its Filecoin deals on Lighthouse (exit 0 available, 3 not available)")
  .addPositionalArgument({ name: "cid", description: "CID to look up" })
  .addOption({ name: "storage", description: "Backend to ask: local, lighthouse or gateway", defaultValue: "local" })
  .addOption({ name: "gateway", description: "Comma-separated gateway URLs (--storage gateway; default: $DATATRACE_GATEWAYS)", defaultValue: "" })
  .addOption({ name: "dir", description: "Datatrace directory (its block store is <dir>/blocks)", defaultValue: ".datatrace" })
  .addOption({ name: "lighthouseUrl", description: "Send Lighthouse SDK calls to this base URL", defaultValue: "" })
  .addFlag({ name: "json", description: "Print the result as JSON" })
  .setAction(() => import("./status.js"))
  .build();

/** The `storage` namespace and its tasks. */
export const storageTasks: TaskDefinition[] = [storageNamespace, putTask, getTask, statusTask];
