import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { toHex } from "../../src/hash/hex.js";
import { directoryReader } from "../../src/manifest/manifest-file-reader.js";
import { ManifestReader } from "../../src/manifest/manifest-reader.js";
import { verifyBatch } from "../../src/merkle/multiproof.js";
import { openSources } from "../../src/sources/open-sources.js";
import { proveSample, type DatasetProofChecker } from "../../src/workflow/prove-sample.js";
import { checkMemberBatch, proveSampleSet } from "../../src/workflow/prove-sample-set.js";
import { records } from "../fixtures/dataset-fixtures.js";
import { deployRegistry, tempWorkspace } from "./helpers.js";

const sha = (bytes: Uint8Array | string): Uint8Array => new Uint8Array(createHash("sha256").update(bytes).digest());

/**
 * proveSampleSet (the web page's many-file verification) against a real
 * DatasetNFT on the in-process chain and a three-shard manifest: one batch
 * proof for the members and an absence proof per non-member, each checked
 * locally and by the contract, every shard read once.
 */
describe("proveSampleSet and checkMemberBatch", function () {
  this.timeout(60_000);
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  let lines: string[];
  let manifestDir: string;
  let dataset: { id: bigint; root: string; leafCount: number; manifestCid: string };

  before(async () => {
    env = await deployRegistry();
    t = tempWorkspace("sample-set");
    lines = records(20_000, 10, 5).map((r) => Buffer.from(r).toString("hex"));
    writeFileSync(path.join(t.root, "rows.txt"), `${lines.join("\n")}\n`);
    manifestDir = path.join(t.root, "manifest");
    const report = await buildManifest(await openSources(["rows.txt"], { baseDir: t.root }), { out: manifestDir, threads: 1 });
    expect(report.shardCount).to.equal(3);
    const manifestCid = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
    await (await env.client.datasets.register(report.root, report.leafCount, manifestCid, "", 0)).wait();
    dataset = { id: 1n, root: report.root, leafCount: report.leafCount, manifestCid };
  });
  after(() => t.cleanup());

  /** A reader over the manifest that counts reads per file. */
  async function countingReader(): Promise<{ reader: ManifestReader; reads: Map<string, number> }> {
    const reads = new Map<string, number>();
    const files = directoryReader(manifestDir);
    const reader = await ManifestReader.open(async (file) => {
      reads.set(file, (reads.get(file) ?? 0) + 1);
      return files(file);
    });
    return { reader, reads };
  }

  it("proves members in one batch and each non-member apart, both checked locally and on chain, reading each shard once", async () => {
    const members = [17, 9_000, 19_999, 4, 8_191, 8_192, 12_345].map((i) => sha(lines[i]!));
    const outsiders = ["not a row", "another outsider", "0"].map((s) => sha(s));
    const { reader, reads } = await countingReader();
    const queries = [...members, members[0]!, ...outsiders]; // one duplicate
    const proof = await proveSampleSet(env.readOnly.datasets, dataset, reader, queries);

    expect(proof.batch).to.not.equal(null);
    expect(proof.batch!.memberHashes.map(toHex)).to.deep.equal([...new Set(members.map(toHex))].sort());
    expect(proof.batch!.localValid).to.equal(true);
    expect(proof.batch!.onChainValid).to.equal(true);
    expect(proof.absent.map((a) => toHex(a.sampleHash))).to.deep.equal(outsiders.map(toHex).sort());
    expect(proof.absent.every((a) => a.localValid && a.onChainValid)).to.equal(true);
    const shardReads = [...reads].filter(([f]) => f.startsWith("shards/"));
    expect(shardReads.length).to.be.greaterThan(1);
    expect(shardReads.every(([, n]) => n === 1), JSON.stringify(shardReads)).to.equal(true);

    // The same answers as one proof per sample (proveSample, the CLI's single-sample path).
    for (const a of proof.absent) {
      const single = await proveSample(env.readOnly.datasets, dataset, reader, a.sampleHash);
      expect(single.member).to.equal(false);
      expect(single.index).to.equal(a.index);
    }
    for (const [k, h] of proof.batch!.memberHashes.entries()) {
      expect((await proveSample(env.readOnly.datasets, dataset, reader, h)).index).to.equal(proof.batch!.indexes[k]);
    }
  });

  it("reports a checker that rejects the proofs as not valid on chain, while the local checks still pass", async () => {
    const { reader } = await countingReader();
    const refusing: DatasetProofChecker = { verifySample: async () => false, verifySamples: async () => false, verifyAbsence: async () => false };
    const proof = await proveSampleSet(refusing, dataset, reader, [sha(lines[3]!), sha("outsider")]);
    expect(proof.batch).to.deep.include({ localValid: true, onChainValid: false });
    expect(proof.absent[0]).to.deep.include({ localValid: true, onChainValid: false });
  });

  it("gives no batch when no sample is a member, and checkMemberBatch none below its minimum", async () => {
    const { reader } = await countingReader();
    const proof = await proveSampleSet(env.readOnly.datasets, dataset, reader, [sha("x"), sha("y")]);
    expect(proof.batch).to.equal(null);
    expect(proof.absent).to.have.length(2);
    expect(await checkMemberBatch(env.readOnly.datasets, dataset, reader, [sha(lines[1]!)], 2)).to.equal(null);
    const one = await checkMemberBatch(env.readOnly.datasets, dataset, reader, [sha(lines[1]!), sha(lines[1]!)]);
    expect(one).to.deep.include({ localValid: true, onChainValid: true });
    expect(one!.indexes).to.have.length(1);
    expect(verifyBatch(Buffer.from(dataset.root.slice(2), "hex"), dataset.leafCount, one!.memberHashes, one!.indexes, one!.path)).to.equal(true);
  });
});
