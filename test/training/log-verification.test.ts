import { expect } from "chai";

import { TrainingLogBuilder } from "../../src/training/log-chain.js";
import { checkTrainingLog } from "../../src/training/log-verification.js";
import { fakeDigest, simpleRunEntries, simpleRunLog } from "./log-fixtures.js";

/** The log's lines (without the final newline). */
const linesOf = (log: TrainingLogBuilder): string[] => log.toJsonLines().trimEnd().split("\n");

describe("checking a training log", () => {
  const log = simpleRunLog({ samples: [fakeDigest(1), fakeDigest(2)] });

  it("accepts the log as written, alone and against its head", () => {
    expect(checkTrainingLog(log.toJsonLines())).to.deep.include({ valid: true, firstBadLine: null, computedHead: log.head });
    const check = checkTrainingLog(log.toJsonLines(), log.head.toUpperCase().replace("0X", "0x"));
    expect(check.valid).to.equal(true);
    expect(check.committedAtLine).to.equal(linesOf(log).length);
  });

  it("names the line whose entry was changed (heads left as they were)", () => {
    const lines = linesOf(log);
    lines[2] = lines[2]!.replace('"loss":0.5', '"loss":0.25');
    const check = checkTrainingLog(lines.join("\n") + "\n", log.head);
    expect(check.valid).to.equal(false);
    expect(check.firstBadLine).to.equal(3);
    expect(check.problems[0]).to.deep.equal({ line: 3, message: "the recorded head is not the chain head of this entry: the line (or one before it) was altered" });
  });

  it("names the line whose head was changed", () => {
    const lines = linesOf(log);
    lines[1] = lines[1]!.replace(/"head":"0x[0-9a-f]{64}"/, `"head":"${fakeDigest(9)}"`);
    expect(checkTrainingLog(lines.join("\n"), log.head).firstBadLine).to.equal(2);
  });

  it("names a deleted line as the first whose head no longer chains", () => {
    const lines = linesOf(log);
    lines.splice(1, 1);
    expect(checkTrainingLog(lines.join("\n"), log.head).firstBadLine).to.equal(2);
  });

  it("names a line that is not JSON, not a record, or not a well-formed entry", () => {
    const lines = linesOf(log);
    const at = (i: number, text: string) => {
      const copy = [...lines];
      copy[i] = text;
      return checkTrainingLog(copy.join("\n"), log.head);
    };
    expect(at(3, "{oops").problems[0]).to.deep.equal({ line: 4, message: "the line is not valid JSON" });
    expect(at(1, "[1]").problems[0]!.message).to.match(/not a \{"entry": …, "head": …\} object/);
    expect(at(1, "").problems[0]!.message).to.match(/empty/);
    expect(at(1, JSON.stringify({ entry: { kind: "step", step: 1 }, head: fakeDigest(1), extra: 1 })).problems[0]!.message).to.match(/exactly "entry" and "head"/);
    expect(at(2, JSON.stringify({ entry: { kind: "step", step: "x" }, head: fakeDigest(1) })).problems[0]).to.deep.include({ line: 3 });
  });

  it("tells an extended log (entries appended after the commitment) and names the first added line", () => {
    const extended = new TrainingLogBuilder([...log.records.map((r) => r.entry)]);
    const committed = extended.records[2]!.head;
    const check = checkTrainingLog(extended.toJsonLines(), committed);
    expect(check.committedAtLine).to.equal(3);
    expect(check.firstBadLine).to.equal(4);
    expect(check.problems.at(-1)!.message).to.match(/head after line 3: lines 4–5 were added after the commitment/);
  });

  it("rejects a self-consistent log that ends elsewhere (rewritten with recomputed heads): no line can be named", () => {
    const other = simpleRunLog({ seed: 8 });
    const check = checkTrainingLog(other.toJsonLines(), log.head);
    expect(check.valid).to.equal(false);
    expect(check.firstBadLine).to.equal(null);
    expect(check.problems[0]!.message).to.match(/self-consistent but ends at head .* not at the committed head/);
  });

  it("checks the shape of a run: run-start first, run-end last, steps never go back, checkpoints strictly after one another", () => {
    const [start, step, checkpoint, end] = simpleRunEntries();
    const shape = (entries: Parameters<TrainingLogBuilder["append"]>[0][]) => checkTrainingLog(new TrainingLogBuilder(entries).toJsonLines()).problems;
    expect(shape([step!, end!])[0]).to.deep.equal({ line: 1, message: "the first entry must be run-start, not step" });
    expect(shape([start!, step!])[0]!.message).to.match(/last entry must be run-end, not step \(the log is truncated/);
    expect(shape([start!, start!, end!])[0]).to.deep.equal({ line: 2, message: "a second run-start entry (one run per log)" });
    expect(shape([start!, end!, step!]).map((p) => p.line)).to.include(2);
    expect(shape([start!, { kind: "step", step: 5 }, { kind: "step", step: 4 }, end!])[0]).to.deep.equal({ line: 3, message: "step 4 comes after step 5: steps never go back" });
    expect(shape([start!, checkpoint!, checkpoint!, { ...end!, step: 2 }])[0]!.message).to.match(/checkpoint at step 1 is not after the previous checkpoint/);
    expect(checkTrainingLog("").problems[0]).to.deep.equal({ line: null, message: "the log has no entry" });
  });
});
