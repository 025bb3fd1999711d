import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { cidFromSha256, RAW_CODEC } from "../../src/storage/cid.js";
import { importBytes, importPath } from "../../src/storage/import-path.js";
import { HAMT_SHARDING_THRESHOLD_BYTES } from "../../src/storage/import-profile.js";
import { sha256 as nodeSha256 } from "../../src/hash/sha256.js";
import { StorageError } from "../../src/storage/errors.js";
import { buildDirectoryNode, DirectoryTooLargeError, estimateDirectorySize } from "../../src/storage/unixfs-directory.js";
import { UnixFsFileBuilder } from "../../src/storage/unixfs-file-builder.js";
import {
  kuboV0Options,
  kuboV1Options,
  manifestFiles,
  pseudoRandomBytes,
  referenceCid,
  removeTempDirs,
  tempDir,
  writeTree,
} from "./storage-fixtures.js";

const KiB = 1024;
const MiB = 1024 * KiB;

describe("storage: UnixFS CIDs equal ipfs-unixfs-importer with Kubo --cid-version=1 settings", function () {
  this.timeout(30_000);
  after(removeTempDirs);

  it("gives the known CID of `hello\\n`", async function () {
    const { cid } = await importBytes(new TextEncoder().encode("hello\n"));
    expect(cid.toString()).to.equal("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
  });

  const sizes: [string, number][] = [
    ["0 B", 0],
    ["1 B", 1],
    ["256 KiB (one raw block)", 256 * KiB],
    ["256 KiB + 1 (two leaves under a dag-pb node)", 256 * KiB + 1],
    ["1 MiB + 1", MiB + 1],
    ["30 MB", 30_000_000],
  ];
  for (const [label, size] of sizes) {
    it(`matches the reference for a ${label} file`, async function () {
      const bytes = pseudoRandomBytes(size, size + 7);
      const ours = await importBytes(bytes);
      const reference = await referenceCid({ content: bytes });
      expect(ours.cid.toString()).to.equal(reference.cid);
      expect(ours.contentBytes).to.equal(size);
      expect(ours.cid.code === RAW_CODEC).to.equal(size <= 256 * KiB);
    });
  }

  it("hashes a 30 MB file from disk in 1 MiB reads to the reference CID", async function () {
    const bytes = pseudoRandomBytes(30_000_000, 99);
    const file = path.join(tempDir(), "big.bin");
    writeFileSync(file, bytes);
    const ours = await importPath(file);
    expect(ours.cid.toString()).to.equal((await referenceCid({ content: bytes })).cid);
    expect(ours.blocks).to.equal(Math.ceil(30_000_000 / (256 * KiB)) + 1);
  });

  it("gives the same CID whatever the sizes of the slices fed to the builder", async function () {
    const bytes = pseudoRandomBytes(700_001, 5);
    const builder = new UnixFsFileBuilder({ sha256: nodeSha256 });
    let offset = 0;
    for (const step of [1, 7, 262_143, 3, 300_000, 50]) {
      await builder.update(bytes.subarray(offset, offset + step));
      offset += step;
    }
    await builder.update(bytes.subarray(offset));
    expect((await builder.finish()).cid.toString()).to.equal((await importBytes(bytes)).cid.toString());
  });

  it("reproduces the balanced layout on multi-level trees (chunk 4 B, 3 links per node)", async function () {
    // Chunk counts around every power of 3 exercise partial runs at each level.
    for (const chunks of [1, 2, 3, 4, 8, 9, 10, 26, 27, 28, 81, 82, 244]) {
      for (const tail of [0, 3]) {
        const bytes = pseudoRandomBytes(chunks * 4 - tail, chunks);
        const ours = await importBytes(bytes, { chunkSize: 4, maxChildren: 3 });
        const reference = await referenceCid({ content: bytes }, kuboV1Options(4, 3));
        expect(ours.cid.toString(), `${chunks} chunks, tail ${tail}`).to.equal(reference.cid);
      }
    }
  });

  it("differs from Kubo's CIDv0 defaults (dag-pb leaves, Qm… CIDs)", async function () {
    for (const size of [1, MiB + 1]) {
      const bytes = pseudoRandomBytes(size, 3);
      const v0 = await referenceCid({ content: bytes }, kuboV0Options());
      expect(v0.cid).to.match(/^Qm/);
      expect((await importBytes(bytes)).cid.toString()).to.not.equal(v0.cid);
    }
  });

  it("matches the reference for a manifest-like directory", async function () {
    const files = manifestFiles();
    const dir = writeTree(tempDir(), "manifest", files);
    const ours = await importPath(dir);
    const reference = await referenceCid(Object.entries(files).map(([p, content]) => ({ path: `manifest/${p}`, content })));
    expect(reference.type).to.equal("directory");
    expect(ours.kind).to.equal("directory");
    expect(ours.cid.toString()).to.equal(reference.cid);
    expect(ours.files).to.equal(Object.keys(files).length);
  });

  it("sorts entries by UTF-8 bytes and keeps empty directories, like the reference", async function () {
    const names = ["b", "B", "a.b", "a", "ä", "Z9", "a-b", "é.txt"];
    const root = path.join(tempDir(), "d");
    mkdirSync(path.join(root, "empty"), { recursive: true });
    for (const name of names) writeFileSync(path.join(root, name), name);
    const ours = await importPath(root);
    const reference = await referenceCid([
      ...names.map((name) => ({ path: `d/${name}`, content: new TextEncoder().encode(name) })),
      { path: "d/empty" },
    ]);
    expect(ours.cid.toString()).to.equal(reference.cid);
  });

  it("skips hidden entries unless asked, like `ipfs add -r` without --hidden", async function () {
    const base = tempDir();
    const withHidden = writeTree(base, "with", { "a.txt": new Uint8Array([1]), ".secret": new Uint8Array([2]) });
    const without = writeTree(base, "without", { "a.txt": new Uint8Array([1]) });
    expect((await importPath(withHidden)).cid.toString()).to.equal((await importPath(without)).cid.toString());
    const included = await importPath(withHidden, { includeHidden: true });
    const reference = await referenceCid([
      { path: "with/a.txt", content: new Uint8Array([1]) },
      { path: "with/.secret", content: new Uint8Array([2]) },
    ]);
    expect(included.cid.toString()).to.equal(reference.cid);
  });

  it("refuses symbolic links with a clear error", async function () {
    const root = writeTree(tempDir(), "d", { "a.txt": new Uint8Array([1]) });
    symlinkSync(path.join(root, "a.txt"), path.join(root, "link"));
    try {
      await importPath(root);
      expect.fail("a symlink was imported");
    } catch (error) {
      expect((error as StorageError).code).to.equal("UNSUPPORTED_CONTENT");
      expect((error as Error).message).to.match(/symbolic link/);
    }
  });

  it("reports a missing path as INVALID_PATH", async function () {
    try {
      await importPath(path.join(tempDir(), "nope"));
      expect.fail("imported a missing path");
    } catch (error) {
      expect((error as StorageError).code).to.equal("INVALID_PATH");
    }
  });

  describe("directory size limit (Kubo's HAMT threshold)", function () {
    const empty = cidFromSha256(RAW_CODEC, nodeSha256(new Uint8Array(0)));
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `${String(i).padStart(6, "0")}.bin`, cid: empty, tsize: 0 }));

    it("builds 5,698 entries of 10-byte names as a basic directory, as the reference does", async function () {
      expect(estimateDirectorySize(entries(5698))).to.be.at.most(HAMT_SHARDING_THRESHOLD_BYTES);
      const ours = await buildDirectoryNode(entries(5698), nodeSha256);
      const reference = await referenceCid(entries(5698).map((e) => ({ path: `d/${e.name}`, content: new Uint8Array(0) })));
      expect(reference.type).to.equal("directory");
      expect(ours.cid.toString()).to.equal(reference.cid);
    });

    it("refuses 5,699 entries, where the reference switches to a HAMT-sharded directory", async function () {
      const reference = await referenceCid(entries(5699).map((e) => ({ path: `d/${e.name}`, content: new Uint8Array(0) })));
      expect(reference.type).to.equal("hamt-sharded-directory");
      try {
        await buildDirectoryNode(entries(5699), nodeSha256);
        expect.fail("built an over-threshold directory");
      } catch (error) {
        expect(error).to.be.instanceOf(DirectoryTooLargeError);
        expect((error as Error).message).to.match(/HAMT/);
      }
    });

    it("rejects duplicate and unsafe entry names", async function () {
      for (const bad of [[{ name: "a", cid: empty, tsize: 0 }, { name: "a", cid: empty, tsize: 0 }], [{ name: "x/y", cid: empty, tsize: 0 }], [{ name: "..", cid: empty, tsize: 0 }], [{ name: "", cid: empty, tsize: 0 }]]) {
        try {
          await buildDirectoryNode(bad, nodeSha256);
          expect.fail(`accepted ${JSON.stringify(bad.map((b) => b.name))}`);
        } catch (error) {
          expect((error as StorageError).code).to.equal("INVALID_PATH");
        }
      }
    });
  });
});
