/**
 * A model's lineage as a small SVG graph: the model at the top, its
 * ancestors below it one generation per row (edges labelled with the
 * relation), and the datasets they were trained on in a column on the
 * right, each linked from every model that names it. The
 * walk and its order are the core's (`loadModelLineage`, src/registry/lineage.ts);
 * this only lays them out. A trace highlights the path(s) through which a
 * sample's dataset is reached, and marks each dataset found / proven absent.
 * The graph scales to the width available (viewBox), so it never scrolls
 * sideways; its <title> and <desc> say in words what it draws.
 */
import type { LineageStep } from "../../../src/workflow/browser.js";
import { svgElement } from "../ui/dom.js";

/** What to draw. */
export interface LineageDrawing {
  /** The lineage steps (breadth-first from the model; `path.length - 1` is the generation). */
  readonly steps: readonly LineageStep[];
  /** Each model's parents (all of them, also those reached through another path first). */
  readonly parentsOf: (modelId: bigint) => readonly bigint[];
  /** Display names, when known. */
  readonly modelName?: (id: bigint) => string | undefined;
  readonly datasetName?: (id: bigint) => string | undefined;
  /** Highlighted paths: model ids from the traced model to the model that names `datasetId`. */
  readonly highlight?: ReadonlyArray<{ readonly path: readonly bigint[]; readonly datasetId: bigint }>;
  /** Per dataset: the sample was found there, or proven absent. */
  readonly datasetState?: (id: bigint) => "found" | "absent" | undefined;
}

const NODE_W = 168;
const NODE_H = 46;
const GAP_X = 24;
const GAP_Y = 44;
const DATASET_GAP_Y = 14;
const DATASET_COLUMN_GAP = 72;
const PAD = 12;

function label(text: string, max = 22): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** The SVG of `drawing` (see the module doc). */
export function lineageSvg(drawing: LineageDrawing): SVGSVGElement {
  const rows: bigint[][] = [];
  for (const step of drawing.steps) {
    const depth = step.path.length - 1;
    (rows[depth] ??= []).push(step.modelId);
  }
  const datasets = [...new Set(drawing.steps.flatMap((s) => s.datasetIds))].sort((a, b) => (a < b ? -1 : 1));
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const modelsWidth = widest * NODE_W + (widest - 1) * GAP_X;
  const datasetX = PAD + modelsWidth + (datasets.length > 0 ? DATASET_COLUMN_GAP : 0);
  const width = datasetX + (datasets.length > 0 ? NODE_W : 0) + PAD;
  const modelsHeight = rows.length * NODE_H + (rows.length - 1) * GAP_Y;
  const datasetsHeight = datasets.length * NODE_H + Math.max(0, datasets.length - 1) * DATASET_GAP_Y;
  const height = PAD * 2 + Math.max(modelsHeight, datasetsHeight);
  const at = new Map<string, { x: number; y: number }>();
  rows.forEach((row, r) => {
    const rowWidth = row.length * NODE_W + (row.length - 1) * GAP_X;
    const x0 = PAD + (modelsWidth - rowWidth) / 2;
    row.forEach((id, i) => at.set(`model:${id}`, { x: x0 + i * (NODE_W + GAP_X), y: PAD + r * (NODE_H + GAP_Y) }));
  });
  datasets.forEach((id, i) => at.set(`dataset:${id}`, { x: datasetX, y: PAD + i * (NODE_H + DATASET_GAP_Y) }));

  const hiModels = new Set<string>();
  const hiEdges = new Set<string>();
  const hiDatasets = new Set<string>();
  for (const h of drawing.highlight ?? []) {
    h.path.forEach((m, i) => {
      hiModels.add(String(m));
      if (i > 0) hiEdges.add(`${h.path[i - 1]}>${m}`);
    });
    hiEdges.add(`${h.path[h.path.length - 1]}>d${h.datasetId}`);
    hiDatasets.add(String(h.datasetId));
  }

  const modelTitle = (id: bigint): string => drawing.modelName?.(id) ?? `model`;
  const datasetTitle = (id: bigint): string => drawing.datasetName?.(id) ?? `dataset`;
  const top = drawing.steps[0]?.modelId;
  const describe = drawing.steps
    .map((s) => `Model #${s.modelId} (${s.relation})${s.path.length > 1 ? `, reached by ${s.path.map((p) => `#${p}`).join(" → ")}` : ""}, trained on ${s.datasetIds.length === 0 ? "no dataset of its own" : s.datasetIds.map((d) => `dataset #${d}`).join(", ")}.`)
    .join(" ");
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "lineage", role: "img", "aria-labelledby": "lineage-title lineage-desc" }, [
    svgElement("title", { id: "lineage-title" }, [top === undefined ? "Lineage" : `Lineage of model #${top}`]),
    svgElement("desc", { id: "lineage-desc" }, [describe]),
    svgElement("defs", {}, [
      svgElement("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, [svgElement("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" })]),
    ]),
  ]);
  /** A parent edge: from the child's bottom to the parent's top. */
  const parentEdge = (from: { x: number; y: number }, to: { x: number; y: number }, key: string, text: string): void => {
    const x1 = from.x + NODE_W / 2;
    const y1 = from.y + NODE_H;
    const x2 = to.x + NODE_W / 2;
    const y2 = to.y;
    svg.append(svgElement("path", { d: `M ${x1} ${y1} C ${x1} ${y1 + GAP_Y / 2}, ${x2} ${y2 - GAP_Y / 2}, ${x2} ${y2 - 2}`, class: `edge${hiEdges.has(key) ? " highlighted" : ""}`, "marker-end": "url(#arrow)", "data-edge": key }));
    svg.append(svgElement("text", { x: (x1 + x2) / 2 + 10, y: (y1 + y2) / 2 + 4, class: "edge-label" }, [text]));
  };
  /** A training-data edge: from the model's right side to the dataset's left side. */
  const datasetEdge = (from: { x: number; y: number }, to: { x: number; y: number }, key: string): void => {
    const x1 = from.x + NODE_W;
    const y1 = from.y + NODE_H / 2;
    const x2 = to.x;
    const y2 = to.y + NODE_H / 2;
    const bend = Math.max(24, (x2 - x1) / 2);
    svg.append(svgElement("path", { d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2 - 2} ${y2}`, class: `edge to-dataset${hiEdges.has(key) ? " highlighted" : ""}`, "marker-end": "url(#arrow)", "data-edge": key }));
  };
  for (const step of drawing.steps) {
    const from = at.get(`model:${step.modelId}`);
    if (from === undefined) continue;
    for (const parent of drawing.parentsOf(step.modelId)) {
      const to = at.get(`model:${parent}`);
      if (to !== undefined) parentEdge(from, to, `${step.modelId}>${parent}`, step.relation);
    }
    for (const d of step.datasetIds) {
      const to = at.get(`dataset:${d}`);
      if (to !== undefined) datasetEdge(from, to, `${step.modelId}>d${d}`);
    }
  }
  const node = (kind: "model" | "dataset", id: bigint, name: string, state: string | undefined, highlighted: boolean): void => {
    const p = at.get(`${kind}:${id}`)!;
    const cls = `node ${kind}${highlighted ? " highlighted" : ""}${state === undefined ? "" : ` ${state}`}`;
    svg.append(
      svgElement("g", { class: cls, "data-node": `${kind}:${id}`, transform: `translate(${p.x} ${p.y})` }, [
        svgElement("rect", { width: NODE_W, height: NODE_H, rx: 8 }),
        svgElement("text", { x: 10, y: 19, class: "node-id" }, [`${kind === "model" ? "Model" : "Dataset"} #${id}${state === "found" ? " · found" : state === "absent" ? " · absent" : ""}`]),
        svgElement("text", { x: 10, y: 36, class: "node-name" }, [label(name)]),
      ]),
    );
  };
  for (const step of drawing.steps) node("model", step.modelId, modelTitle(step.modelId), undefined, hiModels.has(String(step.modelId)));
  for (const d of datasets) node("dataset", d, datasetTitle(d), drawing.datasetState?.(d), hiDatasets.has(String(d)));
  return svg;
}
