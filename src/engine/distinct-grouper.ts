/**
 * Turns sorted records into distinct samples: consecutive records with the
 * same hash become one leaf carrying all their ids (in source, ordinal order).
 * Counts duplicates and keeps a few examples for the report; checks the input
 * really is sorted.
 */
import { toHex } from "../hash/index.js";
import type { RecordSink } from "./sample-record.js";
import { compareHashAt } from "./sample-record.js";
import { InternalError } from "../errors/index.js";

/** A duplicated sample, for reports. */
export interface DuplicateExample {
  /** Sample hash, 0x-prefixed hex. */
  readonly hash: string;
  /** How many samples had this hash. */
  readonly count: number;
  /** The first few ids (absent for a private dataset). */
  readonly ids?: readonly string[];
}

/**
 * Receives one distinct sample hash (`hashes[offset, offset + 32)`, valid
 * during the call) and the ids that produced it (null when private).
 */
export type DistinctSink = (hashes: Uint8Array, offset: number, ids: readonly string[] | null) => void;

/** Duplicate examples kept, and ids per example. */
const EXAMPLES = 5;
const IDS_PER_EXAMPLE = 3;

/** Groups sorted records by hash (see the module doc). */
export class DistinctGrouper {
  readonly #sink: DistinctSink;
  readonly #withIds: boolean;
  readonly #current = new Uint8Array(32);
  #hasCurrent = false;
  #ids: string[] = [];
  #run = 0;
  /** Records seen. */
  samples = 0;
  /** Distinct hashes emitted. */
  distinct = 0;
  /** samples − distinct. */
  duplicates = 0;
  /** The first duplicated hashes, in hash order. */
  readonly examples: DuplicateExample[] = [];

  constructor(sink: DistinctSink, withIds: boolean) {
    this.#sink = sink;
    this.#withIds = withIds;
  }

  /** The record sink to drain sorted records into. */
  readonly push: RecordSink = (hashes, offset, _source, _ordinal, id) => {
    this.samples++;
    if (this.#hasCurrent) {
      const order = compareHashAt(hashes, offset, this.#current, 0);
      if (order === 0) {
        this.#run++;
        if (this.#withIds) this.#ids.push(id ?? "");
        return;
      }
      if (order < 0) throw new InternalError("records are not in hash order");
      this.#emit();
    }
    this.#current.set(hashes.subarray(offset, offset + 32));
    this.#hasCurrent = true;
    this.#run = 1;
    this.#ids = this.#withIds ? [id ?? ""] : [];
  };

  /** Emits the last group; call once after the last record. */
  finish(): void {
    if (this.#hasCurrent) this.#emit();
    this.#hasCurrent = false;
  }

  #emit(): void {
    this.distinct++;
    if (this.#run > 1) {
      this.duplicates += this.#run - 1;
      if (this.examples.length < EXAMPLES) {
        const hex = toHex(this.#current);
        this.examples.push(
          this.#withIds ? { hash: hex, count: this.#run, ids: this.#ids.slice(0, IDS_PER_EXAMPLE) } : { hash: hex, count: this.#run },
        );
      }
    }
    this.#sink(this.#current, 0, this.#withIds ? this.#ids : null);
  }
}
