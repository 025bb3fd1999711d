/**
 * Benchmarks of the Merkle core: keccak throughput, tree builds (1M and 10M
 * leaves, sequential and parallel) against merkletreejs and
 * @openzeppelin/merkle-tree, and multiproof sizes. Prints measured figures.
 *
 *   npx tsx bench/tree.bench.ts            full run (the OpenZeppelin 1M build alone takes ~1 min)
 *   npx tsx bench/tree.bench.ts --quick    skip the slow comparisons (merkletreejs, OpenZeppelin)
 *   options: --compare-leaves=N (size of the comparison builds, default 1048576), --skip-10m
 *
 * The 10M-leaf builds run in child processes so their peak RSS is their own.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { Interface, keccak256 as ethersKeccak256 } from "ethers";
import { createKeccak } from "hash-wasm";
import keccak256Package from "keccak256";
import { MerkleTree as ReferenceMerkleTree } from "merkletreejs";

import { keccak256, keccakLeaves, keccakPairs } from "../src/hash/keccak.js";
import { proveBatch } from "../src/merkle/multiproof.js";
import { proveMember } from "../src/merkle/proof.js";
import { buildTreeParallel, closeTreeWorkers } from "../src/merkle/tree-parallel.js";
import { buildTree } from "../src/merkle/tree.js";
import { bestOf, peakRssMiB, perSecond, timed } from "./lib/measure.js";
import { syntheticSortedHashes } from "./lib/synthetic-hashes.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const MIB = 1024 * 1024;

/** Child mode: build a 10M tree one way, print JSON figures. */
async function child(mode: string): Promise<void> {
  const n = option("leaves", 10_000_000);
  const input = syntheticSortedHashes(n);
  const rssBefore = process.memoryUsage().rss / MIB;
  const { value: tree, ms } = await timed(() =>
    mode === "parallel" ? buildTreeParallel(input, { checkSorted: false }) : buildTree(input, { checkSorted: false }),
  );
  const result = { mode, n, ms, rssBeforeMiB: rssBefore, peakRssMiB: peakRssMiB(), depth: tree.depth };
  await closeTreeWorkers();
  console.log(JSON.stringify(result));
}

async function keccakThroughput(): Promise<void> {
  console.log("\n## Keccak-256 throughput (one thread)\n");
  const n = 1 << 20;
  const pairs = randomBytes(n * 64);
  const out = new Uint8Array(n * 32);
  const rows: [string, string][] = [];
  rows.push(["datatrace keccakPairs (64-byte inputs, batch)", perSecond(n, await bestOf(3, () => keccakPairs(pairs, out)))]);
  rows.push([
    "datatrace keccakLeaves (32-byte inputs, batch)",
    perSecond(n, await bestOf(3, () => keccakLeaves(pairs.subarray(0, n * 32), out))),
  ]);
  const single = 200_000;
  const inputs = Array.from({ length: single }, (_, i) => pairs.subarray(i * 64, i * 64 + 64));
  rows.push([
    "datatrace keccak256() one call per 64-byte input",
    perSecond(single, await bestOf(3, () => inputs.forEach((x) => keccak256(x)))),
  ]);
  const hasher = await createKeccak(256);
  rows.push([
    "hash-wasm createKeccak(256), reused hasher",
    perSecond(
      single,
      await bestOf(3, () =>
        inputs.forEach((x) => {
          hasher.init();
          hasher.update(x);
          hasher.digest("binary");
        }),
      ),
    ),
  ]);
  const buffers = inputs.slice(0, 100_000).map((x) => Buffer.from(x));
  rows.push(["keccak256 npm package", perSecond(buffers.length, await bestOf(3, () => buffers.forEach((x) => keccak256Package(x))))]);
  const few = inputs.slice(0, 30_000);
  rows.push(["ethers keccak256", perSecond(few.length, await bestOf(2, () => few.forEach((x) => ethersKeccak256(x))))]);
  for (const [name, rate] of rows) console.log(`| ${name.padEnd(50)} | ${rate.padStart(9)} |`);
}

async function treeBuilds(): Promise<void> {
  const n = 1 << 20;
  const threads = Math.min(availableParallelism(), 8);
  console.log(`\n## Tree build, ${n} leaves (${threads} threads available)\n`);
  const input = syntheticSortedHashes(n);
  const results: [string, number][] = [];
  const cold = await timed(() => buildTreeParallel(input));
  results.push(["buildTreeParallel, first call (spawns the worker)", cold.ms]);
  results.push(["buildTreeParallel (warm pool, order check on)", await bestOf(3, () => buildTreeParallel(input))]);
  results.push([
    "buildTreeParallel (warm pool, checkSorted: false)",
    await bestOf(3, () => buildTreeParallel(input, { checkSorted: false })),
  ]);
  results.push(["buildTree sequential (order check on)", await bestOf(3, () => buildTree(input))]);
  results.push(["buildTree sequential (checkSorted: false)", await bestOf(3, () => buildTree(input, { checkSorted: false }))]);
  for (const [name, ms] of results) console.log(`| ${name.padEnd(52)} | ${ms.toFixed(0).padStart(7)} ms |`);

  if (flag("quick")) return;
  const m = option("compare-leaves", n);
  const compareInput = m === n ? input : syntheticSortedHashes(m);
  const ours = await bestOf(3, () => buildTree(compareInput));
  const oursParallel = await bestOf(3, () => buildTreeParallel(compareInput));
  const leaves = Array.from({ length: m }, (_, i) => Buffer.from(compareInput.subarray(i * 32, i * 32 + 32)));
  console.log(`\n### Same ${m} leaves in other libraries (one run each)\n`);
  const reference = await timed(() => new ReferenceMerkleTree(leaves, keccak256Package, { hashLeaves: true }));
  const same = Buffer.from(buildTree(compareInput).root).equals(reference.value.getRoot());
  const ozLeaves = leaves.map((b) => `0x${b.toString("hex")}`);
  const oz = await timed(() => SimpleMerkleTree.of(ozLeaves, { sortLeaves: false }));
  const table: [string, number][] = [
    ["datatrace buildTree (sequential)", ours],
    ["datatrace buildTreeParallel", oursParallel],
    [`merkletreejs (hashLeaves, keccak256 pkg; same root: ${same})`, reference.ms],
    ["@openzeppelin/merkle-tree SimpleMerkleTree.of (sorted pairs)", oz.ms],
  ];
  for (const [name, ms] of table) {
    const ratio = `${(ms / ours).toFixed(1)}× seq, ${(ms / oursParallel).toFixed(1)}× par`;
    console.log(`| ${name.padEnd(62)} | ${ms.toFixed(0).padStart(7)} ms | ${ratio.padStart(22)} |`);
  }
}

function tenMillion(): void {
  console.log("\n## Tree build, 10,000,000 leaves (fresh child process each; input = 320 MB of hashes)\n");
  for (const mode of ["sequential", "parallel"]) {
    const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--child=${mode}`], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    const line = run.stdout.trim().split("\n").at(-1) ?? "";
    if (run.status !== 0 || !line.startsWith("{")) {
      console.log(`| ${mode} | failed: ${run.stderr.trim().split("\n").slice(-3).join(" / ")} |`);
      continue;
    }
    const r = JSON.parse(line) as { ms: number; rssBeforeMiB: number; peakRssMiB: number };
    console.log(
      `| ${mode.padEnd(10)} | ${r.ms.toFixed(0).padStart(6)} ms | peak RSS ${r.peakRssMiB.toFixed(0)} MiB ` +
        `(${r.rssBeforeMiB.toFixed(0)} MiB before the build, input included) |`,
    );
  }
}

async function proofSizes(): Promise<void> {
  const n = 1 << 20;
  console.log(`\n## Proof sizes, ${n}-leaf tree (mean of 10 random draws per k)\n`);
  const tree = await buildTreeParallel(syntheticSortedHashes(n), { checkSorted: false });
  const abi = new Interface([
    "function verifySample(uint256 tokenId, bytes32 sampleHash, uint256 index, bytes32[] proof)",
    "function verifySamples(uint256 tokenId, bytes32[] sampleHashes, uint256[] indexes, bytes32[] proof)",
  ]);
  const zero = `0x${"00".repeat(32)}`;
  console.log("| k | batch proof hashes | k single proofs: hashes | batch calldata | k single calls: calldata | calldata saved |");
  console.log("|---|---|---|---|---|---|");
  for (const k of [1, 8, 64, 512]) {
    let batchHashes = 0;
    let singleHashes = 0;
    let batchBytes = 0;
    let singleBytes = 0;
    const trials = 10;
    for (let t = 0; t < trials; t++) {
      const wanted = new Set<number>();
      while (wanted.size < k) wanted.add(Math.floor(Math.random() * n));
      const batch = proveBatch(tree, [...wanted]);
      batchHashes += batch.proof.length;
      batchBytes +=
        (abi.encodeFunctionData("verifySamples", [1, batch.indexes.map(() => zero), batch.indexes, batch.proof]).length - 2) / 2;
      for (const i of batch.indexes) {
        const siblings = proveMember(tree, i).siblings;
        singleHashes += siblings.length;
        singleBytes += (abi.encodeFunctionData("verifySample", [1, zero, i, siblings]).length - 2) / 2;
      }
    }
    const saved = `${(100 * (1 - batchBytes / singleBytes)).toFixed(0)}%`;
    console.log(
      `| ${k} | ${(batchHashes / trials).toFixed(1)} | ${(singleHashes / trials).toFixed(1)} | ` +
        `${(batchBytes / trials).toFixed(0)} B | ${(singleBytes / trials).toFixed(0)} B | ${saved} |`,
    );
  }
}

const childMode = args.find((a) => a.startsWith("--child="));
if (childMode !== undefined) {
  await child(childMode.slice("--child=".length));
} else {
  console.log(`# Datatrace Merkle bench (node ${process.version}, ${availableParallelism()} cores)`);
  await keccakThroughput();
  await treeBuilds();
  if (!flag("skip-10m")) tenMillion();
  await proofSizes();
  await closeTreeWorkers();
}
