/** src/chain/model-record.ts: the one decoding of `ModelNFT.model(tokenId)`, shared by the CLI's reads and the web page. */
import { expect } from "chai";

import { modelRecordOf, type ModelRecordResult } from "../../src/chain/model-record.js";
import { MODEL_RELATIONS } from "../../src/registry/model-relation.js";

const result = (relation: bigint): ModelRecordResult => ({
  weightsHash: "0x" + "AB".repeat(32),
  trainingLogHead: "0x" + "Cd".repeat(32),
  fingerprintRoot: "0x" + "00".repeat(32),
  relation,
  datasetIds: [1n, 3n],
  parentIds: [7n],
  registrant: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  registeredAt: 1_765_000_000n,
  metadataFrozen: true,
});

describe("modelRecordOf", () => {
  it("lowercases the hashes, names the relation by its on-chain code and turns the time into a number", () => {
    const r = modelRecordOf(result(1n));
    expect(r.weightsHash).to.equal("0x" + "ab".repeat(32));
    expect(r.trainingLogHead).to.equal("0x" + "cd".repeat(32));
    expect(r.relation).to.equal("finetune");
    expect(r.registeredAt).to.equal(1_765_000_000);
    expect(r.datasetIds).to.deep.equal([1n, 3n]);
    expect(r.parentIds).to.deep.equal([7n]);
    expect(r.registrant).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(r.metadataFrozen).to.equal(true);
  });

  it("maps every relation code in ModelNFT.Relation order", () => {
    MODEL_RELATIONS.forEach((name, code) => expect(modelRecordOf(result(BigInt(code))).relation).to.equal(name));
  });

  it("copies the id lists, so the record does not alias the decoded result", () => {
    const raw = { ...result(0n), datasetIds: [2n] };
    const r = modelRecordOf(raw);
    raw.datasetIds.push(9n);
    expect(r.datasetIds).to.deep.equal([2n]);
  });
});
