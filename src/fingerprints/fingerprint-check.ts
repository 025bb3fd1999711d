/**
 * `model fingerprints check`: ask a suspect model every key of a committed
 * set (or read the responses collected elsewhere), measure fingerprint
 * accuracy, and make an evidence file of the matched pairs. The pairs must
 * be the set the token committed (same root), so the evidence can be
 * checked against the chain by anyone (fingerprint-evidence.ts).
 */
import { UserError } from "../errors/index.js";
import { fingerprintTree, type FingerprintTree } from "./fingerprint-commitment.js";
import type { FingerprintPair, FingerprintSet } from "./fingerprint-pairs.js";
import type { FingerprintRegistration } from "./fingerprint-registration.js";
import { accuracyOf, matchResponse, type FingerprintAccuracy, type ResponseMatch } from "./response-match.js";

/** The verdict on one key. */
export interface KeyResult extends FingerprintPair {
  readonly observed: string;
  readonly match: ResponseMatch;
}

/** What a check found. */
export interface FingerprintCheck {
  readonly registration: FingerprintRegistration;
  readonly results: readonly KeyResult[];
  readonly accuracy: FingerprintAccuracy;
  readonly tree: FingerprintTree;
}

/** Inputs of {@link checkFingerprints}. */
export interface CheckFingerprintsInput {
  readonly pairs: FingerprintSet;
  readonly registration: FingerprintRegistration;
  /** The suspect model's answer to a key (an endpoint query, or a lookup in collected responses). */
  readonly ask: (key: string, pair: FingerprintPair) => Promise<string>;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Checks that the pairs are the committed set (a UserError otherwise) and returns their tree. */
export function requireCommittedPairs(pairs: FingerprintSet, registration: FingerprintRegistration): FingerprintTree {
  const tree = fingerprintTree(pairs.pairs);
  if (tree.root !== registration.fingerprintRoot.toLowerCase()) {
    throw new UserError(
      `These ${pairs.pairs.length} pairs have root ${tree.root}, but model #${registration.tokenId} commits ${registration.fingerprintRoot}.`,
      "Give the pairs file that was registered with this model (model register --fingerprints).",
      { family: "data" },
    );
  }
  return tree;
}

/** Runs the check (see the module doc); keys are asked one after another. */
export async function checkFingerprints(input: CheckFingerprintsInput): Promise<FingerprintCheck> {
  const tree = requireCommittedPairs(input.pairs, input.registration);
  const results: KeyResult[] = [];
  for (const pair of input.pairs.pairs) {
    const observed = await input.ask(pair.key, pair);
    results.push({ ...pair, observed, match: matchResponse(pair.response, observed) });
    input.onProgress?.(results.length, input.pairs.pairs.length);
  }
  return { registration: input.registration, results, accuracy: accuracyOf(results.map((r) => r.match)), tree };
}

/** Responses collected elsewhere: JSON Lines of `{"key": …, "response": …}`; a UserError names a bad line. */
export function parseObservedResponses(text: string, where: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let record: { key?: unknown; response?: unknown };
    try {
      record = JSON.parse(line) as { key?: unknown; response?: unknown };
    } catch {
      record = {};
    }
    if (typeof record.key !== "string" || typeof record.response !== "string") {
      throw new UserError(`${where} line ${i + 1} is not {"key": text, "response": text}.`, "Write one JSON object per line with the key asked and the response observed.", { family: "data" });
    }
    out.set(record.key, record.response);
  });
  return out;
}
