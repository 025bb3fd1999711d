import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { sha256 } from "../../src/hash/sha256.js";
import { toHex } from "../../src/hash/hex.js";
import { COMMITMENT_SCHEME, encodeHeader, encodeIndexEntry, HEADER_FILE, INDEX_ENTRY_BYTES, INDEX_FILE, MANIFEST_FORMAT, SHARD_SIZE, shardPath } from "../../src/manifest/manifest-format.js";
import { buildTree } from "../../src/merkle/tree.js";
import { auditDataset } from "../../src/workflow/audit-dataset.js";
import { readDataset } from "../../src/chain/dataset-records.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import { registerDataset, type RegisteredDataset } from "../../src/workflow/register-dataset.js";
import { registerModel } from "../../src/workflow/register-model.js";
import { sampleQueriesFromFiles, sampleQueryFromHash } from "../../src/workflow/sample-query.js";
import { traceSamples } from "../../src/workflow/trace-samples.js";
import { verifyDatasetSamples, type DatasetVerification } from "../../src/workflow/verify-dataset-samples.js";
import { verificationExitCode, verificationText } from "../../tasks/dataset/verify.js";
import { traceExitCode } from "../../tasks/model/trace.js";
import { deployRegistry, rejection, tempWorkspace, writeSamples } from "./helpers.js";

describe("verifyDatasetSamples and traceSamples", function () {
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  let local: LocalStore;
  let content: ContentSource;
  let a: RegisteredDataset;
  let b: RegisteredDataset;
  let aFiles: string[];
  let bFiles: string[];
  let outsider: string;
  let parentId: bigint;
  let childId: bigint;

  before(async () => {
    env = await deployRegistry();
    t = tempWorkspace("verify");
    local = new LocalStore({ dir: t.workspace.blocksDir });
    content = new ContentSource({ local });
    const deps = { client: env.client, store: local, workspace: t.workspace };
    const sa = writeSamples(t.root, "a", 40);
    const sb = writeSamples(t.root, "b", 9);
    aFiles = sa.files;
    bFiles = sb.files;
    a = await registerDataset(deps, { sources: [sa.dir], sourceOptions: { baseDir: t.root }, threads: 1, metadata: { name: "A", license: "MIT" } });
    b = await registerDataset(deps, { sources: [sb.dir], sourceOptions: { baseDir: t.root }, private: true, threads: 1, metadata: { name: "B", license: "MIT" } });
    writeSamples(t.root, "w1", 1);
    writeSamples(t.root, "w2", 1);
    parentId = (await registerModel(deps, { weights: path.join(t.root, "w1"), datasetIds: [a.tokenId], parentIds: [], metadata: { name: "parent" } })).tokenId;
    childId = (await registerModel(deps, { weights: path.join(t.root, "w2"), datasetIds: [b.tokenId], parentIds: [parentId], relation: "finetune", metadata: { name: "child" } })).tokenId;
    outsider = path.join(t.root, "outsider.bin");
    writeFileSync(outsider, "not in any dataset");
  });
  after(() => t.cleanup());

  it("proves members (index, ids) and a non-member, each checked locally and on chain, with one batch proof", async () => {
    const queries = await sampleQueriesFromFiles([aFiles[3]!, aFiles[17]!, outsider, aFiles[30]!]);
    const v = await verifyDatasetSamples({ client: env.readOnly, content }, a.tokenId, queries);
    expect(v.outcome).to.equal("some-absent");
    expect(v.samples.map((s) => s.member)).to.deep.equal([true, true, false, true]);
    expect(v.samples.every((s) => s.localValid && s.onChainValid)).to.equal(true);
    expect(v.samples[0]!.ids).to.deep.equal([`a/${path.basename(aFiles[3]!)}`]);
    expect(v.samples[2]!.neighbor).to.match(/^0x[0-9a-f]{64}$/);
    expect(v.samples[2]!.neighbor).to.not.equal(v.samples[2]!.sampleHash);
    expect(v.batch).to.include({ members: 3, localValid: true, onChainValid: true });
    expect(v.batch!.proofHashes).to.be.greaterThan(0);
  });

  it("answers all-members when every sample is in the dataset, and names no ids for a private dataset", async () => {
    const v = await verifyDatasetSamples({ client: env.readOnly, content }, b.tokenId, await sampleQueriesFromFiles([bFiles[0]!]));
    expect(v.outcome).to.equal("all-members");
    expect(v.samples[0]!.ids).to.equal(undefined);
    expect(v.batch).to.equal(undefined);
  });

  it("accepts a sample hash instead of a file, and rejects malformed hashes and missing files", async () => {
    const hash = toHex(sha256(readFileSync(aFiles[5]!)));
    const v = await verifyDatasetSamples({ client: env.readOnly, content }, a.tokenId, [sampleQueryFromHash(hash.slice(2))]);
    expect(v.samples[0]!.member).to.equal(true);
    expect(() => sampleQueryFromHash("0x1234")).to.throw(/is not a sample hash/);
    expect((await rejection(sampleQueriesFromFiles([path.join(t.root, "nope")]))).message).to.match(/Cannot read the sample file .*nope: no such file/);
    expect((await rejection(sampleQueriesFromFiles([t.root]))).message).to.match(/is a directory, not a sample file/);
  });

  it("rejects an unknown dataset and a manifest that does not match the on-chain commitment", async () => {
    const q = await sampleQueriesFromFiles([aFiles[0]!]);
    expect((await rejection(verifyDatasetSamples({ client: env.readOnly, content }, 77n, q))).message).to.match(/Dataset #77 does not exist/);
    // A dataset whose registered manifest CID is another dataset's manifest.
    await env.client.datasets.register(`0x${"5a".repeat(32)}`, 3n, a.manifestCid, "", 0n);
    const forged = await env.client.datasets.datasetCount();
    const error = await rejection(verifyDatasetSamples({ client: env.readOnly, content }, forged, q));
    expect(error.message).to.match(/has root 0x.* but the dataset commits to 0x5a5a/);
  });

  it("fails with advice when the manifest is neither local nor reachable", async () => {
    const empty = tempWorkspace("empty");
    try {
      const isolated = new ContentSource({ local: new LocalStore({ dir: empty.workspace.blocksDir }) });
      const error = await rejection(verifyDatasetSamples({ client: env.readOnly, content: isolated }, a.tokenId, await sampleQueriesFromFiles([aFiles[0]!])));
      expect(error.message).to.match(/Cannot fetch manifest .* is not in the local store[\s\S]*--gateway/);
    } finally {
      empty.cleanup();
    }
  });

  describe("through IPFS gateways", () => {
    let server: RunningIpfsServer;
    before(async () => (server = await startIpfsServer({ store: local, port: 0 })));
    after(async () => server.close());

    it("fetches the manifest through a gateway, skipping a dead one with a warning, and keeps the verified blocks", async () => {
      const empty = tempWorkspace("fetch");
      try {
        const warnings: string[] = [];
        const fresh = new LocalStore({ dir: empty.workspace.blocksDir });
        const remote = new ContentSource({ local: fresh, gateways: ["http://127.0.0.1:1", server.url], timeoutMs: 5000, onWarning: (w) => warnings.push(w) });
        const v = await verifyDatasetSamples({ client: env.readOnly, content: remote }, a.tokenId, await sampleQueriesFromFiles([aFiles[1]!, outsider]));
        expect(v.outcome).to.equal("some-absent");
        expect(v.samples.every((s) => s.localValid && s.onChainValid)).to.equal(true);
        expect(warnings[0]).to.match(/gateway http:\/\/127\.0\.0\.1:1 skipped: unreachable/);
        expect(await fresh.hasBlock(a.manifestCid)).to.equal(true);
      } finally {
        empty.cleanup();
      }
    });
  });

  it("traces a sample of the parent's dataset through the child, with the lineage path", async () => {
    const report = await traceSamples({ client: env.readOnly, content }, childId, await sampleQueriesFromFiles([aFiles[8]!, bFiles[2]!]));
    expect(report.outcome).to.equal("all-found");
    expect(report.lineage.map((s) => [s.modelId, s.path])).to.deep.equal([
      [childId, [childId]],
      [parentId, [childId, parentId]],
    ]);
    const [fromA, fromB] = report.samples;
    expect(fromA!.foundIn.map((c) => c.datasetId)).to.deep.equal([a.tokenId]);
    expect(fromA!.absentFrom.map((c) => c.datasetId)).to.deep.equal([b.tokenId]);
    expect(report.datasets.find((d) => d.datasetId === a.tokenId)!.usedBy).to.deep.equal([{ modelId: parentId, path: [childId, parentId] }]);
    expect(fromB!.foundIn.map((c) => c.datasetId)).to.deep.equal([b.tokenId]);
    expect([...fromA!.foundIn, ...fromA!.absentFrom].every((c) => c.localValid && c.onChainValid)).to.equal(true);
  });

  it("proves a sample absent from every dataset of the lineage", async () => {
    const report = await traceSamples({ client: env.readOnly, content }, childId, await sampleQueriesFromFiles([outsider]));
    expect(report.outcome).to.equal("some-not-found");
    expect(report.samples[0]!.foundIn).to.deep.equal([]);
    expect(report.samples[0]!.absentFrom.map((c) => c.datasetId)).to.deep.equal([a.tokenId, b.tokenId]);
  });

  it("searches only the model's own lineage: the parent does not see its child's data", async () => {
    const report = await traceSamples({ client: env.readOnly, content }, parentId, await sampleQueriesFromFiles([bFiles[2]!]));
    expect(report.lineage.map((s) => s.modelId)).to.deep.equal([parentId]);
    expect(report.outcome).to.equal("some-not-found");
  });

  describe("a registrant's manifest that does not publish what it committed", () => {
    let holeId: bigint;
    let hidingId: bigint;
    let hashes: Uint8Array[];

    /** Writes a one-shard manifest whose shard holds `published`, but whose index and header commit to `committed`. */
    async function registerManifest(name: string, published: Uint8Array[], committed: Uint8Array[], client = env.client): Promise<bigint> {
      const bytes = Buffer.concat(published);
      const tree = buildTree(Buffer.concat(committed), { checkSorted: false });
      const dir = path.join(t.root, name);
      mkdirSync(path.join(dir, path.dirname(shardPath(0))), { recursive: true });
      writeFileSync(path.join(dir, shardPath(0)), bytes);
      const index = new Uint8Array(INDEX_ENTRY_BYTES);
      encodeIndexEntry(
        { first: published[0]!, last: published[published.length - 1]!, subtreeTop: tree.top, shardSha256: sha256(bytes), leafCount: published.length },
        index,
        0,
      );
      writeFileSync(path.join(dir, INDEX_FILE), index);
      writeFileSync(
        path.join(dir, HEADER_FILE),
        encodeHeader({
          format: MANIFEST_FORMAT,
          scheme: COMMITMENT_SCHEME,
          root: toHex(tree.root),
          leafCount: committed.length,
          sampleCount: committed.length,
          duplicateCount: 0,
          totalBytes: 0,
          shardSize: SHARD_SIZE,
          shardCount: 1,
          private: true,
          sources: [],
        }),
      );
      const cid = (await local.put(dir)).cid;
      await client.datasets.register(toHex(tree.root), BigInt(committed.length), cid, "", 0n);
      return client.datasets.datasetCount();
    }

    before(async () => {
      hashes = [0, 1, 2, 3].map((i) => sha256(Buffer.from(`committed sample ${i}`))).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      // A hole: a value nobody knows the preimage of, in sorted position between samples 0 and 2, instead of sample 1.
      const hole = Uint8Array.from(hashes[1]!);
      hole[31] = hole[31]! ^ 0x01;
      const withHole = [hashes[0]!, hole, hashes[2]!, hashes[3]!].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      holeId = await registerManifest("hole-published", withHole, withHole);
      hidingId = await registerManifest("hole-hidden", hashes, withHole, env.bobClient); // same root: another account
    });

    it("a sample replaced by a hole is proven absent, and cannot also be proven present", async () => {
      const v = await verifyDatasetSamples({ client: env.readOnly, content }, holeId, [sampleQueryFromHash(toHex(hashes[1]!))]);
      expect(v.outcome).to.equal("some-absent");
      expect(v.samples[0]).to.include({ member: false, localValid: true, onChainValid: true });
    });

    it("a manifest hiding the hole behind the real sample is refused, and dataset audit names the shard as a hole", async () => {
      const error = await rejection(verifyDatasetSamples({ client: env.readOnly, content }, hidingId, [sampleQueryFromHash(toHex(hashes[1]!))]));
      expect(error.message).to.match(/subtree top differs from its index entry/);
      const dataset = await readDataset(env.readOnly, hidingId);
      const audit = await auditDataset(dataset, content.manifestFiles(dataset.manifestCid));
      expect(audit.outcome).to.equal("inconsistent");
      expect(audit.findings.map((f) => f.kind)).to.deep.equal(["hole"]);
      expect(audit.findings[0]!.where).to.equal(shardPath(0));
      const published = await readDataset(env.readOnly, holeId);
      const clean = await auditDataset(published, content.manifestFiles(published.manifestCid));
      expect(clean.outcome).to.equal("clean"); // a published hole is consistent: the tree commits exactly what the manifest shows
    });

    it("prints a non-member with where its search path ends, and maps outcomes to exit statuses", () => {
      const v: DatasetVerification = {
        datasetId: 9n,
        root: `0x${"11".repeat(32)}`,
        leafCount: 4,
        manifestCid: "bafy",
        samples: [
          {
            label: "x.eml",
            sampleHash: `0x${"22".repeat(32)}`,
            member: false,
            index: 2,
            neighbor: `0x${"33".repeat(32)}`,
            proofHashes: 4,
            localValid: true,
            onChainValid: true,
          },
        ],
        outcome: "some-absent",
      };
      const text = verificationText(v).join("\n");
      expect(text).to.match(/NOT MEMBER +x\.eml \(0x222222…2222\): proven absent, its search path ends at sample #2 0x333333…3333/);
      expect(text).to.match(/result +0 of 1 sample in the dataset \(exit status 3\)/);
      expect(verificationExitCode("some-absent")).to.equal(3);
      expect(verificationExitCode("invalid")).to.equal(2);
      expect(verificationExitCode("all-members")).to.equal(0);
      expect(traceExitCode("some-not-found")).to.equal(3);
      expect(traceExitCode("all-found")).to.equal(0);
      expect(traceExitCode("invalid")).to.equal(2);
    });
  });

  it("rejects an unknown model", async () => {
    expect((await rejection(traceSamples({ client: env.readOnly, content }, 42n, []))).message).to.match(/Model #42 does not exist/);
  });
});
