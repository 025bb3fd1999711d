import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { syntheticExtraEmails } from "../../src/corpus/synthetic.js";
import { runTraining } from "../../src/ml/training-run.js";
import { splitTrainTest } from "../../src/ml/train-test-split.js";
import { regressionSamples, sgdTemplate, trainWithPython } from "../training/python-trainer.js";
import { runTask } from "./helpers.js";

/** `training verify` and `training replay` through their tasks, on the in-process network. */
describe("training tasks, in process", function () {
  this.timeout(180_000);
  let root: string;
  const ws = (): string => path.join(root, "dt");
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-e2e-training-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const register = async (dir: string) => JSON.parse((await runTask(["dataset", "register"], { sources: [dir], name: path.basename(dir), license: "CC0-1.0", dir: ws(), json: true, threads: 1 })).stdout) as { tokenId: string; root: string; leafCount: number };

  it("declares the training tasks with help text", () => {
    for (const id of [["training", "verify"], ["training", "replay"]]) {
      const t = hre.tasks.getTask(id);
      expect(t.description, id.join(" ")).to.have.length.greaterThan(10);
      for (const [name, option] of t.options) expect(option.description, `${id.join(" ")} --${name}`).to.have.length.greaterThan(5);
      expect(t.options.has("json")).to.equal(true);
    }
  });

  it("verifies (exit 0), names the first bad line of a tampered log (exit 3), replays natively (exit 0), and fails with status 2 on errors", async () => {
    const split = splitTrainTest(syntheticExtraEmails(), { testFraction: 0.3 });
    const data = path.join(root, "emails");
    mkdirSync(data, { recursive: true });
    for (const e of split.train) writeFileSync(path.join(data, `${e.id.replace(/\//g, "-")}.eml`), e.bytes);
    const d = await register(data);
    const run = runTraining({ train: split.train, test: split.test, batchSize: 5, hyperparameters: { minCount: 1 }, datasets: [{ tokenId: d.tokenId, root: d.root as `0x${string}`, leafCount: d.leafCount }] });
    const weights = path.join(root, "model.json");
    const log = path.join(root, "log.jsonl");
    writeFileSync(weights, run.weights);
    writeFileSync(log, run.log.toJsonLines());
    const m = JSON.parse((await runTask(["model", "register"], { weights, datasets: d.tokenId, trainingLog: log, name: "nb", dir: ws(), json: true })).stdout) as { tokenId: string };

    const ok = await runTask<{ exitCode: number }>(["training", "verify"], { modelTokenId: m.tokenId, log, weights, dir: ws(), gateway: "none", quiet: true });
    expect(ok.result.exitCode).to.equal(0);
    expect(ok.stdout).to.match(new RegExp(`model #${m.tokenId}: training log VALID`));
    expect(ok.stdout).to.match(new RegExp(`samples +${split.train.length} in #${d.tokenId}`));
    expect(ok.stdout).to.match(/= on-chain trainingLogHead/);

    const lines = readFileSync(log, "utf8").split("\n");
    lines[3] = lines[3]!.replace('"labels":["', '"labels":["x');
    const bad = path.join(root, "bad.jsonl");
    writeFileSync(bad, lines.join("\n"));
    const tampered = await runTask<{ exitCode: number }>(["training", "verify"], { modelTokenId: m.tokenId, log: bad, dir: ws(), gateway: "none", json: true });
    expect(tampered.result.exitCode).to.equal(3);
    const json = JSON.parse(tampered.stdout);
    expect(json.firstBadLine).to.equal(4);
    expect(json.exitCode).to.equal(3);

    const replayed = await runTask<{ exitCode: number }>(["training", "replay"], { modelTokenId: m.tokenId, log, data, dir: ws(), gateway: "none", quiet: true });
    expect(replayed.result.exitCode).to.equal(0);
    expect(replayed.stdout).to.match(/replay REPRODUCED/);
    expect(replayed.stdout).to.match(/identical +line \d+ run-end/);

    const noData = await runTask<{ exitCode: number }>(["training", "replay"], { modelTokenId: m.tokenId, log, dir: ws(), gateway: "none" });
    expect(noData.result.exitCode).to.equal(2);
    expect(noData.stderr).to.match(/--data is required/);
    const unknown = await runTask<{ exitCode: number }>(["training", "verify"], { modelTokenId: "999", log, dir: ws(), gateway: "none" });
    expect(unknown.result.exitCode).to.equal(2);
    expect(unknown.stderr).to.match(/Model #999 does not exist/);
    const missing = await runTask<{ exitCode: number }>(["training", "verify"], { modelTokenId: m.tokenId, log: path.join(root, "none.jsonl"), dir: ws(), gateway: "none" });
    expect(missing.stderr).to.match(/Cannot read the training log/);
  });

  it("replays segments of an outside trainer through --trainer and --checkpoints", async () => {
    const data = path.join(root, "regression");
    mkdirSync(data, { recursive: true });
    for (const [name, text] of regressionSamples(16, 3)) writeFileSync(path.join(data, name), text);
    const d = await register(data);
    const log = path.join(root, "sgd.jsonl");
    const out = path.join(root, "sgd");
    trainWithPython({ data, log, out, datasets: [{ tokenId: d.tokenId, root: d.root, leafCount: d.leafCount }] });
    const m = JSON.parse((await runTask(["model", "register"], { weights: path.join(out, "final"), datasets: d.tokenId, trainingLog: log, name: "sgd", dir: ws(), json: true })).stdout) as { tokenId: string };
    const r = await runTask<{ exitCode: number }>(["training", "replay"], { modelTokenId: m.tokenId, log, data, trainer: sgdTemplate(), checkpoints: path.join(out, "checkpoints"), segments: "random:1", seed: "7", dir: ws(), gateway: "none", quiet: true });
    expect(r.result.exitCode).to.equal(0);
    expect(r.stdout).to.match(/segment replay REPRODUCED \(1 of 2 segments, chosen with seed 7\)/);
    expect(r.stdout).to.match(/exact +steps \d+\.\.\d+/);
    const noCkpt = await runTask<{ exitCode: number }>(["training", "replay"], { modelTokenId: m.tokenId, log, data, trainer: sgdTemplate(), dir: ws(), gateway: "none" });
    expect(noCkpt.stderr).to.match(/needs the published checkpoints/);
  });
});
