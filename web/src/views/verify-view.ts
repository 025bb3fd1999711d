/**
 * "Are these files in dataset D?" for many files at once (a folder, many
 * files, pasted hashes or CSV/JSONL lines):
 *
 * 1. hash every file in Web Workers, with progress;
 * 2. read the dataset's commitment from the chain;
 * 3. open its manifest through the gateways (every block checked against
 *    its CID) and require it to commit to the on-chain root and count
 *    (`requireManifestMatches`, core);
 * 4. prove every distinct hash in or out with the core's `proveSampleSet`:
 *    hashes sorted first, so each manifest shard is fetched once; one batch
 *    proof for the members, checked here (`verifyBatch`) and by the
 *    contract (`verifySamples`); one absence proof per non-member, checked
 *    here and by `verifyAbsence` (sent together in one JSON-RPC batch);
 * 5. per file: MEMBER (index, sample ids) / NOT A MEMBER (where its search
 *    path ends) / ERROR, and the evidence of the run as JSON.
 */
import { tokenIdOf } from "../../../src/chain/browser.js";
import { toHex } from "../../../src/hash/index.js";
import type { ManifestReader } from "../../../src/manifest/browser.js";
import { requireManifestMatches, proveSampleSet, type SampleSetProof } from "../../../src/workflow/browser.js";
import type { AppContext } from "../app/context.js";
import { routeHash, type Route } from "../app/router.js";
import type { ServedBlock } from "../content/gateway-content.js";
import { hashSamples, type HashedSample } from "../inputs/hash-samples.js";
import { SamplePicker } from "../inputs/sample-picker.js";
import { element, replace } from "../ui/dom.js";
import { cidCode, formatBytes, formatCount, hexCode, shortHex } from "../ui/format.js";
import { errorText, inlineText } from "../ui/message.js";
import { StepList } from "../ui/steps.js";
import { evidenceLink, proofEvidence } from "./evidence.js";
import { nameOf } from "./explorer-view.js";
import { errorBox, viewHeading } from "./view-parts.js";

/** A sample's verdict. */
export type Verdict = { readonly kind: "member"; readonly index: number; readonly ids: readonly string[] | null } | { readonly kind: "absent"; readonly index: number; readonly neighbor: Uint8Array } | { readonly kind: "error"; readonly reason: string };

const STEPS = [
  { id: "hash", title: "Hash the files (SHA-256, in this browser)" },
  { id: "chain", title: "Read the dataset from the chain" },
  { id: "manifest", title: "Fetch the manifest header and index (verified)" },
  { id: "prove", title: "Prove each sample in or out, checked here and by the contract" },
];

/** Renders the verify view into `root`. */
export function renderVerify(ctx: AppContext, route: Route, root: HTMLElement): void {
  const initial = route.params.get("dataset") ?? "";
  const datasetInput = element("input", { type: "text", id: "verify-dataset", inputmode: "numeric", autocomplete: "off", value: initial, "aria-describedby": "verify-dataset-name" });
  const datasetName = element("p", { class: "hint", id: "verify-dataset-name", "aria-live": "polite" });
  const picker = new SamplePicker({ id: "verify", legend: "Samples" });
  const button = element("button", { type: "submit", id: "verify-button" }, ["Verify"]);
  const formError = element("p", { class: "form-error", id: "verify-form-error", role: "alert" });
  const form = element("form", { class: "card", id: "verify-form", novalidate: "" }, [
    element("div", { class: "field narrow-field" }, [element("label", { for: "verify-dataset" }, ["Dataset token id"]), datasetInput, datasetName]),
    picker.element,
    element("div", { class: "actions" }, [button, formError]),
  ]);
  const output = element("div", { id: "verify-output" });
  replace(
    root,
    viewHeading("Verify files against a dataset", "Each file is hashed here; its proof comes from the dataset's manifest on IPFS and is checked in this browser and by the contract. Nothing is uploaded."),
    form,
    output,
  );

  const showName = async (): Promise<void> => {
    const id = tokenIdOf(datasetInput.value);
    if (id === undefined) {
      replace(datasetName, "");
      return;
    }
    try {
      const entry = await (await ctx.registry()).dataset(id);
      const name = nameOf(await ctx.metadata.get(entry.tokenURI));
      if (tokenIdOf(datasetInput.value) === id) {
        replace(datasetName, `${name ?? `Dataset #${id}`}: ${formatCount(entry.leafCount)} distinct samples.`);
      }
    } catch {
      replace(datasetName, "");
    }
  };
  datasetInput.addEventListener("change", () => void showName());
  void showName();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replace(formError);
    const id = tokenIdOf(datasetInput.value);
    if (id === undefined) {
      replace(formError, "Give the dataset's token id (a whole number from 1).");
      datasetInput.focus();
      return;
    }
    const samples = picker.samples();
    if (samples.length === 0) {
      replace(formError, "Choose files or a folder (or drop them), or paste hashes or lines.");
      return;
    }
    history.replaceState(null, "", `${location.pathname}${location.search}${routeHash("verify", { params: { dataset: id } })}`);
    button.disabled = true;
    document.body.dataset.run = "running";
    void runVerification(ctx, id, samples.length, output, picker).finally(() => {
      button.disabled = false;
      document.body.dataset.run = "finished";
    });
  });
}

async function runVerification(
  ctx: AppContext,
  datasetId: bigint,
  count: number,
  output: HTMLElement,
  picker: SamplePicker,
): Promise<void> {
  const steps = new StepList(STEPS);
  const notices = element("ul", { class: "notices", "aria-live": "polite" });
  const blocks: ServedBlock[] = [];
  const results = element("section", { id: "verify-results", "aria-labelledby": "results-title" });
  replace(output, element("section", { class: "card", "aria-labelledby": "steps-title" }, [element("h2", { id: "steps-title" }, ["Steps"]), steps.element, notices]), results);
  const stop = ctx.content.observe({
    onBlock: (b) => blocks.push(b),
    onWarning: (w) => notices.append(element("li", { class: "warning" }, [element("strong", {}, ["Warning: "]), ...inlineText(w.message)])),
    onInfo: (m) => notices.append(element("li", { class: "info" }, [element("strong", {}, ["Note: "]), ...inlineText(m)])),
  });
  try {
    const samples = picker.samples();
    const hashed = await steps.run("hash", `Hashing ${formatCount(count)} sample${count === 1 ? "" : "s"}…`, async () => {
      const started = performance.now();
      const value = await hashSamples(ctx.hashPool(), samples, (p) =>
        steps.progress("hash", `${formatCount(p.doneFiles)} of ${formatCount(p.totalFiles)} files, ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}`, p.totalBytes === 0 ? 1 : p.doneBytes / p.totalBytes),
      );
      const bytes = samples.reduce((s, x) => s + (x.kind === "file" ? x.file.size : 0), 0);
      const errors = value.filter((v) => v.error !== undefined).length;
      const seconds = (performance.now() - started) / 1000;
      return {
        value,
        detail: `${formatCount(value.length - errors)} sample hash${value.length - errors === 1 ? "" : "es"}${bytes > 0 ? ` (${formatBytes(bytes)} of files${bytes >= 8e6 ? `, ${formatBytes(bytes / Math.max(seconds, 0.001))}/s` : ""})` : ""}${errors > 0 ? `; ${formatCount(errors)} could not be hashed` : ""}.`,
      };
    });
    const registry = await ctx.registry();
    const dataset = await steps.run("chain", `Asking ${ctx.network.rpcUrl}…`, async () => {
      const record = await registry.datasetNft.readDataset(datasetId);
      return {
        value: { id: datasetId, ...record },
        detail: `Dataset #${datasetId}: root ${shortHex(record.root)}, ${formatCount(record.leafCount)} distinct samples, manifest ${record.manifestCid}.`,
      };
    });
    const reader: ManifestReader = await steps.run("manifest", `Fetching header.json and index.bin of ${dataset.manifestCid}…`, async () => {
      const opened = await ctx.content.openManifest(dataset.manifestCid);
      requireManifestMatches(dataset, opened);
      return {
        value: opened,
        detail: `Verified: the tree over the ${formatCount(opened.header.shardCount)} shard top(s) gives the on-chain root and count.`,
      };
    });
    const hashes = hashed.flatMap((h) => (h.hash === undefined ? [] : [h.hash]));
    const proof = await steps.run("prove", "Fetching the shards needed and proving…", async () => {
      const before = blocks.length;
      const value = await proveSampleSet(registry.datasetNft, dataset, reader, hashes);
      const shards = new Set(blocks.slice(before).filter((b) => b.file.startsWith("shards/")).map((b) => b.file)).size;
      const members = value.batch?.memberHashes.length ?? 0;
      return {
        value,
        detail:
          `${formatCount(members)} member${members === 1 ? "" : "s"} (one batch proof, ${formatCount(value.batch?.path.length ?? 0)} hashes), ` +
          `${formatCount(value.absent.length)} non-member${value.absent.length === 1 ? "" : "s"} (one absence proof each); ${formatCount(shards)} shard${shards === 1 ? "" : "s"} fetched.`,
      };
    });
    const ids = new Map<string, readonly string[] | null>();
    if (proof.batch !== null && !reader.header.private) {
      for (const h of proof.batch.memberHashes) ids.set(toHex(h), await reader.idsOf(h).catch(() => null));
    }
    renderResults(ctx, results, datasetId, dataset, hashed, proof, ids, reader.header.private, blocks);
  } catch (error) {
    results.replaceChildren(errorBox(error, "Could not verify"));
  } finally {
    stop();
  }
}

/** Each sample's verdict from the proofs. */
export function verdicts(hashed: readonly HashedSample[], proof: SampleSetProof, ids: ReadonlyMap<string, readonly string[] | null>): Verdict[] {
  const members = new Map<string, number>();
  proof.batch?.memberHashes.forEach((h, k) => members.set(toHex(h), proof.batch!.indexes[k]!));
  const batchValid = proof.batch === null || (proof.batch.localValid && proof.batch.onChainValid);
  const absent = new Map(proof.absent.map((a) => [toHex(a.sampleHash), a]));
  return hashed.map((h): Verdict => {
    if (h.hash === undefined) return { kind: "error", reason: h.error };
    const hex = toHex(h.hash);
    const index = members.get(hex);
    if (index !== undefined) {
      if (!batchValid) return { kind: "error", reason: `the members' batch proof did not verify (here: ${proof.batch!.localValid ? "valid" : "INVALID"}, on chain: ${proof.batch!.onChainValid ? "valid" : "INVALID"})` };
      return { kind: "member", index, ids: ids.get(hex) ?? null };
    }
    const a = absent.get(hex);
    if (a === undefined) return { kind: "error", reason: "no proof was made for this sample" };
    if (!a.localValid || !a.onChainValid) return { kind: "error", reason: `its absence proof did not verify (here: ${a.localValid ? "valid" : "INVALID"}, on chain: ${a.onChainValid ? "valid" : "INVALID"})` };
    return { kind: "absent", index: a.index, neighbor: a.neighbor };
  });
}

function renderResults(
  ctx: AppContext,
  target: HTMLElement,
  datasetId: bigint,
  dataset: { root: string; leafCount: number; manifestCid: string },
  hashed: readonly HashedSample[],
  proof: SampleSetProof,
  ids: ReadonlyMap<string, readonly string[] | null>,
  isPrivate: boolean,
  blocks: readonly ServedBlock[],
): void {
  const list = verdicts(hashed, proof, ids);
  const count = (kind: Verdict["kind"]): number => list.filter((v) => v.kind === kind).length;
  const summary = element("p", { class: "summary", role: "status", id: "verify-summary" }, [
    `${formatCount(count("member"))} MEMBER · ${formatCount(count("absent"))} NOT A MEMBER · ${formatCount(count("error"))} ERROR`,
  ]);
  const checks = element("ul", { class: "checks" });
  if (proof.batch !== null) {
    checks.append(check(proof.batch.localValid, `Members' batch proof checked here`), check(proof.batch.onChainValid, "and by DatasetNFT.verifySamples"));
  }
  if (proof.absent.length > 0) {
    checks.append(
      check(proof.absent.every((a) => a.localValid), `${formatCount(proof.absent.length)} absence proof${proof.absent.length === 1 ? "" : "s"} checked here`),
      check(proof.absent.every((a) => a.onChainValid), "and by DatasetNFT.verifyAbsence"),
    );
  }
  const rows = element("ol", { class: "results", id: "verify-list" });
  hashed.forEach((h, i) => {
    const v = list[i]!;
    const detail: Array<Node | string> = [];
    if (v.kind === "member") {
      detail.push(`index ${formatCount(v.index)} of ${formatCount(dataset.leafCount)}`);
      if (v.ids !== null && v.ids.length > 0) detail.push(" · sample ids: ", ...v.ids.slice(0, 3).flatMap((id, k) => [k > 0 ? ", " : "", element("code", {}, [id])]), v.ids.length > 3 ? ` and ${v.ids.length - 3} more` : "");
      else if (isPrivate) detail.push(" · sample ids not published (private manifest)");
    } else if (v.kind === "absent") {
      detail.push(`its search path ends at sample ${formatCount(v.index)} (`, hexCode(toHex(v.neighbor), 4), "), another sample");
    } else {
      detail.push(...inlineText(v.reason));
    }
    rows.append(
      element("li", { class: `result ${v.kind}`, "data-verdict": v.kind }, [
        element("span", { class: `badge ${v.kind}` }, [v.kind === "member" ? "MEMBER" : v.kind === "absent" ? "NOT A MEMBER" : "ERROR"]),
        element("span", { class: "result-label" }, [h.sample.label]),
        h.hash === undefined ? null : element("span", { class: "result-hash" }, ["SHA-256 ", hexCode(toHex(h.hash), 6)]),
        element("span", { class: "result-detail" }, detail),
      ]),
    );
  });
  const evidence = evidenceLink(
    {
      kind: "dataset-verification",
      network: { name: ctx.network.name, rpc: ctx.network.rpcUrl, chainId: ctx.network.chainId ?? null },
      contracts: ctx.network.addresses,
      dataset: { id: datasetId.toString(), root: dataset.root, leafCount: dataset.leafCount, manifestCid: dataset.manifestCid },
      gateways: ctx.content.gateways,
      samples: hashed.map((h, i) => {
        const v = list[i]!;
        return {
          label: h.sample.label,
          sampleHash: h.hash === undefined ? null : toHex(h.hash),
          verdict: v.kind === "member" ? "member" : v.kind === "absent" ? "not-a-member" : "error",
          ...(v.kind === "member" ? { index: v.index, ids: v.ids } : v.kind === "absent" ? { index: v.index, neighbor: toHex(v.neighbor) } : { error: v.reason }),
        };
      }),
      ...proofEvidence(datasetId, proof),
      blocks: blocks.map((b) => ({ cid: b.cid, file: b.file, bytes: b.bytes, gateway: b.gateway })),
    },
    `datatrace-verification-dataset-${datasetId}.json`,
  );
  const blockList = element("ul", { class: "plain-list blocks", id: "verify-blocks" });
  for (const b of blocks) blockList.append(element("li", { "data-file": b.file, "data-gateway": b.gateway }, [element("code", {}, [b.file]), " ", cidCode(b.cid), ` ${formatBytes(b.bytes)} from ${b.gateway}`]));
  replace(
    target,
    element("div", { class: "card result-card" }, [
      element("h2", { id: "results-title" }, [`Results for dataset #${datasetId}`]),
      summary,
      checks,
      rows,
      element("div", { class: "actions" }, [evidence]),
      element("details", {}, [
        element("summary", {}, [`Blocks fetched in this run: ${formatCount(blocks.length)} (every one checked against its CID)`]),
        blocks.length === 0 ? element("p", {}, ["None: everything needed was already read earlier in this session."]) : blockList,
      ]),
    ]),
  );
}

/** A check mark with a text label (the mark itself is decorative). */
export function check(passed: boolean, label: string): HTMLLIElement {
  return element("li", { "data-state": passed ? "pass" : "fail" }, [element("span", { class: "mark", "aria-hidden": "true" }), ` ${label}: ${passed ? "passed" : "FAILED"}`]);
}
