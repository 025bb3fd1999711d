/**
 * Reading registered datasets: one token's commitment, owner and token URI
 * as a plain record, or all of them (ids are sequential from 1 and never
 * burned, so `1..datasetCount()` is the complete list).
 */
import { UserError } from "../errors/index.js";
import { datasetRecordOf, type DatasetRecord } from "./dataset-record.js";
import { unknownTokenAdvice, type RegistryClient } from "./registry-client.js";
import { readTokenId } from "./token-id.js";

/** A dataset as registered on chain: its {@link DatasetRecord}, id, owner and token URI. */
export interface DatasetOnChain extends DatasetRecord {
  readonly id: bigint;
  readonly owner: string;
  readonly tokenURI: string;
  readonly metadataFrozen: boolean;
}

/** Text shown for a user's value: long ones are cut in the middle. */
function shownValue(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 12)}…${text.slice(-8)} (${text.length} characters)`;
}

/**
 * Parses a token id given as text (`7`, `#7`); a UserError says what a
 * token id looks like, and refuses ids beyond uint256 (which no contract
 * call can carry) before anything is sent.
 */
export function parseTokenId(text: string | bigint | number, what = "token id"): bigint {
  const reading = readTokenId(text);
  if ("id" in reading) return reading.id;
  if (reading.problem === "not-a-token-id") {
    throw new UserError(`"${shownValue(String(text))}" is not a ${what}.`, `Give a positive whole number, e.g. 1 (token ids start at 1).`, { family: "usage" });
  }
  throw new UserError(
    `"${shownValue(String(text).trim().replace(/^#/, ""))}" is out of range for a ${what}: token ids are whole numbers from 1 to 2^256 − 1 (at most 78 digits).`,
    "Give the id of a registered token; `npx hardhat dataset list` (or `model lineage`) shows them.",
    { family: "usage" },
  );
}

/** Throws a UserError unless dataset `id` exists. */
export async function requireDatasetExists(client: RegistryClient, id: bigint): Promise<void> {
  if (id > 0n && (await client.datasets.exists(id))) return;
  const count = await client.datasets.datasetCount();
  throw new UserError(
    `Dataset #${id} does not exist on ${networkDescription(client)}: ${count === 0n ? "no dataset is registered there" : `the registered ids are 1 to ${count}`}.`,
    unknownTokenAdvice(client, "list the datasets with `npx hardhat dataset list"),
    { family: "not-found" },
  );
}

/** "localhost (chain 31337)", or "the in-process Hardhat network (chain 31337)". */
export function networkDescription(client: RegistryClient): string {
  return `${client.inProcess ? "the in-process Hardhat network" : client.networkName} (chain ${client.chainId})`;
}

/** Reads dataset `id`; a UserError when there is no such token. */
export async function readDataset(client: RegistryClient, id: bigint): Promise<DatasetOnChain> {
  await requireDatasetExists(client, id);
  const [d, owner, tokenURI] = await Promise.all([client.datasets.dataset(id), client.datasets.ownerOf(id), client.datasets.tokenURI(id)]);
  return { id, ...datasetRecordOf(d), owner, tokenURI, metadataFrozen: d.metadataFrozen };
}

/** Reads every registered dataset, by id. */
export async function listDatasets(client: RegistryClient): Promise<DatasetOnChain[]> {
  const count = await client.datasets.datasetCount();
  const out: DatasetOnChain[] = [];
  for (let id = 1n; id <= count; id++) out.push(await readDataset(client, id));
  return out;
}
