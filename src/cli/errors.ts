/**
 * Kept for imports not yet moved: {@link UserError} now lives in the errors
 * module (src/errors/index.ts), a subclass of the one error base, and carries
 * a failure family instead of an exit code. Import it from there.
 */
export { isUserError, UserError } from "../errors/index.js";
export type { UserErrorOptions } from "../errors/index.js";
