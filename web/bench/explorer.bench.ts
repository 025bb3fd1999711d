/**
 * The registry explorer with a large registry (default 10,000 datasets) in
 * headless Chromium: a `hardhat node` on a free loopback port, the
 * registries deployed from their artifacts, N datasets registered (JSON-RPC
 * batches of eth_sendTransaction), the page built for that deployment and
 * served by `startIpfsServer`, its JSON-RPC through a counting relay.
 * Measures, for the first page, the last page, a search over every record
 * (a root prefix) and the same search again (cached):
 * the time until the list shows, the HTTP requests and JSON-RPC calls the
 * page made, and the longest the main thread stayed blocked (largest gap
 * between ticks of a 10 ms timer), each next to its target.
 *
 *   npx tsx web/bench/explorer.bench.ts [count]
 *
 * Loopback only; everything it writes is under os.tmpdir() and removed.
 */
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

import { getAddress, Interface } from "ethers";
import { chromium } from "playwright-core";

import { LocalStore, startIpfsServer } from "../../src/storage/index.js";
import { childEnv, ROOT, rpc, spawnHardhat } from "../../test/e2e/helpers.js";
import { buildWeb } from "../build.js";
import { DATASET_NFT_ABI } from "../src/chain/registry-abi.js";

const count = Number(process.argv[2] ?? 10_000);
const datasetNft = new Interface(DATASET_NFT_ABI);
const tmp = mkdtempSync(path.join(os.tmpdir(), "datatrace-explorer-bench-"));
const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const loadBefore = load();

// A hardhat node on a free port.
const probe = createServer().listen(0, "127.0.0.1");
await once(probe, "listening");
const port = (probe.address() as AddressInfo).port;
probe.close();
const node = spawnHardhat(["node", "--hostname", "127.0.0.1", "--port", String(port)], childEnv({}));
const nodeUrl = `http://127.0.0.1:${port}`;
for (let tries = 0; ; tries++) {
  try {
    await rpc(nodeUrl, "eth_chainId");
    break;
  } catch {
    if (tries > 240) throw new Error("hardhat node did not start");
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function batch(calls: Array<{ method: string; params: unknown[] }>): Promise<unknown[]> {
  const response = await fetch(nodeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: "2.0", id, ...c }))) });
  const body = (await response.json()) as Array<{ id: number; result?: unknown; error?: { message: string } }>;
  return body.sort((a, b) => a.id - b.id).map((b) => {
    if (b.error !== undefined) throw new Error(b.error.message);
    return b.result;
  });
}

try {
  const account = (await rpc<string[]>(nodeUrl, "eth_accounts"))[0]!;
  const deploy = async (name: string, args: string): Promise<string> => {
    const artifact = JSON.parse(readFileSync(path.join(ROOT, "artifacts", "contracts", `${name}.sol`, `${name}.json`), "utf8")) as { bytecode: string };
    const hash = await rpc<string>(nodeUrl, "eth_sendTransaction", [{ from: account, data: artifact.bytecode + args }]);
    return getAddress((await rpc<{ contractAddress: string }>(nodeUrl, "eth_getTransactionReceipt", [hash])).contractAddress);
  };
  const datasets = await deploy("DatasetNFT", "");
  const models = await deploy("ModelNFT", datasets.slice(2).toLowerCase().padStart(64, "0"));
  const manifestCid = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
  const roots: string[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i += 100) {
    const calls = [];
    for (let k = i; k < Math.min(count, i + 100); k++) {
      const root = `0x${randomBytes(32).toString("hex")}`;
      roots.push(root);
      calls.push({ method: "eth_sendTransaction", params: [{ from: account, to: datasets, data: datasetNft.encodeFunctionData("register", [root, 1 + (k % 1000), manifestCid, "", 0]) }] });
    }
    await batch(calls);
  }
  console.log(`registered ${count} datasets in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const ignition = path.join(tmp, "ignition");
  mkdirSync(path.join(ignition, "deployments", "bench"), { recursive: true });
  writeFileSync(path.join(ignition, "deployments", "bench", "deployed_addresses.json"), JSON.stringify({ "Registry#DatasetNFT": datasets, "Registry#ModelNFT": models }));
  const built = await buildWeb({ outDir: path.join(tmp, "site"), ignitionDir: ignition, deploymentIds: { local: "bench" } });
  const server = await startIpfsServer({ store: new LocalStore({ dir: path.join(tmp, "blocks") }), port: 0, webRoot: built.outDir });
  let posts = 0;
  let calls = 0;
  const relay = createServer(async (req: IncomingMessage, res) => {
    const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Allow-Methods": "POST, OPTIONS" };
    if (req.method === "OPTIONS") return void res.writeHead(204, cors).end();
    let text = "";
    for await (const chunk of req) text += String(chunk);
    posts++;
    const parsed = JSON.parse(text) as unknown;
    calls += Array.isArray(parsed) ? parsed.length : 1;
    const upstream = await fetch(nodeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    res.writeHead(200, { ...cors, "Content-Type": "application/json" }).end(await upstream.text());
  }).listen(0, "127.0.0.1");
  await once(relay, "listening");
  const base = `${server.url}/?net=local&rpc=${encodeURIComponent(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`)}`;

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${base}#/network`);
    const rows: string[] = [];
    /** Navigates to `hash`, waits until `done` holds, and reports time, requests and the longest main-thread block. */
    const measure = async (label: string, hash: string, done: string, target: string): Promise<void> => {
      await page.evaluate(`(() => { window.__worst = 0; let last = performance.now(); window.__timer = setInterval(() => { const now = performance.now(); window.__worst = Math.max(window.__worst, now - last); last = now; }, 10); })()`);
      const [p0, c0] = [posts, calls];
      const t0 = performance.now();
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      for (;;) {
        if (await page.evaluate(done)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const ms = performance.now() - t0;
      const worst = (await page.evaluate(`(() => { clearInterval(window.__timer); return window.__worst; })()`)) as number;
      rows.push(`${label.padEnd(38)} | ${(ms / 1000).toFixed(2).padStart(7)} s | ${String(posts - p0).padStart(6)} | ${String(calls - c0).padStart(7)} | ${worst.toFixed(0).padStart(6)} ms | ${target}`);
    };
    const cards = (n: number): string => `document.querySelectorAll(".token-card").length === ${n} && document.getElementById("registry-status").textContent.startsWith("Page")`;
    await measure("first page (newest 20)", "#/datasets", cards(20), "≤ 1 s, one batch of records");
    const last = Math.ceil(count / 20);
    await measure(`last page (${last})`, `#/datasets?page=${last}`, `document.querySelector(".token-card")?.getAttribute("data-token") === "${count - (last - 1) * 20}"`, "≤ 1 s, one batch of records");
    const target = roots[Math.floor(count / 2)]!.slice(0, 14);
    const searched = `/^1 match/.test(document.getElementById("registry-status").textContent)`;
    await measure(`root search over all ${count}`, `#/datasets?q=${target}`, searched, `reads every record once: ≈ ${Math.ceil(count / 50)} requests, main thread < 200 ms`);
    await measure("same search again (cached)", `#/datasets?q=${target}&again=1`, searched, "no request for records");
    console.log(`Chromium ${browser.version()}, ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}; ${count} datasets; load average before: ${loadBefore}`);
    console.log("what                                   |    time | HTTP   | JSON-RPC | longest main-thread block | target");
    for (const r of rows) console.log(r);
  } finally {
    await browser.close();
    relay.close();
    await server.close();
  }
} finally {
  node.kill("SIGTERM");
  await once(node, "close");
  rmSync(tmp, { recursive: true, force: true });
  console.log(`load average after: ${load()}`);
}
