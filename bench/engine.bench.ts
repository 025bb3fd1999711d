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
 *
 * The measurement functions are exported for bench/all.bench.ts (the combined
 * run); `main` runs only when this file is the script started.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { buildManifest, hashSources } from "../src/engine/index.js";
import { directoryReader, ManifestReader } from "../src/manifest/index.js";
import { verifyAbsence, verifyMember } from "../src/merkle/index.js";
import { openSources } from "../src/sources/index.js";

/** Where the generated bench data lives (gitignored). */
export const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), ".data");
/** Records of the IDX bench file. */
export const RECORDS = 1_000_000;
/** Bytes per record (an MNIST image). */
export const RECORD = 784;
/** Files of the small-files bench directory. */
export const FILES = 60_000;

const ms = (t: number): string => `${t.toFixed(0)} ms`;
const seconds = (t: number): string => `${(t / 1000).toFixed(2)} s`;

/** Record i: its index in the first 8 bytes, then a cheap pseudo-random fill (all records distinct). */
export function fillRecord(buf: Uint8Array, at: number, i: number): void {
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

/** The bench inputs: a 1M-record IDX file and a 60,000-file directory under bench/.data (made once, then reused). */
export function prepareEngineData(): { idx: string; files: string; ms: number } {
  const idx = path.join(DATA, "mnist-1m-idx3-ubyte");
  const files = path.join(DATA, "files-60k");
  const t = performance.now();
  makeIdx(idx);
  makeFiles(files);
  return { idx, files, ms: performance.now() - t };
}

/** Timings of hashing only (SHA-256 on the workers; no sort, no tree). */
export interface HashingTimes {
  readonly threads: number;
  readonly runsMs: number[];
  readonly bestMs: number;
  readonly medianMs: number;
  /** CPU time of all threads, median over the runs. */
  readonly cpuMedianMs: number;
}

/** Hashes the 1M-record IDX file `runs` times on `threads` worker threads. */
export async function measureIdxHashing(idx: string, threads: number, runs = 5): Promise<HashingTimes> {
  const sources = await openSources([idx], { baseDir: DATA });
  const runsMs: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    const totals = await hashSources(sources, { threads, withIds: false, onBatch: () => undefined });
    runsMs.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (totals.samples !== RECORDS) throw new Error(`hashed ${totals.samples} samples`);
  }
  return { threads, runsMs, bestMs: Math.min(...runsMs), medianMs: median(runsMs), cpuMedianMs: median(cpu) };
}

/** Builds the manifest of `sourcePath` into `out` (optionally under a memory budget); returns its time and report. */
export async function measureManifestBuild(
  sourcePath: string,
  out: string,
  memoryBudget?: number,
): Promise<{ ms: number; report: Awaited<ReturnType<typeof buildManifest>> }> {
  const sources = await openSources([sourcePath], { baseDir: DATA });
  const t = performance.now();
  const report = await buildManifest(sources, { out, ...(memoryBudget === undefined ? {} : { memoryBudget }) });
  return { ms: performance.now() - t, report };
}

/** A proof of one sample from an on-disk manifest, with a fresh reader. */
export interface ManifestProofTimes {
  readonly openMs: number;
  readonly memberMs: number;
  readonly absenceMs: number;
  /** Entries of the member proof's path (sibling and split key per hashing level). */
  readonly siblings: number;
  /** Files and bytes read by open + the member proof. */
  readonly memberFiles: string[];
  readonly memberBytesRead: number;
  /** Files and bytes read in all (the absence proof may need another shard). */
  readonly files: string[];
  readonly bytesRead: number;
}

/** Opens `manifestDir` with a fresh reader and proves record 777,777 in and a made-up hash out; both proofs are checked. */
export async function measureProofFromManifest(manifestDir: string): Promise<ManifestProofTimes> {
  const sample = new Uint8Array(RECORD);
  fillRecord(sample, 0, 777_777);
  const q = createHash("sha256").update(sample).digest();
  let bytesRead = 0;
  const files: string[] = [];
  const local = directoryReader(manifestDir);
  let t = performance.now();
  const reader = await ManifestReader.open(async (p) => {
    const b = await local(p);
    bytesRead += b.length;
    files.push(p);
    return b;
  });
  const openMs = performance.now() - t;
  t = performance.now();
  const proof = await reader.proveSample(q);
  const memberMs = performance.now() - t;
  const memberFiles = [...files];
  const memberBytesRead = bytesRead;
  if (proof.kind !== "member" || !verifyMember(reader.root, reader.header.leafCount, q, proof.index, proof.path)) {
    throw new Error("the proof does not verify");
  }
  const missing = new Uint8Array(32).fill(0x77);
  t = performance.now();
  const absent = await reader.proveSample(missing);
  const absenceMs = performance.now() - t;
  if (absent.kind !== "absent" || !verifyAbsence(reader.root, reader.header.leafCount, missing, absent)) {
    throw new Error("the absence proof does not verify");
  }
  return { openMs, memberMs, absenceMs, siblings: proof.path.length, memberFiles, memberBytesRead, files, bytesRead };
}

/** The machine line printed at the top of a bench run. */
export function machineLine(): string {
  return (
    `machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} CPUs, Node ${process.version}, ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (other processes share the CPUs: compare CPU time too)`
  );
}

async function main(): Promise<void> {
  console.log(machineLine());
  const { idx, files, ms: prepared } = prepareEngineData();
  console.log(`data ready in ${ms(prepared)} (${idx}, ${files})`);

  // 1a. Hashing only.
  for (const threads of [availableParallelism(), 1]) {
    const h = await measureIdxHashing(idx, threads);
    console.log(
      `1M × 784 B IDX, SHA-256 only, ${threads} worker thread(s): best ${ms(h.bestMs)}, median ${ms(h.medianMs)} ` +
        `(runs ${h.runsMs.map(ms).join(", ")}); CPU time (all threads) median ${ms(h.cpuMedianMs)}`,
    );
  }

  // 1b. Full manifest of the 1M records (ids kept), then with a small memory budget.
  const out1m = path.join(DATA, "manifest-1m");
  const full = await measureManifestBuild(idx, out1m);
  console.log(`1M × 784 B IDX → manifest (sort, ${full.report.shardCount} shards, tree, ids): ${seconds(full.ms)}, root ${full.report.root}`);
  const spilledOut = path.join(DATA, "manifest-1m-spilled");
  const spilled = await measureManifestBuild(idx, spilledOut, 16 * 1024 * 1024);
  console.log(
    `same with --memory-budget 16MiB (spilled: ${spilled.report.spilled}): ${seconds(spilled.ms)}, same root: ${spilled.report.root === full.report.root}`,
  );
  rmSync(spilledOut, { recursive: true, force: true });

  // 2. 60k small files, end to end (page cache warm: the files were just written or read before).
  for (let r = 0; r < 2; r++) {
    const run = await measureManifestBuild(files, path.join(DATA, "manifest-60k"));
    console.log(
      `60,000 files × 784 B → manifest, run ${r + 1}: ${seconds(run.ms)} (${Math.round(FILES / (run.ms / 1000)).toLocaleString("en-US")} files/s), ` +
        `${run.report.leafCount} leaves`,
    );
  }

  // 3. Proof of one sample from the 1M manifest with a fresh reader.
  const p = await measureProofFromManifest(out1m);
  console.log(
    `proof from the 1M manifest, fresh reader: open ${ms(p.openMs)}, member proof ${ms(p.memberMs)} (${p.siblings} path entries), ` +
      `absence proof ${ms(p.absenceMs)}; files read: ${p.files.join(", ")} (${(p.bytesRead / 1024).toFixed(0)} KiB)`,
  );
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
