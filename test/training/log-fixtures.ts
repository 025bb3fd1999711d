/** Small, valid training logs (format datatrace-training-log/2) for the tests of the training log's users. */
import { TrainingLogBuilder } from "../../src/training/log-chain.js";
import { TRAINING_LOG_FORMAT, type Hex32, type LoggedDataset, type TrainingLogEntry } from "../../src/training/log-entry.js";

/** A digest made of one repeated byte (`0xabab…`). */
export function fakeDigest(byte: number): Hex32 {
  return `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
}

/** Options of {@link simpleRunEntries}. */
export interface SimpleRunOptions {
  readonly datasets?: readonly LoggedDataset[];
  /** Sample hashes of the one batch (none: no batch entry). */
  readonly samples?: readonly Hex32[];
  readonly finalDigest?: Hex32;
  readonly trainerName?: string;
  /** Distinguishes otherwise identical runs. */
  readonly seed?: string | number;
}

/** run-start, a step, an optional batch, a checkpoint and run-end. */
export function simpleRunEntries(options: SimpleRunOptions = {}): TrainingLogEntry[] {
  const entries: TrainingLogEntry[] = [
    {
      kind: "run-start",
      step: 0,
      format: TRAINING_LOG_FORMAT,
      trainer: { name: options.trainerName ?? "test-trainer", version: "0.1" },
      config: { lr: 0.1 },
      codeDigest: null,
      initialWeightsDigest: null,
      datasets: [...(options.datasets ?? [])],
      seed: options.seed ?? 7,
      replay: { deterministic: true },
    },
  ];
  if (options.samples !== undefined) entries.push({ kind: "batch", step: 1, samples: [...options.samples] });
  entries.push({ kind: "step", step: 1, metrics: { loss: 0.5 } }, { kind: "checkpoint", step: 1, weightsDigest: fakeDigest(0xc1) }, { kind: "run-end", step: 1, weightsDigest: options.finalDigest ?? fakeDigest(0xee), metrics: { accuracy: 0.9 } });
  return entries;
}

/** The log of {@link simpleRunEntries}. */
export function simpleRunLog(options: SimpleRunOptions = {}): TrainingLogBuilder {
  return new TrainingLogBuilder(simpleRunEntries(options));
}
