import { generateKeyPairSync } from "node:crypto";
import { cpSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { snapshotDownload } from "@huggingface/hub";
import { expect } from "chai";

import { HubClient, statementBytes, type HfModelFacts } from "../../src/models/index.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import { registerDataset } from "../../src/workflow/register-dataset.js";
import { registerHfModel, type RegisterHfDeps } from "../../src/workflow/register-hf-model.js";
import { registerModelTree } from "../../src/workflow/register-model-tree.js";
import { readTokenMetadata } from "../../src/workflow/token-metadata.js";
import { verifyModelWeights } from "../../src/workflow/verify-model-weights.js";
import { fixtureHub, type HubStandIn } from "../models/helpers/hub-stand-in.js";
import { keySignedBundle } from "../models/helpers/signed-bundle.js";
import { deployRegistry, rejection, tempWorkspace, writeSamples } from "./helpers.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "hf-models");

describe("Hugging Face models: register --hf, verify-weights, model trees", function () {
  this.timeout(120_000);
  let hub: HubStandIn;
  let t: ReturnType<typeof tempWorkspace>;
  before(async () => {
    hub = fixtureHub(FIXTURES);
    await hub.start();
  });
  after(async () => hub.stop());
  beforeEach(() => {
    t = tempWorkspace("hf");
  });
  afterEach(() => t.cleanup());

  /** A fresh chain with the tiny-corpus dataset registered under its Hub URL. */
  async function setup(): Promise<{ deps: RegisterHfDeps; env: Awaited<ReturnType<typeof deployRegistry>>; corpusId: bigint }> {
    const env = await deployRegistry();
    const store = new LocalStore({ dir: t.workspace.blocksDir });
    const { dir } = writeSamples(t.root, "tiny-corpus", 6);
    const corpus = await registerDataset({ client: env.client, store, workspace: t.workspace }, { sources: [dir], threads: 1, metadata: { name: "tiny-corpus", license: "CC0-1.0", url: "https://huggingface.co/datasets/datatrace-test/tiny-corpus" } });
    const client = new HubClient({ endpoint: hub.url });
    return { env, corpusId: corpus.tokenId, deps: { client: env.client, store, workspace: t.workspace, content: new ContentSource({ local: store }), hub: () => client } };
  }

  it("registers a base model from a folder, then its fine-tune and a merge from the Hub, parents and datasets found by Hugging Face id", async () => {
    const { deps, env, corpusId } = await setup();
    const base = await registerHfModel(deps, { source: path.join(FIXTURES, "tiny-base"), repoId: "datatrace-test/tiny-base" });
    expect(base.source).to.equal("local");
    expect(base.registered.relation).to.equal("base");
    expect(base.registered.datasetIds).to.deep.equal([corpusId]);
    const doc = (await readTokenMetadata(deps.content, base.registered.tokenURI)) as { huggingFace: HfModelFacts & { source: string }; name: string; license: string };
    expect(doc.huggingFace).to.deep.include({ repoId: "datatrace-test/tiny-base", architecture: "LlamaForCausalLM", vocabSize: 32, relation: "base", weightsHash: base.registered.weightsHash, source: "local" });
    expect(doc.name).to.equal("datatrace-test/tiny-base");
    expect(doc.license).to.match(/apache/i);

    const chat = await registerHfModel(deps, { source: "datatrace-test/tiny-chat" });
    expect(chat.source).to.equal("hub");
    expect(chat.registered.relation).to.equal("finetune");
    expect(chat.registered.parentIds).to.deep.equal([base.registered.tokenId]);
    expect(chat.unlinkedDatasets).to.deep.equal(["datatrace-test/tiny-chat-data"]);
    expect(chat.provenance!.find((p) => p.name === "model.safetensors")!.source).to.equal("hub-listing");
    const chatDoc = (await readTokenMetadata(deps.content, chat.registered.tokenURI)) as { huggingFace: { revision: string; digestsFromHubListing: string[] } };
    expect(chatDoc.huggingFace.revision).to.equal(hub.shaOf("datatrace-test/tiny-chat"));
    expect(chatDoc.huggingFace.digestsFromHubListing).to.deep.equal(["model.safetensors"]);

    const merge = await registerHfModel(deps, { source: "datatrace-test/tiny-merge" });
    expect(merge.registered.relation).to.equal("merge");
    expect(merge.registered.parentIds).to.deep.equal([base.registered.tokenId, chat.registered.tokenId]);
    expect(await env.client.models.modelCount()).to.equal(3n);
  });

  it("names a missing parent with the command that registers it, and registers the ancestors with registerParents", async () => {
    const { deps, env } = await setup();
    const missing = await rejection(registerHfModel(deps, { source: "datatrace-test/tiny-chat-lora" }));
    expect(missing.message).to.match(/derives from datatrace-test\/tiny-chat, which is not registered here[\s\S]*npx hardhat model register --hf datatrace-test\/tiny-chat[\s\S]*--register-parents/);
    expect(await env.client.models.modelCount()).to.equal(0n);
    const lora = await registerHfModel(deps, { source: "datatrace-test/tiny-chat-lora", registerParents: true });
    expect(lora.parentsRegistered.map((p) => p.facts.repoId)).to.deep.equal(["datatrace-test/tiny-chat"]);
    expect(lora.parentsRegistered[0]!.parentsRegistered.map((p) => p.facts.repoId)).to.deep.equal(["datatrace-test/tiny-base"]);
    expect(lora.registered.relation).to.equal("adapter");
    expect(await env.client.models.modelCount()).to.equal(3n);
  });

  it("refuses a base model whose training data is not registered, saying how to register it", async () => {
    const env = await deployRegistry();
    const store = new LocalStore({ dir: t.workspace.blocksDir });
    const client = new HubClient({ endpoint: hub.url });
    const e = await rejection(registerHfModel({ client: env.client, store, workspace: t.workspace, content: new ContentSource({ local: store }), hub: () => client }, { source: "datatrace-test/tiny-base" }));
    expect(e.message).to.match(/no base model and none of its training datasets is registered here \(its card names datatrace-test\/tiny-corpus\)[\s\S]*--url https:\/\/huggingface.co\/datasets\/<id>/);
  });

  it("verify-weights: a downloaded snapshot matches its token; a changed copy lists every added, removed and changed file", async () => {
    const { deps, env } = await setup();
    await registerHfModel(deps, { source: path.join(FIXTURES, "tiny-base"), repoId: "datatrace-test/tiny-base" });
    const chat = await registerHfModel(deps, { source: "datatrace-test/tiny-chat" });
    const snapshot = await snapshotDownload({ repo: "datatrace-test/tiny-chat", cacheDir: path.join(t.root, "hf-cache"), hubUrl: hub.url });
    const vdeps = { client: env.readOnly, content: deps.content };
    const ok = await verifyModelWeights(vdeps, { tokenId: chat.registered.tokenId, path: snapshot });
    expect(ok.outcome).to.equal("match");
    expect(ok.statementChecked).to.equal(true);
    expect(ok.crossChecked).to.equal(ok.files);
    expect(ok.diff).to.deep.equal({ added: [], removed: [], changed: [] });

    const copy = path.join(t.root, "tiny-chat-copy");
    cpSync(path.join(FIXTURES, "tiny-chat"), copy, { recursive: true });
    writeFileSync(path.join(copy, "config.json"), readFileSync(path.join(copy, "config.json"), "utf8").replace('"vocab_size": 34', '"vocab_size": 35'));
    unlinkSync(path.join(copy, "generation_config.json"));
    writeFileSync(path.join(copy, "extra.bin"), "extra");
    const bad = await verifyModelWeights(vdeps, { tokenId: chat.registered.tokenId, path: copy });
    expect(bad.outcome).to.equal("mismatch");
    expect(bad.diff).to.deep.equal({ added: ["extra.bin"], removed: ["generation_config.json"], changed: ["config.json"] });
    const missingPath = await rejection(verifyModelWeights(vdeps, { tokenId: chat.registered.tokenId, path: path.join(t.root, "nowhere") }));
    expect(missingPath.message).to.match(/Cannot read the model at/);
  });

  it("verify-weights --signature: a model_signing bundle must match the files and the token, and verify with the key", async () => {
    const { deps, env } = await setup();
    const base = await registerHfModel(deps, { source: path.join(FIXTURES, "tiny-base"), repoId: "datatrace-test/tiny-base" });
    const statement = (await import("../../src/models/index.js")).parseStatementBytes(await deps.content.readFile(base.registered.weightsManifestCid!));
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const sig = path.join(t.root, "model.sig");
    writeFileSync(sig, keySignedBundle(Buffer.from(statementBytes(statement)), privateKey, publicKey, "sha384"));
    const pub = path.join(t.root, "key.pub");
    writeFileSync(pub, publicKey.export({ type: "spki", format: "pem" }));
    const vdeps = { client: env.readOnly, content: deps.content };
    const good = await verifyModelWeights(vdeps, { tokenId: base.registered.tokenId, path: path.join(FIXTURES, "tiny-base"), signature: sig, publicKey: pub });
    expect(good.outcome).to.equal("match");
    expect(good.signature).to.deep.include({ signer: "public-key", verified: true, matchesToken: true });
    const otherPub = path.join(t.root, "other.pub");
    writeFileSync(otherPub, generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ type: "spki", format: "pem" }));
    const wrongKey = await verifyModelWeights(vdeps, { tokenId: base.registered.tokenId, path: path.join(FIXTURES, "tiny-base"), signature: sig, publicKey: otherPub });
    expect(wrongKey.outcome).to.equal("mismatch");
    expect(wrongKey.signature?.verified).to.equal(false);
    const unchecked = await verifyModelWeights(vdeps, { tokenId: base.registered.tokenId, path: path.join(FIXTURES, "tiny-base"), signature: sig });
    expect(unchecked.outcome).to.equal("match");
    expect(unchecked.signature).to.deep.include({ verified: undefined, reason: "no --public-key given" });
    writeFileSync(path.join(t.root, "junk.sig"), "{}");
    const junk = await rejection(verifyModelWeights(vdeps, { tokenId: base.registered.tokenId, path: path.join(FIXTURES, "tiny-base"), signature: path.join(t.root, "junk.sig") }));
    expect(junk.message).to.match(/not a Sigstore bundle/);
  });

  it("registers a whole model tree in lineage order and resumes after an interruption without minting twice", async () => {
    const { deps, env } = await setup();
    let calls = 0;
    const crashing: RegisterHfDeps = { ...deps, hooks: { beforeStep: (s) => { if (s === "txSent" && ++calls === 3) throw new Error("killed"); } } };
    const progress: string[] = [];
    const first = await rejection(registerModelTree(crashing, { root: "datatrace-test/tiny-chat", depth: 2, onProgress: (d, n) => progress.push(`${d}/${n}`) }));
    expect(first.message).to.equal("killed");
    expect(await env.client.models.modelCount()).to.equal(2n);
    expect(progress.slice(0, 3)).to.deep.equal(["0/5", "1/5", "2/5"]);
    const done = await registerModelTree(deps, { root: "datatrace-test/tiny-chat", depth: 2 });
    expect(done.models.map((m) => m.status)).to.deep.equal(["resumed", "resumed", "registered", "registered", "registered"]);
    expect(done.models.map((m) => m.repoId.split("/")[1]).slice(0, 2)).to.deep.equal(["tiny-base", "tiny-chat"]);
    expect(await env.client.models.modelCount()).to.equal(5n);
    const again = await registerModelTree(deps, { root: "datatrace-test/tiny-chat", depth: 2 });
    expect(again.models.every((m) => m.status === "resumed")).to.equal(true);
    expect(await env.client.models.modelCount()).to.equal(5n);
    const journal = JSON.parse(readFileSync(done.journalFile, "utf8")) as { done: Record<string, string> };
    expect(Object.keys(journal.done)).to.have.length(5);
    rmSync(done.journalFile);
  });
});
