/**
 * Source of the worker thread used by `buildTreeParallel`, as plain JavaScript.
 *
 * The worker is started with `new Worker(source, { eval: true })`, so it needs
 * no TypeScript loader: it runs the same under `npx tsx`, under Hardhat's
 * mocha runner (both load TS through tsx), and from compiled JS. It receives
 * the compiled Keccak `WebAssembly.Module` in `workerData` and instantiates it.
 *
 * Job message: `{ id, levels: [{ buffer, byteOffset, byteLength }], n,
 * blockLeaves, blocks, top, counter }`; level 0 holds the sorted sample
 * hashes. The worker takes block numbers from the shared Int32 `counter`
 * until they run out; for each block it hashes the nodes above its leaves up
 * to level `top` (split keys from the sample hashes), exactly as
 * `hashLevelRange` in tree.ts. It answers `{ id, ok, error? }`.
 */
import { IN_BYTES, IN_OFFSET, OUT_BYTES, OUT_OFFSET, SPLITS_BYTES, SPLITS_OFFSET } from "../hash/index.js";

/** JavaScript source of the tree worker. */
export const TREE_WORKER_SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const IN_OFFSET = ${IN_OFFSET};
const OUT_OFFSET = ${OUT_OFFSET};
const SPLITS_OFFSET = ${SPLITS_OFFSET};
const NODES_PER_CALL = ${Math.min(IN_BYTES / 64, SPLITS_BYTES / 32, OUT_BYTES / 32)};
const wasm = new WebAssembly.Instance(workerData.module, {}).exports;
const heap = new Uint8Array(wasm.memory.buffer);

// Same rule as writeSplitKey in scheme.ts: the bytes of the upper hash up to and
// including the first byte where it differs from the lower one, then zeros.
// The split keys of pairs of level k go straight into the wasm heap.
function writeSplitKeys(leaves, k, firstLeft, pairs, at) {
  const span = 2 ** k;
  for (let p = 0; p < pairs; p++) {
    const u = (firstLeft + 2 * p + 1) * span;
    const lower = (u - 1) * 32;
    const upper = u * 32;
    const out = at + p * 32;
    let d = 0;
    while (d < 31 && leaves[lower + d] === leaves[upper + d]) d++;
    for (let j = 0; j <= d; j++) heap[out + j] = leaves[upper + j];
    for (let j = d + 1; j < 32; j++) heap[out + j] = 0;
  }
}

function hashBlock(levels, lo, hi, top) {
  const leaves = levels[0];
  for (let k = 0; k < top; k++) {
    const src = levels[k];
    const dst = levels[k + 1];
    const width = hi - lo;
    const pairs = Math.floor(width / 2);
    const parentLo = lo / 2;
    for (let c = 0; c < pairs; c += NODES_PER_CALL) {
      const count = Math.min(NODES_PER_CALL, pairs - c);
      heap.set(src.subarray((lo + 2 * c) * 32, (lo + 2 * c + 2 * count) * 32), IN_OFFSET);
      writeSplitKeys(leaves, k, lo + 2 * c, count, SPLITS_OFFSET);
      wasm.nodes(IN_OFFSET, SPLITS_OFFSET, OUT_OFFSET, count);
      dst.set(heap.subarray(OUT_OFFSET, OUT_OFFSET + count * 32), (parentLo + c) * 32);
    }
    if (width % 2 === 1) dst.set(src.subarray((hi - 1) * 32, hi * 32), (parentLo + pairs) * 32);
    lo = parentLo;
    hi = parentLo + pairs + (width % 2);
  }
}

function run(job) {
  const levels = job.levels.map((l) => new Uint8Array(l.buffer, l.byteOffset, l.byteLength));
  const next = new Int32Array(job.counter);
  for (let block = Atomics.add(next, 0, 1); block < job.blocks; block = Atomics.add(next, 0, 1)) {
    const lo = block * job.blockLeaves;
    hashBlock(levels, lo, Math.min(job.n, lo + job.blockLeaves), job.top);
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
