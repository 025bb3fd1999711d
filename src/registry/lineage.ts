/**
 * Model lineage graph: models point at their parent models (finetune,
 * adapter, quantized, merge) and at the datasets they were
 * trained on. The graph is a DAG in normal use (a parent exists before its
 * child is minted), but everything here also terminates on malformed input:
 * cycles, self-parents and parents that are not among the loaded records
 * (kept as `missing` placeholder nodes).
 *
 * Derivative counts follow the Hugging Face model-family-tree study
 * ("Anatomy of a Machine Learning Ecosystem: 2 Million Models on Hugging
 * Face", Laufer, Oderinwale, Kleinberg, arXiv 2508.06811): for each model,
 * how many models derive from it directly and transitively, split by
 * relation. A model reachable through several paths
 * (a merge of two descendants) is counted once.
 */
import type { ModelRelation } from "./model-relation.js";
import { DatatraceError } from "../errors/index.js";

/** A model as read from the registry. */
export interface ModelRecord {
  /** Unique id (token id as a decimal string, or any stable id). */
  readonly id: string;
  /** Display name. */
  readonly name?: string;
  /** Ids of the parent models (none for a base model). */
  readonly parents: readonly string[];
  /** How this model derives from its parents. Unknown strings are kept as-is. */
  readonly relation: ModelRelation | (string & {});
  /** Ids of the datasets it was trained on. */
  readonly datasets: readonly string[];
}

/** A node of the lineage graph. */
export interface LineageNode {
  readonly id: string;
  readonly name?: string;
  readonly relation: string;
  readonly datasets: readonly string[];
  /** Parent ids, deduplicated, in record order. */
  readonly parents: readonly string[];
  /** Child ids, deduplicated, sorted with {@link compareIds}. */
  readonly children: readonly string[];
  /** True for a placeholder: a parent referenced by some record but not loaded itself. */
  readonly missing: boolean;
}

/** Derivative counts of one model. */
export interface DerivativeCounts {
  /** Number of distinct direct children. */
  readonly direct: number;
  /** Number of distinct descendants at any depth (itself excluded, even in a cycle). */
  readonly transitive: number;
  /** Direct children per child relation. */
  readonly directByRelation: Readonly<Record<string, number>>;
  /** Descendants per descendant relation. */
  readonly transitiveByRelation: Readonly<Record<string, number>>;
}

/**
 * Id order used everywhere for determinism: ids made only of digits compare
 * as integers (2 < 10), before any other id; other ids compare by UTF-16 code
 * units.
 */
export function compareIds(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The lineage graph of a set of model records. */
export class LineageGraph {
  readonly #nodes: Map<string, LineageNode>;

  private constructor(nodes: Map<string, LineageNode>) {
    this.#nodes = nodes;
  }

  /** Builds the graph; throws on an empty or duplicated id. */
  static fromRecords(records: Iterable<ModelRecord>): LineageGraph {
    const byId = new Map<string, ModelRecord>();
    for (const r of records) {
      if (typeof r.id !== "string" || r.id === "") throw new DatatraceError("Every model record needs a non-empty string id.");
      if (byId.has(r.id)) throw new DatatraceError(`Model id ${r.id} appears twice in the lineage records: ids must be unique.`);
      byId.set(r.id, r);
    }
    const children = new Map<string, Set<string>>();
    const placeholders = new Set<string>();
    for (const r of byId.values()) {
      for (const p of r.parents) {
        if (!byId.has(p)) placeholders.add(p);
        let set = children.get(p);
        if (set === undefined) children.set(p, (set = new Set()));
        set.add(r.id);
      }
    }
    const nodes = new Map<string, LineageNode>();
    const sortedChildren = (id: string): string[] => [...(children.get(id) ?? [])].sort(compareIds);
    for (const r of byId.values()) {
      nodes.set(r.id, {
        id: r.id,
        ...(r.name === undefined ? {} : { name: r.name }),
        relation: r.relation,
        datasets: [...r.datasets],
        parents: [...new Set(r.parents)],
        children: sortedChildren(r.id),
        missing: false,
      });
    }
    for (const id of placeholders) {
      nodes.set(id, { id, relation: "unknown", datasets: [], parents: [], children: sortedChildren(id), missing: true });
    }
    return new LineageGraph(nodes);
  }

  /** All node ids, sorted with {@link compareIds}. */
  get ids(): string[] {
    return [...this.#nodes.keys()].sort(compareIds);
  }

  /** True iff the graph has a node (loaded or placeholder) with this id. */
  has(id: string): boolean {
    return this.#nodes.has(id);
  }

  /** The node with this id; throws an error naming the id if there is none. */
  node(id: string): LineageNode {
    const node = this.#nodes.get(id);
    if (node === undefined) throw new DatatraceError(`Model ${id} is not in the lineage graph: check the id (known: ${this.ids.slice(0, 10).join(", ")}${this.#nodes.size > 10 ? ", …" : ""}).`);
    return node;
  }

  /** Ids of nodes without parents (base models and missing placeholders), sorted. */
  roots(): string[] {
    return this.ids.filter((id) => this.node(id).parents.length === 0);
  }
}

/** Builds the lineage graph of `records` (see {@link LineageGraph.fromRecords}). */
export function buildLineageGraph(records: Iterable<ModelRecord>): LineageGraph {
  return LineageGraph.fromRecords(records);
}

/** A node reached by a breadth-first walk, with the path the walk first reached it by. */
export interface ReachedNode {
  readonly id: string;
  /** Node ids from the start of the walk to this one (both included). */
  readonly path: readonly string[];
}

/** Breadth-first from `start` along `next`, each node once, nearest first, `start` excluded. */
function reach(graph: LineageGraph, start: string, next: (n: LineageNode) => readonly string[]): ReachedNode[] {
  const seen = new Set<string>([start]);
  const order: ReachedNode[] = [];
  let frontier: ReachedNode[] = [{ id: start, path: [start] }];
  while (frontier.length > 0) {
    const upcoming: ReachedNode[] = [];
    for (const { id, path } of frontier) {
      for (const n of next(graph.node(id))) {
        if (seen.has(n)) continue;
        seen.add(n);
        const reached = { id: n, path: [...path, n] };
        order.push(reached);
        upcoming.push(reached);
      }
    }
    frontier = upcoming;
  }
  return order;
}

/** Ancestors of `id`, nearest first (breadth-first), each once, `id` excluded. */
export function ancestors(graph: LineageGraph, id: string): string[] {
  return reach(graph, id, (n) => n.parents).map((r) => r.id);
}

/**
 * `id` and its ancestors in the order of {@link ancestors}, each with the
 * path from `id` through which the breadth-first walk first reached it
 * (`[id]` for `id` itself): how a model's lineage is traced.
 */
export function lineagePaths(graph: LineageGraph, id: string): ReachedNode[] {
  graph.node(id); // throws for an unknown id
  return [{ id, path: [id] }, ...reach(graph, id, (n) => n.parents)];
}

/** Descendants of `id`, nearest first (breadth-first), each once, `id` excluded. */
export function descendants(graph: LineageGraph, id: string): string[] {
  return reach(graph, id, (n) => n.children).map((r) => r.id);
}

/** Datasets used by `id` and all its ancestors (deduplicated, sorted): everything the model was trained on, directly or through its parents. */
export function datasetsInLineage(graph: LineageGraph, id: string): string[] {
  const all = new Set<string>();
  for (const m of [id, ...ancestors(graph, id)]) for (const d of graph.node(m).datasets) all.add(d);
  return [...all].sort(compareIds);
}

function countBy(graph: LineageGraph, ids: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const relation = graph.node(id).relation;
    counts[relation] = (counts[relation] ?? 0) + 1;
  }
  return counts;
}

/** Derivative counts of one model (see the module doc). */
export function derivativeCountsOf(graph: LineageGraph, id: string): DerivativeCounts {
  const direct = graph.node(id).children.filter((c) => c !== id);
  const all = descendants(graph, id).filter((c) => c !== id);
  return { direct: direct.length, transitive: all.length, directByRelation: countBy(graph, direct), transitiveByRelation: countBy(graph, all) };
}

/** Derivative counts of every node, keyed by id (in {@link compareIds} order). */
export function derivativeCounts(graph: LineageGraph): Map<string, DerivativeCounts> {
  return new Map(graph.ids.map((id) => [id, derivativeCountsOf(graph, id)]));
}
