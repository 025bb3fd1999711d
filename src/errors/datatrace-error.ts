/**
 * The one error base of Datatrace, in the spirit of viem's `BaseError`: every
 * failure the code expects (bad input, a missing file or token, a gateway
 * that does not answer, a corrupt block…) is a {@link DatatraceError} (or a
 * subclass), with
 *
 * - `family`: the kind of failure ({@link FailureFamily}: usage, data, not-found…);
 * - `code`: a stable identifier programs can test (`BLOCK_NOT_FOUND`…),
 *   by default the family's (`NOT_FOUND`);
 * - `shortMessage`: one line saying what went wrong;
 * - `fix`: one line saying what to do about it (may be absent);
 * - `details`: optional extra facts (a list of attempts, a position…);
 * - `cause`: the underlying error, kept for `--show-stack-traces`.
 *
 * `message` is those lines joined (`shortMessage`, `fix`, `Details: …`), so
 * an error printed as it is reads well. Anything thrown that is not a
 * DatatraceError is a bug (or a foreign library's error not yet explained).
 * Browser-safe.
 */
import { familyCode, type FailureFamily } from "./failure-family.js";

/** Options of every {@link DatatraceError}. */
export interface DatatraceErrorOptions {
  /** The kind of failure (default `failure`). */
  readonly family?: FailureFamily | undefined;
  /** What to do about it (one line). */
  readonly fix?: string | undefined;
  /** Extra facts, printed after the fix as `Details: …`. */
  readonly details?: string | undefined;
  /** The underlying error. */
  readonly cause?: unknown;
  /** A code more precise than the family's. */
  readonly code?: string | undefined;
}

const BRAND = Symbol.for("datatrace.DatatraceError");

/** Base of every error Datatrace throws on purpose (see the module doc). */
export class DatatraceError extends Error {
  /** The kind of failure. */
  readonly family: FailureFamily;
  /** Stable machine-readable identifier of the failure. */
  readonly code: string;
  /** What went wrong, in one line. */
  readonly shortMessage: string;
  /** What to do about it, when there is something to do. */
  readonly fix: string | undefined;
  /** Extra facts (already part of `message`). */
  readonly details: string | undefined;

  constructor(shortMessage: string, options: DatatraceErrorOptions = {}) {
    super(composeMessage(shortMessage, options.fix, options.details), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DatatraceError";
    this.family = options.family ?? "failure";
    this.code = options.code ?? familyCode(this.family);
    this.shortMessage = shortMessage;
    this.fix = options.fix;
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /** True when `code` is more precise than the family's (the task layer then shows it, e.g. `[BLOCK_NOT_FOUND]`). */
  get hasOwnCode(): boolean {
    return this.code !== familyCode(this.family);
  }
}

/** `shortMessage`, `fix` and `Details: …` on their own lines (empty parts left out). */
export function composeMessage(shortMessage: string, fix: string | undefined, details: string | undefined): string {
  return [shortMessage, fix, details === undefined || details === "" ? undefined : `Details: ${details}`].filter((p) => p !== undefined && p !== "").join("\n");
}

/**
 * True for a {@link DatatraceError}, also across module copies (two copies
 * of this file loaded under different URLs, e.g. by a test runner and a
 * worker): checked by a registered symbol, not by class identity.
 */
export function isDatatraceError(error: unknown): error is DatatraceError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * A bug: an invariant of Datatrace's own code does not hold. Thrown instead
 * of a plain Error so that nobody recognizes bugs by their message; the task
 * layer shows it with its stack trace. `message` starts with `internal error: `.
 */
export class InternalError extends DatatraceError {
  constructor(shortMessage: string, options: Omit<DatatraceErrorOptions, "family"> = {}) {
    super(`internal error: ${shortMessage}`, { ...options, family: "internal" });
    this.name = "InternalError";
  }
}
