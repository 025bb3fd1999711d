/**
 * Errors: the one error base of Datatrace and everything built on it. The
 * bottom of the layers: imports nothing, browser-safe. Every module imports
 * its errors through this file.
 *
 * ## The error model
 *
 * Every failure Datatrace expects is a {@link DatatraceError} (in the spirit
 * of viem's `BaseError`): `shortMessage` (what went wrong, one line), `fix`
 * (what to do), `details`, `cause` (the underlying error), `code` (stable,
 * for programs) and `family` (the kind of failure, {@link FailureFamily}):
 *
 * | family        | meaning                                            | exit code (tasks) |
 * |---------------|----------------------------------------------------|-------------------|
 * | `failure`     | the operation failed (default)                     | 1                 |
 * | `usage`       | a wrong or missing argument or option              | 64 (EX_USAGE)     |
 * | `data`        | malformed input data                               | 65 (EX_DATAERR)   |
 * | `not-found`   | an input file, token or record does not exist      | 66 (EX_NOINPUT)   |
 * | `unavailable` | a remote service does not answer usably            | 69 (EX_UNAVAILABLE) |
 * | `internal`    | a bug ({@link InternalError})                      | 70 (EX_SOFTWARE)  |
 * | `io`          | reading or writing a local file failed             | 74 (EX_IOERR)     |
 * | `temporary`   | retrying later may succeed                         | 75 (EX_TEMPFAIL)  |
 * | `config`      | configuration missing or wrong                     | 78 (EX_CONFIG)    |
 * | `interrupted` | stopped by SIGINT / SIGTERM                        | 130 / 143         |
 *
 * The core names the family and never an exit code; the exit codes above
 * and the way Hardhat prints an error (a plugin error, without stack trace)
 * are decided in one place, `tasks/shared/task-errors.ts`. Anything thrown
 * that is not a DatatraceError is a bug: the tasks print it with its stack.
 *
 * Subclasses: {@link UserError} (`problem` + `fix`, the usual one),
 * {@link FileSystemError} (a Node file-system error explained), and one per
 * module where callers need more fields (`StorageError` with its codes,
 * `SourceError` naming the file, `HubError`…).
 *
 * @example
 * throw new UserError("--threshold 2 is not between 0 and 1.", "Give an accuracy, e.g. --threshold 0.5.", { family: "usage" });
 */
export { composeMessage, DatatraceError, InternalError, isDatatraceError } from "./datatrace-error.js";
export type { DatatraceErrorOptions } from "./datatrace-error.js";
export { FAILURE_FAMILIES, familyCode } from "./failure-family.js";
export type { FailureFamily } from "./failure-family.js";
export { FileSystemError, fileSystemError, isFileSystemErrno } from "./file-system-error.js";
export type { SystemErrorLike } from "./file-system-error.js";
export { isUserError, UserError } from "./user-error.js";
export type { UserErrorOptions } from "./user-error.js";
