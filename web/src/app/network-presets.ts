/**
 * The networks the page offers as presets, and where their registries are:
 * the addresses come from the Ignition deployment records at build time
 * (web/build.ts reads `ignition/deployments/chain-<id>/deployed_addresses.json`
 * and injects them as `__DATATRACE_DEPLOYMENTS__`); a preset without a
 * record is shown disabled ("not deployed yet"). Plain data: also imported
 * by web/build.ts in Node.
 */

/** Ids of the presets. */
export type PresetId = "local" | "calibration" | "mainnet";

/** A network the page knows. */
export interface NetworkDefinition {
  readonly id: PresetId;
  readonly name: string;
  readonly chainId: number;
  /** Default JSON-RPC endpoint (CORS-enabled). */
  readonly rpcUrl: string;
  /** Gateways tried after the page's own origin. */
  readonly gateways: readonly string[];
  /** What the user needs to know about it. */
  readonly about: string;
}

/** The registries' addresses on one chain. */
export interface RegistryAddresses {
  readonly datasetNFT: string;
  readonly modelNFT: string;
}

/** Addresses found at build time, per preset (null: not deployed), and where they came from. */
export type PresetDeployments = Readonly<Record<PresetId, { readonly addresses: RegistryAddresses; readonly record: string } | null>>;

/** The presets, in menu order. */
export const NETWORK_DEFINITIONS: readonly NetworkDefinition[] = [
  {
    id: "local",
    name: "Local Hardhat node",
    chainId: 31337,
    rpcUrl: "http://127.0.0.1:8545",
    gateways: ["http://127.0.0.1:5050"],
    about: "`npx hardhat node` on this computer, with the content of `npx hardhat ipfs serve`.",
  },
  {
    id: "calibration",
    name: "Filecoin Calibration (testnet)",
    chainId: 314159,
    rpcUrl: "https://api.calibration.node.glif.io/rpc/v1",
    gateways: ["https://gateway.lighthouse.storage", "https://ipfs.io", "https://dweb.link"],
    about: "Filecoin's test network: free test FIL from a faucet, blocks every 30 s.",
  },
  {
    id: "mainnet",
    name: "Filecoin mainnet",
    chainId: 314,
    rpcUrl: "https://api.node.glif.io/rpc/v1",
    gateways: ["https://gateway.lighthouse.storage", "https://ipfs.io", "https://dweb.link"],
    about: "Filecoin's main network.",
  },
];
