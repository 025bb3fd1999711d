/**
 * CIDs as Datatrace uses them: CIDv1, sha2-256, with the `raw` codec for
 * leaves and single-block files and `dag-pb` for UnixFS nodes. Strings are
 * always the canonical base32 (`b…`) form of CIDv1, so two names for the
 * same content compare equal as strings. Browser-safe.
 */
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";

import { StorageError } from "./errors.js";

/** Multicodec of raw blocks (bytes are the content). */
export const RAW_CODEC = 0x55;
/** Multicodec of dag-pb nodes (UnixFS files with several blocks, directories). */
export const DAG_PB_CODEC = 0x70;
/** Multihash code of sha2-256. */
export const SHA2_256_CODE = 0x12;
/** Multihash code of the identity "hash" (inline data). */
export const IDENTITY_CODE = 0x00;

/** Any CID (version, codec and hash left open). */
export type AnyCid = CID;

/** The CIDv1 of a block with the given codec whose SHA-256 digest is `digest`. */
export function cidFromSha256(codec: number, digest: Uint8Array): AnyCid {
  if (digest.length !== 32) {
    throw new StorageError("INVALID_CID", `a sha2-256 digest has 32 bytes, got ${digest.length}`);
  }
  return CID.createV1(codec, Digest.create(SHA2_256_CODE, digest));
}

/**
 * Parses a CID string (CIDv0 `Qm…` or CIDv1 in any multibase multiformats
 * knows by default: base32 `b…`, base58btc `z…`, base36 `k…`). Throws a
 * `StorageError` (INVALID_CID) naming the bad input.
 */
export function parseCid(text: string): AnyCid {
  const trimmed = text.trim();
  try {
    return CID.parse(trimmed);
  } catch (error) {
    throw new StorageError(
      "INVALID_CID",
      `"${trimmed}" is not a CID (${(error as Error).message}). ` +
        "Expected something like bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am.",
      { cause: error },
    );
  }
}

/** Accepts a CID or a CID string and returns the CID. */
export function toCid(cid: AnyCid | string): AnyCid {
  return typeof cid === "string" ? parseCid(cid) : cid;
}

/**
 * The canonical string of a CID: CIDv1 in base32. CIDv0 input is upgraded
 * (same multihash, dag-pb codec), so `Qm…` and its `bafy…` twin get one key.
 */
export function cidKey(cid: AnyCid | string): string {
  const parsed = toCid(cid);
  return (parsed.version === 0 ? parsed.toV1() : parsed).toString();
}

/** Whether two CIDs name the same block (after CIDv0 → CIDv1 upgrade). */
export function sameCid(a: AnyCid | string, b: AnyCid | string): boolean {
  return cidKey(a) === cidKey(b);
}
