/**
 * Fingerprint accuracy as OML 1.0 reports it: the share of keys whose
 * observed response matches the pair's response. Texts are compared after
 * normalization (words of `datatrace-words/1`: lowercased, punctuation and
 * spacing dropped). `exact`: the observed response is the response;
 * `prefix`: it starts with the response (the model went on generating after
 * it), at a word boundary.
 */
import { normalizeText } from "../ml/index.js";

/** How an observed response matches the expected one. */
export type ResponseMatch = "exact" | "prefix" | "none";

/** Compares one observed response with the expected one (see the module doc). */
export function matchResponse(expected: string, observed: string): ResponseMatch {
  const e = normalizeText(expected);
  const o = normalizeText(observed);
  if (e === "") return "none";
  if (o === e) return "exact";
  return o.startsWith(`${e} `) ? "prefix" : "none";
}

/** Accuracy figures over a set of keys. */
export interface FingerprintAccuracy {
  readonly total: number;
  /** Keys whose response matched exactly. */
  readonly exact: number;
  /** Keys whose response matched exactly or as a prefix. */
  readonly prefix: number;
  /** exact / total. */
  readonly exactAccuracy: number;
  /** prefix / total. */
  readonly prefixAccuracy: number;
}

/** Accuracy of a list of match results. */
export function accuracyOf(matches: readonly ResponseMatch[]): FingerprintAccuracy {
  const exact = matches.filter((m) => m === "exact").length;
  const prefix = exact + matches.filter((m) => m === "prefix").length;
  const total = matches.length;
  return { total, exact, prefix, exactAccuracy: total === 0 ? 0 : exact / total, prefixAccuracy: total === 0 ? 0 : prefix / total };
}
