/**
 * How task actions hand failures to Hardhat: a {@link UserError} is already
 * printed by Hardhat as a plugin error (message, no stack trace); storage
 * errors and the engine's plain input errors are wrapped the same way, file
 * system errors (EACCES, ENOTDIR, ENAMETOOLONG…) become a sentence with what
 * to do (src/cli/file-errors.ts); bugs
 * (TypeError and friends, "internal error") keep their stack.
 */
import { HardhatPluginError } from "hardhat/plugins";

import { formatError, isUserError } from "../../src/cli/errors.js";
import { fileSystemUserError } from "../../src/cli/file-errors.js";
import { StorageError } from "../../src/storage/errors.js";

/** The error to throw for Hardhat to print (see the module doc). */
export function toTaskError(error: unknown): unknown {
  if (isUserError(error)) return error;
  if (!(error instanceof Error) || HardhatPluginError.isHardhatPluginError(error)) return error;
  if (error instanceof StorageError) return new HardhatPluginError("datatrace", `[${error.code}] ${error.message}`, error);
  const fsError = fileSystemUserError(error);
  if (fsError !== undefined) return fsError;
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof SyntaxError) return error;
  if (error.message.startsWith("internal error") || error.name === "HardhatError") return error;
  return new HardhatPluginError("datatrace", error.message, error);
}

/** The text printed for an error by tasks that report failures themselves (exit status 2). */
export function errorText(error: unknown): string {
  const wrapped = toTaskError(error);
  if (isUserError(wrapped)) return formatError(wrapped);
  if (wrapped instanceof Error) return `Error: ${wrapped.message}`;
  return `Error: ${String(wrapped)}`;
}
