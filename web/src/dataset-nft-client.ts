/**
 * Reads a DatasetNFT through a {@link JsonRpcClient}: the dataset record of a
 * token and the contract's own proof checks (`verifySample`, `verifySamples`,
 * `verifyAbsence`, all `view`, so plain `eth_call`s: no wallet, no gas); it
 * is a `DatasetProofChecker` (src/workflow/prove-sample.ts). Failures are turned
 * into messages a user can act on: no contract at the address on this chain,
 * a contract that is not a DatasetNFT, an unknown token id.
 */
import { Interface } from "ethers/abi";
import { getAddress, isAddress } from "ethers/address";

import { datasetRecordOf, type DatasetRecord, type DatasetRecordResult } from "../../src/chain/dataset-record.js";
import type { DatasetProofChecker } from "../../src/workflow/prove-sample.js";
import { DATASET_NFT_ABI } from "./dataset-nft-abi.js";
import type { JsonRpcClient } from "./json-rpc-client.js";
import { RpcError } from "./json-rpc-client.js";

const abi = new Interface(DATASET_NFT_ABI);

/** A DatasetNFT at `address`, read through `rpc`. Use {@link DatasetNftClient.connect}. */
export class DatasetNftClient implements DatasetProofChecker {
  private constructor(
    readonly rpc: JsonRpcClient,
    /** Checksummed contract address. */
    readonly address: string,
    /** Chain id the endpoint reported. */
    readonly chainId: bigint,
  ) {}

  /** Checks the address, asks the chain id and that code exists at the address. */
  static async connect(rpc: JsonRpcClient, address: string): Promise<DatasetNftClient> {
    const trimmed = address.trim();
    if (!isAddress(trimmed)) {
      throw new Error(`"${address}" is not a contract address: give the DatasetNFT address (0x followed by 40 hex digits).`);
    }
    const checksummed = getAddress(trimmed);
    const chainId = BigInt(String(await rpc.request("eth_chainId")));
    const code = await rpc.request("eth_getCode", [checksummed, "latest"]);
    if (typeof code !== "string" || code === "0x" || code === "0x0") {
      throw new Error(
        `There is no contract at ${checksummed} on chain ${chainId} (${rpc.url}). ` +
          "Wrong network or wrong address? Check the JSON-RPC URL and the DatasetNFT address.",
      );
    }
    return new DatasetNftClient(rpc, checksummed, chainId);
  }

  /** Where the contract is, for messages. */
  get description(): string {
    return `the DatasetNFT at ${this.address} on chain ${this.chainId}`;
  }

  /** The dataset record of `tokenId`; a clear error if the token does not exist. */
  async readDataset(tokenId: bigint): Promise<DatasetRecord> {
    const result = await this.#call("dataset", [tokenId], async (error) => {
      if (error.errorName === "ERC721NonexistentToken") {
        const count = await this.datasetCount().catch(() => undefined);
        const known = count === undefined ? "" : count === 0n ? " It has no dataset yet." : ` Its tokens are 1 to ${count}.`;
        return new Error(`Token #${tokenId} is not registered in ${this.description}.${known} Check the token id (and the network).`);
      }
      return undefined;
    });
    const d = result[0] as DatasetRecordResult;
    if (d.leafCount > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Error(`Token #${tokenId} claims ${d.leafCount} leaves, more than this page can handle.`);
    }
    return datasetRecordOf(d);
  }

  /** Number of datasets registered (token ids are 1..count). */
  async datasetCount(): Promise<bigint> {
    return (await this.#call("datasetCount", []))[0] as bigint;
  }

  /** `verifySample(tokenId, sampleHash, index, path)` evaluated by the contract (hashes as 0x hex). */
  async verifySample(tokenId: bigint, sampleHash: string, index: bigint, path: string[]): Promise<boolean> {
    return (await this.#call("verifySample", [tokenId, sampleHash, index, path]))[0] as boolean;
  }

  /** `verifySamples(tokenId, sampleHashes, indexes, path)` evaluated by the contract. */
  async verifySamples(tokenId: bigint, sampleHashes: string[], indexes: bigint[], path: string[]): Promise<boolean> {
    return (await this.#call("verifySamples", [tokenId, sampleHashes, indexes, path]))[0] as boolean;
  }

  /** `verifyAbsence(tokenId, query, index, neighbor, path)` evaluated by the contract. */
  async verifyAbsence(tokenId: bigint, query: string, index: bigint, neighbor: string, path: string[]): Promise<boolean> {
    return (await this.#call("verifyAbsence", [tokenId, query, index, neighbor, path]))[0] as boolean;
  }

  /**
   * `eth_call` of `name`; a revert is decoded against the ABI and offered to
   * `onRevert`, which may return a better error.
   */
  async #call(
    name: string,
    args: readonly unknown[],
    onRevert?: (error: { errorName?: string; args?: readonly unknown[] }) => Promise<Error | undefined>,
  ): Promise<readonly unknown[]> {
    const data = abi.encodeFunctionData(name, args);
    let raw: unknown;
    try {
      raw = await this.rpc.request("eth_call", [{ to: this.address, data }, "latest"]);
    } catch (error) {
      if (!(error instanceof RpcError) || error.code === undefined) throw error;
      const revertData = findRevertData(error.data);
      const decoded = revertData === undefined ? null : abi.parseError(revertData);
      const better = await onRevert?.(decoded === null ? {} : { errorName: decoded.name, args: [...decoded.args] });
      if (better !== undefined) throw better;
      throw new Error(
        `${this.description} reverted ${name}(): ${decoded !== null ? `${decoded.name}(${decoded.args.join(", ")})` : error.message}. ` +
          "Is this address really a DatasetNFT?",
      );
    }
    if (typeof raw !== "string") throw new Error(`eth_call of ${name}() returned ${JSON.stringify(raw)}, not hex data.`);
    try {
      return abi.decodeFunctionResult(name, raw);
    } catch {
      throw new Error(`${this.description} answered ${name}() with data that does not decode (${raw.slice(0, 18)}…): it is not a DatasetNFT.`);
    }
  }
}

/** The revert data inside a JSON-RPC error's `data`, in the shapes nodes use ("0x…", {data: "0x…"}, nested). */
export function findRevertData(data: unknown, depth = 0): string | undefined {
  if (typeof data === "string") return /^0x([0-9a-fA-F]{2})*$/.test(data) && data.length >= 10 ? data : undefined;
  if (data === null || typeof data !== "object" || depth > 3) return undefined;
  const record = data as Record<string, unknown>;
  for (const key of ["data", "result", "originalError"]) {
    const found = findRevertData(record[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
