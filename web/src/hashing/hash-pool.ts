/**
 * Hashes many files at once in a pool of Web Workers (hash-worker.js, next
 * to the page's app.js): each idle worker takes the next file, so small
 * files spread over the workers and a large one never blocks the page.
 * Progress is reported in bytes over the whole set. Where workers are
 * unavailable, files are hashed on the calling thread.
 */
import { hashBlob, type HashTuning } from "./hash-blob.js";
import type { HashWorkerMessage, HashWorkerRequest } from "./hash-worker.js";

/** Options of {@link HashPool}. */
export interface HashPoolOptions {
  /** Workers (default: the browser's hardware concurrency, 1 to 4). */
  readonly size?: number;
  /** URL of the worker script (default: hash-worker.js next to the document). */
  readonly workerUrl?: string | URL;
  /** How the workers hash (hash-blob.ts's defaults unless given; the benchmark compares paths and slice sizes). */
  readonly tuning?: HashTuning;
}

/** Progress of {@link HashPool.hashAll}. */
export interface HashProgress {
  readonly doneBytes: number;
  readonly totalBytes: number;
  readonly doneFiles: number;
  readonly totalFiles: number;
}

/** One file's outcome: its digest, or why it could not be hashed. */
export type HashOutcome = { readonly ok: true; readonly digest: Uint8Array } | { readonly ok: false; readonly error: string };

/** A pool of hashing workers (see the module doc). Call {@link HashPool.close} when done. */
export class HashPool {
  readonly #size: number;
  readonly #workerUrl: string | URL;
  readonly #tuning: HashTuning | undefined;
  readonly #workers: Worker[] = [];
  /** Workers whose script failed (they never answer again): their reason. */
  readonly #broken = new WeakMap<Worker, string>();
  #nextId = 1;

  constructor(options: HashPoolOptions = {}) {
    const cores = typeof navigator === "undefined" ? 2 : navigator.hardwareConcurrency || 2;
    this.#size = Math.max(1, Math.min(4, options.size ?? cores));
    this.#workerUrl = options.workerUrl ?? new URL("hash-worker.js", document.baseURI);
    this.#tuning = options.tuning;
  }

  /** Hashes every file; one outcome per file, in order. Never rejects for a file that cannot be read. */
  async hashAll(files: readonly Blob[], onProgress?: (progress: HashProgress) => void): Promise<HashOutcome[]> {
    const outcomes: HashOutcome[] = new Array(files.length);
    const totalBytes = files.reduce((s, f) => s + f.size, 0);
    const inFlight = new Map<number, number>(); // task → bytes done so far
    let settledBytes = 0;
    let doneFiles = 0;
    const report = (): void => {
      let running = 0;
      for (const b of inFlight.values()) running += b;
      onProgress?.({ doneBytes: settledBytes + running, totalBytes, doneFiles, totalFiles: files.length });
    };
    if (typeof Worker === "undefined") {
      for (const [i, file] of files.entries()) {
        outcomes[i] = await hashBlob(file, { ...this.#tuning }).then(
          (digest): HashOutcome => ({ ok: true, digest }),
          (error: unknown): HashOutcome => ({ ok: false, error: (error as Error).message }),
        );
        settledBytes += file.size;
        doneFiles++;
        report();
      }
      return outcomes;
    }
    let next = 0;
    const runWorker = async (worker: Worker): Promise<void> => {
      while (next < files.length) {
        const index = next++;
        const file = files[index]!;
        const id = this.#nextId++;
        inFlight.set(id, 0);
        outcomes[index] = await this.#hashOne(worker, id, file, (done) => {
          inFlight.set(id, done);
          report();
        });
        inFlight.delete(id);
        settledBytes += file.size;
        doneFiles++;
        report();
      }
    };
    const workers = this.#ensureWorkers(Math.min(this.#size, Math.max(1, files.length)));
    report();
    await Promise.all(workers.map(runWorker));
    return outcomes;
  }

  /** Hashes one file (for callers with a single large file). */
  async hash(file: Blob, onProgress?: (doneBytes: number, totalBytes: number) => void): Promise<Uint8Array> {
    const [outcome] = await this.hashAll([file], onProgress === undefined ? undefined : (p) => onProgress(p.doneBytes, p.totalBytes));
    if (outcome === undefined || !outcome.ok) throw new Error(`Hashing the file failed: ${outcome?.ok === false ? outcome.error : "no result"}`);
    return outcome.digest;
  }

  /** Stops the workers. */
  close(): void {
    for (const w of this.#workers.splice(0)) w.terminate();
  }

  #ensureWorkers(count: number): Worker[] {
    while (this.#workers.length < count) this.#workers.push(new Worker(this.#workerUrl));
    return this.#workers.slice(0, count);
  }

  #hashOne(worker: Worker, id: number, file: Blob, onProgress: (done: number) => void): Promise<HashOutcome> {
    const broken = this.#broken.get(worker);
    if (broken !== undefined) return Promise.resolve({ ok: false, error: broken });
    return new Promise<HashOutcome>((resolve) => {
      const onMessage = (event: MessageEvent<HashWorkerMessage>): void => {
        const message = event.data;
        if (message.id !== id) return;
        if (message.kind === "progress") {
          onProgress(message.done);
          return;
        }
        worker.removeEventListener("message", onMessage);
        worker.removeEventListener("error", onError);
        resolve(message.kind === "digest" ? { ok: true, digest: message.digest } : { ok: false, error: message.message });
      };
      const onError = (event: ErrorEvent): void => {
        worker.removeEventListener("message", onMessage);
        worker.removeEventListener("error", onError);
        const error = `The hashing worker (hash-worker.js) failed to run: ${event.message || "could not load it"}. Is the page served with its hash-worker.js?`;
        this.#broken.set(worker, error);
        resolve({ ok: false, error });
      };
      worker.addEventListener("message", onMessage);
      worker.addEventListener("error", onError);
      const request: HashWorkerRequest = { id, file, ...(this.#tuning !== undefined ? { tuning: this.#tuning } : {}) };
      worker.postMessage(request);
    });
  }
}
