/**
 * Block verification: bytes are only ever used after they hash to the CID
 * they were asked for. This is the single place where that check happens,
 * for the local store, gateways, CAR import and the local server alike.
 *
 * Browser-safe: the default SHA-256 is WebCrypto (`crypto.subtle`), present
 * in Node ≥ 19 and in browsers (secure contexts, which include
 * http://127.0.0.1 and http://localhost). Node callers pass the faster
 * synchronous `node:crypto` hasher from `node-sha256.ts`.
 */
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";

import { IDENTITY_CODE, SHA2_256_CODE, type AnyCid } from "./cid.js";
import { BlockMismatchError, StorageError } from "./errors.js";

/** A SHA-256 implementation: sync (node:crypto) or async (WebCrypto). */
export type Sha256 = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** SHA-256 through WebCrypto; works in Node and in browsers. */
export async function webSha256(bytes: Uint8Array): Promise<Uint8Array> {
  // WebCrypto wants an ArrayBuffer-backed view; copy only when needed.
  const view = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", view));
}

/**
 * Checks that `bytes` hash to `cid`'s multihash. Supports sha2-256 and the
 * identity multihash (any codec: only the hash is checked). Throws
 * `BlockMismatchError` naming both CIDs, with `where` telling the reader
 * which source delivered the bad bytes.
 */
export async function verifyBlock(
  cid: AnyCid,
  bytes: Uint8Array,
  where = "block",
  sha256: Sha256 = webSha256,
): Promise<void> {
  const code = cid.multihash.code;
  if (code === SHA2_256_CODE) {
    const digest = await sha256(bytes);
    if (!equalBytes(digest, cid.multihash.digest)) {
      const actual = CID.create(cid.version, cid.code, Digest.create(SHA2_256_CODE, digest));
      throw new BlockMismatchError(cid.toString(), actual.toString(), where);
    }
    return;
  }
  if (code === IDENTITY_CODE) {
    if (!equalBytes(bytes, cid.multihash.digest)) {
      const actual = CID.create(cid.version, cid.code, Digest.create(IDENTITY_CODE, bytes));
      throw new BlockMismatchError(cid.toString(), actual.toString(), where);
    }
    return;
  }
  throw new StorageError(
    "UNSUPPORTED_CID",
    `${cid} uses multihash 0x${code.toString(16)}; only sha2-256 (0x12) and identity (0x00) ` +
      "can be verified here. Re-add the content with sha2-256 (the IPFS default).",
  );
}

/** Byte-wise equality of two arrays. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}
