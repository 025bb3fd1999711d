/**
 * "Was this in the training data of model M?": the user picks a model and
 * gives files (or hashes, or lines); the page hashes them, then runs the
 * core's `traceThroughLineage` (src/workflow/lineage-trace.ts — the same
 * code as `npx hardhat model trace`) over its own readers: the lineage is
 * walked from the model through every ancestor, and each sample is proven
 * in or out of every dataset named along the way, each proof checked here
 * and by the DatasetNFT. The answer covers the model and every ancestor;
 * the lineage is drawn as a graph with the path(s) that reach the dataset
 * holding the selected sample highlighted.
 */
import { tokenIdOf } from "../../../src/chain/browser.js";
import { loadModelLineage, traceThroughLineage, type LineageTraceSources, type SampleTrace, type TraceReport, silentReporter } from "../../../src/workflow/browser.js";
import type { AppContext } from "../app/context.js";
import { routeHash, type Route } from "../app/router.js";
import type { ModelEntry } from "../chain/model-nft-client.js";
import type { RegistryReader } from "../chain/registry-reader.js";
import { hashSamples, type HashedSample } from "../inputs/hash-samples.js";
import { SamplePicker } from "../inputs/sample-picker.js";
import { element, replace } from "../ui/dom.js";
import { formatBytes, formatCount, hexCode } from "../ui/format.js";
import { inlineText } from "../ui/message.js";
import { StepList } from "../ui/steps.js";
import { evidenceLink } from "./evidence.js";
import { nameOf } from "./explorer-view.js";
import { lineageSvg } from "./lineage-svg.js";
import { errorBox, viewHeading } from "./view-parts.js";

const STEPS = [
  { id: "hash", title: "Hash the files (SHA-256, in this browser)" },
  { id: "trace", title: "Walk the lineage and prove each sample in or out of every training dataset" },
];

/** A sample's answer for the whole lineage. */
export type TraceVerdict = "in-training-data" | "not-in-training-data" | "error";

/** The verdict of one sample's trace (found somewhere; proven absent everywhere; or a proof that did not verify). */
export function traceVerdict(s: SampleTrace): TraceVerdict {
  const valid = [...s.foundIn, ...s.absentFrom].every((c) => c.localValid && c.onChainValid);
  if (!valid) return "error";
  return s.foundIn.length > 0 ? "in-training-data" : "not-in-training-data";
}

/** Renders the trace view into `root`. */
export function renderTrace(ctx: AppContext, route: Route, root: HTMLElement): void {
  const modelInput = element("input", { type: "text", id: "trace-model", inputmode: "numeric", autocomplete: "off", value: route.params.get("model") ?? "", "aria-describedby": "trace-model-name" });
  const modelName = element("p", { class: "hint", id: "trace-model-name", "aria-live": "polite" });
  const picker = new SamplePicker({ id: "trace", legend: "Samples" });
  const button = element("button", { type: "submit", id: "trace-button" }, ["Trace"]);
  const formError = element("p", { class: "form-error", id: "trace-form-error", role: "alert" });
  const form = element("form", { class: "card", id: "trace-form", novalidate: "" }, [
    element("div", { class: "field narrow-field" }, [element("label", { for: "trace-model" }, ["Model token id"]), modelInput, modelName]),
    picker.element,
    element("div", { class: "actions" }, [button, formError]),
  ]);
  const output = element("div", { id: "trace-output" });
  replace(
    root,
    viewHeading(
      "Was this in the training data of a model?",
      "The answer covers the model and every ancestor it derives from: each sample is proven in or out of every dataset they were trained on, and every proof is checked here and by the contract.",
    ),
    form,
    output,
  );
  const showName = async (): Promise<void> => {
    const id = tokenIdOf(modelInput.value);
    if (id === undefined) return replace(modelName, "");
    try {
      const model = await (await ctx.registry()).model(id);
      const name = nameOf(await ctx.metadata.get(model.tokenURI));
      replace(modelName, `${name ?? `Model #${id}`}: ${model.parentIds.length === 0 ? "a base model" : `${model.relation} of ${model.parentIds.map((p) => `#${p}`).join(", ")}`}.`);
    } catch {
      replace(modelName, "");
    }
  };
  modelInput.addEventListener("change", () => void showName());
  void showName();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replace(formError);
    const id = tokenIdOf(modelInput.value);
    if (id === undefined) {
      replace(formError, "Give the model's token id (a whole number from 1).");
      modelInput.focus();
      return;
    }
    if (picker.samples().length === 0) {
      replace(formError, "Choose files or a folder (or drop them), or paste hashes or lines.");
      return;
    }
    history.replaceState(null, "", `${location.pathname}${location.search}${routeHash("trace", { params: { model: id } })}`);
    button.disabled = true;
    document.body.dataset.run = "running";
    void runTrace(ctx, id, picker, output).finally(() => {
      button.disabled = false;
      document.body.dataset.run = "finished";
    });
  });
}

async function runTrace(ctx: AppContext, modelId: bigint, picker: SamplePicker, output: HTMLElement): Promise<void> {
  const steps = new StepList(STEPS);
  const notices = element("ul", { class: "notices", "aria-live": "polite" });
  const results = element("section", { id: "trace-results", "aria-labelledby": "trace-results-title" });
  replace(output, element("section", { class: "card", "aria-labelledby": "trace-steps-title" }, [element("h2", { id: "trace-steps-title" }, ["Steps"]), steps.element, notices]), results);
  const stop = ctx.content.observe({
    onWarning: (w) => notices.append(element("li", { class: "warning" }, [element("strong", {}, ["Warning: "]), ...inlineText(w.message)])),
    onInfo: (m) => notices.append(element("li", { class: "info" }, [element("strong", {}, ["Note: "]), ...inlineText(m)])),
  });
  try {
    const samples = picker.samples();
    const hashed = await steps.run("hash", "Hashing…", async () => {
      const value = await hashSamples(ctx.hashPool(), samples, (p) =>
        steps.progress("hash", `${formatCount(p.doneFiles)} of ${formatCount(p.totalFiles)} files, ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}`, p.totalBytes === 0 ? 1 : p.doneBytes / p.totalBytes),
      );
      const errors = value.filter((v) => v.error !== undefined).length;
      return { value, detail: `${formatCount(value.length - errors)} sample hash${value.length - errors === 1 ? "" : "es"}${errors > 0 ? `; ${formatCount(errors)} could not be hashed` : ""}.` };
    });
    const registry = await ctx.registry();
    const queries = hashed.flatMap((h) => (h.hash === undefined ? [] : [{ label: h.sample.label, sampleHash: h.hash }]));
    const sources: LineageTraceSources = {
      readModel: (id) => registry.model(id),
      readDataset: async (id) => ({ id, ...(await registry.datasetNft.readDataset(id)) }),
      openManifest: (cid) => ctx.content.openManifest(cid),
      checker: registry.datasetNft,
      reporter: { ...silentReporter, step: (message) => steps.progress("trace", `${message[0]!.toUpperCase()}${message.slice(1)}…`) },
    };
    const report = await steps.run("trace", `Reading the lineage of model #${modelId}…`, async () => {
      const value = await traceThroughLineage(sources, modelId, queries);
      return {
        value,
        detail: `${formatCount(value.lineage.length)} model${value.lineage.length === 1 ? "" : "s"} in the lineage, ${formatCount(value.datasets.length)} training dataset${value.datasets.length === 1 ? "" : "s"}, ${formatCount(queries.length * value.datasets.length)} proof${queries.length * value.datasets.length === 1 ? "" : "s"}, each checked twice.`,
      };
    });
    await renderTraceResults(ctx, registry, results, report, hashed);
  } catch (error) {
    results.replaceChildren(errorBox(error, "Could not trace"));
  } finally {
    stop();
  }
}

/** "1 in the training data · 1 not in the training data · 0 errors". */
function summaryLine(report: TraceReport, hashed: readonly HashedSample[]): string {
  const count = (v: TraceVerdict): number => report.samples.filter((s) => traceVerdict(s) === v).length;
  const errors = count("error") + hashed.filter((h) => h.hash === undefined).length;
  return `${formatCount(count("in-training-data"))} in the training data · ${formatCount(count("not-in-training-data"))} not in the training data · ${formatCount(errors)} error${errors === 1 ? "" : "s"}`;
}

async function renderTraceResults(ctx: AppContext, registry: RegistryReader, target: HTMLElement, report: TraceReport, hashed: readonly HashedSample[]): Promise<void> {
  const { models } = await loadModelLineage((id) => registry.model(id), report.modelId);
  const names = new Map<string, string>();
  await Promise.all([
    ...[...models.values()].map(async (m: ModelEntry) => {
      const n = nameOf(await ctx.metadata.get(m.tokenURI));
      if (n !== undefined) names.set(`m${m.id}`, n);
    }),
    ...report.datasets.map(async (d) => {
      const n = nameOf(await ctx.metadata.get((await registry.dataset(d.datasetId)).tokenURI));
      if (n !== undefined) names.set(`d${d.datasetId}`, n);
    }),
  ]);
  const modelLabel = (id: bigint): string => `model #${id}${names.has(`m${id}`) ? ` (${names.get(`m${id}`)})` : ""}`;
  const figure = element("figure", { class: "lineage-figure", id: "trace-graph" });
  const caption = element("figcaption", { class: "hint" });
  const draw = (selected: SampleTrace | undefined): void => {
    const found = new Set(selected?.foundIn.map((c) => c.datasetId) ?? []);
    const absent = new Set(selected?.absentFrom.map((c) => c.datasetId) ?? []);
    const highlight = report.datasets.filter((d) => found.has(d.datasetId)).flatMap((d) => d.usedBy.map((u) => ({ path: u.path, datasetId: d.datasetId })));
    replace(
      figure,
      lineageSvg({
        steps: report.lineage,
        parentsOf: (m) => models.get(m)?.parentIds ?? [],
        modelName: (m) => names.get(`m${m}`),
        datasetName: (d) => names.get(`d${d}`),
        highlight,
        datasetState: (d) => (found.has(d) ? "found" : absent.has(d) ? "absent" : undefined),
      }),
      caption,
    );
    replace(
      caption,
      selected === undefined
        ? "No sample selected."
        : highlight.length === 0
          ? `${selected.label}: proven absent from every dataset of the lineage.`
          : `${selected.label}: highlighted, the path${highlight.length === 1 ? "" : "s"} from model #${report.modelId} to the dataset${found.size === 1 ? "" : "s"} holding it.`,
    );
  };

  const list = element("ol", { class: "results", id: "trace-list" });
  const byLabel = new Map(report.samples.map((s, i) => [i, s]));
  let queryIndex = 0;
  let firstFound: SampleTrace | undefined;
  hashed.forEach((h, i) => {
    if (h.hash === undefined) {
      list.append(element("li", { class: "result error", "data-verdict": "error" }, [element("span", { class: "badge error" }, ["ERROR"]), element("span", { class: "result-label" }, [h.sample.label]), element("span", { class: "result-detail" }, inlineText(h.error))]));
      return;
    }
    const s = byLabel.get(queryIndex++)!;
    const verdict = traceVerdict(s);
    if (verdict === "in-training-data" && firstFound === undefined) firstFound = s;
    const details = element("ul", { class: "trace-details" });
    for (const c of s.foundIn) {
      const d = report.datasets.find((x) => x.datasetId === c.datasetId);
      for (const u of d?.usedBy ?? []) {
        details.append(element("li", {}, [`Found in dataset #${c.datasetId} (index ${formatCount(c.index)}${c.ids !== undefined && c.ids.length > 0 ? `, ${c.ids.join(", ")}` : ""}) via ${u.path.map(modelLabel).join(" → ")}.`]));
      }
    }
    if (s.absentFrom.length > 0) details.append(element("li", {}, [`Proven absent from dataset${s.absentFrom.length === 1 ? "" : "s"} ${s.absentFrom.map((c) => `#${c.datasetId}`).join(", ")}.`]));
    for (const c of [...s.foundIn, ...s.absentFrom]) {
      if (!c.localValid || !c.onChainValid) details.append(element("li", { class: "error-text" }, [`The proof for dataset #${c.datasetId} did not verify (here: ${c.localValid ? "valid" : "INVALID"}, on chain: ${c.onChainValid ? "valid" : "INVALID"}).`]));
    }
    const show = element("button", { type: "button", class: "secondary small", "aria-pressed": "false", "data-sample": String(i) }, ["Show in the graph"]);
    show.addEventListener("click", () => {
      for (const b of list.querySelectorAll("button[aria-pressed]")) b.setAttribute("aria-pressed", "false");
      show.setAttribute("aria-pressed", "true");
      draw(s);
    });
    list.append(
      element("li", { class: `result ${verdict}`, "data-verdict": verdict }, [
        element("span", { class: `badge ${verdict}` }, [verdict === "in-training-data" ? "IN THE TRAINING DATA" : verdict === "not-in-training-data" ? "NOT IN THE TRAINING DATA" : "ERROR"]),
        element("span", { class: "result-label" }, [h.sample.label]),
        element("span", { class: "result-hash" }, ["SHA-256 ", hexCode(s.sampleHash, 6)]),
        element("span", { class: "result-detail" }, [
          verdict === "in-training-data"
            ? `Model #${report.modelId} or an ancestor was trained on data holding this sample.`
            : verdict === "not-in-training-data"
              ? `Not in the training data of model #${report.modelId} nor of any ancestor: proven absent from all ${formatCount(s.absentFrom.length)} of their datasets.`
              : "Some proof did not verify: do not rely on this answer.",
        ]),
        details,
        show,
      ]),
    );
  });
  const selected = firstFound ?? report.samples[0];
  if (selected !== undefined) {
    const index = report.samples.indexOf(selected);
    list.querySelectorAll<HTMLButtonElement>("button[aria-pressed]")[index]?.setAttribute("aria-pressed", "true");
  }
  draw(selected);
  const evidence = evidenceLink(
    {
      kind: "lineage-trace",
      network: { name: ctx.network.name, rpc: ctx.network.rpcUrl, chainId: ctx.network.chainId ?? null },
      contracts: ctx.network.addresses,
      modelId: report.modelId.toString(),
      outcome: report.outcome,
      lineage: report.lineage.map((l) => ({ modelId: l.modelId.toString(), relation: l.relation, path: l.path.map(String), datasetIds: l.datasetIds.map(String) })),
      datasets: report.datasets.map((d) => ({ datasetId: d.datasetId.toString(), root: d.root, manifestCid: d.manifestCid })),
      samples: report.samples.map((s) => ({
        label: s.label,
        sampleHash: s.sampleHash,
        verdict: traceVerdict(s),
        foundIn: s.foundIn.map((c) => ({ datasetId: c.datasetId.toString(), index: c.index, ids: c.ids ?? null, checks: { local: c.localValid, onChain: c.onChainValid } })),
        absentFrom: s.absentFrom.map((c) => ({ datasetId: c.datasetId.toString(), index: c.index, checks: { local: c.localValid, onChain: c.onChainValid } })),
      })),
    },
    `datatrace-trace-model-${report.modelId}.json`,
  );
  replace(
    target,
    element("div", { class: "card result-card" }, [
      element("h2", { id: "trace-results-title" }, [`Results for model #${report.modelId}`]),
      element("p", { class: "summary", role: "status", id: "trace-summary" }, [
        summaryLine(report, hashed),
      ]),
      list,
      element("h3", {}, ["Lineage"]),
      figure,
      element("div", { class: "actions" }, [evidence]),
    ]),
  );
}
