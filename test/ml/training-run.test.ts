import { expect } from "chai";

import { syntheticExtraEmails } from "../../src/corpus/synthetic.js";
import { sha256 } from "../../src/hash/sha256.js";
import { toHex } from "../../src/hash/hex.js";
import { checkpointBytes } from "../../src/ml/naive-bayes-checkpoint.js";
import { NaiveBayesTrainer } from "../../src/ml/naive-bayes.js";
import { runTraining, trainerCodeDigest, modelWeightsDigest } from "../../src/ml/training-run.js";
import { splitTrainTest } from "../../src/ml/train-test-split.js";
import { canonicalJsonBytes } from "../../src/registry/canonical-json.js";
import { weightsDigestOfFiles } from "../../src/training/weights-digest.js";
import { checkTrainingLog } from "../../src/training/log-verification.js";
import { baseRun } from "./corpus-fixture.js";

describe("training run (train + evaluate + log)", () => {
  const extra = splitTrainTest(syntheticExtraEmails(), { testFraction: 0.5 });
  const datasets = [{ tokenId: "3", root: `0x${"ab".repeat(32)}` as const, leafCount: extra.train.length }];

  it("logs run-start, one batch per step with hashes and labels, checkpoints every checkpointEvery steps and after the last, and run-end", () => {
    const run = runTraining({ train: extra.train, test: extra.test, batchSize: 5, checkpointEvery: 2, hyperparameters: { minCount: 1 }, datasets });
    const entries = run.log.records.map((r) => r.entry);
    const steps = Math.ceil(extra.train.length / 5);
    expect(entries[0]).to.deep.include({ kind: "run-start", step: 0, seed: 0, initialWeightsDigest: null, datasets, replay: { deterministic: true } });
    const batches = entries.filter((e) => e.kind === "batch");
    expect(batches.map((b) => b.step)).to.deep.equal(Array.from({ length: steps }, (_, i) => i + 1));
    expect(batches.flatMap((b) => (b.kind === "batch" ? b.samples : []))).to.deep.equal(extra.train.map((e) => toHex(sha256(e.bytes))));
    expect(batches.flatMap((b) => (b.kind === "batch" ? b.labels : []))).to.deep.equal(extra.train.map((e) => e.label));
    const checkpoints = entries.filter((e) => e.kind === "checkpoint").map((e) => e.step);
    const expected = Array.from({ length: steps }, (_, i) => i + 1).filter((s) => s % 2 === 0 || s === steps);
    expect(checkpoints).to.deep.equal(expected);
    const end = entries.at(-1)!;
    expect(end.kind).to.equal("run-end");
    expect(end.kind === "run-end" && end.weightsDigest).to.equal(weightsDigestOfFiles([{ path: "model.json", bytes: run.weights }]));
    expect(end.metrics?.accuracy).to.equal(run.metrics.accuracy);
    expect(checkTrainingLog(run.log.toJsonLines(), run.log.head).valid).to.equal(true);
  });

  it("digests the trainer's full state at a checkpoint: the last checkpoint is the state after every sample, not the pruned model", () => {
    const run = runTraining({ train: extra.train, test: extra.test, batchSize: 7, hyperparameters: { minCount: 3 } });
    const trainer = new NaiveBayesTrainer({ minCount: 3 });
    trainer.addAll(extra.train);
    const last = run.log.records.filter((r) => r.entry.kind === "checkpoint").at(-1)!.entry;
    expect(last.kind === "checkpoint" && last.weightsDigest).to.equal(weightsDigestOfFiles([{ path: "checkpoint.json", bytes: checkpointBytes(trainer) }]));
    expect(last.kind === "checkpoint" && last.weightsDigest).to.not.equal(run.weightsDigest);
  });

  it("writes checkpoint bytes identical to the generic canonical JSON of the trainer's state", () => {
    const trainer = new NaiveBayesTrainer({ alpha: 0.5, minCount: 2 });
    trainer.addAll(extra.train);
    const { documents, counts } = trainer.snapshot();
    counts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const generic = canonicalJsonBytes({ counts: counts.map((c) => [...c]), documents, format: "datatrace-naive-bayes-state/1", hyperparameters: { alpha: 0.5, minCount: 2 } });
    expect(Buffer.from(checkpointBytes(trainer)).equals(Buffer.from(generic))).to.equal(true);
  });

  it("gives the same log head and weights when rerun (no timings in the log), and another head for another sample order", () => {
    const a = runTraining({ train: extra.train, test: extra.test, hyperparameters: { minCount: 1 }, batchSize: 4 });
    const b = runTraining({ train: extra.train, test: extra.test, hyperparameters: { minCount: 1 }, batchSize: 4 });
    expect(a.log.head).to.equal(b.log.head);
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).to.equal(true);
    const reversed = runTraining({ train: [...extra.train].reverse(), test: extra.test, hyperparameters: { minCount: 1 }, batchSize: 4 });
    expect(reversed.weightsDigest).to.equal(a.weightsDigest); // counts do not depend on order…
    expect(reversed.log.head).to.not.equal(a.log.head); // …but the log records it
  });

  it("records a fine-tune's starting point: the parent's weights digest and mode", () => {
    const run = runTraining({ train: extra.train, test: extra.test, parent: baseRun().model });
    const start = run.log.records[0]!.entry;
    expect(start.kind === "run-start" && start.initialWeightsDigest).to.equal(modelWeightsDigest(baseRun().model));
    expect(start.kind === "run-start" && start.config.mode).to.equal("fine-tune");
    expect(run.model.documents.spam + run.model.documents.ham).to.equal(baseRun().model.documents.spam + baseRun().model.documents.ham + extra.train.length);
  });

  it("records the digest of the trainer's source code", () => {
    const start = runTraining({ train: extra.train, test: extra.test, hyperparameters: { minCount: 1 } }).log.records[0]!.entry;
    expect(trainerCodeDigest()).to.match(/^0x[0-9a-f]{64}$/);
    expect(start.kind === "run-start" && start.codeDigest).to.equal(trainerCodeDigest());
  });

  it("rejects a bad batch size or checkpoint interval", () => {
    expect(() => runTraining({ train: extra.train, test: extra.test, batchSize: 0 })).to.throw(/batchSize must be an integer >= 1/);
    expect(() => runTraining({ train: extra.train, test: extra.test, checkpointEvery: 1.5 })).to.throw(/checkpointEvery must be an integer >= 1/);
  });
});
