/**
 * The combined benchmark (run: `npm run bench`, or `npx tsx bench/all.bench.ts [--quick]`):
 * the dataset engine and the Merkle core measured side by side in one
 * process run, then a summary table with the target next to each figure.
 *
 * 1. 1M × 784 B IDX records: SHA-256 time on all worker threads.
 * 2. 1M-leaf tree (scheme v2): parallel and one-thread builds against
 *    today's flat tree (v1, bench/lib/v1-flat-tree.ts) in the same run, then
 *    merkletreejs's plain tree over the same leaves and OpenZeppelin's
 *    SimpleMerkleTree on 65,536 (skipped by `--quick`).
 * 3. 10M-leaf tree: time and peak RSS, each build in a fresh child process.
 * 4. A 60,000-file directory → manifest, end to end.
 * 5. The 1M-record IDX file → manifest, then one proof from it with a fresh
 *    reader (header + index + one shard read from disk).
 * 6. Model weights → model-signing statement: a snapshot-shaped directory
 *    (4 × 512 MiB + JSON files) and a single 2 GiB file, against one
 *    `sha256sum` and one `openssl dgst -sha256` process over the same files
 *    (bench/weights.bench.ts; `--quick`: 4 × 64 MiB and 256 MiB).
 * 7. Published formats: a 1 GB WebDataset shard and a 1 GB Parquet image
 *    column, each against hashing the same bytes in memory (bench/sources.bench.ts).
 *
 * Every measurement comes from bench/engine.bench.ts and bench/tree.bench.ts
 * (their exported functions); inputs are generated under bench/.data/.
 */
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";

import { closeTreeWorkers } from "../src/merkle/index.js";
import { DATA, FILES, machineLine, measureIdxHashing, measureManifestBuild, measureProofFromManifest, prepareEngineData, RECORDS } from "./engine.bench.js";
import { syntheticSortedHashes } from "./lib/synthetic-hashes.js";
import { closeV1Workers } from "./lib/v1-flat-tree.js";
import { TREE_TARGETS, compareTreeLibraries, measureTreeInChild, measureV2VsV1, type ChildTreeBuild } from "./tree.bench.js";
import { measureWeightsHashing, speed, WEIGHTS_TARGETS } from "./weights.bench.js";
import { measureSourceFormats } from "./sources.bench.js";

const quick = process.argv.includes("--quick");

/**
 * The targets printed next to each figure. Basis: platform notes (SHA-256 ≈ 1.2 µs per
 * 784-byte sample per core, ≈ 200k small files/s warm; merkletreejs ≈ 1.65 KB per leaf,
 * i.e. ≈ 16.5 GB for 10M leaves) with headroom for a shared 2-core machine.
 */
/**
 * Targets from the dataset-engine issue (#3), on this project's 2-core machines; the rows without an
 * issue target carry our own budget, marked "(ours)" in the table.
 */
const TARGETS = {
  idxHashMs: 1_000, // issue: 1M × 784 B IDX records hashed in ≤ 1.0 s on 2 cores
  tree1mParallelMs: 600, // issue 3: 1M-leaf tree ≤ 0.6 s on 2 cores
  v2OverV1: TREE_TARGETS.v2OverV1, // issue 10: v2 tree ≤ 1.3× today's flat tree (v1), same run
  merkletreejsRatio: TREE_TARGETS.merkletreejsRatio, // issue 10: ≥ 25× faster than merkletreejs's plain tree
  tree10mMs: TREE_TARGETS.tree10mMs, // issue 3: 10M-leaf tree ≤ 5 s
  tree10mPeakRssMiB: TREE_TARGETS.tree10mPeakRssMiB, // issue 3: ≤ 1.5 GB peak RSS (1.5e9 B ≈ 1,430 MiB); merkletreejs needs ≈ 16.5 GB
  files60kMs: 5_000, // (ours)
  manifest1mMs: 10_000, // (ours)
  proofMs: 100, // (ours) open (header + index) + member proof
  proofKiB: 300, // (ours) bytes read for open + one member proof: header, index, one 256 KiB shard
} as const;

const ms = (t: number): string => (t >= 10_000 ? `${(t / 1000).toFixed(1)} s` : `${t.toFixed(0)} ms`);
const rows: Array<{ what: string; figure: string; target: string; met: boolean | undefined }> = [];
const row = (what: string, figure: string, target: string, met: boolean | undefined): void => {
  rows.push({ what, figure, target, met });
  console.log(`  ${what}: ${figure}`);
};

async function main(): Promise<void> {
  console.log(`# Datatrace combined bench${quick ? " (--quick: no library comparison)" : ""}`);
  console.log(machineLine());
  const { idx, files, ms: prepared } = prepareEngineData();
  console.log(`data ready in ${ms(prepared)} under ${DATA}\n`);

  console.log(`## 1. ${RECORDS.toLocaleString("en-US")} × 784 B IDX records, SHA-256 only`);
  const threads = availableParallelism();
  const hashing = await measureIdxHashing(idx, threads, 3);
  row(
    `1M × 784 B IDX hash, ${threads} threads`,
    `${ms(hashing.bestMs)} best of 3 (median ${ms(hashing.medianMs)}, CPU ${ms(hashing.cpuMedianMs)})`,
    `≤ ${ms(TARGETS.idxHashMs)}`,
    hashing.bestMs <= TARGETS.idxHashMs,
  );

  console.log("\n## 2. 1M-leaf tree (2^20 leaves), scheme v2 vs today's flat tree (v1)");
  const input = syntheticSortedHashes(1 << 20);
  const builds = await measureV2VsV1(input, 3);
  row(
    "1M tree, v2 buildTreeParallel (2 threads)",
    `${ms(builds.v2Parallel.best)} best of 3 (first call ${ms(builds.v2ParallelColdMs)})`,
    `≤ ${ms(TARGETS.tree1mParallelMs)}`,
    builds.v2Parallel.best <= TARGETS.tree1mParallelMs,
  );
  for (const [name, v2, v1] of [
    ["2 threads", builds.v2Parallel, builds.v1Parallel],
    ["one thread", builds.v2Sequential, builds.v1Sequential],
  ] as const) {
    const ratio = Math.max(v2.best / v1.best, v2.median / v1.median);
    row(
      `1M tree, v2 / v1 flat tree, ${name}`,
      `${ms(v2.best)} / ${ms(v1.best)} best, ${ms(v2.median)} / ${ms(v1.median)} median = ${ratio.toFixed(2)}× (worse of the two)`,
      `≤ ${TARGETS.v2OverV1}×`,
      ratio <= TARGETS.v2OverV1,
    );
  }
  if (quick) {
    console.log("  (library comparison skipped: --quick)");
  } else {
    const c = await compareTreeLibraries(input);
    const ratioMt = c.merkletreejsMs / c.oursParallelMs;
    row(
      "1M tree, merkletreejs plain tree",
      `${ms(c.merkletreejsMs)} = ${ratioMt.toFixed(0)}× ours parallel, ${(c.merkletreejsMs / c.oursSequentialMs).toFixed(0)}× one thread`,
      `ours ≥ ${TARGETS.merkletreejsRatio}× faster`,
      ratioMt >= TARGETS.merkletreejsRatio,
    );
    row(
      `${c.ozLeaves} leaves, OpenZeppelin SimpleMerkleTree`,
      `${ms(c.openZeppelinMs)} = ${(c.openZeppelinMs / c.oursAtOzSizeMs).toFixed(0)}× ours (one thread)`,
      "—",
      undefined,
    );
  }

  console.log("\n## 3. 10M-leaf tree (fresh child process each; input 320 MB)");
  // The 10M target (issue 3) is for the 2-core build; the one-thread build is shown for comparison.
  for (const mode of ["v2-parallel", "v2-sequential"] as const) {
    const r: ChildTreeBuild = measureTreeInChild(mode);
    const targeted = mode === "v2-parallel";
    const target = targeted ? `≤ ${ms(TARGETS.tree10mMs)}, RSS ≤ ${TARGETS.tree10mPeakRssMiB} MiB` : "— (one thread)";
    if (!r.ok) {
      row(`10M tree, ${mode}`, `failed: ${r.error}`, target, false);
      continue;
    }
    row(
      `10M tree, ${mode}`,
      `${ms(r.ms)}, peak RSS ${r.peakRssMiB.toFixed(0)} MiB (${r.rssBeforeMiB.toFixed(0)} MiB before the build)`,
      target,
      targeted ? r.ms <= TARGETS.tree10mMs && r.peakRssMiB <= TARGETS.tree10mPeakRssMiB : undefined,
    );
  }

  console.log(`\n## 4. ${FILES.toLocaleString("en-US")} files × 784 B → manifest (page cache warm)`);
  const runs = [];
  for (let r = 0; r < 2; r++) runs.push(await measureManifestBuild(files, path.join(DATA, "manifest-60k")));
  const best60k = Math.min(...runs.map((r) => r.ms));
  row(
    "60k files → manifest",
    `${ms(best60k)} best of 2 (${Math.round(FILES / (best60k / 1000)).toLocaleString("en-US")} files/s; runs ${runs.map((r) => ms(r.ms)).join(", ")})`,
    `≤ ${ms(TARGETS.files60kMs)} (ours)`,
    best60k <= TARGETS.files60kMs,
  );

  console.log("\n## 5. 1M-record manifest, then one proof with a fresh reader");
  const out1m = path.join(DATA, "manifest-1m");
  const manifest = await measureManifestBuild(idx, out1m);
  row("1M IDX → manifest (hash, sort, tree, ids)", `${ms(manifest.ms)}, ${manifest.report.shardCount} shards`, `≤ ${ms(TARGETS.manifest1mMs)} (ours)`, manifest.ms <= TARGETS.manifest1mMs);
  const proof = await measureProofFromManifest(out1m);
  const proofMs = proof.openMs + proof.memberMs;
  row(
    "proof from the 1M manifest, fresh reader",
    `${ms(proofMs)} (open ${proof.openMs.toFixed(1)} ms + prove ${proof.memberMs.toFixed(1)} ms), ` +
      `read ${proof.memberFiles.length} files, ${(proof.memberBytesRead / 1024).toFixed(0)} KiB; then an absence proof ${proof.absenceMs.toFixed(1)} ms`,
    `≤ ${TARGETS.proofMs} ms, ≤ ${TARGETS.proofKiB} KiB (ours)`,
    proofMs <= TARGETS.proofMs && proof.memberBytesRead <= TARGETS.proofKiB * 1024,
  );
  await closeTreeWorkers();
  await closeV1Workers();

  console.log(`\n## 6. Weights → model-signing statement vs sha256sum / openssl (page cache warm, best of 3${quick ? ", --quick sizes" : ""})`);
  const weights = await measureWeightsHashing(quick);
  for (const [what, c, target] of [
    [`weights: snapshot dir 4 × ${quick ? 64 : 512} MiB + JSON`, weights.multi, WEIGHTS_TARGETS.multiVsSha256sum],
    [`weights: single ${quick ? "256 MiB" : "2 GiB"} file`, weights.single, WEIGHTS_TARGETS.singleVsSha256sum],
  ] as const) {
    row(
      what,
      `${speed(c.oursMs, c.bytes)}; sha256sum ${speed(c.sha256sumMs, c.bytes)} = ${c.vsSha256sum.toFixed(2)}× ours; openssl ${speed(c.opensslMs, c.bytes)} = ${c.vsOpenssl.toFixed(2)}×; same digests ${c.sameDigests}`,
      `≥ ${target}× one sha256sum`,
      c.sameDigests && c.vsSha256sum >= target,
    );
  }

  console.log("\n## 7. Published formats: 1 GB WebDataset shard (plain, gzip'd, per key), 1 GB Parquet image column (vs the same bytes hashed in memory)");
  await measureSourceFormats((what, figure, target, met) => row(what, figure, target, met));

  console.log(`\n## Summary (load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(" ")})\n`);
  const w = [Math.max(...rows.map((r) => r.what.length)), Math.max(...rows.map((r) => r.figure.length)), Math.max(...rows.map((r) => r.target.length))];
  console.log(`| ${"Measurement".padEnd(w[0]!)} | ${"Figure".padEnd(w[1]!)} | ${"Target".padEnd(w[2]!)} | Met |`);
  console.log(`|${"-".repeat(w[0]! + 2)}|${"-".repeat(w[1]! + 2)}|${"-".repeat(w[2]! + 2)}|-----|`);
  for (const r of rows) {
    console.log(`| ${r.what.padEnd(w[0]!)} | ${r.figure.padEnd(w[1]!)} | ${r.target.padEnd(w[2]!)} | ${r.met === undefined ? " — " : r.met ? "yes" : "NO "} |`);
  }
}

await main();
