/**
 * The registry explorer: datasets or models, newest first, a page of
 * {@link PAGE_SIZE} at a time, with name, registrant, sample count, license,
 * registration date and, for models, their lineage (relation, parents,
 * training datasets). Without a search only the page shown is read (one
 * JSON-RPC batch); a search reads every record once (in chunks, cached) and,
 * for names and Hugging Face ids, every token's metadata (throttled), showing
 * the matches found so far while the rest loads.
 *
 * Search: `0x…` matches a registrant or a root / weights hash by prefix;
 * `#12` or `12` a token id; any other text the name, the Hugging Face
 * repository id or the description, case-insensitively.
 */
import { tokenIdOf } from "../../../src/chain/browser.js";
import type { AppContext } from "../app/context.js";
import { routeHash, type Route } from "../app/router.js";
import type { DatasetEntry } from "../chain/dataset-nft-client.js";
import type { ModelEntry } from "../chain/model-nft-client.js";
import type { TokenMetadata } from "../content/metadata-store.js";
import { hfIdOf, licenseOf, nameOf } from "../content/token-fields.js";

export { hfIdOf, licenseOf, nameOf } from "../content/token-fields.js";
import { element, replace } from "../ui/dom.js";
import { formatCount, formatDay, hexCode } from "../ui/format.js";
import { messageParagraphs, errorText } from "../ui/message.js";
import { viewHeading } from "./view-parts.js";

/** Tokens per page. */
export const PAGE_SIZE = 20;

type Kind = "datasets" | "models";
type Entry = DatasetEntry | ModelEntry;

/** A parsed search. */
type Search = { readonly kind: "none" } | { readonly kind: "hex"; readonly prefix: string } | { readonly kind: "id"; readonly id: bigint } | { readonly kind: "text"; readonly text: string };

function parseSearch(q: string): Search {
  const t = q.trim();
  if (t === "") return { kind: "none" };
  const id = tokenIdOf(t);
  if (id !== undefined) return { kind: "id", id };
  if (/^0x[0-9a-fA-F]{1,64}$/.test(t)) return { kind: "hex", prefix: t.toLowerCase() };
  return { kind: "text", text: t.toLowerCase() };
}

function matchesHex(entry: Entry, prefix: string): boolean {
  const commitments = "root" in entry ? [entry.root] : [entry.weightsHash, entry.trainingLogHead, entry.fingerprintRoot];
  return entry.registrant.toLowerCase().startsWith(prefix) || commitments.some((c) => c.toLowerCase().startsWith(prefix));
}

function matchesText(kind: Kind, metadata: TokenMetadata | undefined, text: string): boolean {
  const fields = [nameOf(metadata), hfIdOf(kind, metadata), typeof metadata?.["description"] === "string" ? (metadata["description"] as string) : undefined];
  return fields.some((f) => f !== undefined && f.toLowerCase().includes(text));
}

/** Renders the explorer for `kind` into `root`. */
export async function renderExplorer(ctx: AppContext, route: Route, kind: Kind, root: HTMLElement): Promise<void> {
  const q = route.params.get("q") ?? "";
  const page = Math.max(1, Number.parseInt(route.params.get("page") ?? "1", 10) || 1);
  const heading = viewHeading("Registry");
  const counts = element("span", { class: "counts" });
  const tabs = element("nav", { class: "tabs", "aria-label": "Registry lists" }, [
    element("a", { href: routeHash("datasets"), "aria-current": kind === "datasets" ? "page" : undefined }, ["Datasets"]),
    element("a", { href: routeHash("models"), "aria-current": kind === "models" ? "page" : undefined }, ["Models"]),
  ]);
  const input = element("input", { type: "search", id: "registry-search", name: "q", value: q, autocomplete: "off", spellcheck: "false", "aria-describedby": "registry-search-hint" });
  const form = element("form", { class: "search", role: "search" }, [
    element("label", { for: "registry-search" }, [`Search ${kind}`]),
    element("div", { class: "search-row" }, [input, element("button", { type: "submit" }, ["Search"])]),
    element("p", { class: "hint", id: "registry-search-hint" }, [
      "A name, a Hugging Face id, a registrant address or a root (0x…), or a token id.",
    ]),
  ]);
  const status = element("div", { class: "status", role: "status", id: "registry-status" });
  const list = element("ol", { class: "token-list", id: "token-list", "aria-label": `${kind === "datasets" ? "Datasets" : "Models"}` });
  const pager = element("nav", { class: "pager", "aria-label": "Pages" });
  replace(root, heading, element("div", { class: "card" }, [element("div", { class: "tabs-row" }, [tabs, counts]), form]), status, list, pager);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = routeHash(kind, { params: { q: input.value.trim() } });
  });

  let registry;
  try {
    registry = await ctx.registry();
  } catch (error) {
    replace(status, ...messageParagraphs(errorText(error)));
    status.classList.add("error-text");
    return;
  }
  const { datasets, models } = await registry.counts();
  replace(counts, `${formatCount(datasets)} dataset${datasets === 1 ? "" : "s"} · ${formatCount(models)} model${models === 1 ? "" : "s"}`);
  const total = kind === "datasets" ? datasets : models;
  const read = (ids: bigint[], onProgress?: (p: { loaded: number; total: number }) => void): Promise<Entry[]> =>
    kind === "datasets" ? registry.datasets(ids, onProgress) : registry.models(ids, onProgress);
  const search = parseSearch(q);

  if (search.kind === "none" || search.kind === "id") {
    let ids: bigint[];
    let pages: number;
    if (search.kind === "id") {
      ids = search.id <= BigInt(total) ? [search.id] : [];
      pages = 1;
    } else {
      pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const first = total - (page - 1) * PAGE_SIZE; // newest first
      ids = [];
      for (let id = first; id > Math.max(0, first - PAGE_SIZE); id--) ids.push(BigInt(id));
    }
    replace(status, total === 0 ? `No ${kind} registered yet.` : ids.length === 0 ? `No ${kind === "datasets" ? "dataset" : "model"} ${q.trim()}.` : "Loading…");
    const entries = await read(ids);
    replace(list, ...entries.map((e) => card(ctx, kind, e)));
    replace(status, total === 0 ? `No ${kind} registered yet.` : entries.length === 0 ? `No ${kind === "datasets" ? "dataset" : "model"} ${q.trim()} on this network.` : search.kind === "id" ? "1 match." : `Page ${page} of ${formatCount(pages)}, newest first.`);
    renderPager(pager, kind, q, page, pages);
    return;
  }

  // A search: every record (chunked, cached), and for text every token's metadata.
  replace(status, `Reading the ${formatCount(total)} ${kind} records…`);
  const all = await read(
    Array.from({ length: total }, (_, i) => BigInt(total - i)),
    (p) => replace(status, `Reading ${kind} records: ${formatCount(p.loaded)} of ${formatCount(p.total)}…`),
  );
  if (search.kind === "hex") {
    const matches = all.filter((e) => matchesHex(e, search.prefix));
    showMatches(ctx, kind, matches, page, list, pager, q);
    replace(status, `${formatCount(matches.length)} match${matches.length === 1 ? "" : "es"} among ${formatCount(total)} ${kind} (registrant, root or hash starting with ${search.prefix}).`);
    return;
  }
  let read_ = 0;
  let lastRender = 0;
  const render = (final: boolean): void => {
    const matches = all.filter((e) => ctx.metadata.has(e.tokenURI) && matchesText(kind, ctx.metadata.peek(e.tokenURI), search.text));
    showMatches(ctx, kind, matches, page, list, pager, q);
    replace(
      status,
      final
        ? `${formatCount(matches.length)} match${matches.length === 1 ? "" : "es"} for “${q.trim()}” among ${formatCount(total)} ${kind}.`
        : `${formatCount(matches.length)} match${matches.length === 1 ? "" : "es"} so far; searching names: metadata read for ${formatCount(read_)} of ${formatCount(total)} ${kind}…`,
    );
  };
  await Promise.all(
    all.map((e) =>
      ctx.metadata.get(e.tokenURI).then(() => {
        read_++;
        const now = performance.now();
        if (now - lastRender > 400 && root.isConnected) {
          lastRender = now;
          render(false);
        }
      }),
    ),
  );
  if (root.isConnected) render(true);
}

function showMatches(ctx: AppContext, kind: Kind, matches: readonly Entry[], page: number, list: HTMLElement, pager: HTMLElement, q: string): void {
  const pages = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
  const shown = matches.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  replace(list, ...shown.map((e) => card(ctx, kind, e)));
  renderPager(pager, kind, q, page, pages);
}

function renderPager(pager: HTMLElement, kind: Kind, q: string, page: number, pages: number): void {
  if (pages <= 1) {
    replace(pager);
    return;
  }
  const link = (to: number, label: string, rel: string): HTMLElement =>
    to < 1 || to > pages
      ? element("span", { class: "disabled", "aria-disabled": "true" }, [label])
      : element("a", { href: routeHash(kind, { params: { q, page: to } }), rel }, [label]);
  replace(pager, link(page - 1, "← Previous", "prev"), element("span", { class: "page-of" }, [`Page ${formatCount(page)} of ${formatCount(pages)}`]), link(page + 1, "Next →", "next"));
}

/** One token's card; its name and license fill in when the metadata arrives. */
function card(ctx: AppContext, kind: Kind, entry: Entry): HTMLElement {
  const id = entry.id;
  const href = routeHash(kind === "datasets" ? "dataset" : "model", { id });
  const title = element("a", { href, class: "token-name" }, [kind === "datasets" ? `Dataset #${id}` : `Model #${id}`]);
  const license = element("dd", {}, ["…"]);
  const facts: Array<[string, Node | string]> = [["Registrant", hexCode(entry.registrant, 4)]];
  const extra = element("dd", {}, ["…"]);
  if ("root" in entry) {
    facts.push(["Samples", `${formatCount(entry.leafCount)} distinct`], ["Root", hexCode(entry.root)]);
  } else {
    facts.push(
      ["Lineage", entry.parentIds.length === 0 ? "base model" : lineageText(entry)],
      ["Trained on", entry.datasetIds.length === 0 ? "no dataset of its own" : entry.datasetIds.map((d) => `#${d}`).join(", ")],
    );
  }
  facts.push(["Registered", formatDay(entry.registeredAt)]);
  const dl = element("dl", { class: "token-facts" });
  for (const [term, value] of facts) dl.append(element("dt", {}, [term]), element("dd", {}, [value]));
  dl.append(element("dt", {}, ["License"]), license);
  if (kind === "models") dl.append(element("dt", {}, ["Hugging Face"]), extra);
  const item = element("li", { class: "token-card", "data-token": String(id) }, [
    element("h3", {}, [title, " ", element("span", { class: "token-id" }, [`#${id}`])]),
    dl,
  ]);
  void ctx.metadata.get(entry.tokenURI).then((metadata) => {
    const name = nameOf(metadata);
    if (name !== undefined) replace(title, name);
    replace(license, licenseOf(metadata) ?? (metadata === undefined ? "metadata unavailable" : "not stated"));
    if (kind === "models") replace(extra, hfIdOf(kind, metadata) ?? "none");
    if ("root" in entry && typeof metadata?.["sampleCount"] === "number") {
      const samples = dl.querySelector("dd:nth-of-type(2)");
      if (samples !== null) replace(samples, `${formatCount(entry.leafCount)} distinct of ${formatCount(metadata["sampleCount"] as number)}`);
    }
  });
  return item;
}

/** "finetune of #1", "merge of #2, #5". */
export function lineageText(model: ModelEntry): string {
  return `${model.relation} of ${model.parentIds.map((p) => `#${p}`).join(", ")}`;
}
