/**
 * A corrupt block in the local store: the store moves it aside and names the
 * file; readers with gateways fetch a verified copy instead of stopping with
 * BLOCK_MISMATCH (the content source of `dataset verify`, and `storage get`).
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { toCid } from "../../src/storage/cid.js";
import { resolvePath } from "../../src/storage/dag-reader.js";
import { CorruptBlockFileError } from "../../src/storage/errors.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import type { DatasetVerifyResult } from "../../tasks/dataset/verify.js";
import { runTaskCapturingStderr as runTask } from "../fixtures/run-task-capturing.js";
import { writeSamples } from "../workflow/helpers.js";
import { manifestFiles, removeTempDirs, tempDir, writeTree } from "./storage-fixtures.js";

/** Overwrites the block file of `cid` with other bytes of the same length. */
function corrupt(store: LocalStore, cid: string): string {
  const file = store.blockPath(cid);
  const bytes = readFileSync(file);
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  writeFileSync(file, bytes);
  return file;
}

describe("storage: a corrupt block in the local store", function () {
  this.timeout(120_000);
  let good: LocalStore;
  let server: RunningIpfsServer;
  let root: string;
  const shardPath = "shards/000/000001.bin";

  before(async () => {
    good = new LocalStore({ dir: path.join(tempDir(), "good") });
    root = (await good.put(writeTree(tempDir(), "manifest", manifestFiles()))).cid;
    server = await startIpfsServer({ store: good, port: 0 });
  });
  after(async () => {
    await server?.close();
    removeTempDirs();
  });

  /** A copy of the good store as the block store of a Datatrace folder, with the block of `shardPath` corrupted. */
  async function damagedCopy(): Promise<{ workspace: string; store: LocalStore; cid: string; file: string }> {
    const workspace = tempDir();
    const store = new LocalStore({ dir: path.join(workspace, "blocks") });
    cpSync(good.dir, store.dir, { recursive: true });
    const cid = (await resolvePath(store, toCid(root), shardPath)).cid.toString();
    return { workspace, store, cid, file: corrupt(store, cid) };
  }

  it("moves the bad file to _quarantine and names it; the block then counts as missing", async () => {
    const { store, cid, file } = await damagedCopy();
    const error = await store.getBlock(cid).then(
      () => expect.fail("corrupt bytes were returned"),
      (e: unknown) => e as CorruptBlockFileError,
    );
    expect(error).to.be.instanceOf(CorruptBlockFileError);
    expect(error.code).to.equal("BLOCK_MISMATCH");
    expect(error.file).to.equal(file);
    expect(error.message).to.include(`local store file ${file} is corrupt`);
    expect(error.quarantinedTo).to.match(new RegExp(`_quarantine/${cid}\\.`));
    expect(existsSync(file)).to.equal(false);
    expect(existsSync(error.quarantinedTo!)).to.equal(true);
    expect(await store.hasBlock(cid)).to.equal(false);
    expect(await store.has(root)).to.equal(false);
  });

  it("the content source fetches a verified copy from the gateways, warns which file was bad, and repairs the store", async () => {
    const { store, cid, file } = await damagedCopy();
    const warnings: string[] = [];
    const source = new ContentSource({ local: store, gateways: [server.url], onWarning: (m) => warnings.push(m) });
    const bytes = await source.readFile(root, shardPath);
    expect(Buffer.from(bytes).equals(Buffer.from(manifestFiles()[shardPath]!))).to.equal(true);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(new RegExp(`local store file ${file.replace(/[/.]/g, "\\$&")} was corrupt .*moved it to .*_quarantine.*fetching a verified copy from the gateways`));
    expect(Buffer.from(await store.getBlock(cid)).equals(Buffer.from(bytes))).to.equal(true); // repaired
  });

  it("without gateways, the error names the bad file (and the next read says the block is missing)", async () => {
    const { store, file } = await damagedCopy();
    const source = new ContentSource({ local: store });
    const error = await source.readFile(root, shardPath).then(
      () => expect.fail("corrupt bytes were returned"),
      (e: Error) => e,
    );
    expect(error.message).to.include(file);
    const again = await source.readFile(root, shardPath).catch((e: Error) => e);
    expect((again as { code?: string }).code).to.equal("BLOCK_NOT_FOUND");
  });

  it("storage get fetches the corrupt block again from the gateway and writes the content", async () => {
    const { workspace, file } = await damagedCopy();
    const out = path.join(tempDir(), "copy");
    const { stderr } = await runTask(["storage", "get"], { cid: root, out, gateway: server.url, dir: workspace, timeout: 30, json: false });
    expect(stderr).to.include(`local store file ${file} is corrupt`);
    expect(readFileSync(path.join(out, shardPath)).equals(Buffer.from(manifestFiles()[shardPath]!))).to.equal(true);
  });

  it("dataset verify with a corrupt shard in the local store: MEMBER, with the bad file named on stderr", async () => {
    const work = tempDir();
    const { dir, files } = writeSamples(work, "data", 12);
    const ws = path.join(work, "dt");
    const registered = JSON.parse((await runTask(["dataset", "register"], { sources: [dir], name: "corrupt", license: "MIT", dir: ws, json: true, threads: 1 })).stdout);
    const local = new LocalStore({ dir: path.join(ws, "blocks") });
    const mirror = new LocalStore({ dir: path.join(tempDir(), "mirror") });
    cpSync(local.dir, mirror.dir, { recursive: true }); // the gateway holds a good copy of every block
    const gateway = await startIpfsServer({ store: mirror, port: 0 });
    try {
      const shard = (await resolvePath(local, toCid(registered.manifestCid), "shards/000/000000.bin")).cid.toString();
      const bad = corrupt(local, shard);
      const run = await runTask<DatasetVerifyResult>(["dataset", "verify"], { tokenId: registered.tokenId, files: [files[3]], dir: ws, gateway: gateway.url });
      expect(run.result.exitCode, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^MEMBER /m);
      expect(readdirSync(path.join(local.dir, "_quarantine"))).to.have.length(1);
      expect(run.stderr).to.include(`local store file ${bad} was corrupt`);
    } finally {
      await gateway.close();
    }
  });
});
