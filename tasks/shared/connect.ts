/**
 * Connects a task to the registries of the selected network
 * (`--network`, default: the in-process network):
 *
 * - `hre.network.create()` opens the connection;
 * - on the in-process network (no deployment survives a process) the
 *   registries are deployed on that connection with
 *   `conn.ignition.deploy(RegistryModule)`; the connection is kept for the
 *   rest of the process, so consecutive tasks in one process (scripts,
 *   tests) share one chain;
 * - elsewhere the addresses come from Ignition's record
 *   (`ignition/deployments/chain-<id>/deployed_addresses.json`, or the
 *   deployment named by `DATATRACE_DEPLOYMENT_ID`), and code must exist
 *   there.
 *
 * The project is built first (fresh clones have no artifacts).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import RegistryModule from "../../ignition/modules/Registry.js";
import { isUserError, UserError } from "../../src/errors/index.js";
import { toChainError, ignitionRecordPath, readIgnitionAddresses, type RegistryAddresses, createRegistryClient, type RegistryClient, requireDeployed } from "../../src/chain/index.js";
import { ensureBuilt } from "./ensure-built.js";

/** Environment variable naming an Ignition deployment id other than `chain-<id>`. */
export const DEPLOYMENT_ID_VARIABLE = "DATATRACE_DEPLOYMENT_ID";

/** A task's connection. */
export interface ConnectedRegistry {
  readonly client: RegistryClient;
  readonly connection: NetworkConnection;
  /** True on the in-process network (its chain ends with the process). */
  readonly inProcess: boolean;
}

interface CachedConnection {
  readonly connection: NetworkConnection;
  readonly addresses: RegistryAddresses;
  readonly inProcess: boolean;
}

const cache = new WeakMap<HardhatRuntimeEnvironment, Map<string, Promise<CachedConnection>>>();

function networkLabel(hre: HardhatRuntimeEnvironment): string {
  return hre.globalOptions.network ?? "default";
}

async function open(hre: HardhatRuntimeEnvironment, write: boolean): Promise<CachedConnection> {
  await ensureBuilt(hre);
  const name = networkLabel(hre);
  let connection: NetworkConnection;
  if (!(name in hre.config.networks)) {
    throw new UserError(
      `There is no network "${name}" in hardhat.config.ts.`,
      `Use one of ${Object.keys(hre.config.networks).join(", ")} (or leave --network out for the in-process network).`,
      { family: "usage" },
    );
  }
  const config = hre.config.networks[name];
  try {
    // A read-only command on an HTTP network needs no account, hence no PRIVATE_KEY.
    connection = config?.type === "http" && !write ? await hre.network.create({ override: { accounts: [] } }) : await hre.network.create();
  } catch (error) {
    throw toConnectError(error, name);
  }
  const inProcess = connection.networkConfig.type === "edr-simulated";
  let chainId: bigint;
  try {
    chainId = (await connection.ethers.provider.getNetwork()).chainId;
  } catch (error) {
    throw toConnectError(error, connection.networkName);
  }
  if (inProcess) {
    const { datasetNFT, modelNFT } = await connection.ignition.deploy(RegistryModule);
    return { connection, inProcess, addresses: { datasetNFT: await datasetNFT.getAddress(), modelNFT: await modelNFT.getAddress() } };
  }
  const location = { ignitionDir: hre.config.paths.ignition, chainId, deploymentId: process.env[DEPLOYMENT_ID_VARIABLE] };
  const addresses = await requireDeployed(connection.ethers.provider, await readIgnitionAddresses(location), {
    networkName: connection.networkName,
    chainId,
    recordPath: ignitionRecordPath(location),
    deploymentId: location.deploymentId,
  });
  return { connection, inProcess, addresses };
}

function toConnectError(error: unknown, networkName: string): Error {
  if (isUserError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  const variable = /configuration variable "?([A-Z0-9_]+)"?/i.exec(text)?.[1] ?? (/\b(PRIVATE_KEY|[A-Z_]+_RPC_URL)\b/.exec(text)?.[1]);
  if (variable !== undefined && /not (found|set)|missing/i.test(text)) {
    return new UserError(
      `The network ${networkName} needs the configuration variable ${variable}, which is not set.`,
      `Store it with \`npx hardhat keystore set ${variable}\` (or export ${variable}=…), then retry.`,
      { family: "config", cause: error },
    );
  }
  return toChainError(error, [], { action: `connect to ${networkName}`, networkName });
}

/**
 * Connects to the registries on the selected network. With `write`, the
 * first configured account signs transactions.
 */
export async function connectRegistry(hre: HardhatRuntimeEnvironment, options: { write?: boolean } = {}): Promise<ConnectedRegistry> {
  let perHre = cache.get(hre);
  if (perHre === undefined) cache.set(hre, (perHre = new Map()));
  const name = networkLabel(hre);
  // The in-process chain is one per process, shared by reads and writes; HTTP networks get a read-only connection without accounts.
  const write = options.write === true;
  const key = hre.config.networks[name]?.type === "http" ? `${name}:${write ? "write" : "read"}` : name;
  let pending = perHre.get(key);
  if (pending === undefined) {
    pending = open(hre, write);
    pending.catch(() => perHre.delete(key));
    perHre.set(key, pending);
  }
  const { connection, addresses, inProcess } = await pending;
  let signer;
  if (write) {
    try {
      signer = (await connection.ethers.getSigners())[0];
    } catch (error) {
      throw toConnectError(error, connection.networkName);
    }
  }
  const client = await createRegistryClient({ networkName: connection.networkName, provider: connection.ethers.provider, signer, addresses, inProcess });
  return { client, connection, inProcess };
}
