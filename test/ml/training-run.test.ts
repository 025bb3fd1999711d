import { expect } from "chai";

import { syntheticExtraEmails } from "../../src/corpus/synthetic.js";
import { runTraining } from "../../src/ml/training-run.js";
import { splitTrainTest } from "../../src/ml/train-test-split.js";
import { parseTrainingLog, verifyTrainingLog } from "../../src/registry/training-log.js";
import { baseRun } from "./corpus-fixture.js";

describe("training run (train + evaluate + log)", () => {
  const extra = splitTrainTest(syntheticExtraEmails(), { testFraction: 0.5 });

  it("logs a start entry, progress every logEvery samples and a final evaluation", () => {
    const run = runTraining({ train: extra.train, test: extra.test, logEvery: 10, hyperparameters: { minCount: 1 } });
    const steps = run.log.records.map((r) => r.entry.step);
    expect(steps[0]).to.equal(0);
    expect(steps.slice(1, -1)).to.deep.equal([10, 20, extra.train.length].filter((s, i, a) => a.indexOf(s) === i && s <= extra.train.length));
    const last = run.log.records.at(-1)!.entry;
    expect(last.metrics?.accuracy).to.equal(run.metrics.accuracy);
    expect(last.metrics?.weightsBytes).to.equal(run.weights.length);
  });

  it("gives the same log head and weights when rerun (no timings in the log)", () => {
    const a = runTraining({ train: extra.train, test: extra.test, hyperparameters: { minCount: 1 }, context: { dataset: "7" } });
    const b = runTraining({ train: extra.train, test: extra.test, hyperparameters: { minCount: 1 }, context: { dataset: "7" } });
    expect(a.log.head).to.equal(b.log.head);
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).to.equal(true);
  });

  it("records the context and the kind of run in the first entry", () => {
    const run = runTraining({ train: extra.train, test: extra.test, parent: baseRun().model, context: { parentWeightsHash: "0xabc" } });
    expect(run.log.records[0]!.entry.data).to.deep.include({ kind: "fine-tune", context: { parentWeightsHash: "0xabc" } });
    expect(run.model.documents.spam + run.model.documents.ham).to.equal(
      baseRun().model.documents.spam + baseRun().model.documents.ham + extra.train.length,
    );
  });

  it("produces a log that verifies against its head after a JSON Lines round trip", () => {
    const run = runTraining({ train: extra.train, test: extra.test, hyperparameters: { minCount: 1 } });
    const verification = verifyTrainingLog(parseTrainingLog(run.log.toJsonLines()), run.log.head);
    expect(verification.valid).to.equal(true);
  });

  it("rejects a bad logEvery", () => {
    expect(() => runTraining({ train: extra.train, test: extra.test, logEvery: 0 })).to.throw(/logEvery must be an integer >= 1/);
  });
});
