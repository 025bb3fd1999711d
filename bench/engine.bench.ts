/**
 * Dataset engine benchmark (run: `npx tsx bench/engine.bench.ts`). Prints
 * measured figures; data is generated under bench/.data/ (gitignored) and
 * reused by later runs.
 *
 * 1. Hash 1,000,000 MNIST-sized records (784 B) from an IDX file: SHA-256 on
 *    the worker threads only (no sort, no tree), then the full manifest build.
 * 2. A 60,000-file directory of 784-byte files: end-to-end manifest time.
 * 3. One proof from the on-disk 1M-sample manifest with a fresh reader:
 *    open (header + index) and prove (one shard), bytes read.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { buildManifest } from "../src/engine/build-manifest.js";
import { hashSources } from "../src/engine/hash-sources.js";
import { directoryReader } from "../src/manifest/manifest-file-reader.js";
import { ManifestReader } from "../src/manifest/manifest-reader.js";
import { verifyMember } from "../src/merkle/proof.js";
import { verifyAbsence } from "../src/merkle/absence.js";
import { openSources } from "../src/sources/open-sources.js";

const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), ".data");
const RECORDS = 1_000_000;
const RECORD = 784;
const FILES = 60_000;

const ms = (t: number): string => `${t.toFixed(0)} ms`;
const seconds = (t: number): string => `${(t / 1000).toFixed(2)} s`;

/** Record i: its index in the first 8 bytes, then a cheap pseudo-random fill (all records distinct). */
function fillRecord(buf: Uint8Array, at: number, i: number): void {
  let x = (i * 2654435761) >>> 0 || 1;
  for (let j = 0; j < RECORD; j += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[at + j] = x & 255;
    buf[at + j + 1] = (x >>> 8) & 255;
    buf[at + j + 2] = (x >>> 16) & 255;
    buf[at + j + 3] = (x >>> 24) & 255;
  }
  new DataView(buf.buffer, buf.byteOffset).setFloat64(at, i);
}

function makeIdx(file: string): void {
  if (existsSync(file) && statSync(file).size === 16 + RECORDS * RECORD) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, "w");
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(RECORDS, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  writeSync(fd, header);
  const chunk = Buffer.alloc(10_000 * RECORD);
  for (let first = 0; first < RECORDS; first += 10_000) {
    for (let i = 0; i < 10_000; i++) fillRecord(chunk, i * RECORD, first + i);
    writeSync(fd, chunk);
  }
  closeSync(fd);
}

function makeFiles(dir: string): void {
  if (existsSync(path.join(dir, "59", "59999.bin"))) return;
  const buf = Buffer.alloc(RECORD);
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(dir, String(Math.floor(i / 1000)));
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    fillRecord(buf, 0, 5_000_000 + i);
    const fd = openSync(path.join(sub, `${i}.bin`), "w");
    writeSync(fd, buf);
    closeSync(fd);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} CPUs, Node ${process.version}, ` +
      `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (other processes share the CPUs: compare CPU time too)`,
  );
  const idx = path.join(DATA, "mnist-1m-idx3-ubyte");
  const files = path.join(DATA, "files-60k");
  let t = performance.now();
  makeIdx(idx);
  makeFiles(files);
  console.log(`data ready in ${ms(performance.now() - t)} (${idx}, ${files})`);

  // 1a. Hashing only.
  const idxSources = await openSources([idx], { baseDir: DATA });
  for (const threads of [availableParallelism(), 1]) {
    const runs: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < 5; r++) {
      const c0 = process.cpuUsage();
      t = performance.now();
      const totals = await hashSources(idxSources, { threads, withIds: false, onBatch: () => undefined });
      runs.push(performance.now() - t);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      if (totals.samples !== RECORDS) throw new Error(`hashed ${totals.samples} samples`);
    }
    console.log(
      `1M × 784 B IDX, SHA-256 only, ${threads} worker thread(s): best ${ms(Math.min(...runs))}, median ${ms(median(runs))} ` +
        `(runs ${runs.map(ms).join(", ")}); CPU time (all threads) median ${ms(median(cpu))}`,
    );
  }

  // 1b. Full manifest of the 1M records (ids kept), then with a small memory budget.
  const out1m = path.join(DATA, "manifest-1m");
  t = performance.now();
  const report = await buildManifest(idxSources, { out: out1m });
  console.log(`1M × 784 B IDX → manifest (sort, ${report.shardCount} shards, tree, ids): ${seconds(performance.now() - t)}, root ${report.root}`);
  t = performance.now();
  const spilled = await buildManifest(idxSources, { out: path.join(DATA, "manifest-1m-spilled"), memoryBudget: 16 * 1024 * 1024 });
  console.log(`same with --memory-budget 16MiB (spilled: ${spilled.spilled}): ${seconds(performance.now() - t)}, same root: ${spilled.root === report.root}`);
  rmSync(path.join(DATA, "manifest-1m-spilled"), { recursive: true, force: true });

  // 2. 60k small files, end to end (page cache warm: the files were just written or read before).
  const fileSources = await openSources([files], { baseDir: DATA });
  for (let r = 0; r < 2; r++) {
    t = performance.now();
    const files60k = await buildManifest(fileSources, { out: path.join(DATA, "manifest-60k") });
    const elapsed = performance.now() - t;
    console.log(`60,000 files × 784 B → manifest, run ${r + 1}: ${seconds(elapsed)} (${Math.round(FILES / (elapsed / 1000)).toLocaleString("en-US")} files/s), ${files60k.leafCount} leaves`);
  }

  // 3. Proof of one sample from the 1M manifest with a fresh reader.
  const sample = new Uint8Array(RECORD);
  fillRecord(sample, 0, 777_777);
  const q = createHash("sha256").update(sample).digest();
  let bytesRead = 0;
  const reads: string[] = [];
  const local = directoryReader(out1m);
  t = performance.now();
  const reader = await ManifestReader.open(async (p) => {
    const b = await local(p);
    bytesRead += b.length;
    reads.push(p);
    return b;
  });
  const opened = performance.now() - t;
  const t2 = performance.now();
  const proof = await reader.proveSample(q);
  const proved = performance.now() - t2;
  if (proof.kind !== "member" || !verifyMember(reader.root, reader.header.leafCount, q, proof.index, proof.proof.siblings)) {
    throw new Error("the proof does not verify");
  }
  const t3 = performance.now();
  const absent = await reader.proveSample(new Uint8Array(32).fill(0x77));
  const provedAbsent = performance.now() - t3;
  if (absent.kind !== "absent" || !verifyAbsence(reader.root, reader.header.leafCount, new Uint8Array(32).fill(0x77), absent.neighbors)) {
    throw new Error("the absence proof does not verify");
  }
  console.log(
    `proof from the 1M manifest, fresh reader: open ${ms(opened)}, member proof ${ms(proved)} (${proof.proof.siblings.length} siblings), ` +
      `absence proof ${ms(provedAbsent)}; files read: ${reads.join(", ")} (${(bytesRead / 1024).toFixed(0)} KiB)`,
  );
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

await main();
