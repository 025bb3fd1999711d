/**
 * Proves one sample in or out of one registered dataset and checks the
 * proof twice: locally with the TypeScript verifier (src/merkle) against
 * the on-chain commitment, and by the contract's own view (`verifySample`
 * for a member, `verifyAbsence` for a non-member). The proof comes from the
 * dataset's manifest, which must match the on-chain commitment. The contract
 * is reached through the narrow {@link DatasetProofChecker}, so the CLI (a
 * TypeChain contract) and the web page (its own JSON-RPC client) share this code.
 */
import { UserError } from "../errors/index.js";
import { hashFromHex, toHex } from "../hash/index.js";
import type { ManifestReader } from "../manifest/browser.js";
import { verifyAbsence, verifyMember } from "../merkle/browser.js";

/** The DatasetNFT views a proof is checked with (a TypeChain `DatasetNFT`, or the page's own client). */
export interface DatasetProofChecker {
  verifySample(tokenId: bigint, sampleHash: string, index: bigint, path: string[]): Promise<boolean>;
  verifyAbsence(tokenId: bigint, query: string, index: bigint, neighbor: string, path: string[]): Promise<boolean>;
  verifySamples(tokenId: bigint, sampleHashes: string[], indexes: bigint[], path: string[]): Promise<boolean>;
}

/** The on-chain commitment a proof is checked against. */
export interface CommittedDataset {
  readonly id: bigint;
  /** Committed root, 0x hex. */
  readonly root: string;
  readonly leafCount: number;
  readonly manifestCid: string;
}

/** The outcome of {@link proveSample}. */
export interface SampleProof {
  /** True if the sample is in the dataset. */
  readonly member: boolean;
  /** The member's position among the sorted distinct sample hashes, or where a non-member's search path ends. */
  readonly index: number;
  /** Non-members: the sample hash at `index` (≠ the query). */
  readonly neighbor?: Uint8Array;
  /** `[sibling, split, …]` from `index` up. */
  readonly path: readonly Uint8Array[];
  /** The proof checked by the TypeScript verifier. */
  readonly localValid: boolean;
  /** The proof checked by the contract (`verifySample` / `verifyAbsence`). */
  readonly onChainValid: boolean;
}

/** Throws unless the manifest is the one committed by `dataset` (same root and leaf count). */
export function requireManifestMatches(dataset: CommittedDataset, reader: ManifestReader): void {
  if (reader.header.root.toLowerCase() !== dataset.root.toLowerCase() || reader.header.leafCount !== dataset.leafCount) {
    throw new UserError(
      `The manifest ${dataset.manifestCid} of dataset #${dataset.id} has root ${reader.header.root} (${reader.header.leafCount} leaves), ` +
        `but the dataset commits to ${dataset.root} (${dataset.leafCount} leaves).`,
      "The registered manifest CID does not describe this dataset: no proof can be made from it. Report it to the registrant.",
      { family: "data" },
    );
  }
}

/** Proves `sampleHash` in or out of `dataset` from `reader` and checks the proof locally and with `checker`. */
export async function proveSample(
  checker: DatasetProofChecker,
  dataset: CommittedDataset,
  reader: ManifestReader,
  sampleHash: Uint8Array,
): Promise<SampleProof> {
  const root = hashFromHex(dataset.root);
  const result = await reader.proveSample(sampleHash);
  const path = result.path.map(toHex);
  if (result.kind === "member") {
    const localValid = verifyMember(root, dataset.leafCount, sampleHash, result.index, result.path);
    const onChainValid = await checker.verifySample(dataset.id, toHex(sampleHash), BigInt(result.index), path);
    return { member: true, index: result.index, path: result.path, localValid, onChainValid };
  }
  const localValid = verifyAbsence(root, dataset.leafCount, sampleHash, result);
  const onChainValid = await checker.verifyAbsence(dataset.id, toHex(sampleHash), BigInt(result.index), toHex(result.neighbor), path);
  return { member: false, index: result.index, neighbor: result.neighbor, path: result.path, localValid, onChainValid };
}
