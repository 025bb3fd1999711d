/**
 * Reads a DatasetNFT through the page's batching {@link JsonRpcClient}: the
 * dataset records and token URIs of many tokens (one round trip per page of
 * tokens), the count, `tokenOf`, and the contract's own proof checks
 * (`verifySample`, `verifySamples`, `verifyAbsence`, all `view`, so plain
 * `eth_call`s: no wallet, no gas); it is the `DatasetProofChecker` the core
 * proof functions take (src/workflow/prove-sample.ts). Failures become
 * messages a user can act on: no contract at the address on this chain, a
 * contract that is not a DatasetNFT, an unknown token id.
 */
import { Interface } from "ethers/abi";

import { datasetRecordOf, type DatasetRecord, type DatasetRecordResult } from "../../../src/chain/browser.js";
import type { DatasetProofChecker } from "../../../src/workflow/browser.js";
import { ContractClient, locateContract } from "./contract-client.js";
import type { JsonRpcClient } from "./json-rpc-client.js";
import { DATASET_NFT_ABI } from "./registry-abi.js";

/** The DatasetNFT ABI the page uses. */
export const datasetNftAbi = new Interface(DATASET_NFT_ABI);

/** A dataset as the page shows it: its on-chain record, id and token URI. */
export interface DatasetEntry extends DatasetRecord {
  readonly id: bigint;
  readonly tokenURI: string;
  readonly metadataFrozen: boolean;
}

/** A DatasetNFT at `address`, read through `rpc`. Use {@link DatasetNftClient.connect}. */
export class DatasetNftClient implements DatasetProofChecker {
  readonly #contract: ContractClient;

  private constructor(
    readonly rpc: JsonRpcClient,
    /** Checksummed contract address. */
    readonly address: string,
    /** Chain id the endpoint reported. */
    readonly chainId: bigint,
  ) {
    this.#contract = new ContractClient(rpc, datasetNftAbi, address, `the DatasetNFT at ${address} on chain ${chainId}`);
  }

  /** Checks the address, asks the chain id and that code exists at the address. */
  static async connect(rpc: JsonRpcClient, address: string): Promise<DatasetNftClient> {
    const located = await locateContract(rpc, address, "DatasetNFT");
    return new DatasetNftClient(rpc, located.address, located.chainId);
  }

  /** Where the contract is, for messages. */
  get description(): string {
    return this.#contract.description;
  }

  /** The dataset record of `tokenId`; a clear error if the token does not exist. */
  async readDataset(tokenId: bigint): Promise<DatasetRecord & { readonly metadataFrozen: boolean }> {
    const result = await this.#contract.call("dataset", [tokenId], async (revert) => {
      if (revert.errorName !== "ERC721NonexistentToken") return undefined;
      const count = await this.datasetCount().catch(() => undefined);
      const known = count === undefined ? "" : count === 0n ? " It has no dataset yet." : ` Its tokens are 1 to ${count}.`;
      return new Error(`Token #${tokenId} is not registered in ${this.description}.${known} Check the token id (and the network).`);
    });
    const d = result[0] as DatasetRecordResult & { metadataFrozen: boolean };
    if (d.leafCount > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Error(`Token #${tokenId} claims ${d.leafCount} leaves, more than this page can handle.`);
    }
    return { ...datasetRecordOf(d), metadataFrozen: d.metadataFrozen };
  }

  /** Records and token URIs of `ids` (all requests of one call go out together). */
  async readDatasets(ids: readonly bigint[]): Promise<DatasetEntry[]> {
    return Promise.all(
      ids.map(async (id) => {
        const [record, uri] = await Promise.all([this.readDataset(id), this.tokenURI(id)]);
        return { id, ...record, tokenURI: uri };
      }),
    );
  }

  /** Number of datasets registered (token ids are 1..count). */
  async datasetCount(): Promise<bigint> {
    return (await this.#contract.call("datasetCount", []))[0] as bigint;
  }

  /** The token URI of `tokenId`. */
  async tokenURI(tokenId: bigint): Promise<string> {
    return (await this.#contract.call("tokenURI", [tokenId]))[0] as string;
  }

  /** The token of `registrant`'s registration of `root`, 0n if none. */
  async tokenOf(root: string, registrant: string): Promise<bigint> {
    return (await this.#contract.call("tokenOf", [root, registrant]))[0] as bigint;
  }

  /** `verifySample(tokenId, sampleHash, index, path)` evaluated by the contract (hashes as 0x hex). */
  async verifySample(tokenId: bigint, sampleHash: string, index: bigint, path: string[]): Promise<boolean> {
    return (await this.#contract.call("verifySample", [tokenId, sampleHash, index, path]))[0] as boolean;
  }

  /** `verifySamples(tokenId, sampleHashes, indexes, path)` evaluated by the contract. */
  async verifySamples(tokenId: bigint, sampleHashes: string[], indexes: bigint[], path: string[]): Promise<boolean> {
    return (await this.#contract.call("verifySamples", [tokenId, sampleHashes, indexes, path]))[0] as boolean;
  }

  /** `verifyAbsence(tokenId, query, index, neighbor, path)` evaluated by the contract. */
  async verifyAbsence(tokenId: bigint, query: string, index: bigint, neighbor: string, path: string[]): Promise<boolean> {
    return (await this.#contract.call("verifyAbsence", [tokenId, query, index, neighbor, path]))[0] as boolean;
  }
}
