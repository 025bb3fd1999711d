/**
 * One model: its on-chain commitments (weights hash = the model-signing
 * statement's subject digest, training-log head, fingerprint commitment),
 * relation, parents and training datasets; its metadata (description,
 * license, framework, Hugging Face record, hyperparameters, metrics,
 * evaluation datasets, training log, and any further fields); the
 * model-signing statement fetched from IPFS and checked against the weights
 * hash; its lineage drawn as a graph; links to trace files through it, to
 * the metadata and to a block explorer.
 */
import { loadModelLineage } from "../../../src/workflow/browser.js";
import type { AppContext } from "../app/context.js";
import { routeHash } from "../app/router.js";
import type { ModelEntry } from "../chain/model-nft-client.js";
import type { TokenMetadata } from "../content/metadata-store.js";
import { element, replace } from "../ui/dom.js";
import { formatCount, formatTimestamp, fullCode, isZeroHash } from "../ui/format.js";
import { errorText } from "../ui/message.js";
import { hfIdOf, licenseOf, nameOf } from "./explorer-view.js";
import { lineageSvg } from "./lineage-svg.js";
import { errorBox, externalLink, facts, loadToken, metadataJsonLink, metadataText as str, viewHeading } from "./view-parts.js";

/** Metadata fields this view shows itself (everything else is listed under "Other metadata"). */
const SHOWN = new Set([
  "name", "description", "image", "external_url", "license", "creator", "version", "framework", "attributes", "relation", "parents", "datasets",
  "evaluationDatasets", "weightsHash", "weightsCid", "weightsManifestCid", "weightsManifestFormat", "huggingFace", "trainingLogCid", "hyperparameters",
  "metrics", "trainingLogHead", "fingerprintRoot",
]);

/** Renders model `id` into `root`. */
export async function renderModel(ctx: AppContext, id: bigint, root: HTMLElement): Promise<void> {
  const loaded = await loadToken(root, `Model #${id}`, "Could not read this model", async () => (await ctx.registry()).model(id), (uri) => ctx.metadata.get(uri));
  if (loaded === undefined) return;
  const { entry: model, metadata } = loaded;
  const name = nameOf(metadata) ?? `Model #${id}`;
  document.title = `${name} · Datatrace`;
  const registry = await ctx.registry();

  const datasetLinks = (ids: readonly bigint[]): HTMLElement => {
    const list = element("ul", { class: "plain-list" });
    for (const d of ids) {
      const link = element("a", { href: routeHash("dataset", { id: d }) }, [`Dataset #${d}`]);
      list.append(element("li", {}, [link]));
      void registry.dataset(d).then((e) => ctx.metadata.get(e.tokenURI)).then((md) => {
        const n = nameOf(md);
        if (n !== undefined) replace(link, `${n} (#${d})`);
      }, () => undefined);
    }
    return list;
  };
  const modelLinks = (ids: readonly bigint[]): HTMLElement => {
    const list = element("ul", { class: "plain-list" });
    for (const m of ids) list.append(element("li", {}, [element("a", { href: routeHash("model", { id: m }) }, [`Model #${m}`])]));
    return list;
  };

  const actions = element("div", { class: "actions" }, [
    element("a", { class: "button-like primary", href: routeHash("trace", { params: { model: id } }) }, ["Was a file in its training data?"]),
    metadataJsonLink((cid, path) => ctx.gatewayLink(cid, path), model.tokenURI),
    ...ctx.explorers().map((e) => externalLink(e.token(ctx.network.addresses.modelNFT, id), `Token on ${e.name}`)),
  ]);

  const onChain = element("section", { class: "card", "aria-labelledby": "onchain-title" }, [
    element("h2", { id: "onchain-title" }, ["On chain"]),
    element("p", { class: "hint" }, ["What the ModelNFT commits to, read from the chain through the JSON-RPC endpoint (trusted). Dataset and parent links are the registrant's claims."]),
    facts([
      ["Weights hash", fullCode(model.weightsHash)],
      ["Relation", model.parentIds.length === 0 ? "base model (no parent)" : `${model.relation} of ${model.parentIds.map((p) => `#${p}`).join(", ")}`],
      ["Parents", model.parentIds.length === 0 ? "none" : modelLinks(model.parentIds)],
      ["Trained on", model.datasetIds.length === 0 ? "no dataset of its own (see its parents)" : datasetLinks(model.datasetIds)],
      ["Training-log head", isZeroHash(model.trainingLogHead) ? "none committed" : fullCode(model.trainingLogHead)],
      ["Fingerprint commitment", isZeroHash(model.fingerprintRoot) ? "none committed" : fullCode(model.fingerprintRoot)],
      ["Registrant", fullCode(model.registrant)],
      ["Registered", formatTimestamp(model.registeredAt)],
      ["Token URI", fullCode(model.tokenURI === "" ? "(none)" : model.tokenURI)],
    ]),
  ]);

  const lineage = element("section", { class: "card", "aria-labelledby": "lineage-title-h" }, [
    element("h2", { id: "lineage-title-h" }, ["Lineage"]),
    element("p", { class: "status" }, ["Reading the ancestors…"]),
  ]);
  const statement = element("section", { class: "card", "aria-labelledby": "statement-title" }, [element("h2", { id: "statement-title" }, ["Model-signing statement"])]);
  replace(root, viewHeading(name, `Model #${id}`), actions, onChain, lineage, metadataSection(ctx, model, metadata, datasetLinks), statement);

  void renderStatement(ctx, model, metadata, statement);
  try {
    const { steps, models } = await loadModelLineage((m) => registry.model(m), id);
    const names = new Map<bigint, string>();
    const datasetNames = new Map<bigint, string>();
    await Promise.all([
      ...[...models.values()].map(async (m) => {
        const n = nameOf(await ctx.metadata.get(m.tokenURI));
        if (n !== undefined) names.set(m.id, n);
      }),
      ...[...new Set(steps.flatMap((s) => s.datasetIds))].map(async (d) => {
        const n = nameOf(await ctx.metadata.get((await registry.dataset(d)).tokenURI));
        if (n !== undefined) datasetNames.set(d, n);
      }),
    ]);
    replace(
      lineage,
      element("h2", { id: "lineage-title-h" }, ["Lineage"]),
      element("p", { class: "hint" }, [`This model and its ${formatCount(steps.length - 1)} ancestor${steps.length === 2 ? "" : "s"}, with the datasets each was trained on.`]),
      element("figure", { class: "lineage-figure" }, [
        lineageSvg({ steps, parentsOf: (m) => models.get(m)?.parentIds ?? [], modelName: (m) => names.get(m), datasetName: (d) => datasetNames.get(d) }),
      ]),
    );
  } catch (error) {
    replace(lineage, element("h2", { id: "lineage-title-h" }, ["Lineage"]), element("p", { class: "error-text" }, [errorText(error)]));
  }
}

function metadataSection(ctx: AppContext, model: ModelEntry, metadata: TokenMetadata | undefined, datasetLinks: (ids: readonly bigint[]) => HTMLElement): HTMLElement {
  const section = element("section", { class: "card", "aria-labelledby": "metadata-title" }, [
    element("h2", { id: "metadata-title" }, ["Metadata"]),
    element("p", { class: "hint" }, ["Written by the registrant and read from IPFS (every block checked against its CID)."]),
  ]);
  if (metadata === undefined) {
    section.append(element("p", {}, [model.tokenURI === "" ? "This token has no metadata URI." : "The metadata could not be fetched from the gateways (see the network settings)."]));
    return section;
  }
  const creator = metadata["creator"] as { name?: unknown } | undefined;
  const hf = metadata["huggingFace"];
  const evaluation = Array.isArray(metadata["evaluationDatasets"]) ? (metadata["evaluationDatasets"] as Array<{ id?: unknown }>).map((d) => String(d.id)).filter((d) => /^\d+$/.test(d)).map((d) => BigInt(d)) : [];
  const metrics = typeof metadata["metrics"] === "object" && metadata["metrics"] !== null ? Object.entries(metadata["metrics"] as Record<string, unknown>) : [];
  const hyper = metadata["hyperparameters"];
  section.append(
    facts([
      ["Name", str(metadata["name"])],
      ["Description", str(metadata["description"])],
      ["License", licenseOf(metadata)],
      ["Creator", str(creator?.name)],
      ["Version", str(metadata["version"])],
      ["Framework", str(metadata["framework"])],
      ["Hugging Face", hfIdOf("models", metadata)],
      ["Evaluated on (not trained on)", evaluation.length === 0 ? undefined : datasetLinks(evaluation)],
      ["Metrics", metrics.length === 0 ? undefined : metrics.map(([k, v]) => `${k} ${typeof v === "number" ? (v >= 0 && v <= 1 && ["accuracy", "precision", "recall", "f1", "syntheticAccuracy"].includes(k) ? `${(v * 100).toFixed(2)}%` : String(v)) : JSON.stringify(v)}`).join(", ")],
      ["Hyperparameters", typeof hyper === "object" && hyper !== null && Object.keys(hyper).length > 0 ? element("pre", { class: "json" }, [JSON.stringify(hyper, null, 2)]) : undefined],
      ["Weights stored at", str(metadata["weightsCid"]) === undefined ? undefined : externalLink(ctx.gatewayLink(str(metadata["weightsCid"])!), str(metadata["weightsCid"])!)],
      ["Training log", str(metadata["trainingLogCid"]) === undefined ? undefined : externalLink(ctx.gatewayLink(str(metadata["trainingLogCid"])!), "training log (JSON Lines)")],
      ["Training-log head (metadata)", str(metadata["trainingLogHead"]) === undefined ? undefined : agreement(str(metadata["trainingLogHead"])!, model.trainingLogHead)],
      ["Fingerprint root (metadata)", str(metadata["fingerprintRoot"]) === undefined ? undefined : agreement(str(metadata["fingerprintRoot"])!, model.fingerprintRoot)],
    ]),
  );
  if (typeof hf === "object" && hf !== null) section.append(element("h3", {}, ["Hugging Face record"]), element("pre", { class: "json" }, [JSON.stringify(hf, null, 2)]));
  const other = Object.entries(metadata).filter(([k]) => !SHOWN.has(k) && !k.startsWith("@"));
  if (other.length > 0) {
    section.append(element("h3", {}, ["Other metadata"]), element("pre", { class: "json", id: "other-metadata" }, [JSON.stringify(Object.fromEntries(other), null, 2)]));
  }
  return section;
}

/** A value from the metadata and whether the chain says the same. */
function agreement(value: string, onChain: string): HTMLElement {
  const same = value.toLowerCase() === onChain.toLowerCase();
  return element("span", {}, [fullCode(value), element("span", { class: same ? "ok-text" : "warning-text" }, [same ? " (= on chain)" : " (differs from the chain: trust the chain)"])]);
}

/** Fetches the model-signing statement named by the metadata and checks its subject digest against the weights hash. */
async function renderStatement(ctx: AppContext, model: ModelEntry, metadata: TokenMetadata | undefined, section: HTMLElement): Promise<void> {
  const cid = str(metadata?.["weightsManifestCid"]);
  if (cid === undefined) {
    section.append(element("p", {}, ["The metadata names no model-signing statement: the weights hash can be checked only against the files themselves (`npx hardhat model verify-weights`)."]));
    return;
  }
  section.append(element("p", { class: "status" }, [`Fetching ${cid}…`]));
  let statement: Record<string, unknown>;
  try {
    statement = JSON.parse(new TextDecoder().decode(await ctx.content.readFile(cid))) as Record<string, unknown>;
  } catch (error) {
    replace(section, element("h2", { id: "statement-title" }, ["Model-signing statement"]), element("p", { class: "error-text" }, [`Could not read the statement ${cid}: ${errorText(error)}`]));
    return;
  }
  const subject = Array.isArray(statement["subject"]) ? (statement["subject"] as Array<{ name?: unknown; digest?: { sha256?: unknown } }>)[0] : undefined;
  const digest = typeof subject?.digest?.sha256 === "string" ? `0x${subject.digest.sha256.replace(/^0x/, "").toLowerCase()}` : undefined;
  const predicate = (statement["predicate"] ?? {}) as { resources?: Array<{ name?: unknown; digest?: unknown; algorithm?: unknown }>; serialization?: Record<string, unknown> };
  const resources = Array.isArray(predicate.resources) ? predicate.resources : [];
  const list = element("ul", { class: "plain-list resources" });
  for (const r of resources.slice(0, 50)) list.append(element("li", {}, [element("code", { class: "full-hex" }, [String(r.name)]), " ", element("code", { class: "full-hex" }, [String(r.digest)])]));
  replace(
    section,
    element("h2", { id: "statement-title" }, ["Model-signing statement"]),
    element("p", { class: "hint" }, ["The OpenSSF model_signing statement the registrant stored: one SHA-256 per weights file; its subject digest is the on-chain weights hash."]),
    facts([
      ["Statement", externalLink(ctx.gatewayLink(cid), cid)],
      ["Format", str(statement["predicateType"]) ?? str(metadata?.["weightsManifestFormat"])],
      ["Subject", str(subject?.name)],
      ["Subject digest", digest === undefined ? "missing" : agreement(digest, model.weightsHash)],
      ["Files", `${formatCount(resources.length)}${resources.length > 50 ? " (the first 50 below)" : ""}`],
      ["Serialization", predicate.serialization === undefined ? undefined : element("pre", { class: "json" }, [JSON.stringify(predicate.serialization, null, 2)])],
    ]),
    list,
  );
}
