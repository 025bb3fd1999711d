import { expect } from "chai";

import { createStagingDirectory, publishDirectory } from "../../src/manifest/atomic-directory.js";
import type { ManifestHeader } from "../../src/manifest/manifest-format.js";
import {
  decodeHeader,
  decodeIndex,
  encodeHeader,
  encodeIndexEntry,
  FILES_PER_DIRECTORY,
  idsPath,
  MAX_SHARD_COUNT,
  shardDirectory,
  shardPath,
} from "../../src/manifest/manifest-format.js";
import { cidFromSha256, DAG_PB_CODEC, RAW_CODEC } from "../../src/storage/cid.js";
import { HAMT_SHARDING_THRESHOLD_BYTES } from "../../src/storage/import-profile.js";
import { estimateDirectorySize } from "../../src/storage/unixfs-directory.js";
import { sha256 } from "../../src/hash/sha256.js";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";

const header: ManifestHeader = {
  format: "datatrace-manifest/2",
  scheme: "datatrace-merkle/2",
  root: `0x${"ab".repeat(32)}`,
  leafCount: 8193,
  sampleCount: 9000,
  duplicateCount: 807,
  totalBytes: 123456,
  shardSize: 8192,
  shardCount: 2,
  private: false,
  sources: [{ kind: "idx", name: "train.idx", options: { gzip: false } }],
};

describe("manifest format", () => {
  it("encodes the header with a fixed key order and a final newline, and decodes it back", () => {
    const bytes = encodeHeader(header);
    const text = new TextDecoder().decode(bytes);
    expect(text.endsWith("}\n")).to.equal(true);
    expect(text.indexOf('"format"')).to.be.lessThan(text.indexOf('"root"'));
    expect(text).to.not.include("createdAt");
    expect(decodeHeader(bytes, "m")).to.deep.equal(header);
    expect(new TextDecoder().decode(encodeHeader({ ...header, createdAt: "2026-01-01T00:00:00.000Z" }))).to.include('"createdAt": "2026-01-01T00:00:00.000Z"');
  });

  it("rejects headers that do not describe a valid manifest", () => {
    const bad = (h: object) => () => decodeHeader(new TextEncoder().encode(JSON.stringify(h)), "m");
    expect(bad({ ...header, root: "0x12" })).to.throw(/root is not 0x \+ 64 hex digits/);
    expect(bad({ ...header, shardCount: 3 })).to.throw(/shardCount 3 does not match leafCount 8193/);
    expect(bad({ ...header, shardSize: 4096 })).to.throw(/shardSize 4096 is not supported/);
    expect(bad({ ...header, scheme: "x" })).to.throw(/unknown commitment scheme/);
    expect(bad({ ...header, leafCount: -1 })).to.throw(/leafCount is not a whole number/);
    expect(() => decodeHeader(new TextEncoder().encode("{"), "m")).to.throw(/header.json is not valid JSON/);
  });

  it("round-trips index entries of 132 bytes", () => {
    const entry = (b: number, n: number) => ({
      first: new Uint8Array(32).fill(b),
      last: new Uint8Array(32).fill(b + 1),
      subtreeTop: new Uint8Array(32).fill(b + 2),
      shardSha256: new Uint8Array(32).fill(b + 3),
      leafCount: n,
    });
    const bytes = new Uint8Array(264);
    encodeIndexEntry(entry(1, 8192), bytes, 0);
    encodeIndexEntry(entry(9, 1), bytes, 132);
    expect(decodeIndex(bytes, 2, "m")).to.deep.equal([entry(1, 8192), entry(9, 1)]);
  });

  it("names shard and ids files with at least six digits, in subdirectories of at most 1,000 files", () => {
    expect(shardPath(0)).to.equal("shards/000/000000.bin");
    expect(shardPath(42)).to.equal("shards/000/000042.bin");
    expect(shardPath(999)).to.equal("shards/000/000999.bin");
    expect(shardPath(1000)).to.equal("shards/001/001000.bin");
    expect(idsPath(1000)).to.equal("ids/001/001000.jsonl");
    expect(shardPath(999_999)).to.equal("shards/999/999999.bin");
    expect(idsPath(1_234_567)).to.equal("ids/1234/1234567.jsonl");
  });

  it("puts exactly 1,000 consecutive shards in each subdirectory", () => {
    const directories = new Map<string, number>();
    for (let k = 0; k < 3500; k++) {
      const dir = shardPath(k).split("/")[1]!;
      directories.set(dir, (directories.get(dir) ?? 0) + 1);
    }
    expect([...directories]).to.deep.equal([["000", 1000], ["001", 1000], ["002", 1000], ["003", 500]]);
  });

  it("keeps shards/ a basic (non-HAMT) directory up to MAX_SHARD_COUNT shards, and not one subdirectory more", () => {
    const cid = cidFromSha256(DAG_PB_CODEC, new Uint8Array(32).fill(7)); // a subdirectory's CID: 36 bytes
    const subdirectories = (shards: number) =>
      Array.from({ length: Math.ceil(shards / FILES_PER_DIRECTORY) }, (_, d) => ({ name: shardDirectory(d * FILES_PER_DIRECTORY), cid, tsize: 0 }));
    expect(estimateDirectorySize(subdirectories(MAX_SHARD_COUNT))).to.be.at.most(HAMT_SHARDING_THRESHOLD_BYTES);
    expect(estimateDirectorySize(subdirectories(MAX_SHARD_COUNT + 1))).to.be.above(HAMT_SHARDING_THRESHOLD_BYTES);
    // A full subdirectory of the largest file names (7 digits) is far from the limit.
    const files = Array.from({ length: FILES_PER_DIRECTORY }, (_, i) => ({ name: idsPath(MAX_SHARD_COUNT - 1 - i).split("/")[2]!, cid, tsize: 0 }));
    expect(estimateDirectorySize(files)).to.be.below(HAMT_SHARDING_THRESHOLD_BYTES / 4);
  });

  it("refuses a negative or fractional shard number", () => {
    expect(() => shardPath(-1)).to.throw(RangeError, /whole number/);
    expect(() => idsPath(1.5)).to.throw(RangeError, /whole number/);
  });

  it("computes raw-block CIDs (CIDv1, raw, sha2-256) from bytes or from the index digest", async () => {
    const hello = new TextEncoder().encode("hello\n");
    const cid = cidFromSha256(RAW_CODEC, sha256(hello));
    expect(cid.toString()).to.equal("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
    expect(() => cidFromSha256(RAW_CODEC, new Uint8Array(31))).to.throw(/32 bytes/);
  });
});

describe("atomic directory publication", () => {
  it("moves a staging directory into place and replaces an older manifest", () => {
    const { dir, cleanup } = tempDir("atomic");
    try {
      const dest = path.join(dir, "out");
      const s1 = createStagingDirectory(dir, "out");
      writeTree(s1, { "header.json": JSON.stringify({ format: "datatrace-manifest/2" }), "a": "1" });
      publishDirectory(s1, dest);
      const s2 = createStagingDirectory(dir, "out");
      writeTree(s2, { "header.json": JSON.stringify({ format: "datatrace-manifest/2" }), "b": "2" });
      publishDirectory(s2, dest);
      expect(existsSync(path.join(dest, "a"))).to.equal(false);
      expect(readFileSync(path.join(dest, "b"), "utf8")).to.equal("2");
      expect(existsSync(s1) || existsSync(s2)).to.equal(false);
    } finally {
      cleanup();
    }
  });

  it("refuses to replace a directory that is not a manifest", () => {
    const { dir, cleanup } = tempDir("atomic");
    try {
      writeTree(dir, { "precious/data.txt": "keep me" });
      const staging = createStagingDirectory(dir, "precious");
      expect(() => publishDirectory(staging, path.join(dir, "precious"))).to.throw(/is not a Datatrace manifest; refusing to replace it/);
      expect(readFileSync(path.join(dir, "precious", "data.txt"), "utf8")).to.equal("keep me");
    } finally {
      cleanup();
    }
  });
});
