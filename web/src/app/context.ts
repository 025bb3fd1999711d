/**
 * What every view shares for one network: the JSON-RPC client (batching),
 * the registries (connected on first use, cached), the verified content
 * reader and its metadata cache, the hashing workers, explorer links and
 * gateway links. A network change reloads the page, so nothing here is ever
 * reconfigured.
 */
import { blockExplorers, type BlockExplorer } from "../../../src/chain/browser.js";
import { DatasetNftClient } from "../chain/dataset-nft-client.js";
import { JsonRpcClient } from "../chain/json-rpc-client.js";
import { ModelNftClient } from "../chain/model-nft-client.js";
import { RegistryReader } from "../chain/registry-reader.js";
import { GatewayContent } from "../content/gateway-content.js";
import { MetadataStore } from "../content/metadata-store.js";
import { HashPool } from "../hashing/hash-pool.js";
import type { PresetChoice, NetworkSettings } from "./settings.js";

/** The page's shared state for one network (see the module doc). */
export class AppContext {
  readonly rpc: JsonRpcClient;
  readonly content: GatewayContent;
  readonly metadata: MetadataStore;
  #registry: Promise<RegistryReader> | undefined;
  #pool: HashPool | undefined;
  #chainId: bigint | undefined;

  constructor(
    readonly network: NetworkSettings,
    readonly presets: readonly PresetChoice[],
    /** The page's origin when served over http(s), else undefined. */
    readonly ownOrigin: string | undefined,
  ) {
    this.rpc = new JsonRpcClient({ url: network.rpcUrl });
    this.content = new GatewayContent({ gateways: network.gateways, ownOrigin: network.ownOrigin ? ownOrigin : undefined });
    this.metadata = new MetadataStore(this.content);
  }

  /** The registries (connected once: chain id, code at both addresses). */
  registry(): Promise<RegistryReader> {
    this.#registry ??= (async () => {
      // Both checks (chain id, code at each address) go out in one batch.
      const [datasets, models] = await Promise.all([
        DatasetNftClient.connect(this.rpc, this.network.addresses.datasetNFT),
        this.network.addresses.modelNFT === "" ? Promise.resolve(undefined) : ModelNftClient.connect(this.rpc, this.network.addresses.modelNFT),
      ]);
      if (this.network.chainId !== undefined && datasets.chainId !== BigInt(this.network.chainId)) {
        throw new Error(
          `${this.network.rpcUrl} is chain ${datasets.chainId}, not ${this.network.name} (chain ${this.network.chainId}). Check the JSON-RPC URL in the network settings.`,
        );
      }
      this.#chainId = datasets.chainId;
      return new RegistryReader(datasets, models);
    })();
    this.#registry.catch(() => (this.#registry = undefined));
    return this.#registry;
  }

  /** The hashing workers. */
  hashPool(): HashPool {
    this.#pool ??= new HashPool();
    return this.#pool;
  }

  /** Block explorers of the chain (none on local chains). */
  explorers(): readonly BlockExplorer[] {
    const id = this.#chainId ?? (this.network.chainId !== undefined ? BigInt(this.network.chainId) : undefined);
    return id === undefined ? [] : blockExplorers(id);
  }

  /** A link to `cid` (and `path`) on the first gateway that serves it for people: the page's own origin when it is a gateway. */
  gatewayLink(cid: string, path = ""): string {
    const base = this.content.gateways[0] ?? this.network.gateways[0] ?? "https://ipfs.io";
    return `${base}/ipfs/${cid}${path === "" ? "" : `/${path}`}`;
  }
}
