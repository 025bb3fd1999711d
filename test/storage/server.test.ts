import { once } from "node:events";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import path from "node:path";

import { CarBlockIterator } from "@ipld/car/iterator";
import { expect } from "chai";

import { parseCid } from "../../src/storage/cid.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { verifyBlock } from "../../src/storage/verify-block.js";
import { listTree, manifestFiles, removeTempDirs, tempDir, until, writeTree } from "./storage-fixtures.js";

const KEY = "server-test-key";

describe("storage: local IPFS-compatible server", function () {
  this.timeout(30_000);
  const files = manifestFiles();
  let store: LocalStore;
  let server: RunningIpfsServer;
  let root: string;

  before(async function () {
    store = new LocalStore({ dir: path.join(tempDir(), "served") });
    root = (await store.put(writeTree(tempDir(), "manifest", files))).cid;
    server = await startIpfsServer({ store, port: 0, apiKeys: [KEY] });
  });

  after(async function () {
    await server?.close();
    removeTempDirs();
  });

  /** Blocks and roots of a CAR response, each block verified. */
  async function carBlocks(response: Response): Promise<{ roots: string[]; cids: string[] }> {
    const iterator = await CarBlockIterator.fromBytes(new Uint8Array(await response.arrayBuffer()));
    const cids: string[] = [];
    for await (const block of iterator) {
      await verifyBlock(block.cid, block.bytes);
      cids.push(block.cid.toString());
    }
    return { roots: (await iterator.getRoots()).map(String), cids };
  }

  /** Whether the store holds nothing but the original content: no new blocks, no temp files. */
  function storeSnapshot(): string[] {
    return listTree(store.dir);
  }

  it("binds to 127.0.0.1 by default", function () {
    expect(server.host).to.equal("127.0.0.1");
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("serves a raw block for ?format=raw and for the Accept header, with CORS", async function () {
    const variants: { query: string; headers: Record<string, string> }[] = [
      { query: "?format=raw", headers: {} },
      { query: "", headers: { Accept: "application/vnd.ipld.raw" } },
    ];
    for (const init of variants) {
      const response = await fetch(`${server.url}/ipfs/${root}${init.query}`, { headers: init.headers });
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.equal("application/vnd.ipld.raw");
      expect(response.headers.get("access-control-allow-origin")).to.equal("*");
      await verifyBlock(parseCid(root), new Uint8Array(await response.arrayBuffer()));
    }
  });

  it("resolves directory paths and serves the file bytes with a media type", async function () {
    const shard = await fetch(`${server.url}/ipfs/${root}/shards/000/000002.bin`);
    expect(shard.headers.get("content-type")).to.equal("application/octet-stream");
    expect(Buffer.from(await shard.arrayBuffer()).equals(Buffer.from(files["shards/000/000002.bin"] as Uint8Array))).to.equal(true);
    const header = await fetch(`${server.url}/ipfs/${root}/header.json`);
    expect(header.headers.get("content-type")).to.equal("application/json");
    expect(new Uint8Array(await header.arrayBuffer())).to.deep.equal(files["header.json"]);
  });

  it("serves a complete CAR for the whole DAG and a path CAR with the traversed blocks", async function () {
    const whole = await carBlocks(await fetch(`${server.url}/ipfs/${root}?format=car`));
    expect(whole.roots).to.deep.equal([root]);
    expect(whole.cids.length).to.equal(listTree(store.dir).filter((f) => !f.startsWith("_")).length);
    const sub = await carBlocks(await fetch(`${server.url}/ipfs/${root}/shards?format=car`, { headers: { Accept: "application/vnd.ipld.car" } }));
    expect(sub.roots).to.deep.equal([root]);
    expect(sub.cids[0]).to.equal(root);
    expect(sub.cids).to.have.length(1 + 1 + 1 + 3); // root dir, shards dir, shards/000 dir, three shard blocks
  });

  it("lists a directory as JSON and answers HEAD without a body", async function () {
    const listing = (await (await fetch(`${server.url}/ipfs/${root}`)).json()) as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).to.deep.equal(["header.json", "ids", "index.bin", "shards"]);
    const head = await fetch(`${server.url}/ipfs/${root}/index.bin`, { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(head.headers.get("content-length")).to.equal("96");
    expect((await head.arrayBuffer()).byteLength).to.equal(0);
  });

  it("answers 400 for a bad CID, 404 for unknown content or paths, 204 for a gateway CORS preflight", async function () {
    expect((await fetch(`${server.url}/ipfs/not-a-cid`)).status).to.equal(400);
    expect((await fetch(`${server.url}/ipfs/bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am?format=raw`)).status).to.equal(404);
    expect((await fetch(`${server.url}/ipfs/${root}/nope.bin`)).status).to.equal(404);
    expect((await fetch(`${server.url}/nothing`)).status).to.equal(404);
    const preflight = await fetch(`${server.url}/ipfs/${root}`, { method: "OPTIONS" });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
    expect(preflight.headers.get("access-control-allow-headers")).to.match(/Accept/);
  });

  it("requires a known API key for uploads when keys are configured", async function () {
    const form = new FormData();
    form.append("file", new Blob(["x"]), "x.txt");
    const before = storeSnapshot();
    const response = await fetch(`${server.url}/api/v0/add`, { method: "POST", body: form, headers: { Authorization: "Bearer nope" } });
    expect(response.status).to.equal(401);
    expect(((await response.json()) as { error: string }).error).to.match(/Unauthorized/);
    expect(storeSnapshot()).to.deep.equal(before);
  });

  it("rejects a CAR upload with a tampered block and stores nothing", async function () {
    const car = path.join(tempDir(), "x.car");
    const other = new LocalStore({ dir: path.join(tempDir(), "other") });
    const { cid } = await other.putBytes(new TextEncoder().encode("some new content, not on the server"), "n.txt");
    await other.exportCar(cid, car);
    const bytes = readFileSync(car);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    const form = new FormData();
    form.append("file", new Blob([bytes]), "x.car");
    const before = storeSnapshot();
    const response = await fetch(`${server.url}/api/v0/dag/import`, { method: "POST", body: form, headers: { Authorization: `Bearer ${KEY}` } });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { error: string }).error).to.include(cid);
    expect(storeSnapshot()).to.deep.equal(before);
  });

  it("rejects a malformed multipart body with 400 and stores nothing", async function () {
    const before = storeSnapshot();
    const response = await fetch(`${server.url}/api/v0/add`, {
      method: "POST",
      body: "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nno closing boundary",
      headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "multipart/form-data; boundary=xyz" },
    });
    expect(response.status).to.equal(400);
    expect(storeSnapshot()).to.deep.equal(before);
    const unsafe = new FormData();
    unsafe.append("file", new Blob(["x"]), "../escape.txt");
    const escaped = await fetch(`${server.url}/api/v0/add`, { method: "POST", body: unsafe, headers: { Authorization: `Bearer ${KEY}` } });
    expect(escaped.status).to.equal(400);
    expect(storeSnapshot()).to.deep.equal(before);
  });

  it("leaves no trace of an upload whose connection is reset half-way", async function () {
    const before = storeSnapshot();
    await new Promise<void>((resolve) => {
      const url = new URL(`${server.url}/api/v0/dag/import`);
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "multipart/form-data; boundary=b0undary", "Content-Length": 10_000_000 },
      });
      req.on("error", () => resolve());
      req.write('--b0undary\r\nContent-Disposition: form-data; name="file"; filename="big.car"\r\n\r\n');
      // Reset the connection once the server has started spooling the upload (an event, not a sleep).
      req.write(Buffer.alloc(300_000, 7), () => void until(() => existsSync(store.tmpDir) && readdirSync(store.tmpDir).length > 0).then(() => req.destroy()));
      req.on("close", () => resolve());
    });
    // The server notices the reset asynchronously: wait for its clean-up (bounded by the test's timeout).
    await until(() => !existsSync(store.tmpDir) || readdirSync(store.tmpDir).length === 0);
    expect(existsSync(store.tmpDir) ? readdirSync(store.tmpDir) : []).to.deep.equal([]);
    expect(storeSnapshot()).to.deep.equal(before);
  });

  it("answers file_info and files_uploaded for uploaded content, 404 otherwise", async function () {
    const form = new FormData();
    form.append("file", new Blob(['{"k":1}']), "meta.json");
    const added = (await (await fetch(`${server.url}/api/v0/add?cid-version=1`, { method: "POST", body: form, headers: { Authorization: `Bearer ${KEY}` } })).json()) as {
      Hash: string;
      Name: string;
      Size: string;
    };
    expect(added).to.include({ Name: "meta.json", Size: "7" });
    const info = (await (await fetch(`${server.url}/api/lighthouse/file_info?cid=${added.Hash}`)).json()) as Record<string, unknown>;
    expect(info).to.deep.equal({ fileSizeInBytes: "7", cid: added.Hash, encryption: false, fileName: "meta.json", mimeType: "application/json" });
    expect((await fetch(`${server.url}/api/lighthouse/file_info?cid=bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am`)).status).to.equal(404);
    expect(await (await fetch(`${server.url}/api/lighthouse/deal_status?cid=${added.Hash}`)).json()).to.deep.equal([]);
    const list = (await (await fetch(`${server.url}/api/user/files_uploaded`, { headers: { Authorization: `Bearer ${KEY}` } })).json()) as { fileList: { cid: string }[] };
    expect(list.fileList.map((f) => f.cid)).to.include(added.Hash);
  });

  it("closes even with an idle keep-alive connection open, closing that connection itself", async function () {
    const extra = await startIpfsServer({ store, port: 0 });
    // A raw keep-alive connection, idle after one full answer; only the server may close it.
    const socket = connect(extra.port, extra.host);
    await once(socket, "connect");
    let answer = "";
    socket.setEncoding("latin1");
    const answered = new Promise<void>((resolve) =>
      socket.on("data", (chunk: string) => {
        answer += chunk;
        if (answer.includes("\r\n\r\n") && answer.length >= answer.indexOf("\r\n\r\n") + 4 + Number(/content-length: (\d+)/i.exec(answer)?.[1] ?? 0)) resolve();
      }),
    );
    socket.write(`GET /ipfs/${root}?format=raw HTTP/1.1\r\nHost: ${extra.host}:${extra.port}\r\nConnection: keep-alive\r\n\r\n`);
    await answered;
    expect(answer).to.match(/^HTTP\/1\.1 200 /);
    expect(answer).to.match(/connection: keep-alive/i);
    const closedByServer = once(socket, "close");
    // Node would otherwise keep an idle connection for its keep-alive timeout; close() must not wait for it.
    await extra.close();
    await closedByServer;
    expect(socket.destroyed).to.equal(true);
  });
});
