/**
 * Errors caused by the user's input or environment (bad arguments, missing
 * files, unfunded account…), as opposed to bugs. A {@link UserError} always
 * says what went wrong AND what to do about it, and carries a process exit
 * code (BSD sysexits values, see {@link EXIT_CODES}).
 *
 * Hardhat 3 prints errors it recognizes as community-plugin errors as
 * `Error in community plugin datatrace: <message>` without a stack trace, and
 * anything else as "An unexpected error occurred" with the full stack. The
 * recognition is by an own property (`_isHardhatPluginError`, see
 * `@nomicfoundation/hardhat-errors`), which UserError sets, so tasks can throw
 * it directly while this module stays free of Hardhat imports.
 */

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

/** Options of {@link UserError}. */
export interface UserErrorOptions {
  /** Process exit code (default {@link EXIT_CODES.failure}). */
  readonly exitCode?: number;
  /** Underlying error, kept for `--show-stack-traces`-style debugging. */
  readonly cause?: unknown;
}

const BRAND = Symbol.for("datatrace.UserError");

/** An error the user can fix: `problem` (what went wrong) and `fix` (what to do). */
export class UserError extends Error {
  /** What went wrong. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
  /** Suggested process exit code. */
  readonly exitCode: number;
  /** Plugin id shown by Hardhat's error printer. */
  readonly pluginId = "datatrace";

  /** `message` is `problem` and `fix` on two lines. */
  constructor(problem: string, fix: string, options: UserErrorOptions = {}) {
    super(`${problem}\n${fix}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserError";
    this.problem = problem;
    this.fix = fix;
    const code = options.exitCode ?? EXIT_CODES.failure;
    this.exitCode = Number.isInteger(code) && code >= 1 && code <= 255 ? code : EXIT_CODES.failure;
    Object.defineProperty(this, "_isHardhatPluginError", { value: true, enumerable: false, writable: false, configurable: false });
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }
}

/** True for a {@link UserError}, also across module copies (checked by brand, not by class identity). */
export function isUserError(error: unknown): error is UserError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** Exit code for any thrown value: the UserError's own, else {@link EXIT_CODES.software}. */
export function exitCodeOf(error: unknown): number {
  return isUserError(error) ? error.exitCode : EXIT_CODES.software;
}

/**
 * Text to print for a thrown value: a UserError as `Error: problem` + fix
 * (plus causes when `verbose`); anything else as an unexpected error with its
 * stack, since it is a bug.
 */
export function formatError(error: unknown, options: { readonly verbose?: boolean } = {}): string {
  if (isUserError(error)) {
    const lines = [`Error: ${error.problem}`, error.fix];
    if (options.verbose === true) {
      let cause: unknown = error.cause;
      while (cause !== undefined && cause !== null) {
        lines.push(`Caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
        cause = cause instanceof Error ? cause.cause : undefined;
      }
    }
    return lines.join("\n");
  }
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `Unexpected error (this is a bug in Datatrace, please report it):\n${detail}`;
}
