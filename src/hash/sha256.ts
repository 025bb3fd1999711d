/**
 * SHA-256 of sample bytes: `sampleHash = SHA-256(sample)` (docs/merkle-scheme.md).
 *
 * Uses Node's one-shot `crypto.hash` (OpenSSL, SHA-NI where the CPU has it),
 * which avoids the Hash object of `createHash` and is the fastest path for
 * small samples; falls back to `createHash` on Node versions without it.
 */
import * as crypto from "node:crypto";

/** Bytes of a SHA-256 digest. */
export const SHA256_DIGEST_BYTES = 32;

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: "buffer") => Buffer;
const oneShot: OneShotHash | undefined = (crypto as { hash?: OneShotHash }).hash;

/**
 * SHA-256 digest of `bytes` (32 bytes), as a plain Uint8Array (not a Buffer,
 * whose `slice()` would share memory instead of copying).
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  const digest = oneShot !== undefined ? oneShot("sha256", bytes, "buffer") : crypto.createHash("sha256").update(bytes).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}
