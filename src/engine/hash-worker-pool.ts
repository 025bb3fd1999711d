/**
 * A pool of hashing worker threads and of the shared-memory slots batches
 * travel in. The number of slots is fixed, so at most that many batches are
 * in memory at once whatever the dataset size; a source that needs room waits
 * in `acquireSlot` until a hashed batch gives its slot back.
 *
 * The worker entry is plain JavaScript (`hash-worker.mjs`), loaded by URL next
 * to this file: worker threads do not inherit the TypeScript loader of the
 * main thread (tsx, Hardhat's), and a `.mjs` file needs none. When the code is
 * compiled or bundled, `hash-worker.mjs` and `hash-batch.mjs` must be copied
 * next to the compiled `hash-worker-pool.js`.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

import type { BatchSlot, SampleBatch, TarScanResult } from "../sources/index.js";
import type { HashBatchMessage } from "./hash-batch.mjs";
import { runBatch } from "./hash-batch.mjs";
import { DatatraceError } from "../errors/index.js";

/** Options of {@link HashWorkerPool.start}. */
export interface HashWorkerPoolOptions {
  /** Worker threads; 0 hashes in the calling thread. Default: the number of CPUs. */
  readonly threads?: number | undefined;
  /** Data bytes per slot (default 4 MiB). */
  readonly slotBytes?: number | undefined;
  /** Samples per slot (default 16384). */
  readonly slotSamples?: number | undefined;
  /** Slots per thread (default 2, plus one: a worker holds the batch it hashes and the next one, one more is being filled). */
  readonly slotsPerThread?: number | undefined;
  /** Worker entry module (default `./hash-worker.mjs` next to this file); tests substitute faulty workers. */
  readonly workerUrl?: URL | undefined;
}

/** Why a batch failed: `index` is the position in the batch of the sample at fault, when known; `errno` Node's code (`EACCES`…) when a read failed. */
export class BatchHashError extends DatatraceError {
  readonly index: number | undefined;
  readonly errno: string | undefined;
  constructor(message: string, index: number | undefined, errno: string | undefined) {
    super(message, { family: "io" });
    this.name = "BatchHashError";
    this.index = index;
    this.errno = errno;
  }
}

/** Jobs posted to one worker at a time: the one it hashes and the next one. */
const JOBS_PER_WORKER = 2;

interface PoolSlot extends BatchSlot {
  /** For an oversized slot: the standard slot it stands in for. */
  readonly parent?: PoolSlot;
}

/** What hashing a batch gave: the sample bytes hashed and, for a `tar-scan` batch, what the worker found. */
export interface BatchOutcome {
  readonly bytes: number;
  readonly scan?: TarScanResult | undefined;
}

interface Job {
  readonly id: number;
  readonly message: { id: number; batch: HashBatchMessage; digests: Uint8Array };
  resolve(outcome: BatchOutcome): void;
  reject(error: Error): void;
}

/** Worker threads hashing sample batches into shared-memory slots. */
export class HashWorkerPool {
  /** Worker threads in use (0: hashing happens in the calling thread). */
  readonly threads: number;
  readonly #workers: Worker[] = [];
  readonly #queue: Job[] = [];
  /** Per worker, the jobs posted to it and not answered yet, oldest first (it answers in order). */
  readonly #running = new Map<Worker, Job[]>();
  readonly #free: PoolSlot[] = [];
  readonly #waiters: Array<{ resolve(slot: PoolSlot): void; reject(error: Error): void }> = [];
  readonly #shared: boolean;
  readonly #slotSamples: number;
  readonly #workerUrl: URL;
  #nextSlotId = 0;
  #nextJobId = 0;
  #closed = false;
  #failure: Error | undefined;

  private constructor(threads: number, options: HashWorkerPoolOptions) {
    this.threads = threads;
    this.#shared = threads > 0;
    this.#slotSamples = options.slotSamples ?? 16_384;
    this.#workerUrl = options.workerUrl ?? new URL("./hash-worker.mjs", import.meta.url);
    const slots = Math.max(2, threads * (options.slotsPerThread ?? 2) + 1);
    for (let i = 0; i < slots; i++) this.#free.push(this.#newSlot(options.slotBytes ?? 4 * 1024 * 1024));
  }

  /** Starts the workers. */
  static start(options: HashWorkerPoolOptions = {}): HashWorkerPool {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 0) {
      throw new RangeError(`threads must be a whole number >= 0 (0 hashes in the main thread), got ${threads}`);
    }
    const pool = new HashWorkerPool(threads, options);
    for (let i = 0; i < threads; i++) pool.#spawn();
    return pool;
  }

  /** A free slot with at least `minBytes` of data room; waits while all are in flight (rejected if the pool closes meanwhile). */
  async acquireSlot(minBytes = 0): Promise<BatchSlot> {
    if (this.#closed) throw new DatatraceError("HashWorkerPool is closed");
    const slot = this.#free.pop() ?? (await new Promise<PoolSlot>((resolve, reject) => this.#waiters.push({ resolve, reject })));
    if (minBytes <= slot.data.length) return slot;
    // A sample larger than a slot: a one-off bigger slot stands in for this one.
    const big: PoolSlot = { ...this.#newSlot(minBytes), parent: slot };
    return big;
  }

  /** Returns a slot to the pool. */
  releaseSlot(slot: BatchSlot): void {
    const s = slot as PoolSlot;
    const standard = s.parent ?? s;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(standard);
    else this.#free.push(standard);
  }

  /**
   * Hashes `batch` (whose data, for `segments`, is in `slot`): the digests
   * land in `slot.digests`; resolves to the number of sample bytes hashed.
   */
  hash(batch: SampleBatch, slot: BatchSlot): Promise<number> {
    return this.run(batch, slot).then((outcome) => outcome.bytes);
  }

  /** As {@link hash}, with what a `tar-scan` batch's worker found. */
  run(batch: SampleBatch, slot: BatchSlot): Promise<BatchOutcome> {
    if (batch.count > slot.maxSamples) {
      return Promise.reject(new RangeError(`batch of ${batch.count} samples exceeds the slot's ${slot.maxSamples}`));
    }
    const message = messageOf(batch, slot);
    if (this.threads === 0) {
      try {
        return Promise.resolve(runBatch(message, slot.digests));
      } catch (error) {
        return Promise.reject(toBatchError(error));
      }
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new DatatraceError("HashWorkerPool is closed"));
    return new Promise<BatchOutcome>((resolve, reject) => {
      const id = this.#nextJobId++;
      this.#queue.push({ id, message: { id, batch: message, digests: slot.digests }, resolve, reject });
      this.#dispatch();
    });
  }

  /**
   * Stops the workers. Everything still pending is settled: queued and
   * running batches and callers waiting for a slot are rejected.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new DatatraceError("HashWorkerPool closed");
    for (const job of [...[...this.#running.values()].flat(), ...this.#queue.splice(0)]) job.reject(closed);
    this.#running.clear();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(closed);
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  #newSlot(bytes: number): PoolSlot {
    const maxSamples = this.#slotSamples;
    const make = (n: number): ArrayBufferLike => (this.#shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
    return {
      id: this.#nextSlotId++,
      data: new Uint8Array(make(bytes)),
      bounds: new Uint32Array(make(8 * maxSamples)),
      digests: new Uint8Array(make(32 * maxSamples)),
      maxSamples,
    };
  }

  #spawn(): void {
    // execArgv []: the entry is plain JavaScript, so the TypeScript loader of
    // the main thread (tsx, Hardhat's) is not needed and not loaded (faster start).
    const worker = new Worker(this.#workerUrl, { execArgv: [] });
    worker.on("message", (reply: { id: number; bytes?: number; scan?: TarScanResult; error?: { message: string; index?: number; code?: string } }) => {
      const jobs = this.#running.get(worker);
      const job = jobs?.[0]?.id === reply.id ? jobs.shift() : undefined;
      if (job !== undefined) {
        if (reply.error !== undefined) job.reject(new BatchHashError(reply.error.message, reply.error.index, reply.error.code));
        else job.resolve({ bytes: reply.bytes ?? 0, scan: reply.scan });
      }
      this.#dispatch();
    });
    // A crashed worker (not a sample error, which is a reply): fail everything.
    worker.on("error", (error) => this.#fail(new DatatraceError(`A hashing worker crashed: ${error.message}`, { cause: error })));
    // A worker that ends without an error (process.exit in it, killed thread) would leave its batch pending forever.
    worker.on("exit", (code) => {
      if (!this.#closed) this.#fail(new DatatraceError(`A hashing worker exited unexpectedly (exit code ${code}) while the pool was running.`));
    });
    this.#workers.push(worker);
    this.#running.set(worker, []);
  }

  /** Fails the pool once: every queued and running batch is rejected with `error`, and so is every later one. */
  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    for (const job of [...[...this.#running.values()].flat(), ...this.#queue.splice(0)]) job.reject(error);
    for (const jobs of this.#running.values()) jobs.length = 0;
  }

  /**
   * Posts queued jobs to the workers, up to {@link JOBS_PER_WORKER} each (the
   * least loaded first): a worker then starts its next batch as soon as it
   * answers, without waiting for this thread to read the answer — on two
   * cores this thread is often descheduled behind the two hashing threads
   * (measured: each worker idled ≈ 100 ms of a 700 ms tar run with one job each).
   */
  #dispatch(): void {
    while (this.#queue.length > 0) {
      let target: Worker | undefined;
      let least = JOBS_PER_WORKER;
      for (const [worker, jobs] of this.#running) {
        if (jobs.length < least) {
          target = worker;
          least = jobs.length;
        }
      }
      if (target === undefined) return;
      const job = this.#queue.shift()!;
      this.#running.get(target)!.push(job);
      target.postMessage(job.message);
    }
  }
}

/** The serializable part of a batch, as posted to a worker. */
function messageOf(batch: SampleBatch, slot: BatchSlot): HashBatchMessage {
  switch (batch.kind) {
    case "files":
      return { kind: "files", paths: batch.paths };
    case "records":
      return { kind: "records", path: batch.path, offset: batch.offset, recordSize: batch.recordSize, count: batch.count };
    case "segments":
      return { kind: "segments", data: slot.data, bounds: slot.bounds, count: batch.count };
    case "parquet-pages":
      return { kind: "parquet-pages", data: slot.data, byteLength: batch.byteLength, column: batch.column, count: batch.count };
    case "file-segments":
      return { kind: "file-segments", path: batch.path, file: batch.file, offset: batch.offset, bounds: slot.bounds, count: batch.count };
    case "file-groups":
      return {
        kind: "file-groups",
        path: batch.path,
        file: batch.file,
        count: batch.count,
        parts: batch.parts,
        partEnds: batch.partEnds,
        framing: batch.framing,
        framingEnds: batch.framingEnds,
      };
    case "tar-scan":
      return { kind: "tar-scan", path: batch.path, file: batch.file, start: batch.start, end: batch.end, size: batch.size, data: slot.data, bounds: slot.bounds };
    case "parquet-file-pages":
      return {
        kind: "parquet-file-pages",
        path: batch.path,
        file: batch.file,
        offset: batch.offset,
        pageEnds: batch.pageEnds,
        dictionaryPage: batch.dictionaryPage,
        column: batch.column,
        count: batch.count,
      };
  }
}

function toBatchError(error: unknown): Error {
  const e = error as { message?: string; index?: number; code?: string };
  return new BatchHashError(e.message ?? String(error), e.index, e.code);
}
