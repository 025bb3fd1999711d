/**
 * Renderings of a {@link LineageGraph}: a terminal tree (box-drawing
 * characters), a nested JSON tree, Graphviz dot and Mermaid `graph TD`.
 *
 * Trees walk the DAG depth-first from the roots (or from one model, towards
 * its descendants or its ancestors). A node reached a second time — a merge
 * has several parents — is printed again with `repeat: true` / "(repeat, see
 * above)" and without its subtree, so output stays linear in the graph size.
 * A node met again on the current path (a cycle, only possible with
 * malformed records) is printed with `cycle: true` and not expanded.
 * Nodes unreachable from any root (only possible inside a cycle) are
 * appended as extra trees. dot and Mermaid draw each node and edge once.
 */
import { ancestors, compareIds, descendants, type LineageGraph, type LineageNode } from "./lineage.js";
import { DatatraceError } from "../errors/index.js";

/** Direction of a tree: from a model to its descendants, or to its ancestors. */
export type LineageDirection = "descendants" | "ancestors";

/** Options of the tree renderings. */
export interface LineageTreeOptions {
  /** Start from this model only (default: every root, i.e. the whole forest). */
  readonly root?: string;
  /** Walk towards descendants (default) or ancestors; `ancestors` requires `root`. */
  readonly direction?: LineageDirection;
}

/** A node of the JSON tree. */
export interface LineageTreeJson {
  readonly id: string;
  readonly name?: string;
  readonly relation: string;
  readonly datasets: readonly string[];
  readonly parents: readonly string[];
  /** Present (true) when the node is a placeholder for a parent that was not loaded. */
  readonly missing?: true;
  /** Present (true) when the node was already shown elsewhere in the output; its subtree is omitted. */
  readonly repeat?: true;
  /** Present (true) when the node closes a cycle; its subtree is omitted. */
  readonly cycle?: true;
  readonly children: readonly LineageTreeJson[];
}

interface Visit {
  readonly node: LineageNode;
  readonly repeat: boolean;
  readonly cycle: boolean;
  readonly children: Visit[];
}

function startIds(graph: LineageGraph, options: LineageTreeOptions): string[] {
  const direction = options.direction ?? "descendants";
  if (options.root !== undefined) {
    graph.node(options.root); // throws a clear error for an unknown id
    return [options.root];
  }
  if (direction === "ancestors") throw new DatatraceError("An ancestors tree needs a root model: pass the model id whose ancestry to show.");
  return graph.roots();
}

function walk(graph: LineageGraph, options: LineageTreeOptions): Visit[] {
  const up = (options.direction ?? "descendants") === "ancestors";
  const shown = new Set<string>();
  const onPath = new Set<string>();
  const visit = (id: string): Visit => {
    const node = graph.node(id);
    if (onPath.has(id)) return { node, repeat: false, cycle: true, children: [] };
    if (shown.has(id)) return { node, repeat: true, cycle: false, children: [] };
    shown.add(id);
    onPath.add(id);
    const next = up ? [...node.parents].sort(compareIds) : node.children;
    const children = next.map(visit);
    onPath.delete(id);
    return { node, repeat: false, cycle: false, children };
  };
  const trees = startIds(graph, options).map(visit);
  if (options.root === undefined) {
    for (const id of graph.ids) if (!shown.has(id)) trees.push(visit(id)); // cycles without a root
  }
  return trees;
}

function label(node: LineageNode): string {
  return node.name === undefined ? `[${node.id}]` : `${node.name} [${node.id}]`;
}

function details(v: Visit, up: boolean): string {
  const n = v.node;
  const parts: string[] = [];
  if (n.missing) parts.push("(not loaded)");
  if (n.datasets.length > 0) parts.push(`datasets: ${n.datasets.join(", ")}`);
  if (!up && n.parents.length > 1) parts.push(`(${n.relation} of ${n.parents.join(", ")})`);
  if (v.repeat) parts.push("(repeat, see above)");
  if (v.cycle) parts.push("(cycle!)");
  return parts.length === 0 ? "" : "  " + parts.join("  ");
}

/**
 * Terminal tree with box-drawing characters. Edge labels give the child's
 * relation (`finetune → child`, or `← finetune of parent` upwards); merges
 * list their parents; repeats and cycles are marked.
 *
 * ```
 * spam-nb-base [1]  datasets: 1
 * └── finetune → spam-nb-child [2]  datasets: 2
 * ```
 */
export function renderLineageTree(graph: LineageGraph, options: LineageTreeOptions = {}): string {
  const up = (options.direction ?? "descendants") === "ancestors";
  const lines: string[] = [];
  const draw = (v: Visit, parent: Visit | undefined, prefix: string, last: boolean, top: boolean): void => {
    const edge = parent === undefined ? "" : up ? `← ${parent.node.relation} of ` : `${v.node.relation} → `;
    const branch = top ? "" : last ? "└── " : "├── ";
    lines.push(`${prefix}${branch}${edge}${label(v.node)}${details(v, up)}`);
    const childPrefix = top ? "" : prefix + (last ? "    " : "│   ");
    v.children.forEach((c, i) => draw(c, v, childPrefix, i === v.children.length - 1, false));
  };
  for (const tree of walk(graph, options)) draw(tree, undefined, "", true, true);
  return lines.length === 0 ? "(no models)\n" : lines.join("\n") + "\n";
}

/** Nested JSON tree(s), same walk as {@link renderLineageTree}. */
export function lineageToJson(graph: LineageGraph, options: LineageTreeOptions = {}): LineageTreeJson[] {
  const toJson = (v: Visit): LineageTreeJson => ({
    id: v.node.id,
    ...(v.node.name === undefined ? {} : { name: v.node.name }),
    relation: v.node.relation,
    datasets: v.node.datasets,
    parents: v.node.parents,
    ...(v.node.missing ? { missing: true as const } : {}),
    ...(v.repeat ? { repeat: true as const } : {}),
    ...(v.cycle ? { cycle: true as const } : {}),
    children: v.children.map(toJson),
  });
  return walk(graph, options).map(toJson);
}

/** Ids to draw: the whole graph, or one model with its ancestors and descendants. */
function selection(graph: LineageGraph, focus: string | undefined): string[] {
  if (focus === undefined) return graph.ids;
  graph.node(focus);
  return [focus, ...ancestors(graph, focus), ...descendants(graph, focus)].sort(compareIds);
}

/** Options of the graph renderings. */
export interface LineageGraphOptions {
  /** Draw only this model, its ancestors and its descendants (default: everything). */
  readonly focus?: string;
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

/** Graphviz dot (`digraph lineage`), parent → child edges labelled with the child's relation; placeholders dashed. */
export function lineageToDot(graph: LineageGraph, options: LineageGraphOptions = {}): string {
  const ids = selection(graph, options.focus);
  const included = new Set(ids);
  const out = ["digraph lineage {", "  rankdir=TB;", '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  for (const id of ids) {
    const n = graph.node(id);
    const text = [n.name ?? `model ${n.id}`, `#${n.id}`, ...(n.datasets.length > 0 ? [`datasets: ${n.datasets.join(", ")}`] : [])].join("\n");
    out.push(`  ${dotString(id)} [label=${dotString(text)}${n.missing ? ', style="rounded,dashed"' : ""}];`);
  }
  for (const id of ids) {
    const n = graph.node(id);
    for (const p of [...n.parents].sort(compareIds)) {
      if (included.has(p)) out.push(`  ${dotString(p)} -> ${dotString(id)} [label=${dotString(n.relation)}];`);
    }
  }
  out.push("}");
  return out.join("\n") + "\n";
}

function mermaidText(s: string): string {
  return s.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\r?\n/g, " ");
}

/** Mermaid flowchart (`graph TD`); node keys are `m0, m1, …` (ids can hold any character), labels escaped with Mermaid entity codes. */
export function lineageToMermaid(graph: LineageGraph, options: LineageGraphOptions = {}): string {
  const ids = selection(graph, options.focus);
  const key = new Map(ids.map((id, i) => [id, `m${i}`]));
  const out = ["graph TD"];
  for (const id of ids) {
    const n = graph.node(id);
    const text = [n.name ?? `model ${n.id}`, `#${n.id}`, ...(n.datasets.length > 0 ? [`datasets: ${n.datasets.join(", ")}`] : [])].map(mermaidText).join("<br/>");
    out.push(`  ${key.get(id)}["${text}"]`);
    if (n.missing) out.push(`  style ${key.get(id)} stroke-dasharray: 5 5`);
  }
  for (const id of ids) {
    const n = graph.node(id);
    for (const p of [...n.parents].sort(compareIds)) {
      const from = key.get(p);
      if (from !== undefined) out.push(`  ${from} -->|"${mermaidText(n.relation)}"| ${key.get(id)}`);
    }
  }
  return out.join("\n") + "\n";
}
