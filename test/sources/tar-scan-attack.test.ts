/**
 * Adversarial checks of `tar-scan` ranges (second pass): runs over several
 * shards where a later shard fails while an earlier one's ranges are still
 * in the workers, and runs aborted while ranges are in flight. Each case is
 * compared with the main-thread walk (large slots: no tar-scan ranges).
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import path from "node:path";

import { runBatch } from "../../src/engine/hash-batch.mjs";
import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { findSampleBytes } from "../../src/sources/sample-lookup.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { errorOf, python, pythonTars, seeded, sha256, type PyTarEntry } from "../fixtures/source-fixtures.js";

const SEED = 7731;

interface RunOptions extends OpenSourcesOptions {
  readonly threads: number;
  readonly slotBytes: number;
  readonly slotSamples?: number;
  readonly signal?: AbortSignal;
  readonly part?: { readonly index: number; readonly count: number };
  readonly withIds?: boolean;
  readonly onBatch?: (index: number) => void;
}

/** Hashes `paths` as tar sources; resolves to "id sha256 ordinal" lines and whether any batch was a tar-scan range. */
async function hash(paths: string[], options: RunOptions): Promise<{ samples: string[]; scanned: boolean; warnings: string[] }> {
  const sources = await openSources(paths, { kind: "tar", ...options });
  const samples: string[] = [];
  let scanned = false;
  let batches = 0;
  await hashSources(sources, {
    threads: options.threads,
    slotBytes: options.slotBytes,
    slotSamples: options.slotSamples,
    signal: options.signal,
    part: options.part,
    withIds: options.withIds,
    onBatch: (h) => {
      options.onBatch?.(batches++);
      if (h.batch.kind === "tar-scan") scanned = true;
      for (let i = 0; i < h.batch.count; i++) {
        samples.push(`${h.batch.ids?.[i] ?? "-"} ${Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex")} ${h.batch.ordinals[i]}`);
      }
    },
  });
  return { samples, scanned, warnings: sources.flatMap((s) => [...(s.warnings ?? [])]) };
}

function damage(file: string, offset: number, bytes: string): void {
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.from(bytes), 0, bytes.length, offset);
  closeSync(fd);
}

describe("tar-scan ranges under attack (errors across shards, aborts)", function () {
  this.timeout(300_000);
  let dir: string;
  let cleanup: () => void;

  before(() => console.log(`      (seed ${SEED})`));
  beforeEach(() => ({ dir, cleanup } = tempDir("tar-scan-attack")));
  afterEach(() => cleanup());

  const small = (rng: ReturnType<typeof seeded>, prefix: string, count: number, max: number): PyTarEntry[] =>
    Array.from({ length: count }, (_, i) => ({ name: `${prefix}${String(i).padStart(5, "0")}.bin`, data: rng.bytes(rng.int(max)) }));

  it("reports an earlier scanned shard's error before a later shard's, as the main-thread walk does", async () => {
    const rng = seeded(SEED);
    // a.tar: 1 MiB slots make 4 MiB ranges; range 0 holds a 12 MiB member a worker hashes (slow), the shard ends with bytes after its end marker.
    const a = path.join(dir, "a.tar");
    const b = path.join(dir, "b.tar");
    pythonTars([
      { file: a, entries: [...small(rng, "s", 80, 20_000), { name: "big.bin", data: rng.bytes(12 * 1024 * 1024) }, ...small(rng, "t", 150, 20_000)], format: "pax" },
      { file: b, entries: small(rng, "x", 3, 100), format: "pax" },
    ]);
    damage(a, statSync(a).size - 512, "tail");
    // b.tar: its first header broken, found by the main thread as soon as it reaches b.
    damage(b, 100, "garbage!");
    const viaWalk = (await errorOf(hash([dir], { baseDir: dir, threads: 2, slotBytes: 64 * 1024 * 1024 }))) as Error;
    expect(viaWalk.message).to.match(/^Cannot read shard a\.tar: /u);
    for (const threads of [0, 1, 2]) {
      for (let round = 0; round < 2; round++) {
        const viaScan = (await errorOf(hash([dir], { baseDir: dir, threads, slotBytes: 1024 * 1024 }))) as Error;
        expect(viaScan.message, `threads ${threads}`).to.equal(viaWalk.message);
      }
    }
  });

  it("rejects with the abort reason when aborted while ranges are in flight (never a read of a closed shard)", async () => {
    const rng = seeded(SEED + 1);
    const file = path.join(dir, "a.tar");
    // Many empty members after small ones: workers run out of room (slotSamples 8) and the main thread reads the rest itself.
    pythonTars([{ file, entries: [...small(rng, "s", 100, 3000), ...small(rng, "z", 3000, 2)], format: "pax" }]);
    let runs = 0;
    for (const threads of [1, 2]) {
      for (const at of [0, 1, 2, 3, 5, 8, 13, 21, 34, 55]) {
        const controller = new AbortController();
        const reason = new Error(`aborted at batch ${at}`);
        const error = await errorOf(
          hash([file], { baseDir: dir, threads, slotBytes: 16 * 1024, slotSamples: 8, signal: controller.signal, onBatch: (i) => i === at && controller.abort(reason) }),
        );
        expect(error, `threads ${threads}, aborted at batch ${at}: ${(error as Error).message}`).to.equal(reason);
        runs++;
      }
    }
    expect(runs).to.equal(20);
  });

  it("a worker whose guess lands in a tar inside a member walks on to the outer headers after that tar's end marker", () => {
    const rng = seeded(SEED + 2);
    const inner = path.join(dir, "inner.tar");
    const file = path.join(dir, "outer.tar");
    pythonTars([{ file: inner, entries: small(rng, "in", 3, 2000), format: "ustar" }]);
    pythonTars([{ file, entries: [{ name: "nested.tar", data: new Uint8Array(readFileSync(inner)) }, ...small(rng, "out", 20, 3000)], format: "ustar" }]);
    // Python's (data offset, size) of every outer member after the nested tar.
    const outer = JSON.parse(
      python(`
import json, tarfile
with tarfile.open(${JSON.stringify(file)}) as tar:
    print(json.dumps([[m.offset_data, m.size] for m in tar][1:]))
`),
    ) as Array<[number, number]>;
    const { dev, ino, size } = statSync(file);
    const bytes = readFileSync(file);
    const data = new Uint8Array(64 * 1024);
    const bounds = new Uint32Array(2 * 256);
    const digests = new Uint8Array(32 * 256);
    // The range starts at the nested tar's first header: the guess is that header.
    const start = 512;
    const result = runBatch({ kind: "tar-scan", path: file, file: { dev, ino }, start, end: size, size, data, bounds }, digests);
    const hashed = new Map<number, [number, string]>();
    for (let k = 0; k < result.scan!.members; k++) {
      hashed.set(start + bounds[2 * k]!, [bounds[2 * k + 1]!, Buffer.from(digests.subarray(32 * k, 32 * k + 32)).toString("hex")]);
    }
    for (const [offset, length] of outer) {
      expect(hashed.get(offset), `outer member at ${offset}`).to.deep.equal([length, sha256(bytes.subarray(offset, offset + length))]);
    }
  });

  it("hashes a directory mixing scanned, small plain and gzip'd shards as the main-thread walk does: whole, in parts, with and without ids", async () => {
    const rng = seeded(SEED + 3);
    /** Members with links, directories, hidden files, empty members and long non-ASCII names among them. */
    const entries = (prefix: string, count: number, max: number): PyTarEntry[] => {
      const out: PyTarEntry[] = [];
      for (let i = 0; i < count; i++) {
        const kind = rng.int(15);
        if (kind === 0) out.push({ name: `${prefix}-l${i}.lnk`, symlink: "x" });
        if (kind === 1) out.push({ name: `${prefix}-d${i}`, dir: true });
        if (kind === 2) out.push({ name: `.${prefix}-hidden${i}.txt`, data: rng.bytes(10) });
        const name = `${prefix}${kind === 3 ? "é".repeat(60) : ""}-${String(i).padStart(5, "0")}.${["jpg", "txt", "json"][rng.int(3)]}`;
        out.push({ name, data: rng.bytes(rng.int(3) === 0 ? 0 : rng.int(max)) });
      }
      return out;
    };
    const shards: Array<[string, number, number, "pax" | "gnu", boolean]> = [
      ["00-scan.tar", 200, 8000, "pax", false],
      ["01-small.tar", 3, 100, "gnu", false],
      ["02-gz.tar.gz", 50, 4000, "pax", true],
      ["03-scan.tar", 300, 3000, "gnu", false],
      ["04-scan.tar", 150, 9000, "gnu", false],
      ["05-gz.tgz", 20, 100, "gnu", true],
      ["06-one.tar", 1, 0, "pax", false],
      ["07-scan.tar", 400, 2000, "pax", false],
    ];
    pythonTars(shards.map(([name, count, max, format, gzip]) => ({ file: path.join(dir, name), entries: entries(name.slice(0, 2), count, max), format, gzip })));
    let compared = 0;
    for (const withIds of [true, false]) {
      for (const part of [undefined, { index: 0, count: 3 }, { index: 1, count: 3 }, { index: 2, count: 3 }]) {
        const walk = await hash([dir], { baseDir: dir, threads: 2, slotBytes: 4 * 1024 * 1024, part, withIds });
        expect(walk.scanned).to.equal(false);
        for (const [threads, slotSamples] of [
          [0, undefined],
          [2, 4],
        ] as const) {
          const scan = await hash([dir], { baseDir: dir, threads, slotBytes: 16 * 1024, slotSamples, part, withIds });
          expect(scan.scanned, "tar-scan ranges used").to.equal(true);
          expect(scan.samples).to.deep.equal(walk.samples);
          expect(scan.warnings).to.deep.equal(walk.warnings);
          compared++;
        }
      }
    }
    expect(compared).to.equal(16);
  });
});

/**
 * Writes a plain pax shard with Python's tarfile headers (`TarInfo.tobuf`), member data
 * sparse where it is zeros: each member is `size` bytes, zeros then `tail`. Returns
 * "name sha256" per member, from Python's hashlib, and each member's header offset.
 */
function sparseShard(file: string, members: ReadonlyArray<{ name: string; size: number; tail: string }>): { lines: string[]; headers: number[] } {
  const out = python(
    `
import hashlib, json, sys, tarfile
spec = json.load(sys.stdin)
lines = []; headers = []
with open(spec["file"], "wb") as f:
    for m in spec["members"]:
        info = tarfile.TarInfo(m["name"]); info.size = m["size"]; info.mtime = 1700000000
        headers.append(f.tell())
        f.write(info.tobuf(tarfile.PAX_FORMAT))
        start = f.tell(); tail = m["tail"].encode()
        f.seek(start + m["size"] - len(tail)); f.write(tail)
        f.seek(start + m["size"]); f.write(b"\\0" * (-m["size"] % 512))
        h = hashlib.sha256(); z = bytes(1 << 22); left = m["size"] - len(tail)
        while left > 0:
            n = min(left, len(z)); h.update(z[:n]); left -= n
        h.update(tail); lines.append(m["name"] + " " + h.hexdigest())
    f.write(b"\\0" * 1024)
print(json.dumps({"lines": lines, "headers": headers}))
`,
    JSON.stringify({ file, members }),
  );
  return JSON.parse(out) as { lines: string[]; headers: number[] };
}

describe("tar-scan ranges under attack: members handed back to the workers (hashRange)", function () {
  this.timeout(300_000);
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir("tar-scan-hand")));
  afterEach(() => cleanup());

  /** 120 small members, a 20 MiB one (past the guess limit: handed back), 400 small ones, another 20 MiB one, 60 small ones. */
  const layout = (): Array<{ name: string; size: number; tail: string }> => {
    const m: Array<{ name: string; size: number; tail: string }> = [];
    for (let i = 0; i < 120; i++) m.push({ name: `a-${String(i).padStart(4, "0")}.bin`, size: 700 + ((i * 37) % 2000), tail: `a${i}` });
    m.push({ name: "big-1.bin", size: 20 * 1024 * 1024 + 3, tail: "big one" });
    for (let i = 0; i < 400; i++) m.push({ name: `b-${String(i).padStart(4, "0")}.bin`, size: 10 + ((i * 53) % 3000), tail: `b${i}` });
    m.push({ name: "big-2.bin", size: 20 * 1024 * 1024 + 700, tail: "big two" });
    for (let i = 0; i < 60; i++) m.push({ name: `c-${String(i).padStart(4, "0")}.bin`, size: 5 + i, tail: `c${i}` });
    return m;
  };

  it("never calls onBatch again once it has thrown (threads 0, 1, 2; a handed-back member pending)", async () => {
    const file = path.join(dir, "a.tar");
    const expected = sparseShard(file, layout()).lines;
    const whole = await hash([file], { baseDir: dir, threads: 2, slotBytes: 64 * 1024 });
    expect(whole.scanned).to.equal(true);
    expect(whole.samples.map((s) => s.split(" ").slice(0, 2).join(" "))).to.deep.equal(expected.map((e) => `a.tar/${e}`));
    let runs = 0;
    for (const threads of [0, 1, 2]) {
      for (const at of [0, 1, 2, 3, 5, 8]) {
        const reason = new Error(`onBatch threw at batch ${at}`);
        let calls = 0;
        const error = await errorOf(
          hash([file], {
            baseDir: dir,
            threads,
            slotBytes: 64 * 1024,
            onBatch: (i) => {
              calls++;
              if (i === at) throw reason;
            },
          }),
        );
        expect(error, `threads ${threads}, at ${at}`).to.equal(reason);
        expect(calls, `threads ${threads}: onBatch calls after it threw at batch ${at}`).to.equal(at + 1);
        runs++;
      }
    }
    expect(runs).to.equal(18);
  });

  it("hands onBatch a prefix of the samples, in order, when a range fails to settle (threads 0, 1, 2; handed-back members pending)", async () => {
    const members = layout();
    let runs = 0;
    for (const broken of ["b-0150.bin", "b-0390.bin", "c-0030.bin"]) {
      const file = path.join(dir, "a.tar");
      const { lines, headers } = sparseShard(file, members);
      damage(file, headers[members.findIndex((m) => m.name === broken)]! + 148, "garbage!"); // its checksum
      const expected = lines.map((l) => `a.tar/${l}`);
      const viaWalk = (await errorOf(hash([file], { baseDir: dir, threads: 2, slotBytes: 64 * 1024 * 1024 }))) as Error;
      for (const threads of [0, 1, 2]) {
        for (let round = 0; round < 3; round++) {
          const seen: string[] = [];
          const sources = await openSources([file], { kind: "tar", baseDir: dir });
          const error = (await errorOf(
            hashSources(sources, {
              threads,
              slotBytes: 64 * 1024,
              onBatch: (h) => {
                expect(h.batch.kind === "tar-scan" || h.batch.count > 0).to.equal(true);
                for (let i = 0; i < h.batch.count; i++) seen.push(`${h.batch.ids![i]} ${Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex")}`);
              },
            }),
          )) as Error;
          expect(error.message, `threads ${threads}, ${broken}`).to.equal(viaWalk.message);
          expect(seen, `threads ${threads}, ${broken}: what onBatch saw is the samples' start`).to.deep.equal(expected.slice(0, seen.length));
          expect(seen.length, `threads ${threads}, ${broken}`).to.be.below(members.findIndex((m) => m.name === broken) + 1);
          runs++;
        }
      }
    }
    expect(runs).to.equal(27);
  });

  it("refuses a member or key of 4 GiB or more read through a slot (gzip'd shard, a key read for lookup): its 32-bit bounds would wrap; hashes such a key of a plain shard whole", async function () {
    this.timeout(900_000);
    const big = 2 ** 32 + 1000;
    // A gzip'd shard (zeros compress: 19 MB) and a plain sparse one: three small members, then big.bin (zeros, then "tail"), then after.txt.
    const out = python(`
import gzip, hashlib, json, struct, tarfile
big = ${big}
def write(f):
    for i in range(3):
        info = tarfile.TarInfo(f"s-{i}.bin"); info.size = 5; info.mtime = 1700000000
        f.write(info.tobuf(tarfile.PAX_FORMAT)); f.write(b"small" + b"\\0" * 507)
    info = tarfile.TarInfo("big.bin"); info.size = big; info.mtime = 1700000000
    f.write(info.tobuf(tarfile.PAX_FORMAT))
    return f
with gzip.GzipFile(${JSON.stringify(path.join(dir, "z.tar.gz"))}, "wb", compresslevel=1, mtime=0) as g:
    write(g)
    z = bytes(1 << 24); left = big - 4
    while left > 0:
        n = min(left, len(z)); g.write(z if n == len(z) else z[:n]); left -= n
    g.write(b"tail" + b"\\0" * (-big % 512))
    info = tarfile.TarInfo("after.txt"); info.size = 5; info.mtime = 1700000000
    g.write(info.tobuf(tarfile.PAX_FORMAT) + b"after" + b"\\0" * 507 + b"\\0" * 1024)
with open(${JSON.stringify(path.join(dir, "p.tar"))}, "wb") as f:
    write(f)
    start = f.tell(); f.seek(start + big - 4); f.write(b"tail" + b"\\0" * (-big % 512))
    info = tarfile.TarInfo("after.txt"); info.size = 5; info.mtime = 1700000000
    f.write(info.tobuf(tarfile.PAX_FORMAT) + b"after" + b"\\0" * 507 + b"\\0" * 1024)
# --group-by-key sample "big": framing (extension length, extension, data length; big-endian), then the data.
h = hashlib.sha256(struct.pack(">I", 3) + b"bin" + struct.pack(">Q", big)); z = bytes(1 << 24); left = big - 4
while left > 0:
    n = min(left, len(z)); h.update(z if n == len(z) else z[:n]); left -= n
h.update(b"tail")
print(json.dumps(h.hexdigest()))
`);
    const bigKey = JSON.parse(out) as string;
    const refused = (what: string) => new RegExp(`^z\\.tar\\.gz: ${what} holds ${big} bytes, more than a sample read from this shard here can hold \\(4294967295\\)\\. Decompress the shard`, "u");
    // Hashing: the gzip'd shard, per member and per key.
    for (const groupByKey of [false, true]) {
      const error = (await errorOf(hash([path.join(dir, "z.tar.gz")], { baseDir: dir, threads: 2, slotBytes: 4 * 1024 * 1024, groupByKey }))) as Error;
      expect(error.message, `groupByKey ${groupByKey}`).to.match(refused("member big.bin"));
    }
    // Lookup (dataset verify --tar / extract): the gzip'd shard; a key of the plain shard (read through a slot here).
    const [gz] = await openSources([path.join(dir, "z.tar.gz")], { kind: "tar", baseDir: dir });
    expect(((await errorOf(findSampleBytes(gz!, "z.tar.gz/big.bin"))) as Error).message).to.match(refused("member big.bin"));
    const [keys] = await openSources([path.join(dir, "p.tar")], { kind: "tar", baseDir: dir, groupByKey: true });
    expect(((await errorOf(findSampleBytes(keys!, "p.tar/big"))) as Error).message).to.match(/^p\.tar: member big\.bin holds 4294968296 bytes, .*Extract the key's files/u);
    // The engine reads a plain shard's key in place (file-groups, 64-bit offsets): hashed whole.
    const run = await hash([path.join(dir, "p.tar")], { baseDir: dir, threads: 2, slotBytes: 4 * 1024 * 1024, groupByKey: true });
    expect(run.samples.find((l) => l.startsWith("p.tar/big "))?.split(" ")[1]).to.equal(bigKey);
    expect(run.samples.find((l) => l.startsWith("p.tar/after "))?.split(" ")[1]).to.equal(sha256(Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from("txt"), Buffer.from([0, 0, 0, 0, 0, 0, 0, 5]), Buffer.from("after")])));
  });

  it("looks up (dataset verify --tar / extract) a plain shard's member of 2 GiB or more, and the members after it (one read is at most 2 GiB - 1 bytes)", async function () {
    this.timeout(600_000);
    // 3 small members, mid.bin of 2^31 + 1000 bytes (zeros, then "tail"; sparse), after.txt: the lookup reads mid.bin into memory (2 GiB).
    const file = path.join(dir, "m.tar");
    const members = [
      ...[0, 1, 2].map((i) => ({ name: `s-${i}.bin`, size: 100 + i, tail: `s${i}` })),
      { name: "mid.bin", size: 2 ** 31 + 1000, tail: "tail" },
      { name: "after.txt", size: 5, tail: "after" },
    ];
    const { lines } = sparseShard(file, members);
    const [source] = await openSources([file], { kind: "tar", baseDir: dir });
    const after = await findSampleBytes(source!, "m.tar/after.txt");
    expect(Buffer.from(after!).toString()).to.equal("after");
    const mid = await findSampleBytes(source!, "m.tar/mid.bin");
    expect(mid!.length).to.equal(2 ** 31 + 1000);
    const h = createHash("sha256"); // one update takes less than 2 GiB
    for (let at = 0; at < mid!.length; at += 2 ** 30) h.update(mid!.subarray(at, at + 2 ** 30));
    expect(`mid.bin ${h.digest("hex")}`).to.equal(lines[3]);
  });
});
