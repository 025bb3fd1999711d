/**
 * Ctrl-C (SIGINT) and SIGTERM for long-running commands. The first signal
 * aborts an `AbortSignal` the work watches: the work stops at its next check,
 * removes what it was writing, and rejects with an {@link Interrupted} error,
 * so the command can say what was interrupted and exit with 128 + the signal
 * number (130 for SIGINT, 143 for SIGTERM), as a shell reports a killed
 * command. A second signal exits at once; anything left behind then is
 * removed by the next run (stale staging directories of dead processes).
 *
 * @example
 * const interrupts = watchInterrupts(() => console.error("stopping…"));
 * try {
 *   await longWork({ signal: interrupts.signal });
 * } catch (error) {
 *   if (error instanceof Interrupted) process.exitCode = exitCodeOf(error); // tasks/shared/task-errors.ts
 *   else throw error;
 * } finally {
 *   interrupts.dispose();
 * }
 */
import { DatatraceError } from "../errors/index.js";

/** Exit status of a command stopped by `signal` (128 + signal number). */
export function interruptExitCode(signal: "SIGINT" | "SIGTERM"): number {
  return signal === "SIGINT" ? 130 : 143;
}

/** The reason an interrupted run rejects with (family `interrupted`; the task layer exits with {@link interruptExitCode}). */
export class Interrupted extends DatatraceError {
  /** The signal received. */
  readonly signal: "SIGINT" | "SIGTERM";

  constructor(signal: "SIGINT" | "SIGTERM") {
    super(`interrupted by ${signal}`, { family: "interrupted" });
    this.name = "Interrupted";
    this.signal = signal;
  }
}

/** Watching SIGINT/SIGTERM for one run. */
export interface InterruptWatch {
  /** Aborted (with an {@link Interrupted} reason) on the first signal. */
  readonly signal: AbortSignal;
  /** Stops watching: the process's default signal handling returns. */
  dispose(): void;
}

/** Starts watching SIGINT and SIGTERM (see the module doc); `onFirst` runs when the first one arrives. */
export function watchInterrupts(onFirst?: (signal: "SIGINT" | "SIGTERM") => void): InterruptWatch {
  const controller = new AbortController();
  const handler = (signal: "SIGINT" | "SIGTERM"): void => {
    if (controller.signal.aborted) {
      process.exit(interruptExitCode(signal)); // second signal: stop now
    }
    controller.abort(new Interrupted(signal));
    onFirst?.(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
