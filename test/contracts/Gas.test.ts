/**
 * Gas budgets of the registries, measured on Hardhat's EDR with the cancun hardfork (the EVM level the contracts
 * are compiled for and Filecoin's FEVM runs; EDR's default, osaka, adds EIP-7623's calldata floor):
 * - DatasetNFT.register, realistic call (manifest `bafybei…`, token URI `ipfs://bafkrei…`): <= 250k tx gas;
 * - ModelNFT.register with 1 dataset + 1 parent: <= 300k tx gas;
 * - verifySample on a 2^20-leaf dataset: <= 10,000 execution gas;
 * - k separate verifySample calls vs one verifySamples batch of the same k samples (k = 8, 64): execution and
 *   calldata gas reported, the batch asserted cheaper on both.
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
const VERIFY_SAMPLE_BUDGET = 10_000n; // execution gas, 2^20 leaves
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

  it("DatasetNFT.commit + registerCommitted (front-running-safe registration) stays within 250k gas per step", async function () {
    const { datasets, alice } = await networkHelpers.loadFixture(deployRegistries);
    await datasets.connect(alice).register(sampleHashOf("warm-up"), 1, MANIFEST, "", 0); // as the typical case
    const root = sampleHashOf("committed");
    const salt = sampleHashOf("salt");
    const commitment = await datasets.commitmentOf(alice.address, root, 1_000_000, MANIFEST, TOKEN_URI, 1, salt);
    const commit = await gasUsed(datasets.connect(alice).commit(commitment, await datasets.rootKeyOf(root)));
    await networkHelpers.time.increase(await datasets.MIN_COMMITMENT_AGE());
    const revealed = await gasUsed(
      datasets.connect(alice).registerCommitted(root, 1_000_000, MANIFEST, TOKEN_URI, 1, salt),
    );
    record("dataset commit (new commitment and claim)", commit);
    record("dataset registerCommitted: typical (after commit)", revealed);
    record("  commit + registerCommitted, total", commit + revealed);
    expect(commit).to.be.at.most(DATASET_BUDGET);
    expect(revealed).to.be.at.most(DATASET_BUDGET);
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

  it("verifies a sample of a 2^20-leaf dataset within 10,000 execution gas", async function () {
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
    expect(execution).to.be.at.most(VERIFY_SAMPLE_BUDGET);
  });

  it("verifies a batch of 8 scattered samples of a 2^20-leaf dataset and reports the execution gas", async function () {
    const { datasets } = await networkHelpers.loadFixture(deployRegistries);
    const indexes = [3n, 4n, 1000n, 1001n, 65_536n, 500_000n, 777_777n, 1_048_575n];
    const tree = new SparseTree(20, indexes, (i) => sampleHashOf(`batch sample ${i}`));
    await datasets.register(tree.root(), 1n << 20n, MANIFEST, "", 0);
    const proof = tree.multiproof();
    expect(await datasets.verifySamples(1n, tree.samples, indexes, proof)).to.equal(true);

    const data = datasets.interface.encodeFunctionData("verifySamples", [1n, tree.samples, indexes, proof]);
    const execution = await executionGas(await datasets.getAddress(), data);
    record(`verifySamples, 8 samples of 2^20 (${proof.length} siblings): execution gas`, execution);
  });

  for (const k of [8, 64]) {
    it(`compares ${k} separate verifySample calls with one verifySamples batch of the same ${k} samples`, async function () {
      const { datasets } = await networkHelpers.loadFixture(deployRegistries);
      const indexes = randomIndexes(k, 1n << 20n, `draw ${k}`);
      const tree = new SparseTree(20, indexes, (i) => sampleHashOf(`compared sample ${i}`));
      await datasets.register(tree.root(), 1n << 20n, MANIFEST, "", 0);
      const to = await datasets.getAddress();

      let singleExecution = 0n;
      let singleCalldata = 0n;
      for (const [r, index] of indexes.entries()) {
        const proof = tree.proof(index);
        expect(await datasets.verifySample(1n, tree.samples[r]!, index, proof)).to.equal(true);
        const data = datasets.interface.encodeFunctionData("verifySample", [1n, tree.samples[r]!, index, proof]);
        singleExecution += await executionGas(to, data);
        singleCalldata += calldataGas(data);
      }
      const proof = tree.multiproof();
      expect(await datasets.verifySamples(1n, tree.samples, indexes, proof)).to.equal(true);
      const data = datasets.interface.encodeFunctionData("verifySamples", [1n, tree.samples, indexes, proof]);
      const batchExecution = await executionGas(to, data);
      const batchCalldata = calldataGas(data);

      record(`${k} x verifySample, 2^20 leaves (${k * 20} siblings): execution gas`, singleExecution);
      record(`${k} x verifySample: calldata gas`, singleCalldata);
      record(`verifySamples of the same ${k} (${proof.length} siblings): execution gas`, batchExecution);
      record(`verifySamples of the same ${k}: calldata gas`, batchCalldata);
      // Shared path segments are hashed and sent once, and the dataset record is read once.
      expect(batchExecution).to.be.lessThan(singleExecution);
      expect(batchCalldata).to.be.lessThan(singleCalldata);
    });
  }
});

/** `count` distinct pseudo-random indexes below `bound`, ascending, drawn deterministically from `label`. */
function randomIndexes(count: number, bound: bigint, label: string): bigint[] {
  const picked = new Set<bigint>();
  for (let n = 0; picked.size < count; n++) picked.add(BigInt(sampleHashOf(`${label}/${n}`)) % bound);
  return [...picked].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A full tree of 2^`height` leaves of which only `indexes` are known samples; every other node is pseudo-random
 * (`sampleHashOf("node <level>/<i>")`). Only the nodes on the samples' paths are computed, so single proofs and the
 * multiproof of a 2^20-leaf tree cost a few hundred hashes and all fold to the same root.
 */
class SparseTree {
  readonly samples: string[];
  private readonly computed: Map<bigint, string>[] = [];

  constructor(
    private readonly height: number,
    private readonly indexes: readonly bigint[],
    sampleOf: (index: bigint) => string,
  ) {
    this.samples = indexes.map(sampleOf);
    this.computed.push(new Map(indexes.map((i, r) => [i, ethers.keccak256(this.samples[r]!)])));
    for (let level = 0; level < height; level++) {
      const parents = new Map<bigint, string>();
      for (const i of this.computed[level]!.keys()) {
        const p = i >> 1n;
        if (!parents.has(p)) {
          parents.set(p, ethers.keccak256(ethers.concat([this.node(level, 2n * p), this.node(level, 2n * p + 1n)])));
        }
      }
      this.computed.push(parents);
    }
  }

  /** The node at `level` (0 = leaves), position `i`: computed on a sample's path, pseudo-random elsewhere. */
  node(level: number, i: bigint): string {
    return this.computed[level]!.get(i) ?? sampleHashOf(`node ${level}/${i}`);
  }

  root(): string {
    return this.node(this.height, 0n);
  }

  /** The single membership proof of the sample at `index`. */
  proof(index: bigint): string[] {
    return Array.from({ length: this.height }, (_, level) => this.node(level, (index >> BigInt(level)) ^ 1n));
  }

  /** The positional multiproof of all the samples (docs/merkle-scheme.md; every level has even width). */
  multiproof(): string[] {
    const proof: string[] = [];
    let known = [...this.indexes];
    for (let level = 0; level < this.height; level++) {
      const parents: bigint[] = [];
      for (let r = 0; r < known.length; r++) {
        const i = known[r]!;
        if (i % 2n === 1n) proof.push(this.node(level, i - 1n));
        else if (known[r + 1] === i + 1n) r++;
        else proof.push(this.node(level, i + 1n));
        parents.push(i >> 1n);
      }
      known = parents;
    }
    return proof;
  }
}
