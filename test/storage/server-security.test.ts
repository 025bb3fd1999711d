import { request } from "node:http";
import path from "node:path";

import { expect } from "chai";

import { LocalStore } from "../../src/storage/local-store.js";
import { isLoopbackHost, isLoopbackHostHeader } from "../../src/storage/loopback-host.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { listTree, removeTempDirs, tempDir } from "./storage-fixtures.js";

/** A request with exactly the headers given (fetch would not let a test forge Host). */
function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: options.path, method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A multipart body with one small file, as an HTML form on another site would post it. */
function formBody(boundary: string, name: string, content: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--\r\n`;
}

describe("storage: local server security (CORS, Host guard, upload authorization)", function () {
  this.timeout(30_000);
  let store: LocalStore;
  let open: RunningIpfsServer; // no --api-key: any Bearer key
  let keyed: RunningIpfsServer; // --api-key k1,k2
  let cid: string;
  let port: number;

  before(async function () {
    store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    cid = (await store.putBytes(new TextEncoder().encode("public content\n"), "c.txt")).cid;
    open = await startIpfsServer({ store, port: 0 });
    keyed = await startIpfsServer({ store, port: 0, apiKeys: ["k1", "k2"] });
    port = open.port;
  });

  after(async function () {
    await Promise.all([open?.close(), keyed?.close()]);
    removeTempDirs();
  });

  const blocks = (): string[] => listTree(store.dir).filter((f) => !f.startsWith("_"));

  describe("CORS", () => {
    it("sends CORS headers with gateway reads (GET, HEAD) and their errors", async () => {
      for (const method of ["GET", "HEAD"]) {
        const ok = await fetch(`${open.url}/ipfs/${cid}`, { method });
        expect(ok.status).to.equal(200);
        expect(ok.headers.get("access-control-allow-origin"), method).to.equal("*");
      }
      const missing = await fetch(`${open.url}/ipfs/bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am`);
      expect(missing.status).to.equal(404);
      expect(missing.headers.get("access-control-allow-origin")).to.equal("*");
    });

    it("answers a gateway preflight allowing only GET, HEAD and OPTIONS", async () => {
      const preflight = await fetch(`${open.url}/ipfs/${cid}`, {
        method: "OPTIONS",
        headers: { Origin: "https://example.org", "Access-Control-Request-Method": "GET" },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
      expect(preflight.headers.get("access-control-allow-methods")).to.equal("GET, HEAD, OPTIONS");
    });

    it("sends no CORS headers with uploads, their preflight, or the account API", async () => {
      const form = new FormData();
      form.append("file", new Blob(["cors check\n"]), "cors.txt");
      const upload = await fetch(`${open.url}/api/v0/add`, { method: "POST", body: form, headers: { Authorization: "Bearer any" } });
      expect(upload.status).to.equal(200);
      expect(upload.headers.get("access-control-allow-origin")).to.equal(null);
      const refused = await fetch(`${open.url}/api/v0/add`, { method: "POST", body: form });
      expect(refused.status).to.equal(401);
      expect(refused.headers.get("access-control-allow-origin")).to.equal(null);
      const preflight = await fetch(`${open.url}/api/v0/add`, {
        method: "OPTIONS",
        headers: { Origin: "https://example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization" },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get("access-control-allow-origin")).to.equal(null);
      expect(preflight.headers.get("access-control-allow-methods")).to.equal(null);
      const deals = await fetch(`${open.url}/api/lighthouse/deal_status?cid=${cid}`);
      expect(deals.status).to.equal(200);
      expect(deals.headers.get("access-control-allow-origin")).to.equal(null);
    });
  });

  describe("Host guard (DNS rebinding)", () => {
    it("answers requests addressed to 127.0.0.1, localhost, [::1] or *.localhost, with or without a port", async () => {
      for (const host of [`127.0.0.1:${port}`, "127.0.0.1", `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
        const response = await rawRequest(open.url, { path: `/ipfs/${cid}`, headers: { Host: host } });
        expect(response.status, host).to.equal(200);
      }
    });

    it("refuses a read addressed to another host name with 403 and says why", async () => {
      for (const host of [`evil.example:${port}`, "rebind.attacker.test", `127.0.0.1.evil.example:${port}`, `localhost.evil.example`, `10.0.0.5:${port}`]) {
        const response = await rawRequest(open.url, { path: `/ipfs/${cid}`, headers: { Host: host } });
        expect(response.status, host).to.equal(403);
        expect(response.headers["access-control-allow-origin"], host).to.equal(undefined);
        const { error } = JSON.parse(response.body) as { error: string };
        expect(error).to.include(`Host ${JSON.stringify(host)} refused`);
        expect(error).to.match(/DNS rebinding\. Use http:\/\/127\.0\.0\.1:<port>\//);
      }
    });

    it("refuses an upload through a rebound name even with a valid key, storing nothing", async () => {
      const before = blocks();
      const response = await rawRequest(keyed.url, {
        method: "POST",
        path: "/api/v0/add",
        headers: { Host: `evil.example:${keyed.port}`, Authorization: "Bearer k1", "Content-Type": "multipart/form-data; boundary=zz" },
        body: formBody("zz", "rebind.txt", "written through a rebound name"),
      });
      expect(response.status).to.equal(403);
      expect(blocks()).to.deep.equal(before);
    });

    it("refuses malformed Host headers (user info, paths)", async () => {
      for (const host of [`127.0.0.1:${port}@evil.example`, "localhost/x"]) {
        const response = await rawRequest(open.url, { path: `/ipfs/${cid}`, headers: { Host: host } });
        expect(response.status, host).to.equal(403);
      }
    });

    it("classifies loopback bind addresses and Host headers", () => {
      for (const h of ["127.0.0.1", "127.5.6.7", "localhost", "localhost.", "a.localhost", "::1", "[::1]", "::ffff:127.0.0.1", "[::ffff:7f00:1]"]) {
        expect(isLoopbackHost(h), h).to.equal(true);
      }
      for (const h of ["0.0.0.0", "::", "192.168.1.2", "128.0.0.1", "127.0.0.256", "evil.example", "localhost.evil.example", "127.0.0.1.nip.io", ""]) {
        expect(isLoopbackHost(h), h).to.equal(false);
      }
      expect(isLoopbackHostHeader("127.1:5050")).to.equal(true); // URL normalizes 127.1 to 127.0.0.1
      expect(isLoopbackHostHeader("[::1]:5050")).to.equal(true);
      expect(isLoopbackHostHeader("[::1")).to.equal(false);
      expect(isLoopbackHostHeader("localhost:5050@evil.example")).to.equal(false);
    });
  });

  describe("upload authorization", () => {
    it("refuses an upload without Authorization when no key is configured, and stores nothing", async () => {
      const before = blocks();
      const response = await rawRequest(open.url, {
        method: "POST",
        path: "/api/v0/add",
        headers: { "Content-Type": "multipart/form-data; boundary=zz" },
        body: formBody("zz", "anon.txt", "no key"),
      });
      expect(response.status).to.equal(401);
      expect(JSON.parse(response.body).error).to.match(/send Authorization: Bearer <API key>/);
      expect(blocks()).to.deep.equal(before);
    });

    it("refuses a cross-origin form post (a browser simple request: Origin, no Authorization), on both upload routes", async () => {
      const before = blocks();
      for (const route of ["/api/v0/add", "/api/v0/dag/import"]) {
        const response = await rawRequest(open.url, {
          method: "POST",
          path: route,
          headers: { Origin: "https://evil.example", Referer: "https://evil.example/", "Content-Type": "multipart/form-data; boundary=zz" },
          body: formBody("zz", "csrf.car", "from another site"),
        });
        expect(response.status, route).to.equal(401);
      }
      expect(blocks()).to.deep.equal(before);
    });

    it("refuses an empty Bearer token and other schemes", async () => {
      for (const authorization of ["Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "k1"]) {
        const response = await rawRequest(open.url, {
          method: "POST",
          path: "/api/v0/add",
          headers: { Authorization: authorization, "Content-Type": "multipart/form-data; boundary=zz" },
          body: formBody("zz", "x.txt", "x"),
        });
        expect(response.status, authorization).to.equal(401);
      }
    });

    it("accepts any Bearer key when no key is configured", async () => {
      const response = await rawRequest(open.url, {
        method: "POST",
        path: "/api/v0/add",
        headers: { Authorization: "Bearer whatever-the-sdk-was-given", "Content-Type": "multipart/form-data; boundary=zz" },
        body: formBody("zz", "any-key.txt", "any key is fine here\n"),
      });
      expect(response.status).to.equal(200);
      expect(JSON.parse(response.body)).to.include({ Name: "any-key.txt" });
    });

    it("accepts only a listed key when keys are configured", async () => {
      const post = (authorization: string) =>
        rawRequest(keyed.url, {
          method: "POST",
          path: "/api/v0/add",
          headers: { Authorization: authorization, "Content-Type": "multipart/form-data; boundary=zz" },
          body: formBody("zz", "keyed.txt", `keyed upload ${authorization}\n`),
        });
      expect((await post("Bearer k2")).status).to.equal(200);
      const wrong = await post("Bearer k3");
      expect(wrong.status).to.equal(401);
      expect(JSON.parse(wrong.body).error).to.match(/unknown API key; use one of the keys the server was started with \(--api-key\)/);
    });

    it("requires a key for the upload list too", async () => {
      expect((await fetch(`${open.url}/api/user/files_uploaded`)).status).to.equal(401);
      expect((await fetch(`${open.url}/api/user/files_uploaded`, { headers: { Authorization: "Bearer x" } })).status).to.equal(200);
    });
  });
});
