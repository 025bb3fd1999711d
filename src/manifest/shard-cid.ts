/**
 * Raw-block CIDs of manifest files: CIDv1, codec raw (0x55), sha2-256. A
 * shard's CID follows from its `shardSha256` index field alone, so a verifier
 * holding the index can fetch any shard from any IPFS gateway and check it.
 */
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { sha256 } from "multiformats/hashes/sha2";

/** Multicodec code of raw bytes. */
export const RAW_CODEC = 0x55;

/** The raw-block CID (v1, base32 `bafkrei…`) whose sha2-256 digest is `digest`. */
export function rawCidFromSha256(digest: Uint8Array): CID {
  if (digest.length !== 32) throw new RangeError(`a sha2-256 digest has 32 bytes, got ${digest.length}`);
  return CID.createV1(RAW_CODEC, Digest.create(sha256.code, digest));
}

/** The raw-block CID of `bytes`. */
export async function rawCidOf(bytes: Uint8Array): Promise<CID> {
  return CID.createV1(RAW_CODEC, await sha256.digest(bytes));
}
