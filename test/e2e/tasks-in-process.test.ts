import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { DatasetVerifyResult } from "../../tasks/dataset/verify.js";
import type { AuditReport } from "../../src/workflow/audit-dataset.js";
import type { DemoReport } from "../../src/workflow/demo-report.js";
import type { ModelTraceResult } from "../../tasks/model/trace.js";
import { simpleRunLog } from "../training/log-fixtures.js";
import { writeSamples } from "../workflow/helpers.js";
import { runTask } from "./helpers.js";

/** The tasks run in this process, on the in-process network they share. */
describe("registry tasks, in process", function () {
  this.timeout(60_000);
  let root: string;
  let dir: string;
  let files: string[];
  let outsider: string;
  let datasetId: string;
  let modelId: string;
  const ws = (): string => path.join(root, "dt");

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-e2e-tasks-"));
    ({ dir, files } = writeSamples(root, "data", 20));
    outsider = path.join(root, "outsider.txt");
    writeFileSync(outsider, "never registered");
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("declares every task with a description and every argument with help text", () => {
    const ids = [["dataset", "register"], ["dataset", "verify"], ["dataset", "extract"], ["dataset", "audit"], ["dataset", "show"], ["dataset", "list"], ["model", "register"], ["model", "show"], ["model", "lineage"], ["model", "trace"], ["registry", "export"], ["demo"]];
    for (const id of ids) {
      const t = hre.tasks.getTask(id);
      expect(t.description, id.join(" ")).to.have.length.greaterThan(10);
      for (const [name, option] of t.options) expect(option.description, `${id.join(" ")} --${name}`).to.have.length.greaterThan(5);
      for (const arg of t.positionalArguments) expect(arg.description, `${id.join(" ")} <${arg.name}>`).to.have.length.greaterThan(5);
    }
  });

  it("dataset register prints the token id, root, CIDs and transaction as JSON, then reports the existing token", async () => {
    const args = { sources: [dir], name: "E2E samples", license: "CC-BY-4.0", dir: ws(), json: true, threads: 1 };
    const { stdout } = await runTask(["dataset", "register"], args);
    const r = JSON.parse(stdout);
    expect(r.status).to.equal("registered");
    expect(r.tokenId).to.match(/^\d+$/);
    expect(r.root).to.match(/^0x[0-9a-f]{64}$/);
    expect(r.manifestCid).to.match(/^bafybei/);
    expect(r.tokenURI).to.equal(`ipfs://${r.metadataCid}`);
    expect(r.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(r.network).to.equal("default");
    datasetId = r.tokenId;
    const again = await runTask(["dataset", "register"], { ...args, json: false, quiet: true });
    expect(again.stdout).to.match(new RegExp(`^dataset #${datasetId} is already registered on default \\(chain 31337\\): nothing was uploaded or sent`));
  });

  it("dataset audit: exit status 0 for a complete manifest, 3 when it is unavailable, 2 for an error", async () => {
    const clean = await runTask<{ exitCode: number; report?: AuditReport }>(["dataset", "audit"], { tokenId: datasetId, dir: ws(), local: true, gateway: "none", quiet: true });
    expect(clean.result.exitCode).to.equal(0);
    expect(clean.stdout).to.match(/checked +header\.json, index\.bin and 1 of 1 shards/);
    expect(clean.stdout).to.match(/result +CLEAN/);
    // Without --local the manifest is read from the gateways only: here a closed port, so nothing is available.
    const unavailable = await runTask<{ exitCode: number; report?: AuditReport }>(["dataset", "audit"], { tokenId: datasetId, dir: ws(), gateway: "http://127.0.0.1:9", timeout: 5, quiet: true });
    expect(unavailable.result.exitCode).to.equal(3);
    expect(unavailable.stdout).to.match(/UNAVAILABLE +header\.json: could not be fetched/);
    expect(unavailable.stdout).to.match(/result +INCONSISTENT: 1 finding \(exit status 3\)/);
    const unknown = await runTask<{ exitCode: number }>(["dataset", "audit"], { tokenId: "999", dir: ws(), local: true, gateway: "none" });
    expect(unknown.result.exitCode).to.equal(2);
    expect(unknown.stderr).to.match(/Dataset #999 does not exist/);
  });

  it("dataset verify: exit status 0 for members, 3 with a non-member, 2 for an error", async () => {
    const members = await runTask<DatasetVerifyResult>(["dataset", "verify"], { tokenId: datasetId, files: [files[0], files[7]], dir: ws(), gateway: "none", quiet: true });
    expect(members.result.exitCode).to.equal(0);
    expect(members.stdout).to.match(/MEMBER +.*sample-0000\.bin: index \d+, ids data\/sample-0000\.bin .*local ok, on-chain verifySample ok/);
    expect(members.stdout).to.match(/batch +2 members in one multiproof/);
    const mixed = await runTask<DatasetVerifyResult>(["dataset", "verify"], { tokenId: datasetId, files: [files[1], outsider], dir: ws(), gateway: "none", quiet: true });
    expect(mixed.result.exitCode).to.equal(3);
    expect(mixed.stdout).to.match(/result +1 of 2 samples in the dataset \(exit status 3\)/);
    expect(mixed.stdout).to.match(/NOT MEMBER +.*outsider\.txt .*proven absent, its search path ends at sample #\d+ .*on-chain verifyAbsence ok/);
    const unknown = await runTask<DatasetVerifyResult>(["dataset", "verify"], { tokenId: "999", files: [files[1]], dir: ws(), gateway: "none" });
    expect(unknown.result.exitCode).to.equal(2);
    expect(unknown.stderr).to.match(/Dataset #999 does not exist on the in-process Hardhat network \(chain 31337\)/);
    expect(unknown.stderr).to.match(/fresh in-process chain that starts empty[\s\S]*npx hardhat node[\s\S]*--network localhost/);
    expect(unknown.stderr).to.not.match(/--network default/);
    const badHash = await runTask<DatasetVerifyResult>(["dataset", "verify"], { tokenId: datasetId, hash: "0xnothex", dir: ws() });
    expect(badHash.result.exitCode).to.equal(2);
    expect(badHash.stderr).to.match(/is not a sample hash/);
    const none = await runTask<DatasetVerifyResult>(["dataset", "verify"], { tokenId: datasetId, dir: ws() });
    expect(none.stderr).to.match(/No sample given/);
  });

  it("dataset show and list print the dataset with its metadata name", async () => {
    const show = await runTask(["dataset", "show"], { tokenId: datasetId, dir: ws(), json: true });
    const shown = JSON.parse(show.stdout);
    expect(shown.id).to.equal(datasetId);
    expect(shown.metadata.name).to.equal("E2E samples");
    expect(shown.leafCount).to.equal(20);
    const text = await runTask(["dataset", "show"], { tokenId: datasetId, dir: ws() });
    expect(text.stdout).to.match(/name +E2E samples/);
    expect(text.stdout).to.match(/license +https:\/\/spdx\.org\/licenses\/CC-BY-4\.0\.html/);
    const list = await runTask(["dataset", "list"], { dir: ws() });
    expect(list.stdout).to.match(new RegExp(`^ *${datasetId} +E2E samples +0x`, "m"));
    const json = JSON.parse((await runTask(["dataset", "list"], { dir: ws(), json: true })).stdout);
    expect(json.find((d: { id: string }) => d.id === datasetId).name).to.equal("E2E samples");
    let error: unknown;
    try {
      await runTask(["dataset", "show"], { tokenId: "abc", dir: ws() });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.match(/"abc" is not a dataset token id/);
  });

  it("model register, show, lineage and trace", async () => {
    const weights = path.join(root, "model.bin");
    writeFileSync(weights, "weights v1");
    const logFile = path.join(root, "log.jsonl");
    const log = simpleRunLog();
    writeFileSync(logFile, log.toJsonLines());
    const reg = await runTask(["model", "register"], {
      weights,
      datasets: datasetId,
      name: "e2e-model",
      param: "alpha=1,minCount=3",
      metric: "accuracy=0.9",
      trainingLog: logFile,
      dir: ws(),
      json: true,
    });
    const m = JSON.parse(reg.stdout);
    expect(m.relation).to.equal("base");
    expect(m.trainingLogHead).to.equal(log.head);
    modelId = m.tokenId;
    const show = await runTask(["model", "show"], { tokenId: modelId, dir: ws() });
    expect(show.stdout).to.match(/name +e2e-model/);
    expect(show.stdout).to.match(/metric accuracy +0\.9/);
    expect(show.stdout).to.match(/hyperparams +\{"alpha":1,"minCount":3\}/);
    const lineage = JSON.parse((await runTask(["model", "lineage"], { tokenId: modelId, format: "json", dir: ws() })).stdout);
    expect(lineage.modelId).to.equal(modelId);
    expect(lineage.baseModels).to.deep.equal([modelId]);
    const viaFlag = JSON.parse((await runTask(["model", "lineage"], { tokenId: modelId, json: true, dir: ws() })).stdout);
    expect(viaFlag).to.deep.equal(lineage);
    let conflict: unknown;
    try {
      await runTask(["model", "lineage"], { tokenId: modelId, json: true, format: "dot", dir: ws() });
    } catch (e) {
      conflict = e;
    }
    expect((conflict as Error).message).to.match(/--json and --format dot ask for two different outputs/);
    const mermaid = await runTask(["model", "lineage"], { tokenId: modelId, format: "mermaid", dir: ws() });
    expect(mermaid.stdout).to.match(/^graph TD\n/);
    const tree = await runTask(["model", "lineage"], { tokenId: modelId, dir: ws() });
    expect(tree.stdout).to.match(/Ancestors of model #\d+ \(0\):\ne2e-model/);
    const found = await runTask<ModelTraceResult>(["model", "trace"], { tokenId: modelId, files: [files[3]], dir: ws(), gateway: "none", quiet: true });
    expect(found.result.exitCode).to.equal(0);
    expect(found.stdout).to.match(new RegExp(`IN TRAINING DATA +.*sample-0003\\.bin\\n  dataset #${datasetId} index \\d+`));
    expect(found.stdout).to.match(new RegExp(`via model #${modelId} → dataset #${datasetId}`));
    const notFound = await runTask<ModelTraceResult>(["model", "trace"], { tokenId: modelId, files: [outsider], dir: ws(), gateway: "none", quiet: true });
    expect(notFound.result.exitCode).to.equal(3);
    expect(notFound.stdout).to.match(/NOT IN TRAINING DATA +.*outsider\.txt: proven absent from every dataset/);
  });

  it("model register rejects bad input with what to do", async () => {
    const weights = path.join(root, "model2.bin");
    writeFileSync(weights, "weights v2");
    const attempt = async (args: Record<string, unknown>): Promise<string> => {
      try {
        await runTask(["model", "register"], { name: "x", dir: ws(), ...args });
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(await attempt({ datasets: datasetId })).to.match(/--weights is required/);
    expect(await attempt({ weights, datasets: "1,x" })).to.match(/"x" in the datasets list is not a token id/);
    expect(await attempt({ weights, datasets: "999" })).to.match(/Dataset #999 does not exist/);
    expect(await attempt({ weights, parents: modelId })).to.match(/one parent needs --relation/);
    expect(await attempt({ weights, datasets: datasetId, metric: "accuracy=high" })).to.match(/not a number/);
    expect(await attempt({ weights, datasets: datasetId, hyperparameters: path.join(root, "none.json") })).to.match(/Cannot read the hyperparameters file/);
  });

  it("refuses --storage lighthouse without an API key before any work", async () => {
    const saved = process.env.LIGHTHOUSE_API_KEY;
    delete process.env.LIGHTHOUSE_API_KEY;
    const other = path.join(root, "dt-lighthouse");
    try {
      let error: unknown;
      try {
        await runTask(["dataset", "register"], { sources: [dir], name: "n", license: "MIT", storage: "lighthouse", dir: other });
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).to.match(/needs a Lighthouse API key[\s\S]*npx hardhat keystore set LIGHTHOUSE_API_KEY/);
      expect(existsSync(path.join(other, "manifests"))).to.equal(false);
    } finally {
      if (saved !== undefined) process.env.LIGHTHOUSE_API_KEY = saved;
    }
  });

  it("registry export writes CSV and JSON of every dataset and model", async () => {
    const out = path.join(root, "export", "registry.csv");
    await runTask(["registry", "export"], { format: "csv", out, dir: ws() });
    const csv = readFileSync(out, "utf8").split("\r\n");
    expect(csv[0]).to.match(/^kind,id,name,commitment,/);
    expect(csv.some((l) => l.startsWith(`dataset,${datasetId},E2E samples,0x`))).to.equal(true);
    expect(csv.some((l) => l.startsWith(`model,${modelId},e2e-model,0x`))).to.equal(true);
    const json = JSON.parse((await runTask(["registry", "export"], { format: "json", dir: ws() })).stdout);
    expect(json.chainId).to.equal("31337");
    expect(json.models.some((m: { id: string }) => m.id === modelId)).to.equal(true);
    let error: unknown;
    try {
      await runTask(["registry", "export"], { format: "xml", dir: ws() });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.match(/--format xml is not an export format/);
  });

  it("every task that prints data has --json", () => {
    const ids = [["dataset", "register"], ["dataset", "verify"], ["dataset", "extract"], ["dataset", "audit"], ["dataset", "show"], ["dataset", "list"], ["model", "register"], ["model", "show"], ["model", "lineage"], ["model", "trace"], ["registry", "export"], ["demo"]];
    for (const id of ids) expect(hre.tasks.getTask(id).options.has("json"), id.join(" ")).to.equal(true);
  });

  it("demo registers the training and held-out splits apart, and traces a held-out email as absent and a training email as present", async () => {
    const { stdout, result } = await runTask<DemoReport>(["demo"], { threads: 1 });
    for (let i = 1; i <= 11; i++) expect(stdout).to.contain(`Step ${i}/11 · `);
    expect(stdout).to.contain("Register the TRAINING split as a dataset");
    expect(stdout).to.contain("Register the held-out TEST split as a separate evaluation dataset");
    expect(stdout).to.match(/member at index \d+ .*local check valid, on-chain verifySample true/);
    expect(stdout).to.match(/absent: .*local check valid, on-chain verifyAbsence true/);
    expect(stdout).to.match(/\(held-out test email\): NOT IN TRAINING DATA of the child or its parent/);
    expect(stdout).to.match(/\(training email\): IN TRAINING DATA\n.*via model #\d+ → dataset #\d+.*\n.*via model #\d+ → model #\d+ → dataset #\d+/);
    expect(stdout).to.match(/spam-nb-base \[\d+\]  datasets: \d+\n +└── finetune → spam-nb-finetuned/);
    expect(stdout).to.match(/Demo finished in [\d.]+ s\./);
    // Each model is a model directory committed as a model_signing statement (weightsHash = its subject digest).
    expect(stdout).to.match(/weights: model directory models\/spam-nb-base\/spam-nb-base\/, committed as an OpenSSF model_signing statement \(bafkrei/);
    expect(result.parentModel.weightsManifestCid).to.match(/^bafkrei/);
    expect(result.childModel.weightsManifestCid).to.match(/^bafkrei/);
    expect(stdout).to.match(/replay: REPRODUCED; \d+ samples in \d+ batches; (\d+) of \1 digests identical/);
    expect(stdout).to.match(/replay: DIVERGED at line \d+: replay diverges at the checkpoint of step \d+/);
    expect(result.replay.outcome).to.equal("reproduced");
    expect(result.replay.samplesTrained).to.equal(result.trainingDataset.leafCount);
    expect(result.swappedReplay.outcome).to.equal("diverged");
    const divergedAt = result.swappedReplay.comparisons.find((c) => !c.match)!;
    expect(divergedAt.step).to.be.at.least(result.swappedReplay.swappedStep);
    expect(result.swappedReplay.comparisons.filter((c) => c.match).every((c) => c.step < result.swappedReplay.swappedStep)).to.equal(true);
    expect(stdout).to.match(/temporary directory .* removed/);

    // The splits are disjoint and cover the corpus; no model names the held-out sets as training data.
    expect(result.trainingDataset.leafCount + result.testDataset.leafCount).to.equal(6046);
    const training = [...result.parentModel.datasetIds, ...result.childModel.datasetIds];
    expect(training).to.not.include(result.testDataset.tokenId);
    expect(training).to.not.include(result.syntheticTestDataset.tokenId);
    expect(result.childModel.datasetIds).to.deep.equal([result.trainingDataset.tokenId, result.fineTuneDataset.tokenId]);

    const [held, trained] = result.trace.samples;
    expect(held!.foundIn).to.deep.equal([]);
    expect(held!.absentFrom.map((c) => c.datasetId)).to.deep.equal([result.trainingDataset.tokenId, result.fineTuneDataset.tokenId]);
    expect(held!.absentFrom.every((c) => c.localValid && c.onChainValid)).to.equal(true);
    expect(trained!.foundIn.map((c) => c.datasetId)).to.deep.equal([result.trainingDataset.tokenId]);
    expect(result.heldOutInTestSet.outcome).to.equal("all-members");
    expect(result.member.outcome).to.equal("all-members");
    expect(result.absent.outcome).to.equal("some-absent");
  });
});
