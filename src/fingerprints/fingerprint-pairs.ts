/**
 * Fingerprint pairs and the file that keeps them secret (docs/fingerprints.md):
 *
 *   {"format":"datatrace-fingerprints/1","strategy":"random-words","seed":"…",
 *    "pairs":[{"key":"…","response":"…"}, …]}
 *
 * Keys are distinct; keys and responses are non-empty text. Only the Merkle
 * root over the pairs is published (fingerprint-commitment.ts); the file is
 * kept by the model owner and revealed pair by pair, in evidence files.
 */
import { readFile, writeFile } from "node:fs/promises";

import { DatatraceError } from "../errors/index.js";
import { UserError } from "../errors/index.js";
import { canonicalJson } from "../registry/index.js";

/** Format tag of a pairs file. */
export const FINGERPRINTS_FORMAT = "datatrace-fingerprints/1";

/** One fingerprint: the key to ask, the response the fingerprinted model gives. */
export interface FingerprintPair {
  readonly key: string;
  readonly response: string;
}

/** A pairs file. */
export interface FingerprintSet {
  readonly format: typeof FINGERPRINTS_FORMAT;
  /** How the pairs were made (informational). */
  readonly strategy?: string;
  /** The generator's seed (informational; the file is secret anyway). */
  readonly seed?: string;
  readonly pairs: readonly FingerprintPair[];
}

/** Checks pairs (non-empty strings, distinct keys); throws naming the first bad one. */
export function validatePairs(pairs: unknown, where = "the pairs"): FingerprintPair[] {
  if (!Array.isArray(pairs) || pairs.length === 0) throw new DatatraceError(`${where} hold no pair`);
  const keys = new Set<string>();
  return pairs.map((p, i) => {
    const pair = p as Partial<FingerprintPair> | null;
    if (typeof pair !== "object" || pair === null || typeof pair.key !== "string" || typeof pair.response !== "string" || pair.key.trim() === "" || pair.response.trim() === "") {
      throw new DatatraceError(`pair ${i} of ${where} is not {"key": non-empty text, "response": non-empty text}`);
    }
    if (keys.has(pair.key)) throw new DatatraceError(`pair ${i} of ${where} repeats the key ${JSON.stringify(pair.key)}`);
    keys.add(pair.key);
    return { key: pair.key, response: pair.response };
  });
}

/** Reads and checks a pairs file; a UserError naming the problem. */
export async function readPairsFile(file: string): Promise<FingerprintSet> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UserError(`Cannot read the fingerprint pairs ${file}.`, "Check the path: the file written by `model fingerprints generate`.", { family: "not-found", cause: error });
  }
  try {
    const parsed = JSON.parse(text) as Partial<FingerprintSet>;
    if (typeof parsed !== "object" || parsed === null || parsed.format !== FINGERPRINTS_FORMAT) throw new DatatraceError(`it is not a ${FINGERPRINTS_FORMAT} file`);
    return { ...parsed, format: FINGERPRINTS_FORMAT, pairs: validatePairs(parsed.pairs, file) };
  } catch (error) {
    throw new UserError(`The fingerprint pairs ${file} are malformed: ${(error as Error).message}.`, "Give the file written by `model fingerprints generate` (format in docs/fingerprints.md).", {
      family: "data",
      cause: error,
    });
  }
}

/** Writes a pairs file (canonical JSON, owner-only permissions: the pairs are secret). */
export async function writePairsFile(file: string, set: FingerprintSet): Promise<void> {
  await writeFile(file, `${canonicalJson(set)}\n`, { mode: 0o600 });
}
