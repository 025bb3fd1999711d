/**
 * The upload API's multipart handling (busboy): every malformed body gets a
 * 400 with a reason, stores nothing and leaves no spool, and the server
 * keeps answering — including the bodies that used to crash it (the same
 * file name twice) or answer 500 (`a` then `a/b`, a malformed `filename*=`).
 */
import { existsSync, readdirSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";

import { expect } from "chai";

import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { listTree, removeTempDirs, tempDir, until } from "./storage-fixtures.js";

const KEY = "upload-test-key";

/** A multipart body from parts given as raw header lines and content. */
function multipart(boundary: string, parts: { disposition: string; type?: string; body: string }[], close = true): string {
  const chunks = parts.map((p) => `--${boundary}\r\nContent-Disposition: ${p.disposition}\r\n${p.type === undefined ? "" : `Content-Type: ${p.type}\r\n`}\r\n${p.body}\r\n`);
  return chunks.join("") + (close ? `--${boundary}--\r\n` : "");
}

describe("storage: the upload API's multipart bodies", function () {
  this.timeout(30_000);
  let store: LocalStore;
  let server: RunningIpfsServer;

  before(async () => {
    store = new LocalStore({ dir: path.join(tempDir(), "served") });
    await store.putBytes(new TextEncoder().encode("already here"), "x.txt");
    server = await startIpfsServer({ store, port: 0, apiKeys: [KEY] });
  });
  after(async () => {
    await server?.close();
    removeTempDirs();
  });

  async function post(body: string | Uint8Array, contentType: string | undefined, route = "/api/v0/add"): Promise<{ status: number; error?: string; json: Record<string, unknown> }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${KEY}` };
    if (contentType !== undefined) headers["Content-Type"] = contentType;
    const response = await fetch(`${server.url}${route}`, { method: "POST", body, headers });
    const json = (await response.json()) as Record<string, unknown>;
    return { status: response.status, error: json.error as string | undefined, json };
  }

  /** The store holds nothing new and no spool is left. */
  function expectUnchanged(before: string[]): void {
    expect(listTree(store.dir).filter((f) => !f.startsWith("_tmp"))).to.deep.equal(before.filter((f) => !f.startsWith("_tmp")));
    expect(existsSync(store.tmpDir) ? readdirSync(store.tmpDir) : []).to.deep.equal([]);
  }

  async function expectAlive(): Promise<void> {
    expect((await fetch(`${server.url}/`)).status).to.equal(200);
  }

  const malformed: { label: string; body: string; type?: string; error: RegExp }[] = [
    {
      label: "the same file name twice (used to crash the server with EEXIST)",
      body: multipart("b", [{ disposition: 'form-data; name="file"; filename="a/x"', body: "1" }, { disposition: 'form-data; name="file"; filename="a/x"', body: "2" }]),
      error: /contains the file "a\/x" twice/,
    },
    {
      label: "a file `a` then a file `a/b` (used to answer 500)",
      body: multipart("b", [{ disposition: 'form-data; name="file"; filename="a"', body: "1" }, { disposition: 'form-data; name="file"; filename="a/b"', body: "2" }]),
      error: /names "a" as a file and as a directory/,
    },
    {
      label: "a file `a/b` then a file `a`",
      body: multipart("b", [{ disposition: 'form-data; name="file"; filename="a/b"', body: "1" }, { disposition: 'form-data; name="file"; filename="a"', body: "2" }]),
      error: /names "a" as a directory and as a file/,
    },
    {
      label: "a malformed filename*= (used to answer 500 \"Cannot read properties of null\")",
      body: multipart("b", [{ disposition: "form-data; name=\"file\"; filename*=UTF-8''%ZZ", body: "1" }]),
      error: /1 of the 1 parts could not be read: a part's Content-Disposition is missing or malformed/,
    },
    {
      label: "a malformed filename*= next to a good part",
      body: multipart("b", [{ disposition: 'form-data; name="file"; filename="ok.txt"', body: "1" }, { disposition: "form-data; name=\"file\"; filename*=bogus", body: "2" }]),
      error: /1 of the 2 parts could not be read/,
    },
    { label: "a part without Content-Disposition", body: "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n", error: /could not be read/ },
    { label: "a body cut before the closing delimiter", body: multipart("b", [{ disposition: 'form-data; name="file"; filename="a"', body: "1" }], false), error: /malformed multipart body: Unexpected end of form/ },
    { label: "an empty body", body: "", error: /malformed multipart body|no file/ },
    { label: "a body of garbage", body: "\u0000\u0001garbage\r\n\r\n--", error: /malformed multipart body|no file/ },
    { label: "only form fields, no file", body: multipart("b", [{ disposition: 'form-data; name="note"', body: "hello" }]), error: /contained no file/ },
    { label: "an absolute file name", body: multipart("b", [{ disposition: 'form-data; name="file"; filename="/etc/passwd"', body: "1" }, { disposition: 'form-data; name="file"; filename="../up"', body: "2" }]), error: /unsafe upload file name "..\/up"/ },
    { label: "a NUL in a file name", body: multipart("b", [{ disposition: 'form-data; name="file"; filename="a\u0000b"', body: "1" }]), error: /unsafe upload file name|could not be read|malformed/ },
    { label: "no boundary", body: "x", type: "multipart/form-data", error: /expected a multipart\/form-data body with a boundary/ },
    { label: "not multipart at all", body: "{}", type: "application/json", error: /expected a multipart\/form-data body/ },
    { label: "no Content-Type", body: "x", type: "", error: /expected a multipart\/form-data body/ },
  ];

  for (const c of malformed) {
    it(`answers 400 for ${c.label}, stores nothing, keeps running`, async () => {
      const before = listTree(store.dir);
      const answer = await post(c.body, c.type === "" ? undefined : (c.type ?? "multipart/form-data; boundary=b"));
      expect(answer.status, JSON.stringify(answer.json)).to.equal(400);
      expect(answer.error).to.match(c.error);
      expectUnchanged(before);
      await expectAlive();
    });
  }

  it("a dag/import with two CAR parts is refused with 400", async () => {
    const before = listTree(store.dir);
    const body = multipart("b", [{ disposition: 'form-data; name="file"; filename="a.car"', body: "x" }, { disposition: 'form-data; name="file"; filename="b.car"', body: "y" }]);
    const answer = await post(body, "multipart/form-data; boundary=b", "/api/v0/dag/import");
    expect(answer.status).to.equal(400);
    expect(answer.error).to.match(/exactly one CAR part, got 2/);
    expectUnchanged(before);
  });

  it("still accepts a well-formed directory upload, with RFC 5987 filename*= names", async () => {
    const body = multipart("b", [
      { disposition: 'form-data; name="file"; filename="dir/a.txt"', body: "alpha" },
      { disposition: "form-data; name=\"file\"; filename*=UTF-8''dir%2Fsub%2F%E2%82%AC.txt", body: "euro" },
    ]);
    const answer = await post(body, "multipart/form-data; boundary=b");
    expect(answer.status, JSON.stringify(answer.json)).to.equal(200);
    expect(answer.json.Name).to.equal("dir");
    const listing = (await (await fetch(`${server.url}/ipfs/${answer.json.Hash as string}/sub`)).json()) as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).to.deep.equal(["€.txt"]);
  });

  it("reads a plain filename=\"…\" as UTF-8, as browsers and the Lighthouse SDK send it", async () => {
    const form = new FormData();
    form.append("file", new Blob(["x"]), "données/é数😀.txt");
    const response = await fetch(`${server.url}/api/v0/add`, { method: "POST", body: form, headers: { Authorization: `Bearer ${KEY}` } });
    const added = (await response.json()) as { Name: string; Hash: string };
    expect(response.status).to.equal(200);
    expect(added.Name).to.equal("données");
    const listing = (await (await fetch(`${server.url}/ipfs/${added.Hash}`)).json()) as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).to.deep.equal(["é数😀.txt"]);
  });

  it("keeps answering while a client sends an upload and vanishes, and removes its spool", async () => {
    await new Promise<void>((resolve) => {
      const url = new URL(`${server.url}/api/v0/add`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "multipart/form-data; boundary=b", "Content-Length": 1_000_000 } });
      req.on("error", () => resolve());
      req.on("close", () => resolve());
      req.write('--b\r\nContent-Disposition: form-data; name="file"; filename="dir/big.bin"\r\n\r\n');
      req.write(Buffer.alloc(100_000, 1), () => req.destroy());
    });
    await until(() => !existsSync(store.tmpDir) || readdirSync(store.tmpDir).length === 0);
    expect(existsSync(store.tmpDir) ? readdirSync(store.tmpDir) : []).to.deep.equal([]);
    await expectAlive();
  });
});
