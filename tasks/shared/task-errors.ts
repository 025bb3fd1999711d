/**
 * The one place where errors become process outcomes: how a task hands a
 * failure to Hardhat, what it prints, and which exit code a failure family
 * maps to. The core (src/) only names a failure family on its
 * {@link DatatraceError}s (src/errors/index.ts); it knows neither exit codes
 * nor Hardhat's plugin-error flag.
 *
 * - A DatatraceError becomes a `HardhatPluginError` (Hardhat prints
 *   `Error in community plugin datatrace: <message>` without a stack trace;
 *   an error with a code of its own, e.g. a StorageError, shows it first:
 *   `[BLOCK_NOT_FOUND] …`). The original error is kept as `cause`.
 * - A Node file-system error (EACCES, ENOTDIR, ENAMETOOLONG…) is explained
 *   first (src/errors/file-system-error.ts), then treated the same way.
 * - A Hardhat error is passed through (Hardhat prints it).
 * - A family `internal` error (a bug the code detected) and anything else
 *   thrown is passed through unchanged: Hardhat prints it with
 *   its stack ("An unexpected error occurred"), since it is a bug.
 *
 * Tasks that print failures themselves (the verify commands, exit 2) use
 * {@link errorText}; the exit code of a failure family is {@link exitCodeOf}.
 */
import { HardhatPluginError } from "hardhat/plugins";

import { Interrupted, interruptExitCode } from "../../src/cli/index.js";
import { fileSystemError, isDatatraceError, type DatatraceError, type FailureFamily } from "../../src/errors/index.js";

/** The plugin id Hardhat prints for Datatrace's errors. */
export const PLUGIN_ID = "datatrace";

/** Exit codes (BSD sysexits.h), chosen so scripts can tell failure kinds apart. */
export const EXIT_CODES = {
  /** Generic failure. */
  failure: 1,
  /** Bad command-line usage: wrong or missing argument. */
  usage: 64,
  /** Input data is malformed (bad JSON, bad hash, bad license…). */
  dataError: 65,
  /** An input file or record does not exist. */
  noInput: 66,
  /** A remote service (RPC, IPFS, Lighthouse) is unavailable. */
  unavailable: 69,
  /** Internal error (a bug). */
  software: 70,
  /** Reading or writing a local file failed. */
  ioError: 74,
  /** Temporary failure: retrying later may succeed. */
  tempFail: 75,
  /** Configuration problem (missing key, wrong network…). */
  config: 78,
} as const;

/** The exit code of each failure family (`interrupted`: 130 for SIGINT, 143 for SIGTERM, see {@link exitCodeOf}). */
export const FAMILY_EXIT_CODES: Readonly<Record<FailureFamily, number>> = {
  failure: EXIT_CODES.failure,
  usage: EXIT_CODES.usage,
  data: EXIT_CODES.dataError,
  "not-found": EXIT_CODES.noInput,
  unavailable: EXIT_CODES.unavailable,
  internal: EXIT_CODES.software,
  io: EXIT_CODES.ioError,
  temporary: EXIT_CODES.tempFail,
  config: EXIT_CODES.config,
  interrupted: interruptExitCode("SIGINT"),
};

/** The DatatraceError a thrown value stands for: itself, a file-system error explained, or undefined (a bug). */
function expected(error: unknown): DatatraceError | undefined {
  if (isDatatraceError(error)) return error;
  return fileSystemError(error);
}

/** Exit code for any thrown value: its family's (see {@link FAMILY_EXIT_CODES}), else {@link EXIT_CODES.software} (a bug). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof Interrupted) return interruptExitCode(error.signal);
  const known = expected(error);
  return known === undefined ? EXIT_CODES.software : FAMILY_EXIT_CODES[known.family];
}

/** The text of an expected error as printed: `[CODE] ` when it has a code of its own, then its message. */
function shownMessage(error: DatatraceError): string {
  return error.hasOwnCode ? `[${error.code}] ${error.message}` : error.message;
}

/** The error to throw for Hardhat to print (see the module doc). */
export function toTaskError(error: unknown): unknown {
  if (HardhatPluginError.isHardhatPluginError(error)) return error;
  const known = expected(error);
  if (known === undefined || known.family === "internal") return error;
  return new HardhatPluginError(PLUGIN_ID, shownMessage(known), known);
}

/**
 * Text to print for a thrown value: an expected error as `Error: <message>`
 * (its causes too when `verbose`); anything else as an unexpected error with
 * its stack, since it is a bug.
 */
export function formatError(error: unknown, options: { readonly verbose?: boolean } = {}): string {
  const known = expected(error);
  if (known === undefined || known.family === "internal") {
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    return `Unexpected error (this is a bug in Datatrace, please report it):\n${detail}`;
  }
  const lines = [`Error: ${shownMessage(known)}`];
  if (options.verbose === true) {
    let cause: unknown = known.cause;
    while (cause !== undefined && cause !== null) {
      lines.push(`Caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return lines.join("\n");
}

/** Hardhat's own errors (a configuration variable not set…): explained by Hardhat, not bugs of Datatrace. */
function isHardhatError(error: unknown): error is Error {
  return HardhatPluginError.isHardhatPluginError(error) || (error instanceof Error && error.name === "HardhatError");
}

/** Hardhat's error number HHE50002 (KEY_NOT_FOUND_DURING_TESTS_WITH_DEV_KEYSTORE): under `hardhat test`, a configuration variable missing from the development keystore. */
const KEY_NOT_IN_DEV_KEYSTORE = 50002;

/** True for Hardhat's error "key not found in the development keystore" (recognized by its number, not its text). */
export function isKeyMissingFromDevKeystore(error: unknown): boolean {
  return error instanceof Error && error.name === "HardhatError" && (error as { readonly number?: unknown }).number === KEY_NOT_IN_DEV_KEYSTORE;
}

/** The text printed for an error by tasks that report failures themselves (exit status 2). */
export function errorText(error: unknown): string {
  if (isHardhatError(error)) return `Error: ${error.message}`;
  return formatError(error);
}

/**
 * The end of a verdict task (verify, extract, trace, training, fingerprints) that failed: prints the error (what
 * went wrong, what to do) on stderr, sets the task's error exit status (2: neither verdict could be reached) and
 * returns the result the task hands back, so every verdict task reports a failure the same way.
 */
export function verdictTaskError(error: unknown, exitCode: number): { readonly exitCode: number; readonly error: string } {
  const text = errorText(error);
  console.error(text);
  process.exitCode = exitCode;
  return { exitCode, error: text };
}
