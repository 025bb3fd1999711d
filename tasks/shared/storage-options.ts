/**
 * The storage options of the registering tasks (`dataset register`,
 * `model register`): `--storage`, `--lighthouseUrl` and `--timeout`, read by
 * ./stores.ts.
 *
 * @example
 * const registerTask = addStorageOptions(task(["model", "register"], "…").addOption({ name: "name", defaultValue: "" }))
 *   .setAction(() => import("./register.js"))
 *   .build();
 */
import { ArgumentType } from "hardhat/types/arguments";
import type { NewTaskDefinitionBuilder, TaskArguments } from "hardhat/types/tasks";

/** Adds `--storage` (local or lighthouse), `--lighthouseUrl` and `--timeout` (upload seconds) to `builder`. */
export function addStorageOptions<ArgumentsT extends TaskArguments>(builder: NewTaskDefinitionBuilder<ArgumentsT>) {
  return builder
    .addOption({ name: "storage", description: "Where to store manifest and metadata: local (the local block store) or lighthouse (needs LIGHTHOUSE_API_KEY)", defaultValue: "local" })
    .addOption({ name: "lighthouseUrl", description: "Send Lighthouse SDK calls to this base URL (e.g. a local `ipfs serve`)", defaultValue: "" })
    .addOption({ name: "timeout", description: "Lighthouse: give up on one upload after this many seconds", type: ArgumentType.INT, defaultValue: 600 });
}
