/**
 * Register a dataset from a wallet (EIP-1193), for a small folder, with the
 * same core code as `npx hardhat dataset register`:
 *
 * 1. hash every file in Web Workers (hidden files left out, as the CLI does);
 * 2. build the manifest in memory (`buildManifestInMemory`: the same bytes
 *    as `dataset hash <folder>` run from the folder's parent) and its IPFS
 *    CID (`importFiles`: the same blocks as `storage put`);
 * 3. build the ERC-721/Croissant metadata (`datasetMetadata`, shared with the
 *    CLI) and its CID;
 * 4. stop if this account already registered this root (the contract
 *    accepts a root once per account);
 * 5. upload the manifest (as a CAR) and the metadata to this page's server
 *    (`npx hardhat ipfs serve`) or to Lighthouse with the user's API key,
 *    checking that the service stores them under the CIDs computed here;
 * 6. send `DatasetNFT.register(root, leafCount, manifestCid, tokenURI, 0)`
 *    through the wallet and wait for the receipt (read through the page's
 *    JSON-RPC endpoint); the new token then shows in the explorer.
 */
import { webSha256, toHex } from "../../../src/hash/index.js";
import { buildManifestInMemory, type MemorySample } from "../../../src/engine/browser.js";
import { HEADER_FILE } from "../../../src/manifest/browser.js";
import { metadataBytes } from "../../../src/registry/browser.js";
import { type Block, encodeCar, importFiles, UnixFsFileBuilder } from "../../../src/storage/browser.js";
import { datasetMetadata, isoDate, PLACEHOLDER_COMMITMENT, type DatasetDescription } from "../../../src/workflow/browser.js";
import type { AppContext } from "../app/context.js";
import { routeHash } from "../app/router.js";
import { datasetNftAbi } from "../chain/dataset-nft-client.js";
import { connectWallet, injectedWallet, sendTransaction, switchWalletChain, waitForReceipt, walletChainId, type Eip1193Provider } from "../chain/wallet.js";
import { LIGHTHOUSE_UPLOAD_URL, uploadCar, uploadFile, type UploadTarget } from "../content/uploader.js";
import { SamplePicker } from "../inputs/sample-picker.js";
import { element, replace } from "../ui/dom.js";
import { formatBytes, formatCount, fullCode, shortHex } from "../ui/format.js";
import { errorText, messageParagraphs } from "../ui/message.js";
import { StepList } from "../ui/steps.js";
import { errorBox, externalLink, viewHeading } from "./view-parts.js";

/** Files a "small folder" may have (everything is held in memory). */
export const MAX_FILES = 20_000;

const STEPS = [
  { id: "hash", title: "Hash the files (SHA-256, in this browser)" },
  { id: "manifest", title: "Build the manifest and its CID (same code as the CLI)" },
  { id: "metadata", title: "Build the metadata (ERC-721 + Croissant) and its CID" },
  { id: "check", title: "Check this account has not registered this root yet" },
  { id: "upload", title: "Upload the manifest and the metadata (CIDs checked)" },
  { id: "send", title: "Send DatasetNFT.register through the wallet" },
  { id: "mined", title: "Wait for the transaction" },
];

const encoder = new TextEncoder();

/** Byte-wise comparison of the UTF-8 bytes of two paths (the CLI's directory order). */
function comparePaths(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function field(id: string, label: string, input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, hint?: string): HTMLElement {
  if (hint !== undefined) input.setAttribute("aria-describedby", `${id}-hint`);
  return element("div", { class: "field" }, [element("label", { for: id }, [label]), input, hint === undefined ? null : element("p", { class: "hint", id: `${id}-hint` }, [hint])]);
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** Renders the register view into `root`. */
export function renderRegister(ctx: AppContext, root: HTMLElement): void {
  const wallet = injectedWallet();
  const walletStatus = element("p", { id: "wallet-status", role: "status" }, [wallet === undefined ? "" : "Not connected."]);
  const connectButton = element("button", { type: "button", id: "connect-wallet", class: "secondary" }, ["Connect wallet"]);
  let account: string | undefined;
  const walletCard = element("section", { class: "card", "aria-labelledby": "wallet-title" }, [
    element("h2", { id: "wallet-title" }, ["Wallet"]),
    wallet === undefined
      ? element("p", { class: "warning-text", id: "wallet-status" }, ["No wallet found in this browser. Install a wallet that supports EIP-1193 (for example MetaMask), then reload this page."])
      : element("div", { class: "actions" }, [connectButton, walletStatus]),
  ]);
  connectButton.addEventListener("click", async () => {
    if (wallet === undefined) return;
    try {
      account = await connectWallet(wallet);
      const chain = await walletChainId(wallet);
      replace(walletStatus, `Connected: `, fullCode(account), ` on chain ${chain}.`);
    } catch (error) {
      replace(walletStatus, errorText(error));
    }
  });

  const picker = new SamplePicker({ id: "register", legend: "Data folder", text: false, hint: "Pick the folder holding the dataset: every file in it (hidden files left out) is one sample, identified by its path." });
  const name = element("input", { type: "text", id: "register-name", autocomplete: "off", required: "" });
  const description = element("textarea", { id: "register-description", rows: "3" });
  const license = element("input", { type: "text", id: "register-license", autocomplete: "off", spellcheck: "false", placeholder: "e.g. CC-BY-4.0", required: "" });
  const creator = element("input", { type: "text", id: "register-creator", autocomplete: "off" });
  const url = element("input", { type: "url", id: "register-url", autocomplete: "off", placeholder: "https://…" });
  const version = element("input", { type: "text", id: "register-version", autocomplete: "off", placeholder: "1.0.0" });
  const keywords = element("input", { type: "text", id: "register-keywords", autocomplete: "off" });
  const isPrivate = element("input", { type: "checkbox", id: "register-private" });
  const storageLocal = element("input", { type: "radio", name: "register-storage", id: "register-storage-local", value: "local", checked: "" });
  const storageLighthouse = element("input", { type: "radio", name: "register-storage", id: "register-storage-lighthouse", value: "lighthouse" });
  const localUrl = element("input", { type: "url", id: "register-local-url", value: ctx.ownOrigin ?? "http://127.0.0.1:5050", autocomplete: "off" });
  const lighthouseUrl = element("input", { type: "url", id: "register-lighthouse-url", value: LIGHTHOUSE_UPLOAD_URL, autocomplete: "off", spellcheck: "false" });
  const apiKey = element("input", { type: "password", id: "register-api-key", autocomplete: "off", value: "" });
  const button = element("button", { type: "submit", id: "register-button" }, ["Register"]);
  const formError = element("p", { class: "form-error", id: "register-form-error", role: "alert" });
  const form = element("form", { class: "card", id: "register-form", novalidate: "" }, [
    picker.element,
    element("fieldset", {}, [
      element("legend", {}, ["Description (token metadata)"]),
      field("register-name", "Name", name),
      field("register-description", "Description (optional)", description),
      field("register-license", "License (SPDX identifier)", license, "CC-BY-4.0, MIT, Apache-2.0, CC0-1.0, LicenseRef-…"),
      field("register-creator", "Creator (optional)", creator),
      field("register-url", "Home page (optional)", url),
      field("register-version", "Version (optional)", version),
      field("register-keywords", "Keywords (optional, comma-separated)", keywords),
      element("div", { class: "check" }, [isPrivate, element("label", { for: "register-private" }, ["Private: keep no sample ids (file paths) in the manifest"])]),
    ]),
    element("fieldset", {}, [
      element("legend", {}, ["Storage"]),
      element("div", { class: "check" }, [storageLocal, element("label", { for: "register-storage-local" }, ["The local IPFS server (npx hardhat ipfs serve) that serves this page"])]),
      field("register-local-url", "Its address", localUrl),
      element("div", { class: "check" }, [storageLighthouse, element("label", { for: "register-storage-lighthouse" }, ["Lighthouse (IPFS pinning and Filecoin deals)"])]),
      field("register-lighthouse-url", "Its upload node", lighthouseUrl, "Lighthouse's own, unless you use another node that speaks its upload API (as the command line's --lighthouse-url)."),
      field("register-api-key", "API key", apiKey, "Lighthouse: your key from files.lighthouse.storage. Local server: any key, unless it was started with --api-key. Never stored by this page."),
    ]),
    element("div", { class: "actions" }, [button, formError]),
  ]);
  const output = element("div", { id: "register-output" });
  replace(
    root,
    viewHeading("Register a dataset", "For a small folder: it is hashed here, its manifest and metadata are built with the same code as the command line, uploaded, and registered from your wallet."),
    walletCard,
    form,
    output,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replace(formError);
    const problem = (text: string, focus?: HTMLElement): void => {
      replace(formError, ...messageParagraphs(text));
      focus?.focus();
    };
    if (wallet === undefined) return problem("No wallet found in this browser: install one that supports EIP-1193, then reload.");
    if (picker.folder === undefined || picker.files.length === 0) return problem("Choose one folder (or drop it): the dataset is the files in it.");
    if (picker.files.length > MAX_FILES) return problem(`The folder has ${formatCount(picker.files.length)} files; the page registers at most ${formatCount(MAX_FILES)}. Use \`npx hardhat dataset register\` for larger datasets.`);
    const description_: DatasetDescription = {
      name: name.value,
      ...(description.value.trim() === "" ? {} : { description: description.value }),
      license: license.value.trim(),
      ...(creator.value.trim() === "" ? {} : { creator: creator.value.trim() }),
      ...(url.value.trim() === "" ? {} : { url: url.value.trim() }),
      ...(version.value.trim() === "" ? {} : { version: version.value.trim() }),
      ...(keywords.value.trim() === "" ? {} : { keywords: keywords.value.split(",").map((k) => k.trim()).filter((k) => k !== "") }),
    };
    const datePublished = isoDate(new Date());
    try {
      datasetMetadata(description_, datePublished, PLACEHOLDER_COMMITMENT); // the CLI's check of the descriptive fields, before any work
    } catch (error) {
      return problem(errorText(error));
    }
    const target: UploadTarget = storageLighthouse.checked
      ? { kind: "lighthouse", baseUrl: lighthouseUrl.value.trim(), apiKey: apiKey.value.trim() }
      : { kind: "local", baseUrl: localUrl.value.trim(), apiKey: apiKey.value.trim() === "" ? "local" : apiKey.value.trim() };
    if (!isHttpUrl(target.baseUrl)) return problem(`The upload address "${target.baseUrl}" is not an http(s) URL: give one like ${target.kind === "lighthouse" ? LIGHTHOUSE_UPLOAD_URL : "http://127.0.0.1:5050"}.`, target.kind === "lighthouse" ? lighthouseUrl : localUrl);
    if (target.kind === "lighthouse" && target.apiKey === "") return problem("Give your Lighthouse API key.", apiKey);
    button.disabled = true;
    document.body.dataset.run = "running";
    void register(ctx, wallet, () => account, (a) => (account = a), picker, isPrivate.checked, description_, datePublished, target, output).finally(() => {
      button.disabled = false;
      document.body.dataset.run = "finished";
    });
  });
}

async function register(
  ctx: AppContext,
  wallet: Eip1193Provider,
  currentAccount: () => string | undefined,
  setAccount: (account: string) => void,
  picker: SamplePicker,
  isPrivate: boolean,
  description: DatasetDescription,
  datePublished: string,
  target: UploadTarget,
  output: HTMLElement,
): Promise<void> {
  const steps = new StepList(STEPS);
  const result = element("div", { id: "register-result" });
  replace(output, element("section", { class: "card", "aria-labelledby": "register-steps-title" }, [element("h2", { id: "register-steps-title" }, ["Steps"]), steps.element]), result);
  try {
    const registry = await ctx.registry();
    const folder = picker.folder!;
    const files = [...picker.files].sort((a, b) => comparePaths(a.path, b.path));
    const digests = await steps.run("hash", `Hashing ${formatCount(files.length)} files…`, async () => {
      const outcomes = await ctx.hashPool().hashAll(
        files.map((f) => f.file),
        (p) => steps.progress("hash", `${formatCount(p.doneFiles)} of ${formatCount(p.totalFiles)} files, ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}`, p.totalBytes === 0 ? 1 : p.doneBytes / p.totalBytes),
      );
      const failed = outcomes.findIndex((o) => !o.ok);
      if (failed >= 0) {
        const o = outcomes[failed]!;
        throw new Error(`Cannot read ${files[failed]!.path}: ${o.ok ? "" : o.error}. Nothing was uploaded or sent.`);
      }
      return { value: outcomes.map((o) => (o.ok ? o.digest : new Uint8Array())), detail: `${formatCount(files.length)} files, ${formatBytes(files.reduce((s, f) => s + f.file.size, 0))}.` };
    });
    const manifest = await steps.run("manifest", "Sorting and sharding…", async () => {
      const samples: MemorySample[] = files.map((f, i) => ({ hash: digests[i]!, id: f.path, bytes: f.file.size }));
      const built = await buildManifestInMemory(samples, {
        sources: [{ kind: "dir", name: folder, options: { include: [], exclude: [], includeHidden: false, followSymlinks: false } }],
        private: isPrivate,
        sha256: webSha256,
      });
      const blocks: Block[] = [];
      const imported = await importFiles(built.files, { sha256: webSha256, onBlock: (b) => void blocks.push(b) });
      return {
        value: { ...built, cid: imported.cid.toString(), root: imported.cid, size: imported.tsize, blocks },
        detail: `Root ${shortHex(built.header.root)}: ${formatCount(built.header.leafCount)} distinct samples (${formatCount(built.duplicateCount)} duplicates); manifest ${imported.cid}.`,
      };
    });
    const metadata = await steps.run("metadata", "Building…", async () => {
      const header = manifest.files.get(HEADER_FILE)!;
      const doc = datasetMetadata(description, datePublished, {
        root: manifest.header.root,
        leafCount: manifest.header.leafCount,
        sampleCount: manifest.sampleCount,
        manifest: { cid: manifest.cid, headerSha256: toHex(await webSha256(header)).slice(2), headerSize: header.length, size: manifest.size },
      });
      const bytes = metadataBytes(doc);
      const builder = new UnixFsFileBuilder({ sha256: webSha256 });
      await builder.update(bytes);
      const cid = (await builder.finish()).cid.toString();
      return { value: { bytes, cid }, detail: `metadata.json (${formatBytes(bytes.length)}): ${cid}.` };
    });
    let account = currentAccount();
    if (account === undefined) {
      account = await connectWallet(wallet);
      setAccount(account);
    }
    const from = account;
    await steps.run("check", `Asking the DatasetNFT about ${shortHex(from)}…`, async () => {
      const existing = await registry.datasetNft.tokenOf(manifest.header.root, from);
      if (existing !== 0n) {
        throw new Error(`This account already registered this root as dataset #${existing}: an account registers a root once. Nothing was uploaded or sent.`);
      }
      return { value: undefined, detail: "Not registered by this account yet." };
    });
    await steps.run("upload", `Uploading to ${target.baseUrl}…`, async () => {
      const car = encodeCar(manifest.root, manifest.blocks) as Uint8Array<ArrayBuffer>;
      await uploadCar(target, car, manifest.cid, "the manifest");
      await uploadFile(target, metadata.bytes as Uint8Array<ArrayBuffer>, "metadata.json", metadata.cid, "the metadata");
      return { value: undefined, detail: `Manifest (a CAR of ${formatCount(manifest.blocks.length)} blocks, ${formatBytes(car.length)}) and metadata stored under the CIDs computed here.` };
    });
    const hash = await steps.run("send", "Waiting for the wallet…", async () => {
      const chain = await walletChainId(wallet);
      if (chain !== registry.datasetNft.chainId) {
        steps.progress("send", `The wallet is on chain ${chain}; asking it to switch to chain ${registry.datasetNft.chainId}…`);
        await switchWalletChain(wallet, registry.datasetNft.chainId);
      }
      const data = datasetNftAbi.encodeFunctionData("register", [manifest.header.root, BigInt(manifest.header.leafCount), manifest.cid, `ipfs://${metadata.cid}`, 0n]);
      const value = await sendTransaction(wallet, { from, to: registry.datasetNft.address, data });
      return { value, detail: `Transaction ${value}.` };
    });
    const tokenId = await steps.run("mined", "Waiting for the receipt…", async () => {
      const receipt = await waitForReceipt(ctx.rpc, hash, { pollMs: ctx.network.id === "local" ? 250 : 5000, onWait: (ms) => steps.progress("mined", `Waiting for the receipt (${Math.round(ms / 1000)} s)…`) });
      if (receipt.status !== "0x1") throw new Error(`The transaction ${hash} reverted: nothing was minted. The uploads stay stored (content is addressed by CID).`);
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== registry.datasetNft.address.toLowerCase()) continue;
        const parsed = datasetNftAbi.parseLog({ topics: [...log.topics], data: log.data });
        if (parsed?.name === "DatasetRegistered") return { value: parsed.args[0] as bigint, detail: `Minted dataset #${parsed.args[0]} in block ${BigInt(receipt.blockNumber)}.` };
      }
      throw new Error(`The transaction ${hash} succeeded without a DatasetRegistered event: is ${registry.datasetNft.address} a DatasetNFT?`);
    });
    replace(
      result,
      element("section", { class: "card ok-card", role: "status", id: "register-done" }, [
        element("h2", {}, [`Registered as dataset #${tokenId}`]),
        element("p", {}, [`${description.name}: ${formatCount(manifest.header.leafCount)} distinct samples, root `, fullCode(manifest.header.root), "."]),
        element("div", { class: "actions" }, [
          element("a", { class: "button-like primary", href: routeHash("dataset", { id: tokenId }) }, [`Open dataset #${tokenId}`]),
          element("a", { href: routeHash("datasets") }, ["See it in the explorer"]),
          ...ctx.explorers().map((e) => externalLink(e.transaction(hash), `Transaction on ${e.name}`)),
        ]),
      ]),
    );
  } catch (error) {
    result.replaceChildren(errorBox(error, "Not registered"));
  }
}
