/**
 * The one place where training code turns weights into the digest a log and
 * a ModelNFT record (`weightsDigest` of checkpoint and run-end entries,
 * `weightsHash` on chain). Today it is the SHA-256 of the canonical weights
 * manifest (src/registry/weights.ts, `datatrace-weights/1`); when the
 * project moves to OpenSSF model_signing statements, only these two
 * functions change, and every check of the training module follows.
 */
import { hashWeights, hashWeightsBytes } from "../registry/weights.js";
import type { Hex32 } from "./log-entry.js";

/** Name of the digest scheme these functions implement (recorded nowhere on chain; for messages and docs). */
export const WEIGHTS_DIGEST_SCHEME = "datatrace-weights/1";

/** Weights digest of a weights file or directory. */
export async function weightsDigestOf(weightsPath: string): Promise<Hex32> {
  return (await hashWeights(weightsPath)).weightsHash;
}

/** Weights digest of weights held in memory, as the files they would be written to (`path` relative, POSIX). */
export function weightsDigestOfFiles(files: Iterable<{ readonly path: string; readonly bytes: Uint8Array }>): Hex32 {
  return hashWeightsBytes(files).weightsHash;
}
