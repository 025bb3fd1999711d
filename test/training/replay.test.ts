import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { nonMemberEmail, syntheticExtraEmails } from "../../src/corpus/synthetic.js";
import { naiveBayesReplayTrainer } from "../../src/ml/naive-bayes-replay.js";
import { runTraining } from "../../src/ml/training-run.js";
import { splitTrainTest } from "../../src/ml/train-test-split.js";
import { TrainingLogBuilder } from "../../src/training/log-chain.js";
import { replayTraining } from "../../src/training/replay-run.js";
import { chooseSegments, replaySegments } from "../../src/training/segment-replay.js";
import { rejection } from "../workflow/helpers.js";
import { logged, trainingChain } from "./chain-fixtures.js";
import { regressionSamples, sgdTemplate, trainWithPython } from "./python-trainer.js";

describe("training replay", function () {
  this.timeout(180_000);
  let chain: Awaited<ReturnType<typeof trainingChain>>;
  before(async () => {
    chain = await trainingChain("replay");
  });
  after(() => chain.cleanup());

  describe("native replay of the demo's naive Bayes trainer", () => {
    const split = splitTrainTest(syntheticExtraEmails(), { testFraction: 0.3 });
    let dataset: Awaited<ReturnType<typeof chain.dataset>>;
    let run: ReturnType<typeof runTraining>;
    let modelId: bigint;
    before(async () => {
      dataset = await chain.dataset("emails", new Map(split.train.map((e) => [`${e.id.replace(/\//g, "-")}.eml`, e.bytes])));
      run = runTraining({ train: split.train, test: split.test, batchSize: 4, checkpointEvery: 2, hyperparameters: { minCount: 1 }, datasets: [logged(dataset)] });
      const dir = path.join(chain.root, "nb");
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "model.json"), run.weights);
      writeFileSync(path.join(dir, "log.jsonl"), run.log.toJsonLines());
      modelId = (await chain.model(path.join(dir, "model.json"), [dataset.tokenId], path.join(dir, "log.jsonl"))).tokenId;
    });

    it("reproduces every checkpoint and the final weights from the registered dataset", async () => {
      const r = await replayTraining({ logText: run.log.toJsonLines(), ...(await chain.commitments(modelId)), data: [dataset.dir], trainer: naiveBayesReplayTrainer() });
      expect(r.problems).to.deep.equal([]);
      expect(r.outcome).to.equal("reproduced");
      expect(r.samplesTrained).to.equal(split.train.length);
      expect(r.comparisons.map((c) => c.kind)).to.deep.equal([...Array(r.comparisons.length - 1).fill("checkpoint"), "run-end"]);
      expect(r.comparisons.every((c) => c.match)).to.equal(true);
      expect(r.comparisons.at(-1)!.replayed).to.equal(run.weightsDigest);
    });

    it("diverges at the first checkpoint after a training sample was swapped (the log still listing the original)", async () => {
      const at = 9; // step 3 with batches of 4; checkpoints every 2 steps: the checkpoint of step 4 is the first after it
      const swapped = runTraining({ train: split.train.map((e, i) => (i === at ? split.test[0]! : e)), test: split.test, batchSize: 4, checkpointEvery: 2, hyperparameters: { minCount: 1 }, datasets: [logged(dataset)] });
      const dishonest = new TrainingLogBuilder(swapped.log.records.map((r, i) => (r.entry.kind === "batch" ? run.log.records[i]!.entry : r.entry)));
      const { model, datasets } = await chain.commitments(modelId);
      const r = await replayTraining({ logText: dishonest.toJsonLines(), model: { ...model, trainingLogHead: dishonest.head, weightsHash: swapped.weightsDigest }, datasets, data: [dataset.dir], trainer: naiveBayesReplayTrainer() });
      expect(r.outcome).to.equal("diverged");
      const line = dishonest.records.findIndex((x) => x.entry.kind === "checkpoint" && x.entry.step === 4) + 1;
      expect(r.problems[0]!.line).to.equal(line);
      expect(r.problems[0]!.message).to.match(/replay diverges at the checkpoint of step 4: logged 0x[0-9a-f]{64}, replayed 0x[0-9a-f]{64}/);
      expect(r.comparisons.filter((c) => c.match).map((c) => c.step)).to.deep.equal([2]);
    });

    it("reports samples missing from the data given (a sample file swapped for another) before training anything", async () => {
      const copy = path.join(chain.root, "emails-swapped");
      cpSync(dataset.dir, copy, { recursive: true });
      const victim = `${split.train[5]!.id.replace(/\//g, "-")}.eml`;
      writeFileSync(path.join(copy, victim), nonMemberEmail().bytes);
      const r = await replayTraining({ logText: run.log.toJsonLines(), ...(await chain.commitments(modelId)), data: [copy], trainer: naiveBayesReplayTrainer() });
      expect(r.outcome).to.equal("incomplete");
      expect(r.samplesTrained).to.equal(0);
      expect(r.problems).to.have.length(1);
      expect(r.problems[0]!.line).to.equal(3); // the second batch (lines: run-start, batch 1, batch 2…)
      expect(r.problems[0]!.message).to.match(/is not in the data given/);
    });

    it("does not replay a log that fails verification (tampered), and needs the parent weights for a fine-tune", async () => {
      const lines = run.log.toJsonLines().split("\n");
      lines[1] = lines[1]!.replace('"labels":["', '"labels":["x');
      const tampered = await replayTraining({ logText: lines.join("\n"), ...(await chain.commitments(modelId)), data: [dataset.dir], trainer: naiveBayesReplayTrainer() });
      expect(tampered.outcome).to.equal("invalid");
      expect(tampered.verification.firstBadLine).to.equal(2);

      const child = runTraining({ train: split.train.slice(0, 6), test: split.test, parent: run.model, batchSize: 3, datasets: [logged(dataset)] });
      const dir = path.join(chain.root, "nb-child");
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "model.json"), child.weights);
      writeFileSync(path.join(dir, "log.jsonl"), child.log.toJsonLines());
      const childId = (await chain.model(path.join(dir, "model.json"), [dataset.tokenId], path.join(dir, "log.jsonl"))).tokenId;
      const input = { logText: child.log.toJsonLines(), ...(await chain.commitments(childId)), data: [dataset.dir] };
      expect((await rejection(replayTraining({ ...input, trainer: naiveBayesReplayTrainer() }))).message).to.match(/--initial-weights/);
      expect((await rejection(replayTraining({ ...input, trainer: naiveBayesReplayTrainer({ initialWeights: path.join(dir, "model.json") }) }))).message).to.match(/digest to 0x[0-9a-f]{64}, but the run starts from/);
      const ok = await replayTraining({ ...input, trainer: naiveBayesReplayTrainer({ initialWeights: path.join(chain.root, "nb", "model.json") }) });
      expect(ok.outcome).to.equal("reproduced");
    });
  });

  describe("segment replay of an outside trainer (a Python SGD trainer run as a child process)", () => {
    let dataset: Awaited<ReturnType<typeof chain.dataset>>;
    const runs: Record<string, { log: string; out: string; id: bigint }> = {};
    before(async () => {
      dataset = await chain.dataset("regression", regressionSamples(24));
      // Different seeds: different weights, so the second registration is a model of its own.
      for (const [name, tolerance, seed] of [["exact", undefined, 1], ["tolerant", 1e-6, 2]] as const) {
        const log = path.join(chain.root, `${name}.jsonl`);
        const out = path.join(chain.root, `${name}-run`);
        trainWithPython({ data: dataset.dir, log, out, seed, datasets: [logged(dataset)], ...(tolerance === undefined ? {} : { tolerance }) });
        runs[name] = { log, out, id: (await chain.model(path.join(out, "final"), [dataset.tokenId], log)).tokenId };
      }
    });
    const replay = async (name: string, extra: Partial<Parameters<typeof replaySegments>[0]> = {}) => {
      const r = runs[name]!;
      return replaySegments({ logText: readFileSync(r.log, "utf8"), ...(await chain.commitments(r.id)), trainer: sgdTemplate(), checkpoints: path.join(r.out, "checkpoints"), data: [dataset.dir], ...extra });
    };

    it("reproduces every segment between logged checkpoints exactly", async () => {
      const r = await replay("exact");
      expect(r.problems).to.deep.equal([]);
      expect(r.outcome).to.equal("reproduced");
      expect(r.available).to.equal(3);
      expect(r.segments.map((s) => [s.from, s.to, s.status, s.samples])).to.deep.equal([[0, 2, "exact", 8], [2, 4, "exact", 8], [4, 6, "exact", 8]]);
    });

    it("replays randomly chosen segments with a reported seed, or named ones", async () => {
      const r = await replay("exact", { segments: "random:1", seed: 12345 });
      expect(r.seed).to.equal(12345);
      expect(r.segments).to.have.length(1);
      expect(r.segments[0]!.status).to.equal("exact");
      const again = await replay("exact", { segments: "random:1", seed: 12345 });
      expect(again.segments[0]!.from).to.equal(r.segments[0]!.from);
      const named = await replay("exact", { segments: "2..4" });
      expect(named.segments.map((s) => `${s.from}..${s.to}`)).to.deep.equal(["2..4"]);
      expect(() => chooseSegments("3..4", [{ from: 0, to: 2 }], 1)).to.throw(/segment "3..4" is not one of the run's: 0..2/);
    });

    it("accepts a non-deterministic replay within the declared tolerance, and rejects drift beyond it", async () => {
      const noisy = await replay("tolerant", { trainer: sgdTemplate(" --noise 1e-9") });
      expect(noisy.outcome).to.equal("reproduced");
      expect(noisy.segments.every((s) => s.status === "within-tolerance" && s.maxAbsDifference! > 0 && s.maxAbsDifference! <= 1e-6)).to.equal(true);
      const drift = await replay("tolerant", { trainer: sgdTemplate(" --noise 1e-3"), segments: "0..2" });
      expect(drift.outcome).to.equal("diverged");
      expect(drift.segments[0]!.message).to.match(/exceeds the declared tolerance 0.000001/);
      const strict = await replay("exact", { trainer: sgdTemplate(" --noise 1e-9"), segments: "0..2" });
      expect(strict.outcome).to.equal("diverged");
      expect(strict.problems[0]!.message).to.match(/declares itself deterministic/);
    });

    it("detects a segment trained on other samples than the log lists", async () => {
      // The data given holds the listed samples; a trainer that ignores {data} and reads other samples diverges.
      const other = path.join(chain.root, "other-data.jsonl");
      writeFileSync(other, [...regressionSamples(8, 5).values()].map((_, i) => JSON.stringify({ step: Math.floor(i / 4) + 1, file: path.join(chain.root, `o${i}.json`) }) + "\n").join(""));
      [...regressionSamples(8, 5).values()].forEach((s, i) => writeFileSync(path.join(chain.root, `o${i}.json`), s));
      const r = await replay("exact", { trainer: sgdTemplate().replace("--data {data}", `--data ${other}`), segments: "0..2" });
      expect(r.outcome).to.equal("diverged");
      expect(r.segments[0]!.line).to.be.a("number");
    });

    it("reports a trainer that fails, hangs past the time limit, or writes nothing, and missing checkpoints", async () => {
      const failing = await replay("exact", { trainer: "python3 -c \"import sys; sys.exit('boom')\" {out}", segments: "0..2" });
      expect(failing.outcome).to.equal("failed");
      expect(failing.segments[0]!.message).to.match(/exited with status 1: boom/);
      const hanging = await replay("exact", { trainer: 'python3 -c "import time; time.sleep(60)" {out}', segments: "0..2", timeoutMs: 1500 });
      expect(hanging.segments[0]!.message).to.match(/timed out after 2 s and was killed/);
      const silent = await replay("exact", { trainer: "python3 -c pass {out}", segments: "0..2" });
      expect(silent.segments[0]!.message).to.match(/wrote no readable checkpoint/);
      const missing = await replay("exact", { trainer: "no-such-trainer-binary {out}", segments: "0..2" });
      expect(missing.segments[0]!.message).to.match(/cannot start no-such-trainer-binary/);
      const empty = path.join(chain.root, "empty-checkpoints");
      mkdirSync(empty, { recursive: true });
      const noCheckpoints = await replay("exact", { checkpoints: empty, segments: "2..4" });
      expect(noCheckpoints.outcome).to.equal("incomplete");
      expect(noCheckpoints.problems[0]!.message).to.match(/no checkpoint in .* has digest 0x[0-9a-f]{64} \(step 2\)/);
      rmSync(empty, { recursive: true });
      expect((await rejection(replay("exact", { trainer: "python3 train.py {nope} {out}" }))).message).to.match(/--trainer: .*\{nope\}, which is not a placeholder/);
      expect((await rejection(replay("exact", { trainer: "python3 train.py" }))).message).to.match(/must name \{out\}/);
    });
  });
});
