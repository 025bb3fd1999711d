/**
 * A token metadata document as bytes: the size limit (one 256 KiB IPFS
 * block, so its CID — a raw-leaf CIDv1 — can be computed locally and
 * matches the one the storage service returns), the ERC-721 attribute shape
 * and the canonical JSON serialization ({@link metadataBytes}: the same
 * input gives the same bytes, hence the same IPFS CID).
 */
import { UserError } from "../errors/index.js";
import { canonicalJsonBytes, type JsonObject } from "./canonical-json.js";

/** Largest metadata document, in bytes: one IPFS block (256 KiB). */
export const METADATA_MAX_BYTES = 262_144;

/** An ERC-721 / OpenSea-style attribute. */
export interface Attribute {
  readonly trait_type: string;
  readonly value: string | number;
  readonly display_type?: "number";
}

/** Throws a {@link UserError} when the canonical JSON of `doc` is larger than {@link METADATA_MAX_BYTES}. */
export function assertMetadataSize(doc: JsonObject): void {
  const size = canonicalJsonBytes(doc).length;
  if (size > METADATA_MAX_BYTES) {
    throw new UserError(
      `The metadata is ${size} bytes, more than one IPFS block (${METADATA_MAX_BYTES} bytes).`,
      "Shorten the description, keywords or hyperparameters (large artefacts belong in separate files referenced by CID).",
      { family: "data" },
    );
  }
}

/** Canonical JSON bytes of a metadata document: what is uploaded, and what its CID is computed from. */
export function metadataBytes(metadata: JsonObject): Uint8Array {
  return canonicalJsonBytes(metadata);
}
