import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";

import { expect } from "chai";

import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { removeTempDirs, tempDir, writeTree } from "./storage-fixtures.js";

const SECRET = "outside the web root: never served\n";
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

/** GET with the path sent exactly as given (fetch and curl would normalize "/../"). */
function rawGet(url: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("storage: the server's web root (the page served by `ipfs serve`)", function () {
  this.timeout(30_000);
  let store: LocalStore;
  let server: RunningIpfsServer;
  let bare: RunningIpfsServer;
  let fileCid: string;

  before(async function () {
    const dir = tempDir();
    writeFileSync(path.join(dir, "secret.txt"), SECRET);
    const site = writeTree(dir, "site", {
      "index.html": enc("<!doctype html><title>verifier</title>\n"),
      "app.js": enc("console.log('page');\n"),
      "app.css": enc("body { margin: 0 }\n"),
      "app.js.map": enc("{}\n"),
      "icons/mark.svg": enc("<svg xmlns='http://www.w3.org/2000/svg'/>\n"),
      ".build-inputs.json": enc("[]\n"),
      "api/v0/add": enc("a file where an API route is\n"),
    });
    mkdirSync(path.join(site, "empty-dir"));
    symlinkSync(path.join(dir, "secret.txt"), path.join(site, "link-out.txt"));
    store = new LocalStore({ dir: path.join(dir, "blocks") });
    fileCid = (await store.putBytes(enc("stored content\n"), "c.txt")).cid;
    server = await startIpfsServer({ store, port: 0, webRoot: site });
    bare = await startIpfsServer({ store, port: 0 });
  });

  after(async function () {
    await Promise.all([server?.close(), bare?.close()]);
    removeTempDirs();
  });

  it("serves index.html at / with an HTML media type", async function () {
    const response = await fetch(`${server.url}/`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.equal("text/html; charset=utf-8");
    expect(await response.text()).to.include("<title>verifier</title>");
  });

  it("serves the page's assets with their media types, nested paths included", async function () {
    const expected: Record<string, string> = {
      "/app.js": "text/javascript; charset=utf-8",
      "/app.css": "text/css; charset=utf-8",
      "/app.js.map": "application/json",
      "/icons/mark.svg": "image/svg+xml",
      "/index.html": "text/html; charset=utf-8",
    };
    for (const [route, type] of Object.entries(expected)) {
      const response = await fetch(`${server.url}${route}`);
      expect(response.status, route).to.equal(200);
      expect(response.headers.get("content-type"), route).to.equal(type);
    }
    expect(await (await fetch(`${server.url}/app.js`)).text()).to.equal("console.log('page');\n");
  });

  it("answers HEAD with the length and no body", async function () {
    const head = await fetch(`${server.url}/app.css`, { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(head.headers.get("content-length")).to.equal(String("body { margin: 0 }\n".length));
    expect((await head.arrayBuffer()).byteLength).to.equal(0);
  });

  it("answers 404 for a missing file and for a directory", async function () {
    for (const route of ["/nope.js", "/icons/nope.svg", "/empty-dir", "/icons"]) {
      const response = await fetch(`${server.url}${route}`);
      expect(response.status, route).to.equal(404);
      expect(((await response.json()) as { error: string }).error).to.include("is not a file of the web page");
    }
  });

  it("refuses traversal: encoded '..', raw '/../', backslashes and hidden files never reach outside files", async function () {
    for (const route of ["/..%2fsecret.txt", "/icons/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/.build-inputs.json", "/%2e%2e%2fsecret.txt", "/app.js%00"]) {
      const response = await fetch(`${server.url}${route}`);
      expect(response.status, route).to.equal(400);
      expect(((await response.json()) as { error: string }).error, route).to.match(/refused path/);
    }
    for (const raw of ["/../secret.txt", "/icons/../../secret.txt", "/%2e%2e/secret.txt"]) {
      const response = await rawGet(server.url, raw);
      expect(response.status, raw).to.be.oneOf([400, 404]);
      expect(response.body, raw).to.not.include(SECRET.trim());
    }
  });

  it("does not follow a symbolic link that leads out of the web root", async function () {
    const response = await fetch(`${server.url}/link-out.txt`);
    expect(response.status).to.equal(404);
    expect(await response.text()).to.not.include(SECRET.trim());
  });

  it("keeps /ipfs/ and /api/ for the gateway and the upload API", async function () {
    const stored = await fetch(`${server.url}/ipfs/${fileCid}`);
    expect(stored.status).to.equal(200);
    expect(await stored.text()).to.equal("stored content\n");
    const api = await fetch(`${server.url}/api/v0/add`);
    expect(api.status).to.equal(404);
    expect(((await api.json()) as { error: string }).error).to.equal("no route for GET /api/v0/add");
  });

  it("answers the JSON status at / and 404 elsewhere when no web root is set", async function () {
    const status = await fetch(`${bare.url}/`);
    expect(status.headers.get("content-type")).to.equal("application/json; charset=utf-8");
    expect(((await status.json()) as { service: string }).service).to.match(/local IPFS/);
    expect((await fetch(`${bare.url}/app.js`)).status).to.equal(404);
  });

  it("refuses to start with a web root that is not a directory, saying how to build the page", async function () {
    const missing = path.join(tempDir(), "dist");
    const error = await startIpfsServer({ store, port: 0, webRoot: missing }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(`web root ${missing} is not a directory: build the page first (npx tsx scripts/build-web.ts).`);
  });
});
