import { createHash } from "node:crypto";

import { expect } from "chai";
import canonicalize from "canonicalize";

import { entryDigest, GENESIS_HEAD, headOf, nextHead, recordLine, TrainingLogBuilder } from "../../src/training/log-chain.js";
import { parseTrainingLogEntry, TrainingLogEntryError, type TrainingLogEntry } from "../../src/training/log-entry.js";
import { fakeDigest, simpleRunEntries } from "./log-fixtures.js";

const sha = (...parts: (string | Buffer)[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

describe("training log chain (format datatrace-training-log/2)", () => {
  it("starts from SHA-256 of the format tag, never the zero value the ModelNFT reads as 'no log'", () => {
    expect(GENESIS_HEAD).to.equal(`0x${sha("datatrace-training-log/2").toString("hex")}`);
    expect(GENESIS_HEAD).to.not.equal(`0x${"00".repeat(32)}`);
    expect(new TrainingLogBuilder().head).to.equal(GENESIS_HEAD);
  });

  it("links head_n = SHA-256(head_{n-1} ‖ SHA-256(RFC 8785 JSON of entry_n)), cross-checked with the canonicalize package", () => {
    const entries = simpleRunEntries();
    let head: Buffer = Buffer.from(GENESIS_HEAD.slice(2), "hex");
    for (const e of entries) {
      const text = canonicalize(e);
      expect(text).to.be.a("string");
      head = sha(head, sha(text!));
    }
    expect(headOf(entries)).to.equal(`0x${head.toString("hex")}`);
    expect(Buffer.from(entryDigest(entries[0]!)).equals(sha(canonicalize(entries[0])!))).to.equal(true);
  });

  it("writes each line as canonical {entry, head} and gives the same head whatever the key order", () => {
    const entries = simpleRunEntries();
    const log = new TrainingLogBuilder(entries);
    const lines = log.toJsonLines().split("\n");
    expect(lines.at(-1)).to.equal("");
    lines.slice(0, -1).forEach((line, i) => {
      expect(line).to.equal(canonicalize({ entry: entries[i], head: log.records[i]!.head }));
      expect(`${line}\n`).to.equal(recordLine(log.records[i]!));
    });
    const reordered = entries.map((e) => Object.fromEntries(Object.entries(e).reverse()) as unknown as TrainingLogEntry);
    expect(headOf(reordered)).to.equal(log.head);
  });

  it("depends on every entry and on their order", () => {
    const entries = simpleRunEntries();
    const swapped = [entries[0]!, entries[2]!, entries[1]!, ...entries.slice(3)];
    expect(headOf(swapped)).to.not.equal(headOf(entries));
    const changed = [...entries];
    changed[1] = { kind: "step", step: 1, metrics: { loss: 0.50000001 } };
    expect(headOf(changed)).to.not.equal(headOf(entries));
  });

  it("copies appended entries, so later mutation of the caller's object cannot desynchronize the chain", () => {
    const metrics = { loss: 1 };
    const log = new TrainingLogBuilder([simpleRunEntries()[0]!]);
    log.append({ kind: "step", step: 1, metrics });
    const head = log.head;
    metrics.loss = 2;
    expect(log.records[1]!.entry.metrics?.loss).to.equal(1);
    expect(headOf(log.records.map((r) => r.entry))).to.equal(head);
  });

  it("refuses a malformed head when linking", () => {
    expect(() => nextHead("0x12" as `0x${string}`, simpleRunEntries()[1]!)).to.throw(/0x \+ 64 lowercase hex/);
    expect(() => nextHead(`0x${"AB".repeat(32)}`, simpleRunEntries()[1]!)).to.throw(/lowercase/);
  });
});

describe("training log entries", () => {
  const start = simpleRunEntries()[0]!;
  const bad = (value: unknown, pattern: RegExp) => expect(() => parseTrainingLogEntry(value), JSON.stringify(value)).to.throw(TrainingLogEntryError, pattern);

  it("accepts each kind of the format", () => {
    for (const e of simpleRunEntries({ samples: [fakeDigest(1)] })) expect(parseTrainingLogEntry(e)).to.equal(e);
    expect(parseTrainingLogEntry({ kind: "epoch", step: 9, epoch: 1, metrics: { loss: 0.1 } }).kind).to.equal("epoch");
    expect(parseTrainingLogEntry({ kind: "batch", step: 2, samplesRoot: fakeDigest(3), sampleCount: 64 }).kind).to.equal("batch");
    expect(parseTrainingLogEntry({ ...start, replay: { deterministic: false, tolerance: 1e-6 } }).kind).to.equal("run-start");
  });

  it("rejects unknown kinds and fields, bad steps, metrics and hashes, naming the field", () => {
    bad({ kind: "note", step: 1 }, /kind must be one of/);
    bad({ kind: "step", step: 1, loss: 0.1 }, /no field "loss".*under "data"/);
    bad({ kind: "step", step: -1 }, /step must be a non-negative integer/);
    bad({ kind: "step", step: 1.5 }, /step must be/);
    bad({ kind: "step", step: 1, metrics: { loss: "0.1" } }, /metric "loss" must be a finite number/);
    bad({ kind: "epoch", step: 1 }, /needs its epoch number/);
    bad({ kind: "checkpoint", step: 1, weightsDigest: fakeDigest(0xab).toUpperCase().replace("0X", "0x") }, /lowercase/);
    bad({ kind: "run-end", step: 1 }, /weightsDigest must be/);
    bad([], /must be a JSON object/);
  });

  it("rejects malformed run-start entries", () => {
    bad({ ...start, format: "datatrace-training-log/1" }, /format must be "datatrace-training-log\/2"/);
    bad({ ...start, trainer: { name: "" , version: "1" } }, /trainer must be/);
    bad({ ...start, config: [] }, /config must be a JSON object/);
    bad({ ...start, codeDigest: "abc" }, /codeDigest must be null or/);
    bad({ ...start, datasets: [{ tokenId: "0", root: fakeDigest(1), leafCount: 1 }] }, /datasets\[0\] must be/);
    bad({ ...start, datasets: [{ tokenId: "1", root: fakeDigest(1), leafCount: 1 }, { tokenId: "1", root: fakeDigest(2), leafCount: 2 }] }, /names token 1 twice/);
    bad({ ...start, seed: 1.5 }, /seed must be/);
    bad({ ...start, replay: { deterministic: false } }, /needs a tolerance/);
    bad({ ...start, replay: { deterministic: true, tolerance: 0.1 } }, /takes no tolerance/);
  });

  it("rejects malformed batch entries", () => {
    bad({ kind: "batch", step: 1 }, /not both and not neither/);
    bad({ kind: "batch", step: 1, samples: [fakeDigest(1)], samplesRoot: fakeDigest(2), sampleCount: 1 }, /not both/);
    bad({ kind: "batch", step: 1, samples: [] }, /non-empty list/);
    bad({ kind: "batch", step: 1, samples: ["0x12"] }, /samples\[0\] must be/);
    bad({ kind: "batch", step: 1, samples: [fakeDigest(1)], labels: ["a", "b"] }, /one per sample/);
    bad({ kind: "batch", step: 1, samplesRoot: fakeDigest(1), sampleCount: 0 }, /sampleCount must be an integer >= 1/);
  });
});
