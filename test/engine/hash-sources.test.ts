import { expect } from "chai";
import { renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

import { hashSources } from "../../src/engine/hash-sources.js";
import type { HashProgress } from "../../src/engine/hash-sources.js";
import { hashBatch } from "../../src/engine/hash-batch.mjs";
import { HashWorkerPool } from "../../src/engine/hash-worker-pool.js";
import { openSources } from "../../src/sources/open-sources.js";
import { SourceError } from "../../src/sources/source-error.js";
import { records, sha256Hex, tempDir, writeIdx, writeTree } from "../fixtures/dataset-fixtures.js";

describe("hashSources", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("hash"));
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`d/${String(i).padStart(4, "0")}.txt`] = `sample ${i % 500}`;
    writeTree(dir, { ...files, "t.jsonl": '{"a":1}\n{"a":2}\n' });
    writeIdx(path.join(dir, "i.idx"), records(1000, 16, 9), [16]);
  });
  afterEach(() => cleanup());

  async function run(threads: number, onProgress?: (p: HashProgress) => void): Promise<string[]> {
    const sources = await openSources(["d", "t.jsonl", "i.idx"], { baseDir: dir });
    const out: string[] = [];
    const totals = await hashSources(sources, {
      threads,
      onProgress,
      onBatch: (h) => {
        for (let i = 0; i < h.batch.count; i++) {
          out.push(`${h.source} ${h.batch.ordinals[i]} ${h.batch.ids![i]} ${Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex")}`);
        }
      },
    });
    expect(totals.samples).to.equal(out.length);
    return out;
  }

  it("delivers SHA-256 digests in source order, with source index, ordinal and id", async () => {
    const out = await run(0);
    expect(out).to.have.length(600 + 2 + 1000);
    expect(out[0]).to.equal(`0 0 d/0000.txt ${sha256Hex("sample 0")}`);
    expect(out[599]).to.equal(`0 599 d/0599.txt ${sha256Hex("sample 99")}`);
    expect(out[600]).to.equal(`1 1 t.jsonl:1 ${sha256Hex('{"a":1}')}`);
    expect(out[1601]!.startsWith("2 999 i.idx#999 ")).to.equal(true);
  });

  it("gives exactly the same stream with 1, 2 and 3 worker threads as in the main thread", async () => {
    const reference = await run(0);
    for (const threads of [1, 2, 3]) expect(await run(threads), `${threads} threads`).to.deep.equal(reference);
  });

  it("reports running progress after every batch", async () => {
    const seen: HashProgress[] = [];
    await run(0, (p) => seen.push(p));
    const last = seen[seen.length - 1]!;
    expect(last.samples).to.equal(1602);
    expect(last.bytes).to.equal(sumOfSampleTextLengths() + 2 * 7 + 1000 * 16);
    expect(last.totalSamples).to.equal(undefined); // a directory is not counted in advance
    expect(seen.every((p, i) => i === 0 || p.samples >= seen[i - 1]!.samples)).to.equal(true);
  });

  it("reports expected totals when every source knows them in advance", async () => {
    const sources = await openSources(["i.idx"], { baseDir: dir });
    const seen: HashProgress[] = [];
    await hashSources(sources, { threads: 0, onBatch: () => undefined, onProgress: (p) => seen.push(p) });
    expect(seen[seen.length - 1]).to.deep.equal({ samples: 1000, bytes: 16000, totalSamples: 1000, totalBytes: 16000 });
  });

  it("omits ids for a private dataset", async () => {
    const sources = await openSources(["t.jsonl"], { baseDir: dir });
    let ids: unknown = "unset";
    await hashSources(sources, { threads: 0, withIds: false, onBatch: (h) => (ids = h.batch.ids) });
    expect(ids).to.equal(null);
  });

  it("fails naming a sample file that disappears during the run", async () => {
    const sources = await openSources(["d"], { baseDir: dir });
    let removed = false;
    const error = await hashSources(sources, {
      threads: 0,
      onBatch: () => {
        if (!removed) {
          rmSync(path.join(dir, "d", "0500.txt"));
          removed = true;
        }
      },
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SourceError);
    expect((error as Error).message).to.equal("Cannot read sample d/0500.txt of source d: it disappeared while hashing; rerun once the data stops changing.");
  });

  it("fails naming the member a worker cannot read whole when a shard shrank, or was replaced, after its headers were read", () => {
    const file = path.join(dir, "shrunk.bin");
    writeFileSync(file, Buffer.alloc(3000, 7));
    const { dev, ino } = statSync(file);
    const digests = new Uint8Array(32 * 3);
    // Samples at [100, 1100), [1100, 2100), [2100, 5100): the file ends inside the third.
    const message = { kind: "file-segments", path: file, file: { dev, ino }, offset: 100, bounds: Uint32Array.from([0, 1000, 1000, 2000, 2000, 5000]), count: 3 } as const;
    const failure = (): Error & { index?: number; code?: string } => {
      try {
        hashBatch(message, digests);
      } catch (e) {
        return e as Error & { index?: number; code?: string };
      }
      throw new Error("expected a failure");
    };
    let error = failure();
    expect(error.name).to.equal("SampleReadError");
    expect(error.index).to.equal(2);
    expect(error.code).to.equal("ETRUNCATED");
    expect(error.message).to.match(/file ended at byte 3000, expected 5100/u);
    // Whole (the same file, rewritten), the same samples hash as their bytes.
    writeFileSync(file, Buffer.concat([Buffer.alloc(100), Buffer.alloc(5000, 7)]));
    expect(hashBatch(message, digests)).to.equal(5000);
    expect(Buffer.from(digests.subarray(64, 96)).toString("hex")).to.equal(sha256Hex(Buffer.alloc(3000, 7)));
    // Another file renamed into its place is refused, though its bytes would do.
    writeFileSync(`${file}.new`, Buffer.concat([Buffer.alloc(100), Buffer.alloc(5000, 7)]));
    renameSync(`${file}.new`, file);
    error = failure();
    expect(error.index).to.equal(0);
    expect(error.code).to.equal("EREPLACED");
    expect(error.message).to.match(/the file was replaced while it was being hashed; rerun/u);
  });

  it("hashes file-groups samples (WebDataset keys) as their framing and file ranges, runs read at once and a sample larger than a read piece in pieces, in a worker and in this thread", async () => {
    const file = path.join(dir, "groups.bin");
    const bytes = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 9)) & 0xff;
    writeFileSync(file, bytes);
    const { dev, ino } = statSync(file);
    // Sample 0: parts [100, 300) then [0, 50) (extension order need not be file order); sample 1: [400, 500);
    // sample 2: [600, 600 + 1.5 MiB) (larger than a 1 MiB read piece) then [2_700_000, 2_700_010); sample 3: no parts.
    const ranges = [[100, 300], [0, 50], [400, 500], [600, 600 + 1.5 * 1024 * 1024], [2_700_000, 2_700_010]];
    const framings = ["a", "bb", "", "ccc", "d"].map((f) => Buffer.from(f));
    const message = {
      kind: "file-groups",
      path: file,
      file: { dev, ino },
      count: 4,
      parts: Float64Array.from(ranges.flat()),
      partEnds: Uint32Array.from([2, 3, 5, 5]),
      framing: Buffer.concat(framings),
      framingEnds: Uint32Array.from(framings.map((_, j) => framings.slice(0, j + 1).reduce((a, f) => a + f.length, 0))),
    } as const;
    const sample = (parts: number[]): Buffer => Buffer.concat(parts.flatMap((j) => [framings[j]!, bytes.subarray(ranges[j]![0], ranges[j]![1])]));
    const expected = [sample([0, 1]), sample([2]), sample([3, 4]), Buffer.alloc(0)];
    const digests = new Uint8Array(32 * 4);
    expect(hashBatch(message, digests)).to.equal(expected.reduce((a, b) => a + b.length, 0));
    expect([0, 1, 2, 3].map((i) => Buffer.from(digests.subarray(32 * i, 32 * i + 32)).toString("hex"))).to.deep.equal(expected.map((e) => sha256Hex(e)));
    const pool = HashWorkerPool.start({ threads: 1 });
    try {
      const slot = await pool.acquireSlot();
      const batch = { ...message, slot, ordinals: new Float64Array(4), ids: null };
      await pool.hash(batch, slot);
      expect(Buffer.from(slot.digests.subarray(0, 128))).to.deep.equal(Buffer.from(digests));
    } finally {
      await pool.close();
    }
  });

  it("hashes a file larger than the streaming threshold in chunks", async function () {
    this.timeout(20_000);
    const big = Buffer.alloc(64 * 1024 * 1024 + 5, 7);
    writeFileSync(path.join(dir, "d", "big.bin"), big);
    const sources = await openSources(["d"], { baseDir: dir, include: ["big.bin"] });
    let hash = "";
    await hashSources(sources, { threads: 1, onBatch: (h) => (hash = Buffer.from(h.digests.subarray(0, 32)).toString("hex")) });
    expect(hash).to.equal(sha256Hex(big));
  });
});

function sumOfSampleTextLengths(): number {
  let n = 0;
  for (let i = 0; i < 600; i++) n += `sample ${i % 500}`.length;
  return n;
}

describe("HashWorkerPool", () => {
  it("bounds the slots in flight: acquireSlot waits until one is released", async () => {
    const pool = HashWorkerPool.start({ threads: 0, slotBytes: 16, slotSamples: 2 });
    try {
      const a = await pool.acquireSlot();
      const b = await pool.acquireSlot();
      let third = false;
      const pending = pool.acquireSlot().then((s) => {
        third = true;
        return s;
      });
      // A full turn of the event loop (every pending promise settled), not a sleep.
      await new Promise((r) => setImmediate(r));
      expect(third).to.equal(false);
      pool.releaseSlot(a);
      expect((await pending).id).to.equal(a.id);
      pool.releaseSlot(b);
    } finally {
      await pool.close();
    }
  });

  it("hands out a bigger one-off slot for a sample larger than a slot", async () => {
    const pool = HashWorkerPool.start({ threads: 0, slotBytes: 16 });
    try {
      const big = await pool.acquireSlot(1000);
      expect(big.data.length).to.be.at.least(1000);
      pool.releaseSlot(big);
      expect((await pool.acquireSlot()).data.length).to.equal(16);
    } finally {
      await pool.close();
    }
  });

  it("rejects a negative thread count", () => {
    expect(() => HashWorkerPool.start({ threads: -1 })).to.throw(/threads must be a whole number >= 0/);
  });
});
