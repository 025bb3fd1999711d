/**
 * The registry as the page browses it: dataset and model records read in
 * chunks of {@link CHUNK_TOKENS} tokens — each chunk one JSON-RPC batch
 * request (the client batches the calls of one turn) — at most
 * {@link PARALLEL_CHUNKS} chunks in flight, and cached for the session
 * (commitments never change). Listing 10,000 tokens is therefore about 200
 * HTTP requests once, and no request at all when the user pages, searches
 * or comes back.
 */
import type { DatasetEntry, DatasetNftClient } from "./dataset-nft-client.js";
import type { ModelEntry, ModelNftClient } from "./model-nft-client.js";

/** Tokens read per chunk (two calls each: the record and the token URI). */
export const CHUNK_TOKENS = 50;
/** Chunks read at once. */
export const PARALLEL_CHUNKS = 3;

/** Progress of a listing. */
export interface ListProgress {
  readonly loaded: number;
  readonly total: number;
}

/** Cached, chunked reads of both registries (see the module doc). */
export class RegistryReader {
  readonly #datasets = new Map<bigint, Promise<DatasetEntry>>();
  readonly #models = new Map<bigint, Promise<ModelEntry>>();

  constructor(
    readonly datasetNft: DatasetNftClient,
    readonly modelNft: ModelNftClient | undefined,
  ) {}

  /** Current token counts (read each time: new tokens appear). */
  async counts(): Promise<{ datasets: number; models: number }> {
    const [datasets, models] = await Promise.all([this.datasetNft.datasetCount(), this.modelNft?.modelCount() ?? Promise.resolve(0n)]);
    return { datasets: Number(datasets), models: Number(models) };
  }

  /** Dataset `id`. */
  dataset(id: bigint): Promise<DatasetEntry> {
    return this.#cached(this.#datasets, [id], (ids) => this.datasetNft.readDatasets(ids)).then(([d]) => d!);
  }

  /** Model `id`. */
  model(id: bigint): Promise<ModelEntry> {
    if (this.modelNft === undefined) return Promise.reject(new Error("This network has no ModelNFT configured: add its address in the network settings."));
    const client = this.modelNft;
    return this.#cached(this.#models, [id], (ids) => client.readModels(ids)).then(([m]) => m!);
  }

  /** Datasets `ids` (in order). */
  datasets(ids: readonly bigint[], onProgress?: (p: ListProgress) => void): Promise<DatasetEntry[]> {
    return this.#chunked(this.#datasets, ids, (chunk) => this.datasetNft.readDatasets(chunk), onProgress);
  }

  /** Models `ids` (in order). */
  models(ids: readonly bigint[], onProgress?: (p: ListProgress) => void): Promise<ModelEntry[]> {
    if (this.modelNft === undefined) return Promise.resolve([]);
    const client = this.modelNft;
    return this.#chunked(this.#models, ids, (chunk) => client.readModels(chunk), onProgress);
  }

  /** Every dataset, 1..count. */
  async allDatasets(onProgress?: (p: ListProgress) => void): Promise<DatasetEntry[]> {
    const { datasets } = await this.counts();
    return this.datasets(range(datasets), onProgress);
  }

  /** Every model, 1..count. */
  async allModels(onProgress?: (p: ListProgress) => void): Promise<ModelEntry[]> {
    const { models } = await this.counts();
    return this.models(range(models), onProgress);
  }

  /** The entries of `ids` from `cache`, reading the missing ones with `read` in one go. */
  #cached<T>(cache: Map<bigint, Promise<T>>, ids: readonly bigint[], read: (ids: bigint[]) => Promise<T[]>): Promise<T[]> {
    const missing = ids.filter((id) => !cache.has(id));
    if (missing.length > 0) {
      const loading = read(missing);
      missing.forEach((id, k) => {
        const one = loading.then((all) => all[k]!);
        one.catch(() => cache.delete(id));
        cache.set(id, one);
      });
    }
    return Promise.all(ids.map((id) => cache.get(id)!));
  }

  async #chunked<T>(
    cache: Map<bigint, Promise<T>>,
    ids: readonly bigint[],
    read: (ids: bigint[]) => Promise<T[]>,
    onProgress?: (p: ListProgress) => void,
  ): Promise<T[]> {
    const chunks: bigint[][] = [];
    for (let i = 0; i < ids.length; i += CHUNK_TOKENS) chunks.push(ids.slice(i, i + CHUNK_TOKENS));
    let loaded = 0;
    let next = 0;
    onProgress?.({ loaded, total: ids.length });
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        await this.#cached(cache, chunk, read);
        loaded += chunk.length;
        onProgress?.({ loaded, total: ids.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, chunks.length) }, worker));
    return Promise.all(ids.map((id) => cache.get(id)!));
  }
}

/** 1n..count. */
function range(count: number): bigint[] {
  return Array.from({ length: count }, (_, i) => BigInt(i + 1));
}
