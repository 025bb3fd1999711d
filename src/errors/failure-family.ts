/**
 * The failure families: what kind of failure an error reports, so that a
 * caller (a script, the task layer, the web page) can tell them apart
 * without reading the message. Every {@link DatatraceError} has one. The
 * core names the family; only the task layer (tasks/shared/task-errors.ts)
 * turns a family into a process exit code. Browser-safe.
 */

/**
 * - `failure`: the operation failed, no more precise family applies (the default).
 * - `usage`: a command-line argument or option, or an API argument, is wrong or missing.
 * - `data`: input data is malformed (bad JSON, a bad hash or license, a corrupt manifest…).
 * - `not-found`: something named does not exist (an input file, a token id, a record).
 * - `unavailable`: a remote service (RPC node, gateway, Hub, model server) does not answer usably.
 * - `io`: reading or writing a local file failed (permissions, a full disk…).
 * - `temporary`: retrying later may succeed (a pending transaction, a held lock).
 * - `config`: the configuration is missing or wrong (a key not set, contracts not deployed, no funds).
 * - `interrupted`: the user stopped the run (SIGINT/SIGTERM); see src/cli/interrupt.ts.
 * - `internal`: a bug: an invariant of Datatrace's own code does not hold.
 */
export type FailureFamily = "failure" | "usage" | "data" | "not-found" | "unavailable" | "io" | "temporary" | "config" | "interrupted" | "internal";

/** Every family, in the order of the list above. */
export const FAILURE_FAMILIES: readonly FailureFamily[] = ["failure", "usage", "data", "not-found", "unavailable", "io", "temporary", "config", "interrupted", "internal"];

/** The code an error of `family` has unless it names a more precise one (`not-found` → `NOT_FOUND`). */
export function familyCode(family: FailureFamily): string {
  return family.toUpperCase().replace(/-/gu, "_");
}
