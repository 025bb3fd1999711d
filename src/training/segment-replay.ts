/**
 * Segment replay, for trainers that run outside Datatrace (in the style of
 * proof-of-learning; docs/training-log.md, "Segment replay"). The log is
 * first verified against its token (chain, datasets, every listed sample a
 * member). Its checkpoints cut the run into segments: (start, c1], (c1, c2],
 * …; for each segment chosen (all, N at random with a printed seed, or
 * named ones) the trainer command runs as a child process from the
 * published checkpoint at the segment's start, on the segment's logged
 * samples, and writes the checkpoint after the segment's last step into
 * {out}. That checkpoint's digest must be the logged one, or, when the
 * run-start declares the trainer non-deterministic, every weight must be
 * within the declared tolerance of the published checkpoint's.
 *
 * Published checkpoints are found by digest in a directory (`--checkpoints`:
 * each file or sub-directory is one checkpoint), so their names do not
 * matter and a wrong one cannot be used. What this does not establish: that
 * the segments not replayed are honest (sampling bounds the chance that a
 * forged segment goes unnoticed), or that a root-only batch held the
 * samples the trainer read.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import type { MembershipDataset } from "./batch-membership.js";
import { compareCheckpoints } from "./checkpoint-compare.js";
import { fillCommandTemplate, parseCommandTemplate, type CommandTemplate } from "./command-template.js";
import { collectSamples } from "./data-samples.js";
import type { Hex32, RunStartEntry } from "./log-entry.js";
import { checkTrainingLog, type LogLine, type LogProblem } from "./log-verification.js";
import type { ModelCommitments } from "./model-commitments.js";
import { verifyTraining, type TrainingVerification } from "./verify-training.js";
import { weightsDigestOf } from "./weights-digest.js";
import { DatatraceError } from "../errors/index.js";

/** Inputs of {@link replaySegments}. */
export interface SegmentReplayInput {
  readonly logText: string;
  readonly model: ModelCommitments;
  readonly datasets: readonly MembershipDataset[];
  /** The trainer command template (command-template.ts). */
  readonly trainer: string;
  /** Directory of published checkpoints (each entry one checkpoint, found by digest). */
  readonly checkpoints: string;
  /** Sources of the training samples, for {data} (may be empty when no segment lists samples). */
  readonly data: readonly string[];
  /** `all` (default), `random:N`, or steps `from..to` separated by commas. */
  readonly segments?: string | undefined;
  /** Seed of `random:N` (default: drawn, and reported). */
  readonly seed?: number | undefined;
  /** Per-segment time limit (default 10 minutes). */
  readonly timeoutMs?: number | undefined;
  readonly onProgress?: ((message: string) => void) | undefined;
}

/** What happened to one segment. */
export interface SegmentResult {
  readonly from: number;
  readonly to: number;
  /** Line of the checkpoint entry the segment ends at. */
  readonly line: number;
  readonly logged: Hex32;
  readonly status: "exact" | "within-tolerance" | "diverged" | "failed";
  readonly replayed?: Hex32;
  readonly maxAbsDifference?: number;
  readonly samples: number;
  readonly message: string;
}

/** Outcome of {@link replaySegments}. */
export interface SegmentReplayOutcome {
  readonly outcome: "reproduced" | "diverged" | "invalid" | "incomplete" | "failed";
  readonly verification: TrainingVerification;
  readonly segments: readonly SegmentResult[];
  /** Segments the run has (start → checkpoints). */
  readonly available: number;
  readonly problems: readonly LogProblem[];
  /** The seed used for `random:N`. */
  readonly seed?: number;
}

/** A boundary between segments: the run start or a checkpoint. */
interface Boundary {
  readonly step: number;
  readonly line: number;
  /** null: training from scratch (the run start without initial weights). */
  readonly digest: Hex32 | null;
}

function boundariesOf(lines: readonly LogLine[]): Boundary[] {
  const start = lines[0]!.entry as RunStartEntry;
  const out: Boundary[] = [{ step: start.step, line: lines[0]!.line, digest: start.initialWeightsDigest }];
  for (const l of lines) if (l.entry.kind === "checkpoint") out.push({ step: l.entry.step, line: l.line, digest: l.entry.weightsDigest });
  return out;
}

/** mulberry32: the seeded choice of random segments. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Indexes (into the segment list) chosen by `spec`; throws a readable error for a bad spec. */
export function chooseSegments(spec: string, segments: ReadonlyArray<{ from: number; to: number }>, seed: number): number[] {
  const s = spec.trim();
  if (s === "" || s === "all") return segments.map((_, i) => i);
  const random = /^random:(\d+)$/.exec(s);
  if (random !== null) {
    const n = Math.min(Number(random[1]), segments.length);
    const rand = generator(seed);
    const order = segments.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.slice(0, n).sort((a, b) => a - b);
  }
  return s.split(",").map((part) => {
    const m = /^\s*(\d+)\.\.(\d+)\s*$/.exec(part);
    const i = m === null ? -1 : segments.findIndex((g) => g.from === Number(m[1]) && g.to === Number(m[2]));
    if (i < 0) throw new DatatraceError(`segment "${part.trim()}" is not one of the run's: ${segments.map((g) => `${g.from}..${g.to}`).join(", ")}`);
    return i;
  });
}

/** Digests every entry of the checkpoints directory: digest → path. */
async function indexCheckpoints(dir: string): Promise<Map<Hex32, string>> {
  const byDigest = new Map<Hex32, string>();
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new DatatraceError(`cannot read the checkpoints directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isDirectory()) continue;
    const p = path.join(dir, entry.name);
    byDigest.set(await weightsDigestOf(p), p);
  }
  return byDigest;
}

/** Runs `argv` without a shell, killing it after `timeoutMs`; resolves with how it ended and the tail of its output. */
function runTrainer(argv: readonly string[], timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString("utf8")).slice(-2000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: `cannot start ${argv[0]}: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ ok: false, detail: `timed out after ${Math.round(timeoutMs / 1000)} s and was killed` });
      else if (code === 0) resolve({ ok: true, detail: tail.trim() });
      else resolve({ ok: false, detail: `exited with ${code === null ? `signal ${signal}` : `status ${code}`}${tail.trim() === "" ? "" : `: ${tail.trim().split("\n").slice(-3).join(" / ")}`}` });
    });
  });
}

/** Verifies the log, then replays the chosen segments (see the module doc). */
export async function replaySegments(input: SegmentReplayInput): Promise<SegmentReplayOutcome> {
  const progress = input.onProgress ?? (() => undefined);
  let template: CommandTemplate;
  try {
    template = parseCommandTemplate(input.trainer);
  } catch (error) {
    throw new DatatraceError(`--trainer: ${(error as Error).message}`, { cause: error });
  }
  const verification = await verifyTraining({ logText: input.logText, model: input.model, datasets: input.datasets, onProgress: progress });
  if (!verification.valid) return { outcome: "invalid", verification, segments: [], available: 0, problems: [] };
  const lines = checkTrainingLog(input.logText, input.model.trainingLogHead).lines;
  const start = lines[0]!.entry as RunStartEntry;
  const bounds = boundariesOf(lines);
  const segments = bounds.slice(1).map((b, i) => ({ from: bounds[i]!, to: b }));
  const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
  const chosen = chooseSegments(input.segments ?? "all", segments.map((g) => ({ from: g.from.step, to: g.to.step })), seed);
  const random = /^\s*random:/.test(input.segments ?? "");
  const base = { verification, available: segments.length, ...(random ? { seed } : {}) };
  if (segments.length === 0) return { ...base, outcome: "incomplete", segments: [], problems: [{ line: null, message: "the log has no checkpoint entry: there is no segment to replay" }] };

  progress(`indexing the published checkpoints in ${input.checkpoints}`);
  const published = await indexCheckpoints(input.checkpoints);
  const problems: LogProblem[] = [];
  for (const i of chosen) {
    const { from, to } = segments[i]!;
    if (from.digest !== null && !published.has(from.digest)) problems.push({ line: from.line, message: `no checkpoint in ${input.checkpoints} has digest ${from.digest} (step ${from.step}): the segment ${from.step}..${to.step} cannot start` });
    if (!start.replay.deterministic && !published.has(to.digest!)) problems.push({ line: to.line, message: `no checkpoint in ${input.checkpoints} has digest ${to.digest} (step ${to.step}): a tolerance comparison needs it` });
  }
  const batchesOf = (from: number, to: number) => lines.filter((l) => l.entry.kind === "batch" && l.entry.step > from && l.entry.step <= to);
  const wanted = new Set<Hex32>();
  for (const i of chosen) for (const l of batchesOf(segments[i]!.from.step, segments[i]!.to.step)) if (l.entry.kind === "batch") for (const h of l.entry.samples ?? []) wanted.add(h);
  let byHash = new Map<Hex32, Uint8Array>() as ReadonlyMap<Hex32, Uint8Array>;
  if (wanted.size > 0) {
    if (input.data.length === 0) problems.push({ line: null, message: `the chosen segments list ${wanted.size} samples: give the training data with --data` });
    else {
      progress(`reading the segments' samples from ${input.data.join(", ")}`);
      byHash = (await collectSamples(input.data, wanted)).byHash;
      for (const h of wanted) if (!byHash.has(h)) problems.push({ line: null, message: `sample ${h} is not in the data given (no sample of ${input.data.join(", ")} has this SHA-256)` });
    }
  }
  if (problems.length > 0) return { ...base, outcome: "incomplete", segments: [], problems };

  const work = await mkdtemp(path.join(os.tmpdir(), "datatrace-segments-"));
  const results: SegmentResult[] = [];
  try {
    const config = path.join(work, "run-start.json");
    await writeFile(config, JSON.stringify(start));
    for (const i of chosen) {
      const { from, to } = segments[i]!;
      const dir = path.join(work, `segment-${from.step}-${to.step}`);
      await mkdir(path.join(dir, "samples"), { recursive: true });
      const dataLines: string[] = [];
      for (const l of batchesOf(from.step, to.step)) {
        if (l.entry.kind !== "batch" || l.entry.samples === undefined) continue;
        const e = l.entry;
        for (const [k, h] of e.samples!.entries()) {
          const file = path.join(dir, "samples", `${String(dataLines.length).padStart(6, "0")}.bin`);
          await writeFile(file, byHash.get(h)!);
          dataLines.push(JSON.stringify({ step: e.step, sampleHash: h, file, ...(e.labels === undefined ? {} : { label: e.labels[k] }) }));
        }
      }
      const data = path.join(dir, "data.jsonl");
      await writeFile(data, dataLines.map((l) => `${l}\n`).join(""));
      const out = path.join(dir, "out");
      const argv = fillCommandTemplate(template, {
        checkpoint: from.digest === null ? "none" : published.get(from.digest)!,
        from: String(from.step),
        to: String(to.step),
        out,
        data,
        config,
        seed: String(start.seed),
      });
      progress(`segment ${from.step}..${to.step}: ${argv.join(" ")}`);
      const ran = await runTrainer(argv, input.timeoutMs ?? 600_000);
      const common = { from: from.step, to: to.step, line: to.line, logged: to.digest!, samples: dataLines.length };
      if (!ran.ok) {
        results.push({ ...common, status: "failed", message: `the trainer ${ran.detail}` });
        continue;
      }
      let replayed: Hex32;
      try {
        replayed = await weightsDigestOf(out);
      } catch (error) {
        results.push({ ...common, status: "failed", message: `the trainer wrote no readable checkpoint at {out}: ${(error as Error).message}` });
        continue;
      }
      if (replayed === to.digest) {
        results.push({ ...common, status: "exact", replayed, message: `checkpoint digest ${replayed} identical` });
        continue;
      }
      if (start.replay.deterministic) {
        results.push({ ...common, status: "diverged", replayed, message: `replayed checkpoint ${replayed} differs from the logged ${to.digest} (the trainer declares itself deterministic)` });
        continue;
      }
      const tolerance = start.replay.tolerance ?? 0;
      const diff = await compareCheckpoints(published.get(to.digest!)!, out);
      if (diff.mismatch !== undefined) results.push({ ...common, status: "diverged", replayed, message: `replayed checkpoint does not correspond to the published one: ${diff.mismatch}` });
      else if (diff.maxAbsDifference <= tolerance) {
        results.push({ ...common, status: "within-tolerance", replayed, maxAbsDifference: diff.maxAbsDifference, message: `${diff.weights} weights within the declared tolerance ${tolerance} (max |Δ| ${diff.maxAbsDifference})` });
      } else {
        results.push({ ...common, status: "diverged", replayed, maxAbsDifference: diff.maxAbsDifference, message: `max |Δ| ${diff.maxAbsDifference} over ${diff.weights} weights exceeds the declared tolerance ${tolerance}` });
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const replayProblems: LogProblem[] = results.filter((r) => r.status === "diverged" || r.status === "failed").map((r) => ({ line: r.line, message: `segment ${r.from}..${r.to}: ${r.message}` }));
  const outcome = results.some((r) => r.status === "diverged") ? "diverged" : results.some((r) => r.status === "failed") ? "failed" : "reproduced";
  return { ...base, outcome, segments: results, problems: replayProblems };
}
