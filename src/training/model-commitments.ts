/**
 * What a model token commits that a training log is checked against: its
 * weightsHash, its trainingLogHead and its training datasets (token id, root,
 * leaf count, manifest CID), read from the chain; and the datasets opened for
 * membership proofs through an injected manifest opener (the tasks pass the
 * verified content source: local store, then gateways).
 */
import { ZeroHash } from "ethers";

import { readDataset, readModel, type RegistryClient } from "../chain/index.js";
import { UserError } from "../errors/index.js";
import type { ManifestReader } from "../manifest/index.js";
import type { MembershipDataset } from "./batch-membership.js";
import type { Hex32 } from "./log-entry.js";

/** A training dataset of the model, as on chain. */
export interface CommittedDataset {
  readonly tokenId: bigint;
  readonly root: Hex32;
  readonly leafCount: number;
  readonly manifestCid: string;
}

/** The model's commitments. */
export interface ModelCommitments {
  readonly tokenId: bigint;
  readonly weightsHash: Hex32;
  readonly trainingLogHead: Hex32;
  readonly datasets: readonly CommittedDataset[];
  /** Block timestamp of the registration (seconds). */
  readonly registeredAt: number;
}

/** Opens a manifest directory by CID (header and index checked). */
export type ManifestOpener = (manifestCid: string) => Promise<ManifestReader>;

/** Reads the model's commitments; a UserError when the token does not exist or commits no training log. */
export async function readModelCommitments(client: RegistryClient, tokenId: bigint): Promise<ModelCommitments> {
  const model = await readModel(client, tokenId);
  if (model.trainingLogHead === ZeroHash) {
    throw new UserError(
      `Model #${tokenId} commits no training log (its trainingLogHead is zero).`,
      "Nothing can be checked against it: a training log must be committed at registration (model register --training-log).",
      { family: "data" },
    );
  }
  const datasets = await Promise.all(
    model.datasetIds.map(async (id) => {
      const d = await readDataset(client, id);
      return { tokenId: id, root: d.root as Hex32, leafCount: d.leafCount, manifestCid: d.manifestCid };
    }),
  );
  return { tokenId, weightsHash: model.weightsHash as Hex32, trainingLogHead: model.trainingLogHead as Hex32, datasets, registeredAt: model.registeredAt };
}

/** Opens every dataset's manifest for membership proofs (each checked against its on-chain root by the prover). */
export async function openMembershipDatasets(datasets: readonly CommittedDataset[], open: ManifestOpener): Promise<MembershipDataset[]> {
  return Promise.all(datasets.map(async (d) => ({ tokenId: d.tokenId, root: d.root, leafCount: d.leafCount, reader: await open(d.manifestCid) })));
}
