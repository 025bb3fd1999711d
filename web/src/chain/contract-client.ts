/**
 * `eth_call`s to one contract through the page's {@link JsonRpcClient}
 * (batched with whatever else is called in the same turn): arguments
 * encoded and results decoded with an ethers `Interface`, reverts decoded
 * against the ABI and offered to the caller for a better message, and
 * answers that do not decode reported as "not this contract".
 */
import { Interface } from "ethers/abi";
import { getAddress, isAddress } from "ethers/address";

import type { JsonRpcClient } from "./json-rpc-client.js";
import { RpcError } from "./json-rpc-client.js";

/** A decoded revert: the custom error's name and arguments (empty when it did not decode). */
export interface Revert {
  readonly errorName?: string;
  readonly args?: readonly unknown[];
}

/** View calls to the contract at `address` (see the module doc). */
export class ContractClient {
  constructor(
    readonly rpc: JsonRpcClient,
    readonly abi: Interface,
    /** Checksummed address. */
    readonly address: string,
    /** Names the contract in messages ("the DatasetNFT at 0x… on chain 31337"). */
    readonly description: string,
  ) {}

  /** `eth_call` of `name(args)`; a revert goes through `onRevert`, which may return a better error. */
  async call(name: string, args: readonly unknown[], onRevert?: (revert: Revert) => Promise<Error | undefined>): Promise<readonly unknown[]> {
    const data = this.abi.encodeFunctionData(name, args);
    let raw: unknown;
    try {
      raw = await this.rpc.request("eth_call", [{ to: this.address, data }, "latest"]);
    } catch (error) {
      if (!(error instanceof RpcError) || error.rpcCode === undefined) throw error;
      const revert = this.decodeRevert(error.data);
      const better = await onRevert?.(revert);
      if (better !== undefined) throw better;
      throw new Error(
        `${this.description} reverted ${name}(): ${revert.errorName !== undefined ? `${revert.errorName}(${(revert.args ?? []).join(", ")})` : error.message}. ` +
          "Is this address really the contract you meant?",
      );
    }
    if (typeof raw !== "string") throw new Error(`eth_call of ${name}() returned ${JSON.stringify(raw)}, not hex data.`);
    try {
      return this.abi.decodeFunctionResult(name, raw);
    } catch {
      throw new Error(`${this.description} answered ${name}() with data that does not decode (${raw.slice(0, 18)}…): it is not the contract the page expects.`);
    }
  }

  /** The custom error in a JSON-RPC error's data, decoded against the ABI. */
  decodeRevert(data: unknown): Revert {
    const revertData = findRevertData(data);
    const decoded = revertData === undefined ? null : this.abi.parseError(revertData);
    return decoded === null ? {} : { errorName: decoded.name, args: [...decoded.args] };
  }
}

/** The revert data inside a JSON-RPC error's `data`, in the shapes nodes use ("0x…", {data: "0x…"}, nested). */
export function findRevertData(data: unknown, depth = 0): string | undefined {
  if (typeof data === "string") return /^0x([0-9a-fA-F]{2})*$/.test(data) && data.length >= 10 ? data : undefined;
  if (data === null || typeof data !== "object" || depth > 3) return undefined;
  const record = data as Record<string, unknown>;
  for (const key of ["data", "result", "originalError", "error", "cause"]) {
    const found = findRevertData(record[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Checks a registry address typed by the user (a clear error if it is not
 * one) and that `rpc` reaches a chain with code there: the checksummed
 * address and the chain id. `what` names the contract (`DatasetNFT`).
 */
export async function locateContract(rpc: JsonRpcClient, address: string, what: string): Promise<{ readonly address: string; readonly chainId: bigint }> {
  const trimmed = address.trim();
  if (!isAddress(trimmed)) throw new Error(`"${address}" is not a contract address: give the ${what} address (0x followed by 40 hex digits).`);
  const checksummed = getAddress(trimmed);
  return { address: checksummed, chainId: await requireContract(rpc, checksummed, what) };
}

/** Checks that `rpc` reaches a chain with code at `address`; returns the chain id. Throws a message naming what to check. */
export async function requireContract(rpc: JsonRpcClient, address: string, what: string): Promise<bigint> {
  const [chainId, code] = await Promise.all([rpc.request("eth_chainId"), rpc.request("eth_getCode", [address, "latest"])]);
  const id = BigInt(String(chainId));
  if (typeof code !== "string" || code === "0x" || code === "0x0") {
    throw new Error(
      `There is no contract at ${address} on chain ${id} (${rpc.url}). ` + `Wrong network or wrong address? Check the JSON-RPC URL and the ${what} address.`,
    );
  }
  return id;
}
