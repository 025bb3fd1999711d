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
 * The measurement functions are exported for bench/all.bench.ts (the combined
 * run); the report below runs only when this file is the script started.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import path from "node:path";
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

/** Build times of one n-leaf input with our trees (ms). */
export interface TreeBuildTimes {
  readonly leaves: number;
  /** buildTreeParallel, first call in the process (spawns the worker). */
  readonly parallelColdMs: number;
  /** buildTreeParallel, warm pool, best of 3 (order check on / off). */
  readonly parallelMs: number;
  readonly parallelNoCheckMs: number;
  /** buildTree on the calling thread, best of 3 (order check on / off). */
  readonly sequentialMs: number;
  readonly sequentialNoCheckMs: number;
}

/** Times our tree builds over `input` (sorted distinct hashes). */
export async function measureTreeBuilds(input: Uint8Array): Promise<TreeBuildTimes> {
  const cold = await timed(() => buildTreeParallel(input));
  return {
    leaves: input.length / 32,
    parallelColdMs: cold.ms,
    parallelMs: await bestOf(3, () => buildTreeParallel(input)),
    parallelNoCheckMs: await bestOf(3, () => buildTreeParallel(input, { checkSorted: false })),
    sequentialMs: await bestOf(3, () => buildTree(input)),
    sequentialNoCheckMs: await bestOf(3, () => buildTree(input, { checkSorted: false })),
  };
}

/** The same leaves built by merkletreejs and OpenZeppelin (one run each), against ours (best of 3). */
export interface LibraryComparison {
  readonly leaves: number;
  readonly oursSequentialMs: number;
  readonly oursParallelMs: number;
  readonly merkletreejsMs: number;
  /** Whether merkletreejs gives our root (it implements the same scheme). */
  readonly sameRootAsMerkletreejs: boolean;
  /** SimpleMerkleTree.of: a different scheme (sorted pairs), timed for scale only. */
  readonly openZeppelinMs: number;
}

/** Builds `input` with our trees, merkletreejs and @openzeppelin/merkle-tree (slow: ~1.5 min for 1M leaves). */
export async function compareTreeLibraries(input: Uint8Array): Promise<LibraryComparison> {
  const m = input.length / 32;
  const oursSequentialMs = await bestOf(3, () => buildTree(input));
  const oursParallelMs = await bestOf(3, () => buildTreeParallel(input));
  const leaves = Array.from({ length: m }, (_, i) => Buffer.from(input.subarray(i * 32, i * 32 + 32)));
  const reference = await timed(() => new ReferenceMerkleTree(leaves, keccak256Package, { hashLeaves: true }));
  const sameRootAsMerkletreejs = Buffer.from(buildTree(input).root).equals(reference.value.getRoot());
  const ozLeaves = leaves.map((b) => `0x${b.toString("hex")}`);
  const oz = await timed(() => SimpleMerkleTree.of(ozLeaves, { sortLeaves: false }));
  return { leaves: m, oursSequentialMs, oursParallelMs, merkletreejsMs: reference.ms, sameRootAsMerkletreejs, openZeppelinMs: oz.ms };
}

async function treeBuilds(): Promise<void> {
  const n = 1 << 20;
  const threads = Math.min(availableParallelism(), 8);
  console.log(`\n## Tree build, ${n} leaves (${threads} threads available)\n`);
  const input = syntheticSortedHashes(n);
  const t = await measureTreeBuilds(input);
  const results: [string, number][] = [
    ["buildTreeParallel, first call (spawns the worker)", t.parallelColdMs],
    ["buildTreeParallel (warm pool, order check on)", t.parallelMs],
    ["buildTreeParallel (warm pool, checkSorted: false)", t.parallelNoCheckMs],
    ["buildTree sequential (order check on)", t.sequentialMs],
    ["buildTree sequential (checkSorted: false)", t.sequentialNoCheckMs],
  ];
  for (const [name, ms] of results) console.log(`| ${name.padEnd(52)} | ${ms.toFixed(0).padStart(7)} ms |`);

  if (flag("quick")) return;
  const m = option("compare-leaves", n);
  const c = await compareTreeLibraries(m === n ? input : syntheticSortedHashes(m));
  console.log(`\n### Same ${m} leaves in other libraries (one run each)\n`);
  const table: [string, number][] = [
    ["datatrace buildTree (sequential)", c.oursSequentialMs],
    ["datatrace buildTreeParallel", c.oursParallelMs],
    [`merkletreejs (hashLeaves, keccak256 pkg; same root: ${c.sameRootAsMerkletreejs})`, c.merkletreejsMs],
    ["@openzeppelin/merkle-tree SimpleMerkleTree.of (sorted pairs)", c.openZeppelinMs],
  ];
  for (const [name, ms] of table) {
    const ratio = `${(ms / c.oursSequentialMs).toFixed(1)}× seq, ${(ms / c.oursParallelMs).toFixed(1)}× par`;
    console.log(`| ${name.padEnd(62)} | ${ms.toFixed(0).padStart(7)} ms | ${ratio.padStart(22)} |`);
  }
}

/** A 10M-leaf build in a fresh child process: its time and its own peak RSS, or why it failed. */
export type ChildTreeBuild =
  | { readonly ok: true; readonly mode: string; readonly leaves: number; readonly ms: number; readonly rssBeforeMiB: number; readonly peakRssMiB: number }
  | { readonly ok: false; readonly mode: string; readonly error: string };

/** Builds a `leaves`-leaf tree (`sequential` or `parallel`) in a child process of this file. */
export function measureTreeInChild(mode: "sequential" | "parallel", leaves = 10_000_000): ChildTreeBuild {
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--child=${mode}`, `--leaves=${leaves}`], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  if (run.status !== 0 || !line.startsWith("{")) return { ok: false, mode, error: run.stderr.trim().split("\n").slice(-3).join(" / ") };
  const r = JSON.parse(line) as { ms: number; rssBeforeMiB: number; peakRssMiB: number };
  return { ok: true, mode, leaves, ms: r.ms, rssBeforeMiB: r.rssBeforeMiB, peakRssMiB: r.peakRssMiB };
}

function tenMillion(): void {
  console.log("\n## Tree build, 10,000,000 leaves (fresh child process each; input = 320 MB of hashes)\n");
  for (const mode of ["sequential", "parallel"] as const) {
    const r = measureTreeInChild(mode);
    if (!r.ok) {
      console.log(`| ${mode} | failed: ${r.error} |`);
      continue;
    }
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
const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && childMode !== undefined) {
  await child(childMode.slice("--child=".length));
} else if (isMain) {
  console.log(`# Datatrace Merkle bench (node ${process.version}, ${availableParallelism()} cores)`);
  await keccakThroughput();
  await treeBuilds();
  if (!flag("skip-10m")) tenMillion();
  await proofSizes();
  await closeTreeWorkers();
}
