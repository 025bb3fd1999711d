/**
 * "Today's flat tree": the v1 Datatrace tree (before scheme v2), rebuilt for
 * the benchmark from git history (c9a7381: src/merkle/tree.ts,
 * tree-parallel.ts, tree-worker-source.ts), so bench/tree.bench.ts can
 * compare the v2 search tree against it on the same machine and run.
 *
 * v1: leaf = keccak256(sampleHash) (`keccakLeaves`), node = keccak256(left ‖
 * right) (`keccakPairs`), an unpaired last node promoted; root = the top (no
 * count). Level 0 holds the leaf hashes (a copy of the input, hashed in
 * place). The parallel build cuts the leaves into 2^m-leaf blocks handed out
 * through a shared atomic counter, hashes each block's leaves and levels 1..m
 * on the calling thread and P − 1 workers into one SharedArrayBuffer, then
 * finishes the top levels — exactly as v1 did. It is the same scheme as
 * merkletreejs with `{ hashLeaves: true }` and keccak256 (the bench checks
 * the roots agree).
 */
import { Worker } from "node:worker_threads";

import { IN_BYTES, IN_OFFSET, keccakLeaves, keccakPairs, keccakWasmModule, OUT_BYTES, OUT_OFFSET } from "../../src/hash/index.js";

const HASH = 32;

/** A v1 tree: every level as one flat buffer (level 0 = leaf hashes). */
export interface V1Tree {
  readonly levels: readonly Uint8Array[];
  readonly root: Uint8Array;
}

function levelWidths(n: number): number[] {
  const widths = [n];
  while ((widths[widths.length - 1] as number) > 1) widths.push(Math.ceil((widths[widths.length - 1] as number) / 2));
  return widths;
}

/** Hashes the parents of nodes [lo, hi) of level `from` up to level `to` (v1's hashLevelRange). */
function hashLevelRange(levels: readonly Uint8Array[], lo: number, hi: number, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const src = levels[k] as Uint8Array;
    const dst = levels[k + 1] as Uint8Array;
    const width = hi - lo;
    const pairs = Math.floor(width / 2);
    const parentLo = lo / 2;
    keccakPairs(src.subarray(lo * HASH, (lo + 2 * pairs) * HASH), dst.subarray(parentLo * HASH, (parentLo + pairs) * HASH));
    if (width % 2 === 1) dst.set(src.subarray((hi - 1) * HASH, hi * HASH), (parentLo + pairs) * HASH);
    lo = parentLo;
    hi = parentLo + pairs + (width % 2);
  }
}

/** v1 `buildTree` on the calling thread (no order check: the bench input is sorted by construction). */
export function buildV1Tree(sortedHashes: Uint8Array): V1Tree {
  const n = sortedHashes.length / HASH;
  const levels = levelWidths(n).map((width) => new Uint8Array(width * HASH));
  keccakLeaves(sortedHashes, levels[0] as Uint8Array);
  hashLevelRange(levels, 0, n, 0, levels.length - 1);
  return { levels, root: (levels[levels.length - 1] as Uint8Array).slice() };
}

/** v1's worker, plain JavaScript (as tree-worker-source.ts at c9a7381). */
const V1_WORKER_SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const IN_OFFSET = ${IN_OFFSET};
const OUT_OFFSET = ${OUT_OFFSET};
const LEAVES_PER_CALL = ${Math.min(IN_BYTES / 32, OUT_BYTES / 32)};
const PAIRS_PER_CALL = ${Math.min(IN_BYTES / 64, OUT_BYTES / 32)};
const wasm = new WebAssembly.Instance(workerData.module, {}).exports;
const heap = new Uint8Array(wasm.memory.buffer);

function batch(fn, inputBytes, perCall, input, output) {
  const n = input.length / inputBytes;
  for (let start = 0; start < n; start += perCall) {
    const count = Math.min(perCall, n - start);
    heap.set(input.subarray(start * inputBytes, (start + count) * inputBytes), IN_OFFSET);
    fn(IN_OFFSET, OUT_OFFSET, count);
    output.set(heap.subarray(OUT_OFFSET, OUT_OFFSET + count * 32), start * 32);
  }
}

function hashBlock(levels, lo, hi, top) {
  const leaves = levels[0].subarray(lo * 32, hi * 32);
  batch(wasm.leaves, 32, LEAVES_PER_CALL, leaves, leaves);
  for (let k = 0; k < top; k++) {
    const src = levels[k];
    const dst = levels[k + 1];
    const width = hi - lo;
    const pairs = Math.floor(width / 2);
    const parentLo = lo / 2;
    batch(wasm.pairs, 64, PAIRS_PER_CALL, src.subarray(lo * 32, (lo + 2 * pairs) * 32), dst.subarray(parentLo * 32, (parentLo + pairs) * 32));
    if (width % 2 === 1) dst.set(src.subarray((hi - 1) * 32, hi * 32), (parentLo + pairs) * 32);
    lo = parentLo;
    hi = parentLo + pairs + (width % 2);
  }
}

parentPort.on("message", (job) => {
  try {
    const levels = job.levels.map((l) => new Uint8Array(l.buffer, l.byteOffset, l.byteLength));
    const next = new Int32Array(job.counter);
    for (let block = Atomics.add(next, 0, 1); block < job.blocks; block = Atomics.add(next, 0, 1)) {
      const lo = block * job.blockLeaves;
      hashBlock(levels, lo, Math.min(job.n, lo + job.blockLeaves), job.top);
    }
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String((error && error.stack) || error) });
  }
});
`;

const pool: Worker[] = [];

function runOn(worker: Worker, job: object): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once("message", (reply: { ok: boolean; error?: string }) => {
      worker.unref();
      if (reply.ok) resolve();
      else reject(new Error(`v1 tree worker failed: ${reply.error}`));
    });
    worker.ref();
    worker.postMessage(job);
  });
}

/** v1 `buildTreeParallel`: the calling thread plus `threads − 1` pooled workers (one build at a time). */
export async function buildV1TreeParallel(sortedHashes: Uint8Array, threads: number): Promise<V1Tree> {
  const n = sortedHashes.length / HASH;
  if (threads <= 1 || n < 32_768) return buildV1Tree(sortedHashes);
  const widths = levelWidths(n);
  const shared = new SharedArrayBuffer(widths.reduce((sum, w) => sum + w, 0) * HASH);
  const levels: Uint8Array[] = [];
  const refs: { buffer: SharedArrayBuffer; byteOffset: number; byteLength: number }[] = [];
  let offset = 0;
  for (const width of widths) {
    levels.push(new Uint8Array(shared, offset, width * HASH));
    refs.push({ buffer: shared, byteOffset: offset, byteLength: width * HASH });
    offset += width * HASH;
  }
  (levels[0] as Uint8Array).set(sortedHashes); // workers cannot see ordinary memory: hashed in place there
  const top = Math.max(0, Math.min(widths.length - 1, Math.floor(Math.log2(n / (threads * 16)))));
  const blockLeaves = 2 ** top;
  const blocks = Math.ceil(n / blockLeaves);
  const counter = new SharedArrayBuffer(4);
  const workerCount = Math.min(threads - 1, blocks - 1);
  while (pool.length < workerCount) {
    const worker = new Worker(V1_WORKER_SOURCE, { eval: true, workerData: { module: keccakWasmModule() }, execArgv: [] });
    worker.unref();
    pool.push(worker);
  }
  const jobs = pool.slice(0, workerCount).map((w) => runOn(w, { levels: refs, n, blockLeaves, blocks, top, counter }));
  const level0 = levels[0] as Uint8Array;
  const next = new Int32Array(counter);
  for (let block = Atomics.add(next, 0, 1); block < blocks; block = Atomics.add(next, 0, 1)) {
    const lo = block * blockLeaves;
    const hi = Math.min(n, lo + blockLeaves);
    keccakLeaves(level0.subarray(lo * HASH, hi * HASH), level0.subarray(lo * HASH, hi * HASH));
    hashLevelRange(levels, lo, hi, 0, top);
  }
  await Promise.all(jobs);
  hashLevelRange(levels, 0, widths[top] as number, top, widths.length - 1);
  return { levels, root: (levels[levels.length - 1] as Uint8Array).slice() };
}

/** Ends the v1 worker pool. */
export async function closeV1Workers(): Promise<void> {
  await Promise.all(pool.splice(0).map((w) => w.terminate()));
}
