/**
 * Which tokens stand for which Hugging Face repositories, read from the
 * registry's token metadata:
 *
 * - a model token stands for the Hub model named by its metadata's
 *   `huggingFace.repoId` (written by `model register --hf`);
 * - a dataset token stands for the Hub dataset its metadata `url` names:
 *   `https://huggingface.co/datasets/<id>` (or the same path on the
 *   configured Hub endpoint), as `dataset register --url …` records it.
 *
 * Metadata is written by whoever registered the token: the mapping says
 * which tokens CLAIM a repository. Several tokens may claim the same one;
 * the lowest id wins, and the registrant's own tokens come first.
 */
import { listDatasets, listModels } from "../chain/index.js";
import type { RegistryClient } from "../chain/index.js";
import type { ContentSource } from "./content-source.js";
import { hfDatasetIdOfUrl, hfRepoIdOfModelMetadata, HUB_HOSTS } from "./hf-ids.js";
import { readTokenMetadata } from "./token-metadata.js";

export { hfDatasetIdOfUrl } from "./hf-ids.js";

/** Token ids per Hugging Face id. */
export interface HfRegistryIndex {
  readonly models: Map<string, bigint[]>;
  readonly datasets: Map<string, bigint[]>;
}

function add(map: Map<string, bigint[]>, key: string, id: bigint): void {
  const list = map.get(key) ?? [];
  if (!list.includes(id)) list.push(id);
  map.set(key, list);
}

/** Reads every token's metadata (see the module doc); `hubEndpoint` adds its host to huggingface.co's. */
export async function loadHfRegistryIndex(client: RegistryClient, content: ContentSource, hubEndpoint?: string): Promise<HfRegistryIndex> {
  const hosts = [...HUB_HOSTS, ...(hubEndpoint === undefined ? [] : [new URL(hubEndpoint).host])];
  const me = client.signer === undefined ? undefined : (await client.signer.getAddress()).toLowerCase();
  const mine = <T extends { registrant: string; id: bigint }>(items: T[]): T[] =>
    [...items].sort((a, b) => Number(b.registrant.toLowerCase() === me) - Number(a.registrant.toLowerCase() === me) || (a.id < b.id ? -1 : 1));
  const index: HfRegistryIndex = { models: new Map(), datasets: new Map() };
  for (const m of mine(await listModels(client))) {
    const repoId = hfRepoIdOfModelMetadata(await readTokenMetadata(content, m.tokenURI));
    if (repoId !== undefined) add(index.models, repoId, m.id);
  }
  for (const d of mine(await listDatasets(client))) {
    const url = (await readTokenMetadata(content, d.tokenURI))?.["url"];
    const id = typeof url === "string" ? hfDatasetIdOfUrl(url, hosts) : undefined;
    if (id !== undefined) add(index.datasets, id, d.id);
  }
  return index;
}

/** Records a model token just registered. */
export function indexModel(index: HfRegistryIndex, repoId: string, tokenId: bigint): void {
  add(index.models, repoId, tokenId);
}
