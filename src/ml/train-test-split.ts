/**
 * Deterministic train/test split by hash of a stable id: an item goes to the
 * test set iff the first 4 bytes of SHA-256(`${seed}:${id}`), read as a
 * big-endian integer, are below `testFraction · 2^32`. Membership of one item
 * never depends on the other items, so adding data does not reshuffle the
 * split.
 */
import { createHash } from "node:crypto";
import { DatatraceError } from "../errors/index.js";

/** Options of {@link splitTrainTest}. */
export interface SplitOptions {
  /** Fraction of items (in expectation) that go to the test set, in [0, 1]. Default 0.2. */
  readonly testFraction?: number;
  /** Salt mixed into the hash; different seeds give independent splits. Default "". */
  readonly seed?: string;
}

/** Result of {@link splitTrainTest}: both parts keep the input order. */
export interface TrainTestSplit<T> {
  readonly train: T[];
  readonly test: T[];
}

/** True iff the item with this id falls in the test set (see the module doc). */
export function isTestId(id: string, options: SplitOptions = {}): boolean {
  const fraction = options.testFraction ?? 0.2;
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new DatatraceError(`testFraction must be between 0 and 1, got ${String(options.testFraction)}.`);
  }
  const digest = createHash("sha256").update(`${options.seed ?? ""}:${id}`, "utf8").digest();
  return digest.readUInt32BE(0) < fraction * 2 ** 32;
}

/** Splits items by their `id` into train and test parts (deterministic; see the module doc). */
export function splitTrainTest<T extends { readonly id: string }>(items: readonly T[], options: SplitOptions = {}): TrainTestSplit<T> {
  const train: T[] = [];
  const test: T[] = [];
  for (const item of items) (isTestId(item.id, options) ? test : train).push(item);
  return { train, test };
}
