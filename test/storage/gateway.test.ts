import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";

import { expect } from "chai";

import { MemoryBlockSource } from "../../src/storage/blocks.js";
import { parseCid } from "../../src/storage/cid.js";
import { readFile, resolvePath } from "../../src/storage/dag-reader.js";
import { GatewayFetchError, StorageError } from "../../src/storage/errors.js";
import { GatewayStore, type GatewayWarning } from "../../src/storage/gateway.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { deadUrl, manifestFiles, removeTempDirs, startLoopback, tempDir, writeTree } from "./storage-fixtures.js";

type Loopback = Awaited<ReturnType<typeof startLoopback>>;

/** A gateway that forwards to `upstream` and lets `mutate` spoil the answer. */
function proxy(upstream: () => string, mutate: (body: Buffer, res: ServerResponse, headers: Headers) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const response = await fetch(`${upstream()}${req.url}`, { headers: { Accept: req.headers.accept ?? "*/*" } });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) {
      res.writeHead(response.status).end(body);
      return;
    }
    mutate(body, res, response.headers);
  };
}

describe("storage: verified retrieval from a list of gateways", function () {
  this.timeout(30_000);
  const files = manifestFiles();
  let honest: RunningIpfsServer;
  let manifestCid: string;
  let metadataCid: string;
  let liar: Loopback;
  let truncator: Loopback;
  let slow: Loopback;
  let notFound: Loopback;
  let down: string;

  before(async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "gateway-store") });
    manifestCid = (await store.put(writeTree(tempDir(), "manifest", files))).cid;
    metadataCid = (await store.putBytes(new TextEncoder().encode('{"name":"iris","version":1}\n'), "metadata.json")).cid;
    honest = await startIpfsServer({ store, port: 0 });
    // Flips the last byte: inside a raw block, or inside the last block of a CAR.
    liar = await startLoopback(
      proxy(() => honest.url, (body, res, headers) => {
        body[body.length - 1] = (body[body.length - 1] as number) ^ 0x01;
        res.writeHead(200, { "Content-Type": headers.get("content-type") ?? "" }).end(body);
      }),
    );
    // Announces the full length, sends half, and hangs up.
    truncator = await startLoopback(
      proxy(() => honest.url, (body, res, headers) => {
        res.writeHead(200, { "Content-Type": headers.get("content-type") ?? "", "Content-Length": body.length });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      }),
    );
    slow = await startLoopback(() => undefined); // never answers
    notFound = await startLoopback((_req, res) => res.writeHead(404).end("not here"));
    down = await deadUrl();
  });

  after(async function () {
    await Promise.all([honest?.close(), liar?.close(), truncator?.close(), slow?.close(), notFound?.close()]);
    removeTempDirs();
  });

  /**
   * A generous timeout: only the `slow` gateway, which never answers, may reach it. A short one
   * turned a truncating gateway into a "timeout" on a loaded machine (its proxy fetch is slow too).
   */
  function store(gateways: string[], warnings: GatewayWarning[]): GatewayStore {
    return new GatewayStore({ gateways, timeoutMs: 4_000, onWarning: (w) => warnings.push(w) });
  }

  it("serves verified blocks past a lying, a truncating, a slow and a dead gateway", async function () {
    const warnings: GatewayWarning[] = [];
    const gateways = store([liar.url, truncator.url, slow.url, down, honest.url], warnings);
    const listing = await gateways.get(manifestCid);
    expect(listing.kind === "directory" && listing.entries.map((e) => e.name)).to.deep.equal(["header.json", "ids", "index.bin", "shards"]);
    expect(warnings.map((w) => [w.gateway, w.reason])).to.deep.equal([
      [liar.url, "mismatch"],
      [truncator.url, "truncated"],
      [slow.url, "timeout"],
      [down, "unreachable"],
    ]);
    // Failed gateways moved to the back: the rest goes straight to the honest one.
    const shard = await gateways.getPath(manifestCid, "shards/000/000002.bin");
    expect(Buffer.from(shard).equals(Buffer.from(files["shards/000/000002.bin"] as Uint8Array))).to.equal(true);
    expect(warnings).to.have.length(4);
    expect(gateways.gateways[0]).to.equal(honest.url);
  });

  it("fetches a whole manifest as a verified CAR past the same faults", async function () {
    const warnings: GatewayWarning[] = [];
    const gateways = store([liar.url, truncator.url, slow.url, down, honest.url], warnings);
    const memory = new MemoryBlockSource();
    const result = await gateways.fetchDag(manifestCid, memory.sink);
    expect(result.gateway).to.equal(honest.url);
    expect(warnings.map((w) => w.reason)).to.deep.equal(["mismatch", "truncated", "timeout", "unreachable"]);
    for (const [relative, bytes] of Object.entries(files)) {
      const { cid } = await resolvePath(memory, parseCid(manifestCid), relative);
      expect(Buffer.from(await readFile(memory, cid)).equals(Buffer.from(bytes)), relative).to.equal(true);
    }
  });

  it("round-trips a metadata JSON file through the gateways", async function () {
    const gateways = store([notFound.url, honest.url], []);
    const content = await gateways.get(metadataCid);
    expect(content.kind === "file" && JSON.parse(new TextDecoder().decode(content.bytes))).to.deep.equal({ name: "iris", version: 1 });
  });

  it("says what each gateway did when all of them fail", async function () {
    const warnings: GatewayWarning[] = [];
    const gateways = store([liar.url, notFound.url, slow.url, down], warnings);
    try {
      await gateways.get(metadataCid);
      expect.fail("got content from no honest gateway");
    } catch (error) {
      expect(error).to.be.instanceOf(GatewayFetchError);
      const attempts = (error as GatewayFetchError).attempts.map((a) => [a.gateway, a.reason]);
      expect(attempts).to.deep.equal([
        [liar.url, "mismatch"],
        [notFound.url, "http-status"],
        [slow.url, "timeout"],
        [down, "unreachable"],
      ]);
      for (const url of [liar.url, notFound.url, slow.url, down]) expect((error as Error).message).to.include(url);
      expect((error as Error).message).to.include("HTTP 404");
    }
    expect(warnings).to.have.length(3); // the last failure is the error itself
  });

  it("rejects a gateway that answers with another block's valid bytes", async function () {
    const swapper = await startLoopback(async (_req, res) => {
      const other = await fetch(`${honest.url}/ipfs/${metadataCid}?format=raw`);
      res.writeHead(200).end(Buffer.from(await other.arrayBuffer()));
    });
    try {
      const warnings: GatewayWarning[] = [];
      const shard = await store([swapper.url, honest.url], warnings).getPath(manifestCid, "header.json");
      expect(Buffer.from(shard).equals(Buffer.from(files["header.json"] as Uint8Array))).to.equal(true);
      expect(warnings[0]?.reason).to.equal("mismatch");
    } finally {
      await swapper.close();
    }
  });

  it("refuses an endless block body above the size limit", async function () {
    const flood = await startLoopback((_req, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(4 * 1024 * 1024));
    });
    try {
      const warnings: GatewayWarning[] = [];
      await store([flood.url, honest.url], warnings).getBlock(metadataCid);
      expect(warnings[0]?.reason).to.equal("too-large");
    } finally {
      await flood.close();
    }
  });

  it("rejects a CAR whose root is not the requested CID", async function () {
    const wrongRoot = await startLoopback(async (_req, res) => {
      const car = await fetch(`${honest.url}/ipfs/${metadataCid}?format=car`);
      res.writeHead(200).end(Buffer.from(await car.arrayBuffer()));
    });
    try {
      const warnings: GatewayWarning[] = [];
      await store([wrongRoot.url, honest.url], warnings).fetchDag(manifestCid, () => undefined);
      expect(warnings[0]?.reason).to.equal("invalid-car");
      expect(warnings[0]?.detail).to.match(/roots/);
    } finally {
      await wrongRoot.close();
    }
  });

  it("is read-only and validates gateway URLs", async function () {
    try {
      await store([honest.url], []).put("/tmp");
      expect.fail("put on a gateway succeeded");
    } catch (error) {
      expect((error as StorageError).code).to.equal("READ_ONLY");
    }
    expect(() => new GatewayStore({ gateways: ["ipfs.io"] })).to.throw(/not an http\(s\) URL/);
  });

  it("reports availability through has() and status()", async function () {
    expect(await store([honest.url], []).has(metadataCid)).to.equal(true);
    expect(await store([notFound.url], []).has(metadataCid)).to.equal(false);
    const status = await store([notFound.url], []).status(metadataCid);
    expect(status).to.include({ available: false, backend: "gateway" });
  });
});
