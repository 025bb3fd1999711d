import { expect } from "chai";
import { solidityPackedKeccak256 } from "ethers";
import { readFileSync } from "node:fs";
import path from "node:path";

import { sortRecords } from "../../src/engine/sort-records.js";
import { decodeIndex } from "../../src/manifest/manifest-format.js";
import { ManifestWriter } from "../../src/manifest/manifest-writer.js";
import { buildTree, rootOfSubtree } from "../../src/merkle/tree.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { Random } from "../fixtures/seeded-random.js";

const random = new Random("manifest writer hashes");

function sortedRandomHashes(n: number): Uint8Array {
  const raw = random.bytes(n * 32);
  const perm = sortRecords({ count: n, hashes: raw, sources: new Uint32Array(n), ordinals: new Float64Array(n), ids: null });
  const out = new Uint8Array(n * 32);
  perm.forEach((i, j) => out.set(raw.subarray(i * 32, i * 32 + 32), j * 32));
  return out;
}

const facts = { sampleCount: 0, totalBytes: 0, sources: [], private: true } as const;

describe("ManifestWriter", function () {
  this.timeout(30_000);

  it("computes the dataset root over more than one group of 32 shards and a short last shard", async () => {
    const n = 33 * 8192 + 1000;
    const hashes = sortedRandomHashes(n);
    const { dir, cleanup } = tempDir("writer");
    try {
      const writer = new ManifestWriter(dir, false);
      for (let i = 0; i < n; i++) writer.add(hashes, i * 32, null);
      const header = await writer.finish({ ...facts, sampleCount: n });
      expect(header.root).to.equal(`0x${Buffer.from(buildTree(hashes).root).toString("hex")}`);
      expect(header.shardCount).to.equal(34);
      const index = decodeIndex(readFileSync(path.join(dir, "index.bin")), 34, "test");
      expect(index[33]!.leafCount).to.equal(1000);
      const last = hashes.subarray(33 * 8192 * 32);
      expect(Buffer.from(index[33]!.subtreeTop).equals(Buffer.from(rootOfSubtree(last)))).to.equal(true);
      expect(Buffer.from(index[32]!.first).equals(Buffer.from(hashes.subarray(32 * 8192 * 32, 32 * 8192 * 32 + 32)))).to.equal(true);
    } finally {
      cleanup();
    }
  });

  it("gives a one-sample manifest the root keccak256(sampleHash ‖ uint256(1))", async () => {
    const hashes = sortedRandomHashes(1);
    const { dir, cleanup } = tempDir("writer");
    try {
      const writer = new ManifestWriter(dir, true);
      writer.add(hashes, 0, ["only"]);
      const header = await writer.finish({ ...facts, sampleCount: 1, private: false });
      expect(header.root).to.equal(`0x${Buffer.from(buildTree(hashes).root).toString("hex")}`);
      expect(header.root).to.equal(solidityPackedKeccak256(["bytes32", "uint256"], [hashes, 1]));
      expect(readFileSync(path.join(dir, "ids", "000", "000000.jsonl"), "utf8")).to.equal('["only"]\n');
    } finally {
      cleanup();
    }
  });

  it("refuses hashes out of order, within a shard and across shards", () => {
    const hashes = sortedRandomHashes(8193);
    const { dir, cleanup } = tempDir("writer");
    try {
      const writer = new ManifestWriter(dir, false);
      writer.add(hashes, 32, null);
      expect(() => writer.add(hashes, 0, null)).to.throw(/strictly ascending/);
      expect(() => writer.add(hashes, 32, null)).to.throw(/strictly ascending/);
      const other = new ManifestWriter(dir, false);
      for (let i = 1; i <= 8192; i++) other.add(hashes, i * 32, null); // fills and flushes shard 0
      expect(() => other.add(hashes, 0, null)).to.throw(/strictly ascending/);
    } finally {
      cleanup();
    }
  });

  it("refuses to finish an empty manifest", async () => {
    const { dir, cleanup } = tempDir("writer");
    try {
      const error = await new ManifestWriter(dir, false).finish(facts).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/without samples/);
    } finally {
      cleanup();
    }
  });

  it("escapes ids that need it in the ids file", async () => {
    const hashes = sortedRandomHashes(2);
    const { dir, cleanup } = tempDir("writer");
    try {
      const writer = new ManifestWriter(dir, true);
      writer.add(hashes, 0, ['a "quoted"\nname']);
      writer.add(hashes, 32, ["x", "y"]);
      await writer.finish({ ...facts, sampleCount: 3, private: false });
      const lines = readFileSync(path.join(dir, "ids", "000", "000000.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
      expect(lines).to.deep.equal([['a "quoted"\nname'], ["x", "y"]]);
    } finally {
      cleanup();
    }
  });
});
