/**
 * The web app in a real headless Chromium (playwright-core, Debian's
 * /usr/bin/chromium) against real local services, loopback only:
 *
 * - a `hardhat node` (child process), the registries deployed on it from
 *   their compiled artifacts (as ignition/modules/Registry.ts does: a
 *   DatasetNFT, then a ModelNFT bound to it) and recorded as an Ignition
 *   deployment under a throw-away id (test/e2e/localhost.test.ts runs
 *   `ignition deploy` itself; doing it here would add a minute of Hardhat
 *   start-up), and `hardhat demo --network localhost` run against it
 *   (SpamAssassin datasets, a base model and its fine-tuned child);
 * - the page built with the presets of that deployment and served, with the
 *   demo's block store, by `startIpfsServer` (what `npx hardhat ipfs serve`
 *   runs: gateway, upload API and the page on one origin);
 * - a relay in front of the node that counts the page's JSON-RPC requests,
 *   a gateway that tampers with every block, and a plain static server.
 *
 * Screenshots go to test-output/web/ (git-ignored).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { getAddress, Interface } from "ethers";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { metadataBytes } from "../../src/registry/metadata-document.js";
import { openSources } from "../../src/sources/open-sources.js";
import { importPath } from "../../src/storage/import-path.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { datasetMetadata } from "../../src/workflow/dataset-metadata.js";
import { buildWeb } from "../../web/build.js";
import { DATASET_NFT_ABI } from "../../web/src/chain/registry-abi.js";
import { childEnv, hardhat, ROOT, rpc, startNode, type LocalNode } from "../e2e/helpers.js";
import { Random } from "../fixtures/seeded-random.js";
import { startCountingRelay, startStaticServer, startTamperingGateway, startUploadNode, type CountingRelay, type LoopbackServer } from "./loopback-servers.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
/** Screenshots for people to look at (git-ignored). */
export const SCREENSHOT_DIR = path.join(ROOT, "test-output", "web");
const datasetNft = new Interface(DATASET_NFT_ABI);

/** What `demo --json` prints (the parts used here). */
interface DemoSummary {
  datasets: Record<"training" | "test" | "fineTune" | "syntheticTest", { id: string; root: string; leafCount: number; manifestCid: string }>;
  models: Record<"base" | "finetuned", { id: string; weightsHash: string; relation: string; parentIds: string[]; datasetIds: string[] }>;
  trainingEmail: { id: string; sampleHash: string };
  heldOutEmail: { id: string; sampleHash: string };
}

/** The demo's file of an email id (`spam-1/00001` → `<data>/<split>/spam-1/00001.<md5>.txt`). */
function emailFile(dataDir: string, split: string, id: string): string {
  const [folder, name] = id.split("/") as [string, string];
  const match = readdirSync(path.join(dataDir, split, folder)).find((f) => f.startsWith(`${name}.`));
  if (match === undefined) throw new Error(`no file for email ${id} in ${split}`);
  return path.join(dataDir, split, folder, match);
}

/** A string evaluated in the page (the test runner's transpiler would add helpers to a function that the page lacks). */
const SCROLL_WIDTH = "document.documentElement.scrollWidth";

/**
 * Every visible text element whose colour contrast with its background is
 * below WCAG AA (4.5:1, 3:1 for large text), as "tag.class ratio: text".
 * Disabled controls are exempt, as WCAG says.
 */
const LOW_CONTRAST = `(() => {
  const parse = (c) => { const m = /rgba?\\(([^)]+)\\)/.exec(c); if (!m) return null; const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = (e) => { for (let n = e; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a > 0.5) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
  const low = [];
  for (const e of document.querySelectorAll("body *")) {
    if (e.closest("svg, .visually-hidden, [hidden], button:disabled, [aria-disabled=true], .skip-link, noscript")) continue;
    if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "")) continue;
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(e);
    const a = lum(parse(style.color)), b = lum(background(e));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) low.push(e.tagName + "." + e.className + " " + ratio.toFixed(2) + ": " + e.textContent.trim().slice(0, 40));
  }
  return low;
})()`;

describe("web app in headless Chromium against a hardhat node, the demo and ipfs serve", function () {
  this.timeout(600_000);
  const deploymentId = `e2e-web-${process.pid}-${randomBytes(3).toString("hex")}`;
  const random = new Random("web app registrations");
  let tmp: string;
  let node: LocalNode;
  let relay: CountingRelay;
  let ipfs: RunningIpfsServer;
  let tamperer: LoopbackServer;
  let staticSite: LoopbackServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let demo: DemoSummary;
  let dataDir: string;
  let account: string;
  const pageErrors: string[] = [];
  /** The page on `ipfs serve` with the local preset, its JSON-RPC through the counting relay. */
  let base: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (Debian) to run the browser tests.`);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), "datatrace-web-app-"));
    node = await startNode();
    const env = childEnv({ DATATRACE_LOCALHOST_URL: node.url, DATATRACE_DEPLOYMENT_ID: deploymentId });
    account = ((await rpc<string[]>(node.url, "eth_accounts"))[0] as string).toLowerCase();
    const deploy = async (name: string, args: string): Promise<string> => {
      const artifact = JSON.parse(readFileSync(path.join(ROOT, "artifacts", "contracts", `${name}.sol`, `${name}.json`), "utf8")) as { bytecode: string };
      const hash = await rpc<string>(node.url, "eth_sendTransaction", [{ from: account, data: artifact.bytecode + args }]);
      const receipt = await rpc<{ contractAddress: string; status: string }>(node.url, "eth_getTransactionReceipt", [hash]);
      expect(receipt.status, `deploying ${name}`).to.equal("0x1");
      return getAddress(receipt.contractAddress);
    };
    const datasetAddress = await deploy("DatasetNFT", "");
    const modelAddress = await deploy("ModelNFT", datasetAddress.slice(2).toLowerCase().padStart(64, "0"));
    mkdirSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true });
    writeFileSync(
      path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"),
      JSON.stringify({ "Registry#DatasetNFT": datasetAddress, "Registry#ModelNFT": modelAddress }, null, 2),
    );
    const workspace = path.join(tmp, "ws");
    const ran = await hardhat(["demo", "--network", "localhost", "--dir", workspace, "--threads", "1", "--json"], env, 300_000);
    expect(ran.code, ran.stderr).to.equal(0);
    demo = JSON.parse(ran.stdout.slice(ran.stdout.search(/^\{/m))) as DemoSummary;
    dataDir = path.join(workspace, "data");

    const built = await buildWeb({ outDir: path.join(tmp, "site"), deploymentIds: { local: deploymentId } });
    relay = await startCountingRelay(node.url);
    ipfs = await startIpfsServer({ store: new LocalStore({ dir: path.join(workspace, "blocks") }), port: 0, webRoot: built.outDir });
    tamperer = await startTamperingGateway(ipfs.url);
    staticSite = await startStaticServer(built.outDir);
    base = `${ipfs.url}/?net=local&rpc=${encodeURIComponent(relay.url)}`;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
    // The wallet: an EIP-1193 provider backed by the local node's unlocked accounts.
    await context.addInitScript(`window.ethereum = { request: async ({ method, params }) => {
      const m = method === "eth_requestAccounts" ? "eth_accounts" : method;
      const r = await fetch(${JSON.stringify(relay.url)}, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: m, params: params ?? [] }) });
      const b = await r.json();
      if (b.error) { const e = new Error(b.error.message); e.code = b.error.code; e.data = b.error.data; throw e; }
      return b.result;
    } };`);
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  after(async function () {
    await browser?.close();
    await Promise.all([ipfs?.close(), relay?.close(), tamperer?.close(), staticSite?.close()]);
    await node?.stop();
    rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(function () {
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  /** Opens a view in a freshly loaded page (never a same-document hash change) and waits until the network is idle. */
  async function open(hash: string, url = base): Promise<void> {
    await page.goto("about:blank");
    await page.goto(`${url}${hash}`);
    await page.waitForLoadState("networkidle");
  }

  /**
   * Waits until `expression` (evaluated in the page) is truthy. Polled with
   * page.evaluate: Playwright's waitForFunction compiles its predicate in
   * the page, which the page's CSP (no 'unsafe-eval') rightly refuses.
   */
  async function waitFor(expression: string, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await page.evaluate(expression))) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Sends a raw DatasetNFT.register from the node's first account (for fixtures the demo does not make). */
  async function registerRaw(root: string, leafCount: number, manifestCid: string): Promise<bigint> {
    const data = datasetNft.encodeFunctionData("register", [root, leafCount, manifestCid, "", 0]);
    const to = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8"))["Registry#DatasetNFT"] as string;
    const hash = await rpc<string>(node.url, "eth_sendTransaction", [{ from: account, to, data }]);
    const receipt = await rpc<{ logs: Array<{ topics: string[]; data: string }> }>(node.url, "eth_getTransactionReceipt", [hash]);
    return datasetNft.parseLog(receipt.logs.find((l) => l.topics[0] === datasetNft.getEvent("DatasetRegistered")!.topicHash)!)!.args[0] as bigint;
  }

  describe("registry explorer", () => {
    it("lists the demo's datasets and models with name, registrant, samples, license, date and lineage", async () => {
      await open("#/datasets");
      await waitFor(`document.querySelectorAll(".token-card").length === 4 && [...document.querySelectorAll(".token-facts dd")].every((d) => d.textContent !== "…")`);
      const cards = await page.$$eval(".token-card", (els) => els.map((e) => ({ id: e.getAttribute("data-token"), text: e.textContent ?? "" })));
      expect(cards.map((c) => c.id)).to.deep.equal(["4", "3", "2", "1"]); // newest first
      const training = cards.find((c) => c.id === demo.datasets.training.id)!.text;
      expect(training).to.include("SpamAssassin public corpus: training split (80%)");
      expect(training).to.include(`${demo.datasets.training.leafCount.toLocaleString("en-US")} distinct`);
      expect(training).to.include("Apache-2.0");
      expect(training.toLowerCase()).to.include(account.slice(0, 6)); // the registrant, shortened
      expect(await page.textContent(".counts")).to.equal("4 datasets · 2 models");
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "explorer.png") });

      await open("#/models");
      await waitFor(`document.querySelectorAll(".token-card").length === 2 && document.querySelector("#token-list").textContent.includes("spam-nb-base")`);
      const models = await page.$$eval(".token-card", (els) => els.map((e) => e.textContent ?? ""));
      expect(models[0]).to.include("spam-nb-finetuned").and.to.include("finetune of #1").and.to.include("#1, #3").and.to.include("MIT");
      expect(models[1]).to.include("spam-nb-base").and.to.include("base model");
    });

    it("searches by name, registrant, root and token id", async () => {
      const search = async (kind: string, q: string): Promise<string[]> => {
        await open(`#/${kind}?q=${encodeURIComponent(q)}`);
        await waitFor(`/match/.test(document.getElementById("registry-status").textContent) && !/so far/.test(document.getElementById("registry-status").textContent)`);
        return page.$$eval(".token-card", (els) => els.map((e) => e.getAttribute("data-token") ?? ""));
      };
      expect(await search("datasets", "SYNTHETIC")).to.deep.equal(["4", "3"]);
      expect(await search("datasets", demo.datasets.training.root.slice(0, 12))).to.deep.equal([demo.datasets.training.id]);
      expect(await search("datasets", account.slice(0, 10))).to.have.length(4);
      expect(await search("models", "fine")).to.deep.equal([demo.models.finetuned.id]);
      expect(await search("models", "#1")).to.deep.equal(["1"]);
      expect(await search("datasets", "nothing like this")).to.deep.equal([]);
    });

    it("shows a dataset: on-chain commitment, Croissant metadata agreeing with it, the models trained on it, links", async () => {
      await open(`#/dataset/${demo.datasets.training.id}`);
      await waitFor(`document.getElementById("models-title") && !document.querySelector("#view").textContent.includes("Looking for models")`);
      const text = (await page.textContent("#view"))!;
      expect(text).to.include(demo.datasets.training.root).and.to.include(demo.datasets.training.manifestCid);
      expect(text).to.include("The metadata agrees with the chain: its root is the on-chain root; its distinct sample count matches.");
      expect(text).to.include("http://mlcommons.org/croissant/1.0").and.to.include("header.json");
      expect(text).to.include("spam-nb-base (#1)").and.to.include("spam-nb-finetuned (#2)");
      const header = await page.getAttribute("a:text('Manifest header')", "href");
      expect(header).to.equal(`${ipfs.url}/ipfs/${demo.datasets.training.manifestCid}/header.json`);
      expect(await page.getAttribute("a:text('Verify files against this dataset')", "href")).to.equal(`#/verify?dataset=${demo.datasets.training.id}`);
    });

    it("shows a model: commitments, the model-signing statement checked against the weights hash, and its lineage graph", async () => {
      await open(`#/model/${demo.models.finetuned.id}`);
      await page.waitForSelector("svg.lineage");
      await waitFor(`document.querySelector("#view").textContent.includes("Subject digest")`);
      const text = (await page.textContent("#view"))!;
      expect(text).to.include(demo.models.finetuned.weightsHash);
      expect(text).to.include("Training-log head").and.to.include("Fingerprint commitmentnone committed");
      expect(text).to.include("https://model_signing/signature/v1.0").and.to.include("(= on chain)");
      expect(text).to.include("Evaluated on (not trained on)");
      const nodes = await page.$$eval("svg.lineage [data-node]", (els) => els.map((e) => e.getAttribute("data-node")));
      expect(nodes.sort()).to.deep.equal(["dataset:1", "dataset:3", "model:1", "model:2"]);
      const edges = await page.$$eval("svg.lineage [data-edge]", (els) => els.map((e) => e.getAttribute("data-edge")));
      expect(edges.sort()).to.deep.equal(["1>d1", "2>1", "2>d1", "2>d3"]);
    });
  });

  describe("verifying many files", () => {
    it("verifies a folder of members and non-members plus a bad pasted hash: MEMBER / NOT A MEMBER / ERROR, checked here and on chain, with evidence", async () => {
      const folder = path.join(tmp, "to-verify", "emails");
      mkdirSync(folder, { recursive: true });
      const train = readdirSync(path.join(dataDir, "spamassassin-train", "spam-1")).sort().slice(0, 3);
      const test = readdirSync(path.join(dataDir, "spamassassin-test", "spam-1")).sort().slice(0, 2);
      for (const f of train) writeFileSync(path.join(folder, `train-${f}`), readFileSync(path.join(dataDir, "spamassassin-train", "spam-1", f)));
      for (const f of test) writeFileSync(path.join(folder, `heldout-${f}`), readFileSync(path.join(dataDir, "spamassassin-test", "spam-1", f)));
      writeFileSync(path.join(folder, ".DS_Store"), "hidden: left out");

      const before = relay.posts();
      await open(`#/verify?dataset=${demo.datasets.training.id}`);
      await page.setInputFiles("#verify-folder", folder);
      expect(await page.textContent("#verify-picked")).to.match(/^Chosen: 5 files \([0-9.]+ kB\) from the folder emails; 1 hidden file left out\.$/);
      await page.fill("#verify-text", "not-a-hash  bad.txt\n");
      await page.click("#verify-button");
      await page.waitForSelector("body[data-run=finished]");
      expect(await page.textContent("#verify-summary")).to.equal("3 MEMBER · 2 NOT A MEMBER · 1 ERROR");
      const rows = await page.$$eval("#verify-list li", (els) => els.map((e) => ({ verdict: e.getAttribute("data-verdict"), text: e.textContent ?? "" })));
      for (const r of rows.filter((x) => x.text.includes("train-"))) {
        expect(r.verdict).to.equal("member");
        expect(r.text).to.include("spamassassin-train/spam-1/");
      }
      for (const r of rows.filter((x) => x.text.includes("heldout-"))) expect(r.verdict, r.text).to.equal("absent");
      expect(rows.find((r) => r.text.includes("line 1"))!.verdict).to.equal("error");
      expect(await page.$$eval(".checks li", (els) => els.map((e) => e.getAttribute("data-state")))).to.deep.equal(["pass", "pass", "pass", "pass"]);
      // Batched: hashing, chain, manifest and proofs in a handful of HTTP requests, not one per sample.
      expect(relay.posts() - before).to.be.below(12);
      const shards = await page.$$eval("#verify-blocks li", (els) => els.map((e) => [e.getAttribute("data-file"), e.getAttribute("data-gateway")]));
      expect(shards.filter(([f]) => f === "index.bin")).to.have.length(1);
      expect(shards.every(([, g]) => g === ipfs.url)).to.equal(true);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "verify.png"), fullPage: true });

      // The evidence: every proof with the arguments of the contract view that verifies it.
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#evidence-link")]);
      const evidence = JSON.parse(readFileSync(await download.path(), "utf8")) as {
        format: string;
        samples: Array<{ verdict: string }>;
        members: { tokenId: string; sampleHashes: string[]; indexes: number[]; path: string[] };
        absences: Array<{ tokenId: string; query: string; index: number; neighbor: string; path: string[] }>;
      };
      expect(evidence.format).to.equal("datatrace-evidence/1");
      expect(evidence.samples.map((s) => s.verdict).sort()).to.deep.equal(["error", "member", "member", "member", "not-a-member", "not-a-member"]);
      const to = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8"))["Registry#DatasetNFT"] as string;
      const call = async (name: string, args: unknown[]): Promise<boolean> =>
        datasetNft.decodeFunctionResult(name, await rpc<string>(node.url, "eth_call", [{ to, data: datasetNft.encodeFunctionData(name, args) }, "latest"]))[0] as boolean;
      const m = evidence.members;
      expect(await call("verifySamples", [m.tokenId, m.sampleHashes, m.indexes, m.path])).to.equal(true);
      expect(await call("verifySamples", [m.tokenId, m.sampleHashes, m.indexes.map((i) => i + 1), m.path])).to.equal(false);
      for (const a of evidence.absences) expect(await call("verifyAbsence", [a.tokenId, a.query, a.index, a.neighbor, a.path])).to.equal(true);
    });

    it("survives a tampering gateway listed first: warns, skips it, and still answers from verified blocks", async () => {
      const file = emailFile(dataDir, "spamassassin-train", demo.trainingEmail.id);
      await open(`#/verify?dataset=${demo.datasets.training.id}`, `${ipfs.url}/?net=local&rpc=${encodeURIComponent(relay.url)}&own=0&gateways=${encodeURIComponent(`${tamperer.url},${ipfs.url}`)}`);
      await page.setInputFiles("#verify-files", file);
      await page.click("#verify-button");
      await page.waitForSelector("body[data-run=finished]");
      expect(await page.textContent("#verify-summary")).to.equal("1 MEMBER · 0 NOT A MEMBER · 0 ERROR");
      const warnings = await page.$$eval(".notices li.warning", (els) => els.map((e) => e.textContent ?? ""));
      expect(warnings.some((w) => w.includes(tamperer.url) && w.includes("mismatch"))).to.equal(true);
      const gateways = await page.$$eval("#verify-blocks li", (els) => els.map((e) => e.getAttribute("data-gateway")));
      expect(gateways.length).to.be.greaterThan(0);
      expect(gateways.every((g) => g === ipfs.url)).to.equal(true);
      expect(tamperer.requests.length).to.be.greaterThan(0);
      await page.locator("#verify-output .card").first().screenshot({ path: path.join(SCREENSHOT_DIR, "tampering-gateway.png") });
    });

    it("says which gateway did what when none delivers a verified block", async () => {
      await open(`#/verify?dataset=${demo.datasets.training.id}`, `${ipfs.url}/?net=local&rpc=${encodeURIComponent(relay.url)}&own=0&gateways=${encodeURIComponent(`${tamperer.url},http://127.0.0.1:9`)}`);
      await page.fill("#verify-text", demo.trainingEmail.sampleHash);
      await page.click("#verify-button");
      await page.waitForSelector("body[data-run=finished]");
      const error = (await page.textContent("#verify-results"))!;
      expect(error).to.include("No gateway delivered a verified copy of header.json");
      expect(error).to.include(`${tamperer.url}: mismatch`).and.to.include("http://127.0.0.1:9: unreachable");
      expect(await page.getAttribute("li[data-step=manifest]", "data-state")).to.equal("failed");
    });

    it("reports an unknown dataset and a manifest that does not commit to the registered root", async () => {
      await open("#/verify?dataset=99");
      await page.fill("#verify-text", demo.trainingEmail.sampleHash);
      await page.click("#verify-button");
      await page.waitForSelector("body[data-run=finished]");
      expect(await page.textContent("#verify-results")).to.match(/Token #99 is not registered in the DatasetNFT at 0x[0-9a-fA-F]{40} on chain 31337\. Its tokens are 1 to \d+\./);

      const wrong = await registerRaw(`0x${"ab".repeat(32)}`, demo.datasets.training.leafCount, demo.datasets.training.manifestCid);
      await open(`#/verify?dataset=${wrong}`);
      await page.fill("#verify-text", demo.trainingEmail.sampleHash);
      await page.click("#verify-button");
      await page.waitForSelector("body[data-run=finished]");
      const text = (await page.textContent("#verify-results"))!;
      expect(text).to.include(`but the dataset commits to 0x${"ab".repeat(32)}`);
      expect(text).to.include("Report it to the registrant.");
    });
  });

  describe("tracing through a model's lineage", () => {
    it("finds a training email through the fine-tuned model and its parent, and proves a held-out email absent from every training dataset", async () => {
      await open(`#/trace?model=${demo.models.finetuned.id}`);
      await page.setInputFiles("#trace-files", [emailFile(dataDir, "spamassassin-train", demo.trainingEmail.id), emailFile(dataDir, "spamassassin-test", demo.heldOutEmail.id)]);
      await page.click("#trace-button");
      await page.waitForSelector("body[data-run=finished]");
      expect(await page.textContent("#trace-summary")).to.equal("1 in the training data · 1 not in the training data · 0 errors");
      const rows = await page.$$eval("#trace-list > li", (els) => els.map((e) => ({ verdict: e.getAttribute("data-verdict"), text: e.textContent ?? "" })));
      const trained = rows.find((r) => r.verdict === "in-training-data")!;
      expect(trained.text).to.include(`Found in dataset #${demo.datasets.training.id}`);
      expect(trained.text).to.include("via model #2 (spam-nb-finetuned).");
      expect(trained.text).to.include("via model #2 (spam-nb-finetuned) → model #1 (spam-nb-base).");
      const heldOut = rows.find((r) => r.verdict === "not-in-training-data")!;
      expect(heldOut.text).to.include(`Proven absent from datasets #${demo.datasets.training.id}, #${demo.datasets.fineTune.id}.`);
      // The graph highlights both paths to the dataset holding the training email.
      const highlighted = await page.$$eval("#trace-graph .highlighted[data-edge]", (els) => els.map((e) => e.getAttribute("data-edge")));
      expect(highlighted.sort()).to.deep.equal(["1>d1", "2>1", "2>d1"]);
      expect(await page.getAttribute("#trace-graph [data-node='dataset:1']", "class")).to.include("found");
      expect(await page.getAttribute("#trace-graph [data-node='dataset:3']", "class")).to.include("absent");
      await page.locator("#trace-results").screenshot({ path: path.join(SCREENSHOT_DIR, "trace.png") });

      await page.click(`#trace-list > li[data-verdict=not-in-training-data] button`);
      expect(await page.$$eval("#trace-graph .highlighted[data-edge]", (els) => els.length)).to.equal(0);
      expect(await page.getAttribute("#trace-graph [data-node='dataset:1']", "class")).to.include("absent");
      expect(await page.textContent("#trace-graph figcaption")).to.include("proven absent from every dataset of the lineage");
    });
  });

  describe("registering from a wallet", () => {
    it("registers a small folder through an injected EIP-1193 wallet with the CLI's manifest and metadata; it shows in the explorer", async () => {
      const folder = path.join(tmp, "to-register", "field-notes");
      mkdirSync(path.join(folder, "sub"), { recursive: true });
      for (let i = 0; i < 5; i++) writeFileSync(path.join(folder, `note-${i}.txt`), `field note ${i} ${Buffer.from(random.bytes(8)).toString("hex")}\n`);
      writeFileSync(path.join(folder, "sub", "a.txt"), "same\n");
      writeFileSync(path.join(folder, "sub", "copy-of-a.txt"), "same\n");
      writeFileSync(path.join(folder, ".hidden"), "left out\n");

      await open("#/register");
      await page.click("#connect-wallet");
      await waitFor(`document.getElementById("wallet-status").textContent.startsWith("Connected")`);
      await page.setInputFiles("#register-folder", folder);
      await page.fill("#register-name", "Field notes");
      await page.fill("#register-license", "CC-BY-4.0");
      await page.fill("#register-keywords", "notes, field");
      await page.click("#register-button");
      await page.waitForSelector("body[data-run=finished]");
      const done = (await page.textContent("#register-output"))!;
      expect(done, done).to.match(/Registered as dataset #(\d+)/);
      const tokenId = /Registered as dataset #(\d+)/.exec(done)![1]!;
      expect(done).to.include("6 distinct samples");

      // The same manifest as `dataset hash field-notes` + `storage put` would make, and the same metadata document.
      const out = path.join(tmp, "cli-manifest");
      const report = await buildManifest(await openSources(["field-notes"], { baseDir: path.dirname(folder) }), { out, threads: 1 });
      const cliCid = (await importPath(out)).cid.toString();
      const to = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8"))["Registry#DatasetNFT"] as string;
      const record = datasetNft.decodeFunctionResult("dataset", await rpc<string>(node.url, "eth_call", [{ to, data: datasetNft.encodeFunctionData("dataset", [tokenId]) }, "latest"]))[0] as { root: string; manifestCid: string; leafCount: bigint };
      expect(record.root).to.equal(report.root);
      expect(record.manifestCid).to.equal(cliCid);
      const uri = datasetNft.decodeFunctionResult("tokenURI", await rpc<string>(node.url, "eth_call", [{ to, data: datasetNft.encodeFunctionData("tokenURI", [tokenId]) }, "latest"]))[0] as string;
      const stored = new Uint8Array(await (await fetch(`${ipfs.url}/ipfs/${uri.slice("ipfs://".length)}`)).arrayBuffer());
      const doc = JSON.parse(new TextDecoder().decode(stored)) as { datePublished: string };
      const headerBytes = readFileSync(path.join(out, "header.json"));
      const expected = datasetMetadata({ name: "Field notes", license: "CC-BY-4.0", keywords: ["notes", "field"] }, doc.datePublished, {
        root: report.root,
        leafCount: report.leafCount,
        sampleCount: report.sampleCount,
        manifest: { cid: cliCid, headerSha256: (await import("node:crypto")).createHash("sha256").update(headerBytes).digest("hex"), headerSize: headerBytes.length, size: (await importPath(out)).tsize },
      });
      expect(Buffer.from(stored).equals(Buffer.from(metadataBytes(expected)))).to.equal(true);

      // It shows in the explorer.
      await page.click("a:text('See it in the explorer')");
      await waitFor(`document.querySelector(".token-card")?.getAttribute("data-token") === "${tokenId}" && document.querySelector(".token-card").textContent.includes("Field notes")`);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "registered.png") });

      // The same folder again from the same account: refused before any upload or transaction.
      await open("#/register");
      await page.click("#connect-wallet");
      await page.setInputFiles("#register-folder", folder);
      await page.fill("#register-name", "Field notes");
      await page.fill("#register-license", "CC-BY-4.0");
      await page.click("#register-button");
      await page.waitForSelector("body[data-run=finished]");
      expect(await page.textContent("#register-output")).to.include(`This account already registered this root as dataset #${tokenId}`);
      expect(await page.getAttribute("li[data-step=upload]", "data-state")).to.equal("pending");
    });

    it("registers through a Lighthouse upload node, cross-origin with the user's API key; a refused key uploads nothing more and sends nothing", async () => {
      // Lighthouse itself is out of reach offline: its upload API, as the
      // SDK's browser uploads call it, is served cross-origin by a loopback
      // node (CORS preflight, Bearer key) in front of an `ipfs serve` with keys.
      const lighthouse = await startIpfsServer({ store: new LocalStore({ dir: path.join(tmp, "lighthouse-blocks") }), port: 0, apiKeys: ["lh-key-1"] });
      const uploadNode = await startUploadNode(lighthouse.url);
      try {
        const folder = path.join(tmp, "to-register", "lighthouse-notes");
        mkdirSync(folder, { recursive: true });
        for (let i = 0; i < 3; i++) writeFileSync(path.join(folder, `n-${i}.txt`), `lighthouse note ${i} ${Buffer.from(random.bytes(8)).toString("hex")}\n`);
        const to = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8"))["Registry#DatasetNFT"] as string;
        const count = async (): Promise<bigint> => datasetNft.decodeFunctionResult("datasetCount", await rpc<string>(node.url, "eth_call", [{ to, data: datasetNft.encodeFunctionData("datasetCount") }, "latest"]))[0] as bigint;
        const attempt = async (key: string): Promise<string> => {
          await open("#/register");
          await page.click("#connect-wallet");
          await waitFor(`document.getElementById("wallet-status").textContent.startsWith("Connected")`);
          await page.setInputFiles("#register-folder", folder);
          await page.fill("#register-name", "Lighthouse notes");
          await page.fill("#register-license", "CC0-1.0");
          await page.check("#register-storage-lighthouse");
          expect(await page.inputValue("#register-lighthouse-url")).to.equal("https://upload.lighthouse.storage");
          await page.fill("#register-lighthouse-url", uploadNode.url);
          await page.fill("#register-api-key", key);
          await page.click("#register-button");
          await page.waitForSelector("body[data-run=finished]");
          return (await page.textContent("#register-output"))!;
        };

        const before = await count();
        const refused = await attempt("not-my-key");
        expect(refused).to.include(`${uploadNode.url} refused the API key (HTTP 401) while uploading`);
        expect(await page.getAttribute("li[data-step=upload]", "data-state")).to.equal("failed");
        expect(await page.getAttribute("li[data-step=send]", "data-state")).to.equal("pending");
        expect(uploadNode.uploads).to.deep.equal(["POST /api/v0/dag/import Bearer not-my-key"]);
        expect(await count()).to.equal(before);

        const done = await attempt("lh-key-1");
        expect(done, done).to.match(/Registered as dataset #(\d+)/);
        const tokenId = /Registered as dataset #(\d+)/.exec(done)![1]!;
        expect(await count()).to.equal(before + 1n);
        expect(uploadNode.requests.filter((r) => r.startsWith("OPTIONS ")).length, "CORS preflights").to.be.greaterThan(0);
        expect(uploadNode.uploads.slice(1)).to.deep.equal(["POST /api/v0/dag/import Bearer lh-key-1", "POST /api/v0/add?cid-version=1 Bearer lh-key-1"]);
        // Both documents are on the Lighthouse side under the CIDs the token commits to.
        const record = datasetNft.decodeFunctionResult("dataset", await rpc<string>(node.url, "eth_call", [{ to, data: datasetNft.encodeFunctionData("dataset", [tokenId]) }, "latest"]))[0] as { manifestCid: string };
        const uri = datasetNft.decodeFunctionResult("tokenURI", await rpc<string>(node.url, "eth_call", [{ to, data: datasetNft.encodeFunctionData("tokenURI", [tokenId]) }, "latest"]))[0] as string;
        const metadata = JSON.parse(await (await fetch(`${lighthouse.url}/ipfs/${uri.slice("ipfs://".length)}`)).text()) as { name: string };
        expect(metadata.name).to.equal("Lighthouse notes");
        expect((await fetch(`${lighthouse.url}/ipfs/${record.manifestCid}/header.json`)).status).to.equal(200);
      } finally {
        await Promise.all([uploadNode.close(), lighthouse.close()]);
      }
    });

    it("checks the descriptive fields with the CLI's rules before any work", async () => {
      await open("#/register");
      await page.setInputFiles("#register-folder", path.join(tmp, "to-register", "field-notes"));
      await page.fill("#register-name", "x");
      await page.fill("#register-license", "not a license");
      await page.click("#register-button");
      expect(await page.textContent("#register-form-error")).to.match(/license/i);
      expect(await page.isVisible("#register-output .steps")).to.equal(false);
    });
  });

  describe("pagination and batching", () => {
    it("pages a larger registry newest first, reading a page of records in one batch request", async () => {
      for (let i = 0; i < 30; i++) await registerRaw(`0x${Buffer.from(random.bytes(32)).toString("hex")}`, 1, demo.datasets.test.manifestCid);
      const total = Number(BigInt(datasetNft.decodeFunctionResult("datasetCount", await rpc<string>(relay.url, "eth_call", [{ to: JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8"))["Registry#DatasetNFT"], data: datasetNft.encodeFunctionData("datasetCount") }, "latest"]))[0] as bigint));
      const posts = relay.posts();
      const calls = relay.calls();
      await open("#/datasets");
      await waitFor(`document.querySelectorAll(".token-card").length === 20`);
      const ids = await page.$$eval(".token-card", (els) => els.map((e) => Number(e.getAttribute("data-token"))));
      expect(ids).to.deep.equal(Array.from({ length: 20 }, (_, i) => total - i));
      // chain id + code check, counts, then the page's 20 records and token URIs: batched, not 40+ requests.
      expect(relay.calls() - calls).to.be.at.least(40);
      expect(relay.posts() - posts).to.be.at.most(5);
      expect(await page.textContent("#registry-status")).to.equal(`Page 1 of ${Math.ceil(total / 20)}, newest first.`);
      await page.click("a[rel=next]");
      await waitFor(`location.hash.includes("page=2") && document.querySelector(".token-card")?.getAttribute("data-token") === "${total - 20}"`);
    });
  });

  describe("accessibility and small screens", () => {
    it("can be used with the keyboard: skip link, navigation, focus moved to each view's heading, visible focus", async () => {
      await open("#/datasets");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(`document.activeElement.className`)).to.equal("skip-link");
      expect(await page.evaluate(`getComputedStyle(document.activeElement).left`)).to.not.equal("-999px");
      await page.keyboard.press("Tab"); // brand
      await page.keyboard.press("Tab"); // Datasets
      await page.keyboard.press("Tab"); // Models
      await page.keyboard.press("Tab"); // Verify files
      expect(await page.evaluate(`document.activeElement.textContent`)).to.equal("Verify files");
      expect(await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle`)).to.equal("solid");
      await page.keyboard.press("Enter");
      await waitFor(`location.hash === "#/verify" && document.activeElement?.id === "view-title"`);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(`document.activeElement.id`)).to.equal("verify-dataset");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(`document.activeElement.id`)).to.equal("verify-files");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(`document.activeElement.id`)).to.equal("verify-folder");
      // Every form control has a label.
      const unlabelled = await page.evaluate(`[...document.querySelectorAll("input, textarea, select")].filter((e) => e.labels.length === 0 && !e.getAttribute("aria-label")).map((e) => e.id)`);
      expect(unlabelled).to.deep.equal([]);
    });

    it("fits a 390×844 phone screen on every view: no sideways scrolling, words never broken inside", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        for (const hash of ["#/datasets", "#/models", `#/dataset/${demo.datasets.training.id}`, `#/model/${demo.models.finetuned.id}`, "#/verify", "#/trace", "#/register", "#/network"]) {
          await open(hash);
          await page.waitForTimeout(300);
          expect(await page.evaluate(SCROLL_WIDTH), hash).to.be.at.most(390);
          const breaking = await page.evaluate(
            `[...document.querySelectorAll("body *")].filter((e) => !e.closest("code, pre") && getComputedStyle(e).wordBreak === "break-all").map((e) => e.tagName + "." + e.className)`,
          );
          expect(breaking, hash).to.deep.equal([]);
        }
        await open(`#/trace?model=${demo.models.finetuned.id}`);
        await page.setInputFiles("#trace-files", [emailFile(dataDir, "spamassassin-train", demo.trainingEmail.id)]);
        await page.click("#trace-button");
        await page.waitForSelector("body[data-run=finished]");
        expect(await page.evaluate(SCROLL_WIDTH)).to.be.at.most(390);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, "phone-trace.png"), fullPage: true });
      } finally {
        await page.setViewportSize({ width: 1100, height: 900 });
      }
    });

    it("meets WCAG AA text contrast in light and dark mode", async () => {
      for (const colorScheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme });
        for (const hash of ["#/datasets", `#/dataset/${demo.datasets.training.id}`, `#/model/${demo.models.finetuned.id}`, "#/register", "#/network"]) {
          await open(hash);
          await page.waitForTimeout(300);
          expect(await page.evaluate(LOW_CONTRAST), `${colorScheme} ${hash}`).to.deep.equal([]);
        }
        await open(`#/trace?model=${demo.models.finetuned.id}`);
        await page.setInputFiles("#trace-files", [emailFile(dataDir, "spamassassin-train", demo.trainingEmail.id), emailFile(dataDir, "spamassassin-test", demo.heldOutEmail.id)]);
        await page.fill("#trace-text", "not a hash");
        await page.click("#trace-button");
        await page.waitForSelector("body[data-run=finished]");
        expect(await page.evaluate(LOW_CONTRAST), `${colorScheme} trace results`).to.deep.equal([]);
        if (colorScheme === "dark") await page.locator("#trace-results").screenshot({ path: path.join(SCREENSHOT_DIR, "trace-dark.png") });
      }
      await page.emulateMedia({ colorScheme: "light" });
    });

    it("opens the old verifier's links, and works from a plain static server with the gateways it is given", async () => {
      const to = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8"))["Registry#DatasetNFT"] as string;
      await open("", `${ipfs.url}/?rpc=${encodeURIComponent(relay.url)}&dataset=${to}&token=${demo.datasets.training.id}`);
      expect(await page.evaluate(`location.hash`)).to.equal(`#/verify?dataset=${demo.datasets.training.id}`);
      expect(await page.inputValue("#verify-dataset")).to.equal(demo.datasets.training.id);

      const elsewhere = `${staticSite.url}/index.html?net=local&rpc=${encodeURIComponent(relay.url)}&gateways=${encodeURIComponent(ipfs.url)}`;
      await open(`#/dataset/${demo.datasets.training.id}`, elsewhere);
      await waitFor(`document.getElementById("view-title")?.textContent.startsWith("SpamAssassin")`);
      expect(staticSite.requests).to.include("GET /app.js");
      await open(`#/verify?dataset=${demo.datasets.training.id}`, elsewhere);
      await page.setInputFiles("#verify-files", emailFile(dataDir, "spamassassin-train", demo.trainingEmail.id));
      await page.click("#verify-button");
      await page.waitForSelector("body[data-run=finished]");
      expect(await page.textContent("#verify-summary")).to.equal("1 MEMBER · 0 NOT A MEMBER · 0 ERROR");
      expect(staticSite.requests).to.include("GET /hash-worker.js"); // hashed off the main thread, by the worker next to the page
      expect(staticSite.requests.filter((r) => r.includes("/ipfs/"))).to.have.length.above(0); // the own-origin check, answered 404 …
      expect(await page.$$eval("#verify-blocks li", (els) => els.every((e) => e.getAttribute("data-gateway") === els[0]!.getAttribute("data-gateway")))).to.equal(true); // … so every block came from the gateway given
    });

    it("switches networks in the Network view, and the choice travels in the URL", async () => {
      const addresses = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8")) as Record<string, string>;
      await open("#/network");
      expect(await page.isChecked("#network-local")).to.equal(true);
      expect(await page.isDisabled("#network-calibration")).to.equal(true); // no Calibration record in this build
      expect(await page.isDisabled("#network-mainnet")).to.equal(true);
      await waitFor(`document.getElementById("connection-status").textContent.startsWith("Connected: chain 31337")`);
      await page.check("#network-custom");
      await page.fill("#custom-rpc", relay.url);
      await page.fill("#custom-datasets", addresses["Registry#DatasetNFT"]!);
      await page.fill("#custom-models", addresses["Registry#ModelNFT"]!);
      await page.fill("#gateways", ipfs.url);
      await page.click("#network-apply");
      await page.waitForURL(/net=custom/);
      await page.waitForLoadState("networkidle");
      const url = new URL(page.url());
      expect(url.searchParams.get("net")).to.equal("custom");
      expect(url.searchParams.get("datasets")).to.equal(addresses["Registry#DatasetNFT"]);
      expect(url.searchParams.get("gateways")).to.equal(ipfs.url);
      expect(url.hash).to.equal("#/datasets");
      expect(await page.textContent("#network-link")).to.equal("Network: Custom network");
      await waitFor(`document.querySelectorAll(".token-card").length > 0`);
    });

    it("says clearly when the JSON-RPC endpoint cannot be reached", async () => {
      const to = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8"))["Registry#DatasetNFT"] as string;
      await open("#/datasets", `${ipfs.url}/?net=custom&rpc=${encodeURIComponent("http://127.0.0.1:9")}&datasets=${to}`);
      await waitFor(`document.getElementById("registry-status").textContent.includes("Cannot reach")`);
      expect(await page.textContent("#registry-status")).to.include("Cannot reach the JSON-RPC endpoint http://127.0.0.1:9");
      expect(await page.textContent("#registry-status")).to.not.include("`"); // no literal Markdown: code spans are rendered
      expect(await page.$$eval("#registry-status code", (els) => els.map((e) => e.textContent))).to.include("npx hardhat node");
    });
  });
});
