import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { CarBlockIterator } from "@ipld/car/iterator";
import { CarWriter } from "@ipld/car/writer";
import { expect } from "chai";

import { cidFromSha256, parseCid, RAW_CODEC } from "../../src/storage/cid.js";
import { BlockMismatchError, BlockNotFoundError, StorageError } from "../../src/storage/errors.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { sha256 as nodeSha256 } from "../../src/hash/sha256.js";
import { listTree, manifestFiles, pseudoRandomBytes, referenceCid, removeTempDirs, tempDir, writeTree } from "./storage-fixtures.js";

/** Every file under the store directory except block files (records, temp files). */
function nonBlockFiles(store: LocalStore): string[] {
  if (!existsSync(store.dir)) return [];
  return listTree(store.dir).filter((f) => f.startsWith("_"));
}

function blockCount(store: LocalStore): number {
  if (!existsSync(store.dir)) return 0;
  return listTree(store.dir).filter((f) => !f.startsWith("_")).length;
}

async function expectCode(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<StorageError> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(StorageError);
    expect((error as StorageError).code).to.equal(code);
    if (pattern !== undefined) expect((error as Error).message).to.match(pattern);
    return error as StorageError;
  }
  return expect.fail(`expected ${code}`);
}

/** Writes a CAR with the given root and blocks (no verification: used to forge bad CARs). */
async function writeCar(file: string, roots: ReturnType<typeof parseCid>[], blocks: { cid: ReturnType<typeof parseCid>; bytes: Uint8Array }[]): Promise<void> {
  const { writer, out } = CarWriter.create(roots);
  const chunks: Uint8Array[] = [];
  const collect = (async () => {
    for await (const chunk of out) chunks.push(chunk);
  })();
  for (const block of blocks) await writer.put(block);
  await writer.close();
  await collect;
  writeFileSync(file, Buffer.concat(chunks));
}

describe("storage: LocalStore", function () {
  this.timeout(30_000);
  after(removeTempDirs);

  it("puts a manifest directory, returns the reference CID, and lists it back", async function () {
    const files = manifestFiles();
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    const result = await store.put(writeTree(tempDir(), "manifest", files));
    const reference = await referenceCid(Object.entries(files).map(([p, content]) => ({ path: `manifest/${p}`, content })));
    expect(result.cid).to.equal(reference.cid);
    const content = await store.get(result.cid);
    expect(content.kind).to.equal("directory");
    expect(content.kind === "directory" && content.entries.map((e) => e.name)).to.deep.equal(["header.json", "ids", "index.bin", "shards"]);
    expect(await store.has(result.cid)).to.equal(true);
    expect(nonBlockFiles(store)).to.deep.equal([`_roots/${result.cid}.json`]);
  });

  it("stores blocks as files named by CID under next-to-last/2 fan-out directories", async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    const { cid } = await store.putBytes(new TextEncoder().encode("hello\n"), "hello.txt");
    expect(cid).to.equal("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
    const file = path.join(store.dir, cid.slice(-3, -1), cid);
    expect(readFileSync(file, "utf8")).to.equal("hello\n");
    expect(store.blockPath(cid)).to.equal(file);
  });

  it("round-trips a metadata JSON file and a 1 MiB + 1 file byte for byte", async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    const json = new TextEncoder().encode(JSON.stringify({ name: "dataset", root: "0x01" }));
    const small = await store.putBytes(json, "metadata.json");
    const got = await store.get(small.cid);
    expect(got.kind === "file" && Buffer.from(got.bytes).equals(Buffer.from(json))).to.equal(true);
    const big = pseudoRandomBytes(1024 * 1024 + 1, 11);
    const bigFile = path.join(tempDir(), "big.bin");
    writeFileSync(bigFile, big);
    const put = await store.put(bigFile);
    const back = await store.get(put.cid);
    expect(back.kind === "file" && Buffer.from(back.bytes).equals(Buffer.from(big))).to.equal(true);
  });

  it("refuses to return a block whose file was corrupted on disk", async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    const { cid } = await store.putBytes(new TextEncoder().encode("original"), "x");
    writeFileSync(store.blockPath(cid), "tampered");
    try {
      await store.get(cid);
      expect.fail("returned corrupted bytes");
    } catch (error) {
      expect(error).to.be.instanceOf(BlockMismatchError);
      expect((error as BlockMismatchError).expected).to.equal(cid);
    }
  });

  it("reports missing blocks: has() false, status incomplete, get() BlockNotFoundError", async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    const bigFile = path.join(tempDir(), "big.bin");
    writeFileSync(bigFile, pseudoRandomBytes(600_000, 12));
    const { cid } = await store.put(bigFile);
    const leaf = cidFromSha256(RAW_CODEC, nodeSha256(pseudoRandomBytes(600_000, 12).subarray(0, 262_144))).toString();
    expect(await store.hasBlock(leaf)).to.equal(true);
    rmSync(store.blockPath(leaf)); // simulate a lost block
    expect(await store.has(cid)).to.equal(false);
    const status = await store.status(cid);
    expect(status).to.include({ available: false, complete: false, backend: "local" });
    expect(status.detail).to.match(/missing/);
    try {
      await store.get(cid);
      expect.fail("read an incomplete file");
    } catch (error) {
      expect(error).to.be.instanceOf(BlockNotFoundError);
    }
    expect(await store.has("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am")).to.equal(false);
  });

  it("rejects a malformed CID string with INVALID_CID", async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    await expectCode(store.get("not-a-cid"), "INVALID_CID", /not a CID/);
  });

  it("exports a CAR and imports it into another store, recording the root", async function () {
    const files = manifestFiles();
    const a = new LocalStore({ dir: path.join(tempDir(), "a") });
    const b = new LocalStore({ dir: path.join(tempDir(), "b") });
    const { cid } = await a.put(writeTree(tempDir(), "manifest", files));
    const car = path.join(tempDir(), "manifest.car");
    const exported = await a.exportCar(cid, car);
    expect(exported.blocks).to.equal(blockCount(a));
    const imported = await b.importCar(car);
    expect(imported.roots).to.deep.equal([cid]);
    expect(imported.written).to.equal(exported.blocks);
    expect(await b.has(cid)).to.equal(true);
    expect((await b.getRoot(cid))?.source).to.equal("car-import");
    const again = await b.importCar(car);
    expect(again.written).to.equal(0);
  });

  it("materializes a manifest directory from the store, byte for byte", async function () {
    const files = manifestFiles();
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    const { cid } = await store.put(writeTree(tempDir(), "manifest", files));
    const out = path.join(tempDir(), "restored");
    const written = await store.getToDirectory(cid, out);
    expect(written.files).to.equal(Object.keys(files).length);
    expect(listTree(out)).to.deep.equal(Object.keys(files).sort());
    for (const [relative, bytes] of Object.entries(files)) {
      expect(Buffer.from(readFileSync(path.join(out, relative))).equals(Buffer.from(bytes)), relative).to.equal(true);
    }
    await expectCode(store.getToPath(cid, out), "OUTPUT_EXISTS");
  });

  it("leaves no partial output when a block is missing during materialization", async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    const files = manifestFiles();
    const { cid } = await store.put(writeTree(tempDir(), "manifest", files));
    const lost = cidFromSha256(RAW_CODEC, nodeSha256(files["shards/000/000001.bin"] as Uint8Array)).toString();
    rmSync(store.blockPath(lost));
    const parent = tempDir();
    try {
      await store.getToDirectory(cid, path.join(parent, "out"));
      expect.fail("materialized an incomplete DAG");
    } catch (error) {
      expect(error).to.be.instanceOf(BlockNotFoundError);
    }
    expect(readdirSync(parent)).to.deep.equal([]);
  });

  describe("CAR import rejects bad CARs and leaves the store untouched", function () {
    async function fixture() {
      const source = new LocalStore({ dir: path.join(tempDir(), "source") });
      const { cid } = await source.put(writeTree(tempDir(), "manifest", manifestFiles()));
      const car = path.join(tempDir(), "good.car");
      await source.exportCar(cid, car);
      const blocks: { cid: ReturnType<typeof parseCid>; bytes: Uint8Array }[] = [];
      for await (const block of await CarBlockIterator.fromBytes(readFileSync(car))) blocks.push(block);
      const target = new LocalStore({ dir: path.join(tempDir(), "target") });
      return { cid: parseCid(cid), car, blocks, target };
    }

    function expectUntouched(store: LocalStore): void {
      expect(blockCount(store)).to.equal(0);
      expect(nonBlockFiles(store).filter((f) => !f.startsWith("_tmp/"))).to.deep.equal([]);
      expect(nonBlockFiles(store).filter((f) => f.startsWith("_tmp/"))).to.deep.equal([]);
    }

    it("a block whose bytes were tampered with", async function () {
      const { cid, blocks, target } = await fixture();
      const bad = path.join(tempDir(), "tampered.car");
      const victim = blocks[3] as { cid: ReturnType<typeof parseCid>; bytes: Uint8Array };
      const tampered = Uint8Array.from(victim.bytes);
      tampered[0] = (tampered[0] as number) ^ 0xff;
      await writeCar(bad, [cid], blocks.map((b) => (b === victim ? { cid: b.cid, bytes: tampered } : b)));
      await expectCode(target.importCar(bad), "BLOCK_MISMATCH", new RegExp(victim.cid.toString()));
      expectUntouched(target);
    });

    it("a truncated CAR file", async function () {
      const { car, target } = await fixture();
      const bad = path.join(tempDir(), "truncated.car");
      const bytes = readFileSync(car);
      writeFileSync(bad, bytes.subarray(0, bytes.length - 1000));
      await expectCode(target.importCar(bad), "CAR_INVALID", /truncated|malformed/);
      expectUntouched(target);
    });

    it("a CAR missing a block of the DAG", async function () {
      const { cid, blocks, target } = await fixture();
      const bad = path.join(tempDir(), "incomplete.car");
      await writeCar(bad, [cid], blocks.slice(0, -1));
      await expectCode(target.importCar(bad), "CAR_INVALID", /incomplete/);
      expectUntouched(target);
    });

    it("a file that is not a CAR", async function () {
      const { target } = await fixture();
      const bad = path.join(tempDir(), "junk.car");
      writeFileSync(bad, "definitely not a CAR");
      await expectCode(target.importCar(bad), "CAR_INVALID");
      expectUntouched(target);
    });
  });

  it("fails cleanly, recording no root, when the store directory cannot be written", async function () {
    const parent = tempDir();
    writeFileSync(path.join(parent, "blocks"), "a file where the store directory should be");
    const store = new LocalStore({ dir: path.join(parent, "blocks") });
    try {
      await store.put(writeTree(tempDir(), "manifest", manifestFiles()));
      expect.fail("put into an unwritable store succeeded");
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).to.be.oneOf(["ENOTDIR", "EEXIST"]);
    }
    expect(await store.listRoots()).to.deep.equal([]);
  });

  it("writes the exported CAR atomically (no temp file left next to it)", async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    const { cid } = await store.putBytes(pseudoRandomBytes(300_000, 4), "x.bin");
    const dir = tempDir();
    await store.exportCar(cid, path.join(dir, "x.car"));
    expect(readdirSync(dir)).to.deep.equal(["x.car"]);
    expect(statSync(path.join(dir, "x.car")).size).to.be.greaterThan(300_000);
  });

  it("fsyncs every block and record file before renaming it into place", async function () {
    const store = new LocalStore({ dir: path.join(tempDir(), "blocks") });
    // Spy (the real sync still runs) on FileHandle#sync, and note which temp files were synced.
    const probe = await open(fileURLToPath(import.meta.url), "r");
    const proto = Object.getPrototypeOf(probe) as { sync: (this: { fd: number }) => Promise<void> };
    await probe.close();
    const realSync = proto.sync;
    let synced = 0;
    proto.sync = async function (this: { fd: number }) {
      synced++;
      return realSync.call(this);
    };
    try {
      await store.putBytes(pseudoRandomBytes(600_000, 9), "three-blocks.bin"); // 3 raw leaves + 1 file node + 1 root record
    } finally {
      proto.sync = realSync;
    }
    expect(blockCount(store)).to.equal(4);
    expect(synced).to.equal(5);
  });
});
