/**
 * `registry export`: every registered dataset and model of a chain as one
 * snapshot, printable as CSV (one row per token, `kind` column) or JSON
 * (token ids and numbers as strings where they may exceed 2^53).
 */
import { type DatasetOnChain, listDatasets, listModels, type ModelOnChain } from "../chain/index.js";
import type { RegistryClient } from "../chain/index.js";
import type { Column } from "../cli/index.js";

/** Every registered token of one chain. */
export interface RegistrySnapshot {
  readonly networkName: string;
  readonly chainId: bigint;
  readonly datasetNFT: string;
  readonly modelNFT: string;
  readonly datasets: ReadonlyArray<DatasetOnChain & { readonly name?: string }>;
  readonly models: ReadonlyArray<ModelOnChain & { readonly name?: string }>;
}

/** Reads every dataset and model; `nameOf` supplies display names from token URIs (optional). */
export async function snapshotRegistry(client: RegistryClient, nameOf?: (tokenURI: string) => Promise<string | undefined>): Promise<RegistrySnapshot> {
  const named = async <T extends { tokenURI: string }>(items: T[]): Promise<Array<T & { name?: string }>> => {
    const out: Array<T & { name?: string }> = [];
    for (const item of items) {
      const name = nameOf === undefined ? undefined : await nameOf(item.tokenURI);
      out.push(name === undefined ? item : { ...item, name });
    }
    return out;
  };
  return {
    networkName: client.networkName,
    chainId: client.chainId,
    datasetNFT: client.addresses.datasetNFT,
    modelNFT: client.addresses.modelNFT,
    datasets: await named(await listDatasets(client)),
    models: await named(await listModels(client)),
  };
}

/** One exported row: a dataset or a model. */
export interface RegistryRow {
  readonly kind: "dataset" | "model";
  readonly id: string;
  readonly name: string;
  /** Dataset root or model weightsHash. */
  readonly commitment: string;
  readonly leafCount: string;
  readonly manifestCid: string;
  readonly previousVersion: string;
  readonly relation: string;
  readonly parents: string;
  readonly datasets: string;
  readonly trainingLogHead: string;
  readonly registrant: string;
  readonly owner: string;
  readonly registeredAt: string;
  readonly tokenURI: string;
}

/** The rows of a snapshot: datasets by id, then models by id. */
export function registryRows(snapshot: RegistrySnapshot): RegistryRow[] {
  const date = (seconds: number): string => new Date(seconds * 1000).toISOString();
  return [
    ...snapshot.datasets.map(
      (d): RegistryRow => ({
        kind: "dataset",
        id: d.id.toString(),
        name: d.name ?? "",
        commitment: d.root,
        leafCount: String(d.leafCount),
        manifestCid: d.manifestCid,
        previousVersion: d.previousVersion === 0n ? "" : d.previousVersion.toString(),
        relation: "",
        parents: "",
        datasets: "",
        trainingLogHead: "",
        registrant: d.registrant,
        owner: d.owner,
        registeredAt: date(d.registeredAt),
        tokenURI: d.tokenURI,
      }),
    ),
    ...snapshot.models.map(
      (m): RegistryRow => ({
        kind: "model",
        id: m.id.toString(),
        name: m.name ?? "",
        commitment: m.weightsHash,
        leafCount: "",
        manifestCid: "",
        previousVersion: "",
        relation: m.relation,
        parents: m.parentIds.join(" "),
        datasets: m.datasetIds.join(" "),
        trainingLogHead: /^0x0+$/.test(m.trainingLogHead) ? "" : m.trainingLogHead,
        registrant: m.registrant,
        owner: m.owner,
        registeredAt: date(m.registeredAt),
        tokenURI: m.tokenURI,
      }),
    ),
  ];
}

/** CSV columns of {@link RegistryRow}. */
export const REGISTRY_COLUMNS: readonly Column<RegistryRow>[] = (
  ["kind", "id", "name", "commitment", "leafCount", "manifestCid", "previousVersion", "relation", "parents", "datasets", "trainingLogHead", "registrant", "owner", "registeredAt", "tokenURI"] as const
).map((key) => ({ header: key, value: (row: RegistryRow) => row[key] }));

/** The snapshot as plain JSON (bigints as decimal strings, dates as ISO strings). */
export function snapshotJson(snapshot: RegistrySnapshot): unknown {
  const date = (seconds: number): string => new Date(seconds * 1000).toISOString();
  return {
    network: snapshot.networkName,
    chainId: snapshot.chainId.toString(),
    contracts: { DatasetNFT: snapshot.datasetNFT, ModelNFT: snapshot.modelNFT },
    datasets: snapshot.datasets.map((d) => ({
      id: d.id.toString(),
      ...(d.name === undefined ? {} : { name: d.name }),
      root: d.root,
      leafCount: d.leafCount,
      manifestCid: d.manifestCid,
      previousVersion: d.previousVersion === 0n ? null : d.previousVersion.toString(),
      registrant: d.registrant,
      owner: d.owner,
      registeredAt: date(d.registeredAt),
      tokenURI: d.tokenURI,
      metadataFrozen: d.metadataFrozen,
    })),
    models: snapshot.models.map((m) => ({
      id: m.id.toString(),
      ...(m.name === undefined ? {} : { name: m.name }),
      weightsHash: m.weightsHash,
      relation: m.relation,
      parents: m.parentIds.map(String),
      datasets: m.datasetIds.map(String),
      trainingLogHead: m.trainingLogHead,
      fingerprintRoot: m.fingerprintRoot,
      registrant: m.registrant,
      owner: m.owner,
      registeredAt: date(m.registeredAt),
      tokenURI: m.tokenURI,
      metadataFrozen: m.metadataFrozen,
    })),
  };
}
