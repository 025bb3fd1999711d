/**
 * Reads a ModelNFT through the page's batching {@link JsonRpcClient}: model
 * records (commitments, relation, datasets, parents) and token URIs of many
 * tokens at once, and the count.
 */
import { Interface } from "ethers/abi";

import { modelRecordOf, type ModelRecord, type ModelRecordResult } from "../../../src/chain/browser.js";
import { ContractClient, locateContract } from "./contract-client.js";
import type { JsonRpcClient } from "./json-rpc-client.js";
import { MODEL_NFT_ABI } from "./registry-abi.js";

const abi = new Interface(MODEL_NFT_ABI);

/** A model as the page shows it: its on-chain {@link ModelRecord}, id and token URI. */
export interface ModelEntry extends ModelRecord {
  readonly id: bigint;
  readonly tokenURI: string;
}

/** A ModelNFT at `address`, read through `rpc`. Use {@link ModelNftClient.connect}. */
export class ModelNftClient {
  readonly #contract: ContractClient;

  private constructor(
    readonly rpc: JsonRpcClient,
    readonly address: string,
    readonly chainId: bigint,
  ) {
    this.#contract = new ContractClient(rpc, abi, address, `the ModelNFT at ${address} on chain ${chainId}`);
  }

  /** Checks the address, asks the chain id and that code exists at the address. */
  static async connect(rpc: JsonRpcClient, address: string): Promise<ModelNftClient> {
    const located = await locateContract(rpc, address, "ModelNFT");
    return new ModelNftClient(rpc, located.address, located.chainId);
  }

  get description(): string {
    return this.#contract.description;
  }

  /** Number of models registered (token ids are 1..count). */
  async modelCount(): Promise<bigint> {
    return (await this.#contract.call("modelCount", []))[0] as bigint;
  }

  /** Model `tokenId` and its token URI; a clear error if it does not exist. */
  async readModel(tokenId: bigint): Promise<ModelEntry> {
    const [result, uri] = await Promise.all([
      this.#contract.call("model", [tokenId], async (revert) => {
        if (revert.errorName !== "ERC721NonexistentToken") return undefined;
        const count = await this.modelCount().catch(() => undefined);
        const known = count === undefined ? "" : count === 0n ? " It has no model yet." : ` Its tokens are 1 to ${count}.`;
        return new Error(`Model #${tokenId} is not registered in ${this.description}.${known} Check the token id (and the network).`);
      }),
      this.#contract.call("tokenURI", [tokenId]).catch(() => [""]),
    ]);
    return { id: tokenId, ...modelRecordOf(result[0] as ModelRecordResult), tokenURI: uri[0] as string };
  }

  /** Models `ids` (all requests of one call go out together). */
  async readModels(ids: readonly bigint[]): Promise<ModelEntry[]> {
    return Promise.all(ids.map((id) => this.readModel(id)));
  }
}
