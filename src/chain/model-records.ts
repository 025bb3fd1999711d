/**
 * Reading registered models: one token's commitments, relation, datasets
 * and parents, owner and token URI as a plain record, or all of them (ids
 * are sequential from 1 and never burned).
 */
import { UserError } from "../errors/index.js";
import { networkDescription } from "./dataset-records.js";
import { modelRecordOf, type ModelRecord } from "./model-record.js";
import { unknownTokenAdvice, type RegistryClient } from "./registry-client.js";

/** A model as registered on chain: its {@link ModelRecord}, id, owner and token URI. */
export interface ModelOnChain extends ModelRecord {
  readonly id: bigint;
  readonly owner: string;
  readonly tokenURI: string;
}

/** Throws a UserError unless model `id` exists. */
export async function requireModelExists(client: RegistryClient, id: bigint, role = "Model"): Promise<void> {
  if (id > 0n && (await client.models.exists(id))) return;
  const count = await client.models.modelCount();
  throw new UserError(
    `${role} #${id} does not exist on ${networkDescription(client)}: ${count === 0n ? "no model is registered there" : `the registered ids are 1 to ${count}`}.`,
    unknownTokenAdvice(client, "see the models with `npx hardhat registry export --format json"),
    { family: "not-found" },
  );
}

/** Reads model `id`; a UserError when there is no such token. */
export async function readModel(client: RegistryClient, id: bigint): Promise<ModelOnChain> {
  await requireModelExists(client, id);
  const [m, owner, tokenURI] = await Promise.all([client.models.model(id), client.models.ownerOf(id), client.models.tokenURI(id)]);
  return { id, ...modelRecordOf(m), owner, tokenURI };
}

/** Reads every registered model, by id. */
export async function listModels(client: RegistryClient): Promise<ModelOnChain[]> {
  const count = await client.models.modelCount();
  const out: ModelOnChain[] = [];
  for (let id = 1n; id <= count; id++) out.push(await readModel(client, id));
  return out;
}
