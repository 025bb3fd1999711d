/**
 * Errors raised by the storage layer: {@link DatatraceError}s whose stable
 * `code` (for programs) is one of {@link StorageErrorCode}, with a message
 * that says what went wrong and what to do (for people); each code belongs
 * to a failure family ({@link STORAGE_ERROR_FAMILIES}). Browser-safe: no
 * Node imports.
 */
import { DatatraceError, type FailureFamily } from "../errors/index.js";


/** Stable identifiers of every storage failure. */
export type StorageErrorCode =
  | "INVALID_CID"
  | "UNSUPPORTED_CID"
  | "BLOCK_MISMATCH"
  | "BLOCK_NOT_FOUND"
  | "INVALID_DAG"
  | "UNSUPPORTED_CONTENT"
  | "DIRECTORY_TOO_LARGE"
  | "INVALID_PATH"
  | "CAR_INVALID"
  | "READ_ONLY"
  | "GATEWAY_FAILED"
  | "LIGHTHOUSE_MISSING_API_KEY"
  | "LIGHTHOUSE_UNAUTHORIZED"
  | "LIGHTHOUSE_REJECTED"
  | "LIGHTHOUSE_SERVER_ERROR"
  | "LIGHTHOUSE_NETWORK"
  | "LIGHTHOUSE_TIMEOUT"
  | "LIGHTHOUSE_BAD_RESPONSE"
  | "LIGHTHOUSE_CID_MISMATCH"
  | "OUTPUT_EXISTS"
  | "UPLOAD_INVALID"
  | "SERVER_LISTEN";

/** The failure family of each storage code (what kind of failure it is; tasks map families to exit codes). */
export const STORAGE_ERROR_FAMILIES: Readonly<Record<StorageErrorCode, FailureFamily>> = {
  INVALID_CID: "data",
  UNSUPPORTED_CID: "data",
  BLOCK_MISMATCH: "data",
  BLOCK_NOT_FOUND: "not-found",
  INVALID_DAG: "data",
  UNSUPPORTED_CONTENT: "data",
  DIRECTORY_TOO_LARGE: "data",
  INVALID_PATH: "usage",
  CAR_INVALID: "data",
  READ_ONLY: "usage",
  GATEWAY_FAILED: "unavailable",
  LIGHTHOUSE_MISSING_API_KEY: "config",
  LIGHTHOUSE_UNAUTHORIZED: "config",
  LIGHTHOUSE_REJECTED: "failure",
  LIGHTHOUSE_SERVER_ERROR: "unavailable",
  LIGHTHOUSE_NETWORK: "unavailable",
  LIGHTHOUSE_TIMEOUT: "unavailable",
  LIGHTHOUSE_BAD_RESPONSE: "unavailable",
  LIGHTHOUSE_CID_MISMATCH: "data",
  OUTPUT_EXISTS: "usage",
  UPLOAD_INVALID: "data",
  SERVER_LISTEN: "failure",
};

/** Base class of every error thrown by `src/storage`. */
export class StorageError extends DatatraceError {
  /** Stable machine-readable code. */
  declare readonly code: StorageErrorCode;
  /** The HTTP status a remote service answered with, when it answered one. */
  readonly httpStatus: number | undefined;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown; httpStatus?: number | undefined }) {
    super(message, { code, family: STORAGE_ERROR_FAMILIES[code], cause: options?.cause });
    this.name = "StorageError";
    this.httpStatus = options?.httpStatus;
  }
}

/** A block's bytes do not hash to the CID they were requested or stored under. */
export class BlockMismatchError extends StorageError {
  /** The CID the bytes were supposed to have. */
  readonly expected: string;
  /** The CID the bytes actually hash to (same codec and hash function). */
  readonly actual: string;

  /** `message` replaces the default text (used by {@link CorruptBlockFileError}). */
  constructor(expected: string, actual: string, where: string, message?: string) {
    super(
      "BLOCK_MISMATCH",
      message ??
        `${where}: bytes hash to ${actual}, not to the requested ${expected}. ` +
          "The data is corrupted, truncated or tampered with; it was rejected. " +
          "Fetch it again from another source.",
    );
    this.name = "BlockMismatchError";
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A block file of the local store whose bytes do not hash to its CID. The
 * store moved it aside (`quarantinedTo`) when it found it, so the block now
 * counts as missing and a good copy can be fetched again.
 */
export class CorruptBlockFileError extends BlockMismatchError {
  /** The corrupt file, where it was found. */
  readonly file: string;
  /** Where it was moved (undefined if it could not be moved). */
  readonly quarantinedTo: string | undefined;

  constructor(expected: string, actual: string, file: string, quarantinedTo: string | undefined) {
    super(
      expected,
      actual,
      `local store file ${file}`,
      `local store file ${file} is corrupt: its bytes hash to ${actual}, not to ${expected}. ` +
        (quarantinedTo === undefined ? "It could not be moved aside; delete it. " : `It was moved to ${quarantinedTo}. `) +
        "Fetch the block again from a gateway (--gateway <url>) or put the content again.",
    );
    this.name = "CorruptBlockFileError";
    this.file = file;
    this.quarantinedTo = quarantinedTo;
  }
}

/** A block is not available from the store being asked. */
export class BlockNotFoundError extends StorageError {
  /** The missing block's CID. */
  readonly cid: string;

  constructor(cid: string, where: string) {
    super(
      "BLOCK_NOT_FOUND",
      `block ${cid} is not in ${where}. Put or import the content first ` +
        "(`npx hardhat storage put <path>`), or fetch it from a gateway " +
        "(`npx hardhat storage get <cid> <out> --gateway <url>`).",
    );
    this.name = "BlockNotFoundError";
    this.cid = cid;
  }
}

/** One failed attempt against one gateway, as reported to callers. */
export interface GatewayAttempt {
  /** Base URL of the gateway. */
  gateway: string;
  /** What went wrong. */
  reason: "timeout" | "unreachable" | "http-status" | "mismatch" | "truncated" | "too-large" | "invalid-car";
  /** Human-readable detail. */
  detail: string;
}

/** Every gateway in the list failed for one CID. */
export class GatewayFetchError extends StorageError {
  /** The CID that could not be fetched. */
  readonly cid: string;
  /** One entry per failed attempt, in order. */
  readonly attempts: readonly GatewayAttempt[];

  constructor(cid: string, attempts: readonly GatewayAttempt[]) {
    const lines = attempts.map((a) => `  - ${a.gateway}: ${a.reason}: ${a.detail}`);
    super(
      "GATEWAY_FAILED",
      `could not fetch a verified copy of ${cid} from any gateway:\n${lines.join("\n")}\n` +
        (attempts.length === 0
          ? "No gateway was configured: pass at least one (--gateway <url>)."
          : "Check the gateway URLs, add another gateway, or raise the timeout."),
    );
    this.name = "GatewayFetchError";
    this.cid = cid;
    this.attempts = attempts;
  }
}
