import { readdirSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { hashSources } from "../../src/engine/hash-sources.js";
import { HashWorkerPool } from "../../src/engine/hash-worker-pool.js";
import type { BatchSlot, SampleBatch } from "../../src/sources/sample-batch.js";
import { openSources } from "../../src/sources/open-sources.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";

const SILENT_WORKER = new URL("../fixtures/workers/silent-hash-worker.mjs", import.meta.url);
const EXITING_WORKER = new URL("../fixtures/workers/exiting-hash-worker.mjs", import.meta.url);

/** A one-file batch (the path is never opened by the substitute workers). */
function fileBatch(): SampleBatch {
  return { kind: "files", count: 1, paths: ["/nonexistent"], ordinals: new Float64Array([0]), ids: null } as unknown as SampleBatch;
}

/** Settles `promise` within the test's timeout, or records that it stayed pending. */
async function settled(promise: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: Error }> {
  return promise.then(
    () => ({ ok: true as const }),
    (error: Error) => ({ ok: false as const, error }),
  );
}

describe("HashWorkerPool: every caller is settled", function () {
  this.timeout(30_000);

  it("close() rejects a caller waiting for a slot", async () => {
    const pool = HashWorkerPool.start({ threads: 1, slotBytes: 1024, slotSamples: 4 });
    const held: BatchSlot[] = [];
    for (let i = 0; i < 3; i++) held.push(await pool.acquireSlot()); // 1 thread × 2 + 1 slots
    const waiting = settled(pool.acquireSlot());
    await pool.close();
    const outcome = await waiting;
    expect(outcome.ok).to.equal(false);
    expect((outcome as { error: Error }).error.message).to.match(/closed/);
  });

  it("close() rejects a batch a worker is still hashing, and queued ones", async () => {
    const pool = HashWorkerPool.start({ threads: 1, slotBytes: 1024, slotSamples: 4, workerUrl: SILENT_WORKER });
    const running = settled(pool.hash(fileBatch(), await pool.acquireSlot()));
    const queued = settled(pool.hash(fileBatch(), await pool.acquireSlot()));
    await pool.close();
    for (const outcome of [await running, await queued]) {
      expect(outcome.ok).to.equal(false);
      expect((outcome as { error: Error }).error.message).to.match(/closed/);
    }
  });

  it("fails the batch of a worker that exits without an error, and every later batch", async () => {
    const pool = HashWorkerPool.start({ threads: 1, slotBytes: 1024, slotSamples: 4, workerUrl: EXITING_WORKER });
    try {
      const outcome = await settled(pool.hash(fileBatch(), await pool.acquireSlot()));
      expect(outcome.ok).to.equal(false);
      expect((outcome as { error: Error }).error.message).to.match(/hashing worker exited unexpectedly \(exit code 0\)/);
      const later = await settled(pool.hash(fileBatch(), await pool.acquireSlot()));
      expect((later as { error: Error }).error.message).to.match(/exited unexpectedly/);
    } finally {
      await pool.close();
    }
  });

  it("gives a slot back exactly once when onBatch throws (hashSources)", async () => {
    const { dir, cleanup } = tempDir("pool-slots");
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`d/${String(i).padStart(4, "0")}.txt`] = `sample ${i}`;
    writeTree(dir, files);
    const acquired = new Map<number, number>();
    const released = new Map<number, number>();
    const proto = HashWorkerPool.prototype;
    const realAcquire = proto.acquireSlot;
    const realRelease = proto.releaseSlot;
    proto.acquireSlot = async function (this: HashWorkerPool, minBytes?: number) {
      const slot = await realAcquire.call(this, minBytes);
      acquired.set(slot.id, (acquired.get(slot.id) ?? 0) + 1);
      return slot;
    };
    proto.releaseSlot = function (this: HashWorkerPool, slot: BatchSlot) {
      released.set(slot.id, (released.get(slot.id) ?? 0) + 1);
      realRelease.call(this, slot);
    };
    try {
      const sources = await openSources(["d"], { baseDir: dir });
      let batches = 0;
      const run = hashSources(sources, {
        threads: 2,
        onBatch: () => {
          if (++batches === 2) throw new Error("consumer failed");
        },
      });
      const outcome = await settled(run);
      expect((outcome as { error: Error }).error.message).to.equal("consumer failed");
      expect(batches).to.equal(2);
      for (const [id, n] of released) expect(n, `slot ${id}: released ${n} times, acquired ${acquired.get(id) ?? 0}`).to.equal(acquired.get(id));
    } finally {
      proto.acquireSlot = realAcquire;
      proto.releaseSlot = realRelease;
      cleanup();
    }
  });
});

describe("RecordSorter.dispose", () => {
  it("closes the bucket files of a run that spilled and failed before draining", async () => {
    const { RecordSorter } = await import("../../src/engine/record-sorter.js");
    const { createHash } = await import("node:crypto");
    const { dir, cleanup } = tempDir("sorter-fds");
    const openFds = (): number => readdirSync("/proc/self/fd").length;
    try {
      const before = openFds();
      const sorter = new RecordSorter({ memoryBudget: 64 * 1024, workDir: path.join(dir, "work"), withIds: true });
      for (let b = 0; b < 40; b++) {
        const n = 1000;
        const hashes = new Uint8Array(n * 32);
        for (let i = 0; i < n; i++) hashes.set(createHash("sha256").update(`${b}/${i}`).digest(), i * 32);
        sorter.add(0, hashes, Float64Array.from({ length: n }, (_, i) => b * n + i), Array.from({ length: n }, (_, i) => `id-${b}-${i}`));
      }
      expect(sorter.spilled).to.equal(true);
      expect(openFds() - before).to.be.greaterThan(100); // bucket files hold descriptors while records keep coming
      sorter.dispose(); // the run failed: no drain
      expect(openFds()).to.equal(before);
    } finally {
      cleanup();
    }
  });
});
