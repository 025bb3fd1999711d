/**
 * The one place where training code turns weights into the digest a log and
 * a ModelNFT record (`weightsDigest` of checkpoint and run-end entries,
 * `weightsHash` on chain): the subject digest of the OpenSSF model_signing
 * statement of the files (src/models, docs/models.md) — SHA-256 over the
 * files' SHA-256 digests in model_signing's path order. It depends on the
 * files' contents and order only, so a checkpoint written under another
 * directory name keeps its digest.
 */
import { hashModel, statementOfBytes } from "../models/index.js";
import type { Hex32 } from "./log-entry.js";

/** Name of the digest scheme these functions implement (for messages and docs). */
export const WEIGHTS_DIGEST_SCHEME = "model_signing v1.0 subject digest";

/** Weights digest of a weights file or directory. */
export async function weightsDigestOf(weightsPath: string): Promise<Hex32> {
  return (await hashModel(weightsPath)).hashed.weightsHash as Hex32;
}

/** Weights digest of weights held in memory, as the files they would be written to (`path` relative, POSIX). */
export function weightsDigestOfFiles(files: Iterable<{ readonly path: string; readonly bytes: Uint8Array }>): Hex32 {
  return statementOfBytes("model", [...files].map((f) => ({ name: f.path, bytes: f.bytes }))).weightsHash as Hex32;
}
