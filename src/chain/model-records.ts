/**
 * Reading registered models: one token's commitments, relation, datasets
 * and parents, owner and token URI as a plain record, or all of them (ids
 * are sequential from 1 and never burned).
 */
import { EXIT_CODES, UserError } from "../cli/errors.js";
import { MODEL_RELATIONS, type ModelRelation } from "../registry/index.js";
import { networkDescription } from "./dataset-records.js";
import { unknownTokenAdvice, type RegistryClient } from "./registry-client.js";

/** A model as registered on chain. */
export interface ModelOnChain {
  readonly id: bigint;
  /** SHA-256 of the canonical weights manifest, 0x hex. */
  readonly weightsHash: string;
  /** Head of the hash-chained training log, 0x hex (zero when none). */
  readonly trainingLogHead: string;
  /** Merkle root of the fingerprint set, 0x hex (zero when none). */
  readonly fingerprintRoot: string;
  readonly relation: ModelRelation;
  readonly datasetIds: readonly bigint[];
  readonly parentIds: readonly bigint[];
  readonly registrant: string;
  readonly owner: string;
  /** Seconds since 1970. */
  readonly registeredAt: number;
  readonly tokenURI: string;
  readonly metadataFrozen: boolean;
}

/** Throws a UserError unless model `id` exists. */
export async function requireModelExists(client: RegistryClient, id: bigint, role = "Model"): Promise<void> {
  if (id > 0n && (await client.models.exists(id))) return;
  const count = await client.models.modelCount();
  throw new UserError(
    `${role} #${id} does not exist on ${networkDescription(client)}: ${count === 0n ? "no model is registered there" : `the registered ids are 1 to ${count}`}.`,
    unknownTokenAdvice(client, "see the models with `npx hardhat registry export --format json"),
    { exitCode: EXIT_CODES.noInput },
  );
}

/** Reads model `id`; a UserError when there is no such token. */
export async function readModel(client: RegistryClient, id: bigint): Promise<ModelOnChain> {
  await requireModelExists(client, id);
  const [m, owner, tokenURI] = await Promise.all([client.models.model(id), client.models.ownerOf(id), client.models.tokenURI(id)]);
  return {
    id,
    weightsHash: m.weightsHash.toLowerCase(),
    trainingLogHead: m.trainingLogHead.toLowerCase(),
    fingerprintRoot: m.fingerprintRoot.toLowerCase(),
    relation: MODEL_RELATIONS[Number(m.relation)] ?? "base",
    datasetIds: [...m.datasetIds],
    parentIds: [...m.parentIds],
    registrant: m.registrant,
    owner,
    registeredAt: Number(m.registeredAt),
    tokenURI,
    metadataFrozen: m.metadataFrozen,
  };
}

/** Reads every registered model, by id. */
export async function listModels(client: RegistryClient): Promise<ModelOnChain[]> {
  const count = await client.models.modelCount();
  const out: ModelOnChain[] = [];
  for (let id = 1n; id <= count; id++) out.push(await readModel(client, id));
  return out;
}
