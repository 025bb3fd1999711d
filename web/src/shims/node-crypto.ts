/**
 * Browser stand-in for the one `node:crypto` API the core library uses on the
 * page's code path: `createHash("sha256").update(bytes).digest()` (shard
 * checks in `src/manifest/manifest-reader.ts`). The bundler maps `node:crypto`
 * here (scripts/build-web.ts); SHA-256 comes from ethers (@noble/hashes).
 */
import { getBytes, sha256 } from "ethers";

/** The subset of Node's Hash object the core uses. */
export interface Sha256Hash {
  /** Appends bytes to the message. */
  update(data: Uint8Array): Sha256Hash;
  /** The 32-byte digest of everything appended. */
  digest(): Uint8Array;
}

/** `createHash("sha256")`; any other algorithm throws. */
export function createHash(algorithm: string): Sha256Hash {
  if (algorithm.toLowerCase() !== "sha256") {
    throw new Error(`node:crypto shim: createHash("${algorithm}") is not available in the browser bundle (only sha256).`);
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  const hash: Sha256Hash = {
    update(data) {
      parts.push(data);
      total += data.length;
      return hash;
    },
    digest() {
      const message = new Uint8Array(total);
      let at = 0;
      for (const part of parts) {
        message.set(part, at);
        at += part.length;
      }
      return getBytes(sha256(message));
    },
  };
  return hash;
}
