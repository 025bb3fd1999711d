/**
 * The commitments and facts of one model as `ModelNFT.model(tokenId)`
 * returns them, in plain JavaScript types. Browser-safe (its only import is
 * the relation names): the web page (web/src) and the node-side registry
 * reads (model-records.ts) both decode with it.
 *
 * @example
 * const record = modelRecordOf(await modelNFT.model(1n));
 * record.relation; // "finetune"
 */
import { MODEL_RELATIONS, type ModelRelation } from "../registry/browser.js";

/** A model's on-chain commitments and facts (`ModelNFT.model(tokenId)`). */
export interface ModelRecord {
  /** SHA-256 of the canonical weights manifest (the model-signing statement's subject digest), 0x hex. */
  readonly weightsHash: string;
  /** Head of the hash-chained training log, 0x hex (zero when none). */
  readonly trainingLogHead: string;
  /** Merkle root of the fingerprint set, 0x hex (zero when none). */
  readonly fingerprintRoot: string;
  readonly relation: ModelRelation;
  readonly datasetIds: readonly bigint[];
  readonly parentIds: readonly bigint[];
  /** Address that registered it (kept across transfers). */
  readonly registrant: string;
  /** Block timestamp of the registration, seconds since 1970. */
  readonly registeredAt: number;
  readonly metadataFrozen: boolean;
}

/** The decoded return value of `ModelNFT.model(tokenId)` (the fields {@link ModelRecord} keeps): the relation as its enum index, the time as a uint. */
export type ModelRecordResult = Omit<ModelRecord, "relation" | "registeredAt"> & { readonly relation: bigint; readonly registeredAt: bigint };

/** The {@link ModelRecord} of a decoded `model(tokenId)` result: hashes lowercased, relation named, times as numbers. */
export function modelRecordOf(m: ModelRecordResult): ModelRecord {
  return {
    weightsHash: m.weightsHash.toLowerCase(),
    trainingLogHead: m.trainingLogHead.toLowerCase(),
    fingerprintRoot: m.fingerprintRoot.toLowerCase(),
    relation: MODEL_RELATIONS[Number(m.relation)] ?? "base",
    datasetIds: [...m.datasetIds],
    parentIds: [...m.parentIds],
    registrant: m.registrant,
    registeredAt: Number(m.registeredAt),
    metadataFrozen: m.metadataFrozen,
  };
}
