/**
 * Gas budgets of the registries, measured on Hardhat's EDR at cancun (the EVM level the contracts are compiled for
 * and Filecoin's FEVM runs; later hardforks add EIP-7623's calldata floor). EDR gas is Ethereum gas: FEVM charges
 * differently (docs/contracts.md), so these figures compare designs, they do not predict Filecoin fees.
 *
 * Budgets (asserted):
 * - DatasetNFT.register, typical (the registrant already holds a token, new root): ≤ 200k transaction gas;
 * - ModelNFT.register with 1 dataset + 1 parent: ≤ 300k transaction gas;
 * - verifySample on a 2^20-leaf dataset: ≤ 15k execution gas; verifyAbsence: ≤ 30k execution gas;
 * - a batch of 64 samples costs less calldata (and execution) than 64 single proofs;
 * - ancestors on a dense lineage (160 models, up to 16 parents each): ≤ 25k execution gas per model walked (linear;
 *   v1's quadratic walk took 23M gas there).
 * "Execution gas" = eth_estimateGas − 21,000 − calldata gas (EIP-2028: 16 per non-zero byte, 4 per zero byte),
 * cross-checked against the sum of the opcode costs of the same call sent as a transaction (debug_traceTransaction).
 * The 2^20-leaf dataset is a real tree over 2^20 seeded random sample hashes, built by the core (`src/merkle`).
 * Every figure is printed after the suite, with its budget.
 */
import { createCipheriv, createHash } from "node:crypto";

import { expect } from "chai";
import { network } from "hardhat";

import {
  buildTree,
  hashLevelRange,
  levelWidths,
  MerkleTree,
  proveMember,
} from "../../src/merkle/index.js";
import type { DatasetNFT, ModelNFT } from "../../typechain-types/index.js";
import { cidOfBytes, DAG_PB } from "./helpers/cids.js";
import { Dataset, offsetHash, sampleHashOf } from "./helpers/sampleTree.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DATASET_BUDGET = 200_000n;
const MODEL_BUDGET = 300_000n;
const VERIFY_SAMPLE_BUDGET = 15_000n;
const VERIFY_ABSENCE_BUDGET = 30_000n;
/** ancestors: execution gas per model the walk expands (its parent links read, the new ones queued). */
const ANCESTORS_PER_EXPANSION_BUDGET = 25_000n;
const MANIFEST = cidOfBytes("manifest.json", DAG_PB); // 59 characters, bafybei…
const TOKEN_URI = `ipfs://${cidOfBytes("metadata.json")}`; // ipfs:// + 59 characters, bafkrei…
const LEAVES = 1 << 20;

const figures: [string, string, string][] = [];
function record(label: string, value: bigint | number, budget = "") {
  figures.push([label, value.toLocaleString("en-US"), budget]);
}

function calldataGas(data: string): bigint {
  let gas = 0n;
  for (const b of ethers.getBytes(data)) gas += b === 0 ? 4n : 16n;
  return gas;
}

async function gasUsed(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function deployRegistries() {
  const [alice, bob, carol] = await ethers.getSigners();
  const datasets: DatasetNFT = await ethers.deployContract("DatasetNFT");
  const models: ModelNFT = await ethers.deployContract("ModelNFT", [await datasets.getAddress()]);
  return { datasets, models, alice: alice!, bob: bob!, carol: carol! };
}

interface StructLog {
  op: string;
  gasCost: number;
  depth: number;
}

/**
 * Execution gas of a call from its estimate. With `trace`, the same call is also sent as a transaction and the sum
 * of its opcode costs must equal the estimate's execution part (no calldata floor, no hidden cost).
 */
async function executionGas(to: string, data: string, trace = true): Promise<bigint> {
  const estimate = await ethers.provider.estimateGas({ to, data });
  const fromEstimate = estimate - 21_000n - calldataGas(data);
  if (trace) {
    const [sender] = await ethers.getSigners();
    const tx = await sender!.sendTransaction({ to, data });
    await tx.wait();
    const traced = [...(await gasByOpcode(tx.hash)).values()].reduce((a, b) => a + b, 0);
    expect(BigInt(traced)).to.equal(fromEstimate, "trace and estimate disagree");
  }
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

/** 2^20 distinct seeded pseudo-random 32-byte hashes, sorted (AES-CTR keystream; sorted by their first 4 bytes, ties fixed). */
function sortedRandomHashes(n: number, seed: string): Uint8Array {
  const key = createHash("sha256").update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  const raw = Buffer.concat([cipher.update(Buffer.alloc(n * 32)), cipher.final()]);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = raw.readUInt32BE(i * 32) * 2 ** 21 + i; // < 2^53 for n ≤ 2^21
  keys.sort();
  const flat = Buffer.alloc(n * 32);
  for (let j = 0; j < n; j++) raw.copy(flat, j * 32, (keys[j]! % 2 ** 21) * 32, (keys[j]! % 2 ** 21) * 32 + 32);
  const held = Buffer.alloc(32);
  for (let j = 1; j < n; j++) {
    // Equal 4-byte prefixes (about n² / 2^33 of them) sort by the whole hash: an insertion step.
    for (let k = j; k > 0 && flat.compare(flat, k * 32, (k + 1) * 32, (k - 1) * 32, k * 32) > 0; k--) {
      flat.copy(held, 0, k * 32, (k + 1) * 32);
      flat.copy(flat, k * 32, (k - 1) * 32, k * 32);
      held.copy(flat, (k - 1) * 32);
    }
  }
  return new Uint8Array(flat.buffer, flat.byteOffset, flat.length);
}

/**
 * The same leaves with untruncated split keys: every split is the whole first hash of the right subtree. Built by
 * the core's level hasher with doctored bounds — the split key of (lower, upper) keeps `upper` up to the first byte
 * where they differ, so a "lower" equal to `upper` but for its last byte yields all of `upper`.
 */
function buildFullSplitTree(flat: Uint8Array): MerkleTree {
  const n = flat.length / 32;
  const lasts = new Uint8Array(flat.length);
  lasts.set(flat.subarray(32), 0); // lasts[u - 1] = firsts[u] …
  for (let u = 0; u < n - 1; u++) lasts[u * 32 + 31]! ^= 1; // … but for the last byte
  const bounds = { firsts: flat, lasts };
  const levels = levelWidths(n).map((width, k) => (k === 0 ? flat : new Uint8Array(width * 32)));
  hashLevelRange(levels, bounds, 0, n, 0, levels.length - 1);
  return new MerkleTree(levels, bounds);
}

/** `count` distinct pseudo-random indexes below `bound`, ascending, drawn deterministically from `label`. */
function randomIndexes(count: number, bound: number, label: string): number[] {
  const picked = new Set<number>();
  for (let n = 0; picked.size < count; n++) picked.add(Number(BigInt(sampleHashOf(`${label}/${n}`)) % BigInt(bound)));
  return [...picked].sort((a, b) => a - b);
}

describe("Gas", function () {
  after(function () {
    const width = Math.max(...figures.map(([label]) => label.length));
    console.log("\n    Measured gas (Hardhat EDR, cancun)");
    console.log(`      ${"figure".padEnd(width)}  ${"gas".padStart(10)}  budget`);
    for (const [label, value, budget] of figures) {
      console.log(`      ${label.padEnd(width)}  ${value.padStart(10)}  ${budget}`);
    }
  });

  it("runs on the cancun hardfork (no EIP-7623 calldata floor)", function () {
    expect(connection.networkConfig.type).to.equal("edr-simulated");
    expect((connection.networkConfig as { hardfork?: string }).hardfork).to.equal("cancun");
  });

  it("DatasetNFT.register: typical within 200k gas; first ever and a registrant's first printed", async function () {
    const { datasets, alice, bob, carol } = await networkHelpers.loadFixture(deployRegistries);
    const register = (signer: typeof alice, root: string) =>
      gasUsed(datasets.connect(signer).register(root, 1_000_000, MANIFEST, TOKEN_URI, 0));
    const first = await register(alice, sampleHashOf("d1"));
    const typical = await register(alice, sampleHashOf("d2"));
    const newRegistrant = await register(bob, sampleHashOf("d3"));
    const secondOfRoot = await register(carol, sampleHashOf("d1"));
    const withVersion = await gasUsed(datasets.connect(alice).register(sampleHashOf("d4"), 1_000_000, MANIFEST, TOKEN_URI, 2));
    record("DatasetNFT.register: first ever (counter, balance 0 -> 1)", first);
    record("DatasetNFT.register: typical (holds a token, new root)", typical, "<= 200,000");
    record("DatasetNFT.register: the registrant's first token", newRegistrant);
    record("DatasetNFT.register: 2nd registrant of a root (holds a token)", secondOfRoot);
    record("DatasetNFT.register: typical + previousVersion", withVersion);
    expect(typical).to.be.at.most(DATASET_BUDGET);
  });

  it("DatasetNFT.register: a text token URI costs more than a compact ipfs:// one", async function () {
    const { datasets } = await networkHelpers.loadFixture(deployRegistries);
    await datasets.register(sampleHashOf("warm-up"), 1, MANIFEST, "", 0);
    const empty = await gasUsed(datasets.register(sampleHashOf("a"), 1, MANIFEST, "", 0));
    const compact = await gasUsed(datasets.register(sampleHashOf("b"), 1, MANIFEST, TOKEN_URI, 0));
    const text = await gasUsed(datasets.register(sampleHashOf("c"), 1, MANIFEST, `https://example.org/${"x".repeat(46)}`, 0));
    record("DatasetNFT.register: empty token URI", empty);
    record("DatasetNFT.register: ipfs://<cid> token URI (compact)", compact);
    record("DatasetNFT.register: 66-character https:// URI (text)", text);
    expect(compact).to.be.greaterThan(empty);
    expect(text).to.be.greaterThan(compact);
  });

  it("breaks the typical DatasetNFT.register down by opcode", async function () {
    const { datasets } = await networkHelpers.loadFixture(deployRegistries);
    await datasets.register(sampleHashOf("warm-up"), 1, MANIFEST, "", 0);
    const tx = await datasets.register(sampleHashOf("traced"), 1_000_000, MANIFEST, TOKEN_URI, 0);
    const receipt = await tx.wait();
    const sums = await gasByOpcode(tx.hash);
    const intrinsic = 21_000n + calldataGas(tx.data);
    record("  typical register: intrinsic (21,000 + calldata)", intrinsic);
    for (const kind of ["SSTORE", "SLOAD", "LOG", "KECCAK256", "other"]) {
      record(`  typical register: ${kind}`, BigInt(sums.get(kind) ?? 0));
    }
    const traced = [...sums.values()].reduce((a, b) => a + b, 0);
    expect(intrinsic + BigInt(traced)).to.equal(receipt!.gasUsed); // no refunds: no slot is cleared
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
    record("ModelNFT.register: base model, 1 dataset, first ever", first);
    record("ModelNFT.register: 1 dataset + 1 parent (typical)", typical, "<= 300,000");
    expect(typical).to.be.at.most(MODEL_BUDGET);
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
    expect(await models.MAX_DATASETS()).to.equal(64n);
    expect(await models.MAX_PARENTS()).to.equal(16n);
    const gas = await gasUsed(models.register(max));
    record("ModelNFT.register: 64 datasets + 16 parents (maximum)", gas);
    // The maximum is accepted and every link is stored, in order.
    expect(await models.modelCount()).to.equal(17n);
    expect(await models.datasetsOf(17n)).to.deep.equal(max.datasetIds);
    expect(await models.parentsOf(17n)).to.deep.equal(max.parentIds);
    expect(gas).to.be.greaterThan(0n);
  });

  it("ModelNFT.ancestors on a dense lineage (160 models, up to 16 parents each) is linear in the walk", async function () {
    const { datasets, models } = await networkHelpers.loadFixture(deployRegistries);
    await datasets.register(sampleHashOf("d"), 10, MANIFEST, "", 0);
    const parents = new Map<bigint, bigint[]>();
    for (let id = 1; id <= 160; id++) {
      const count = Math.min(id - 1, 16);
      const parentIds: bigint[] = [];
      for (let k = 0; parentIds.length < count; k++) {
        const p = BigInt(1 + ((id * 7919 + k) % (id - 1)));
        if (!parentIds.includes(p)) parentIds.push(p);
      }
      parents.set(BigInt(id), parentIds);
      await models.register({
        datasetIds: [1n],
        parentIds,
        relation: count === 0 ? 0 : count === 1 ? 1 : 4,
        weightsHash: sampleHashOf(`dense ${id}`),
        trainingLogHead: ethers.ZeroHash,
        fingerprintRoot: ethers.ZeroHash,
        tokenURI: "",
      });
    }
    const to = await models.getAddress();
    // The reference walk: breadth-first, each ancestor once.
    const queue = [160n];
    for (let head = 0; head < queue.length; head++) {
      for (const p of parents.get(queue[head]!)!) if (!queue.includes(p)) queue.push(p);
    }
    const reference = queue.slice(1);
    const [all, more] = await models.ancestors(160n, 0n, 256n);
    expect(all).to.deep.equal(reference);
    expect(more).to.equal(false);
    const full = await executionGas(to, models.interface.encodeFunctionData("ancestors", [160n, 0n, 256n]), false);
    const window16 = await executionGas(to, models.interface.encodeFunctionData("ancestors", [160n, 0n, 16n]));
    const window16Late = await executionGas(to, models.interface.encodeFunctionData("ancestors", [160n, 100n, 16n]));
    // The walk expands each ancestor found, plus the model itself, each reading up to 16 parent links.
    const budget = ANCESTORS_PER_EXPANSION_BUDGET * BigInt(reference.length + 1);
    record(
      `ModelNFT.ancestors(160, 0, 256): ${reference.length} ancestors, dense lineage`,
      full,
      `<= ${budget.toLocaleString("en-US")} (25k per model walked)`,
    );
    record("ModelNFT.ancestors(160, 0, 16)", window16);
    record("ModelNFT.ancestors(160, 100, 16)", window16Late);
    expect(full).to.be.at.most(budget);
    expect(window16).to.be.lessThan(full / 4n); // a small window stops early
  });

  it("measures Cid.parse of a 59-character CID against a baseline call", async function () {
    const harness = await ethers.deployContract("CidHarness");
    const to = await harness.getAddress();
    const parse = await executionGas(to, harness.interface.encodeFunctionData("parse", [MANIFEST]));
    const baseline = await executionGas(to, harness.interface.encodeFunctionData("parseBaseline", [MANIFEST]));
    record("Cid.parse of a 59-character CID (execution, over baseline)", parse - baseline);
    expect(parse).to.be.greaterThan(baseline);
  });

  describe("on a 2^20-leaf dataset", function () {
    let flat: Uint8Array;
    let data: Dataset;

    before(function () {
      this.timeout(300_000);
      flat = sortedRandomHashes(LEAVES, "gas 2^20");
      const hashes: string[] = [];
      for (let i = 0; i < LEAVES; i++) hashes.push(ethers.hexlify(flat.subarray(i * 32, (i + 1) * 32)));
      data = new Dataset(hashes, flat);
    });

    async function deployWithBigDataset() {
      const base = await deployRegistries();
      await base.datasets.register(data.root, LEAVES, MANIFEST, TOKEN_URI, 0);
      return { ...base, id: 1n, to: await base.datasets.getAddress() };
    }

    it("verifySample within 15,000 execution gas", async function () {
      const { datasets, id, to } = await networkHelpers.loadFixture(deployWithBigDataset);
      const index = 0x5a5a5; // its path mixes left and right
      const sample = data.sampleHashes[index]!;
      const path = data.path(index);
      expect(path.length).to.equal(40);
      expect(await datasets.verifySample(id, sample, index, path)).to.equal(true);
      expect(await datasets.verifySample(id, sample, index + 1, path)).to.equal(false);
      const call = datasets.interface.encodeFunctionData("verifySample", [id, sample, index, path]);
      const execution = await executionGas(to, call);
      record("verifySample, 2^20 leaves (20 levels): execution gas", execution, "<= 15,000");
      record("verifySample, 2^20 leaves: calldata gas", calldataGas(call));
      expect(execution).to.be.at.most(VERIFY_SAMPLE_BUDGET);
    });

    it("verifyAbsence within 30,000 execution gas", async function () {
      const { datasets, id, to } = await networkHelpers.loadFixture(deployWithBigDataset);
      const query = offsetHash(data.sampleHashes[0x3c3c3]!, 1n); // just above a sample: absent
      const proof = data.prove(query);
      expect(proof.kind).to.equal("absent");
      expect(await datasets.verifyAbsence(id, query, proof.index, proof.neighbor, proof.path)).to.equal(true);
      expect(await datasets.verifySample(id, query, proof.index, proof.path)).to.equal(false);
      const call = datasets.interface.encodeFunctionData("verifyAbsence", [id, query, proof.index, proof.neighbor, proof.path]);
      const execution = await executionGas(to, call);
      record("verifyAbsence, 2^20 leaves: execution gas", execution, "<= 30,000");
      record("verifyAbsence, 2^20 leaves: calldata gas", calldataGas(call));
      expect(execution).to.be.at.most(VERIFY_ABSENCE_BUDGET);
    });

    for (const k of [8, 64, 512]) {
      it(`compares ${k} verifySample calls with one verifySamples batch of the same ${k} samples`, async function () {
        this.timeout(600_000);
        const { datasets, id, to } = await networkHelpers.loadFixture(deployWithBigDataset);
        const indexes = randomIndexes(k, LEAVES, `draw ${k}`);
        // Execution of the singles is measured up to 64 (512 estimates take minutes on a loaded machine).
        const measureSingles = k <= 64;
        let singleExecution = 0n;
        let singleCalldata = 0n;
        for (const [r, index] of indexes.entries()) {
          const call = datasets.interface.encodeFunctionData("verifySample", [id, data.sampleHashes[index]!, index, data.path(index)]);
          if (measureSingles) singleExecution += await executionGas(to, call, r < 4); // trace-checked for the first few
          singleCalldata += calldataGas(call);
        }
        const b = data.batch(indexes);
        expect(await datasets.verifySamples(id, b.samples, b.indexes, b.path)).to.equal(true);
        const call = datasets.interface.encodeFunctionData("verifySamples", [id, b.samples, b.indexes, b.path]);
        const batchExecution = await executionGas(to, call, measureSingles); // a 512-sample trace is huge
        const batchCalldata = calldataGas(call);
        record(`${k} x verifySample: calldata gas`, singleCalldata, k === 64 ? "> batch" : "");
        record(`verifySamples of the same ${k} (${b.path.length} path words): calldata gas`, batchCalldata);
        if (measureSingles) record(`${k} x verifySample: execution gas`, singleExecution);
        record(`verifySamples of the same ${k}: execution gas`, batchExecution);
        expect(batchCalldata).to.be.lessThan(singleCalldata);
        if (measureSingles) expect(batchExecution).to.be.lessThan(singleExecution);
      });
    }

    it("measures what truncated split keys save against whole first hashes of the right subtree", async function () {
      this.timeout(300_000);
      const { datasets, id, to } = await networkHelpers.loadFixture(deployWithBigDataset);
      const full = buildFullSplitTree(flat);
      await datasets.register(ethers.hexlify(full.root), LEAVES, MANIFEST, "", 0);
      const fullId = id + 1n;
      const index = 0x5a5a5;
      const sample = data.sampleHashes[index]!;
      const truncatedPath = data.path(index);
      const fullPath = proveMember(full, index).path.map((p) => ethers.hexlify(p));
      // Same siblings' positions, same leaves: only the split keys (and hence the nodes) differ.
      expect(fullPath.filter((_, j) => j % 2 === 1)).to.not.deep.equal(truncatedPath.filter((_, j) => j % 2 === 1));
      expect(await datasets.verifySample(fullId, sample, index, fullPath)).to.equal(true);
      const truncatedCall = datasets.interface.encodeFunctionData("verifySample", [id, sample, index, truncatedPath]);
      const fullCall = datasets.interface.encodeFunctionData("verifySample", [fullId, sample, index, fullPath]);
      const truncated = calldataGas(truncatedCall);
      const whole = calldataGas(fullCall);
      const zeroBytes = (path: string[]) =>
        path.filter((_, j) => j % 2 === 1).reduce((n, s) => n + ethers.getBytes(s).filter((b) => b === 0).length, 0);
      record("verifySample calldata gas, truncated split keys", truncated);
      record("verifySample calldata gas, whole first hash as split key", whole);
      record("  zero bytes in the 20 split keys: truncated", zeroBytes(truncatedPath));
      record("  zero bytes in the 20 split keys: whole", zeroBytes(fullPath));
      record("verifySample execution gas, whole split keys", await executionGas(to, fullCall));
      expect(truncated).to.be.lessThan(whole);
      // And the core's honest tree is the one the truncation rule gives: rebuilding it gives the registered root.
      expect(ethers.hexlify(buildTree(flat).root)).to.equal(data.root);
    });
  });
});
