/**
 * Adversarial checks of `tar-scan` ranges (second pass): runs over several
 * shards where a later shard fails while an earlier one's ranges are still
 * in the workers, and runs aborted while ranges are in flight. Each case is
 * compared with the main-thread walk (large slots: no tar-scan ranges).
 */
import { expect } from "chai";
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import path from "node:path";

import { runBatch } from "../../src/engine/hash-batch.mjs";
import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { python, pythonTars, seeded, sha256, type PyTarEntry } from "../fixtures/source-fixtures.js";

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

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
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
