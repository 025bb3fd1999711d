/** Identity of a source set, shared by every part of a split run. */
import { createHash } from "node:crypto";

import type { SampleSource, SourceDescription } from "../sources/index.js";

/** The descriptions, fingerprints and identifier of a source set. */
export interface SourceSetIdentity {
  readonly sources: readonly SourceDescription[];
  readonly fingerprints: readonly string[];
  /** SHA-256 hex of the canonical JSON of { sources, fingerprints, private }. */
  readonly id: string;
}

/**
 * Computes the identity of `sources` (listing every directory and reading
 * IDX headers to fingerprint them). Two machines get the same id exactly
 * when they name the same sources the same way and see the same files.
 */
export async function sourceSetIdentity(sources: readonly SampleSource[], isPrivate: boolean): Promise<SourceSetIdentity> {
  const descriptions = sources.map((s) => s.description);
  const fingerprints = await Promise.all(sources.map((s) => s.fingerprint()));
  const id = createHash("sha256")
    .update(JSON.stringify({ sources: descriptions, fingerprints, private: isPrivate }))
    .digest("hex");
  return { sources: descriptions, fingerprints, id };
}
