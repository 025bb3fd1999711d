/**
 * Proves one sample in or out of one registered dataset and checks the
 * proof twice: locally with the TypeScript verifier (src/merkle) against
 * the on-chain commitment, and by the contract's own view (`verifySample`
 * for a member, `verifyAbsence` for a non-member). The proof comes from the
 * dataset's manifest, which must match the on-chain commitment. For a
 * dataset proven disordered, absence is not established (the contract
 * rejects every absence proof for it): see {@link withDisorderContext}.
 */
import { EXIT_CODES, isUserError, UserError } from "../cli/errors.js";
import type { DatasetOnChain } from "../chain/dataset-records.js";
import type { RegistryClient } from "../chain/registry-client.js";
import { hashFromHex, toHex } from "../hash/hex.js";
import type { ManifestReader } from "../manifest/manifest-reader.js";
import { verifyAbsence, type AbsenceNeighbor } from "../merkle/absence.js";
import { verifyMember } from "../merkle/proof.js";

/** The outcome of {@link proveSample}. */
export interface SampleProof {
  /** True if the sample is in the dataset. */
  readonly member: boolean;
  /** Its position among the sorted distinct sample hashes (members only). */
  readonly index?: number;
  /** Siblings of the membership proof (members only). */
  readonly siblings?: readonly Uint8Array[];
  /** The one or two committed neighbours proving absence (non-members only). */
  readonly neighbors?: readonly AbsenceNeighbor[];
  /** The proof checked by the TypeScript verifier. */
  readonly localValid: boolean;
  /** The proof checked by the contract (`verifySample` / `verifyAbsence`). */
  readonly onChainValid: boolean;
  /**
   * True for a non-member of a dataset proven disordered: the contract
   * rejects every absence proof for it, so absence is not established
   * (`onChainValid` is then false and the contract is not asked).
   */
  readonly absenceDisabled?: boolean;
}

/** The sentence saying that a dataset was proven disordered, and what that means. */
export function disorderedSentence(datasetId: bigint): string {
  return `dataset #${datasetId} was proven disordered (not sorted): absence proofs are disabled; membership proofs still hold`;
}

/**
 * Runs `work` (reading the manifest, proving) against `dataset`; when the
 * dataset was proven disordered, any failure is reported as that: its
 * committed leaves are not sorted, so a manifest matching its root is not a
 * sorted manifest, and the reader refuses it.
 */
export async function withDisorderContext<T>(dataset: DatasetOnChain, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!dataset.disordered) throw error;
    const text = isUserError(error) ? error.problem : (error as Error).message;
    throw new UserError(
      `${upperFirst(disorderedSentence(dataset.id))}. Its manifest ${dataset.manifestCid} could not be used: ${text}`,
      "No absence proof can be given for this dataset. A membership proof (index and siblings for this root) can still be checked with the contract's verifySample; ask the registrant for it, or use a dataset registered with a sorted manifest.",
      { exitCode: EXIT_CODES.dataError, cause: error },
    );
  }
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Throws unless the manifest is the one committed by `dataset` (same root and leaf count). */
export function requireManifestMatches(dataset: DatasetOnChain, reader: ManifestReader): void {
  if (reader.header.root.toLowerCase() !== dataset.root.toLowerCase() || reader.header.leafCount !== dataset.leafCount) {
    throw new UserError(
      `The manifest ${dataset.manifestCid} of dataset #${dataset.id} has root ${reader.header.root} (${reader.header.leafCount} leaves), ` +
        `but the dataset commits to ${dataset.root} (${dataset.leafCount} leaves).`,
      "The registered manifest CID does not describe this dataset: no proof can be made from it. Report it to the registrant.",
      { exitCode: EXIT_CODES.dataError },
    );
  }
}

/** Contract form of an absence neighbour. */
export function neighborStruct(n: AbsenceNeighbor): { sampleHash: string; index: bigint; proof: string[] } {
  return { sampleHash: toHex(n.sampleHash), index: BigInt(n.index), proof: n.siblings.map(toHex) };
}

/** Proves `sampleHash` in or out of `dataset` from `reader` and checks the proof locally and on chain. */
export async function proveSample(client: RegistryClient, dataset: DatasetOnChain, reader: ManifestReader, sampleHash: Uint8Array): Promise<SampleProof> {
  const root = hashFromHex(dataset.root);
  const result = await reader.proveSample(sampleHash);
  if (result.kind === "member") {
    const siblings = result.proof.siblings;
    const localValid = verifyMember(root, dataset.leafCount, sampleHash, result.index, siblings);
    const onChainValid = await client.datasets.verifySample(dataset.id, toHex(sampleHash), BigInt(result.index), siblings.map(toHex));
    return { member: true, index: result.index, siblings, localValid, onChainValid };
  }
  const neighbors = result.neighbors;
  const localValid = verifyAbsence(root, dataset.leafCount, sampleHash, neighbors);
  if (dataset.disordered) return { member: false, neighbors, localValid, onChainValid: false, absenceDisabled: true };
  const onChainValid = await client.datasets.verifyAbsence(dataset.id, toHex(sampleHash), neighbors.map(neighborStruct));
  return { member: false, neighbors, localValid, onChainValid };
}
