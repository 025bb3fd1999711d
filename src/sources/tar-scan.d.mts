import type { TarScanResult } from "./sample-batch.js";

/** A member whose data ends more than this past its `tar-scan` range is left to the main thread. */
export declare const SCAN_MEMBER_LIMIT: number;

/** Walks and hashes one `tar-scan` range in the calling thread (a hashing worker) into the slot's memory: see tar-scan.mjs. */
export declare function scanTarRange(
  message: { readonly start: number; readonly end: number; readonly size: number; readonly data: Uint8Array; readonly bounds: Uint32Array },
  digests: Uint8Array,
  fd: number,
  scratch: (minBytes: number) => Uint8Array,
  piece: number,
): { bytes: number; scan: TarScanResult };
