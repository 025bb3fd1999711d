/**
 * One connection to the Datatrace registries on one chain: the provider,
 * the signer (absent for read-only use), the contract clients, explorer
 * links and how to wait for receipts there. Everything in `src/workflow`
 * takes a RegistryClient; tasks build it from a Hardhat network connection,
 * tests from any ethers provider.
 */
import type { Interface, Provider, Signer } from "ethers";

import type { DatasetNFT, ModelNFT } from "../../typechain-types/index.js";
import { UserError } from "../errors/index.js";
import { KEEP_A_CHAIN } from "./describe-error.js";
import { blockExplorers, isFilecoinChain, isLocalChain, type BlockExplorer } from "./explorer.js";
import type { RegistryAddresses } from "./registry-addresses.js";
import { connectRegistryContracts, registryInterfaces } from "./registry-contracts.js";
import type { WaitForReceiptOptions } from "./wait-for-receipt.js";

/** A connection to the registries (see the module doc). */
export interface RegistryClient {
  /** Hardhat network name, for messages and suggested commands. */
  readonly networkName: string;
  readonly chainId: bigint;
  readonly provider: Provider;
  /** The account that registers; undefined for read-only connections. */
  readonly signer: Signer | undefined;
  readonly addresses: RegistryAddresses;
  /** DatasetNFT, connected to the signer when there is one. */
  readonly datasets: DatasetNFT;
  /** ModelNFT, connected to the signer when there is one. */
  readonly models: ModelNFT;
  /** ABIs of both registries (custom errors, events). */
  readonly interfaces: readonly Interface[];
  /** Explorer links (none on local chains). */
  readonly explorers: readonly BlockExplorer[];
  /** True on a local development chain (Hardhat 31337 etc.). */
  readonly local: boolean;
  /**
   * True on Hardhat's in-process network: its chain is created afresh by
   * every command and ends with it, so nothing registered by an earlier
   * command exists (error hints then point at `--network localhost`).
   */
  readonly inProcess: boolean;
  /** True on Filecoin (30 s blocks, FEVM error texts). */
  readonly filecoin: boolean;
  /** How receipts are awaited on this chain. */
  readonly receiptWait: Omit<WaitForReceiptOptions, "onWait">;
  /** How far back event queries may reach (undefined: from block 0). */
  readonly logLookbackBlocks: number | undefined;
}

/** Inputs of {@link createRegistryClient}. */
export interface CreateRegistryClientOptions {
  readonly networkName: string;
  readonly provider: Provider;
  readonly signer?: Signer | undefined;
  readonly addresses: RegistryAddresses;
  /** The connection is Hardhat's in-process network (default false). */
  readonly inProcess?: boolean | undefined;
  /** Override the receipt wait settings (default: by chain kind). */
  readonly receiptWait?: Omit<WaitForReceiptOptions, "onWait"> | undefined;
}

/** Builds a client; the chain id is read from the provider. */
export async function createRegistryClient(options: CreateRegistryClientOptions): Promise<RegistryClient> {
  const chainId = (await options.provider.getNetwork()).chainId;
  const runner = options.signer ?? options.provider;
  const { datasets, models } = await connectRegistryContracts(options.addresses, runner);
  const local = isLocalChain(chainId);
  const filecoin = isFilecoinChain(chainId);
  const receiptWait =
    options.receiptWait ??
    (local
      ? { pollMs: 100, timeoutMs: 10 * 60_000, unknownAfterMs: 3_000 }
      : filecoin
        ? { pollMs: 5_000, timeoutMs: 15 * 60_000, unknownAfterMs: 180_000 }
        : { pollMs: 2_000, timeoutMs: 15 * 60_000, unknownAfterMs: 90_000 });
  return {
    networkName: options.networkName,
    chainId,
    provider: options.provider,
    signer: options.signer,
    addresses: options.addresses,
    datasets,
    models,
    interfaces: await registryInterfaces(),
    explorers: blockExplorers(chainId),
    local,
    inProcess: options.inProcess === true,
    filecoin,
    receiptWait,
    // Glif's public Calibration/mainnet RPC keeps ~2000 recent blocks for log queries.
    logLookbackBlocks: filecoin ? 1_900 : undefined,
  };
}

/**
 * The advice for a token id that does not exist on `client`'s chain: on the
 * in-process network, that its chain is fresh for every command and how to
 * keep one (`npx hardhat node` + `--network localhost`); elsewhere, the
 * command that lists the tokens (`listCommand`, without `--network`).
 */
export function unknownTokenAdvice(client: RegistryClient, listCommand: string): string {
  if (client.inProcess) {
    return (
      "Without --network, every command runs on a fresh in-process chain that starts empty and ends with the command, so tokens registered by an earlier command are gone. " +
      KEEP_A_CHAIN
    );
  }
  return `Check the token id and the network; ${listCommand} --network ${client.networkName}\`.`;
}

/** The client's signer, or a UserError explaining how to configure an account. */
export function requireSigner(client: RegistryClient): Signer {
  if (client.signer !== undefined) return client.signer;
  throw new UserError(
    `No account to send transactions with on ${client.networkName}.`,
    client.filecoin
      ? "Store the key of a funded account with `npx hardhat keystore set PRIVATE_KEY` (or export PRIVATE_KEY), then retry."
      : `Configure accounts for the network "${client.networkName}" in hardhat.config.ts, then retry.`,
    { family: "config" },
  );
}
