import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { sha256 } from "../../src/hash/sha256.js";
import { toHex } from "../../src/hash/hex.js";
import { TrainingLogBuilder } from "../../src/training/log-chain.js";
import type { Hex32 } from "../../src/training/log-entry.js";
import { verifyTraining } from "../../src/training/verify-training.js";
import { weightsDigestOf } from "../../src/training/weights-digest.js";
import { rejection, writeSamples } from "../workflow/helpers.js";
import { logged, trainingChain } from "./chain-fixtures.js";
import { simpleRunEntries } from "./log-fixtures.js";
import { regressionSamples, trainWithPython } from "./python-trainer.js";

describe("training verify: a log against its model token", function () {
  this.timeout(120_000);
  let chain: Awaited<ReturnType<typeof trainingChain>>;
  let dataset: Awaited<ReturnType<typeof chain.dataset>>;
  let other: Awaited<ReturnType<typeof chain.dataset>>;
  let logFile: string;
  let logText: string;
  let out: string;
  let modelId: bigint;

  before(async () => {
    chain = await trainingChain("verify");
    dataset = await chain.dataset("regression", regressionSamples(24));
    other = await chain.dataset("other", regressionSamples(5, 99));
    logFile = path.join(chain.root, "train.jsonl");
    out = path.join(chain.root, "run");
    trainWithPython({ data: dataset.dir, log: logFile, out, datasets: [logged(dataset)] });
    logText = readFileSync(logFile, "utf8");
    modelId = (await chain.model(path.join(out, "final"), [dataset.tokenId], logFile)).tokenId;
  });
  after(() => chain.cleanup());

  const verify = async (tokenId: bigint, text: string, weightsPath?: string) => verifyTraining({ logText: text, ...(await chain.commitments(tokenId)), weightsPath });

  it("accepts the log a Python trainer wrote: head, datasets, every batch sample a member, run-end digest = weightsHash", async () => {
    const r = await verify(modelId, logText, path.join(out, "final"));
    expect(r.problems).to.deep.equal([]);
    expect(r).to.deep.include({ valid: true, firstBadLine: null, checkpoints: 3, nonMembers: 0, batches: { listed: 6, rootOnly: 0 } });
    expect(r.membersByDataset).to.deep.equal({ [dataset.tokenId.toString()]: 24 });
    expect(r.weightsDigest).to.equal(await weightsDigestOf(path.join(out, "final")));
  });

  it("names the first bad line of a tampered log (an edited loss)", async () => {
    const lines = logText.split("\n");
    const at = lines.findIndex((l) => l.includes('"kind":"step"'));
    lines[at] = lines[at]!.replace(/"loss":[0-9.e-]+/, '"loss":0.001');
    const r = await verify(modelId, lines.join("\n"));
    expect(r.valid).to.equal(false);
    expect(r.firstBadLine).to.equal(at + 1);
    expect(r.problems[0]!.message).to.match(/recorded head is not the chain head/);
  });

  it("names the batch line whose listed sample was replaced by another member of the dataset (a swapped sample)", async () => {
    const lines = logText.split("\n");
    const at = lines.findIndex((l) => l.includes('"kind":"batch"'));
    const member = toHex(sha256(Buffer.from([...regressionSamples(24).values()][0]!)));
    lines[at] = lines[at]!.replace(/"samples":\["0x[0-9a-f]{64}"/, `"samples":["${member}"`);
    expect((await verify(modelId, lines.join("\n"))).firstBadLine).to.equal(at + 1);
  });

  it("rejects wrong weights (--weights): names both digests", async () => {
    const r = await verify(modelId, logText, path.join(out, "checkpoints", "step-2"));
    expect(r.valid).to.equal(false);
    expect(r.problems.at(-1)!.message).to.match(/step-2 digest to 0x[0-9a-f]{64}, not to model #\d+'s weightsHash/);
    expect(r.firstBadLine).to.equal(null);
  });

  it("rejects a log whose datasets are not the token's (another dataset linked, or a root that differs)", async () => {
    const weights = path.join(chain.root, "w-datasets");
    writeSamples(chain.root, "w-datasets", 1);
    const entries = simpleRunEntries({ datasets: [logged(dataset)], finalDigest: await weightsDigestOf(weights) });
    const file = path.join(chain.root, "datasets.jsonl");
    writeFileSync(file, new TrainingLogBuilder(entries).toJsonLines());
    const both = (await chain.model(weights, [dataset.tokenId, other.tokenId], file)).tokenId;
    const r = await verify(both, readFileSync(file, "utf8"));
    expect(r.valid).to.equal(false);
    expect(r.problems[0]).to.deep.equal({ line: 1, message: `the run-start entry names datasets #${dataset.tokenId}, but model #${both} links #${dataset.tokenId}, #${other.tokenId}` });

    const weights2 = path.join(chain.root, "w-root");
    writeSamples(chain.root, "w-root", 1);
    const forged = simpleRunEntries({ datasets: [{ ...logged(dataset), root: `0x${"12".repeat(32)}` }], finalDigest: await weightsDigestOf(weights2) });
    const file2 = path.join(chain.root, "root.jsonl");
    writeFileSync(file2, new TrainingLogBuilder(forged).toJsonLines());
    const id = (await chain.model(weights2, [dataset.tokenId], file2)).tokenId;
    const r2 = await verify(id, readFileSync(file2, "utf8"));
    expect(r2.problems[0]!.message).to.match(new RegExp(`gives dataset #${dataset.tokenId} root 0x1212.* but the chain has ${dataset.root}`));
  });

  it("names the batch line of a sample that is in none of the linked datasets (proven absent)", async () => {
    const weights = path.join(chain.root, "w-outsider");
    writeSamples(chain.root, "w-outsider", 1);
    const member = toHex(sha256(Buffer.from([...regressionSamples(24).values()][3]!))) as Hex32;
    const outsider = toHex(sha256(Buffer.from("not in the dataset"))) as Hex32;
    const entries = simpleRunEntries({ datasets: [logged(dataset)], samples: [member, outsider], finalDigest: await weightsDigestOf(weights) });
    const file = path.join(chain.root, "outsider.jsonl");
    writeFileSync(file, new TrainingLogBuilder(entries).toJsonLines());
    const id = (await chain.model(weights, [dataset.tokenId], file)).tokenId;
    const r = await verify(id, readFileSync(file, "utf8"));
    expect(r.valid).to.equal(false);
    expect(r.nonMembers).to.equal(1);
    expect(r.membersByDataset).to.deep.equal({ [dataset.tokenId.toString()]: 1 });
    expect(r.problems).to.deep.equal([{ line: 2, message: `batch sample ${outsider} is not in the model's training data: proven absent from every linked dataset (#${dataset.tokenId})` }]);
  });

  it("rejects a run-end digest that is not the token's weightsHash", async () => {
    const weights = path.join(chain.root, "w-end");
    writeSamples(chain.root, "w-end", 1);
    const file = path.join(chain.root, "end.jsonl");
    // The log is registered with other weights than the ones its run-end names.
    writeFileSync(file, new TrainingLogBuilder(simpleRunEntries({ datasets: [logged(dataset)], seed: "end" })).toJsonLines());
    const id = (await chain.model(weights, [dataset.tokenId], file)).tokenId;
    const r = await verify(id, readFileSync(file, "utf8"));
    expect(r.problems).to.have.length(1);
    expect(r.problems[0]).to.deep.include({ line: 4 });
    expect(r.problems[0]!.message).to.match(/run-end weights digest 0xeeee.* is not model #\d+'s weightsHash/);
  });

  it("refuses a model without a training log, and a token that does not exist", async () => {
    const weights = path.join(chain.root, "w-nolog");
    writeSamples(chain.root, "w-nolog", 1);
    const { registerModel } = await import("../../src/workflow/register-model.js");
    const { LocalStore } = await import("../../src/storage/local-store.js");
    const { workspaceAt } = await import("../../src/workflow/workspace.js");
    const ws = workspaceAt(path.join(chain.root, "nolog-ws"));
    const id = (await registerModel({ client: chain.env.client, store: new LocalStore({ dir: ws.blocksDir }), workspace: ws }, { weights, datasetIds: [dataset.tokenId], parentIds: [], metadata: { name: "nolog" } })).tokenId;
    expect((await rejection(chain.commitments(id))).message).to.match(/commits no training log/);
    expect((await rejection(chain.commitments(999n))).message).to.match(/Model #999 does not exist/);
  });
});
