/**
 * Entry point of the page (web/index.html): prefills the form from the query
 * string, takes a file (picker or drag and drop) or a pasted hash, runs
 * {@link verifySample} and renders its steps, warnings, blocks and verdict.
 */
import { toHex } from "../../src/hash/hex.js";
import { hashFileOffThread } from "./hash-file-off-thread.js";
import { readPageParams, parseGatewayList, parseTokenId } from "./page-params.js";
import { proofJson } from "./proof-json.js";
import { parseSampleHash } from "./sample-hash.js";
import { STEPS, verifySample, type SampleInput, type StepUpdate, type Verification } from "./verify-sample.js";
import { byId, clear, element, setCheck } from "./dom.js";
import "./styles.css";

const form = byId<HTMLFormElement>("verify-form");
const fileInput = byId<HTMLInputElement>("sample-file");
const fileName = byId("file-name");
const dropZone = byId("drop-zone");
const hashInput = byId<HTMLInputElement>("sample-hash");
const tokenInput = byId<HTMLInputElement>("token-id");
const contractInput = byId<HTMLInputElement>("contract");
const rpcInput = byId<HTMLInputElement>("rpc-url");
const gatewaysInput = byId<HTMLTextAreaElement>("gateways");
const ownOriginRow = byId("own-origin-row");
const ownOriginInput = byId<HTMLInputElement>("own-origin");
const verifyButton = byId<HTMLButtonElement>("verify-button");
const formError = byId("form-error");

const params = readPageParams(location.search);
rpcInput.value = params.rpc;
contractInput.value = params.dataset;
tokenInput.value = params.token;
gatewaysInput.value = params.gateways.join("\n");
const servedOverHttp = location.protocol === "http:" || location.protocol === "https:";
ownOriginRow.hidden = !servedOverHttp;
ownOriginInput.checked = servedOverHttp && !params.gatewaysGiven;

// ---------------------------------------------------------------- sample input

function showFile(): void {
  const file = fileInput.files?.[0];
  fileName.textContent = file === undefined ? "" : `Selected: ${file.name} (${file.size.toLocaleString("en-US")} bytes)`;
  if (file !== undefined) hashInput.value = "";
}
fileInput.addEventListener("change", showFile);
hashInput.addEventListener("input", () => {
  if (hashInput.value.trim() !== "" && (fileInput.files?.length ?? 0) > 0) {
    fileInput.value = "";
    showFile();
  }
});
for (const type of ["dragenter", "dragover"] as const) {
  dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    dropZone.classList.add("dragging");
  });
}
for (const type of ["dragleave", "dragend"] as const) dropZone.addEventListener(type, () => dropZone.classList.remove("dragging"));
dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropZone.classList.remove("dragging");
  const files = event.dataTransfer?.files;
  if (files !== undefined && files.length > 0) {
    fileInput.files = files;
    showFile();
  }
});

// ---------------------------------------------------------------- rendering

const stepItems = new Map<string, HTMLLIElement>();

function resetOutput(): void {
  byId("progress").hidden = false;
  byId("result").hidden = true;
  byId("error").hidden = true;
  clear(byId("warnings"));
  clear(byId("blocks"));
  byId("blocks-section").hidden = true;
  const list = byId("steps");
  clear(list);
  stepItems.clear();
  for (const step of STEPS) {
    const item = element("li", { "data-state": "pending", id: `step-${step.id}` }, [
      element("span", { class: "mark", "aria-hidden": "true" }),
      element("div", { class: "step-body" }, [
        element("p", { class: "step-title" }, [step.title, element("span", { class: "visually-hidden state-text" }, [": waiting"])]),
        element("p", { class: "step-detail" }),
      ]),
    ]);
    stepItems.set(step.id, item);
    list.append(item);
  }
}

function renderStep(update: StepUpdate): void {
  const item = stepItems.get(update.id);
  if (item === undefined) return;
  item.dataset.state = update.state;
  item.querySelector(".state-text")!.textContent = `: ${update.state}`;
  const detail = item.querySelector(".step-detail")!;
  detail.textContent = update.detail;
  if (update.elapsedMs !== undefined) detail.append(element("span", { class: "elapsed" }, [` ${formatMs(update.elapsedMs)}`]));
  if (update.state === "running") item.scrollIntoView?.({ block: "nearest" });
}

function renderHashProgress(done: number, total: number): void {
  const detail = stepItems.get("hash")?.querySelector(".step-detail");
  if (detail === undefined || detail === null) return;
  let bar = detail.querySelector("progress");
  if (bar === null) {
    bar = element("progress", { max: String(total), "aria-label": "Hashing progress" });
    detail.append(bar);
  }
  bar.value = done;
}

function addNotice(kind: "warning" | "info", message: string): void {
  byId("warnings").append(element("li", { class: kind }, [element("strong", {}, [kind === "warning" ? "Warning: " : "Note: "]), message]));
}

function addBlock(block: { cid: string; file: string; role: string; bytes: number; gateway: string }): void {
  byId("blocks-section").hidden = false;
  byId("blocks").append(
    element("tr", {}, [
      element("td", {}, [element("code", {}, [block.file])]),
      element("td", { class: "cid" }, [element("code", { title: block.cid }, [block.cid])]),
      element("td", {}, [block.role]),
      element("td", { class: "num" }, [block.bytes.toLocaleString("en-US")]),
      element("td", {}, [block.gateway]),
    ]),
  );
}

function renderResult(v: Verification): void {
  const member = v.outcome.kind === "member";
  const agree = v.local && v.onChain;
  const verdict = byId("verdict");
  const result = byId("result");
  result.hidden = false;
  result.dataset.verdict = !agree ? "inconclusive" : member ? "member" : "absent";
  verdict.textContent = !agree ? "NOT VERIFIED" : member ? "MEMBER" : "NOT A MEMBER";
  byId("verdict-detail").textContent = !agree
    ? "The two checks disagree or failed: do not rely on this result (see the steps below)."
    : member
      ? `This sample is in dataset #${v.tokenId}: the proof checks out here and on chain.`
      : `This sample is not in dataset #${v.tokenId}: the absence proof checks out here and on chain.`;
  setCheck(byId("check-local"), v.local, "Local check (this browser, against the on-chain root)");
  setCheck(byId("check-onchain"), v.onChain, `On-chain check (DatasetNFT.${member ? "verifySample" : "verifyAbsence"})`);

  const facts = byId("facts");
  clear(facts);
  const fact = (term: string, value: string | Node): void => facts.append(element("dt", {}, [term]), element("dd", {}, [value]));
  fact("Sample SHA-256", element("code", {}, [toHex(v.sampleHash)]));
  if (v.outcome.kind === "member") {
    fact("Index", `${v.outcome.index.toLocaleString("en-US")} of ${v.dataset.leafCount.toLocaleString("en-US")} (sorted distinct sample hashes)`);
    if (v.ids !== null) {
      fact("Sample ids (from the manifest)", element("ul", { class: "ids" }, v.ids.map((id) => element("li", {}, [element("code", {}, [id])]))));
    } else {
      fact("Sample ids", "not published (private manifest)");
    }
  } else {
    const below = toHex(v.outcome.neighbor) < toHex(v.sampleHash);
    fact(
      `Search path ends at (${below ? "the sample just below it" : "the sample just above it"})`,
      element("span", {}, [`index ${v.outcome.index.toLocaleString("en-US")}: `, element("code", {}, [toHex(v.outcome.neighbor)])]),
    );
  }
  fact("Dataset", `token #${v.tokenId} of ${v.contract} on chain ${v.chainId}`);
  fact("Root", element("code", {}, [v.dataset.root]));
  fact("Manifest", element("code", {}, [v.dataset.manifestCid]));
  byId<HTMLTextAreaElement>("proof-json").value = proofJson(v);
  byId("copy-status").textContent = "";
}

function renderError(error: unknown): void {
  byId("error").hidden = false;
  byId("error-message").textContent = error instanceof Error ? error.message : String(error);
}

function formatMs(ms: number): string {
  return ms < 1000 ? `(${ms.toFixed(0)} ms)` : `(${(ms / 1000).toFixed(2)} s)`;
}

// ---------------------------------------------------------------- actions

byId("copy-proof").addEventListener("click", async () => {
  const text = byId<HTMLTextAreaElement>("proof-json");
  const status = byId("copy-status");
  try {
    await navigator.clipboard.writeText(text.value);
    status.textContent = "Copied.";
  } catch {
    text.focus();
    text.select();
    status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
  }
});

/** Reads and checks the form; throws with a message naming the field to fix. */
function readForm(): { sample: SampleInput; tokenId: bigint; contract: string; rpcUrl: string; gateways: string[] } {
  const file = fileInput.files?.[0];
  let sample: SampleInput;
  if (file !== undefined) sample = { kind: "file", file, name: file.name };
  else if (hashInput.value.trim() !== "") sample = { kind: "hash", hash: parseSampleHash(hashInput.value) };
  else throw new Error("Choose a file (or drop one), or paste its SHA-256.");
  if (tokenInput.value.trim() === "") throw new Error("Give the dataset's token id.");
  const tokenId = parseTokenId(tokenInput.value);
  if (contractInput.value.trim() === "") throw new Error("Give the DatasetNFT contract address.");
  return { sample, tokenId, contract: contractInput.value.trim(), rpcUrl: rpcInput.value.trim(), gateways: parseGatewayList(gatewaysInput.value) };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  formError.textContent = "";
  let input: ReturnType<typeof readForm>;
  try {
    input = readForm();
  } catch (error) {
    formError.textContent = (error as Error).message;
    return;
  }
  const query = new URLSearchParams(location.search);
  query.set("rpc", input.rpcUrl);
  query.set("dataset", input.contract);
  query.set("token", input.tokenId.toString());
  history.replaceState(null, "", `?${query}`);

  verifyButton.disabled = true;
  verifyButton.textContent = "Verifying…";
  document.body.setAttribute("aria-busy", "true");
  document.body.dataset.run = "running";
  resetOutput();
  try {
    const verification = await verifySample(
      {
        ...input,
        ...(servedOverHttp && ownOriginInput.checked ? { ownOrigin: location.origin } : {}),
        hashFile: (file, onProgress) => hashFileOffThread(file, onProgress !== undefined ? { onProgress } : {}),
      },
      {
        onStep: renderStep,
        onWarning: (message) => addNotice("warning", message),
        onInfo: (message) => addNotice("info", message),
        onBlock: addBlock,
        onHashProgress: renderHashProgress,
      },
    );
    renderResult(verification);
    byId("result").scrollIntoView?.({ block: "start" });
  } catch (error) {
    renderError(error);
  } finally {
    verifyButton.disabled = false;
    verifyButton.textContent = "Verify";
    document.body.removeAttribute("aria-busy");
    document.body.dataset.run = "finished";
  }
});
