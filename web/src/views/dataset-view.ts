/**
 * One dataset: its on-chain commitment (root, distinct samples, manifest
 * CID, registrant, date, previous version), its Croissant metadata (name,
 * description, license, creator, version, distribution with checksums),
 * whether the metadata agrees with the chain, the models that name it as
 * training data, and links: verify files against it, the manifest and the
 * metadata on a gateway, the token on a block explorer.
 */
import type { AppContext } from "../app/context.js";
import { routeHash } from "../app/router.js";
import type { DatasetEntry } from "../chain/dataset-nft-client.js";
import type { TokenMetadata } from "../content/metadata-store.js";
import { element, replace } from "../ui/dom.js";
import { formatBytes, formatCount, formatTimestamp, fullCode } from "../ui/format.js";
import { errorText } from "../ui/message.js";
import { licenseOf, nameOf } from "./explorer-view.js";
import { errorBox, externalLink, facts, loadToken, metadataJsonLink, metadataText as str, viewHeading } from "./view-parts.js";

/** Renders dataset `id` into `root`. */
export async function renderDataset(ctx: AppContext, id: bigint, root: HTMLElement): Promise<void> {
  const loaded = await loadToken(root, `Dataset #${id}`, "Could not read this dataset", async () => (await ctx.registry()).dataset(id), (uri) => ctx.metadata.get(uri));
  if (loaded === undefined) return;
  const { entry, metadata } = loaded;
  const name = nameOf(metadata) ?? `Dataset #${id}`;
  document.title = `${name} · Datatrace`;

  const actions = element("div", { class: "actions" }, [
    element("a", { class: "button-like primary", href: routeHash("verify", { params: { dataset: id } }) }, ["Verify files against this dataset"]),
    externalLink(ctx.gatewayLink(entry.manifestCid, "header.json"), "Manifest header"),
    externalLink(ctx.gatewayLink(entry.manifestCid), "Manifest directory"),
    metadataJsonLink((cid, path) => ctx.gatewayLink(cid, path), entry.tokenURI),
    ...ctx.explorers().map((e) => externalLink(e.token(ctx.network.addresses.datasetNFT, id), `Token on ${e.name}`)),
  ]);

  const onChain = facts([
    ["Root", fullCode(entry.root)],
    ["Distinct samples", formatCount(entry.leafCount)],
    ["Manifest CID", fullCode(entry.manifestCid)],
    ["Registrant", fullCode(entry.registrant)],
    ["Registered", formatTimestamp(entry.registeredAt)],
    ["Previous version", entry.previousVersion === 0n ? "none" : element("a", { href: routeHash("dataset", { id: entry.previousVersion }) }, [`dataset #${entry.previousVersion}`])],
    ["Token URI", fullCode(entry.tokenURI === "" ? "(none)" : entry.tokenURI)],
    ["Metadata", entry.metadataFrozen ? "frozen (can no longer change)" : "editable by the token owner"],
  ]);

  const sections: HTMLElement[] = [
    element("section", { class: "card", "aria-labelledby": "onchain-title" }, [
      element("h2", { id: "onchain-title" }, ["On chain"]),
      element("p", { class: "hint" }, ["What the DatasetNFT commits to, read from the chain through the JSON-RPC endpoint (trusted)."]),
      onChain,
    ]),
    metadataSection(entry, metadata),
  ];
  const usedBy = element("div", {}, [element("p", { class: "status" }, ["Looking for models that name it…"])]);
  sections.push(element("section", { class: "card", "aria-labelledby": "models-title" }, [element("h2", { id: "models-title" }, ["Models trained on it"]), usedBy]));
  replace(root, viewHeading(name, `Dataset #${id}`), actions, ...sections);

  try {
    const models = (await (await ctx.registry()).allModels()).filter((m) => m.datasetIds.includes(id));
    if (models.length === 0) {
      replace(usedBy, element("p", {}, ["No registered model names this dataset as training data."]));
      return;
    }
    const list = element("ul", { class: "plain-list" });
    for (const m of models) {
      const link = element("a", { href: routeHash("model", { id: m.id }) }, [`Model #${m.id}`]);
      list.append(element("li", {}, [link, ` (${m.relation})`]));
      void ctx.metadata.get(m.tokenURI).then((md) => {
        const n = nameOf(md);
        if (n !== undefined) replace(link, `${n} (#${m.id})`);
      });
    }
    replace(usedBy, list);
  } catch (error) {
    replace(usedBy, element("p", { class: "error-text" }, [errorText(error)]));
  }
}

function metadataSection(entry: DatasetEntry, metadata: TokenMetadata | undefined): HTMLElement {
  const section = element("section", { class: "card", "aria-labelledby": "metadata-title" }, [
    element("h2", { id: "metadata-title" }, ["Metadata (Croissant)"]),
    element("p", { class: "hint" }, ["Written by the registrant and read from IPFS (every block checked against its CID). It describes the dataset; the commitment is the chain's."]),
  ]);
  if (metadata === undefined) {
    section.append(element("p", {}, [entry.tokenURI === "" ? "This token has no metadata URI." : "The metadata could not be fetched from the gateways (see the network settings)."]));
    return section;
  }
  const creator = metadata["creator"] as { name?: unknown; url?: unknown } | undefined;
  const keywords = Array.isArray(metadata["keywords"]) ? (metadata["keywords"] as unknown[]).filter((k): k is string => typeof k === "string") : [];
  const sampleCount = typeof metadata["sampleCount"] === "number" ? (metadata["sampleCount"] as number) : undefined;
  const duplicates = typeof metadata["duplicateCount"] === "number" ? (metadata["duplicateCount"] as number) : undefined;
  section.append(
    facts([
      ["Name", str(metadata["name"])],
      ["Description", str(metadata["description"])],
      ["License", licenseOf(metadata)],
      ["Creator", str(creator?.name)],
      ["Home page", str(metadata["url"])],
      ["Version", str(metadata["version"])],
      ["Published", str(metadata["datePublished"])],
      ["Keywords", keywords.length === 0 ? undefined : keywords.join(", ")],
      ["Samples read", sampleCount === undefined ? undefined : `${formatCount(sampleCount)}${duplicates === undefined ? "" : ` (${formatCount(duplicates)} duplicates)`}`],
      ["Conforms to", str(metadata["conformsTo"])],
    ]),
  );
  const agree: string[] = [];
  const disagree: string[] = [];
  const root = str(metadata["merkleRoot"]);
  if (root !== undefined) (root.toLowerCase() === entry.root ? agree : disagree).push(root.toLowerCase() === entry.root ? "its root is the on-chain root" : `its root ${root} is not the on-chain root`);
  if (typeof metadata["leafCount"] === "number") (metadata["leafCount"] === entry.leafCount ? agree : disagree).push(metadata["leafCount"] === entry.leafCount ? "its distinct sample count matches" : `it counts ${formatCount(metadata["leafCount"] as number)} distinct samples, the chain ${formatCount(entry.leafCount)}`);
  if (disagree.length > 0) section.append(element("p", { class: "warning-text" }, [`The metadata disagrees with the chain (trust the chain): ${disagree.join("; ")}.`]));
  else if (agree.length > 0) section.append(element("p", { class: "ok-text" }, [`The metadata agrees with the chain: ${agree.join("; ")}.`]));
  const distribution = Array.isArray(metadata["distribution"]) ? (metadata["distribution"] as Array<Record<string, unknown>>) : [];
  if (distribution.length > 0) {
    const list = element("ul", { class: "plain-list distribution" });
    for (const d of distribution) {
      list.append(
        element("li", {}, [
          element("strong", {}, [str(d["name"]) ?? "?"]),
          ` (${str(d["encodingFormat"]) ?? "?"}${typeof d["contentSize"] === "string" ? `, ${formatBytesText(d["contentSize"])}` : ""})`,
          str(d["contentUrl"]) === undefined ? null : element("div", {}, [fullCode(str(d["contentUrl"])!)]),
          str(d["sha256"]) === undefined ? null : element("div", {}, ["SHA-256 ", fullCode(str(d["sha256"])!)]),
          str(d["includes"]) === undefined ? null : element("div", {}, [`files ${str(d["includes"])}`]),
        ]),
      );
    }
    section.append(element("h3", {}, ["Distribution"]), list);
  }
  return section;
}

/** "12345 B" → "12.3 kB". */
function formatBytesText(size: unknown): string {
  const m = typeof size === "string" ? /^(\d+) B$/.exec(size) : null;
  return m === null ? String(size) : formatBytes(Number(m[1]));
}
