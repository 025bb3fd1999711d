/**
 * Drives sample sources through a {@link HashWorkerPool}: pulls batches from
 * each source in order, hashes them on the workers, and hands the digests to
 * `onBatch` in the sources' order (so whatever consumes them sees samples in
 * a deterministic order, however the workers interleave). Memory stays
 * bounded by the pool's slots.
 */
import type { BatchContext, BatchSlot, PartSelector, SampleBatch, SampleSource, SettledBatch, TarScanResult } from "../sources/index.js";
import { fileRangeBatch, SourceError } from "../sources/index.js";
import { BatchHashError, HashWorkerPool } from "./hash-worker-pool.js";

/** One hashed batch, as given to `onBatch`. */
export interface HashedBatch {
  /** Index of the source in the list. */
  readonly source: number;
  readonly batch: SampleBatch;
  /** `batch.count` SHA-256 digests, 32 bytes each, in batch order (a copy: keep it). */
  readonly digests: Uint8Array;
  /** Sample bytes in the batch. */
  readonly bytes: number;
}

/** Progress of a hashing run. */
export interface HashProgress {
  readonly samples: number;
  readonly bytes: number;
  /** Expected totals, when every source knows them in advance. */
  readonly totalSamples?: number | undefined;
  readonly totalBytes?: number | undefined;
}

/** Options of {@link hashSources}. */
export interface HashSourcesOptions {
  /** Worker threads (default: CPUs; 0 = hash in this thread). */
  readonly threads?: number | undefined;
  /** Slot sizing (tuning and tests); see {@link HashWorkerPoolOptions}. */
  readonly slotBytes?: number | undefined;
  readonly slotSamples?: number | undefined;
  /** Produce sample ids (false for a private dataset). Default true. */
  readonly withIds?: boolean | undefined;
  /** Only hash this part of every source. */
  readonly part?: PartSelector | undefined;
  /** Called for every batch, in source order. */
  readonly onBatch: (hashed: HashedBatch) => void;
  /** Called after every batch with the running totals. */
  readonly onProgress?: ((progress: HashProgress) => void) | undefined;
  /** Stops the run (rejecting with the signal's reason) once aborted, e.g. on Ctrl-C. */
  readonly signal?: AbortSignal | undefined;
}

/** Totals of a hashing run. */
export interface HashTotals {
  readonly samples: number;
  readonly bytes: number;
}

/** Hashes every sample of `sources` (see the module doc). */
export async function hashSources(sources: readonly SampleSource[], options: HashSourcesOptions): Promise<HashTotals> {
  const withIds = options.withIds ?? true;
  let totalSamples: number | undefined;
  let totalBytes: number | undefined;
  if (options.onProgress !== undefined && options.part === undefined) {
    const estimates = await Promise.all(sources.map((s) => s.estimate().catch(() => ({}) as { samples?: number; bytes?: number })));
    if (estimates.every((e) => e.samples !== undefined)) totalSamples = estimates.reduce((a, e) => a + e.samples!, 0);
    if (estimates.every((e) => e.bytes !== undefined)) totalBytes = estimates.reduce((a, e) => a + e.bytes!, 0);
  }
  const pool = HashWorkerPool.start({ threads: options.threads, slotBytes: options.slotBytes, slotSamples: options.slotSamples });
  /** Hashed batches waiting for their turn; a tar-scan batch keeps its slot until it is settled (the worker's result is in it). */
  const done = new Map<number, HashedBatch & { readonly scan?: TarScanResult | undefined; readonly slot?: BatchSlot | undefined }>();
  const inFlight = new Set<Promise<void>>();
  let nextToDeliver = 0;
  let submitted = 0;
  let samples = 0;
  let bytes = 0;
  let failure: unknown;

  /** Work in flight (a job, a member handed back): what it throws fails the run; `drain` and the end of the run wait for it. */
  const track = (work: Promise<void>): void => {
    const tracked: Promise<void> = work
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        releaseHeld();
        inFlight.delete(tracked);
      });
    inFlight.add(tracked);
  };

  /** After a failure: the slots still held by batches that will never be settled go back (a source may be waiting for one). */
  const releaseHeld = (): void => {
    if (failure === undefined) return;
    for (const [seq, hashed] of done) {
      done.delete(seq);
      if (hashed.slot !== undefined) pool.releaseSlot(hashed.slot);
    }
  };

  /** Batches handed on in order; a settled tar-scan batch waits here while members its source hands back to the pool are hashed. */
  const ready: Array<{ readonly hashed: HashedBatch; done: boolean }> = [];

  const emit = (): void => {
    while (failure === undefined && ready[0]?.done === true) {
      const { hashed } = ready.shift()!;
      samples += hashed.batch.count;
      bytes += hashed.bytes;
      try {
        options.onBatch(hashed);
        options.onProgress?.({ samples, bytes, totalSamples, totalBytes });
      } catch (error) {
        // Failed at once, not a microtask later in the caller's catch: another batch's delivery may run before that, and must not call onBatch again.
        failure ??= error;
        throw error;
      }
    }
  };

  const deliver = (): void => {
    for (let hashed = done.get(nextToDeliver); hashed !== undefined; hashed = done.get(nextToDeliver)) {
      done.delete(nextToDeliver++);
      if (hashed.batch.kind !== "tar-scan") {
        ready.push({ hashed, done: true });
        continue;
      }
      // Its samples are known once the main thread has walked the range, in order (TarScanBatch).
      let settled: SettledBatch;
      try {
        settled = hashed.batch.settle(hashed.scan!);
      } catch (error) {
        // As in emit: failed at once, so no later batch is settled or handed on before the caller's catch runs.
        failure ??= error;
        throw error;
      } finally {
        pool.releaseSlot(hashed.slot!);
      }
      const entry = { hashed: { source: hashed.source, batch: { ...hashed.batch, ...settled }, digests: settled.digests, bytes: settled.bytes }, done: settled.pending === undefined };
      ready.push(entry);
      if (settled.pending !== undefined) {
        track(
          settled.pending.then(() => {
            entry.done = true;
            if (failure === undefined) emit();
          }),
        );
      }
    }
    emit();
  };

  try {
    for (let s = 0; s < sources.length && failure === undefined; s++) {
      const source = sources[s]!;
      const context: BatchContext = {
        withIds,
        part: options.part,
        readsInWorkers: true,
        acquireSlot: (minBytes) => pool.acquireSlot(minBytes),
        releaseSlot: (slot) => pool.releaseSlot(slot),
        drain: async () => {
          while (inFlight.size > 0) await Promise.all(inFlight);
          if (failure !== undefined) throw failure;
        },
        hashRange: (path, file, offset, length) => {
          // One sample, one range of the file; a slot of its own (the pool's may all be held by batches waiting for this one).
          const shared = pool.threads > 0;
          const make = (n: number): ArrayBufferLike => (shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
          const slot: BatchSlot = { id: -1, data: new Uint8Array(0), bounds: new Uint32Array(make(8)), digests: new Uint8Array(make(32)), maxSamples: 1 };
          return pool.run(fileRangeBatch(slot, path, file, offset, length, 0, null), slot).then(() => slot.digests.slice(0, 32));
        },
      };
      for await (const batch of source.batches(context)) {
        if (options.signal?.aborted === true) {
          // Failed before the source is closed (for-await returns it): no batch is settled over a shard it has closed meanwhile.
          failure ??= options.signal.reason;
          if ("slot" in batch) pool.releaseSlot(batch.slot);
          break;
        }
        const slot = "slot" in batch ? batch.slot : await pool.acquireSlot();
        const seq = submitted++;
        // The slot goes back exactly once: here, or for a tar-scan batch once settled (deliver) or dropped (releaseHeld).
        track(
          pool
            .run(batch, slot)
            .then(
              ({ bytes: hashedBytes, scan }) => {
                if (scan !== undefined && failure === undefined) {
                  done.set(seq, { source: s, batch, digests: slot.digests, bytes: hashedBytes, scan, slot });
                  return;
                }
                done.set(seq, { source: s, batch, digests: slot.digests.slice(0, 32 * batch.count), bytes: hashedBytes });
                pool.releaseSlot(slot);
              },
              (error: unknown) => {
                failure ??= describeFailure(error, source, batch);
                pool.releaseSlot(slot);
              },
            )
            .then(() => {
              if (failure === undefined) deliver();
            }),
        );
        if (failure !== undefined) break;
      }
    }
    await Promise.all(inFlight);
    options.signal?.throwIfAborted();
  } catch (error) {
    failure ??= error;
    await Promise.allSettled(inFlight);
  } finally {
    await pool.close();
  }
  if (failure !== undefined) throw failure;
  return { samples, bytes };
}

/** Turns a worker's read error into a SourceError naming the sample. */
function describeFailure(error: unknown, source: SampleSource, batch: SampleBatch): unknown {
  if (!(error instanceof BatchHashError)) return error;
  const name = source.description.name;
  const index = error.index ?? 0;
  const id =
    batch.ids?.[index] ??
    (batch.kind === "files" ? batch.paths[index] : batch.kind === "tar-scan" ? batch.shard : undefined) ??
    `${name} (sample ${batch.ordinals[index] ?? "?"})`;
  const reason =
    error.errno === "EACCES" || error.errno === "EPERM"
      ? "permission denied; fix its permissions or leave it out (--exclude)"
      : error.errno === "ENOENT"
        ? "it disappeared while hashing; rerun once the data stops changing"
        : error.message;
  return new SourceError(id, `Cannot read sample ${id} of source ${name}: ${reason}.`, { cause: error });
}
