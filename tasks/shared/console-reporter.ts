/**
 * The terminal side of a workflow's {@link Reporter}: step headings and
 * notes on stderr (stdout stays clean for `--json`), hashing progress
 * through src/cli/progress.ts, and for long waits (uploads, receipts) one
 * status line redrawn every second on a terminal, a single line elsewhere.
 */
import { createProgress, type Progress, type ProgressMode } from "../../src/cli/index.js";
import type { Reporter } from "../../src/workflow/index.js";

/** Where the reporter writes (stderr by default). */
export interface ReporterStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Options of {@link createConsoleReporter}. */
export interface ConsoleReporterOptions {
  /** Only warnings. */
  readonly quiet?: boolean | undefined;
  /** Progress display mode for hashing (default auto). */
  readonly progress?: ProgressMode | undefined;
  readonly stream?: ReporterStream | undefined;
}

/** A reporter printing to stderr (see the module doc). */
export function createConsoleReporter(options: ConsoleReporterOptions = {}): Reporter {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const quiet = options.quiet === true;
  let hashing: Progress | undefined;
  let waitLine = false;
  const announced = new Set<string>();
  const clearWait = (): void => {
    if (waitLine) stream.write("\r\x1b[K");
    waitLine = false;
  };
  const line = (text: string): void => {
    if (quiet) return;
    clearWait();
    stream.write(`${text}\n`);
  };
  return {
    step: (message) => line(`→ ${message}`),
    note: (message) => line(`  ${message}`),
    warn: (message) => {
      clearWait();
      stream.write(`warning: ${message}\n`);
    },
    wait: (label, elapsedMs) => {
      if (quiet) return;
      if (tty) {
        stream.write(`\r${label} · ${Math.floor(elapsedMs / 1000)} s\x1b[K`);
        waitLine = true;
      } else if (!announced.has(label)) {
        announced.add(label);
        stream.write(`${label}…\n`);
      }
    },
    waitDone: () => clearWait(),
    hashing: (p) => {
      if (quiet) return;
      hashing ??= createProgress({ label: "hashing", mode: options.progress ?? "auto", stream: process.stderr });
      hashing.update(p);
    },
    hashingDone: () => {
      hashing?.done();
      hashing = undefined;
    },
  };
}
