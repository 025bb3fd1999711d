/**
 * What the chain says about a model's fingerprint commitment: the committed
 * root, the registrant, and when it was registered (block number,
 * transaction and block time, from the token record and its
 * `ModelRegistered` event). This is what an evidence file is checked against.
 */
import { ZeroHash } from "ethers";

import { readModel, type RegistryClient } from "../chain/index.js";
import { UserError } from "../errors/index.js";

/** A model's fingerprint commitment and registration facts. */
export interface FingerprintRegistration {
  readonly chainId: string;
  /** ModelNFT address (checksummed). */
  readonly modelNFT: string;
  readonly tokenId: string;
  readonly fingerprintRoot: string;
  readonly registrant: string;
  /** Block timestamp of the registration (seconds since 1970), from the token record. */
  readonly registeredAt: number;
  /** Block and transaction of the `ModelRegistered` event; null when the node's log window no longer reaches it. */
  readonly blockNumber: number | null;
  readonly txHash: string | null;
}

/** Reads the registration; a UserError when the token does not exist or commits no fingerprints. */
export async function readFingerprintRegistration(client: RegistryClient, tokenId: bigint): Promise<FingerprintRegistration> {
  const model = await readModel(client, tokenId);
  if (model.fingerprintRoot === ZeroHash) {
    throw new UserError(`Model #${tokenId} commits no fingerprints (its fingerprintRoot is zero).`, "Fingerprints are committed at registration: model register --fingerprints pairs.json.", {
      family: "data",
    });
  }
  let blockNumber: number | null = null;
  let txHash: string | null = null;
  try {
    const latest = await client.provider.getBlockNumber();
    const from = client.logLookbackBlocks === undefined ? 0 : Math.max(0, latest - client.logLookbackBlocks);
    const events = await client.models.queryFilter(client.models.filters.ModelRegistered(tokenId), from, latest);
    const event = events[0];
    if (event !== undefined) {
      blockNumber = event.blockNumber;
      txHash = event.transactionHash;
    }
  } catch {
    // The node refused the log query: the block stays unknown, the record's time still holds.
  }
  return {
    chainId: client.chainId.toString(),
    modelNFT: client.addresses.modelNFT,
    tokenId: tokenId.toString(),
    fingerprintRoot: model.fingerprintRoot,
    registrant: model.registrant,
    registeredAt: model.registeredAt,
    blockNumber,
    txHash,
  };
}
