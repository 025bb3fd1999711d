import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import lighthouse from "@lighthouse-web3/sdk";
import { expect } from "chai";

import { GatewayStore } from "../../src/storage/gateway.js";
import { importPath } from "../../src/storage/import-path.js";
import { getLighthouseEndpoints, LIGHTHOUSE_PRODUCTION_ENDPOINTS, pointLighthouseAt } from "../../src/storage/lighthouse-endpoints.js";
import type { LighthouseDeal } from "../../src/storage/lighthouse-wire.js";
import { LighthouseStore } from "../../src/storage/lighthouse.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { StorageError } from "../../src/storage/errors.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { manifestFiles, pseudoRandomBytes, referenceCid, removeTempDirs, tempDir, writeTree } from "./storage-fixtures.js";

const API_KEY = "test-key-0123";

describe("storage: Lighthouse through the real SDK, pointed at the local server", function () {
  this.timeout(30_000);
  const files = manifestFiles();
  let server: RunningIpfsServer;
  let serverStore: LocalStore;
  let restore: () => void;
  const deals = new Map<string, LighthouseDeal[]>();

  before(async function () {
    serverStore = new LocalStore({ dir: path.join(tempDir(), "server") });
    server = await startIpfsServer({ store: serverStore, port: 0, apiKeys: [API_KEY], deals: (cid) => deals.get(cid) ?? [] });
    restore = pointLighthouseAt(server.url);
  });

  after(async function () {
    restore?.();
    await server?.close();
    removeTempDirs();
  });

  function client(apiKey: string | null = API_KEY): { store: LighthouseStore; local: LocalStore } {
    const local = new LocalStore({ dir: path.join(tempDir(), "client") });
    return { store: new LighthouseStore({ apiKey: apiKey ?? undefined, localStore: local, timeoutMs: 5_000 }), local };
  }

  function leftovers(local: LocalStore): string[] {
    return existsSync(local.tmpDir) ? readdirSync(local.tmpDir) : [];
  }

  it("points the SDK's mutable config at the server and restores it", function () {
    expect(getLighthouseEndpoints()).to.deep.equal({ node: server.url, api: server.url, gateway: server.url });
    const undo = pointLighthouseAt("http://127.0.0.1:1/");
    expect(getLighthouseEndpoints().node).to.equal("http://127.0.0.1:1");
    undo();
    expect(getLighthouseEndpoints().node).to.equal(server.url);
    expect(LIGHTHOUSE_PRODUCTION_ENDPOINTS.node).to.equal("https://upload.lighthouse.storage");
  });

  it("uploads a manifest directory with uploadCAR under the CID computed locally", async function () {
    const dir = writeTree(tempDir(), "manifest", files);
    const { store, local } = client();
    const upload = await store.put(dir);
    const reference = await referenceCid(Object.entries(files).map(([p, content]) => ({ path: `manifest/${p}`, content })));
    expect(upload).to.include({ via: "uploadCAR", cid: reference.cid, kind: "directory", name: `${reference.cid}.car` });
    expect(await serverStore.has(upload.cid)).to.equal(true);
    expect((await serverStore.getRoot(upload.cid))?.source).to.equal("upload");
    expect(await local.getRemote("lighthouse", upload.cid)).to.include({ via: "uploadCAR" });
    expect(leftovers(local)).to.deep.equal([]);
  });

  it("uploads metadata JSON with the plain upload and gets its raw-block CID", async function () {
    const { store, local } = client();
    const json = new TextEncoder().encode(`${JSON.stringify({ name: "spam-v1", root: "0x" + "cd".repeat(32) })}\n`);
    const upload = await store.putBytes(json, "metadata.json");
    expect(upload.via).to.equal("upload");
    expect(upload.cid).to.match(/^bafkrei/);
    expect(upload.cid).to.equal((await referenceCid({ content: json })).cid);
    expect(upload.name).to.equal("metadata.json");
    const back = await store.get(upload.cid);
    expect(back.kind === "file" && Buffer.from(back.bytes).equals(Buffer.from(json))).to.equal(true);
    expect(leftovers(local)).to.deep.equal([]);
  });

  it("sends a single file above 256 KiB as a CAR so Lighthouse keeps our chunking", async function () {
    const bytes = pseudoRandomBytes(1024 * 1024 + 1, 21);
    const file = path.join(tempDir(), "weights.bin");
    writeFileSync(file, bytes);
    const upload = await client().store.put(file);
    expect(upload.via).to.equal("uploadCAR");
    expect(upload.cid).to.equal((await referenceCid({ content: bytes })).cid);
  });

  it("gets the same CID from the SDK's own multipart directory upload", async function () {
    const dir = writeTree(tempDir(), "manifest", files);
    const response = await lighthouse.upload(dir, API_KEY);
    expect(response.data.Hash).to.equal((await importPath(dir)).cid.toString());
    expect(response.data.Name).to.equal("manifest");
  });

  it("reads an uploaded manifest back through the gateway, every block verified", async function () {
    const dir = writeTree(tempDir(), "manifest", files);
    const { store } = client();
    const { cid } = await store.put(dir);
    const listing = await store.get(cid);
    expect(listing.kind === "directory" && listing.entries.length).to.equal(4);
    const shard = await new GatewayStore({ gateways: [getLighthouseEndpoints().gateway] }).getPath(cid, "shards/000/000001.bin");
    expect(Buffer.from(shard).equals(Buffer.from(files["shards/000/000001.bin"] as Uint8Array))).to.equal(true);
  });

  it("surfaces Filecoin deals from dealStatus: piece CID, provider, deal id, epochs", async function () {
    const { store } = client();
    const { cid } = await store.putBytes(new TextEncoder().encode("deal me"), "deal.txt");
    expect((await store.status(cid)).deals).to.deep.equal([]);
    expect((await store.status(cid)).detail).to.match(/no Filecoin deal yet/);
    deals.set(cid, [
      {
        chainDealID: 123456,
        endEpoch: 4_000_000,
        publishCID: "bafy2bzacepublish",
        storageProvider: "f01234",
        dealStatus: "Active",
        bundleId: "b",
        dealUUID: "u",
        startEpoch: 3_000_000,
        aggregateIn: "agg",
        providerCollateral: "0",
        pieceCID: "baga6ea4seaqexamplepiece",
        payloadCid: cid,
        pieceSize: 34359738368,
        carFileSize: 100,
        lastUpdate: 1_700_000_000,
        dealId: 123456,
        miner: "f01234",
        content: 7,
      },
    ]);
    const status = await store.status(cid);
    expect(status).to.include({ backend: "lighthouse", available: true, name: "deal.txt", size: 7 });
    expect(status.deals).to.deep.equal([
      { pieceCid: "baga6ea4seaqexamplepiece", provider: "f01234", dealId: 123456, startEpoch: 3_000_000, endEpoch: 4_000_000, status: "Active" },
    ]);
  });

  it("answers has() from getFileInfo", async function () {
    const { store } = client();
    const { cid } = await store.putBytes(new TextEncoder().encode("known"), "k.txt");
    expect(await store.has(cid)).to.equal(true);
    expect(await store.has("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am")).to.equal(false);
  });

  it("lists uploads through the SDK's getUploads", async function () {
    const { store } = client();
    const { cid } = await store.putBytes(new TextEncoder().encode("listed"), "listed.txt");
    const uploads = await lighthouse.getUploads(API_KEY);
    expect(uploads.data.fileList.map((f: { cid: string }) => f.cid)).to.include(cid);
  });

  it("refuses to upload without an API key and says how to set one", async function () {
    const { store, local } = client(null);
    try {
      await store.putBytes(new TextEncoder().encode("x"), "x.txt");
      expect.fail("uploaded without a key");
    } catch (error) {
      expect((error as StorageError).code).to.equal("LIGHTHOUSE_MISSING_API_KEY");
      expect((error as Error).message).to.include("npx hardhat keystore set LIGHTHOUSE_API_KEY");
      expect((error as Error).message).to.include("LIGHTHOUSE_API_KEY=");
    }
    expect(existsSync(local.dir)).to.equal(false);
  });

  it("maps a rejected key (HTTP 401) to LIGHTHOUSE_UNAUTHORIZED with the keystore hint", async function () {
    const { store, local } = client("wrong-key");
    const dir = writeTree(tempDir(), "manifest", files);
    try {
      await store.put(dir);
      expect.fail("uploaded with a wrong key");
    } catch (error) {
      expect((error as StorageError).code).to.equal("LIGHTHOUSE_UNAUTHORIZED");
      expect((error as Error).message).to.match(/HTTP 401/);
      expect((error as Error).message).to.include("npx hardhat keystore set LIGHTHOUSE_API_KEY");
    }
    expect(leftovers(local)).to.deep.equal([]);
    expect(existsSync(path.join(local.dir, "_remote"))).to.equal(false);
  });
});
