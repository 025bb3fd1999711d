import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { snapshotDownload } from "@huggingface/hub";
import { expect } from "chai";

import { crawlModelTree, describeLocalModel, hashModel, HubClient, HubError, importHubModel, lineageOrder, ModelDigestMismatchError, treeDerivativeCounts } from "../../src/models/index.js";
import { fixtureHub, readModelFolder, type HubStandIn } from "./helpers/hub-stand-in.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(here, "..", "fixtures", "hf-models");
const NAMES = ["tiny-base", "tiny-chat", "tiny-chat-lora", "tiny-chat-gguf", "tiny-merge"];

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("Hugging Face Hub import (against a local Hub stand-in)", function () {
  this.timeout(60_000);
  let hub: HubStandIn;
  let client: HubClient;
  let tmp: string;
  before(async () => {
    hub = fixtureHub(FIXTURES);
    await hub.start();
  });
  after(async () => hub.stop());
  beforeEach(() => {
    hub.clearFaults();
    hub.requests.length = 0;
    client = new HubClient({ endpoint: hub.url });
    tmp = mkdtempSync(path.join(os.tmpdir(), "datatrace-hub-"));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  for (const name of NAMES) {
    it(`builds ${name}'s statement from the listing without downloading its weights, equal to hashing the files`, async () => {
      const imported = await importHubModel(client, `datatrace-test/${name}`);
      const local = await hashModel(path.join(FIXTURES, name));
      expect(imported.hashed.statement.predicate.resources).to.deep.equal(local.hashed.statement.predicate.resources);
      expect(imported.hashed.weightsHash).to.equal(local.hashed.weightsHash);
      const weights = imported.provenance.filter((p) => p.lfs);
      expect(weights.length).to.be.greaterThan(0);
      expect(weights.every((p) => p.source === "hub-listing")).to.equal(true);
      expect(imported.provenance.filter((p) => !p.lfs).every((p) => p.source === "hashed-here")).to.equal(true);
      expect(hub.requests.filter((r) => r.url.includes("/resolve/") && /\.(safetensors|gguf)$/.test(r.url))).to.deep.equal([]);
      expect(imported.provenance.map((p) => p.name)).to.not.include(".gitattributes");
    });
  }

  it("reads the catalogue fields of each kind of model (base, fine-tune, adapter, GGUF, merge)", async () => {
    const facts = await Promise.all(NAMES.map(async (n) => (await importHubModel(client, `datatrace-test/${n}`)).facts));
    const [base, chat, lora, gguf, merge] = facts;
    expect(base).to.deep.include({
      repoId: "datatrace-test/tiny-base", revision: hub.shaOf("datatrace-test/tiny-base"), architecture: "LlamaForCausalLM", modelType: "llama", vocabSize: 32,
      task: "text-generation", license: "apache-2.0", baseModels: [], relation: "base", datasets: ["datatrace-test/tiny-corpus"], lastModified: "2026-01-10T08:00:00.000Z",
    });
    expect(base!.specialTokens).to.deep.equal({ bos_token: "<s>", eos_token: "</s>", unk_token: "<unk>" });
    expect(chat).to.deep.include({ relation: "finetune", relationSource: "default", baseModels: ["datatrace-test/tiny-base"], vocabSize: 34 });
    expect(chat!.specialTokens["additional_special_tokens"]).to.deep.equal(["<|user|>", "<|assistant|>"]);
    expect(lora).to.deep.include({ relation: "adapter", relationSource: "adapter_config.json", baseModels: ["datatrace-test/tiny-chat"], vocabSize: null, architecture: null });
    expect(gguf).to.deep.include({ relation: "quantized", relationSource: "quantization (gguf)", baseModels: ["datatrace-test/tiny-chat"] });
    expect(merge).to.deep.include({ relation: "merge", relationSource: "several base models", baseModels: ["datatrace-test/tiny-base", "datatrace-test/tiny-chat"] });
    for (const f of facts) expect(Object.keys(f!).sort()).to.include.members(["repoId", "revision", "architecture", "modelType", "vocabSize", "specialTokens", "task", "license", "baseModels", "relation", "datasets", "lastModified", "weightsHash"]);
  });

  it("matches a snapshot downloaded into the Hugging Face cache by @huggingface/hub, checking every file against its blob name", async () => {
    const snapshot = await snapshotDownload({ repo: "datatrace-test/tiny-base", cacheDir: tmp, hubUrl: hub.url });
    expect(snapshot).to.match(/models--datatrace-test--tiny-base\/snapshots\/[0-9a-f]{40}$/);
    const imported = await importHubModel(client, "datatrace-test/tiny-base");
    const local = await describeLocalModel(snapshot);
    expect(local.model.hashed.weightsHash).to.equal(imported.hashed.weightsHash);
    expect(local.model.files.cacheSnapshot?.repoId).to.equal("datatrace-test/tiny-base");
    expect(local.facts.revision).to.equal(hub.shaOf("datatrace-test/tiny-base"));
    expect(local.model.files.allowSymlinks).to.equal(true);
    expect(local.model.crossChecked).to.equal(local.model.files.files.length);
    expect(local.facts).to.deep.include({ repoId: "datatrace-test/tiny-base", architecture: "LlamaForCausalLM", relation: "base" });
  });

  it("reports a wrong LFS hash: in a cache snapshot (blob name check) and when LFS files are hashed on import", async () => {
    const size = readFileSync(path.join(FIXTURES, "tiny-chat", "model.safetensors")).length;
    hub.fault("model.safetensors", { replaceWith: Buffer.alloc(size, 0x41) }); // same size, other bytes
    const snapshot = await snapshotDownload({ repo: "datatrace-test/tiny-chat", cacheDir: tmp, hubUrl: hub.url });
    const e = await rejects(hashModel(snapshot));
    expect(e).to.be.instanceOf(ModelDigestMismatchError);
    expect(e.message).to.match(/model\.safetensors does not match its cache blob name [0-9a-f]{64}.*download it again/);
    const e2 = await rejects(importHubModel(client, "datatrace-test/tiny-chat", { hashLfsUpTo: 1 << 20 }));
    expect(e2).to.be.instanceOf(HubError);
    expect(e2.message).to.match(/model\.safetensors of datatrace-test\/tiny-chat has SHA-256 .* but the Hub's listing says .* \(wrong LFS hash\)/);
  });

  it("reports a truncated download", async () => {
    hub.fault("resolve", { truncateTo: 10 });
    const e = await rejects(importHubModel(client, "datatrace-test/tiny-base"));
    expect(e).to.be.instanceOf(HubError);
    expect((e as HubError).kind).to.equal("integrity");
    expect(e.message).to.match(/was cut short/);
  });

  it("answers 401 for a private model without the token, and reads it with the token", async () => {
    hub.add({ repoId: "datatrace-test/private-model", files: readModelFolder(path.join(FIXTURES, "tiny-base")), private: true });
    const e = await rejects(importHubModel(client, "datatrace-test/private-model"));
    expect((e as HubError).kind).to.equal("auth");
    expect(e.message).to.match(/refused access to model datatrace-test\/private-model \(401.*\n.*set HF_TOKEN/);
    const withToken = new HubClient({ endpoint: hub.url, token: hub.token });
    expect((await importHubModel(withToken, "datatrace-test/private-model")).facts.architecture).to.equal("LlamaForCausalLM");
    expect(hub.requests.filter((r) => r.url.includes("private-model")).every((r) => r.authorization === undefined || r.authorization === `Bearer ${hub.token}`)).to.equal(true);
    expect(() => new HubClient({ endpoint: hub.url, token: "not-a-token" })).to.throw(/does not start with hf_/);
  });

  it("answers 404 for an unknown model and an unknown revision", async () => {
    const e = await rejects(importHubModel(client, "datatrace-test/nope"));
    expect((e as HubError).kind).to.equal("not-found");
    expect(e.message).to.match(/model datatrace-test\/nope was not found on http:\/\/127\.0\.0\.1:\d+ \(404\)/);
    const r = await rejects(importHubModel(client, "datatrace-test/tiny-base", { revision: "v9" }));
    expect((r as HubError).kind).to.equal("not-found");
  });

  it("retries 429 after Retry-After, and gives up at once when the wait is too long", async () => {
    const retries: string[] = [];
    hub.fault("/api/models/datatrace-test/tiny-base/revision", { status: 429, retryAfter: "1", times: 2 });
    const patient = new HubClient({ endpoint: hub.url, onRetry: (m) => retries.push(m) });
    expect((await importHubModel(patient, "datatrace-test/tiny-base")).facts.modelType).to.equal("llama");
    expect(retries).to.have.length(2);
    expect(retries[0]).to.match(/429\); retrying in 1\.0 s/);
    hub.fault("/api/models/datatrace-test/tiny-chat/revision", { status: 429, retryAfter: "3600" });
    const e = await rejects(importHubModel(new HubClient({ endpoint: hub.url, maxRetryWaitMs: 5_000 }), "datatrace-test/tiny-chat"));
    expect((e as HubError).kind).to.equal("rate-limited");
  });

  it("says clearly when the Hub cannot be reached", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const e = await rejects(importHubModel(new HubClient({ endpoint: `http://127.0.0.1:${port}` }), "datatrace-test/tiny-base"));
    expect((e as HubError).kind).to.equal("unavailable");
    expect(e.message).to.match(/Cannot reach the Hub at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it("crawls the model tree both ways and orders it parents first, with derivative counts", async () => {
    const tree = await crawlModelTree(client, "datatrace-test/tiny-chat", { depth: 2 });
    expect([...tree.models.keys()].sort()).to.deep.equal(NAMES.map((n) => `datatrace-test/${n}`).sort());
    const order = lineageOrder(tree).map((m) => m.repoId.split("/")[1]);
    expect(order.indexOf("tiny-base")).to.be.lessThan(order.indexOf("tiny-chat"));
    expect(order.indexOf("tiny-chat")).to.be.lessThan(order.indexOf("tiny-merge"));
    expect(order.indexOf("tiny-chat")).to.be.lessThan(order.indexOf("tiny-chat-lora"));
    expect(tree.models.get("datatrace-test/tiny-chat-lora")!.relation).to.equal("adapter");
    expect(tree.models.get("datatrace-test/tiny-chat-gguf")!.relation).to.equal("quantized");
    const counts = treeDerivativeCounts(tree)["datatrace-test/tiny-base"]!;
    expect(counts.direct).to.equal(2);
    expect(counts.transitive).to.equal(4);
    expect(counts.transitiveByRelation).to.deep.equal({ adapter: 1, finetune: 1, merge: 1, quantized: 1 });
    const shallow = await crawlModelTree(client, "datatrace-test/tiny-chat", { depth: 0 });
    expect([...shallow.models.keys()]).to.deep.equal(["datatrace-test/tiny-chat"]);
    expect(shallow.missing).to.deep.equal(["datatrace-test/tiny-base"]);
  });

  it("reads a local_dir download: ignores .cache/huggingface and checks each file against its download metadata", async () => {
    const dir = path.join(tmp, "tiny-chat");
    cpSync(path.join(FIXTURES, "tiny-chat"), dir, { recursive: true });
    const sha = hub.shaOf("datatrace-test/tiny-chat");
    for (const [name, bytes] of readModelFolder(dir)) {
      const lfs = name.endsWith(".safetensors");
      const etag = lfs ? createHash("sha256").update(bytes).digest("hex") : createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
      const meta = path.join(dir, ".cache", "huggingface", "download", `${name}.metadata`);
      mkdirSync(path.dirname(meta), { recursive: true });
      writeFileSync(meta, `${sha}\n${etag}\n1767225600.0\n`);
    }
    writeFileSync(path.join(dir, ".cache", "huggingface", ".gitignore"), "*\n");
    const local = await describeLocalModel(dir);
    expect(local.model.hashed.weightsHash).to.equal((await hashModel(path.join(FIXTURES, "tiny-chat"))).hashed.weightsHash);
    expect(local.model.hashed.statement.predicate.serialization.ignore_paths).to.include(".cache/huggingface");
    expect(local.model.crossChecked).to.equal(local.model.files.files.length);
    expect(local.facts.revision).to.equal(sha);
    writeFileSync(path.join(dir, "config.json"), readFileSync(path.join(dir, "config.json"), "utf8").replace("34", "35"));
    const e = await rejects(hashModel(dir));
    expect(e.message).to.match(/config\.json does not match its local_dir download metadata/);
  });
});
