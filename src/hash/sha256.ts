/**
 * SHA-256 of sample bytes: `sampleHash = SHA-256(sample)` (docs/merkle-scheme.md),
 * and the SHA-256 used to verify blocks and shards against their CIDs.
 *
 * - `sha256`: synchronous, Node's one-shot `crypto.hash` (OpenSSL, SHA-NI
 *   where the CPU has it; the fastest path for small samples), falling back
 *   to `createHash` on Node versions without it. Node only.
 * - `webSha256`: asynchronous, WebCrypto (`crypto.subtle`); Node ≥ 19 and
 *   browsers (secure contexts, which include http://127.0.0.1 and http://localhost).
 * - `defaultSha256`: `sha256` where Node's crypto exists, else `webSha256`.
 *
 * Browser-safe: node:crypto is reached through `process.getBuiltinModule`
 * (Node ≥ 20.16 / 22.3), not an import, so modules that default to
 * `defaultSha256` (the manifest reader, for one) can be bundled for the page.
 */
import { DatatraceError } from "../errors/index.js";

/** Bytes of a SHA-256 digest. */
export const SHA256_DIGEST_BYTES = 32;

/** A SHA-256 implementation: synchronous (`sha256`) or asynchronous (`webSha256`). */
export type Sha256 = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** The part of node:crypto used here. */
interface NodeCrypto {
  hash?: (algorithm: string, data: Uint8Array, outputEncoding: "buffer") => Uint8Array;
  createHash(algorithm: string): { update(data: Uint8Array): { digest(): Uint8Array } };
}

const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:crypto") as
  | NodeCrypto
  | undefined;

/** Whether the synchronous {@link sha256} works here (Node's crypto is present). */
export const hasNodeSha256 = nodeCrypto !== undefined;

/**
 * SHA-256 digest of `bytes` (32 bytes), synchronously, as a plain Uint8Array
 * (not a Buffer, whose `slice()` would share memory instead of copying).
 * Throws where Node's crypto is missing (a browser): use {@link webSha256} there.
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  if (nodeCrypto === undefined) {
    throw new DatatraceError("sha256: node:crypto is not available in this runtime (a browser?); use the asynchronous webSha256 or defaultSha256 instead.");
  }
  const digest = nodeCrypto.hash !== undefined ? nodeCrypto.hash("sha256", bytes, "buffer") : nodeCrypto.createHash("sha256").update(bytes).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}

/** SHA-256 digest of `bytes` through WebCrypto; works in Node and in browsers. */
export async function webSha256(bytes: Uint8Array): Promise<Uint8Array> {
  // WebCrypto wants an ArrayBuffer-backed view; copy only when needed.
  const view = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", view));
}

/** The SHA-256 to use when none is injected: {@link sha256} in Node, {@link webSha256} elsewhere. */
export const defaultSha256: Sha256 = hasNodeSha256 ? sha256 : webSha256;
