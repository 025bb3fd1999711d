/**
 * Parallel tree build over worker threads and one SharedArrayBuffer.
 *
 * The leaves are cut into blocks of 2^m leaves (aligned, so no pair of any
 * level ≤ m straddles two blocks; only the last block may be shorter). The
 * calling thread and P - 1 workers take blocks from a shared atomic counter;
 * for each block they hash its subtree levels 1..m straight into the shared
 * level buffers (split keys come from the sample hashes in level 0). The
 * calling thread then finishes the few levels above m. The result is
 * byte-identical to `buildTree`.
 *
 * Workers are kept in a small pool between calls (unreferenced while idle, so
 * they never keep the process alive); `closeTreeWorkers()` ends them.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

import { keccakWasmModule } from "../hash/index.js";
import { HASH_BYTES } from "./scheme.js";
import { TREE_WORKER_SOURCE } from "./tree-worker-source.js";
import { MerkleTree, buildTree, hashLevelRange, levelWidths, validateSortedHashes } from "./tree.js";
import type { BuildTreeOptions } from "./tree.js";
import { DatatraceError } from "../errors/index.js";

/** Options of `buildTreeParallel`. */
export interface BuildTreeParallelOptions extends BuildTreeOptions {
  /** Threads to use, the calling thread included (default: available cores, at most 8). */
  readonly threads?: number;
  /** Below this many leaves the tree is built on the calling thread (default 32768). */
  readonly minParallelLeaves?: number;
}

interface LevelRef {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly byteLength: number;
}

interface Job {
  readonly id: number;
  /** Level 0 (the sample hashes) and the levels the workers fill. */
  readonly levels: readonly LevelRef[];
  readonly n: number;
  readonly blockLeaves: number;
  readonly blocks: number;
  readonly top: number;
  /** Int32 block counter shared by all threads (Atomics.add hands out blocks). */
  readonly counter: SharedArrayBuffer;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly error?: string;
}

interface PoolWorker {
  readonly worker: Worker;
  pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
}

const pool: PoolWorker[] = [];
let nextJobId = 0;
/** Serializes builds: a pool worker runs one job at a time. */
let queue: Promise<unknown> = Promise.resolve();

function spawnWorker(): PoolWorker {
  const entry: PoolWorker = {
    // execArgv []: the source is plain JS, so the TS loader (tsx) is not needed.
    worker: new Worker(TREE_WORKER_SOURCE, { eval: true, workerData: { module: keccakWasmModule() }, execArgv: [] }),
    pending: undefined,
  };
  const fail = (error: Error) => {
    const index = pool.indexOf(entry);
    if (index >= 0) pool.splice(index, 1);
    entry.pending?.reject(error);
    entry.pending = undefined;
  };
  entry.worker.on("message", (reply: Reply) => {
    const pending = entry.pending;
    entry.pending = undefined;
    entry.worker.unref();
    if (reply.ok) pending?.resolve();
    else pending?.reject(new DatatraceError(`tree worker failed: ${reply.error ?? "unknown error"}`));
  });
  entry.worker.on("error", (error) => fail(new DatatraceError(`tree worker crashed: ${error.message}`)));
  entry.worker.on("exit", (code) => fail(new DatatraceError(`tree worker exited (code ${code}) before finishing its job`)));
  entry.worker.unref();
  return entry;
}

function runJob(entry: PoolWorker, job: Job): Promise<void> {
  return new Promise((resolve, reject) => {
    entry.pending = { resolve, reject };
    entry.worker.ref();
    entry.worker.postMessage(job);
  });
}

/** Terminates the pooled tree workers (they are re-created on demand). */
export async function closeTreeWorkers(): Promise<void> {
  const workers = pool.splice(0, pool.length);
  await Promise.all(workers.map(({ worker }) => worker.terminate()));
}

/**
 * Same result as `buildTree`, computed on several threads. Level buffers live
 * in one SharedArrayBuffer; level 0 is a copy of `sortedHashes` there (the
 * workers cannot see ordinary memory), unless `sortedHashes` already is a
 * whole SharedArrayBuffer-backed view, which is then used as level 0 as is.
 */
export async function buildTreeParallel(
  sortedHashes: Uint8Array,
  options: BuildTreeParallelOptions = {},
): Promise<MerkleTree> {
  const n = validateSortedHashes(sortedHashes, options);
  const threads = Math.max(1, Math.floor(options.threads ?? Math.min(availableParallelism(), 8)));
  if (threads === 1 || n < (options.minParallelLeaves ?? 32_768)) {
    return buildTree(sortedHashes, { checkSorted: false });
  }
  const run = queue.then(() => buildOnThreads(sortedHashes, n, threads));
  queue = run.catch(() => undefined);
  return run;
}

async function buildOnThreads(sortedHashes: Uint8Array, n: number, threads: number): Promise<MerkleTree> {
  const widths = levelWidths(n);
  const inShared = sortedHashes.buffer instanceof SharedArrayBuffer;
  const upper = widths.slice(1).reduce((sum, w) => sum + w, 0) * HASH_BYTES;
  const shared = new SharedArrayBuffer(upper + (inShared ? 0 : n * HASH_BYTES));
  const levels: Uint8Array[] = [];
  const refs: LevelRef[] = [];
  let offset = 0;
  widths.forEach((width, k) => {
    if (k === 0 && inShared) {
      levels.push(sortedHashes);
      refs.push({ buffer: sortedHashes.buffer as SharedArrayBuffer, byteOffset: sortedHashes.byteOffset, byteLength: n * HASH_BYTES });
      return;
    }
    levels.push(new Uint8Array(shared, offset, width * HASH_BYTES));
    refs.push({ buffer: shared, byteOffset: offset, byteLength: width * HASH_BYTES });
    offset += width * HASH_BYTES;
  });
  if (!inShared) (levels[0] as Uint8Array).set(sortedHashes);
  const bounds = { firsts: levels[0] as Uint8Array, lasts: levels[0] as Uint8Array };

  // Blocks of 2^top leaves (~16 per thread), handed out through a shared counter so a
  // thread slowed down by other load simply takes fewer blocks.
  const top = Math.max(0, Math.min(widths.length - 1, Math.floor(Math.log2(n / (threads * 16)))));
  const blockLeaves = 2 ** top;
  const blocks = Math.ceil(n / blockLeaves);
  const counter = new SharedArrayBuffer(4);

  const workerCount = Math.min(threads - 1, blocks - 1);
  while (pool.length < workerCount) pool.push(spawnWorker());
  const jobs = pool
    .slice(0, workerCount)
    .map((entry) => runJob(entry, { id: nextJobId++, levels: refs, n, blockLeaves, blocks, top, counter }));
  const settled = Promise.allSettled(jobs);
  try {
    const next = new Int32Array(counter);
    for (let block = Atomics.add(next, 0, 1); block < blocks; block = Atomics.add(next, 0, 1)) {
      const lo = block * blockLeaves;
      hashLevelRange(levels, bounds, lo, Math.min(n, lo + blockLeaves), 0, top);
    }
  } finally {
    // Never leave workers writing into buffers while we throw.
    const results = await settled;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }
  hashLevelRange(levels, bounds, 0, widths[top] as number, top, widths.length - 1);
  return new MerkleTree(levels, bounds);
}
