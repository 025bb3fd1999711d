/**
 * Checks that the registries a deployment record names really exist on the
 * connected chain (code at both addresses), so that a missing or stale
 * deployment fails with one clear message instead of an obscure call error.
 * A local node restarted after a deployment is the usual stale case: its
 * Ignition record survives, its contracts do not.
 */
import type { Provider } from "ethers";

import { UserError } from "../errors/index.js";
import type { RegistryAddresses } from "./registry-addresses.js";

/** What the messages need to know about the connection. */
export interface DeploymentContext {
  /** Hardhat network name (`localhost`, `calibration`…). */
  readonly networkName: string;
  readonly chainId: bigint;
  /** Path of the deployment record consulted, for messages. */
  readonly recordPath?: string | undefined;
  /** The Ignition deployment id used, when it is not the default `chain-<id>`. */
  readonly deploymentId?: string | undefined;
}

/** The command that deploys the registries to a network. */
export function deployCommand(networkName: string, reset = false, deploymentId?: string): string {
  const id = deploymentId === undefined || deploymentId === "" ? "" : ` --deployment-id ${deploymentId}`;
  return `npx hardhat ignition deploy ignition/modules/Registry.ts --network ${networkName}${id}${reset ? " --reset" : ""}`;
}

/**
 * Returns `addresses` once code is found at both; throws a UserError saying
 * how to deploy when there is no record or no code.
 */
export async function requireDeployed(
  provider: Provider,
  addresses: RegistryAddresses | undefined,
  context: DeploymentContext,
): Promise<RegistryAddresses> {
  const where = `${context.networkName} (chain ${context.chainId})`;
  if (addresses === undefined) {
    throw new UserError(
      `contracts not deployed on ${where}: there is no Ignition record${context.recordPath === undefined ? "" : ` (${context.recordPath})`}.`,
      `Run \`${deployCommand(context.networkName, false, context.deploymentId)}\`, then retry.`,
      { family: "config" },
    );
  }
  for (const [name, address] of [["DatasetNFT", addresses.datasetNFT], ["ModelNFT", addresses.modelNFT]] as const) {
    const code = await provider.getCode(address);
    if (code === "0x" || code === "") {
      throw new UserError(
        `contracts not deployed on ${where}: the Ignition record lists ${name} at ${address}, but there is no contract code there ` +
          "(a local node that was restarted forgets its contracts; a record copied from another chain is wrong).",
        `Run \`${deployCommand(context.networkName, true, context.deploymentId)}\` to deploy again, then retry.`,
        { family: "config" },
      );
    }
  }
  return addresses;
}
