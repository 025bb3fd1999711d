/**
 * The training module's only contact with the dataset commitment scheme:
 * proving that the samples a log names are members of the datasets a model
 * links, from the datasets' manifests, each proof checked by the Merkle
 * verifier against the root read from the chain; proving the others absent
 * from every one of them; and the Merkle root of a batch whose samples a log
 * commits by root only. When the scheme changes, this file adapts; the
 * callers see sample hashes in, verdicts out.
 *
 * Uses: `ManifestReader` (`proveSamples`) from src/manifest, and
 * `verifyBatch`, `verifyAbsence`, `buildTree` from src/merkle.
 */
import { hashFromHex, toHex } from "../hash/index.js";
import type { ManifestReader } from "../manifest/index.js";
import { buildTree, verifyAbsence, verifyBatch } from "../merkle/index.js";
import type { Hex32 } from "./log-entry.js";
import { DatatraceError } from "../errors/index.js";

/** A dataset the samples may belong to: its on-chain commitment and a reader of its manifest. */
export interface MembershipDataset {
  /** DatasetNFT token id. */
  readonly tokenId: bigint;
  /** The root on chain (0x hex). */
  readonly root: string;
  /** The leaf count on chain. */
  readonly leafCount: number;
  /** Its manifest, opened (header and index checked). */
  readonly reader: ManifestReader;
}

/** Where a sample was found. */
export interface MemberSample {
  readonly datasetId: bigint;
  /** Position among the dataset's committed leaves. */
  readonly index: number;
}

/** Verdicts on a set of sample hashes. */
export interface BatchMembership {
  /** Members, by 0x sample hash: the first linked dataset that holds it. */
  readonly members: ReadonlyMap<Hex32, MemberSample>;
  /** Hashes proven absent from every dataset given. */
  readonly nonMembers: readonly Hex32[];
}

/** A manifest or proof that does not match the commitment it should prove against. */
export class MembershipProofError extends DatatraceError {
  constructor(message: string) {
    super(message, { family: "data" });
    this.name = "MembershipProofError";
  }
}

/** Throws unless the reader's manifest is the one committed on chain (root and leaf count). */
export function requireManifestOf(dataset: MembershipDataset): void {
  const header = dataset.reader.header;
  if (header.root.toLowerCase() !== dataset.root.toLowerCase() || header.leafCount !== dataset.leafCount) {
    throw new MembershipProofError(
      `the manifest of dataset #${dataset.tokenId} has root ${header.root} (${header.leafCount} leaves), but the dataset commits to ${dataset.root} (${dataset.leafCount} leaves)`,
    );
  }
}

/**
 * Proves each of `sampleHashes` a member of one of `datasets` (tried in
 * order) or absent from all of them; every proof is verified against the
 * on-chain root before it counts. Throws {@link MembershipProofError} when a
 * manifest gives a proof that does not verify.
 */
export async function proveBatchMembership(datasets: readonly MembershipDataset[], sampleHashes: Iterable<string>): Promise<BatchMembership> {
  let remaining = [...new Set([...sampleHashes].map((h) => h.toLowerCase() as Hex32))];
  const members = new Map<Hex32, MemberSample>();
  for (const dataset of datasets) {
    if (remaining.length === 0) break;
    requireManifestOf(dataset);
    const root = hashFromHex(dataset.root);
    const result = await dataset.reader.proveSamples(remaining.map((h) => hashFromHex(h)));
    if (result.batch !== null) {
      const { indexes, path } = result.batch;
      if (!verifyBatch(root, dataset.leafCount, result.memberHashes, indexes, path)) {
        throw new MembershipProofError(`the batch proof from the manifest of dataset #${dataset.tokenId} does not verify against its root ${dataset.root}`);
      }
      result.memberHashes.forEach((h, k) => members.set(toHex(h) as Hex32, { datasetId: dataset.tokenId, index: indexes[k]! }));
    }
    for (const absent of result.absent) {
      if (!verifyAbsence(root, dataset.leafCount, absent.sampleHash, absent.proof)) {
        throw new MembershipProofError(`the absence proof of ${toHex(absent.sampleHash)} from the manifest of dataset #${dataset.tokenId} does not verify against its root ${dataset.root}`);
      }
    }
    remaining = result.absent.map((a) => toHex(a.sampleHash) as Hex32);
  }
  return { members, nonMembers: remaining };
}

/**
 * The Merkle root a batch entry commits with `samplesRoot`: the dataset
 * scheme's root over the batch's distinct sample hashes, sorted.
 */
export function batchSamplesRoot(sampleHashes: Iterable<string>): Hex32 {
  const distinct = [...new Set([...sampleHashes].map((h) => h.toLowerCase()))].sort();
  if (distinct.length === 0) throw new DatatraceError("a batch root needs at least one sample hash");
  const flat = new Uint8Array(distinct.length * 32);
  distinct.forEach((h, i) => flat.set(hashFromHex(h), i * 32));
  return toHex(buildTree(flat).root) as Hex32;
}

/** Number of distinct hashes under a {@link batchSamplesRoot} (what `sampleCount` must say). */
export function distinctSampleCount(sampleHashes: Iterable<string>): number {
  return new Set([...sampleHashes].map((h) => h.toLowerCase())).size;
}
