/**
 * `tar-scan` batches: the hashing workers guess where the headers of a
 * plain shard lie in fixed byte ranges and hash what they find; the main
 * thread walks every range strictly over the bytes they send. These tests
 * check that the guess never decides a sample: the same ids, digests,
 * ordinals, warnings and errors as the main-thread walk (large slots: one
 * range would cover half the shard, so the engine uses `file-segments`) and
 * as Python's tarfile, on shards built to make the guess wrong.
 */
import { expect } from "chai";
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";

import { hashSources } from "../../src/engine/hash-sources.js";
import { runBatch } from "../../src/engine/hash-batch.mjs";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import type { BatchSlot } from "../../src/sources/sample-batch.js";
import { ShippedBytes } from "../../src/sources/tar-plain-walk.js";
import { SCAN_MEMBER_LIMIT } from "../../src/sources/tar-scan.mjs";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { errorOf, type PyTarEntry, python, pythonTar, seeded, sha256 } from "../fixtures/source-fixtures.js";

const SEED = 2606;

/** Slots so small that a shard of a few hundred kB spans many tar-scan ranges. */
const SCAN = { slotBytes: 16 * 1024 } as const;
/** The default slots: a test shard is less than two ranges, so the main thread walks ahead (file-segments). */
const WALK = { slotBytes: 4 * 1024 * 1024 } as const;

interface Hashed {
  /** id → "sha256 ordinal" */
  readonly samples: Map<string, string>;
  readonly warnings: string[];
  readonly extensions: Array<[string, number]>;
  /** Ranges of the tar-scan batches, in order. */
  readonly ranges: Array<[number, number]>;
}

async function hash(paths: string[], options: OpenSourcesOptions & { threads?: number; slotBytes: number; slotSamples?: number }): Promise<Hashed> {
  const sources = await openSources(paths, options);
  const samples = new Map<string, string>();
  const ranges: Array<[number, number]> = [];
  await hashSources(sources, {
    threads: options.threads ?? 0,
    slotBytes: options.slotBytes,
    slotSamples: options.slotSamples,
    onBatch: (h) => {
      if (h.batch.kind === "tar-scan") ranges.push([h.batch.start, h.batch.end]);
      for (let i = 0; i < h.batch.count; i++) {
        const id = h.batch.ids![i]!;
        expect(samples.has(id), `id ${id} given twice`).to.equal(false);
        samples.set(id, `${Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex")} ${h.batch.ordinals[i]}`);
      }
    },
  });
  const tar = sources[0] as unknown as { extensions?: Map<string, number> };
  return { samples, warnings: sources.flatMap((s) => [...(s.warnings ?? [])]), extensions: [...(tar.extensions ?? new Map())].sort(), ranges };
}

/** The regular members of `file` as Python's tarfile reads them: `<shard>/<name>` → "sha256 ordinal" (non-hidden names only). */
function pythonSamples(file: string, shard: string): Map<string, string> {
  const out = python(
    `
import hashlib, json, sys, tarfile
rows = []
with tarfile.open(${JSON.stringify(file)}) as tar:
    for m in tar:
        if m.isreg() and not any(p.startswith(".") for p in m.name.split("/")):
            rows.append([m.name, hashlib.sha256(tar.extractfile(m).read()).hexdigest()])
print(json.dumps(rows))
`,
  );
  const rows = JSON.parse(out) as Array<[string, string]>;
  return new Map(rows.map(([name, digest], i) => [`${shard}/${name}`, `${digest} ${i}`]));
}

/** Python's offsets of each member: [first header (pax / long-name records included), its own header]. */
function pythonOffsets(file: string): Array<[number, number]> {
  return JSON.parse(
    python(`
import json, tarfile
with tarfile.open(${JSON.stringify(file)}) as tar:
    print(json.dumps([[m.offset, m.offset_data - 512] for m in tar]))
`),
  ) as Array<[number, number]>;
}

describe("tar-scan ranges (workers guess the headers, the main thread walks them strictly)", function () {
  this.timeout(300_000);
  let dir: string;
  let cleanup: () => void;

  before(() => console.log(`      (seed ${SEED})`));
  beforeEach(() => ({ dir, cleanup } = tempDir("tar-scan")));
  afterEach(() => cleanup());

  /** Members of seeded sizes (0 to 30 kB), names long and non-ASCII at times, directories and links between them, one tar file as a member. */
  function seededEntries(seed: number, count: number): PyTarEntry[] {
    const rng = seeded(seed);
    const entries: PyTarEntry[] = [];
    for (let i = 0; i < count; i++) {
      const key = String(i).padStart(6, "0");
      const kind = rng.int(20);
      if (kind === 0) entries.push({ name: `dir-${key}`, dir: true });
      else if (kind === 1) entries.push({ name: `${key}.lnk`, symlink: `${key}.jpg` });
      const name = rng.int(6) === 0 ? `${"long-directory/".repeat(8)}${key}.jpg` : rng.int(6) === 0 ? `ünïcödé-${key}.jpg` : `${key}.jpg`;
      entries.push({ name, data: rng.bytes(rng.int(4) === 0 ? rng.int(600) : rng.int(30_000)) });
    }
    return entries;
  }

  for (const format of ["pax", "gnu", "ustar"] as const) {
    for (const threads of [0, 2]) {
      it(`reads a ${format} shard exactly as Python's tarfile and as the main-thread walk (threads ${threads}): same ids, digests, ordinals, warnings`, async () => {
        const file = path.join(dir, `s-${format}.tar`);
        pythonTar(file, seededEntries(SEED + threads, 240), format);
        const scan = await hash([file], { baseDir: dir, threads, ...SCAN });
        const walk = await hash([file], { baseDir: dir, threads, ...WALK });
        expect(scan.ranges.length, "tar-scan ranges used").to.be.greaterThan(10);
        expect(walk.ranges.length, "no tar-scan ranges with large slots").to.equal(0);
        expect(scan.samples).to.deep.equal(pythonSamples(file, `s-${format}.tar`));
        expect(scan.samples).to.deep.equal(walk.samples);
        expect(scan.warnings).to.deep.equal(walk.warnings);
        expect(scan.warnings.join("\n")).to.match(/skipped \d+ link entr/u);
        expect(scan.extensions).to.deep.equal(walk.extensions);
      });
    }
  }

  it("walks a pax record at the end of one range and its member at the start of the next", async () => {
    const file = path.join(dir, "pax.tar");
    // Every member has a pax record (a non-ASCII name), so some range ends between a record and its member.
    const rng = seeded(SEED + 7);
    const entries: PyTarEntry[] = Array.from({ length: 300 }, (_, i) => ({ name: `é-${String(i).padStart(5, "0")}.bin`, data: rng.bytes(rng.int(9000)) }));
    pythonTar(file, entries, "pax");
    const scan = await hash([file], { baseDir: dir, ...SCAN });
    const rangeOf = (offset: number): number => scan.ranges.findIndex(([start, end]) => offset >= start && offset < end);
    const split = pythonOffsets(file).filter(([record, header]) => record !== header && rangeOf(record) !== rangeOf(header));
    expect(split.length, "members whose pax record and header lie in different ranges").to.be.greaterThan(0);
    expect(scan.samples).to.deep.equal(pythonSamples(file, "pax.tar"));
  });

  it("never takes a sample from a wrong guess: members that are tar files, and data full of valid-looking headers", async () => {
    const rng = seeded(SEED + 11);
    // Members whose bytes are tar archives: every block a range starts in may be a header of the inner archive.
    const inner = path.join(dir, "inner.tar");
    pythonTar(inner, Array.from({ length: 40 }, (_, i) => ({ name: `inner-${i}.bin`, data: rng.bytes(rng.int(5000)) })), "ustar");
    const innerBytes = new Uint8Array(readFileSync(inner));
    // A member made only of copies of one valid header claiming 700 kB: wherever a range starts in it, the guess is that header.
    const fakeHeader = innerBytes.slice(0, 512);
    const claimed = Buffer.from((700_000).toString(8).padStart(11, "0") + "\0");
    fakeHeader.set(claimed, 124);
    fakeHeader.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of fakeHeader) sum += b;
    fakeHeader.set(Buffer.from(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    const decoys = new Uint8Array(512 * 200);
    for (let at = 0; at < decoys.length; at += 512) decoys.set(fakeHeader, at);
    const entries: PyTarEntry[] = [];
    for (let i = 0; i < 60; i++) entries.push({ name: `${String(i).padStart(4, "0")}.bin`, data: rng.bytes(rng.int(3000)) });
    for (let i = 0; i < 6; i++) {
      entries.push({ name: `nested-${i}.tar`, data: innerBytes }, { name: `decoys-${i}.bin`, data: decoys });
      entries.push({ name: `after-${i}.bin`, data: rng.bytes(rng.int(20_000)) });
    }
    const file = path.join(dir, "nested.tar");
    pythonTar(file, entries, "gnu");
    for (const threads of [0, 2]) {
      const scan = await hash([file], { baseDir: dir, threads, ...SCAN });
      expect(scan.ranges.length).to.be.greaterThan(10);
      expect(scan.samples).to.deep.equal(pythonSamples(file, "nested.tar"));
    }
  });

  it("hands a member larger than a worker hashes on a guess back to the workers, and hashes members past a slot's room here", async () => {
    const rng = seeded(SEED + 13);
    const entries: PyTarEntry[] = [];
    for (let i = 0; i < 70; i++) entries.push({ name: `a-${String(i).padStart(3, "0")}.bin`, data: rng.bytes(rng.int(4000)) });
    entries.push({ name: "big.bin", data: rng.bytes(SCAN_MEMBER_LIMIT + 300_000) });
    // Then many empty members: more headers per range than the first members promised, so a slot's room runs out.
    for (let i = 0; i < 600; i++) entries.push({ name: `z-${String(i).padStart(4, "0")}.txt`, data: new Uint8Array(0) });
    entries.push({ name: "last.bin", data: rng.bytes(5000) });
    const file = path.join(dir, "mixed.tar");
    pythonTar(file, entries, "pax");
    const scan = await hash([file], { baseDir: dir, threads: 2, ...SCAN, slotSamples: 64 });
    expect(scan.ranges.length).to.be.greaterThan(10);
    expect(scan.samples).to.deep.equal(pythonSamples(file, "mixed.tar"));
  });

  it("hashes a member of 4 GiB or more whole (a slot's bounds are 32-bit), walked ahead or handed back from a tar-scan range", async function () {
    this.timeout(600_000);
    // Sparse files: a member of 2^32 + 1000 bytes, zeros then "tail", first in one shard (walked ahead: its first members are not small)
    // and after 70 small members in the other (tar-scan ranges; no worker hashes it on a guess).
    const big = 2 ** 32 + 1000;
    const out = python(`
import hashlib, io, json, sys, tarfile
big = ${big}
def member(f, name, size, tail=b""):
    info = tarfile.TarInfo(name); info.size = size; info.mtime = 1700000000
    f.write(info.tobuf(tarfile.PAX_FORMAT))
    start = f.tell()
    f.seek(start + size - len(tail)); f.write(tail)
    f.seek(start + size); f.write(b"\\0" * (-size % 512))
def shard(path, small_first):
    with open(path, "wb") as f:
        if small_first:
            for i in range(70): member(f, f"a-{i:03}.bin", 3000, bytes([i]) * 3)
        member(f, "big.bin", big, b"tail")
        member(f, "after.txt", 5, b"after")
        f.write(b"\\0" * 1024)
shard(${JSON.stringify(path.join(dir, "walked.tar"))}, False)
shard(${JSON.stringify(path.join(dir, "scanned.tar"))}, True)
h = hashlib.sha256(); zeros = bytes(1 << 22); left = big - 4
while left > 0:
    n = min(left, len(zeros)); h.update(zeros[:n]); left -= n
h.update(b"tail")
print(json.dumps(h.hexdigest()))
`);
    const bigDigest = JSON.parse(out) as string;
    for (const name of ["walked.tar", "scanned.tar"]) {
      const run = await hash([path.join(dir, name)], { baseDir: dir, threads: 2, ...SCAN });
      expect(run.samples.get(`${name}/big.bin`)?.split(" ")[0], name).to.equal(bigDigest);
      expect(run.samples.get(`${name}/after.txt`)?.split(" ")[0], name).to.equal(sha256("after"));
      expect(run.ranges.length > 0, `${name} hashed as tar-scan ranges`).to.equal(name === "scanned.tar");
    }
  });

  describe("refuses a bad shard with the main-thread walk's own error", () => {
    /** A 240-member pax shard; returns its path and Python's member offsets. */
    function shard(name: string): { file: string; offsets: Array<[number, number]> } {
      const file = path.join(dir, name);
      pythonTar(file, seededEntries(SEED + 17, 240), "pax");
      return { file, offsets: pythonOffsets(file) };
    }
    const cases: Array<[string, (file: string, offsets: Array<[number, number]>) => void]> = [
      ["truncated inside a late member", (file, offsets) => truncateSync(file, offsets[200]![1] + 700)],
      [
        "a broken header late in the shard",
        (file, offsets) => {
          const fd = openSync(file, "r+");
          writeSync(fd, Buffer.from("garbage!"), 0, 8, offsets[180]![1] + 100);
          closeSync(fd);
        },
      ],
      [
        "data after the end-of-archive marker",
        (file) => {
          const size = statSync(file).size;
          const fd = openSync(file, "r+");
          writeSync(fd, Buffer.from("tail"), 0, 4, size - 512);
          closeSync(fd);
        },
      ],
      ["the end-of-archive marker cut to bytes that are not a block", (file) => truncateSync(file, statSync(file).size - 5000 - 100)],
    ];
    for (const [what, damage] of cases) {
      it(what, async () => {
        const { file, offsets } = shard("bad.tar");
        damage(file, offsets);
        const viaWalk = await errorOf(hash([file], { baseDir: dir, ...WALK }));
        for (const threads of [0, 2]) {
          const viaScan = await errorOf(hash([file], { baseDir: dir, threads, ...SCAN }));
          expect(viaScan.message).to.equal(viaWalk.message);
          expect(viaScan.message).to.match(/^Cannot read shard bad\.tar: /u);
        }
      });
    }

    it("a shard of links only holds no samples", async () => {
      const file = path.join(dir, "links.tar");
      pythonTar(file, Array.from({ length: 400 }, (_, i) => ({ name: `l-${i}.jpg`, symlink: `target-${i}.jpg` })), "gnu");
      const viaWalk = await errorOf(hash([file], { baseDir: dir, ...WALK }));
      const viaScan = await errorOf(hash([file], { baseDir: dir, ...SCAN }));
      expect(viaScan.message).to.equal(viaWalk.message);
      expect(viaScan.message).to.match(/^links\.tar contains no samples/u);
    });
  });

  describe("the worker's guess (runBatch, tar-scan)", () => {
    /** A file of one member of `size` bytes whose data holds, at `at`, a header claiming `claim` bytes. */
    function decoyFile(size: number, at: number, claim: number): { file: string; dev: number; ino: number } {
      const file = path.join(dir, "decoy.tar");
      const member = new Uint8Array(size);
      const header = (name: string, length: number): Uint8Array => {
        const b = new Uint8Array(512);
        b.set(Buffer.from(name), 0);
        b.set(Buffer.from("0000644\0"), 100);
        b.set(Buffer.from(length.toString(8).padStart(11, "0") + "\0"), 124);
        b.set(Buffer.from("ustar\x0000"), 257);
        b[156] = 0x30;
        b.fill(0x20, 148, 156);
        let sum = 0;
        for (const x of b) sum += x;
        b.set(Buffer.from(sum.toString(8).padStart(6, "0") + "\0 "), 148);
        return b;
      };
      member.set(header("decoy.bin", claim), at);
      const out = Buffer.concat([header("outer.bin", size), member, new Uint8Array(1024)]);
      writeFileSync(file, out);
      const { dev, ino } = statSync(file);
      return { file, dev, ino };
    }
    const slot = (): { data: Uint8Array; bounds: Uint32Array; digests: Uint8Array } => ({
      data: new Uint8Array(64 * 1024),
      bounds: new Uint32Array(2 * 256),
      digests: new Uint8Array(32 * 256),
    });

    it("hashes a guessed member within SCAN_MEMBER_LIMIT of its range, and not one that ends further", () => {
      const size = SCAN_MEMBER_LIMIT + 4 * 1024 * 1024;
      for (const [claim, hashed] of [
        [1024 * 1024, 1024 * 1024],
        [SCAN_MEMBER_LIMIT + 2 * 1024 * 1024, 0],
      ] as const) {
        const { file, dev, ino } = decoyFile(size, 512 * 1000, claim);
        const s = slot();
        const start = 512 + 512 * 1000 - 3 * 512; // the range starts three blocks before the decoy
        const result = runBatch({ kind: "tar-scan", path: file, file: { dev, ino }, start, end: start + 64 * 1024, size: statSync(file).size, data: s.data, bounds: s.bounds }, s.digests);
        expect(result.scan?.members).to.equal(hashed === 0 ? 0 : 1);
        expect(result.bytes).to.equal(hashed);
      }
    });
  });

  describe("ShippedBytes", () => {
    function slotWith(pieces: Array<[number, Uint8Array]>, members: Array<[number, number, number]>): { slot: BatchSlot; fill: number } {
      const data = new Uint8Array(4096);
      const view = new DataView(data.buffer);
      let fill = 0;
      for (const [offset, bytes] of pieces) {
        view.setUint32(fill, offset, true);
        view.setUint32(fill + 4, bytes.length, true);
        data.set(bytes, fill + 8);
        fill += 8 + bytes.length;
      }
      const bounds = new Uint32Array(16);
      const digests = new Uint8Array(32 * 8);
      members.forEach(([offset, size, fillByte], k) => {
        bounds[2 * k] = offset;
        bounds[2 * k + 1] = size;
        digests.fill(fillByte, 32 * k, 32 * k + 32);
      });
      return { slot: { id: 0, data, bounds, digests, maxSamples: 8 }, fill };
    }

    it("gives a digest only for the exact data offset and size a worker hashed", () => {
      const shipped = new ShippedBytes();
      const { slot, fill } = slotWith([], [[512, 100, 7]]);
      shipped.add(1024, slot, { fill, members: 1 });
      expect(shipped.digest(1536, 100)?.[0]).to.equal(7);
      expect(shipped.digest(1536, 99)).to.equal(undefined);
      expect(shipped.digest(1536 + 512, 100)).to.equal(undefined);
    });

    it("gives bytes only from a piece's start, and at most its length", () => {
      const shipped = new ShippedBytes();
      const { slot, fill } = slotWith([[0, new Uint8Array(512).fill(1)]], []);
      shipped.add(2048, slot, { fill, members: 0 });
      expect(shipped.bytes(2048, 512)?.length).to.equal(512);
      expect(shipped.bytes(2048, 513)).to.equal(undefined);
      expect(shipped.bytes(2048 + 1, 100)).to.equal(undefined);
    });

    it("keeps what lies past the walk's position once its slot is reused, and forgets what lies before", () => {
      const shipped = new ShippedBytes();
      const { slot, fill } = slotWith(
        [
          [0, new Uint8Array(512).fill(1)],
          [1024, new Uint8Array(512).fill(2)],
        ],
        [[1536, 10, 9]],
      );
      shipped.add(0, slot, { fill, members: 1 });
      shipped.retain(1024);
      slot.data.fill(0xee);
      slot.digests.fill(0xee);
      expect(shipped.bytes(0, 512)).to.equal(undefined);
      expect([...shipped.bytes(1024, 512)!].every((b) => b === 2)).to.equal(true);
      expect(shipped.digest(1536, 10)?.[0]).to.equal(9);
    });
  });
});
