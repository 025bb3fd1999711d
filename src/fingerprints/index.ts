/**
 * Proof of ownership by fingerprints, after OML 1.0 (docs/fingerprints.md):
 * generating secret key → response pairs, committing them as a Merkle root,
 * asking a suspect model (OpenAI-compatible API) or reading its collected
 * answers, measuring fingerprint accuracy, and evidence files a third party
 * checks against the chain.
 */
export { apiUrl, complete } from "./completion-client.js";
export type { CompletionRequestOptions } from "./completion-client.js";
export { checkFingerprints, parseObservedResponses, requireCommittedPairs } from "./fingerprint-check.js";
export type { CheckFingerprintsInput, FingerprintCheck, KeyResult } from "./fingerprint-check.js";
export { fingerprintLeaf, fingerprintRootOf, fingerprintTree, proveFingerprint, verifyFingerprint } from "./fingerprint-commitment.js";
export type { FingerprintProof, FingerprintTree } from "./fingerprint-commitment.js";
export { buildEvidence, EVIDENCE_FORMAT, parseEvidence, verifyEvidence } from "./fingerprint-evidence.js";
export type { EvidenceMatch, EvidenceVerification, FingerprintEvidence } from "./fingerprint-evidence.js";
export { FINGERPRINTS_FORMAT, readPairsFile, validatePairs, writePairsFile } from "./fingerprint-pairs.js";
export type { FingerprintPair, FingerprintSet } from "./fingerprint-pairs.js";
export { readFingerprintRegistration } from "./fingerprint-registration.js";
export type { FingerprintRegistration } from "./fingerprint-registration.js";
export { generatePairs, STRATEGIES } from "./generate-pairs.js";
export type { FingerprintStrategy, GeneratePairsOptions } from "./generate-pairs.js";
export { accuracyOf, matchResponse } from "./response-match.js";
export type { FingerprintAccuracy, ResponseMatch } from "./response-match.js";
