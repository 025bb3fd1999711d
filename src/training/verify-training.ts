/**
 * `training verify`: a training log against the model token that commits it.
 *
 * 1. The chain of heads recomputes, line by line, and ends at the token's
 *    `trainingLogHead`; the run is well shaped (log-verification.ts).
 * 2. The run-start entry names exactly the token's training datasets, with
 *    their on-chain roots and leaf counts.
 * 3. Every sample a batch entry lists is a member of one of those datasets
 *    (proofs from the manifests, verified against the on-chain roots); a
 *    sample proven absent from all of them is reported at its batch line.
 *    Batches committed by root only cannot be checked without their samples:
 *    they are counted, not judged (a replay checks them).
 * 4. The run-end digest is the token's weightsHash, and with `weightsPath`
 *    the weights on disk digest to it too.
 *
 * The outcome names the first bad line. What a valid log establishes, and
 * what it does not, is in docs/training-log.md.
 */
import { proveBatchMembership, type MembershipDataset } from "./batch-membership.js";
import { checkTrainingLog, type LogLine, type LogProblem } from "./log-verification.js";
import type { Hex32, RunStartEntry } from "./log-entry.js";
import type { ModelCommitments } from "./model-commitments.js";
import { weightsDigestOf, WEIGHTS_DIGEST_SCHEME } from "./weights-digest.js";

/** Inputs of {@link verifyTraining}. */
export interface VerifyTrainingInput {
  /** The log file's text. */
  readonly logText: string;
  readonly model: ModelCommitments;
  /** The model's datasets, opened (same order as `model.datasets`). */
  readonly datasets: readonly MembershipDataset[];
  /** Weights file or directory to check against the token's weightsHash. */
  readonly weightsPath?: string | undefined;
  /** Progress lines. */
  readonly onProgress?: ((message: string) => void) | undefined;
}

/** What {@link verifyTraining} found. */
export interface TrainingVerification {
  readonly tokenId: bigint;
  readonly valid: boolean;
  readonly firstBadLine: number | null;
  readonly problems: readonly LogProblem[];
  readonly entries: number;
  readonly computedHead: Hex32;
  readonly committedHead: Hex32;
  readonly checkpoints: number;
  /** Batch entries listing their samples / committing them by root only. */
  readonly batches: { readonly listed: number; readonly rootOnly: number };
  /** Distinct listed samples proven members, per dataset id (decimal). */
  readonly membersByDataset: Readonly<Record<string, number>>;
  /** Distinct listed samples proven absent from every linked dataset. */
  readonly nonMembers: number;
  /** Digest of `weightsPath`, when given. */
  readonly weightsDigest?: Hex32;
}

function runStartProblems(first: LogLine | undefined, model: ModelCommitments): LogProblem[] {
  if (first === undefined || first.entry.kind !== "run-start") return [];
  const start = first.entry as RunStartEntry;
  const problems: LogProblem[] = [];
  const logged = new Map(start.datasets.map((d) => [d.tokenId, d]));
  const linked = new Map(model.datasets.map((d) => [d.tokenId.toString(), d]));
  const missing = [...linked.keys()].filter((id) => !logged.has(id));
  const extra = [...logged.keys()].filter((id) => !linked.has(id));
  if (missing.length > 0 || extra.length > 0) {
    problems.push({
      line: first.line,
      message: `the run-start entry names datasets ${[...logged.keys()].map((d) => `#${d}`).join(", ") || "(none)"}, but model #${model.tokenId} links ${[...linked.keys()].map((d) => `#${d}`).join(", ") || "(none)"}`,
    });
  }
  for (const [id, d] of logged) {
    const onChain = linked.get(id);
    if (onChain === undefined) continue;
    if (d.root !== onChain.root || d.leafCount !== onChain.leafCount) {
      problems.push({ line: first.line, message: `the run-start entry gives dataset #${id} root ${d.root} (${d.leafCount} leaves), but the chain has ${onChain.root} (${onChain.leafCount} leaves)` });
    }
  }
  return problems;
}

/** Verifies a training log against its model token (see the module doc). */
export async function verifyTraining(input: VerifyTrainingInput): Promise<TrainingVerification> {
  const { model } = input;
  const progress = input.onProgress ?? (() => undefined);
  progress(`recomputing the chain of heads of the log against model #${model.tokenId}'s head ${model.trainingLogHead}`);
  const check = checkTrainingLog(input.logText, model.trainingLogHead);
  const problems: LogProblem[] = [...check.problems];
  const lines = check.lines;
  problems.push(...runStartProblems(lines[0], model));

  const last = lines.at(-1);
  if (last?.entry.kind === "run-end" && last.entry.weightsDigest !== model.weightsHash) {
    problems.push({ line: last.line, message: `the run-end weights digest ${last.entry.weightsDigest} is not model #${model.tokenId}'s weightsHash ${model.weightsHash}` });
  }

  const firstLineOf = new Map<Hex32, number>();
  let listed = 0;
  let rootOnly = 0;
  for (const l of lines) {
    if (l.entry.kind !== "batch") continue;
    if (l.entry.samples === undefined) {
      rootOnly++;
      continue;
    }
    listed++;
    for (const h of l.entry.samples) if (!firstLineOf.has(h)) firstLineOf.set(h, l.line);
  }
  const membersByDataset: Record<string, number> = {};
  let nonMembers = 0;
  if (firstLineOf.size > 0) {
    progress(`proving ${firstLineOf.size} distinct batch samples members of dataset${input.datasets.length === 1 ? "" : "s"} ${input.datasets.map((d) => `#${d.tokenId}`).join(", ")}`);
    const membership = await proveBatchMembership(input.datasets, firstLineOf.keys());
    for (const m of membership.members.values()) membersByDataset[m.datasetId.toString()] = (membersByDataset[m.datasetId.toString()] ?? 0) + 1;
    nonMembers = membership.nonMembers.length;
    const linked = model.datasets.map((d) => `#${d.tokenId}`).join(", ") || "(none)";
    for (const h of membership.nonMembers) {
      problems.push({ line: firstLineOf.get(h) ?? null, message: `batch sample ${h} is not in the model's training data: proven absent from every linked dataset (${linked})` });
    }
  }

  let weightsDigest: Hex32 | undefined;
  if (input.weightsPath !== undefined) {
    progress(`hashing the weights ${input.weightsPath} (${WEIGHTS_DIGEST_SCHEME})`);
    weightsDigest = await weightsDigestOf(input.weightsPath);
    if (weightsDigest !== model.weightsHash) {
      problems.push({ line: null, message: `the weights at ${input.weightsPath} digest to ${weightsDigest}, not to model #${model.tokenId}'s weightsHash ${model.weightsHash}` });
    }
  }

  problems.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  return {
    tokenId: model.tokenId,
    valid: problems.length === 0,
    firstBadLine: problems.find((p) => p.line !== null)?.line ?? null,
    problems,
    entries: lines.length,
    computedHead: check.computedHead,
    committedHead: model.trainingLogHead,
    checkpoints: lines.filter((l) => l.entry.kind === "checkpoint").length,
    batches: { listed, rootOnly },
    membersByDataset,
    nonMembers,
    ...(weightsDigest === undefined ? {} : { weightsDigest }),
  };
}
