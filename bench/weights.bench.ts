/**
 * Weights hashing benchmark (run: `npx tsx bench/weights.bench.ts [--quick]`,
 * also part of `npm run bench`): the model-signing statement of
 *
 * 1. a snapshot-shaped directory: 4 × 512 MiB `model-0000i-of-00004.safetensors`
 *    files plus the small JSON files of a Hugging Face model, hashed on all
 *    cores (`hashModel`), against ONE `sha256sum` process and ONE
 *    `openssl dgst -sha256` process over the same files;
 * 2. a single 2 GiB file (SHA-256 of one file is sequential), against the same
 *    two tools.
 *
 * Every tool reads files the page cache already holds (each file set is
 * read once before the timed runs), each figure is the best of 3 runs, and
 * all figures come from the same run of this script. The ratios printed are
 * `tool time / our time` (≥ 1: we are faster). Targets (issue #13, 2-core
 * machine): multi-file ≥ 1.8× one sha256sum; single file ≥ 0.9×.
 * `--quick` uses 4 × 64 MiB and 256 MiB. Data is generated under
 * bench/.data/weights/ and kept for later runs.
 */
import { execFileSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { hashModel } from "../src/models/index.js";

const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), ".data", "weights");
const MiB = 1 << 20;

/** Targets: tool time / our time, at least. */
export const WEIGHTS_TARGETS = { multiVsSha256sum: 1.8, singleVsSha256sum: 0.9 } as const;

function ensureFile(file: string, bytes: number): void {
  if (existsSync(file) && statSync(file).size === bytes) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const block = Buffer.alloc(16 * MiB);
  const fd = openSync(file, "w");
  try {
    for (let done = 0; done < bytes; done += block.length) {
      randomFillSync(block);
      writeSync(fd, block, 0, Math.min(block.length, bytes - done));
    }
  } finally {
    closeSync(fd);
  }
}

/** The snapshot directory and the single file (created when missing). */
export function prepareWeightsData(quick: boolean): { dir: string; files: string[]; single: string } {
  const shard = quick ? 64 * MiB : 512 * MiB;
  const dir = path.join(DATA, quick ? "snapshot-quick" : "snapshot");
  const files: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const f = path.join(dir, `model-0000${i}-of-00004.safetensors`);
    ensureFile(f, shard);
    files.push(f);
  }
  const small: Record<string, unknown> = {
    "config.json": { architectures: ["LlamaForCausalLM"], model_type: "llama", vocab_size: 128256 },
    "generation_config.json": { bos_token_id: 128000, eos_token_id: 128001 },
    "tokenizer_config.json": { bos_token: "<|begin_of_text|>", eos_token: "<|end_of_text|>" },
    "special_tokens_map.json": { bos_token: "<|begin_of_text|>", eos_token: "<|end_of_text|>" },
    "model.safetensors.index.json": { metadata: { total_size: 4 * shard }, weight_map: {} },
  };
  for (const [name, value] of Object.entries(small)) {
    const f = path.join(dir, name);
    if (!existsSync(f)) writeFileSync(f, JSON.stringify(value, null, 2));
    files.push(f);
  }
  const single = path.join(DATA, quick ? "single-256MiB.bin" : "single-2GiB.bin");
  ensureFile(single, quick ? 256 * MiB : 2048 * MiB);
  return { dir, files, single };
}

function best(runs: number, fn: () => void): number {
  let t = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    t = Math.min(t, performance.now() - start);
  }
  return t;
}

async function bestAsync(runs: number, fn: () => Promise<unknown>): Promise<number> {
  let t = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await fn();
    t = Math.min(t, performance.now() - start);
  }
  return t;
}

/** One comparison: our time and the tools' times over the same files, milliseconds. */
export interface WeightsComparison {
  readonly bytes: number;
  readonly oursMs: number;
  readonly sha256sumMs: number;
  readonly opensslMs: number;
  /** sha256sum time / our time. */
  readonly vsSha256sum: number;
  readonly vsOpenssl: number;
  /** The three agree on every digest. */
  readonly sameDigests: boolean;
}

async function compare(target: string, files: readonly string[]): Promise<WeightsComparison> {
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  execFileSync("cat", files, { stdio: ["ignore", "ignore", "inherit"] }); // warm the page cache
  let ours = await hashModel(target);
  const oursMs = await bestAsync(3, async () => {
    ours = await hashModel(target);
  });
  let sums = "";
  const sha256sumMs = best(3, () => {
    sums = execFileSync("sha256sum", files, { encoding: "utf8", maxBuffer: 1 << 20 });
  });
  let ssl = "";
  const opensslMs = best(3, () => {
    ssl = execFileSync("openssl", ["dgst", "-sha256", "-r", ...files], { encoding: "utf8", maxBuffer: 1 << 20 });
  });
  const fromTool = (text: string): string[] => text.trim().split("\n").map((l) => l.split(/\s+/)[0]!).sort();
  const mine = ours.hashed.statement.predicate.resources.map((r) => r.digest).sort();
  const sameDigests = JSON.stringify(fromTool(sums)) === JSON.stringify(mine) && JSON.stringify(fromTool(ssl)) === JSON.stringify(mine);
  return { bytes, oursMs, sha256sumMs, opensslMs, vsSha256sum: sha256sumMs / oursMs, vsOpenssl: opensslMs / oursMs, sameDigests };
}

/** Runs both comparisons. */
export async function measureWeightsHashing(quick: boolean): Promise<{ multi: WeightsComparison; single: WeightsComparison }> {
  const { dir, files, single } = prepareWeightsData(quick);
  return { multi: await compare(dir, files), single: await compare(single, [single]) };
}

/** `1.23 s (3.45 GB/s)`. */
export function speed(ms: number, bytes: number): string {
  return `${(ms / 1000).toFixed(2)} s (${(bytes / 1e9 / (ms / 1000)).toFixed(2)} GB/s)`;
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  console.log(`# weights hashing bench${quick ? " (--quick sizes)" : ""}: ${availableParallelism()} threads, ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}; ${execFileSync("sha256sum", ["--version"], { encoding: "utf8" }).split("\n")[0]}; ${execFileSync("openssl", ["version"], { encoding: "utf8" }).trim()}`);
  const { multi, single } = await measureWeightsHashing(quick);
  for (const [what, c, target] of [
    [`snapshot dir, 4 × ${quick ? 64 : 512} MiB + 5 JSON files`, multi, WEIGHTS_TARGETS.multiVsSha256sum],
    [`single ${quick ? "256 MiB" : "2 GiB"} file`, single, WEIGHTS_TARGETS.singleVsSha256sum],
  ] as const) {
    console.log(`\n## ${what} (${(c.bytes / 1e9).toFixed(2)} GB, page cache warm, best of 3)`);
    console.log(`  ours (hashModel, all cores)  ${speed(c.oursMs, c.bytes)}`);
    console.log(`  sha256sum (one process)      ${speed(c.sha256sumMs, c.bytes)}  → ours ${c.vsSha256sum.toFixed(2)}× as fast (target ≥ ${target}×: ${c.vsSha256sum >= target ? "met" : "NOT met"})`);
    console.log(`  openssl dgst -sha256         ${speed(c.opensslMs, c.bytes)}  → ours ${c.vsOpenssl.toFixed(2)}× as fast`);
    console.log(`  same digests from all three: ${c.sameDigests}`);
  }
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (shared machine: figures vary)`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
