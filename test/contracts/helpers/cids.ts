/**
 * CIDs for contract tests, made with `multiformats` (an implementation independent of contracts/cid/Cid.sol).
 */
import { createHash } from "node:crypto";

import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";

/** The multicodec of raw bytes (`bafkrei…`). */
export const RAW = 0x55;
/** The multicodec of dag-pb / UnixFS (`bafybei…`). */
export const DAG_PB = 0x70;
/** The multihash code of sha2-256. */
const SHA2_256 = 0x12;

/** The CIDv1 (base32) of `codec` over a sha2-256 `digest` given as 0x-hex. */
export function cidOf(codec: number, digestHex: string): string {
  const digest = Buffer.from(digestHex.replace(/^0x/, ""), "hex");
  return CID.create(1, codec, createDigest(SHA2_256, digest)).toString();
}

/** The CIDv1 (base32) of `bytes` stored as a single block of `codec` (sha2-256 of the bytes). */
export function cidOfBytes(bytes: string | Uint8Array, codec = RAW): string {
  return cidOf(codec, createHash("sha256").update(bytes).digest("hex"));
}
