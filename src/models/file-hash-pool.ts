/**
 * Hashes many files on all cores: one worker thread per CPU (at most one per
 * file), files handed out largest first so the longest file starts at once
 * and the others fill the remaining threads. Each file is read as a stream
 * of 4 MiB chunks (memory stays flat whatever the size); SHA-256 of one
 * file is sequential, so a single big file runs on one core. Small jobs
 * (under {@link IN_THREAD_BYTES} in total) are hashed in the calling thread:
 * starting workers would cost more than it saves.
 *
 * The worker entry is plain JavaScript (`file-hash-worker.mjs`, with
 * `hash-file-sync.mjs`), loaded by URL next to this file, as in
 * src/engine/hash-worker-pool.ts: worker threads do not inherit the
 * TypeScript loader of the main thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

import { hashFileSync, type FileDigests } from "./hash-file-sync.mjs";

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
  /** Worker threads (default: one per CPU; 0: the calling thread). */
  readonly threads?: number | undefined;
  /** Bytes hashed so far, of `totalBytes`; called often, rate-limit the display. */
  readonly onProgress?: ((bytes: number, totalBytes: number) => void) | undefined;
}

/** A file that could not be read. */
export class FileHashError extends Error {
  readonly path: string;
  readonly code: string | undefined;
  constructor(path: string, message: string, code: string | undefined) {
    super(message);
    this.name = "FileHashError";
    this.path = path;
    this.code = code;
  }
}

type WorkerReply = { id: number; result?: FileDigests; progress?: number; error?: { message: string; code?: string } };

/** Digests of every job, in job order. */
export async function hashFiles(jobs: readonly FileHashJob[], options: HashFilesOptions = {}): Promise<FileDigests[]> {
  const totalBytes = jobs.reduce((n, j) => n + j.size, 0);
  const requested = options.threads ?? availableParallelism();
  const threads = Math.min(Math.max(0, Math.floor(requested)), jobs.length);
  const results: FileDigests[] = new Array<FileDigests>(jobs.length);
  if (threads === 0 || totalBytes < IN_THREAD_BYTES) {
    let done = 0;
    for (const [i, job] of jobs.entries()) {
      try {
        results[i] = hashFileSync(job.path, job.gitSha1 === true, (b) => options.onProgress?.(done + b, totalBytes));
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        throw new FileHashError(job.path, e.message, e.code);
      }
      done += results[i].size;
      options.onProgress?.(done, totalBytes);
    }
    return results;
  }

  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.size - jobs[a]!.size);
  const workerUrl = new URL("./file-hash-worker.mjs", import.meta.url);
  const workers: Worker[] = [];
  const inFlight = new Map<number, number>(); // job index → bytes reported so far
  let doneBytes = 0;
  let next = 0;
  const report = (): void => {
    let partial = 0;
    for (const b of inFlight.values()) partial += b;
    options.onProgress?.(doneBytes + partial, totalBytes);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      let failed = false;
      const give = (worker: Worker): void => {
        if (next >= order.length) return;
        const id = order[next++]!;
        inFlight.set(id, 0);
        worker.postMessage({ id, path: jobs[id]!.path, gitSha1: jobs[id]!.gitSha1 === true });
      };
      for (let t = 0; t < threads; t++) {
        const worker = new Worker(workerUrl);
        workers.push(worker);
        worker.on("message", (reply: WorkerReply) => {
          if (failed) return;
          if (reply.progress !== undefined) {
            inFlight.set(reply.id, reply.progress);
            report();
            return;
          }
          if (reply.error !== undefined || reply.result === undefined) {
            failed = true;
            reject(new FileHashError(jobs[reply.id]!.path, reply.error?.message ?? "no result", reply.error?.code));
            return;
          }
          results[reply.id] = reply.result;
          inFlight.delete(reply.id);
          doneBytes += reply.result.size;
          report();
          if (++finished === jobs.length) resolve();
          else give(worker);
        });
        worker.on("error", (error) => {
          if (!failed) {
            failed = true;
            reject(error);
          }
        });
        give(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
