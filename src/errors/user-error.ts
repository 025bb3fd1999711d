/**
 * {@link UserError}: the error for a failure the user can fix, stated as two
 * lines, `problem` (what went wrong) and `fix` (what to do about it), with
 * the failure family it belongs to (usage, data, not-found…). The most used
 * {@link DatatraceError}; its code is its family's. Browser-safe.
 */
import { DatatraceError } from "./datatrace-error.js";
import type { FailureFamily } from "./failure-family.js";

/** Options of {@link UserError}. */
export interface UserErrorOptions {
  /** The kind of failure (default `failure`). */
  readonly family?: FailureFamily | undefined;
  /** Underlying error, kept for `--show-stack-traces`-style debugging. */
  readonly cause?: unknown;
  /** A code more precise than the family's. */
  readonly code?: string | undefined;
}

/** An error the user can fix: `problem` (what went wrong) and `fix` (what to do). `message` is both on two lines. */
export class UserError extends DatatraceError {
  /** What went wrong (same as `shortMessage`). */
  readonly problem: string;
  /** What to do about it. */
  declare readonly fix: string;

  constructor(problem: string, fix: string, options: UserErrorOptions = {}) {
    super(problem, { fix, family: options.family, cause: options.cause, code: options.code });
    this.name = "UserError";
    this.problem = problem;
  }
}

const USER_BRAND = Symbol.for("datatrace.UserError");
Object.defineProperty(UserError.prototype, USER_BRAND, { value: true, enumerable: false });

/** True for a {@link UserError}, also across module copies (by brand, not class identity). */
export function isUserError(error: unknown): error is UserError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[USER_BRAND] === true;
}
