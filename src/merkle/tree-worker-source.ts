/**
 * Source of the worker thread used by `buildTreeParallel`, as plain JavaScript.
 *
 * The worker is started with `new Worker(source, { eval: true })`, so it needs
 * no TypeScript loader: it runs the same under `npx tsx`, under Hardhat's
 * mocha runner (both load TS through tsx), and from compiled JS. It receives
 * the compiled Keccak `WebAssembly.Module` in `workerData` and instantiates it.
 *
 * Job message: `{ id, levels: [{ buffer, byteOffset, byteLength }], input, n,
 * blockLeaves, blocks, top, counter }` (`input` null = level 0 already holds
 * the sample hashes: hash them in place). The worker takes block numbers from
 * the shared Int32 `counter` until they run out; for each block it hashes the
 * leaves into level 0 and their parents up to level `top`, exactly as
 * `hashLevelRange` in tree.ts. It answers `{ id, ok, error? }`.
 */
import { IN_BYTES, IN_OFFSET, OUT_BYTES, OUT_OFFSET } from "../hash/keccak-wasm/layout.js";

/** JavaScript source of the tree worker. */
export const TREE_WORKER_SOURCE = `"use strict";
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

function hashBlock(levels, input, lo, hi, top) {
  const leaves = levels[0].subarray(lo * 32, hi * 32);
  batch(wasm.leaves, 32, LEAVES_PER_CALL, input === null ? leaves : input.subarray(lo * 32, hi * 32), leaves);
  for (let k = 0; k < top; k++) {
    const src = levels[k];
    const dst = levels[k + 1];
    const width = hi - lo;
    const pairs = Math.floor(width / 2);
    const parentLo = lo / 2;
    batch(wasm.pairs, 64, PAIRS_PER_CALL,
      src.subarray(lo * 32, (lo + 2 * pairs) * 32),
      dst.subarray(parentLo * 32, (parentLo + pairs) * 32));
    if (width % 2 === 1) dst.set(src.subarray((hi - 1) * 32, hi * 32), (parentLo + pairs) * 32);
    lo = parentLo;
    hi = parentLo + pairs + (width % 2);
  }
}

function run(job) {
  const levels = job.levels.map((l) => new Uint8Array(l.buffer, l.byteOffset, l.byteLength));
  const input = job.input === null ? null : new Uint8Array(job.input.buffer, job.input.byteOffset, job.n * 32);
  const next = new Int32Array(job.counter);
  for (let block = Atomics.add(next, 0, 1); block < job.blocks; block = Atomics.add(next, 0, 1)) {
    const lo = block * job.blockLeaves;
    hashBlock(levels, input, lo, Math.min(job.n, lo + job.blockLeaves), job.top);
  }
}

parentPort.on("message", (job) => {
  try {
    run(job);
    parentPort.postMessage({ id: job.id, ok: true });
  } catch (error) {
    parentPort.postMessage({ id: job.id, ok: false, error: String((error && error.stack) || error) });
  }
});
`;
