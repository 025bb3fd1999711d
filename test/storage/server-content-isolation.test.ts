/**
 * Stored content never runs with the server's origin (where the verifier
 * page and the upload API live): every /ipfs/ answer carries
 * `Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`,
 * and a real browser (Chromium) opening an uploaded HTML page or SVG runs
 * none of its scripts. Without a web root, `/` shows no local path.
 */
import { existsSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { chromium, type Browser } from "playwright-core";

import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { removeTempDirs, tempDir, writeTree } from "./storage-fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const ATTACK_HTML = `<!doctype html><title>stored page</title><script>document.title = "script ran"; fetch("/api/user/files_uploaded").then(() => (document.title = "api reached"));</script>`;
const ATTACK_SVG = `<svg xmlns="http://www.w3.org/2000/svg"><title>stored svg</title><script>document.title = "script ran";</script></svg>`;

describe("storage: stored content is isolated from the server's origin", function () {
  this.timeout(60_000);
  let store: LocalStore;
  let server: RunningIpfsServer;
  let root: string;

  before(async () => {
    store = new LocalStore({ dir: path.join(tempDir(), "served") });
    const enc = new TextEncoder();
    root = (await store.put(writeTree(tempDir(), "site", { "x.html": enc.encode(ATTACK_HTML), "x.svg": enc.encode(ATTACK_SVG) }))).cid;
    server = await startIpfsServer({ store, port: 0 });
  });
  after(async () => {
    await server?.close();
    removeTempDirs();
  });

  it("sends CSP sandbox and nosniff with files, raw blocks, CARs, listings and gateway errors", async () => {
    const answers = [
      await fetch(`${server.url}/ipfs/${root}/x.html`),
      await fetch(`${server.url}/ipfs/${root}/x.svg`),
      await fetch(`${server.url}/ipfs/${root}/x.html?format=raw`),
      await fetch(`${server.url}/ipfs/${root}?format=car`),
      await fetch(`${server.url}/ipfs/${root}`),
      await fetch(`${server.url}/ipfs/${root}/missing.html`),
      await fetch(`${server.url}/ipfs/${root}/x.html`, { method: "HEAD" }),
    ];
    for (const answer of answers) {
      expect(answer.headers.get("content-security-policy"), answer.url).to.equal("sandbox");
      expect(answer.headers.get("x-content-type-options"), answer.url).to.equal("nosniff");
      await answer.arrayBuffer();
    }
    expect(answers[0]!.headers.get("content-type")).to.match(/^text\/html/); // still the right type: sandboxed, not mislabelled
  });

  it("without a web root, / does not reveal the store's local path", async () => {
    const answer = await fetch(`${server.url}/`);
    const text = await answer.text();
    expect(answer.status).to.equal(200);
    expect(text).to.not.include(store.dir);
    expect(text).to.not.match(/\/tmp\/|\/home\/|\/root\//);
  });

  describe("in a real browser", function () {
    let browser: Browser;
    before(async function () {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` to run the browser tests.`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"], headless: true });
    });
    after(async () => {
      await browser?.close();
    });

    for (const file of ["x.html", "x.svg"]) {
      it(`opening a stored ${file} runs none of its scripts`, async () => {
        const page = await browser.newPage();
        // An inline script would have run before "load".
        await page.goto(`${server.url}/ipfs/${root}/${file}`, { waitUntil: "load" });
        const title = await page.title();
        expect(title).to.match(/^stored (page|svg)$/);
        expect(await page.evaluate("window.origin")).to.equal("null"); // an opaque origin, not the server's
        await page.close();
      });
    }
  });
});
