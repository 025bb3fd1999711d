/**
 * Reads a ModelNFT through the page's batching {@link JsonRpcClient}: model
 * records (commitments, relation, datasets, parents) and token URIs of many
 * tokens at once, and the count.
 */
import { Interface } from "ethers/abi";
import { getAddress, isAddress } from "ethers/address";

import { MODEL_RELATIONS, type ModelRelation } from "../../../src/registry/browser.js";
import { ContractClient, requireContract } from "./contract-client.js";
import type { JsonRpcClient } from "./json-rpc-client.js";
import { MODEL_NFT_ABI } from "./registry-abi.js";

const abi = new Interface(MODEL_NFT_ABI);

/** A model as the page shows it (the fields of `ModelNFT.model` and its token URI). */
export interface ModelEntry {
  readonly id: bigint;
  /** Digest of the weights (the model-signing statement's subject digest), 0x hex. */
  readonly weightsHash: string;
  /** Head of the hash-chained training log, 0x hex (zero when none). */
  readonly trainingLogHead: string;
  /** Root of the fingerprint pairs, 0x hex (zero when none). */
  readonly fingerprintRoot: string;
  readonly relation: ModelRelation;
  readonly datasetIds: readonly bigint[];
  readonly parentIds: readonly bigint[];
  readonly registrant: string;
  /** Seconds since 1970. */
  readonly registeredAt: number;
  readonly metadataFrozen: boolean;
  readonly tokenURI: string;
}

interface ModelResult {
  weightsHash: string;
  trainingLogHead: string;
  fingerprintRoot: string;
  relation: bigint;
  datasetIds: bigint[];
  parentIds: bigint[];
  registrant: string;
  registeredAt: bigint;
  metadataFrozen: boolean;
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
    const trimmed = address.trim();
    if (!isAddress(trimmed)) throw new Error(`"${address}" is not a contract address: give the ModelNFT address (0x followed by 40 hex digits).`);
    const checksummed = getAddress(trimmed);
    return new ModelNftClient(rpc, checksummed, await requireContract(rpc, checksummed, "ModelNFT"));
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
    const m = result[0] as ModelResult;
    return {
      id: tokenId,
      weightsHash: m.weightsHash.toLowerCase(),
      trainingLogHead: m.trainingLogHead.toLowerCase(),
      fingerprintRoot: m.fingerprintRoot.toLowerCase(),
      relation: MODEL_RELATIONS[Number(m.relation)] ?? "base",
      datasetIds: [...m.datasetIds],
      parentIds: [...m.parentIds],
      registrant: m.registrant,
      registeredAt: Number(m.registeredAt),
      metadataFrozen: m.metadataFrozen,
      tokenURI: uri[0] as string,
    };
  }

  /** Models `ids` (all requests of one call go out together). */
  async readModels(ids: readonly bigint[]): Promise<ModelEntry[]> {
    return Promise.all(ids.map((id) => this.readModel(id)));
  }
}
