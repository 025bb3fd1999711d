/**
 * Transitional shim, to be deleted once the branches developed in parallel
 * are merged: {@link UserError} now lives in the errors module
 * (src/errors/index.ts, the one entry point for errors), a subclass of the
 * one error base, with a failure family instead of an exit code. Nothing in
 * this tree imports this file any more.
 */
export { isUserError, UserError } from "../errors/index.js";
export type { UserErrorOptions } from "../errors/index.js";
