import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import type { DatasetOnChain } from "../../src/chain/dataset-records.js";
import { buildManifest } from "../../src/engine/build-manifest.js";
import { directoryReader } from "../../src/manifest/manifest-file-reader.js";
import type { ManifestFileReader } from "../../src/manifest/manifest-reader.js";
import { shardPath } from "../../src/manifest/manifest-format.js";
import { openSources } from "../../src/sources/open-sources.js";
import { auditDataset } from "../../src/workflow/audit-dataset.js";
import { records, tempDir, writeIdx } from "../fixtures/dataset-fixtures.js";

/**
 * `auditDataset` over a real three-shard manifest, read through readers that
 * drop or alter single files the way an unreliable host or a careless (or
 * dishonest) registrant would: every fault is one finding of its kind.
 */
describe("auditDataset", function () {
  this.timeout(30_000);
  let cleanup: () => void;
  let manifest: string;
  let dataset: DatasetOnChain;

  before(async () => {
    const tmp = tempDir("audit");
    cleanup = tmp.cleanup;
    writeIdx(path.join(tmp.dir, "set.idx"), records(20_000, 12, 5), [12]); // 3 shards
    const report = await buildManifest(await openSources(["set.idx"], { baseDir: tmp.dir }), { out: path.join(tmp.dir, "m"), threads: 0 });
    manifest = report.manifestDir;
    dataset = {
      id: 7n,
      root: report.root,
      leafCount: report.leafCount,
      manifestCid: "bafybeimanifest",
      previousVersion: 0n,
      registeredAt: 0,
      registrant: "0x0000000000000000000000000000000000000001",
      owner: "0x0000000000000000000000000000000000000001",
      tokenURI: "",
      metadataFrozen: false,
    };
  });
  after(() => cleanup());

  /** The manifest's files, with `change` applied to the bytes of `file` (or the file missing when it returns undefined). */
  const altered = (file: string, change: (bytes: Uint8Array) => Uint8Array | undefined): ManifestFileReader => {
    const read = directoryReader(manifest);
    return async (p) => {
      const bytes = await read(p);
      if (p !== file) return bytes;
      const out = change(Uint8Array.from(bytes));
      if (out === undefined) throw new Error(`${p}: 404 from every gateway`);
      return out;
    };
  };

  it("reports a complete, consistent manifest as clean, counting every shard and byte", async () => {
    const shards: number[] = [];
    const report = await auditDataset(dataset, directoryReader(manifest), { onShard: (done) => shards.push(done) });
    expect(report.outcome).to.equal("clean");
    expect(report.findings).to.deep.equal([]);
    expect(report).to.include({ shardCount: 3, shardsChecked: 3 });
    expect(shards).to.deep.equal([1, 2, 3]);
    const size = (p: string) => readFileSync(path.join(manifest, p)).length;
    expect(report.bytesFetched).to.equal(size("header.json") + size("index.bin") + [0, 1, 2].reduce((n, k) => n + size(shardPath(k)), 0));
  });

  it("names a shard that no gateway serves as unavailable and checks the others", async () => {
    const report = await auditDataset(dataset, altered(shardPath(1), () => undefined));
    expect(report.outcome).to.equal("inconsistent");
    expect(report.findings).to.deep.equal([{ kind: "unavailable", where: shardPath(1), detail: `could not be fetched: ${shardPath(1)}: 404 from every gateway` }]);
    expect(report.shardsChecked).to.equal(2);
  });

  it("stops at a missing header with one finding", async () => {
    const report = await auditDataset(dataset, altered("header.json", () => undefined));
    expect(report.findings.map((f) => [f.kind, f.where])).to.deep.equal([["unavailable", "header.json"]]);
    expect(report.shardsChecked).to.equal(0);
  });

  it("reports a header naming another root or count than the chain", async () => {
    const report = await auditDataset({ ...dataset, root: `0x${"11".repeat(32)}`, leafCount: 5 }, directoryReader(manifest));
    const header = report.findings.filter((f) => f.where === "header.json").map((f) => f.detail);
    expect(header).to.have.length(2);
    expect(header[0]).to.match(/names root 0x[0-9a-f]{64}, but the dataset commits to 0x1111/);
    expect(header[1]).to.match(/counts 20000 distinct samples, but the dataset commits to 5/);
    expect(report.findings.some((f) => f.where === "index.bin" && /not the committed 0x1111/.test(f.detail))).to.equal(true);
  });

  it("reports a shard whose bytes differ from its index entry (SHA-256)", async () => {
    const report = await auditDataset(dataset, altered(shardPath(2), (b) => ((b[5] = b[5]! ^ 1), b)));
    expect(report.findings).to.have.length(1);
    expect(report.findings[0]).to.include({ kind: "mismatch", where: shardPath(2) });
    expect(report.findings[0]!.detail).to.match(/its SHA-256 0x[0-9a-f]{64} differs from its index entry's/);
  });

  it("reports an index whose shard tops do not give the committed root, and names the shard as a hole", async () => {
    const report = await auditDataset(dataset, altered("index.bin", (b) => ((b[132 + 64] = b[132 + 64]! ^ 1), b))); // shard 1's subtree top
    expect(report.findings.map((f) => [f.kind, f.where])).to.deep.equal([
      ["mismatch", "index.bin"],
      ["hole", shardPath(1)],
    ]);
  });

  it("reports index entries out of order", async () => {
    const report = await auditDataset(
      dataset,
      altered("index.bin", (b) => {
        b.set(b.slice(132 + 32, 132 + 64), 32); // shard 0's last hash := shard 1's last hash
        return b;
      }),
    );
    expect(report.findings.some((f) => f.kind === "order" && f.where === "index.bin entries 0, 1")).to.equal(true);
    expect(report.findings.some((f) => f.kind === "mismatch" && f.where === shardPath(0) && /first or last hash differs/.test(f.detail))).to.equal(true);
  });

  it("reports a header that is not a manifest header", async () => {
    const report = await auditDataset(dataset, altered("header.json", () => new TextEncoder().encode("{}")));
    expect(report.findings).to.have.length(1);
    expect(report.findings[0]).to.include({ kind: "mismatch", where: "header.json" });
    expect(report.findings[0]!.detail).to.match(/expected "datatrace-manifest\/2"/);
  });
});
