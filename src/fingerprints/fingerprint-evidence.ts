/**
 * Evidence files (docs/fingerprints.md): what a fingerprint check found, in
 * a form a third party can check against the chain without seeing the pairs
 * that were not matched.
 *
 *   {"format":"datatrace-fingerprint-evidence/1",
 *    "commitment":{"chainId","modelNFT","tokenId","fingerprintRoot","leafCount","registrant","registeredAt","blockNumber","txHash"},
 *    "check":{"endpoint","model","checkedAt","asked","exact","prefix"},
 *    "matches":[{"key","response","observed","match","index","path"}]}
 *
 * Checked by {@link verifyEvidence}: the chain id and ModelNFT address are
 * those of the connection; the token commits that root; every revealed pair
 * is proven a leaf of it and its observed text matches its response as
 * claimed; the registrant, time, block and transaction are the token's.
 * The `check` part (which endpoint, when, how many keys were asked) is the
 * checker's statement: the chain cannot confirm it.
 */
import { UserError } from "../errors/index.js";
import type { RegistryClient } from "../chain/index.js";
import { proveFingerprint, verifyFingerprint } from "./fingerprint-commitment.js";
import type { FingerprintCheck } from "./fingerprint-check.js";
import { readFingerprintRegistration, type FingerprintRegistration } from "./fingerprint-registration.js";
import { matchResponse } from "./response-match.js";

/** Format tag of an evidence file. */
export const EVIDENCE_FORMAT = "datatrace-fingerprint-evidence/1";

/** One revealed, matched pair with its proof. */
export interface EvidenceMatch {
  readonly key: string;
  readonly response: string;
  readonly observed: string;
  readonly match: "exact" | "prefix";
  readonly index: number;
  readonly path: readonly string[];
}

/** An evidence file. */
export interface FingerprintEvidence {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly commitment: FingerprintRegistration & { readonly leafCount: number };
  readonly check: {
    readonly endpoint: string | null;
    readonly model: string | null;
    readonly checkedAt: string;
    readonly asked: number;
    readonly exact: number;
    readonly prefix: number;
  };
  readonly matches: readonly EvidenceMatch[];
}

/** The evidence of a check: every matched pair with its proof. */
export function buildEvidence(check: FingerprintCheck, meta: { endpoint?: string | undefined; model?: string | undefined; checkedAt?: Date }): FingerprintEvidence {
  const matches: EvidenceMatch[] = [];
  for (const r of check.results) {
    if (r.match === "none") continue;
    const proof = proveFingerprint(check.tree, r);
    matches.push({ key: r.key, response: r.response, observed: r.observed, match: r.match, index: proof.index, path: proof.path });
  }
  return {
    format: EVIDENCE_FORMAT,
    commitment: { ...check.registration, leafCount: check.tree.leafCount },
    check: {
      endpoint: meta.endpoint ?? null,
      model: meta.model ?? null,
      checkedAt: (meta.checkedAt ?? new Date()).toISOString(),
      asked: check.accuracy.total,
      exact: check.accuracy.exact,
      prefix: check.accuracy.prefix,
    },
    matches,
  };
}

/** What {@link verifyEvidence} found. */
export interface EvidenceVerification {
  readonly valid: boolean;
  /** What went wrong, first problem first. */
  readonly problems: readonly string[];
  /** Matched pairs proven committed by the token. */
  readonly provenPairs: number;
  /** The chain's own facts about the token. */
  readonly onChain: FingerprintRegistration;
}

/** Parses an evidence file's text; a UserError when it is not one. */
export function parseEvidence(text: string, where: string): FingerprintEvidence {
  let parsed: Partial<FingerprintEvidence>;
  try {
    parsed = JSON.parse(text) as Partial<FingerprintEvidence>;
  } catch {
    throw new UserError(`${where} is not JSON.`, "Give the evidence file written by `model fingerprints check --out`.", { family: "data" });
  }
  const c = parsed.commitment as Partial<FingerprintEvidence["commitment"]> | undefined;
  if (parsed.format !== EVIDENCE_FORMAT || typeof c !== "object" || c === null || typeof c.tokenId !== "string" || !/^[1-9]\d*$/.test(c.tokenId) || !Array.isArray(parsed.matches)) {
    throw new UserError(`${where} is not a ${EVIDENCE_FORMAT} file.`, "Give the evidence file written by `model fingerprints check --out`.", { family: "data" });
  }
  return parsed as FingerprintEvidence;
}

/** Checks an evidence file against the chain `client` is connected to (see the module doc). */
export async function verifyEvidence(client: RegistryClient, evidence: FingerprintEvidence): Promise<EvidenceVerification> {
  const c = evidence.commitment;
  const problems: string[] = [];
  if (c.chainId !== client.chainId.toString()) {
    throw new UserError(`The evidence is about chain ${c.chainId}, but this connection is to chain ${client.chainId}.`, "Verify it on the network it names (--network).", { family: "usage" });
  }
  if (c.modelNFT.toLowerCase() !== client.addresses.modelNFT.toLowerCase()) {
    problems.push(`the evidence names ModelNFT ${c.modelNFT}, but the registry on chain ${c.chainId} is ${client.addresses.modelNFT}`);
  }
  const onChain = await readFingerprintRegistration(client, BigInt(c.tokenId));
  if (onChain.fingerprintRoot.toLowerCase() !== String(c.fingerprintRoot).toLowerCase()) problems.push(`token #${c.tokenId} commits fingerprint root ${onChain.fingerprintRoot}, not ${c.fingerprintRoot}`);
  if (onChain.registrant.toLowerCase() !== String(c.registrant).toLowerCase()) problems.push(`token #${c.tokenId} was registered by ${onChain.registrant}, not ${c.registrant}`);
  if (onChain.registeredAt !== c.registeredAt) problems.push(`token #${c.tokenId} was registered at ${onChain.registeredAt} (${new Date(onChain.registeredAt * 1000).toISOString()}), not at ${c.registeredAt}`);
  if (onChain.blockNumber !== null && c.blockNumber !== onChain.blockNumber) problems.push(`token #${c.tokenId} was registered in block ${onChain.blockNumber}, not ${c.blockNumber}`);
  if (onChain.txHash !== null && String(c.txHash).toLowerCase() !== onChain.txHash.toLowerCase()) problems.push(`token #${c.tokenId} was registered by transaction ${onChain.txHash}, not ${c.txHash}`);
  let proven = 0;
  const seen = new Set<string>();
  evidence.matches.forEach((m, i) => {
    const where = `match ${i} (key ${JSON.stringify(String(m.key).slice(0, 40))})`;
    if (typeof m.key !== "string" || typeof m.response !== "string" || typeof m.observed !== "string" || !Array.isArray(m.path)) {
      problems.push(`${where} is malformed`);
      return;
    }
    if (seen.has(m.key)) problems.push(`${where} repeats a key`);
    seen.add(m.key);
    if (!verifyFingerprint(onChain.fingerprintRoot, c.leafCount, m, { index: m.index, path: m.path })) {
      problems.push(`${where}: the pair is not proven a leaf of the committed root (forged or altered pair, or a wrong proof)`);
      return;
    }
    const actual = matchResponse(m.response, m.observed);
    if (actual !== m.match) problems.push(`${where}: the observed text is a${actual === "none" ? " non-" : "n " + actual + " "}match, not the claimed ${m.match} match`);
    else proven++;
  });
  if (evidence.matches.length === 0) problems.push("the evidence reveals no matched pair");
  return { valid: problems.length === 0, problems, provenPairs: proven, onChain };
}
