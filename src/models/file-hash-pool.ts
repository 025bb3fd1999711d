/**
 * Hashes many files on all cores: the calling thread and one worker thread
 * per further CPU (at most one thread per file), files handed out largest
 * first so the longest file starts at once and the others fill the
 * remaining threads. The calling thread starts hashing at once, while the
 * workers start (measured: 150–300 ms per worker on a loaded 2-core machine). Each file is read as a stream
 * of 4 MiB chunks (memory stays flat whatever the size); SHA-256 of one
 * file is sequential, so a single big file runs on one core. Small jobs
 * (under {@link IN_THREAD_BYTES} in total) are hashed in the calling thread
 * only: starting workers would cost more than it saves.
 *
 * The worker entry is plain JavaScript (`file-hash-worker.mjs`, with
 * `hash-file-sync.mjs`), loaded by URL next to this file, as in
 * src/engine/hash-worker-pool.ts: worker threads do not inherit the
 * TypeScript loader of the main thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

import { hashFileSync, type FileDigests } from "./hash-file-sync.mjs";
import { DatatraceError } from "../errors/index.js";

/** Below this many bytes in total, files are hashed in the calling thread. */
export const IN_THREAD_BYTES = 32 << 20;

/** One file to hash. */
export interface FileHashJob {
  /** Path to read (a symbolic link is followed). */
  readonly path: string;
  /** Size announced by a directory listing (for scheduling and progress). */
  readonly size: number;
  /** Also compute the git blob id (SHA-1 of `blob <size>\0` + content). */
  readonly gitSha1?: boolean;
}

/** Options of {@link hashFiles}. */
export interface HashFilesOptions {
  /** Threads in all, the calling thread included (default: one per CPU; 0 or 1: the calling thread only). */
  readonly threads?: number | undefined;
  /** Bytes hashed so far, of `totalBytes`; called often, rate-limit the display. */
  readonly onProgress?: ((bytes: number, totalBytes: number) => void) | undefined;
}

/** A file that could not be read; `errno` is Node's code (`EACCES`…) when a system call failed. */
export class FileHashError extends DatatraceError {
  readonly path: string;
  readonly errno: string | undefined;
  constructor(path: string, message: string, errno: string | undefined) {
    super(message, { family: "io" });
    this.name = "FileHashError";
    this.path = path;
    this.errno = errno;
  }
}

type WorkerReply = { id: number; result?: FileDigests; progress?: number; error?: { message: string; code?: string } };

/** Digests of every job, in job order. */
export async function hashFiles(jobs: readonly FileHashJob[], options: HashFilesOptions = {}): Promise<FileDigests[]> {
  const totalBytes = jobs.reduce((n, j) => n + j.size, 0);
  const requested = options.threads ?? availableParallelism();
  const threads = totalBytes < IN_THREAD_BYTES ? 1 : Math.min(Math.max(1, Math.floor(requested)), jobs.length);
  const results: FileDigests[] = new Array<FileDigests>(jobs.length);
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.size - jobs[a]!.size);
  const inFlight = new Map<number, number>(); // job index → bytes hashed so far
  let doneBytes = 0;
  let next = 0;
  let failure: Error | undefined;
  const report = (): void => {
    let partial = 0;
    for (const b of inFlight.values()) partial += b;
    options.onProgress?.(doneBytes + partial, totalBytes);
  };
  const finish = (id: number, digests: FileDigests): void => {
    results[id] = digests;
    inFlight.delete(id);
    doneBytes += digests.size;
    report();
  };
  const take = (): number | undefined => (failure === undefined && next < order.length ? order[next++] : undefined);

  // The calling thread hashes too, one file at a time, yielding between files so worker replies are handled.
  const inThread = async (): Promise<void> => {
    for (let id = take(); id !== undefined; id = take()) {
      inFlight.set(id, 0);
      try {
        finish(id, hashFileSync(jobs[id]!.path, jobs[id]!.gitSha1 === true, (b) => {
          inFlight.set(id, b);
          report();
        }));
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        failure ??= new FileHashError(jobs[id]!.path, e.message, e.code);
        return;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const workers: Worker[] = [];
  const workerUrl = new URL("./file-hash-worker.mjs", import.meta.url);
  const viaWorker = (): Promise<void> =>
    new Promise<void>((resolve) => {
      // execArgv []: the entry is plain JavaScript, so no TypeScript loader (tsx, Hardhat) is started in the worker.
      const worker = new Worker(workerUrl, { execArgv: [] });
      workers.push(worker);
      let current: number | undefined;
      const give = (): void => {
        current = take();
        if (current === undefined) resolve();
        else {
          inFlight.set(current, 0);
          worker.postMessage({ id: current, path: jobs[current]!.path, gitSha1: jobs[current]!.gitSha1 === true });
        }
      };
      worker.on("message", (reply: WorkerReply) => {
        if (reply.progress !== undefined) {
          inFlight.set(reply.id, reply.progress);
          report();
          return;
        }
        if (reply.error !== undefined || reply.result === undefined) {
          failure ??= new FileHashError(jobs[reply.id]!.path, reply.error?.message ?? "no result", reply.error?.code);
          resolve();
          return;
        }
        finish(reply.id, reply.result);
        give();
      });
      worker.on("error", (error) => {
        failure ??= error;
        resolve();
      });
      worker.once("online", give);
    });
  try {
    await Promise.all([inThread(), ...Array.from({ length: threads - 1 }, viaWorker)]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure !== undefined) throw failure;
  return results;
}
