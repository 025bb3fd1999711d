/**
 * Gas budgets of the registries, measured on Hardhat's EDR with the cancun hardfork (the EVM level the contracts
 * are compiled for and Filecoin's FEVM runs; EDR's default, osaka, adds EIP-7623's calldata floor):
 * - DatasetNFT.register, realistic call (manifest `bafybei…`, token URI `ipfs://bafkrei…`): <= 250k tx gas;
 * - ModelNFT.register with 1 dataset + 1 parent: <= 300k tx gas;
 * - verifySample / verifySamples on a 2^20-leaf dataset: execution gas reported.
 * "Execution gas" = eth_estimateGas − 21,000 − calldata gas (EIP-2028: 16 per non-zero byte, 4 per zero byte),
 * cross-checked against the sum of the opcode costs of the same call sent as a transaction (debug_traceTransaction).
 * The figures are printed after the suite; the assertions are the budgets.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { DatasetNFT, ModelNFT } from "../../typechain-types/index.js";
import { cidOfBytes, DAG_PB } from "./helpers/cids.js";
import { foldProof, sampleHashOf } from "./helpers/sampleTree.js";

const { ethers, networkHelpers } = await network.create({ override: { hardfork: "cancun" } });

const DATASET_BUDGET = 250_000n;
const MODEL_BUDGET = 300_000n;
const MANIFEST = cidOfBytes("manifest.json", DAG_PB); // 59 characters, bafybei…
const TOKEN_URI = `ipfs://${cidOfBytes("metadata.json")}`; // ipfs:// + 59 characters, bafkrei…

const figures: [string, string][] = [];
function record(label: string, value: bigint | number | string) {
  figures.push([label, typeof value === "string" ? value : value.toLocaleString("en-US")]);
}

function calldataGas(data: string): bigint {
  const bytes = ethers.getBytes(data);
  let gas = 0n;
  for (const b of bytes) gas += b === 0 ? 4n : 16n;
  return gas;
}

async function gasUsed(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function deployRegistries() {
  const [alice, bob] = await ethers.getSigners();
  const datasets: DatasetNFT = await ethers.deployContract("DatasetNFT");
  const models: ModelNFT = await ethers.deployContract("ModelNFT", [await datasets.getAddress()]);
  return { datasets, models, alice: alice!, bob: bob! };
}

interface StructLog {
  op: string;
  gasCost: number;
  depth: number;
}

/** Execution gas of a call from its estimate, checked against the opcode trace of the call sent as a transaction. */
async function executionGas(to: string, data: string): Promise<bigint> {
  const estimate = await ethers.provider.estimateGas({ to, data });
  const [sender] = await ethers.getSigners();
  const tx = await sender!.sendTransaction({ to, data });
  await tx.wait();
  const traced = [...(await gasByOpcode(tx.hash)).values()].reduce((a, b) => a + b, 0);
  const fromEstimate = estimate - 21_000n - calldataGas(data);
  expect(BigInt(traced)).to.equal(fromEstimate, "trace and estimate disagree");
  return fromEstimate;
}

/** Sums the gas of a mined transaction's opcodes by kind, from debug_traceTransaction. */
async function gasByOpcode(hash: string): Promise<Map<string, number>> {
  const trace = (await ethers.provider.send("debug_traceTransaction", [hash, {}])) as { structLogs: StructLog[] };
  const sums = new Map<string, number>();
  for (const log of trace.structLogs) {
    if (log.depth !== 1) continue; // a call's own cost is charged at depth 1
    const kind = log.op.startsWith("LOG")
      ? "LOG"
      : ["SSTORE", "SLOAD", "KECCAK256"].includes(log.op)
        ? log.op
        : log.op.endsWith("CALL")
          ? "CALL"
          : "other";
    sums.set(kind, (sums.get(kind) ?? 0) + log.gasCost);
  }
  return sums;
}

describe("Gas", function () {
  after(function () {
    const width = Math.max(...figures.map(([label]) => label.length));
    console.log("\n    Measured gas (Hardhat EDR, cancun)");
    for (const [label, value] of figures) console.log(`      ${label.padEnd(width)}  ${value.padStart(9)}`);
  });

  it("DatasetNFT.register of a realistic dataset stays within 250k gas", async function () {
    const { datasets, alice, bob } = await networkHelpers.loadFixture(deployRegistries);
    const first = await gasUsed(datasets.connect(alice).register(sampleHashOf("d1"), 1_000_000, MANIFEST, TOKEN_URI, 0));
    const second = await gasUsed(datasets.connect(alice).register(sampleHashOf("d2"), 1_000_000, MANIFEST, TOKEN_URI, 1));
    const newOwner = await gasUsed(datasets.connect(bob).register(sampleHashOf("d3"), 1_000_000, MANIFEST, TOKEN_URI, 0));
    record("dataset register: first ever (counter and balance 0 -> 1)", first);
    record("dataset register: typical (registrant holds a token)", second);
    record("dataset register: registrant's first token", newOwner);
    for (const g of [first, second, newOwner]) expect(g).to.be.at.most(DATASET_BUDGET);
  });

  it("DatasetNFT.register costs more for a text token URI than for a compact ipfs:// one", async function () {
    const { datasets } = await networkHelpers.loadFixture(deployRegistries);
    await datasets.register(sampleHashOf("warm-up"), 1, MANIFEST, "", 0); // counter and balance now non-zero
    const empty = await gasUsed(datasets.register(sampleHashOf("a"), 1, MANIFEST, "", 0));
    const compact = await gasUsed(datasets.register(sampleHashOf("b"), 1, MANIFEST, TOKEN_URI, 0));
    const text = await gasUsed(datasets.register(sampleHashOf("c"), 1, MANIFEST, `https://example.org/${"x".repeat(46)}`, 0));
    record("dataset register: empty token URI", empty);
    record("dataset register: ipfs://<cid> token URI (compact)", compact);
    record("dataset register: 66-character https:// token URI (text)", text);
    expect(compact).to.be.greaterThan(empty);
    expect(text).to.be.greaterThan(compact);
  });

  it("breaks the typical DatasetNFT.register down by opcode", async function () {
    const { datasets } = await networkHelpers.loadFixture(deployRegistries);
    await datasets.register(sampleHashOf("warm-up"), 1, MANIFEST, "", 0);
    const tx = await datasets.register(sampleHashOf("traced"), 1_000_000, MANIFEST, TOKEN_URI, 1);
    const receipt = await tx.wait();
    const sums = await gasByOpcode(tx.hash);
    const intrinsic = 21_000n + calldataGas(tx.data);
    record("  breakdown: intrinsic (21,000 + calldata)", intrinsic);
    for (const kind of ["SSTORE", "SLOAD", "LOG", "KECCAK256", "other"]) {
      record(`  breakdown: ${kind}`, BigInt(sums.get(kind) ?? 0));
    }
    const traced = [...sums.values()].reduce((a, b) => a + b, 0);
    // The trace covers execution; refunds are zero here (no slot is cleared).
    expect(intrinsic + BigInt(traced)).to.equal(receipt!.gasUsed);
  });

  it("measures Cid.parse of a 59-character CID against a baseline call", async function () {
    // CidHarness (test/solidity/utils/Harnesses.sol) is a test artifact without TypeChain types.
    const harness = await ethers.deployContract("CidHarness");
    const to = await harness.getAddress();
    const parse = await executionGas(to, harness.interface.encodeFunctionData("parse", [MANIFEST]));
    const baseline = await executionGas(to, harness.interface.encodeFunctionData("parseBaseline", [MANIFEST]));
    record("Cid.parse of a 59-character CID (execution, over baseline)", parse - baseline);
    expect(parse).to.be.greaterThan(baseline);
  });

  it("ModelNFT.register with one dataset and one parent stays within 300k gas", async function () {
    const { datasets, models, alice } = await networkHelpers.loadFixture(deployRegistries);
    await datasets.register(sampleHashOf("d"), 10, MANIFEST, "", 0);
    const base = {
      datasetIds: [1n],
      parentIds: [] as bigint[],
      relation: 0,
      weightsHash: sampleHashOf("w0"),
      trainingLogHead: sampleHashOf("log0"),
      fingerprintRoot: sampleHashOf("fp0"),
      tokenURI: TOKEN_URI,
    };
    const first = await gasUsed(models.connect(alice).register(base));
    const child = { ...base, parentIds: [1n], relation: 1, weightsHash: sampleHashOf("w1") };
    const typical = await gasUsed(models.connect(alice).register(child));
    record("model register: base model, 1 dataset, first ever", first);
    record("model register: finetune, 1 dataset + 1 parent (typical)", typical);
    expect(typical).to.be.at.most(MODEL_BUDGET);
    expect(first).to.be.at.most(MODEL_BUDGET);
  });

  it("reports ModelNFT.register with the maximum of 64 datasets and 16 parents", async function () {
    const { datasets, models } = await networkHelpers.loadFixture(deployRegistries);
    for (let k = 0; k < 64; k++) await datasets.register(sampleHashOf(`d${k}`), 10, MANIFEST, "", 0);
    const params = (k: number, parentIds: bigint[]) => ({
      datasetIds: [1n],
      parentIds,
      relation: parentIds.length === 0 ? 0 : parentIds.length === 1 ? 1 : 4,
      weightsHash: sampleHashOf(`w${k}`),
      trainingLogHead: ethers.ZeroHash,
      fingerprintRoot: ethers.ZeroHash,
      tokenURI: "",
    });
    for (let k = 0; k < 16; k++) await models.register(params(k, []));
    const max = {
      ...params(99, Array.from({ length: 16 }, (_, k) => BigInt(k + 1))),
      datasetIds: Array.from({ length: 64 }, (_, k) => BigInt(k + 1)),
      tokenURI: TOKEN_URI,
    };
    record("model register: 64 datasets + 16 parents (maximum)", await gasUsed(models.register(max)));
  });

  it("verifies a sample of a 2^20-leaf dataset and reports the execution gas", async function () {
    const { datasets } = await networkHelpers.loadFixture(deployRegistries);
    const leafCount = 1n << 20n;
    const index = 0x5a5a5n; // an arbitrary leaf: its path mixes left and right siblings
    const sample = sampleHashOf("the sample");
    const proof = Array.from({ length: 20 }, (_, k) => sampleHashOf(`sibling ${k}`));
    const root = foldProof(sample, index, leafCount, proof);
    await datasets.register(root, leafCount, MANIFEST, TOKEN_URI, 0);

    expect(await datasets.verifySample(1n, sample, index, proof)).to.equal(true);
    expect(await datasets.verifySample(1n, sample, index + 1n, proof)).to.equal(false);

    const data = datasets.interface.encodeFunctionData("verifySample", [1n, sample, index, proof]);
    const execution = await executionGas(await datasets.getAddress(), data);
    record("verifySample, 2^20 leaves (20 siblings): execution gas", execution);
    record("verifySample, 2^20 leaves: calldata gas", calldataGas(data));
  });

  it("verifies a batch of 8 samples of a 2^20-leaf dataset and reports the execution gas", async function () {
    const { datasets } = await networkHelpers.loadFixture(deployRegistries);
    // Eight leaves at scattered indexes of a 2^20 tree whose other nodes are random: build only the touched
    // paths. Each sample's single proof folds to the same root because the siblings are shared where paths meet.
    const leafCount = 1n << 20n;
    const indexes = [3n, 4n, 1000n, 1001n, 65_536n, 500_000n, 777_777n, 1_048_575n];
    const samples = indexes.map((i) => sampleHashOf(`batch sample ${i}`));
    const { root, proof } = sparseMultiproof(indexes, samples, 20);
    await datasets.register(root, leafCount, MANIFEST, "", 0);
    expect(await datasets.verifySamples(1n, samples, indexes, proof)).to.equal(true);

    const data = datasets.interface.encodeFunctionData("verifySamples", [1n, samples, indexes, proof]);
    const execution = await executionGas(await datasets.getAddress(), data);
    record(`verifySamples, 8 samples of 2^20 (${proof.length} siblings): execution gas`, execution);
  });
});

/**
 * A multiproof for `indexes` in a full tree of 2^`height` leaves whose untouched nodes are pseudo-random:
 * computes only the nodes on the leaves' paths, taking every needed sibling from a deterministic generator.
 */
function sparseMultiproof(indexes: bigint[], samples: string[], height: number): { root: string; proof: string[] } {
  let known = indexes.map((i, k) => ({ i, node: ethers.keccak256(samples[k]!) }));
  const proof: string[] = [];
  for (let level = 0; level < height; level++) {
    const parents: { i: bigint; node: string }[] = [];
    for (let r = 0; r < known.length; r++) {
      const { i, node } = known[r]!;
      const sibling = () => sampleHashOf(`node ${level}/${i ^ 1n}`);
      let parent: string;
      if (i % 2n === 1n) {
        const left = sibling();
        proof.push(left);
        parent = ethers.keccak256(ethers.concat([left, node]));
      } else if (known[r + 1]?.i === i + 1n) {
        parent = ethers.keccak256(ethers.concat([node, known[r + 1]!.node]));
        r++;
      } else {
        const right = sibling();
        proof.push(right);
        parent = ethers.keccak256(ethers.concat([node, right]));
      }
      parents.push({ i: i >> 1n, node: parent });
    }
    known = parents;
  }
  return { root: known[0]!.node, proof };
}
