import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";

import { RecordSorter } from "../../src/engine/record-sorter.js";
import { compareRecords, decodeRecords, encodeRecord } from "../../src/engine/sample-record.js";
import { sortRecords } from "../../src/engine/sort-records.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";

interface Rec {
  hash: string;
  source: number;
  ordinal: number;
  id: string | null;
}

/** Records as hashSources would deliver them: source by source, ordinals ascending. */
function makeBatches(count: number, distinct: number): Array<{ source: number; hashes: Uint8Array; ordinals: Float64Array; ids: string[] }> {
  const batches = [];
  for (let source = 0; source < 3; source++) {
    for (let start = 0; start < count; start += 97) {
      const n = Math.min(97, count - start);
      const hashes = new Uint8Array(n * 32);
      const ordinals = new Float64Array(n);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const k = (start + i) * 7919 + source;
        hashes.set(createHash("sha256").update(String(k % distinct)).digest(), i * 32);
        ordinals[i] = start + i;
        ids.push(`s${source}-${start + i}`);
      }
      batches.push({ source, hashes, ordinals, ids });
    }
  }
  return batches;
}

function drainAll(budget: number | undefined, workDir: string, count: number, distinct: number, withIds = true): { out: Rec[]; spilled: boolean } {
  const sorter = new RecordSorter({ memoryBudget: budget, workDir, withIds });
  for (const b of makeBatches(count, distinct)) sorter.add(b.source, b.hashes, b.ordinals, b.ids);
  const out: Rec[] = [];
  sorter.drain((hashes, offset, source, ordinal, id) =>
    out.push({ hash: Buffer.from(hashes.subarray(offset, offset + 32)).toString("hex"), source, ordinal, id }),
  );
  const spilled = sorter.spilled;
  sorter.dispose();
  return { out, spilled };
}

function naiveSorted(recs: Rec[]): Rec[] {
  return [...recs].sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.source - b.source || a.ordinal - b.ordinal));
}

describe("RecordSorter", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("sorter"));
  });
  afterEach(() => cleanup());

  it("sorts in memory by hash, then source, then ordinal", () => {
    const { out, spilled } = drainAll(undefined, path.join(dir, "w"), 2000, 1500);
    expect(spilled).to.equal(false);
    expect(out).to.have.length(6000);
    expect(out).to.deep.equal(naiveSorted(out));
  });

  it("gives the identical output through bucket files under a tiny memory budget", () => {
    const reference = drainAll(undefined, path.join(dir, "a"), 2000, 1500).out;
    const { out, spilled } = drainAll(10_000, path.join(dir, "b"), 2000, 1500);
    expect(spilled).to.equal(true);
    expect(out).to.deep.equal(reference);
  });

  it("splits buckets still over budget on the next hash byte", () => {
    const reference = drainAll(undefined, path.join(dir, "a"), 300, 300).out;
    // 900 records of ~56 bytes over 256 buckets: many buckets pass a 100-byte budget.
    expect(drainAll(100, path.join(dir, "b"), 300, 300).out).to.deep.equal(reference);
  });

  it("streams a bucket made of one repeated hash in arrival order", () => {
    const reference = drainAll(undefined, path.join(dir, "a"), 400, 1).out;
    const { out } = drainAll(500, path.join(dir, "b"), 400, 1);
    expect(out).to.deep.equal(reference);
    expect(new Set(out.map((r) => r.hash)).size).to.equal(1);
    expect(out.map((r) => r.id).slice(0, 3)).to.deep.equal(["s0-0", "s0-1", "s0-2"]);
  });

  it("drops ids when records carry none (private)", () => {
    const { out } = drainAll(2000, path.join(dir, "p"), 100, 50, false);
    expect(out.every((r) => r.id === null)).to.equal(true);
  });

  it("removes its bucket files once drained and disposed", () => {
    const workDir = path.join(dir, "w");
    const sorter = new RecordSorter({ memoryBudget: 100, workDir, withIds: false });
    for (const b of makeBatches(50, 50)) sorter.add(b.source, b.hashes, b.ordinals, null);
    expect(sorter.spilled).to.equal(true);
    expect(existsSync(workDir)).to.equal(true);
    sorter.drain(() => undefined);
    sorter.dispose();
    expect(existsSync(workDir)).to.equal(false);
  });

  it("rejects a non-positive memory budget", () => {
    expect(() => new RecordSorter({ memoryBudget: 0, workDir: dir, withIds: false })).to.throw(/memoryBudget must be a positive number/);
  });
});

describe("sortRecords", () => {
  it("orders columns like a plain comparison sort, including skipped prefix bytes", () => {
    const n = 5000;
    const hashes = new Uint8Array(n * 32);
    const sources = new Uint32Array(n);
    const ordinals = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const h = createHash("sha256").update(String(i % 3000)).digest();
      h[0] = 0x42; // a shared prefix, as in a bucket file
      hashes.set(h, i * 32);
      sources[i] = i % 2;
      ordinals[i] = n - i;
    }
    const perm = sortRecords({ count: n, hashes, sources, ordinals, ids: null }, 1);
    for (let j = 1; j < n; j++) {
      const a = perm[j - 1]!;
      const b = perm[j]!;
      expect(compareRecords(hashes, a * 32, sources[a]!, ordinals[a]!, hashes, b * 32, sources[b]!, ordinals[b]!)).to.be.lessThan(0);
    }
    expect(new Set(perm).size).to.equal(n);
  });

  it("handles an empty input", () => {
    expect(sortRecords({ count: 0, hashes: new Uint8Array(0), sources: new Uint32Array(0), ordinals: new Float64Array(0), ids: null })).to.have.length(0);
  });
});

describe("sample record encoding", () => {
  it("round-trips hash, source, ordinal and a UTF-8 id", () => {
    const buf = Buffer.alloc(200);
    const hash = createHash("sha256").update("x").digest();
    let at = encodeRecord(buf, 0, hash, 3, 2 ** 40 + 1, "dir/é😀.png");
    at = encodeRecord(buf, at, hash, 0, 0, null);
    const cols = decodeRecords(buf.subarray(0, at), true, "test");
    expect(cols.count).to.equal(2);
    expect(Buffer.from(cols.hashes.subarray(0, 32)).equals(hash)).to.equal(true);
    expect([cols.sources[0], cols.ordinals[0], cols.ids![0]]).to.deep.equal([3, 2 ** 40 + 1, "dir/é😀.png"]);
    expect(cols.ids![1]).to.equal("");
  });

  it("refuses bytes that end inside a record", () => {
    const buf = Buffer.alloc(100);
    const at = encodeRecord(buf, 0, new Uint8Array(32), 0, 0, "abc");
    expect(() => decodeRecords(buf.subarray(0, at - 1), true, "bucket-x")).to.throw(/bucket-x ends inside a record/);
  });
});
