import { createHash } from "node:crypto";

import { expect } from "chai";
import { concat, keccak256 } from "ethers";

import {
  GENESIS_HEAD,
  nextTrainingLogHead,
  parseTrainingLog,
  TrainingLog,
  type TrainingLogEntry,
  type TrainingLogRecord,
  trainingLogEntryDigest,
  trainingLogHead,
  verifyTrainingLog,
} from "../../src/registry/training-log.js";

const entries: TrainingLogEntry[] = [
  { step: 0, data: { kind: "train", dataset: "1" } },
  { step: 1000, epoch: 0, metrics: { loss: 0.5 } },
  { step: 2000, epoch: 0, metrics: { loss: 0.25 } },
  { step: 2000, metrics: { accuracy: 0.97 }, data: { kind: "evaluation" } },
];

describe("hash-chained training log", () => {
  it("starts from 32 zero bytes", () => {
    expect(GENESIS_HEAD).to.equal("0x" + "00".repeat(32));
    expect(new TrainingLog().head).to.equal(GENESIS_HEAD);
    expect(trainingLogHead([])).to.equal(GENESIS_HEAD);
  });

  it("computes head_n = keccak256(head_{n-1} ‖ SHA-256(canonical entry JSON))", () => {
    const entry = { step: 3, metrics: { b: 2, a: 1 } };
    const digest = createHash("sha256").update('{"metrics":{"a":1,"b":2},"step":3}').digest();
    expect(Buffer.from(trainingLogEntryDigest(entry)).equals(digest)).to.equal(true);
    expect(nextTrainingLogHead(GENESIS_HEAD, entry)).to.equal(keccak256(concat([GENESIS_HEAD, digest])));
  });

  it("gives the same head for the same entries, whatever their key order", () => {
    const reordered = entries.map((e) => Object.fromEntries(Object.entries(e).reverse()) as unknown as TrainingLogEntry);
    expect(trainingLogHead(reordered)).to.equal(trainingLogHead(entries));
    expect(new TrainingLog(entries).head).to.equal(trainingLogHead(entries));
  });

  it("depends on entry order", () => {
    expect(trainingLogHead([entries[1]!, entries[0]!])).to.not.equal(trainingLogHead([entries[0]!, entries[1]!]));
  });

  it("copies appended entries so later mutation cannot change the chain", () => {
    const entry = { step: 1, metrics: { loss: 1 } };
    const log = new TrainingLog([entry]);
    entry.metrics.loss = 2;
    expect(log.records[0]!.entry.metrics?.loss).to.equal(1);
    expect(verifyTrainingLog(log.records, log.head).valid).to.equal(true);
  });

  it("round-trips through JSON Lines and verifies against the committed head", () => {
    const log = new TrainingLog(entries);
    const text = log.toJsonLines();
    expect(text.split("\n")).to.have.length(entries.length + 1);
    const result = verifyTrainingLog(parseTrainingLog(text), log.head);
    expect(result).to.deep.include({ valid: true, firstTampered: null, computedHead: log.head });
  });

  it("finds the first tampered entry", () => {
    const log = new TrainingLog(entries);
    const records: TrainingLogRecord[] = log.records.map((r) => ({ ...r }));
    records[2] = { ...records[2]!, entry: { step: 2000, epoch: 0, metrics: { loss: 0.01 } } };
    const result = verifyTrainingLog(records, log.head);
    expect(result.valid).to.equal(false);
    expect(result.firstTampered).to.equal(2);
    expect(result.reason).to.match(/record 2 \(step 2000\)/);
  });

  it("finds a tampered head line", () => {
    const log = new TrainingLog(entries);
    const records = log.records.map((r) => ({ ...r }));
    records[1] = { ...records[1]!, head: `0x${"11".repeat(32)}` };
    expect(verifyTrainingLog(records, log.head).firstTampered).to.equal(1);
  });

  it("detects a consistent log rewritten from scratch: heads match each other but not the commitment", () => {
    const forged = new TrainingLog([...entries.slice(0, 3), { step: 2000, metrics: { accuracy: 0.999 } }]);
    const committed = new TrainingLog(entries).head;
    const result = verifyTrainingLog(forged.records, committed);
    expect(result).to.deep.include({ valid: false, firstTampered: null, committedAfter: null });
    expect(result.reason).to.match(/different head than the committed one/);
  });

  it("recognizes entries appended after the committed head", () => {
    const committed = new TrainingLog(entries.slice(0, 2)).head;
    const result = verifyTrainingLog(new TrainingLog(entries).records, committed);
    expect(result).to.deep.include({ valid: false, firstTampered: null, committedAfter: 2 });
    expect(result.reason).to.match(/first 2 entries: the log has 2 entries added after commitment/);
  });

  it("treats a truncated log as not matching", () => {
    const committed = new TrainingLog(entries).head;
    expect(verifyTrainingLog(new TrainingLog(entries.slice(0, 3)).records, committed).valid).to.equal(false);
  });

  it("rejects malformed entries with the field and a fix", () => {
    expect(() => new TrainingLog([{ step: -1 }])).to.throw(/step must be a non-negative integer/);
    expect(() => new TrainingLog([{ step: 1, epoch: 0.5 }])).to.throw(/epoch must be a non-negative integer/);
    expect(() => new TrainingLog([{ step: 1, metrics: { loss: Number.NaN } }])).to.throw(/metric "loss" must be a finite number/);
    expect(() => new TrainingLog([{ step: 1, lr: 0.1 } as unknown as TrainingLogEntry])).to.throw(/unknown field\(s\) lr: put free-form values under "data"/);
    expect(() => new TrainingLog([{ step: 1, data: { when: new Date() } as never }])).to.throw(/Date is not a plain object/);
  });

  it("reports unparsable log lines by number", () => {
    expect(() => parseTrainingLog('{"entry":{"step":0},"head":"0x00"}\n')).to.throw(/line 1: head is not a 32-byte/);
    expect(() => parseTrainingLog(`\n{oops\n`)).to.throw(/line 2 is not valid JSON/);
    expect(() => verifyTrainingLog([], "0x1234" as `0x${string}`)).to.throw(/committed head must be a 0x-prefixed 32-byte/);
  });
});

describe("training log against an empty commitment", () => {
  it("reports every entry as added after an empty-log commitment", () => {
    const result = verifyTrainingLog(new TrainingLog(entries).records, GENESIS_HEAD);
    expect(result).to.deep.include({ valid: false, committedAfter: 0 });
    expect(result.reason).to.match(/first 0 entries: the log has 4 entries added/);
    expect(verifyTrainingLog([], GENESIS_HEAD).valid).to.equal(true);
  });
});
