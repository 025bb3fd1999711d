/**
 * The web verifier in a real headless Chromium (playwright-core), against:
 * an in-process Hardhat chain exposed over a loopback JSON-RPC proxy, the
 * DatasetNFT deployed there, a two-shard manifest built by the engine and
 * served from a LocalStore by `startIpfsServer`, and the page built by
 * web/build.ts served by a loopback static server and by `startIpfsServer`
 * itself (its `webRoot`). Loopback only.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { chromium, type Browser, type Page } from "playwright-core";

import { buildWeb } from "../../web/build.js";
import { buildManifest } from "../../src/engine/build-manifest.js";
import { directoryReader } from "../../src/manifest/manifest-file-reader.js";
import { ManifestReader } from "../../src/manifest/manifest-reader.js";
import { openSources } from "../../src/sources/open-sources.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import type { DatasetNFT } from "../../typechain-types/index.js";
import { records, tempDir, writeIdx, writeTree } from "../fixtures/dataset-fixtures.js";
import { startJsonRpcProxy, startStaticServer, startTamperingGateway, type LoopbackServer } from "./loopback-servers.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
/** Screenshots saved for people to look at: a MEMBER run (full page), its verdict, and a run with a gateway warning. */
const SCREENSHOTS = {
  member: path.join(os.tmpdir(), "datatrace-web-verify-member.png"),
  verdict: path.join(os.tmpdir(), "datatrace-web-verify-verdict.png"),
  warning: path.join(os.tmpdir(), "datatrace-web-verify-warning.png"),
  absent: path.join(os.tmpdir(), "datatrace-web-verify-absent.png"),
};

const sha256Hex = (bytes: Uint8Array | string): string => `0x${createHash("sha256").update(bytes).digest("hex")}`;

interface PageResult {
  verdict: string;
  local: string | undefined;
  onChain: string | undefined;
  error: string | null;
  warnings: string[];
  blocks: Array<{ file: string; gateway: string }>;
  facts: string;
  proof: string;
  steps: Record<string, string | undefined>;
}

/**
 * Reads what the page shows. A string, not a function: the test runner's
 * transpiler adds helpers (`__name`) to functions that do not exist in the page.
 */
const SCRAPE_RESULT = `(() => {
  const text = (selector) => document.querySelector(selector)?.textContent?.trim() ?? "";
  const steps = {};
  document.querySelectorAll("#steps li").forEach((li) => { steps[li.id.replace("step-", "")] = li.dataset.state; });
  return {
    verdict: document.getElementById("result").hidden ? "" : text("#verdict"),
    local: document.getElementById("check-local").dataset.state,
    onChain: document.getElementById("check-onchain").dataset.state,
    error: document.getElementById("error").hidden ? null : text("#error-message"),
    warnings: [...document.querySelectorAll("#warnings li")].map((li) => li.textContent ?? ""),
    blocks: [...document.querySelectorAll("#blocks tr")].map((tr) => ({ file: tr.children[0]?.textContent ?? "", gateway: tr.children[4]?.textContent ?? "" })),
    facts: text("#facts"),
    proof: document.getElementById("proof-json").value,
    steps,
  };
})()`;

describe("web verifier page (headless Chromium)", function () {
  this.timeout(120_000);

  let tmp: { dir: string; cleanup: () => void };
  let browser: Browser;
  let page: Page;
  let site: LoopbackServer;
  /** `startIpfsServer` over the same store, serving the built page too (what `npx hardhat ipfs serve` does). */
  let pageAndIpfs: RunningIpfsServer;
  let rpc: LoopbackServer;
  let ipfs: RunningIpfsServer;
  let tamperer: LoopbackServer;
  let nft: DatasetNFT;
  let contract: string;
  let manifestDir: string;
  let manifestCid: string;
  let leafCount: number;
  let memberFile: string;
  let nonMemberFile: string;
  let idxRecord: Uint8Array;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (Debian) to run the browser tests.`);
    }
    tmp = tempDir("web");
    const { dir } = tmp;

    // A dataset of two shards: 9,000 IDX records + a few files (one of them twice).
    const recs = records(9_000, 16, 7);
    idxRecord = recs[4_321]!;
    writeIdx(path.join(dir, "data", "train.idx"), recs, [16]);
    writeTree(dir, {
      "data/files/cat.txt": "a cat sat on the mat\n",
      "data/files/dog.txt": "a dog dug\n",
      "data/files/copy-of-cat.txt": "a cat sat on the mat\n",
      "outside/new.txt": "never hashed into the dataset\n",
    });
    memberFile = path.join(dir, "data", "files", "cat.txt");
    nonMemberFile = path.join(dir, "outside", "new.txt");
    manifestDir = path.join(dir, "manifest");
    const report = await buildManifest(await openSources(["data/train.idx", "data/files"], { baseDir: dir }), { out: manifestDir, threads: 0 });
    expect(report.shardCount).to.equal(2);
    leafCount = report.leafCount;

    const store = new LocalStore({ dir: path.join(dir, "blocks") });
    manifestCid = (await store.put(manifestDir)).cid;
    ipfs = await startIpfsServer({ store, port: 0, host: "127.0.0.1" });
    tamperer = await startTamperingGateway(ipfs.url);

    const connection = await network.create();
    nft = (await connection.ethers.deployContract("DatasetNFT")) as unknown as DatasetNFT;
    contract = await nft.getAddress();
    await (await nft.register(report.root, report.leafCount, manifestCid, "", 0)).wait();
    // Token 2: a root that the manifest does not give (a registrant who mixed things up).
    await (await nft.register(`0x${"ab".repeat(32)}`, report.leafCount, manifestCid, "", 0)).wait();
    rpc = await startJsonRpcProxy(connection.provider);

    const built = await buildWeb({ outDir: path.join(dir, "site") });
    site = await startStaticServer(built.outDir);
    pageAndIpfs = await startIpfsServer({ store, port: 0, host: "127.0.0.1", webRoot: built.outDir });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on("pageerror", (error) => {
      throw error;
    });
  });

  after(async function () {
    await browser?.close();
    await Promise.all([site?.close(), pageAndIpfs?.close(), rpc?.close(), tamperer?.close(), ipfs?.close()]);
    tmp?.cleanup();
  });

  const pageUrl = (params: { token?: string; gateways?: string[]; rpcUrl?: string; address?: string; base?: string }): string => {
    const query = new URLSearchParams({
      rpc: params.rpcUrl ?? rpc.url,
      dataset: params.address ?? contract,
      token: params.token ?? "1",
    });
    if (params.gateways !== undefined) query.set("gateways", params.gateways.join(","));
    return `${params.base ?? `${site.url}/index.html`}?${query}`;
  };

  /** Opens the page, gives it the sample (file path, or hash text) and waits for the run to finish. */
  async function verify(url: string, sample: { file: string } | { hash: string }, before?: (p: Page) => Promise<void>): Promise<PageResult> {
    await page.goto(url);
    if ("file" in sample) await page.setInputFiles("#sample-file", sample.file);
    else await page.fill("#sample-hash", sample.hash);
    await before?.(page);
    await page.click("#verify-button");
    await page.waitForSelector("body[data-run=finished]", { timeout: 60_000 });
    return (await page.evaluate(SCRAPE_RESULT)) as PageResult;
  }

  it("shows MEMBER for a file of the dataset, with both checks passed, its index and sample ids", async function () {
    const result = await verify(pageUrl({ gateways: [ipfs.url] }), { file: memberFile });
    expect(result.error).to.equal(null);
    expect(result.verdict).to.equal("MEMBER");
    expect(result.local).to.equal("pass");
    expect(result.onChain).to.equal("pass");
    expect(Object.values(result.steps)).to.deep.equal(Array(7).fill("done"));

    const hash = sha256Hex("a cat sat on the mat\n");
    const reader = await ManifestReader.open(directoryReader(manifestDir));
    const expected = await reader.proveSample(Buffer.from(hash.slice(2), "hex"));
    if (expected.kind !== "member") throw new Error("fixture: cat.txt should be a member");
    const ids = (await reader.idsOf(Buffer.from(hash.slice(2), "hex")))!;
    expect(ids).to.have.length(2); // cat.txt and its copy
    expect(result.facts).to.include(hash);
    expect(result.facts).to.include(`Index${expected.index.toLocaleString("en-US")} of ${leafCount.toLocaleString("en-US")}`);
    for (const id of ids) expect(result.facts).to.include(id);
    expect(site.requests).to.include("GET /hash-worker.js"); // hashed off the main thread
    await page.screenshot({ path: SCREENSHOTS.member, fullPage: true });
    await page.locator("#result").screenshot({ path: SCREENSHOTS.verdict });
  });

  it("fetches header.json, index.bin and only the one shard needed, every block from the listed gateway", async function () {
    const result = await verify(pageUrl({ gateways: [ipfs.url] }), { file: memberFile });
    const files = new Set(result.blocks.map((b) => b.file));
    const shards = [...files].filter((f) => f.startsWith("shards/"));
    expect(shards).to.have.length(1);
    expect([...files]).to.include.members(["header.json", "index.bin"]);
    expect(result.blocks.every((b) => b.gateway === ipfs.url)).to.equal(true);
  });

  it("gives a proof JSON that the contract accepts when called from outside the page", async function () {
    const result = await verify(pageUrl({ gateways: [ipfs.url] }), { file: memberFile });
    const proof = JSON.parse(result.proof) as { verdict: string; tokenId: string; sampleHash: string; index: number; path: string[]; root: string };
    expect(proof.verdict).to.equal("member");
    expect(proof.sampleHash).to.equal(sha256Hex("a cat sat on the mat\n"));
    expect(await nft.verifySample(BigInt(proof.tokenId), proof.sampleHash, proof.index, proof.path)).to.equal(true);
    expect(await nft.verifySample(BigInt(proof.tokenId), proof.sampleHash, proof.index + 1, proof.path)).to.equal(false);
  });

  it("shows NOT A MEMBER for a file outside the dataset, with both checks passed and where its search path ends", async function () {
    const result = await verify(pageUrl({ gateways: [ipfs.url] }), { file: nonMemberFile });
    expect(result.error).to.equal(null);
    expect(result.verdict).to.equal("NOT A MEMBER");
    expect(result.local).to.equal("pass");
    expect(result.onChain).to.equal("pass");
    const proof = JSON.parse(result.proof) as { index: number; neighbor: string; path: string[]; sampleHash: string };
    expect(proof.sampleHash).to.equal(sha256Hex("never hashed into the dataset\n"));
    expect(proof.neighbor).to.not.equal(proof.sampleHash);
    expect(result.facts).to.include(proof.neighbor);
    expect(await nft.verifyAbsence(1n, proof.sampleHash, proof.index, proof.neighbor, proof.path)).to.equal(true);
    expect(await nft.verifySample(1n, proof.sampleHash, proof.index, proof.path)).to.equal(false);
    await page.locator("#result").screenshot({ path: SCREENSHOTS.absent });
  });

  it("accepts a pasted SHA-256 instead of a file (here an IDX record of the second source)", async function () {
    const result = await verify(pageUrl({ gateways: [ipfs.url] }), { hash: `  ${sha256Hex(idxRecord).slice(2).toUpperCase()}  ` });
    expect(result.verdict).to.equal("MEMBER");
    expect(result.facts).to.include("data/train.idx#4321");
  });

  it("accepts a file dropped on the drop zone", async function () {
    await page.goto(pageUrl({ gateways: [ipfs.url] }));
    const dropped = await page.evaluateHandle(
      `(() => { const dt = new DataTransfer(); dt.items.add(new File(["a dog dug\\n"], "dog.txt")); return dt; })()`,
    );
    await page.dispatchEvent("#drop-zone", "drop", { dataTransfer: dropped });
    expect(await page.textContent("#file-name")).to.equal("Selected: dog.txt (10 bytes)");
    await page.click("#verify-button");
    await page.waitForSelector("body[data-run=finished]");
    expect(await page.textContent("#verdict")).to.equal("MEMBER");
    expect(await page.textContent("#facts")).to.include("data/files/dog.txt");
  });

  it("skips a tampering gateway listed first with a visible warning and still gives the right answer", async function () {
    const result = await verify(pageUrl({ gateways: [tamperer.url, ipfs.url] }), { file: memberFile });
    expect(result.verdict).to.equal("MEMBER");
    expect(result.local).to.equal("pass");
    expect(result.onChain).to.equal("pass");
    expect(result.warnings.some((w) => w.includes(tamperer.url) && w.includes("mismatch"))).to.equal(true);
    expect(result.blocks.length).to.be.greaterThan(0);
    expect(result.blocks.every((b) => b.gateway === ipfs.url)).to.equal(true);
    expect(tamperer.requests.length).to.be.greaterThan(0);
    await page.locator("#progress").screenshot({ path: SCREENSHOTS.warning });
  });

  it("works when loaded from `ipfs serve` itself, which then serves every block (no gateway listed)", async function () {
    const result = await verify(pageUrl({ base: `${pageAndIpfs.url}/` }), { file: memberFile });
    expect(result.error).to.equal(null);
    expect(result.verdict).to.equal("MEMBER");
    expect(result.onChain).to.equal("pass");
    expect(result.warnings.some((w) => w.includes(pageAndIpfs.url))).to.equal(true); // the "tried first" note
    expect(result.blocks.length).to.be.greaterThan(0);
    expect(result.blocks.every((b) => b.gateway === pageAndIpfs.url)).to.equal(true);
  });

  it("uses the page's own server first when asked, before the gateways listed", async function () {
    const result = await verify(pageUrl({ base: `${pageAndIpfs.url}/index.html`, gateways: [ipfs.url] }), { file: memberFile }, async (p) => {
      await p.check("#own-origin");
    });
    expect(result.verdict).to.equal("MEMBER");
    expect(result.blocks.every((b) => b.gateway === pageAndIpfs.url)).to.equal(true);
  });

  it("reports an unknown token id clearly", async function () {
    const result = await verify(pageUrl({ token: "99", gateways: [ipfs.url] }), { file: memberFile });
    expect(result.verdict).to.equal("");
    expect(result.error).to.match(/Token #99 is not registered in the DatasetNFT at 0x[0-9a-fA-F]{40} on chain 31337\. Its tokens are 1 to 2\./);
    expect(result.steps.chain).to.equal("failed");
    expect(result.steps.manifest).to.equal("pending");
  });

  it("reports an address without a contract as a wrong network or address", async function () {
    const result = await verify(pageUrl({ address: "0x000000000000000000000000000000000000dEaD", gateways: [ipfs.url] }), { file: memberFile });
    expect(result.error).to.match(/no contract at 0x000000000000000000000000000000000000dEaD on chain 31337/);
    expect(result.error).to.include("Wrong network or wrong address?");
  });

  it("reports an unreachable JSON-RPC endpoint", async function () {
    const result = await verify(pageUrl({ rpcUrl: "http://127.0.0.1:9", gateways: [ipfs.url] }), { file: memberFile });
    expect(result.error).to.include("Cannot reach the JSON-RPC endpoint http://127.0.0.1:9");
  });

  it("refuses a manifest whose root differs from the on-chain root", async function () {
    const result = await verify(pageUrl({ token: "2", gateways: [ipfs.url] }), { file: memberFile });
    expect(result.verdict).to.equal("");
    expect(result.error).to.include(`commits to root 0x${"ab".repeat(32)}`);
    expect(result.error).to.include("does not describe its dataset");
    expect(result.steps.manifest).to.equal("failed");
  });

  it("lists every gateway's failure when none delivers a verified block", async function () {
    const result = await verify(pageUrl({ gateways: [tamperer.url, "http://127.0.0.1:9"] }), { file: memberFile });
    expect(result.error).to.include("No gateway delivered a verified copy of header.json");
    expect(result.error).to.include(`${tamperer.url}: mismatch`);
    expect(result.error).to.include("http://127.0.0.1:9: unreachable");
  });

  it("asks for a sample before doing anything", async function () {
    await page.goto(pageUrl({ gateways: [ipfs.url] }));
    await page.click("#verify-button");
    expect(await page.textContent("#form-error")).to.include("Choose a file");
    expect(await page.isHidden("#progress")).to.equal(true);
  });
});
