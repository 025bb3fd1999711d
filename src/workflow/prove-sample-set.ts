/**
 * Proves many samples in or out of one registered dataset at once: one
 * batch multiproof for all the members, checked by the TypeScript
 * `verifyBatch` and the contract's `verifySamples`, and one absence proof
 * per non-member, checked by `verifyAbsence` here and on chain (those calls
 * are issued together, so a client that batches JSON-RPC requests sends them
 * in one round trip). The hashes are deduplicated and sorted first, so each
 * manifest shard is fetched once however many samples fall into it.
 *
 * Shared by `dataset verify` (its batch check, {@link checkMemberBatch}) and
 * the web page's many-file verification ({@link proveSampleSet}). Browser-safe.
 */
import { compareHashes, verifyAbsence, verifyBatch } from "../merkle/browser.js";
import { hashFromHex, toHex } from "../hash/index.js";
import type { ManifestReader } from "../manifest/browser.js";
import type { CommittedDataset, DatasetProofChecker } from "./prove-sample.js";

/** The members' batch proof and both of its checks. */
export interface MemberBatchCheck {
  /** The members' hashes, ascending (the order of `indexes`). */
  readonly memberHashes: readonly Uint8Array[];
  /** Their positions among the sorted distinct sample hashes, ascending. */
  readonly indexes: readonly number[];
  /** The multiproof: siblings and split keys in the order the verifier consumes them. */
  readonly path: readonly Uint8Array[];
  /** `verifyBatch` against the on-chain root and count. */
  readonly localValid: boolean;
  /** The contract's `verifySamples`. */
  readonly onChainValid: boolean;
}

/** A non-member's absence proof and both of its checks. */
export interface AbsenceCheck {
  readonly sampleHash: Uint8Array;
  /** Where its search path ends. */
  readonly index: number;
  /** The sample hash at `index` (≠ `sampleHash`). */
  readonly neighbor: Uint8Array;
  /** `[sibling, split, …]` from `index` up. */
  readonly path: readonly Uint8Array[];
  readonly localValid: boolean;
  readonly onChainValid: boolean;
}

/** What {@link proveSampleSet} found. */
export interface SampleSetProof {
  /** The members, checked together; null when none of the samples is a member. */
  readonly batch: MemberBatchCheck | null;
  /** The non-members, each with its absence proof (ascending by hash). */
  readonly absent: readonly AbsenceCheck[];
}

/** Distinct hashes, ascending. */
function distinctSorted(hashes: readonly Uint8Array[]): Uint8Array[] {
  const byHex = new Map<string, Uint8Array>();
  for (const h of hashes) byHex.set(toHex(h), h);
  return [...byHex.values()].sort(compareHashes);
}

/**
 * One batch proof for `memberHashes` (all of which must be members) and its
 * two checks; null when fewer than `minimum` distinct members are given.
 */
export async function checkMemberBatch(
  checker: DatasetProofChecker,
  dataset: CommittedDataset,
  reader: ManifestReader,
  memberHashes: readonly Uint8Array[],
  minimum = 1,
): Promise<MemberBatchCheck | null> {
  const distinct = distinctSorted(memberHashes);
  if (distinct.length < Math.max(1, minimum)) return null;
  const proven = await reader.proveSamples(distinct);
  return proven.batch === null ? null : checkBatch(checker, dataset, proven.memberHashes, proven.batch.indexes, proven.batch.path);
}

/** Checks a batch proof locally and with the contract. */
async function checkBatch(
  checker: DatasetProofChecker,
  dataset: CommittedDataset,
  memberHashes: readonly Uint8Array[],
  indexes: readonly number[],
  path: readonly Uint8Array[],
): Promise<MemberBatchCheck> {
  const localValid = verifyBatch(hashFromHex(dataset.root), dataset.leafCount, memberHashes, indexes, path);
  const onChainValid = await checker.verifySamples(
    dataset.id,
    memberHashes.map(toHex),
    indexes.map((i) => BigInt(i)),
    path.map(toHex),
  );
  return { memberHashes, indexes, path, localValid, onChainValid };
}

/** Proves `sampleHashes` in or out of `dataset` (see the module doc). */
export async function proveSampleSet(
  checker: DatasetProofChecker,
  dataset: CommittedDataset,
  reader: ManifestReader,
  sampleHashes: readonly Uint8Array[],
): Promise<SampleSetProof> {
  const root = hashFromHex(dataset.root);
  const proven = await reader.proveSamples(distinctSorted(sampleHashes));
  const absent = await Promise.all(
    proven.absent.map(async ({ sampleHash, proof }): Promise<AbsenceCheck> => {
      const localValid = verifyAbsence(root, dataset.leafCount, sampleHash, proof);
      const onChainValid = await checker.verifyAbsence(dataset.id, toHex(sampleHash), BigInt(proof.index), toHex(proof.neighbor), proof.path.map(toHex));
      return { sampleHash, index: proof.index, neighbor: proof.neighbor, path: proof.path, localValid, onChainValid };
    }),
  );
  const batch = proven.batch === null ? null : await checkBatch(checker, dataset, proven.memberHashes, proven.batch.indexes, proven.batch.path);
  return { batch, absent };
}
