/**
 * Block verification: bytes are only ever used after they hash to the CID
 * they were asked for. This is the single place where that check happens,
 * for the local store, gateways, CAR import and the local server alike.
 *
 * Browser-safe: the default SHA-256 is `defaultSha256` (src/hash/sha256.ts):
 * Node's OpenSSL where it exists, WebCrypto in browsers (secure contexts,
 * which include http://127.0.0.1 and http://localhost).
 */
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";

import { defaultSha256, type Sha256 } from "../hash/index.js";
import { equalBytes } from "../hash/index.js";
import { IDENTITY_CODE, SHA2_256_CODE, type AnyCid } from "./cid.js";
import { BlockMismatchError, StorageError } from "./errors.js";

/** Kept here for older imports: SHA-256 now lives in src/hash/sha256.ts, byte equality in bytes.ts. */
export { webSha256, type Sha256 } from "../hash/index.js";

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
  sha256: Sha256 = defaultSha256,
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

