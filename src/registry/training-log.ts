/**
 * Hash-chained training log. Each entry (step, optional epoch, numeric
 * metrics, free JSON data) extends a chain of heads:
 *
 *   head_0 = 0x00…00 (32 zero bytes)
 *   head_n = keccak256(head_{n-1} ‖ SHA-256(canonicalJson(entry_n)))
 *
 * A ModelNFT commits only the final head (`trainingLogHead`); the log itself
 * (JSON Lines, one `{"entry":…,"head":…}` per line) can live anywhere. Anyone
 * holding the log can recompute the chain and compare it with the committed
 * head; the per-line heads let {@link verifyTrainingLog} point at the first
 * entry that was altered, and tell truncation/extension apart from tampering.
 */
import { createHash } from "node:crypto";

import { concat, getBytes, keccak256 } from "ethers";

import { canonicalJson, type JsonValue } from "./canonical-json.js";

/** A 0x-prefixed 32-byte hex string. */
export type Hex32 = `0x${string}`;

/** The head of an empty log: 32 zero bytes. */
export const GENESIS_HEAD: Hex32 = `0x${"00".repeat(32)}`;

/** One training log entry. */
export interface TrainingLogEntry {
  /** Step number (batch, iteration…), a non-negative integer. */
  readonly step: number;
  /** Epoch number, a non-negative integer, when relevant. */
  readonly epoch?: number;
  /** Numeric metrics at this step (finite numbers). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Anything else worth committing (free JSON). */
  readonly data?: JsonValue;
}

/** A log line: the entry and the chain head after it. */
export interface TrainingLogRecord {
  readonly entry: TrainingLogEntry;
  readonly head: Hex32;
}

/** Outcome of {@link verifyTrainingLog}. */
export interface TrainingLogVerification {
  /** True iff every recorded head matches and the final head equals the committed one. */
  readonly valid: boolean;
  /** Head recomputed from the entries. */
  readonly computedHead: Hex32;
  /** Index of the first record whose entry or recorded head does not match the chain, or null. */
  readonly firstTampered: number | null;
  /** When the committed head is the recomputed head after some earlier record: that record count (the log was extended after commitment). */
  readonly committedAfter: number | null;
  /** Human-readable explanation. */
  readonly reason: string;
}

/** Throws a descriptive error unless `entry` is a well-formed {@link TrainingLogEntry}. */
export function assertTrainingLogEntry(entry: TrainingLogEntry, where = "entry"): void {
  if (typeof entry !== "object" || entry === null) throw new Error(`Training log ${where} must be an object.`);
  if (!Number.isSafeInteger(entry.step) || entry.step < 0) {
    throw new Error(`Training log ${where}: step must be a non-negative integer, got ${String(entry.step)}.`);
  }
  if (entry.epoch !== undefined && (!Number.isSafeInteger(entry.epoch) || entry.epoch < 0)) {
    throw new Error(`Training log ${where}: epoch must be a non-negative integer, got ${String(entry.epoch)}.`);
  }
  if (entry.metrics !== undefined) {
    if (typeof entry.metrics !== "object" || entry.metrics === null || Array.isArray(entry.metrics)) {
      throw new Error(`Training log ${where}: metrics must be an object of numbers.`);
    }
    for (const [name, value] of Object.entries(entry.metrics)) {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new Error(`Training log ${where}: metric "${name}" must be a finite number, got ${String(value)}.`);
      }
    }
  }
  const extra = Object.keys(entry).filter((k) => !["step", "epoch", "metrics", "data"].includes(k));
  if (extra.length > 0) {
    throw new Error(`Training log ${where} has unknown field(s) ${extra.join(", ")}: put free-form values under "data".`);
  }
}

/** SHA-256 of the canonical JSON of `entry` (validated first). */
export function trainingLogEntryDigest(entry: TrainingLogEntry): Uint8Array {
  assertTrainingLogEntry(entry);
  return createHash("sha256").update(canonicalJson(entry), "utf8").digest();
}

/** head_n from head_{n-1} and entry_n. */
export function nextTrainingLogHead(previousHead: Hex32, entry: TrainingLogEntry): Hex32 {
  const previous = getBytes(previousHead);
  if (previous.length !== 32) throw new Error(`A training log head must be 32 bytes, got ${previous.length}.`);
  return keccak256(concat([previous, trainingLogEntryDigest(entry)])) as Hex32;
}

/** An append-only training log kept in memory. */
export class TrainingLog {
  readonly #records: TrainingLogRecord[] = [];

  /** A log holding `entries`, in order. */
  constructor(entries: Iterable<TrainingLogEntry> = []) {
    for (const entry of entries) this.append(entry);
  }

  /** Current head (GENESIS_HEAD when empty). */
  get head(): Hex32 {
    return this.#records.at(-1)?.head ?? GENESIS_HEAD;
  }

  /** Number of entries. */
  get length(): number {
    return this.#records.length;
  }

  /** The records (entry + head), oldest first. */
  get records(): readonly TrainingLogRecord[] {
    return this.#records;
  }

  /** Appends an entry and returns the new head. The entry is deep-copied, so later mutation cannot desynchronize the chain. */
  append(entry: TrainingLogEntry): Hex32 {
    assertTrainingLogEntry(entry, `entry ${this.#records.length}`);
    const frozen = JSON.parse(canonicalJson(entry)) as TrainingLogEntry;
    const head = nextTrainingLogHead(this.head, frozen);
    this.#records.push({ entry: frozen, head });
    return head;
  }

  /** JSON Lines text: one canonical `{"entry":…,"head":…}` per line, newline-terminated. */
  toJsonLines(): string {
    return this.#records.map((r) => canonicalJson(r) + "\n").join("");
  }
}

/** Head after all `entries`, starting from GENESIS_HEAD. */
export function trainingLogHead(entries: Iterable<TrainingLogEntry>): Hex32 {
  let head = GENESIS_HEAD;
  let i = 0;
  for (const entry of entries) {
    assertTrainingLogEntry(entry, `entry ${i++}`);
    head = nextTrainingLogHead(head, entry);
  }
  return head;
}

/** Parses JSON Lines written by {@link TrainingLog.toJsonLines}; errors name the bad line. Does not check heads (use {@link verifyTrainingLog}). */
export function parseTrainingLog(text: string): TrainingLogRecord[] {
  const records: TrainingLogRecord[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`Training log line ${i + 1} is not valid JSON. Restore the log file from its original copy.`);
    }
    const record = parsed as Partial<TrainingLogRecord> | null;
    if (typeof record !== "object" || record === null || typeof record.head !== "string" || typeof record.entry !== "object") {
      throw new Error(`Training log line ${i + 1} is not a {"entry":…,"head":…} record.`);
    }
    if (!/^0x[0-9a-fA-F]{64}$/.test(record.head)) throw new Error(`Training log line ${i + 1}: head is not a 32-byte 0x hex string.`);
    assertTrainingLogEntry(record.entry as TrainingLogEntry, `line ${i + 1}`);
    records.push({ entry: record.entry as TrainingLogEntry, head: record.head.toLowerCase() as Hex32 });
  });
  return records;
}

/**
 * Verifies a log against the head committed on chain. Recomputes the chain;
 * the first record whose recomputed head differs from its recorded head is
 * the first tampered one (its entry was changed, or its head line was).
 */
export function verifyTrainingLog(records: readonly TrainingLogRecord[], committedHead: Hex32): TrainingLogVerification {
  if (typeof committedHead !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(committedHead)) {
    throw new Error(`The committed head must be a 0x-prefixed 32-byte hex string, got ${String(committedHead)}.`);
  }
  const committed = committedHead.toLowerCase() as Hex32;
  let head = GENESIS_HEAD;
  let firstTampered: number | null = null;
  let committedAfter: number | null = committed === GENESIS_HEAD ? 0 : null;
  for (const [i, record] of records.entries()) {
    head = nextTrainingLogHead(head, record.entry);
    if (firstTampered === null && head !== record.head.toLowerCase()) firstTampered = i;
    if (committedAfter === null && head === committed) committedAfter = i + 1;
  }
  if (firstTampered !== null) {
    return { valid: false, computedHead: head, firstTampered, committedAfter, reason: `record ${firstTampered} (step ${records[firstTampered]?.entry.step}) does not match the chain: the log was altered from there on` };
  }
  if (head === committed) return { valid: true, computedHead: head, firstTampered: null, committedAfter: records.length, reason: "the log matches the committed head" };
  if (committedAfter !== null) {
    return { valid: false, computedHead: head, firstTampered: null, committedAfter, reason: `the committed head is the head after the first ${committedAfter} entries: the log has ${records.length - committedAfter} entries added after commitment` };
  }
  return { valid: false, computedHead: head, firstTampered: null, committedAfter: null, reason: "the log is self-consistent but ends at a different head than the committed one (truncated, or a different log)" };
}
