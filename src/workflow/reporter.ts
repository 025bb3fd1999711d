/**
 * How workflows tell the user what they are doing: step headings, notes,
 * warnings, hashing progress and long waits (uploads, receipts), without
 * knowing where the output goes. Tasks pass a terminal reporter
 * (tasks/shared/console-reporter.ts); tests and library users pass
 * {@link silentReporter} or a recorder.
 */
import type { HashProgress } from "../engine/browser.js";

/** Receives a workflow's progress (see the module doc). */
export interface Reporter {
  /** A new step begins ("hashing 3 sources"). */
  step(message: string): void;
  /** A fact worth showing ("manifest bafy… (1 shard)"). */
  note(message: string): void;
  /** Something went wrong but the work continues (a gateway skipped…). */
  warn(message: string): void;
  /** A long wait is under way; called about once a second with the time waited so far. */
  wait(label: string, elapsedMs: number): void;
  /** The wait named `label` is over. */
  waitDone(label: string, elapsedMs: number): void;
  /** Hashing progress (samples and bytes so far). */
  hashing(progress: HashProgress): void;
  /** Hashing is over. */
  hashingDone(): void;
}

/** A reporter that discards everything. */
export const silentReporter: Reporter = {
  step: () => undefined,
  note: () => undefined,
  warn: () => undefined,
  wait: () => undefined,
  waitDone: () => undefined,
  hashing: () => undefined,
  hashingDone: () => undefined,
};

/**
 * Runs `work` while reporting a wait named `label` every `intervalMs`
 * (default 1000), then reports its end (also when `work` fails).
 */
export async function reportedWait<T>(reporter: Reporter, label: string, work: () => Promise<T>, intervalMs = 1000): Promise<T> {
  const started = performance.now();
  reporter.wait(label, 0);
  const timer = setInterval(() => reporter.wait(label, performance.now() - started), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    reporter.waitDone(label, performance.now() - started);
  }
}
