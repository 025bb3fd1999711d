/**
 * The entries of a Datatrace training log, format `datatrace-training-log/2`
 * (docs/training-log.md): what each kind of line says and the checks that
 * make an entry well formed. One JSON object per entry, with a `kind`:
 *
 * - `run-start` (first line): trainer name and version, config
 *   (hyperparameters), code digest, initial weights digest (null: from
 *   scratch), the training datasets (token id, root, leaf count), the seed,
 *   and whether replays must match exactly or within a stated tolerance;
 * - `step` / `epoch`: metrics at a step or the end of an epoch;
 * - `batch`: the samples consumed by a step, as their SHA-256 sample hashes
 *   (optionally with the label the trainer used for each), or only a Merkle
 *   root and count of them;
 * - `checkpoint`: the weights digest of a checkpoint after a step;
 * - `run-end` (last line): the final weights digest (= the model's
 *   weightsHash) and final metrics.
 *
 * Every entry has a `step` (non-negative integer); `epoch`, `metrics`
 * (finite numbers) and `data` (free JSON) are optional everywhere. Unknown
 * fields are refused, so that every byte of an entry has one meaning.
 * Hashes are `0x` + 64 lowercase hex digits (one spelling per hash).
 */
import type { JsonObject, JsonValue } from "../registry/index.js";
import { DatatraceError } from "../errors/index.js";

/** Format tag written in every run-start entry. */
export const TRAINING_LOG_FORMAT = "datatrace-training-log/2";

/** A 0x-prefixed 32-byte lowercase hex string. */
export type Hex32 = `0x${string}`;

/** Fields every entry may carry. */
interface EntryBase {
  /** Optimizer step (or sample count for trainers without steps), non-negative integer. */
  readonly step: number;
  /** Epoch number, a non-negative integer. */
  readonly epoch?: number;
  /** Numeric metrics (finite numbers). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Anything else worth committing. */
  readonly data?: JsonValue;
}

/** A training dataset as named by the run-start entry. */
export interface LoggedDataset {
  /** DatasetNFT token id, decimal. */
  readonly tokenId: string;
  /** The dataset's Merkle root (as on chain). */
  readonly root: Hex32;
  /** Its leaf count (distinct sample hashes). */
  readonly leafCount: number;
}

/** How a replay must match the logged checkpoints. */
export interface ReplayRule {
  /** True: digests must be identical. False: checkpoints are compared numerically within `tolerance`. */
  readonly deterministic: boolean;
  /** Largest absolute difference allowed per weight when not deterministic. */
  readonly tolerance?: number;
}

/** The first entry: what was trained, from what, on what. */
export interface RunStartEntry extends EntryBase {
  readonly kind: "run-start";
  readonly format: typeof TRAINING_LOG_FORMAT;
  readonly trainer: { readonly name: string; readonly version: string };
  /** Hyperparameters and every other setting the trainer reads. */
  readonly config: JsonObject;
  /** Digest of the training code (e.g. SHA-256 of a source archive or container image), or null. */
  readonly codeDigest: Hex32 | null;
  /** Weights digest of the starting point (a parent model, a pre-trained base), or null for training from scratch. */
  readonly initialWeightsDigest: Hex32 | null;
  readonly datasets: readonly LoggedDataset[];
  readonly seed: string | number;
  readonly replay: ReplayRule;
}

/** Metrics at a step. */
export interface StepEntry extends EntryBase {
  readonly kind: "step";
}

/** The end of an epoch. */
export interface EpochEntry extends EntryBase {
  readonly kind: "epoch";
  readonly epoch: number;
}

/** The samples of one step: listed, or committed by a Merkle root. */
export interface BatchEntry extends EntryBase {
  readonly kind: "batch";
  /** SHA-256 sample hashes in the order the trainer consumed them. */
  readonly samples?: readonly Hex32[];
  /** Labels (targets) the trainer used, one per sample, when they are not part of the sample bytes. */
  readonly labels?: readonly string[];
  /** Merkle root (dataset scheme: sorted distinct hashes) of the batch's samples, when they are not listed. */
  readonly samplesRoot?: Hex32;
  /** Number of samples under `samplesRoot`. */
  readonly sampleCount?: number;
}

/** A checkpoint after a step. */
export interface CheckpointEntry extends EntryBase {
  readonly kind: "checkpoint";
  readonly weightsDigest: Hex32;
}

/** The last entry: the final weights. */
export interface RunEndEntry extends EntryBase {
  readonly kind: "run-end";
  /** Digest of the final weights: the model's weightsHash. */
  readonly weightsDigest: Hex32;
}

/** Any training log entry. */
export type TrainingLogEntry = RunStartEntry | StepEntry | EpochEntry | BatchEntry | CheckpointEntry | RunEndEntry;

/** The kinds, in no particular order. */
export const ENTRY_KINDS = ["run-start", "step", "epoch", "batch", "checkpoint", "run-end"] as const;

/** One entry kind. */
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** An entry that is not well formed; the message says which field and why. */
export class TrainingLogEntryError extends DatatraceError {
  constructor(message: string) {
    super(message, { family: "data" });
    this.name = "TrainingLogEntryError";
  }
}

const COMMON = ["kind", "step", "epoch", "metrics", "data"];
const FIELDS: Record<EntryKind, readonly string[]> = {
  "run-start": [...COMMON, "format", "trainer", "config", "codeDigest", "initialWeightsDigest", "datasets", "seed", "replay"],
  step: COMMON,
  epoch: COMMON,
  batch: [...COMMON, "samples", "labels", "samplesRoot", "sampleCount"],
  checkpoint: [...COMMON, "weightsDigest"],
  "run-end": [...COMMON, "weightsDigest"],
};

const HEX32 = /^0x[0-9a-f]{64}$/;

/** True for `0x` + 64 lowercase hex digits. */
export function isHex32(value: unknown): value is Hex32 {
  return typeof value === "string" && HEX32.test(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Checks that `value` is a well-formed {@link TrainingLogEntry} and returns
 * it typed; throws a {@link TrainingLogEntryError} naming the first bad field.
 */
export function parseTrainingLogEntry(value: unknown): TrainingLogEntry {
  const bad = (what: string): never => {
    throw new TrainingLogEntryError(what);
  };
  if (!isPlainObject(value)) return bad("an entry must be a JSON object");
  const kind = value.kind;
  if (typeof kind !== "string" || !(ENTRY_KINDS as readonly string[]).includes(kind)) {
    return bad(`kind must be one of ${ENTRY_KINDS.join(", ")}; got ${JSON.stringify(kind)}`);
  }
  const k = kind as EntryKind;
  const unknown = Object.keys(value).filter((f) => !FIELDS[k].includes(f));
  if (unknown.length > 0) return bad(`a ${k} entry has no field ${unknown.map((f) => JSON.stringify(f)).join(", ")} (put free-form values under "data")`);
  if (!isCount(value.step)) return bad(`step must be a non-negative integer; got ${JSON.stringify(value.step)}`);
  if (value.epoch !== undefined && !isCount(value.epoch)) return bad(`epoch must be a non-negative integer; got ${JSON.stringify(value.epoch)}`);
  if (value.metrics !== undefined) {
    if (!isPlainObject(value.metrics)) return bad("metrics must be an object of numbers");
    for (const [name, m] of Object.entries(value.metrics)) {
      if (typeof m !== "number" || !Number.isFinite(m)) bad(`metric ${JSON.stringify(name)} must be a finite number; got ${JSON.stringify(m)}`);
    }
  }
  switch (k) {
    case "run-start":
      checkRunStart(value, bad);
      break;
    case "epoch":
      if (value.epoch === undefined) bad("an epoch entry needs its epoch number");
      break;
    case "batch":
      checkBatch(value, bad);
      break;
    case "checkpoint":
    case "run-end":
      if (!isHex32(value.weightsDigest)) bad(`weightsDigest must be 0x + 64 lowercase hex digits; got ${JSON.stringify(value.weightsDigest)}`);
      break;
    case "step":
      break;
  }
  return value as unknown as TrainingLogEntry;
}

function checkRunStart(value: Record<string, unknown>, bad: (what: string) => never): void {
  if (value.format !== TRAINING_LOG_FORMAT) bad(`format must be "${TRAINING_LOG_FORMAT}"; got ${JSON.stringify(value.format)}`);
  const trainer = value.trainer;
  if (!isPlainObject(trainer) || typeof trainer.name !== "string" || trainer.name === "" || typeof trainer.version !== "string" || Object.keys(trainer).length !== 2) {
    bad('trainer must be {"name": non-empty string, "version": string}');
  }
  if (!isPlainObject(value.config)) bad("config must be a JSON object (the hyperparameters)");
  for (const field of ["codeDigest", "initialWeightsDigest"] as const) {
    if (value[field] !== null && !isHex32(value[field])) bad(`${field} must be null or 0x + 64 lowercase hex digits; got ${JSON.stringify(value[field])}`);
  }
  if (!Array.isArray(value.datasets)) bad("datasets must be a list of {tokenId, root, leafCount}");
  const seen = new Set<string>();
  (value.datasets as unknown[]).forEach((d, i) => {
    if (!isPlainObject(d) || typeof d.tokenId !== "string" || !/^[1-9][0-9]*$/.test(d.tokenId) || !isHex32(d.root) || !isCount(d.leafCount) || d.leafCount < 1 || Object.keys(d).length !== 3) {
      bad(`datasets[${i}] must be {"tokenId": decimal string, "root": 0x hex, "leafCount": integer >= 1}`);
    }
    if (seen.has(d.tokenId as string)) bad(`datasets names token ${String(d.tokenId)} twice`);
    seen.add(d.tokenId as string);
  });
  if (!(typeof value.seed === "string" || (typeof value.seed === "number" && Number.isSafeInteger(value.seed)))) bad("seed must be a string or an integer");
  const replay = value.replay;
  if (!isPlainObject(replay) || typeof replay.deterministic !== "boolean") bad('replay must be {"deterministic": true} or {"deterministic": false, "tolerance": number}');
  const rule = replay as Record<string, unknown>;
  const extra = Object.keys(rule).filter((f) => f !== "deterministic" && f !== "tolerance");
  if (extra.length > 0) bad(`replay has no field ${extra.join(", ")}`);
  if (rule.deterministic === true && rule.tolerance !== undefined) bad("a deterministic replay rule takes no tolerance");
  if (rule.deterministic === false && !(typeof rule.tolerance === "number" && Number.isFinite(rule.tolerance) && rule.tolerance >= 0)) {
    bad("a non-deterministic replay rule needs a tolerance (a finite number >= 0)");
  }
}

function checkBatch(value: Record<string, unknown>, bad: (what: string) => never): void {
  const listed = value.samples !== undefined;
  const rooted = value.samplesRoot !== undefined || value.sampleCount !== undefined;
  if (listed === rooted) bad("a batch entry lists its samples or gives samplesRoot and sampleCount, not both and not neither");
  if (listed) {
    if (!Array.isArray(value.samples) || value.samples.length === 0) bad("samples must be a non-empty list of sample hashes");
    (value.samples as unknown[]).forEach((h, i) => {
      if (!isHex32(h)) bad(`samples[${i}] must be 0x + 64 lowercase hex digits; got ${JSON.stringify(h)}`);
    });
    if (value.labels !== undefined) {
      if (!Array.isArray(value.labels) || value.labels.length !== (value.samples as unknown[]).length || !value.labels.every((l) => typeof l === "string")) {
        bad("labels must be a list of strings, one per sample");
      }
    }
  } else {
    if (value.labels !== undefined) bad("labels go with listed samples, not with samplesRoot");
    if (!isHex32(value.samplesRoot)) bad(`samplesRoot must be 0x + 64 lowercase hex digits; got ${JSON.stringify(value.samplesRoot)}`);
    if (!isCount(value.sampleCount) || value.sampleCount < 1) bad("sampleCount must be an integer >= 1");
  }
}
