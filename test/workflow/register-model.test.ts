import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { ZeroHash } from "ethers";

import { hashModel, parseStatementBytes } from "../../src/models/index.js";
import { RegistrationJournal } from "../../src/registry/journal.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import { registerDataset } from "../../src/workflow/register-dataset.js";
import { registerModel, type RegisterModelInput } from "../../src/workflow/register-model.js";
import { readTokenMetadata } from "../../src/workflow/token-metadata.js";
import { simpleRunLog } from "../training/log-fixtures.js";
import { CountingStore, deployRegistry, rejection, tempWorkspace, writeSamples } from "./helpers.js";

describe("registerModel", function () {
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  let store: CountingStore;
  let datasetId: bigint;
  let counter = 0;
  before(async () => {
    env = await deployRegistry();
    const setup = tempWorkspace("model-setup");
    try {
      const { dir } = writeSamples(setup.root, "data", 8);
      datasetId = (await registerDataset({ client: env.client, store: new LocalStore({ dir: setup.workspace.blocksDir }), workspace: setup.workspace }, { sources: [dir], threads: 1, metadata: { name: "d", license: "MIT" } })).tokenId;
    } finally {
      setup.cleanup();
    }
  });
  beforeEach(() => {
    t = tempWorkspace("model");
    store = new CountingStore(new LocalStore({ dir: t.workspace.blocksDir }));
  });
  afterEach(() => t.cleanup());

  /** Fresh weights (unique per call) and a valid training log. */
  function artefacts(): { weights: string; log: string; head: string } {
    const weights = path.join(t.root, `weights-${counter}`);
    writeSamples(t.root, `weights-${counter++}`, 2, 32);
    const log = simpleRunLog({ seed: counter });
    const logFile = path.join(t.root, "log.jsonl");
    writeFileSync(logFile, log.toJsonLines());
    return { weights, log: logFile, head: log.head };
  }
  const base = (a: { weights: string }, extra: Partial<RegisterModelInput> = {}): RegisterModelInput => ({
    weights: a.weights,
    datasetIds: [datasetId],
    parentIds: [],
    metadata: { name: "m", license: "MIT" },
    ...extra,
  });

  it("registers a base model with its weights hash, training-log head, hyperparameters and metrics", async () => {
    const a = artefacts();
    const r = await registerModel({ client: env.client, store, workspace: t.workspace }, base(a, { trainingLog: a.log, hyperparameters: { alpha: 1 }, metrics: { accuracy: 0.97 }, uploadWeights: true }));
    expect(r.status).to.equal("registered");
    expect(r.relation).to.equal("base");
    expect(r.weightsHash).to.equal((await hashModel(a.weights)).hashed.weightsHash);
    const m = await env.client.models.model(r.tokenId);
    expect(m.weightsHash).to.equal(r.weightsHash);
    expect(m.trainingLogHead).to.equal(a.head);
    expect(m.fingerprintRoot).to.equal(ZeroHash);
    expect(m.datasetIds).to.deep.equal([datasetId]);
    expect(store.byteNames).to.deep.equal(["model-signing-statement.json", "training-log.jsonl", "metadata.json"]);
    expect(store.puts).to.deep.equal([a.weights]);
    const doc = await readTokenMetadata(new ContentSource({ local: store.inner }), r.tokenURI);
    expect(doc?.relation).to.equal("base");
    expect(doc?.metrics).to.deep.equal({ accuracy: 0.97 });
    expect(doc?.hyperparameters).to.deep.equal({ alpha: 1 });
    expect(doc?.weightsCid).to.equal(r.weightsCid);
    expect(doc?.weightsManifestCid).to.equal(r.weightsManifestCid);
    expect(doc?.weightsManifestFormat).to.equal("https://model_signing/signature/v1.0");
    const statement = parseStatementBytes(await new ContentSource({ local: store.inner }).readFile(r.weightsManifestCid!, ""));
    expect(`0x${statement.subject[0].digest.sha256}`).to.equal(r.weightsHash);
    expect(statement.predicate.resources.map((x) => x.name)).to.deep.equal(["sample-0000.bin", "sample-0001.bin"]);
    expect(doc?.trainingLogCid).to.equal(r.trainingLogCid);
    expect(doc?.datasets).to.deep.equal([{ id: datasetId.toString(), root: (await env.client.datasets.dataset(datasetId)).root }]);
  });

  it("records held-out evaluation datasets and the stored CIDs in the metadata, but only training datasets on chain", async () => {
    const setup = tempWorkspace("eval-setup");
    try {
      const { dir } = writeSamples(setup.root, "heldout", 3);
      const evalId = (await registerDataset({ client: env.client, store: new LocalStore({ dir: setup.workspace.blocksDir }), workspace: setup.workspace }, { sources: [dir], threads: 1, metadata: { name: "held out", license: "MIT" } })).tokenId;
      const a = artefacts();
      const r = await registerModel({ client: env.client, store, workspace: t.workspace }, base(a, { trainingLog: a.log, evaluationDatasetIds: [evalId] }));
      expect((await env.client.models.model(r.tokenId)).datasetIds).to.deep.equal([datasetId]);
      const doc = (await readTokenMetadata(new ContentSource({ local: store.inner }), r.tokenURI)) as Record<string, unknown>;
      expect((doc["datasets"] as { id: string }[]).map((d) => d.id)).to.deep.equal([datasetId.toString()]);
      expect((doc["evaluationDatasets"] as { id: string }[]).map((d) => d.id)).to.deep.equal([evalId.toString()]);
      expect(doc["weightsManifestCid"]).to.equal(r.weightsManifestCid);
      expect(doc["trainingLogCid"]).to.equal(r.trainingLogCid);
      const both = await rejection(registerModel({ client: env.client, store, workspace: t.workspace }, base(artefacts(), { evaluationDatasetIds: [datasetId] })));
      expect(both.message).to.match(/listed both as training data and as evaluation data/);
      const unknown = await rejection(registerModel({ client: env.client, store, workspace: t.workspace }, base(artefacts(), { evaluationDatasetIds: [404n] })));
      expect(unknown.message).to.match(/Dataset #404 does not exist/);
    } finally {
      setup.cleanup();
    }
  });

  it("registers a fine-tuned child linked to its parent", async () => {
    const parent = await registerModel({ client: env.client, store, workspace: t.workspace }, base(artefacts()));
    const child = await registerModel(
      { client: env.client, store, workspace: t.workspace },
      { weights: artefacts().weights, datasetIds: [], parentIds: [parent.tokenId], relation: "fine-tune", metadata: { name: "child" } },
    );
    expect(child.relation).to.equal("finetune");
    expect(await env.client.models.parentsOf(child.tokenId)).to.deep.equal([parent.tokenId]);
  });

  it("reports weights already registered by the account instead of minting them twice", async () => {
    const a = artefacts();
    const first = await registerModel({ client: env.client, store, workspace: t.workspace }, base(a));
    const count = await env.client.models.modelCount();
    const other = tempWorkspace("model-other"); // no journal: as if the run died between sending and journaling
    try {
      const again = await registerModel({ client: env.client, store, workspace: other.workspace }, base(a));
      expect(again.status).to.equal("existing");
      expect(again.tokenId).to.equal(first.tokenId);
      expect(again.txHash).to.equal(first.txHash);
    } finally {
      other.cleanup();
    }
    expect(await env.client.models.modelCount()).to.equal(count);
  });

  it("resumes after a crash between sending and recording the receipt, minting once", async () => {
    const a = artefacts();
    const before = await env.client.models.modelCount();
    await rejection(
      registerModel({ client: env.client, store, workspace: t.workspace, hooks: { beforeStep: (s) => { if (s === "minted") throw new Error("killed"); } } }, base(a)),
    );
    const uploads = store.count;
    const r = await registerModel({ client: env.client, store, workspace: t.workspace }, base(a));
    expect(r.status).to.equal("resumed");
    expect(r.stepsRun).to.deep.equal(["minted"]);
    expect(store.count).to.equal(uploads);
    expect(await env.client.models.modelCount()).to.equal(before + 1n);
  });

  it("finishes the journal of a run killed after its transaction went out but before it was recorded", async () => {
    const a = artefacts();
    const before = await env.client.models.modelCount();
    const weightsHash = (await hashModel(a.weights)).hashed.weightsHash;
    const sendThenDie = async (step: string) => {
      if (step !== "txSent") return;
      const [state] = await new RegistrationJournal(t.workspace.journalDir).list();
      const { tokenURI } = state!.steps.metadataStored!.data as { tokenURI: string };
      const tx = await env.client.models.register({ datasetIds: [datasetId], parentIds: [], relation: 0, weightsHash, trainingLogHead: ZeroHash, fingerprintRoot: ZeroHash, tokenURI });
      await tx.wait();
      throw new Error("killed after sending");
    };
    const e = await rejection(registerModel({ client: env.client, store, workspace: t.workspace, hooks: { beforeStep: sendThenDie } }, base(a)));
    expect(e.message).to.equal("killed after sending");
    expect(await env.client.models.modelCount()).to.equal(before + 1n);
    const uploads = store.count;
    const r = await registerModel({ client: env.client, store, workspace: t.workspace }, base(a));
    expect(r.status).to.equal("resumed");
    expect(r.stepsRun).to.deep.equal(["txSent", "minted"]);
    expect(r.tokenId).to.equal(before + 1n);
    expect(store.count).to.equal(uploads);
    expect(await env.client.models.modelCount()).to.equal(before + 1n);
    const [journal] = await new RegistrationJournal(t.workspace.journalDir).list();
    expect((journal!.steps.minted!.data as { tokenId: string }).tokenId).to.equal(r.tokenId.toString());
  });

  it("lets another account register the same weights (weights are not unique on chain)", async () => {
    const a = artefacts();
    const mine = await registerModel({ client: env.client, store, workspace: t.workspace }, base(a));
    const other = tempWorkspace("model-bob");
    try {
      const bobs = await registerModel({ client: env.bobClient, store: new LocalStore({ dir: other.workspace.blocksDir }), workspace: other.workspace }, base(a));
      expect(bobs.status).to.equal("registered");
      expect(bobs.tokenId).to.not.equal(mine.tokenId);
    } finally {
      other.cleanup();
    }
  });

  it("rejects bad input before any upload: relation, unknown dataset or parent, no provenance, bad log, bad fingerprint", async () => {
    const a = artefacts();
    const deps = { client: env.client, store, workspace: t.workspace };
    expect((await rejection(registerModel(deps, base(a, { parentIds: [1n] })))).message).to.match(/one parent needs --relation/);
    expect((await rejection(registerModel(deps, base(a, { relation: "merge", parentIds: [1n] })))).message).to.match(/merge.*at least two parents/);
    expect((await rejection(registerModel(deps, base(a, { relation: "distilled" })))).message).to.match(/Unknown model relation "distilled"/);
    expect((await rejection(registerModel(deps, base(a, { datasetIds: [99n] })))).message).to.match(/Dataset #99 does not exist/);
    expect((await rejection(registerModel(deps, base(a, { parentIds: [99n], relation: "adapter" })))).message).to.match(/Parent model #99 does not exist/);
    expect((await rejection(registerModel(deps, base(a, { datasetIds: [] })))).message).to.match(/must name what it was trained on/);
    expect((await rejection(registerModel(deps, base(a, { fingerprintRoot: "0x12" })))).message).to.match(/fingerprint root/);
    expect((await rejection(registerModel(deps, base(a, { metadata: { name: "" } })))).message).to.match(/model name/);
    expect((await rejection(registerModel(deps, base({ weights: path.join(t.root, "none") })))).message).to.match(/Cannot read the model at/);
    const lines = simpleRunLog().toJsonLines().split("\n");
    writeFileSync(path.join(t.root, "bad.jsonl"), [lines[0], lines[1]!.replace('"step":1', '"step":2')].join("\n"));
    expect((await rejection(registerModel(deps, base(a, { trainingLog: path.join(t.root, "bad.jsonl") })))).message).to.match(/does not verify: line 2: the recorded head is not the chain head/);
    expect((await rejection(registerModel({ ...deps, client: env.readOnly }, base(a)))).message).to.match(/No account/);
    expect(store.count).to.equal(0);
  });
});
