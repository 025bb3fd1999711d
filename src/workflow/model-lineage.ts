/**
 * `model lineage`: the lineage graph of every registered model (read from
 * the ModelNFT: parents, relation, datasets), one model's ancestors and
 * descendants, and derivative counts of the base models of its family
 * (after the Hugging Face model-tree study, see src/registry/lineage.ts).
 * Names come from token metadata when it can be read.
 */
import { listModels, requireModelExists, type ModelOnChain } from "../chain/index.js";
import type { RegistryClient } from "../chain/index.js";
import {
  ancestors,
  buildLineageGraph,
  derivativeCountsOf,
  descendants,
  type DerivativeCounts,
  type LineageGraph,
  type ModelRecord,
} from "../registry/index.js";

/** The registry's models and their lineage graph. */
export interface RegistryLineage {
  readonly graph: LineageGraph;
  readonly models: readonly ModelOnChain[];
}

/** Reads every model and builds the graph; `nameOf` supplies display names (e.g. from metadata). */
export async function loadRegistryLineage(client: RegistryClient, nameOf?: (model: ModelOnChain) => Promise<string | undefined>): Promise<RegistryLineage> {
  const models = await listModels(client);
  const records: ModelRecord[] = [];
  for (const m of models) {
    const name = nameOf === undefined ? undefined : await nameOf(m);
    records.push({
      id: m.id.toString(),
      ...(name === undefined ? {} : { name }),
      parents: m.parentIds.map(String),
      relation: m.relation,
      datasets: m.datasetIds.map(String),
    });
  }
  return { graph: buildLineageGraph(records), models };
}

/** One model's place in the lineage. */
export interface LineageSummary {
  readonly modelId: string;
  /** Nearest first. */
  readonly ancestors: readonly string[];
  /** Nearest first. */
  readonly descendants: readonly string[];
  /** The models without parents at the top of this model's family (itself, if it is one). */
  readonly baseModels: readonly string[];
  /** Derivative counts of each base model. */
  readonly derivativeCounts: Readonly<Record<string, DerivativeCounts>>;
}

/** Ancestors, descendants and base-model derivative counts of `modelId`. */
export async function summarizeLineage(client: RegistryClient, lineage: RegistryLineage, modelId: bigint): Promise<LineageSummary> {
  await requireModelExists(client, modelId);
  const id = modelId.toString();
  const up = ancestors(lineage.graph, id);
  const bases = [id, ...up].filter((m) => lineage.graph.node(m).parents.length === 0);
  const counts: Record<string, DerivativeCounts> = {};
  for (const b of bases) counts[b] = derivativeCountsOf(lineage.graph, b);
  return { modelId: id, ancestors: up, descendants: descendants(lineage.graph, id), baseModels: bases, derivativeCounts: counts };
}
