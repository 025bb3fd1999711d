/**
 * The hash chain of a training log (docs/training-log.md, "The chain"):
 *
 *   head_0 = SHA-256("datatrace-training-log/2")        (UTF-8 bytes of the format tag)
 *   head_n = SHA-256(head_{n-1} ‖ SHA-256(canonicalJson(entry_n)))
 *
 * with canonicalJson = RFC 8785 (src/registry/canonical-json.ts). Every line
 * of the log file is the canonical JSON of `{"entry": entry_n, "head": head_n}`
 * (head as 0x + 64 lowercase hex); the ModelNFT commits the last head as
 * `trainingLogHead`.
 *
 * What changed from format 1 (head_0 = 32 zero bytes, keccak256 links), and
 * why: Python's standard library has no Keccak-256 (`hashlib.sha3_256` is
 * FIPS 202 SHA3-256, whose padding differs), and most training runs in
 * Python; SHA-256 is in every standard library (and an EVM precompile). The
 * genesis is the hash of the format tag, so a head of one format can never be
 * taken for a head of another, and no log's head is the zero value the
 * ModelNFT uses for "no log". The per-line heads let a verifier name the
 * first line that was altered.
 */
import { createHash } from "node:crypto";

import { canonicalJson } from "../registry/index.js";
import { parseTrainingLogEntry, TRAINING_LOG_FORMAT, type Hex32, type TrainingLogEntry } from "./log-entry.js";
import { DatatraceError } from "../errors/index.js";

/** The head of an empty log: SHA-256 of the format tag. */
export const GENESIS_HEAD: Hex32 = `0x${createHash("sha256").update(TRAINING_LOG_FORMAT, "utf8").digest("hex")}`;

/** One line of a log: an entry and the chain head after it. */
export interface TrainingLogRecord {
  readonly entry: TrainingLogEntry;
  readonly head: Hex32;
}

/** SHA-256 of the canonical JSON of `entry` (32 bytes). */
export function entryDigest(entry: TrainingLogEntry): Buffer {
  return createHash("sha256").update(canonicalJson(entry), "utf8").digest();
}

/** head_n from head_{n-1} and entry_n. */
export function nextHead(previous: Hex32, entry: TrainingLogEntry): Hex32 {
  const prev = Buffer.from(previous.slice(2), "hex");
  if (prev.length !== 32 || !/^0x[0-9a-f]{64}$/.test(previous)) throw new DatatraceError(`A training log head is 0x + 64 lowercase hex digits; got ${previous}.`);
  return `0x${createHash("sha256").update(prev).update(entryDigest(entry)).digest("hex")}`;
}

/** Head after `entries`, from {@link GENESIS_HEAD}. Each entry is checked first. */
export function headOf(entries: Iterable<TrainingLogEntry>): Hex32 {
  let head = GENESIS_HEAD;
  for (const entry of entries) head = nextHead(head, parseTrainingLogEntry(entry));
  return head;
}

/** The text of one log line: canonical `{"entry":…,"head":…}` and a newline. */
export function recordLine(record: TrainingLogRecord): string {
  return `${canonicalJson({ entry: record.entry, head: record.head })}\n`;
}

/**
 * An append-only log kept in memory. Entries are checked and deep-copied
 * (through their canonical JSON) when appended, so later changes to the
 * caller's objects cannot desynchronize the chain.
 */
export class TrainingLogBuilder {
  readonly #records: TrainingLogRecord[] = [];

  constructor(entries: Iterable<TrainingLogEntry> = []) {
    for (const entry of entries) this.append(entry);
  }

  /** Current head ({@link GENESIS_HEAD} when empty). */
  get head(): Hex32 {
    return this.#records.at(-1)?.head ?? GENESIS_HEAD;
  }

  get length(): number {
    return this.#records.length;
  }

  get records(): readonly TrainingLogRecord[] {
    return this.#records;
  }

  /** Appends an entry; returns the new head. */
  append(entry: TrainingLogEntry): Hex32 {
    const copy = parseTrainingLogEntry(JSON.parse(canonicalJson(entry)));
    const head = nextHead(this.head, copy);
    this.#records.push({ entry: copy, head });
    return head;
  }

  /** The log file's text (JSON Lines, newline-terminated). */
  toJsonLines(): string {
    return this.#records.map(recordLine).join("");
  }
}
