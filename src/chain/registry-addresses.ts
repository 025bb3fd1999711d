/**
 * Where the Datatrace registries live on a chain, as recorded by Hardhat
 * Ignition: `ignition/deployments/<deployment id>/deployed_addresses.json`,
 * a JSON object keyed by future id (`Registry#DatasetNFT`,
 * `Registry#ModelNFT`). The default deployment id of a chain is
 * `chain-<chainId>`; another one (e.g. a throw-away deployment of a test)
 * can be named explicitly.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import { getAddress, isAddress } from "ethers";

import { UserError } from "../errors/index.js";

/** The two registry contracts of one deployment. */
export interface RegistryAddresses {
  /** The DatasetNFT contract (checksummed). */
  readonly datasetNFT: string;
  /** The ModelNFT contract bound to it (checksummed). */
  readonly modelNFT: string;
}

/** Ignition future ids of the registries in `ignition/modules/Registry.ts`. */
export const REGISTRY_FUTURE_IDS = {
  datasetNFT: "Registry#DatasetNFT",
  modelNFT: "Registry#ModelNFT",
} as const;

/** Where to look for an Ignition deployment record. */
export interface IgnitionRecordLocation {
  /** The project's `ignition` directory. */
  readonly ignitionDir: string;
  /** Chain id of the connected network. */
  readonly chainId: bigint | number;
  /** Deployment id; default `chain-<chainId>` (Ignition's own default). */
  readonly deploymentId?: string | undefined;
}

/** Ignition's default deployment id of a chain: `chain-<chainId>`. */
export function defaultDeploymentId(chainId: bigint | number): string {
  return `chain-${chainId}`;
}

/** Path of `deployed_addresses.json` for a location. */
export function ignitionRecordPath(location: IgnitionRecordLocation): string {
  const id = location.deploymentId !== undefined && location.deploymentId !== "" ? location.deploymentId : defaultDeploymentId(location.chainId);
  return path.join(location.ignitionDir, "deployments", id, "deployed_addresses.json");
}

/**
 * Reads the registry addresses from an Ignition record; undefined when the
 * record does not exist (nothing deployed with that id), a UserError when it
 * exists but is unreadable or lacks a registry.
 */
export async function readIgnitionAddresses(location: IgnitionRecordLocation): Promise<RegistryAddresses | undefined> {
  const file = ignitionRecordPath(location);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UserError(`Cannot read the Ignition deployment record ${file}.`, "Check its permissions.", { family: "io", cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `The Ignition deployment record ${file} is not valid JSON.`,
      "Redeploy with `npx hardhat ignition deploy ignition/modules/Registry.ts --network <name> --reset`.",
      { family: "data", cause: error },
    );
  }
  const record = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const pick = (key: keyof typeof REGISTRY_FUTURE_IDS): string => {
    const value = record[REGISTRY_FUTURE_IDS[key]];
    if (typeof value !== "string" || !isAddress(value)) {
      throw new UserError(
        `The Ignition deployment record ${file} has no address for ${REGISTRY_FUTURE_IDS[key]}.`,
        "Deploy the Registry module (ignition/modules/Registry.ts) with `npx hardhat ignition deploy ignition/modules/Registry.ts --network <name>`.",
        { family: "config" },
      );
    }
    return getAddress(value);
  };
  return { datasetNFT: pick("datasetNFT"), modelNFT: pick("modelNFT") };
}
