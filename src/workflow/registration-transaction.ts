/**
 * The on-chain half of a registration, shared by datasets and models:
 * sending the `register` transaction (gas estimated by the node, never
 * hard-coded; reverts decoded into sentences), waiting for its receipt
 * with a progress report, reading the minted token id from the
 * registration event, and explorer links for the result. DatasetNFT's
 * commit-reveal commitment is in ./registration-commitment.ts.
 */
import type { ContractTransactionResponse, Interface, Result, TransactionReceipt } from "ethers";

import { toChainError, waitForReceipt } from "../chain/index.js";
import type { RegistryClient } from "../chain/index.js";
import type { Reporter } from "./reporter.js";

/** A sent transaction, as recorded in the registration journal. */
export interface SentTransaction {
  readonly hash: string;
  readonly nonce: number;
  readonly from: string;
}

/** A link to show the user. */
export interface Link {
  readonly name: string;
  readonly url: string;
}

/** Sends a registration transaction; errors become readable UserErrors. */
export async function sendRegistrationTransaction(
  client: RegistryClient,
  action: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<SentTransaction> {
  const account = client.signer === undefined ? undefined : await client.signer.getAddress();
  try {
    const tx = await send();
    return { hash: tx.hash, nonce: tx.nonce, from: tx.from };
  } catch (error) {
    throw toChainError(error, client.interfaces, { action, networkName: client.networkName, account, filecoin: client.filecoin, inProcess: client.inProcess });
  }
}

/** Waits for the receipt of `hash`, reporting the wait (Filecoin: 30 s blocks). */
export async function waitForRegistration(client: RegistryClient, hash: string, reporter: Reporter): Promise<TransactionReceipt> {
  const label = `waiting for transaction ${hash.slice(0, 12)}… to be mined${client.filecoin ? " (Filecoin: usually 30–90 s)" : ""}`;
  const started = performance.now();
  try {
    return await waitForReceipt(client.provider, hash, { ...client.receiptWait, onWait: (w) => reporter.wait(label, w.elapsedMs) });
  } finally {
    reporter.waitDone(label, performance.now() - started);
  }
}

/** The arguments of the first `eventName` log that `address` emitted in `receipt`. */
export function eventArgs(receipt: TransactionReceipt, iface: Interface, address: string, eventName: string): Result | undefined {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    try {
      const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
      if (parsed?.name === eventName) return parsed.args;
    } catch {
      // another event of the same contract
    }
  }
  return undefined;
}

/**
 * Why a mined transaction reverted: replays it as a call on the block
 * before, decoding the custom error. Undefined when the replay succeeds
 * (the state changed since) or tells nothing.
 */
export async function revertReasonOf(client: RegistryClient, receipt: TransactionReceipt, action: string): Promise<string | undefined> {
  const tx = await client.provider.getTransaction(receipt.hash);
  if (tx === null) return undefined;
  try {
    await client.provider.call({ to: tx.to, from: tx.from, data: tx.data, value: tx.value, blockTag: Math.max(0, receipt.blockNumber - 1) });
    return undefined;
  } catch (error) {
    return toChainError(error, client.interfaces, { action, networkName: client.networkName, inProcess: client.inProcess }).message.split("\n")[0];
  }
}

/** Explorer links of a registration (none on local chains). */
export function registrationLinks(client: RegistryClient, contract: string, tokenId: bigint | undefined, txHash: string | undefined): Link[] {
  const links: Link[] = [];
  for (const explorer of client.explorers) {
    if (txHash !== undefined) links.push({ name: `${explorer.name} transaction`, url: explorer.transaction(txHash) });
    if (tokenId !== undefined) links.push({ name: `${explorer.name} token`, url: explorer.token(contract, tokenId) });
  }
  return links;
}
