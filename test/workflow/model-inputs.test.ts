import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { simpleRunLog } from "../training/log-fixtures.js";
import {
  mergeHyperparameters,
  parseKeyValues,
  parseMetricPairs,
  parseTokenIdList,
  readMetricsFile,
  readTrainingLogFile,
  resolveRelation,
} from "../../src/workflow/model-inputs.js";
import { reportedWait, silentReporter } from "../../src/workflow/reporter.js";
import { workspaceAt } from "../../src/workflow/workspace.js";
import { recordingReporter, rejection, tempWorkspace } from "./helpers.js";

describe("model register inputs", () => {
  let t: ReturnType<typeof tempWorkspace>;
  beforeEach(() => (t = tempWorkspace("inputs")));
  afterEach(() => t.cleanup());

  it("parses token id lists and rejects non-ids and repeats", () => {
    expect(parseTokenIdList("1, #2,3", "datasets")).to.deep.equal([1n, 2n, 3n]);
    expect(parseTokenIdList("", "parents")).to.deep.equal([]);
    expect(() => parseTokenIdList("1,x", "datasets")).to.throw(/"x" in the datasets list is not a token id/);
    expect(() => parseTokenIdList("0", "datasets")).to.throw(/not a token id/);
    expect(() => parseTokenIdList("2,2", "parents")).to.throw(/#2 is listed twice in the parents/);
  });

  it("parses key=value pairs as JSON when possible, else as text", () => {
    expect(parseKeyValues("alpha=1, name=nb, deep=[1,2], flag=true", "param")).to.deep.equal({ alpha: 1, name: "nb", deep: [1, 2], flag: true });
    expect(() => parseKeyValues("alpha", "param")).to.throw(/--param "alpha" is not key=value/);
    expect(() => parseKeyValues("=1", "param")).to.throw(/not key=value/);
    expect(parseMetricPairs("accuracy=0.97,f1=0.9")).to.deep.equal({ accuracy: 0.97, f1: 0.9 });
    expect(() => parseMetricPairs("accuracy=high")).to.throw(/Metric accuracy="high" is not a number/);
  });

  it("merges hyperparameters from a file with pairs, pairs winning", () => {
    expect(mergeHyperparameters({ alpha: 1, minCount: 3 }, { alpha: 2 })).to.deep.equal({ alpha: 2, minCount: 3 });
    expect(mergeHyperparameters(undefined, {})).to.equal(undefined);
  });

  it("reads a metrics file and names what is wrong with a bad one", async () => {
    const file = path.join(t.root, "m.json");
    writeFileSync(file, '{"accuracy": 0.5}');
    expect(await readMetricsFile(file)).to.deep.equal({ accuracy: 0.5 });
    writeFileSync(file, '{"accuracy": "x"}');
    expect((await rejection(readMetricsFile(file))).message).to.match(/Metric "accuracy" .* not a number/);
    writeFileSync(file, "[1]");
    expect((await rejection(readMetricsFile(file))).message).to.match(/does not hold a JSON object/);
    writeFileSync(file, "{");
    expect((await rejection(readMetricsFile(file))).message).to.match(/is not valid JSON/);
    expect((await rejection(readMetricsFile(path.join(t.root, "none.json")))).message).to.match(/does not exist/);
  });

  it("defaults the relation from the parent count and checks a given one", () => {
    expect(resolveRelation("", 0)).to.equal("base");
    expect(resolveRelation("", 3)).to.equal("merge");
    expect(resolveRelation("Fine-Tune", 1)).to.equal("finetune");
    expect(() => resolveRelation("", 1)).to.throw(/one parent needs --relation/);
    expect(() => resolveRelation("base", 1)).to.throw(/a base model has no parent/);
    expect(() => resolveRelation("lora", 1)).to.throw(/Unknown model relation "lora"/);
  });

  it("reads a training log, returning its final head, and rejects a broken one", async () => {
    const log = simpleRunLog();
    const file = path.join(t.root, "log.jsonl");
    writeFileSync(file, log.toJsonLines());
    const read = await readTrainingLogFile(file);
    expect(read.head).to.equal(log.head);
    expect(read.records).to.have.length(4);
    writeFileSync(file, "");
    expect((await rejection(readTrainingLogFile(file))).message).to.match(/does not verify: the log has no entry/);
    writeFileSync(file, "{not json}\n");
    expect((await rejection(readTrainingLogFile(file))).message).to.match(/does not verify: line 1: the line is not valid JSON/);
    expect((await rejection(readTrainingLogFile(path.join(t.root, "x")))).message).to.match(/Cannot read the training log/);
  });
});

describe("workspace and reporter", () => {
  it("puts blocks, journal and manifests under one directory", () => {
    const w = workspaceAt("/tmp/x");
    expect(w).to.deep.equal({ dir: "/tmp/x", blocksDir: "/tmp/x/blocks", journalDir: "/tmp/x/journal", manifestsDir: "/tmp/x/manifests" });
  });

  it("reports a wait while work runs and its end even when the work fails", async () => {
    const r = recordingReporter();
    expect(await reportedWait(r, "uploading", async () => 7)).to.equal(7);
    await rejection(reportedWait(r, "failing", async () => Promise.reject(new Error("boom"))));
    expect(r.lines).to.deep.equal(["waited uploading", "waited failing"]);
    silentReporter.step("nothing happens");
  });
});
