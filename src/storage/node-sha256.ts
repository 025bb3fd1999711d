/**
 * SHA-256 through Node's OpenSSL binding (≈ 1.85 GB/s per core with SHA-NI
 * on the project machine, vs 0.2–0.45 GB/s for JS/WASM). Node-only: browser
 * code uses `webSha256` from `verify-block.ts` instead.
 */
import { createHash } from "node:crypto";

/** Synchronous SHA-256 of `bytes` (32-byte result). */
export function nodeSha256(bytes: Uint8Array): Uint8Array {
  return createHash("sha256").update(bytes).digest();
}
