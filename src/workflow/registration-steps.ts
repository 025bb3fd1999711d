/**
 * Helpers of the journaled registrations (`registerDataset`,
 * `registerModel`): reading what an earlier step recorded, recording a
 * step's result, and wrapping each step's work so that test hooks run first
 * and the steps that ran in this run are listed.
 *
 * @example
 * const stepsRun: RegistrationStep[] = [];
 * const run = trackedStep(deps.hooks, stepsRun);
 * await runRegistration(registration, {
 *   hashed: run("hashed", async () => asJson({ root })),
 *   // …
 *   minted: run("minted", async (s) => asJson({ tokenId: recordedStep<{ hash: string }>(s, "txSent").hash })),
 * });
 */
import type { JsonValue, RegistrationState, RegistrationStep } from "../registry/index.js";
import type { Link } from "./registration-transaction.js";
import { InternalError } from "../errors/index.js";

/**
 * How a registration run ended: `registered` (minted now, from scratch),
 * `resumed` (an interrupted run's journal was finished: some step ran now),
 * `existing` (already registered: no step ran, nothing was uploaded or sent
 * in this run).
 */
export type RegistrationStatus = "registered" | "resumed" | "existing";

/**
 * The {@link RegistrationStatus} of a run that found its journal started
 * (`resumed`) or not, and ran `stepsRun`: the one rule of dataset and model
 * registrations. A run that finishes a journal is `resumed` even when the
 * token turns out to exist already (its own earlier, interrupted run may
 * have minted it).
 */
export function registrationStatus(resumed: boolean, stepsRun: readonly RegistrationStep[]): RegistrationStatus {
  if (stepsRun.length === 0) return "existing";
  return resumed ? "resumed" : "registered";
}

/** What every registration run reports, whatever it registers (dataset, model, commitment). */
export interface RegistrationRunReport {
  readonly tokenURI: string;
  /** The account that registered (or committed, and must reveal). */
  readonly registrant: string;
  /** The journal file of this registration. */
  readonly journalFile: string;
  /** Steps whose work ran in this run (uploads, transaction). */
  readonly stepsRun: readonly RegistrationStep[];
  /** Explorer links of the run's transaction. */
  readonly links: readonly Link[];
  /** The storage backend used for uploads in this run. */
  readonly backend: string;
}

/** The data recorded by `step` (typed by the caller); throws if the step is not recorded. */
export function recordedStep<T>(state: RegistrationState, step: RegistrationStep): T {
  const data = state.steps[step]?.data;
  if (data === undefined) throw new InternalError(`step ${step} is not recorded`);
  return data as unknown as T;
}

/** `value` as the JSON a step records (its fields must be JSON values). */
export function asJson(value: object): JsonValue {
  return value as unknown as JsonValue;
}

/**
 * Returns `run(step, work)`, which wraps a step's work so that it first
 * awaits `hooks.beforeStep(step)` (throwing there interrupts the run) and
 * appends `step` to `stepsRun`.
 */
export function trackedStep(
  hooks: { readonly beforeStep?: ((step: RegistrationStep) => void | Promise<void>) | undefined } | undefined,
  stepsRun: RegistrationStep[],
): (step: RegistrationStep, work: (state: RegistrationState) => Promise<JsonValue>) => (state: RegistrationState) => Promise<JsonValue> {
  return (step, work) => async (state) => {
    await hooks?.beforeStep?.(step);
    stepsRun.push(step);
    return work(state);
  };
}
