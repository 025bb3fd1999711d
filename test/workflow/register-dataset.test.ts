import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { isUserError, type UserError } from "../../src/errors/index.js";
import { toChainError } from "../../src/chain/describe-error.js";
import { createRegistryClient } from "../../src/chain/registry-client.js";
import { idsPath, shardPath } from "../../src/manifest/manifest-format.js";
import { manifestCid } from "../../src/manifest/manifest-cid.js";
import { RegistrationJournal } from "../../src/registry/journal.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { buildManifest } from "../../src/engine/build-manifest.js";
import { openSources } from "../../src/sources/open-sources.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import { registerDataset, type RegisterDatasetInput } from "../../src/workflow/register-dataset.js";
import { readTokenMetadata } from "../../src/workflow/token-metadata.js";
import { CountingStore, deployRegistry, recordingReporter, rejection, tempWorkspace, writeSamples } from "./helpers.js";

const metadata = { name: "Test samples", license: "CC0-1.0", datePublished: "2026-07-01" };

describe("registerDataset", function () {
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  let store: CountingStore;
  before(async () => (env = await deployRegistry()));
  beforeEach(() => {
    t = tempWorkspace("register");
    store = new CountingStore(new LocalStore({ dir: t.workspace.blocksDir }));
  });
  afterEach(() => t.cleanup());

  const input = (dir: string, extra: Partial<RegisterDatasetInput> = {}): RegisterDatasetInput => ({ sources: [dir], sourceOptions: { baseDir: t.root }, threads: 1, metadata, ...extra });

  it("hashes the sources, stores manifest and metadata, mints, and reports token, CIDs and transaction", async () => {
    const { dir } = writeSamples(t.root, "data", 12);
    const reporter = recordingReporter();
    const r = await registerDataset({ client: env.client, store, workspace: t.workspace, reporter }, input(dir));
    expect(r.status).to.equal("registered");
    expect(r.leafCount).to.equal(12);
    expect(r.stepsRun).to.deep.equal(["hashed", "manifestStored", "metadataStored", "txSent", "minted"]);
    expect(await env.client.datasets.tokenOf(r.root, await env.alice.getAddress())).to.equal(r.tokenId);
    const onChain = await env.client.datasets.dataset(r.tokenId);
    expect(onChain.manifestCid).to.equal(r.manifestCid);
    expect(r.manifestCid).to.match(/^bafybei/);
    expect(r.tokenURI).to.equal(`ipfs://${r.metadataCid}`);
    expect(r.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(store.puts).to.deep.equal([r.manifestDir]);
    expect(store.byteNames).to.deep.equal(["metadata.json"]);
    expect(await store.inner.has(r.manifestCid)).to.equal(true);
    const doc = await readTokenMetadata(new ContentSource({ local: store.inner }), r.tokenURI);
    expect(doc?.["@type"]).to.equal("sc:Dataset");
    expect(doc?.merkleRoot).to.equal(r.root);
    expect(doc?.leafCount).to.equal(12);
    expect(doc?.datePublished).to.equal("2026-07-01");
    expect(JSON.parse(readFileSync(r.journalFile, "utf8")).steps.minted.data.tokenId).to.equal(r.tokenId.toString());
    expect(reporter.lines.some((l) => l.startsWith("step sending DatasetNFT.register"))).to.equal(true);
  });

  it("registers an existing manifest directory without hashing again", async () => {
    const { dir } = writeSamples(t.root, "data", 5);
    const report = await buildManifest(await openSources([dir], { baseDir: t.root }), { out: path.join(t.root, "manifest"), threads: 0 });
    const reporter = recordingReporter();
    const r = await registerDataset({ client: env.client, store, workspace: t.workspace, reporter }, { sources: [report.manifestDir], metadata });
    expect(r.root).to.equal(report.root);
    expect(r.manifestDir).to.equal(report.manifestDir);
    expect(reporter.lines).to.not.include("hashed");
  });

  it("reports a finished registration as existing without uploading or sending again", async () => {
    const { dir } = writeSamples(t.root, "data", 4);
    const first = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    const count = await env.client.datasets.datasetCount();
    const again = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    expect(again.status).to.equal("existing");
    expect(again.tokenId).to.equal(first.tokenId);
    expect(again.stepsRun).to.deep.equal([]);
    expect(store.count).to.equal(2);
    expect(await env.client.datasets.datasetCount()).to.equal(count);
  });

  it("resumes a run interrupted after the uploads without uploading again or minting twice", async () => {
    const { dir } = writeSamples(t.root, "data", 6);
    const before = await env.client.datasets.datasetCount();
    const crash = async (step: string) => {
      if (step === "txSent") throw new Error("simulated crash before sending");
    };
    expect((await rejection(registerDataset({ client: env.client, store, workspace: t.workspace, hooks: { beforeStep: crash } }, input(dir)))).message).to.equal(
      "simulated crash before sending",
    );
    expect(store.count).to.equal(2);
    expect(await env.client.datasets.datasetCount()).to.equal(before);
    const r = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    expect(r.status).to.equal("resumed");
    expect(r.stepsRun).to.deep.equal(["txSent", "minted"]);
    expect(store.count).to.equal(2);
    expect(await env.client.datasets.datasetCount()).to.equal(before + 1n);
  });

  it("resumes a run killed after sending: the recorded transaction is looked up, not sent again", async () => {
    const { dir } = writeSamples(t.root, "data", 6);
    const before = await env.client.datasets.datasetCount();
    const crash = async (step: string) => {
      if (step === "minted") throw new Error("simulated crash after sending");
    };
    await rejection(registerDataset({ client: env.client, store, workspace: t.workspace, hooks: { beforeStep: crash } }, input(dir)));
    expect(await env.client.datasets.datasetCount()).to.equal(before + 1n);
    const r = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    expect(r.status).to.equal("resumed");
    expect(r.stepsRun).to.deep.equal(["minted"]);
    expect(r.tokenId).to.equal(before + 1n);
    expect(await env.client.datasets.datasetCount()).to.equal(before + 1n);
    expect(store.count).to.equal(2);
  });

  it("finishes the journal of a run killed after its transaction went out but before it was recorded", async () => {
    const { dir } = writeSamples(t.root, "data", 7);
    const before = await env.client.datasets.datasetCount();
    // The killed run: its uploads are recorded, its transaction is mined, the journal never heard of it.
    const sendThenDie = async (step: string) => {
      if (step !== "txSent") return;
      const [state] = await new RegistrationJournal(t.workspace.journalDir).list();
      const hashed = state!.steps.hashed!.data as { root: string; leafCount: number };
      const manifest = state!.steps.manifestStored!.data as { cid: string };
      const meta = state!.steps.metadataStored!.data as { tokenURI: string };
      await (await env.client.datasets.register(hashed.root, BigInt(hashed.leafCount), manifest.cid, meta.tokenURI, 0n)).wait();
      throw new Error("killed after sending");
    };
    expect((await rejection(registerDataset({ client: env.client, store, workspace: t.workspace, hooks: { beforeStep: sendThenDie } }, input(dir)))).message).to.equal("killed after sending");
    expect(await env.client.datasets.datasetCount()).to.equal(before + 1n);
    const uploads = store.count;

    const r = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    expect(r.status).to.equal("resumed");
    expect(r.stepsRun).to.deep.equal(["txSent", "minted"]);
    expect(r.tokenId).to.equal(before + 1n);
    expect(store.count).to.equal(uploads);
    expect(await env.client.datasets.datasetCount()).to.equal(before + 1n);
    const [journal] = await new RegistrationJournal(t.workspace.journalDir).list();
    expect((journal!.steps.minted!.data as { tokenId: string }).tokenId).to.equal(r.tokenId.toString());
    // A third run has nothing to do.
    expect((await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir))).status).to.equal("existing");
  });

  it("registers a root another account registered first: registrations are per account, nobody can squat a root", async () => {
    const { dir } = writeSamples(t.root, "data", 3);
    const other = tempWorkspace("other");
    try {
      // Bob registers the samples first (a squatter, or a second curator: the contract cannot tell), even as a private manifest.
      const bobs = await registerDataset({ client: env.bobClient, store: new LocalStore({ dir: other.workspace.blocksDir }), workspace: other.workspace }, input(dir, { private: true }));
      const mine = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
      expect(mine.status).to.equal("registered");
      expect(mine.tokenId).to.not.equal(bobs.tokenId);
      expect(mine.root).to.equal(bobs.root);
      expect(mine.registrant).to.equal(env.alice.address);
      expect(mine.otherRegistrations).to.deep.equal([bobs.tokenId]);
      expect(await env.client.datasets.tokenOf(mine.root, env.alice.address)).to.equal(mine.tokenId);
      expect(await env.client.datasets.tokenOf(mine.root, env.bob.address)).to.equal(bobs.tokenId);
      expect([...(await env.client.datasets.tokensOfRoot(mine.root, 0n, 10n))]).to.deep.equal([bobs.tokenId, mine.tokenId]);
      expect(store.count).to.equal(2);
    } finally {
      other.cleanup();
    }
  });

  describe("bad input never mints (hardening)", () => {
    /** A manifest made by `dataset hash`, then damaged by `damage`. */
    async function damagedManifest(damage: (dir: string) => void): Promise<string> {
      const { dir } = writeSamples(t.root, "data", 5);
      const report = await buildManifest(await openSources([dir], { baseDir: t.root }), { out: path.join(t.root, "m"), threads: 1 });
      damage(report.manifestDir);
      return report.manifestDir;
    }
    const cases: Array<[string, (dir: string) => void]> = [
      ["header.json missing", (dir) => rmSync(path.join(dir, "header.json"))],
      ["header.json truncated", (dir) => writeFileSync(path.join(dir, "header.json"), readFileSync(path.join(dir, "header.json")).subarray(0, 40))],
      ["header.json not JSON", (dir) => writeFileSync(path.join(dir, "header.json"), "not json at all")],
      ["index.bin missing", (dir) => rmSync(path.join(dir, "index.bin"))],
    ];
    for (const [what, damage] of cases) {
      it(`refuses a manifest directory with ${what}: checked as a manifest, never hashed as a folder of samples`, async () => {
        const manifestDir = await damagedManifest(damage);
        const count = await env.client.datasets.datasetCount();
        const error = await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, input(manifestDir)));
        expect(isUserError(error), error.message).to.equal(true);
        expect(error.message).to.match(/The manifest .* is not consistent/);
        expect(store.count).to.equal(0);
        expect(await env.client.datasets.datasetCount()).to.equal(count);
      });
    }
  });

  it("keeps a registered manifest's local copy: a different manifest of the same root goes next to it, not over it", async () => {
    const { dir } = writeSamples(t.root, "data", 6);
    const first = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    const cidBefore = await manifestCid(first.manifestDir);
    // Same samples, private manifest (no ids), registered by another account in the same workspace.
    const bobs = await registerDataset({ client: env.bobClient, store, workspace: t.workspace }, input(dir, { private: true }));
    expect(bobs.root).to.equal(first.root);
    expect(bobs.manifestDir).to.not.equal(first.manifestDir);
    expect(path.basename(bobs.manifestDir)).to.equal(`${first.root}.${bobs.manifestCid.slice(-12)}`);
    expect(await manifestCid(first.manifestDir)).to.equal(cidBefore); // untouched
    expect(await manifestCid(first.manifestDir)).to.equal(first.manifestCid);
    // This account registering the private manifest too is refused, and still touches nothing.
    const error = await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir, { private: true })));
    expect(error.message).to.match(/This account already registered the root .* with a different manifest/);
    expect(await manifestCid(first.manifestDir)).to.equal(cidBefore);
    // Hashing the very same samples again reuses the existing copy (no new directory).
    const again = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    expect(again.status).to.equal("existing");
    expect(again.manifestDir).to.equal(first.manifestDir);
    expect(readdirSync(path.dirname(first.manifestDir)).filter((n) => n.startsWith(first.root)).sort()).to.deep.equal(
      [path.basename(first.manifestDir), path.basename(bobs.manifestDir)].sort(),
    );
  });

  it("reports descriptive fields given to an existing registration as not applied, instead of dropping them", async () => {
    const { dir } = writeSamples(t.root, "data", 4);
    const first = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    const reporter = recordingReporter();
    const same = await registerDataset({ client: env.client, store, workspace: t.workspace, reporter }, input(dir));
    expect(same.ignoredMetadata).to.equal(undefined); // same name and license: nothing ignored
    const renamed = await registerDataset(
      { client: env.client, store, workspace: t.workspace, reporter },
      { ...input(dir), metadata: { ...metadata, name: "Another name", license: "MIT", description: "new words" } },
    );
    expect(renamed.status).to.equal("existing");
    expect(renamed.tokenId).to.equal(first.tokenId);
    expect(renamed.ignoredMetadata?.map((f) => f.field)).to.deep.equal(["name", "license", "description"]);
    expect(renamed.ignoredMetadata![0]).to.deep.equal({ field: "name", given: '"Another name"', registered: '"Test samples"' });
    expect(reporter.lines.some((l) => /^warn dataset #\d+ was already registered with other metadata; not applied: name "Another name" \(registered: "Test samples"\)/.test(l))).to.equal(true);
    const metadataNow = await readTokenMetadata(new ContentSource({ local: new LocalStore({ dir: t.workspace.blocksDir }) }), await env.client.datasets.tokenURI(first.tokenId));
    expect(metadataNow?.name).to.equal("Test samples"); // unchanged
  });

  it("refuses a --previous version this account neither registered nor owns, before any work", async () => {
    const { dir } = writeSamples(t.root, "data", 3);
    const other = tempWorkspace("prev");
    try {
      const bobs = await registerDataset({ client: env.bobClient, store: new LocalStore({ dir: other.workspace.blocksDir }), workspace: other.workspace }, input(dir));
      const error = await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, { ...input(dir), previousVersion: bobs.tokenId }));
      expect(isUserError(error)).to.equal(true);
      expect(error.message).to.contain(`Dataset #${bobs.tokenId} was registered by ${env.bob.address} and is owned by ${env.bob.address}; this account (${env.alice.address}) can not register a new version of it.`);
      expect((error as UserError).family).to.equal("usage");
      expect(store.count).to.equal(0);
    } finally {
      other.cleanup();
    }
  });

  it("refuses a root this account registered with another manifest, naming the token", async () => {
    const { dir } = writeSamples(t.root, "data", 4);
    const first = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir, { private: true }));
    const again = tempWorkspace("again");
    try {
      const error = await rejection(registerDataset({ client: env.client, store: new LocalStore({ dir: again.workspace.blocksDir }), workspace: again.workspace }, input(dir)));
      expect(error.message).to.contain(`This account already registered the root ${first.root} as dataset #${first.tokenId}, with a different manifest ${first.manifestCid}`);
      expect(error.message).to.match(/Nothing was uploaded or sent: an account registers a root once/);
    } finally {
      again.cleanup();
    }
  });

  it("reports the existing token when this account registered the same manifest without a journal", async () => {
    const { dir } = writeSamples(t.root, "data", 4);
    const first = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    const fresh = tempWorkspace("nojournal");
    try {
      const freshStore = new CountingStore(new LocalStore({ dir: fresh.workspace.blocksDir }));
      const r = await registerDataset({ client: env.client, store: freshStore, workspace: fresh.workspace }, input(dir));
      expect(r.status).to.equal("existing");
      expect(r.tokenId).to.equal(first.tokenId);
      expect(r.manifestCid).to.equal(first.manifestCid);
      expect(freshStore.count).to.equal(0);
    } finally {
      fresh.cleanup();
    }
  });

  it("checks every shard and ids file of a given manifest directory before uploading, naming the bad file", async () => {
    const { dir } = writeSamples(t.root, "data", 5);
    const made = async (name: string) => (await buildManifest(await openSources([dir], { baseDir: t.root }), { out: path.join(t.root, name), threads: 0 })).manifestDir;
    const before = await env.client.datasets.datasetCount();

    const corruptShard = await made("bad-shard");
    const shard = path.join(corruptShard, shardPath(0));
    const bytes = readFileSync(shard);
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(shard, bytes);
    const shardError = await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, { sources: [corruptShard], metadata }));
    expect(shardError.message).to.match(/is not consistent: shards\/000\/000000\.bin: .*does not match its index entry[\s\S]*Nothing was uploaded or sent/);

    const missingIds = await made("no-ids");
    rmSync(path.join(missingIds, idsPath(0)));
    expect((await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, { sources: [missingIds], metadata }))).message).to.match(/ids\/000\/000000\.\w+: cannot be read \(ENOENT\)/);

    const shortIds = await made("short-ids");
    const idsFile = path.join(shortIds, idsPath(0));
    writeFileSync(idsFile, readFileSync(idsFile, "utf8").split("\n").slice(1).join("\n"));
    expect((await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, { sources: [shortIds], metadata }))).message).to.match(/has 4 lines, but shard 0 has 5 hashes/);

    const badLine = await made("bad-line");
    const badFile = path.join(badLine, idsPath(0));
    const lines = readFileSync(badFile, "utf8").split("\n");
    lines[2] = "{not json";
    writeFileSync(badFile, lines.join("\n"));
    expect((await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, { sources: [badLine], metadata }))).message).to.match(/line 3 is not a JSON array of sample ids/);

    expect(store.count).to.equal(0);
    expect(await env.client.datasets.datasetCount()).to.equal(before);
  });

  it("links a new version to the one it supersedes and rejects an unknown previous version", async () => {
    const a = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(writeSamples(t.root, "v1", 3).dir));
    const b = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(writeSamples(t.root, "v2", 4).dir, { previousVersion: a.tokenId }));
    expect((await env.client.datasets.dataset(b.tokenId)).previousVersion).to.equal(a.tokenId);
    const error = await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, input(writeSamples(t.root, "v3", 2).dir, { previousVersion: 999n })));
    expect(error.message).to.match(/Dataset #999 does not exist/);
  });

  it("rejects bad metadata before anything is uploaded or sent", async () => {
    const { dir } = writeSamples(t.root, "data", 3);
    const before = await env.client.datasets.datasetCount();
    const noLicense = await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir, { metadata: { name: "x", license: "" } })));
    expect(noLicense.message).to.match(/license/i);
    const noName = await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir, { metadata: { name: " ", license: "MIT" } })));
    expect(noName.message).to.match(/dataset name/);
    const badDate = await rejection(registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir, { metadata: { ...metadata, datePublished: "2026-02-30" } })));
    expect(badDate.message).to.match(/datePublished/);
    expect(await env.client.datasets.datasetCount()).to.equal(before);
    expect(store.count).to.equal(0);
  });

  it("rejects missing sources, a manifest mixed with sources, and a missing path", async () => {
    const m = await buildManifest(await openSources([writeSamples(t.root, "m", 2).dir], { baseDir: t.root }), { out: path.join(t.root, "manifest"), threads: 0 });
    const deps = { client: env.client, store, workspace: t.workspace };
    expect((await rejection(registerDataset(deps, { sources: [], metadata }))).message).to.match(/^No dataset given/);
    expect((await rejection(registerDataset(deps, { sources: [m.manifestDir, writeSamples(t.root, "x", 1).dir], metadata }))).message).to.match(/manifest directory, which must be registered alone/);
    expect((await rejection(registerDataset(deps, { sources: [path.join(t.root, "missing")], metadata }))).message).to.match(/Cannot read source/);
  });

  it("refuses a read-only connection before doing any work", async () => {
    const { dir } = writeSamples(t.root, "data", 3);
    const error = await rejection(registerDataset({ client: env.readOnly, store, workspace: t.workspace }, input(dir)));
    expect(error.message).to.match(/No account to send transactions with/);
    expect(store.count).to.equal(0);
  });

  it("detects a journal left by a chain that was reset", async () => {
    const { dir } = writeSamples(t.root, "data", 3);
    await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    const fresh = await deployRegistry(); // same chain id and addresses, empty registries
    const error = await rejection(registerDataset({ client: fresh.client, store, workspace: t.workspace }, input(dir)));
    expect(error.message).to.match(/says this dataset was registered as token #\d+ .* but the chain does not know this account's registration of its root[\s\S]*Delete .*journal/);
  });

  it("on the in-process network, an already-registered root is not answered with a `--network default` command", async () => {
    const { dir } = writeSamples(t.root, "data", 3);
    const r = await registerDataset({ client: env.client, store, workspace: t.workspace }, input(dir));
    const inProcess = await createRegistryClient({ networkName: "default", provider: env.conn.ethers.provider, signer: env.alice, addresses: env.addresses, inProcess: true });
    const thrown = await rejection(inProcess.datasets.register(r.root, BigInt(r.leafCount), r.manifestCid, r.tokenURI, 0n));
    const inProcessError = toChainError(thrown, inProcess.interfaces, { action: "register the dataset", networkName: "default", inProcess: true });
    expect(inProcessError.message).to.match(new RegExp(`token #${r.tokenId} exists on this in-process chain, which ends with the command[\\s\\S]*npx hardhat node[\\s\\S]*--network localhost`));
    expect(inProcessError.message).to.not.match(/--network default/);
    const onNode = toChainError(thrown, inProcess.interfaces, { action: "register the dataset", networkName: "localhost" });
    expect(onNode.message).to.contain(`npx hardhat dataset show ${r.tokenId} --network localhost`);
  });
});
