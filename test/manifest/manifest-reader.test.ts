import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { shardPath } from "../../src/manifest/manifest-format.js";
import { directoryReader } from "../../src/manifest/manifest-file-reader.js";
import { sha256, webSha256 } from "../../src/hash/sha256.js";
import { ManifestReader, type ManifestFileReader } from "../../src/manifest/manifest-reader.js";
import { cidFromSha256, RAW_CODEC } from "../../src/storage/cid.js";
import { verifyBatch } from "../../src/merkle/multiproof.js";
import { verifyAbsence, verifyMember } from "../../src/merkle/proof.js";
import { compareHashes, splitKey } from "../../src/merkle/scheme.js";
import { equalBytes } from "../../src/hash/bytes.js";
import { openSources } from "../../src/sources/open-sources.js";
import { records, tempDir, writeIdx, writeTree } from "../fixtures/dataset-fixtures.js";

describe("ManifestReader", function () {
  this.timeout(20_000);
  let dir: string;
  let cleanup: () => void;
  let manifest: string;
  let sorted: Uint8Array[]; // every leaf, in order
  let loads: string[];

  const counting = (inner: ManifestFileReader): ManifestFileReader => async (p) => {
    loads.push(p);
    return inner(p);
  };
  const open = async (m = manifest) => ManifestReader.open(counting(directoryReader(m)), { where: "test manifest" });
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  const leaf = (i: number) => sorted[i]!;
  /** A hash strictly between two adjacent leaves (or beyond the ends), by adjusting the last byte. */
  const between = (i: number): Uint8Array => {
    const q = Uint8Array.from(leaf(i));
    for (let k = 31; k >= 0; k--) {
      if (q[k]! < 255) {
        q[k]!++;
        break;
      }
      q[k] = 0;
    }
    return q;
  };

  before(async () => {
    ({ dir, cleanup } = tempDir("reader"));
    writeIdx(path.join(dir, "set.idx"), records(20_000, 12, 21), [12]); // 3 shards: 8192 + 8192 + 3616
    const sources = await openSources(["set.idx"], { baseDir: dir });
    const report = await buildManifest(sources, { out: path.join(dir, "m"), threads: 0 });
    manifest = report.manifestDir;
    expect(report.shardCount).to.equal(3);
    sorted = [];
    for (let k = 0; k < 3; k++) {
      const bytes = readFileSync(path.join(manifest, shardPath(k)));
      for (let i = 0; i < bytes.length; i += 32) sorted.push(bytes.subarray(i, i + 32));
    }
  });
  after(() => cleanup());
  beforeEach(() => {
    loads = [];
  });

  it("opens with header and index only, and checks the root", async () => {
    const reader = await open();
    expect(loads).to.deep.equal(["header.json", "index.bin"]);
    expect(reader.header.leafCount).to.equal(20_000);
    expect(`0x${hex(reader.root)}`).to.equal(reader.header.root);
  });

  it("proves a member reading one shard, and the proof verifies", async () => {
    const reader = await open();
    const q = leaf(9000); // shard 1
    const result = await reader.proveSample(q);
    expect(loads).to.deep.equal(["header.json", "index.bin", "shards/000/000001.bin"]);
    expect(result.kind).to.equal("member");
    if (result.kind !== "member") return;
    expect(result.index).to.equal(9000);
    expect(verifyMember(reader.root, 20_000, q, result.index, result.path)).to.equal(true);
  });

  it("proves members of the first and the short last shard", async () => {
    const reader = await open();
    for (const i of [0, 8191, 16384, 19999]) {
      const r = await reader.proveSample(leaf(i));
      expect(r.kind).to.equal("member");
      if (r.kind === "member") expect(verifyMember(reader.root, 20_000, leaf(i), i, r.path), `leaf ${i}`).to.equal(true);
    }
  });

  it("proves absence inside a shard: the search path ends at the predecessor, below the split key", async () => {
    const reader = await open();
    const q = between(100);
    const r = await reader.proveSample(q);
    expect(r.kind).to.equal("absent");
    if (r.kind !== "absent") return;
    expect(r.index).to.equal(100);
    expect(equalBytes(r.neighbor, leaf(100))).to.equal(true);
    expect(loads.filter((l) => l.startsWith("shards/"))).to.deep.equal(["shards/000/000000.bin"]);
    expect(verifyAbsence(reader.root, 20_000, q, r)).to.equal(true);
  });

  it("proves absence at or above a split key: the search path ends at the successor", async () => {
    const reader = await open();
    const q = splitKey(leaf(100), leaf(101));
    if (equalBytes(q, leaf(101))) throw new Error("fixture: the split key equals the successor");
    const r = await reader.proveSample(q);
    if (r.kind !== "absent") throw new Error("expected absence");
    expect(r.index).to.equal(101);
    expect(verifyAbsence(reader.root, 20_000, q, r)).to.equal(true);
  });

  it("proves absence past a shard's last hash, loading the shard that ends the search path", async () => {
    const reader = await open();
    const q = between(8191); // after the last hash of shard 0, before the first of shard 1
    const r = await reader.proveSample(q);
    if (r.kind !== "absent") throw new Error("expected absence");
    expect(r.index).to.equal(8191);
    // Shard 1 tells where q would be; the predecessor comes from the index; shard 0 gives its path.
    expect(new Set(loads.filter((l) => l.startsWith("shards/")))).to.deep.equal(new Set(["shards/000/000000.bin", "shards/000/000001.bin"]));
    expect(verifyAbsence(reader.root, 20_000, q, r)).to.equal(true);
  });

  it("proves absence at a shard boundary above the split key from one shard (the predecessor is read from the index)", async () => {
    const reader = await open();
    const q = splitKey(leaf(8191), leaf(8192));
    if (equalBytes(q, leaf(8192))) throw new Error("fixture: the split key equals the successor");
    const r = await reader.proveSample(q);
    if (r.kind !== "absent") throw new Error("expected absence");
    expect(r.index).to.equal(8192);
    expect(loads.filter((l) => l.startsWith("shards/"))).to.deep.equal(["shards/000/000001.bin"]);
    expect(verifyAbsence(reader.root, 20_000, q, r)).to.equal(true);
  });

  it("proves absence before the first and after the last sample", async () => {
    const reader = await open();
    const low = new Uint8Array(32);
    const high = new Uint8Array(32).fill(255);
    const r1 = await reader.proveSample(low);
    const r2 = await reader.proveSample(high);
    if (r1.kind !== "absent" || r2.kind !== "absent") throw new Error("expected absence");
    expect(r1.index).to.equal(0);
    expect(r2.index).to.equal(19_999);
    expect(compareHashes(r1.neighbor, low)).to.be.greaterThan(0);
    expect(verifyAbsence(reader.root, 20_000, low, r1)).to.equal(true);
    expect(verifyAbsence(reader.root, 20_000, high, r2)).to.equal(true);
    expect(loads.filter((l) => l.startsWith("shards/"))).to.deep.equal(["shards/000/000000.bin", "shards/000/000002.bin"]);
  });

  it("never proves a member absent, nor a non-member present (every proof checked against the other verifier)", async () => {
    const reader = await open();
    for (const i of [0, 1, 8190, 8191, 8192, 16_383, 16_384, 19_998, 19_999]) {
      const member = await reader.proveSample(leaf(i));
      if (member.kind !== "member") throw new Error(`leaf ${i} not found`);
      expect(verifyAbsence(reader.root, 20_000, leaf(i), { index: i, neighbor: between(i), path: member.path }), `leaf ${i}`).to.equal(false);
      const q = between(i);
      const absent = await reader.proveSample(q);
      if (absent.kind !== "absent") continue; // between(i) may be the next leaf by chance
      expect(verifyMember(reader.root, 20_000, q, absent.index, absent.path), `between ${i}`).to.equal(false);
    }
  });

  it("proves a batch spanning shards with one multiproof, plus absences", async () => {
    const reader = await open();
    const members = [leaf(19_999), leaf(5), leaf(8192), leaf(6), leaf(16_000)];
    const missing = between(300);
    const r = await reader.proveSamples([...members, missing]);
    expect(r.batch!.indexes).to.deep.equal([5, 6, 8192, 16_000, 19_999]);
    expect(verifyBatch(reader.root, 20_000, r.memberHashes, r.batch!.indexes, r.batch!.path)).to.equal(true);
    expect(r.absent).to.have.length(1);
    expect(verifyAbsence(reader.root, 20_000, missing, r.absent[0]!.proof)).to.equal(true);
  });

  it("returns no batch when none of the hashes is a member", async () => {
    const reader = await open();
    const r = await reader.proveSamples([between(10)]);
    expect(r.batch).to.equal(null);
    expect(r.absent).to.have.length(1);
  });

  it("gives the ids of a sample, reading its shard and ids file", async () => {
    const reader = await open();
    const recs = records(20_000, 12, 21);
    const { createHash } = await import("node:crypto");
    const q = createHash("sha256").update(recs[12_345]!).digest();
    expect(await reader.idsOf(q)).to.deep.equal(["set.idx#12345"]);
    expect(await reader.idsOf(between(0))).to.equal(null);
    expect(loads.some((l) => l.startsWith("ids/"))).to.equal(true);
  });

  it("derives each shard's raw CID from the index", async () => {
    const reader = await open();
    const bytes = readFileSync(path.join(manifest, "shards", "000", "000002.bin"));
    expect(reader.shardCid(2).toString()).to.equal(cidFromSha256(RAW_CODEC, sha256(bytes)).toString());
    expect(reader.shardCid(2).toString()).to.match(/^bafkrei/);
  });

  it("checks shards with an injected SHA-256, synchronous or asynchronous (WebCrypto, as on the web page)", async () => {
    const calls: string[] = [];
    const sync = (bytes: Uint8Array): Uint8Array => (calls.push("sync"), sha256(bytes));
    const async = async (bytes: Uint8Array): Promise<Uint8Array> => (calls.push("async"), webSha256(bytes));
    for (const hasher of [sync, async]) {
      const reader = await ManifestReader.open(directoryReader(manifest), { sha256: hasher });
      const result = await reader.proveSample(leaf(9000));
      expect(result.kind).to.equal("member");
    }
    expect(calls).to.deep.equal(["sync", "async"]); // one shard each: shard 1
  });

  it("refuses a shard when the injected SHA-256 disagrees with the index (the hasher is really used)", async () => {
    const wrong = (bytes: Uint8Array): Uint8Array => sha256(bytes.subarray(1));
    const reader = await ManifestReader.open(directoryReader(manifest), { sha256: wrong, where: "injected" });
    const error = await reader.proveSample(leaf(0)).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/^injected: shards\/000\/000000\.bin does not match its index entry \(SHA-256 differs/);
  });

  it("rejects a query that is not 32 bytes", async () => {
    const reader = await open();
    const error = await reader.proveSample(new Uint8Array(31)).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/a sample hash is 32 bytes/);
  });

  describe("with a damaged manifest", () => {
    let copy: string;
    beforeEach(() => {
      copy = path.join(dir, `copy-${Math.random().toString(16).slice(2)}`);
      const files: Record<string, Uint8Array> = {};
      for (const f of ["header.json", "index.bin", "shards/000/000000.bin", "shards/000/000001.bin", "shards/000/000002.bin"]) {
        files[f] = readFileSync(path.join(manifest, f));
      }
      writeTree(copy, files);
    });

    it("refuses a shard whose bytes differ from its index entry, naming its CID", async () => {
      const shard = readFileSync(path.join(copy, "shards", "000", "000001.bin"));
      shard[40] = shard[40]! ^ 1;
      writeFileSync(path.join(copy, "shards", "000", "000001.bin"), shard);
      const reader = await open(copy);
      const error = await reader.proveSample(leaf(9000)).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/shards\/000\/000001\.bin does not match its index entry \(SHA-256 differs; expected CID bafkrei/);
    });

    it("refuses an index whose shard tops do not give the header's root", async () => {
      const index = readFileSync(path.join(copy, "index.bin"));
      index[64] = index[64]! ^ 1; // subtree top of shard 0
      writeFileSync(path.join(copy, "index.bin"), index);
      const error = await open(copy).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/the shard tops in index.bin give root 0x[0-9a-f]+, but header.json says/);
    });

    it("refuses an index whose shard bounds were altered (the split keys above the shards change the root)", async () => {
      const index = readFileSync(path.join(copy, "index.bin"));
      index[132] = index[132]! ^ 1; // first byte of shard 1's first hash: inside the split key between shards 0 and 1
      writeFileSync(path.join(copy, "index.bin"), index);
      const error = await open(copy).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/give root 0x[0-9a-f]+, but header.json says|not in ascending order/);
    });

    it("refuses a header of another format", async () => {
      writeFileSync(path.join(copy, "header.json"), JSON.stringify({ format: "other/1" }));
      const error = await open(copy).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/expected "datatrace-manifest\/2". Is this a Datatrace manifest/);
    });

    it("refuses an index of the wrong length", async () => {
      writeFileSync(path.join(copy, "index.bin"), readFileSync(path.join(copy, "index.bin")).subarray(0, 200));
      const error = await open(copy).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/index.bin has 200 bytes, expected 3 entries × 132 = 396/);
    });

    it("says which file is missing", async () => {
      const error = await open(path.join(dir, "nowhere")).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/Cannot read header.json of manifest .*nowhere: missing/);
    });
  });

  it("refuses idsOf on a private manifest", async () => {
    const sources = await openSources(["set.idx"], { baseDir: dir });
    const report = await buildManifest(sources, { out: path.join(dir, "private"), threads: 0, private: true });
    const reader = await open(report.manifestDir);
    const error = await reader.idsOf(leaf(0)).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/is a private manifest: it keeps no sample ids/);
  });

  it("proves members and absences in a single-shard manifest", async () => {
    writeTree(dir, { "small/a": "a", "small/b": "b", "small/c": "c" });
    const sources = await openSources(["small"], { baseDir: dir });
    const report = await buildManifest(sources, { out: path.join(dir, "small-m"), threads: 0 });
    const reader = await open(report.manifestDir);
    const shard = readFileSync(path.join(report.manifestDir, "shards", "000", "000000.bin"));
    const hashes = [0, 1, 2].map((i) => shard.subarray(i * 32, i * 32 + 32));
    const batch = await reader.proveSamples(hashes);
    expect(verifyBatch(reader.root, 3, batch.memberHashes, batch.batch!.indexes, batch.batch!.path)).to.equal(true);
    const r = await reader.proveSample(hashes[2]!);
    if (r.kind !== "member") throw new Error("expected member");
    expect(verifyMember(reader.root, 3, hashes[2]!, 2, r.path)).to.equal(true);
  });
});
