/**
 * The sample hash of everything picked: files through the worker pool,
 * pasted lines with WebCrypto (they are small), pasted hashes as given.
 * Anything that cannot be hashed keeps its reason (an ERROR row), so one
 * unreadable file never stops a run.
 */
import { webSha256 } from "../../../src/hash/index.js";
import type { HashPool, HashProgress } from "../hashing/hash-pool.js";
import type { PickedSample } from "./sample-picker.js";

/** A picked sample with its SHA-256, or why it has none. */
export type HashedSample = { readonly sample: PickedSample; readonly hash: Uint8Array; readonly error?: undefined } | { readonly sample: PickedSample; readonly hash?: undefined; readonly error: string };

/** Hashes `samples` (see the module doc); progress covers the files. */
export async function hashSamples(pool: HashPool, samples: readonly PickedSample[], onProgress?: (progress: HashProgress) => void): Promise<HashedSample[]> {
  const files = samples.flatMap((s, i) => (s.kind === "file" ? [{ i, file: s.file }] : []));
  const outcomes = files.length === 0 ? [] : await pool.hashAll(files.map((f) => f.file), onProgress);
  const byIndex = new Map(files.map((f, k) => [f.i, outcomes[k]!]));
  return Promise.all(
    samples.map(async (sample, i): Promise<HashedSample> => {
      switch (sample.kind) {
        case "file": {
          const outcome = byIndex.get(i)!;
          return outcome.ok ? { sample, hash: outcome.digest } : { sample, error: `cannot read this file: ${outcome.error}` };
        }
        case "hash":
          return { sample, hash: sample.hash };
        case "line":
          return { sample, hash: await webSha256(sample.bytes) };
        case "invalid":
          return { sample, error: sample.error };
      }
    }),
  );
}
