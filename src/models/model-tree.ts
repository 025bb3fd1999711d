/**
 * A model's family on the Hugging Face Hub, crawled both ways from one
 * model: parents through the card's `base_model`, children through the
 * Hub's `base_model:<id>` search filter, up to `depth` steps each way (a
 * merge child's other parents are fetched too, as parents). Each model's
 * relation comes from relation-inference.ts (card, Hub tags, files).
 *
 * The family is returned as records for src/registry/lineage.ts (ids are
 * repository ids), so it is drawn and counted like the on-chain lineage:
 * tree / JSON / dot / Mermaid, derivative counts per base model and
 * relation. {@link lineageOrder} lists the models parents first, the order
 * in which they can be registered.
 */
import { buildLineageGraph, derivativeCountsOf, type DerivativeCounts, type LineageGraph, type ModelRecord } from "../registry/index.js";
import type { ModelRelation } from "../registry/index.js";
import type { HubClient, HubModelInfo } from "./hub-client.js";
import { parseModelCard } from "./model-card.js";
import { inferRelation, relationsFromTags } from "./relation-inference.js";

/** One model of the family. */
export interface TreeModel {
  readonly repoId: string;
  readonly baseModels: readonly string[];
  readonly relation: ModelRelation;
  readonly relationSource: string;
  /** Steps from the start model (negative: ancestors, positive: descendants). */
  readonly distance: number;
  readonly lastModified: string | null;
  readonly sha: string;
}

/** A crawled family. */
export interface ModelTree {
  readonly root: string;
  readonly depth: number;
  /** Models by repo id, in crawl order. */
  readonly models: ReadonlyMap<string, TreeModel>;
  /** Parents named by a model but not crawled (beyond the depth, or not found on the Hub). */
  readonly missing: readonly string[];
  readonly graph: LineageGraph;
}

/** Options of {@link crawlModelTree}. */
export interface CrawlOptions {
  /** Steps each way (default 2). */
  readonly depth?: number | undefined;
  /** Most children listed per model (default 1000). */
  readonly childLimit?: number | undefined;
  /** Told about each model fetched. */
  readonly onModel?: ((repoId: string, fetched: number) => void) | undefined;
}

function treeModelOf(info: HubModelInfo, distance: number): TreeModel {
  const card = parseModelCard(`---\n${JSON.stringify(info.cardData ?? {})}\n---\n`);
  const relation = inferRelation({
    baseModels: card.baseModels,
    cardRelation: card.baseModelRelation,
    hubTagRelations: relationsFromTags(info.tags),
    hasAdapterConfig: info.files.includes("adapter_config.json"),
    quantization: info.files.some((f) => f.toLowerCase().endsWith(".gguf")) ? "gguf" : info.files.includes("quantize_config.json") ? "gptq" : undefined,
  });
  return { repoId: info.repoId, baseModels: card.baseModels, relation: relation.relation, relationSource: relation.source, distance, lastModified: info.lastModified, sha: info.sha };
}

/** Crawls the family of `root` (see the module doc). */
export async function crawlModelTree(client: HubClient, root: string, options: CrawlOptions = {}): Promise<ModelTree> {
  const depth = options.depth ?? 2;
  const models = new Map<string, TreeModel>();
  const missing = new Set<string>();
  const fetch = async (repoId: string, distance: number): Promise<TreeModel | undefined> => {
    const known = models.get(repoId);
    if (known !== undefined) return known;
    const model = treeModelOf(await client.modelInfo(repoId), distance);
    models.set(model.repoId, model);
    options.onModel?.(model.repoId, models.size);
    return model;
  };
  const start = await fetch(root, 0);
  // Ancestors, breadth-first.
  let frontier = [start!];
  for (let d = 1; d <= depth && frontier.length > 0; d++) {
    const next: TreeModel[] = [];
    for (const m of frontier) {
      for (const p of m.baseModels) {
        if (models.has(p)) continue;
        try {
          next.push((await fetch(p, -d))!);
        } catch (error) {
          if ((error as { kind?: string }).kind !== "not-found") throw error;
          missing.add(p);
        }
      }
    }
    frontier = next;
  }
  // Descendants, breadth-first; a merge child's other parents join as parents.
  frontier = [start!];
  for (let d = 1; d <= depth && frontier.length > 0; d++) {
    const next: TreeModel[] = [];
    for (const m of frontier) {
      for (const child of await client.children(m.repoId, options.childLimit ?? 1000)) {
        if (models.has(child.repoId)) continue;
        next.push((await fetch(child.repoId, d))!);
      }
    }
    frontier = next;
  }
  for (const m of models.values()) for (const p of m.baseModels) if (!models.has(p)) missing.add(p);
  const records: ModelRecord[] = [...models.values()].map((m) => ({ id: m.repoId, name: m.repoId.split("/").pop()!, parents: [...m.baseModels], relation: m.relation, datasets: [] }));
  return { root: start!.repoId, depth, models, missing: [...missing].sort(), graph: buildLineageGraph(records) };
}

/** The crawled models, every parent before its children (ties by crawl order). */
export function lineageOrder(tree: ModelTree): TreeModel[] {
  const done = new Set<string>();
  const out: TreeModel[] = [];
  const visit = (id: string, path: Set<string>): void => {
    const m = tree.models.get(id);
    if (m === undefined || done.has(id) || path.has(id)) return;
    path.add(id);
    for (const p of m.baseModels) visit(p, path);
    path.delete(id);
    done.add(id);
    out.push(m);
  };
  for (const id of tree.models.keys()) visit(id, new Set());
  return out;
}

/** Derivative counts of every base model (no crawled parent) of the family. */
export function treeDerivativeCounts(tree: ModelTree): Record<string, DerivativeCounts> {
  const out: Record<string, DerivativeCounts> = {};
  for (const m of tree.models.values()) {
    if (m.baseModels.every((p) => !tree.models.has(p))) out[m.repoId] = derivativeCountsOf(tree.graph, m.repoId);
  }
  return out;
}
