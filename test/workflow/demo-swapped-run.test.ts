import { expect } from "chai";

import type { LabeledEmail } from "../../src/ml/naive-bayes.js";
import { runTraining } from "../../src/ml/training-run.js";
import { trainWithSwappedSample } from "../../src/workflow/demo-swapped-run.js";

const email = (i: number, label: "spam" | "ham", words: string): LabeledEmail => ({
  bytes: new TextEncoder().encode(`Subject: message ${i}\n\n${words} ${i}\n`),
  label,
});

describe("workflow: the demo's swapped-sample training run", function () {
  const train = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? email(i, "spam", "win free money now") : email(i, "ham", "meeting notes for the project")));
  const test = [email(100, "spam", "free money"), email(101, "ham", "project meeting")];
  const replacement = email(999, "ham", "completely different held-out words");
  const honest = runTraining({ train, test, batchSize: 4 });

  it("claims the honest batches while its weights come from the swapped data", function () {
    const swapped = trainWithSwappedSample({ train, test, datasets: [], honestLog: honest.log, at: 9, replacement, batchSize: 4 });
    expect(swapped.swappedStep).to.equal(3); // samples 8–11 are step 3 at 4 per step
    const batches = (log: typeof honest.log) => log.records.filter((r) => r.entry.kind === "batch").map((r) => r.entry);
    expect(swapped.log.length).to.equal(honest.log.length);
    expect(batches(swapped.log)).to.deep.equal(batches(honest.log));
    expect(swapped.weightsDigest).to.not.equal(honest.weightsDigest);
    expect(swapped.log.head).to.not.equal(honest.log.head);
  });

  it("gives back the honest log and weights when the replacement is the sample itself", function () {
    const same = trainWithSwappedSample({ train, test, datasets: [], honestLog: honest.log, at: 0, replacement: train[0]!, batchSize: 4 });
    expect(same.swappedStep).to.equal(1);
    expect(same.weightsDigest).to.equal(honest.weightsDigest);
    expect(same.log.head).to.equal(honest.log.head);
  });
});
