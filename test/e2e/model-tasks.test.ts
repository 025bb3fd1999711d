import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import hre from "hardhat";

import { hashModel, type HfModelFacts } from "../../src/models/index.js";
import { runTask } from "./helpers.js";
import { writeSamples } from "../workflow/helpers.js";
import { fixtureHub, type HubStandIn } from "../models/helpers/hub-stand-in.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "hf-models");

/** The model tasks, run in this process against the Hub stand-in (HF_ENDPOINT) and the in-process chain. */
describe("model tasks for Hugging Face models, in process", function () {
  this.timeout(120_000);
  let hub: HubStandIn;
  let root: string;
  let saved: string | undefined;
  const ws = (): string => path.join(root, "dt");
  before(async () => {
    hub = fixtureHub(FIXTURES);
    await hub.start();
    saved = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = hub.url;
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-model-tasks-"));
  });
  after(async () => {
    if (saved === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = saved;
    await hub.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("declares the new tasks with help text", () => {
    for (const id of [["model", "manifest"], ["model", "verify-weights"], ["model", "inspect-hf"], ["model", "tree"]]) {
      const t = hre.tasks.getTask(id);
      expect(t.description, id.join(" ")).to.have.length.greaterThan(10);
      for (const [name, option] of t.options) expect(option.description, `${id.join(" ")} --${name}`).to.have.length.greaterThan(5);
    }
  });

  it("model manifest prints the statement, or {weightsHash, statement} with --json, and writes --out", async () => {
    const out = path.join(root, "statement.json");
    const { stdout } = await runTask(["model", "manifest"], { path: path.join(FIXTURES, "tiny-base"), json: true, out, ignore: "original" });
    const r = JSON.parse(stdout) as { weightsHash: string; statement: { predicate: { resources: { name: string }[]; serialization: { ignore_paths: string[] } } } };
    expect(Object.keys(r)).to.deep.equal(["weightsHash", "statement"]);
    expect(r.weightsHash).to.equal((await hashModel(path.join(FIXTURES, "tiny-base"), { ignore: ["original"] })).hashed.weightsHash);
    expect(r.statement.predicate.resources.map((x) => x.name)).to.not.include("original/params.json");
    expect(r.statement.predicate.serialization.ignore_paths).to.include("original");
    expect(JSON.parse(readFileSync(out, "utf8"))).to.deep.equal(r.statement);
    const plain = await runTask(["model", "manifest"], { path: path.join(FIXTURES, "tiny-base"), quiet: true });
    expect((JSON.parse(plain.stdout) as { predicateType: string }).predicateType).to.equal("https://model_signing/signature/v1.0");
  });

  it("model inspect-hf prints one catalogue for folders and Hub ids, as JSON, CSV and a table", async () => {
    const sources = [path.join(FIXTURES, "tiny-base"), "datatrace-test/tiny-chat-lora", "datatrace-test/tiny-merge"];
    const json = JSON.parse((await runTask(["model", "inspect-hf"], { models: sources, format: "json", quiet: true })).stdout) as HfModelFacts[];
    expect(json.map((m) => m.relation)).to.deep.equal(["base", "adapter", "merge"]);
    expect(json[0]!.repoId).to.equal(null); // a plain folder does not say its repo id
    expect(json[1]!.lastModified).to.equal("2026-03-12T10:00:00.000Z");
    const keys = ["repoId", "revision", "architecture", "modelType", "vocabSize", "specialTokens", "task", "license", "baseModels", "relation", "relationSource", "datasets", "lastModified", "weightsHash"];
    for (const m of json) expect(Object.keys(m)).to.deep.equal(keys);
    const csv = (await runTask(["model", "inspect-hf"], { models: sources, format: "csv", quiet: true })).stdout.split("\r\n");
    expect(csv[0]).to.equal("repoId,revision,architecture,modelType,vocabSize,specialTokens,task,license,baseModels,relation,datasets,lastModified,weightsHash");
    expect(csv).to.have.length(5);
    const table = (await runTask(["model", "inspect-hf"], { models: sources, format: "table", quiet: true })).stdout;
    expect(table).to.match(/datatrace-test\/tiny-merge .* merge/);
    const bad = await runTask(["model", "inspect-hf"], { models: ["not a model"], format: "json", quiet: true }).catch((e: Error) => e);
    expect((bad as Error).message).to.match(/neither a folder nor a Hugging Face model id/);
  });

  it("model register --hf, then verify-weights with exit 0, 3 and 2", async () => {
    const { dir } = writeSamples(root, "corpus", 4);
    const ds = JSON.parse((await runTask(["dataset", "register"], { sources: [dir], name: "tiny-corpus", license: "CC0-1.0", url: "https://huggingface.co/datasets/datatrace-test/tiny-corpus", dir: ws(), json: true, threads: 1 })).stdout) as { tokenId: string };
    const base = await runTask(["model", "register"], { hf: "datatrace-test/tiny-base", dir: ws(), gateway: "none", quiet: true });
    expect(base.stdout).to.match(/registered on default/);
    expect(base.stdout).to.match(/hugging face datatrace-test\/tiny-base@[0-9a-f]{40} · LlamaForCausalLM · base \(no base model\)/);
    expect(base.stdout).to.match(/digests +1 from the Hub's LFS listing \(model\.safetensors\), 7 hashed here/);
    expect(base.stdout).to.match(/statement +bafkrei/);
    expect(base.stdout).to.match(new RegExp(`datasets +#${ds.tokenId}`));
    const chat = JSON.parse((await runTask(["model", "register"], { hf: path.join(FIXTURES, "tiny-chat"), repoId: "datatrace-test/tiny-chat", dir: ws(), gateway: "none", json: true })).stdout) as { tokenId: string; relation: string; parentIds: string[]; unlinkedDatasets: string[] };
    expect(chat.relation).to.equal("finetune");
    expect(chat.unlinkedDatasets).to.deep.equal(["datatrace-test/tiny-chat-data"]);

    const ok = await runTask<{ exitCode: number }>(["model", "verify-weights"], { tokenId: chat.tokenId, path: path.join(FIXTURES, "tiny-chat"), dir: ws(), gateway: "none", quiet: true });
    expect(ok.result.exitCode).to.equal(0);
    expect(ok.stdout).to.match(/^MATCH: the files are model #\d+'s weights/);
    const copy = path.join(root, "changed");
    cpSync(path.join(FIXTURES, "tiny-chat"), copy, { recursive: true });
    writeFileSync(path.join(copy, "model.safetensors"), "tampered");
    const bad = await runTask<{ exitCode: number }>(["model", "verify-weights"], { tokenId: chat.tokenId, path: copy, dir: ws(), gateway: "none", quiet: true });
    expect(bad.result.exitCode).to.equal(3);
    expect(bad.stdout).to.match(/MISMATCH[\s\S]*changed model\.safetensors/);
    const json = JSON.parse((await runTask(["model", "verify-weights"], { tokenId: chat.tokenId, path: copy, dir: ws(), gateway: "none", json: true })).stdout) as { exitCode: number; diff: { changed: string[] } };
    expect(json).to.deep.include({ exitCode: 3 });
    expect(json.diff.changed).to.deep.equal(["model.safetensors"]);
    const error = await runTask<{ exitCode: number }>(["model", "verify-weights"], { tokenId: "999", path: copy, dir: ws(), gateway: "none" });
    expect(error.result.exitCode).to.equal(2);
    expect(error.stderr).to.match(/Model #999 does not exist/);
  });

  it("model tree prints the family as a tree, CSV, Mermaid and dot, and --register registers it", async () => {
    const tree = await runTask(["model", "tree"], { model: "datatrace-test/tiny-chat", depth: 2, format: "tree", quiet: true });
    expect(tree.stdout).to.match(/Model tree of datatrace-test\/tiny-chat \(depth 2, 5 models\)/);
    expect(tree.stdout).to.match(/tiny-base \[datatrace-test\/tiny-base\]\n[\s\S]*finetune → tiny-chat/);
    expect(tree.stdout).to.match(/datatrace-test\/tiny-base +2 +4 +\S/);
    for (const r of ["adapter 1", "finetune 1", "merge 1", "quantized 1"]) expect(tree.stdout).to.include(r);
    const csv = (await runTask(["model", "tree"], { model: "datatrace-test/tiny-chat", format: "csv", quiet: true })).stdout.split("\r\n");
    expect(csv[0]).to.equal("repoId,relation,relationSource,baseModels,distance,lastModified,revision");
    expect(csv[1]).to.match(/^datatrace-test\/tiny-base,base,/);
    expect((await runTask(["model", "tree"], { model: "datatrace-test/tiny-chat", format: "mermaid", quiet: true })).stdout).to.match(/^graph TD\n/);
    expect((await runTask(["model", "tree"], { model: "datatrace-test/tiny-chat", format: "dot", quiet: true })).stdout).to.match(/^digraph lineage \{/);
    // tiny-base and tiny-chat were registered by the previous test on this chain: found again, not minted twice
    const registered = await runTask(["model", "tree"], { model: "datatrace-test/tiny-chat", depth: 2, format: "json", register: true, dir: ws(), gateway: "none", quiet: true });
    const r = JSON.parse(registered.stdout) as { registered: { repoId: string; status: string }[]; models: { repoId: string; tokenId?: string }[] };
    expect(r.registered.map((m) => `${m.repoId.split("/")[1]}:${m.status}`)).to.deep.equal(["tiny-base:existing", "tiny-chat:existing", "tiny-chat-gguf:registered", "tiny-chat-lora:registered", "tiny-merge:registered"]);
    expect(r.models.every((m) => m.tokenId !== undefined)).to.equal(true);
  });
});
