/**
 * Turns what a failed registry call throws into a sentence a user can act
 * on. Reverts carry the contract's custom error as ABI-encoded `data`
 * somewhere in the thrown object (ethers puts it on `error.data`, Hardhat
 * on the error or its cause, JSON-RPC nodes in `error.error.data`); it is
 * found, decoded with the registries' ABIs and phrased (for instance
 * `DatasetAlreadyRegistered(root, account, 3)` becomes "account … already
 * registered this root as dataset #3 …"). Common node-level failures (unfunded account,
 * unreachable RPC, nonce clash) get their own phrasing.
 */
import type { ErrorDescription, Interface } from "ethers";

import { isUserError, UserError } from "../errors/index.js";
import type { FailureFamily } from "../errors/index.js";
import { MODEL_RELATIONS } from "../registry/index.js";

/** A decoded custom error. */
export interface DecodedRevert {
  /** Error name, e.g. `DatasetAlreadyRegistered`. */
  readonly name: string;
  /** Its arguments, in declaration order. */
  readonly args: readonly unknown[];
}

/** Every `0x…` string found under a `data` key of `error`, its causes and nested errors (depth-limited). */
function revertDataCandidates(error: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of ["data", "revertData"]) {
      const data = record[key];
      if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) found.push(data);
      else if (typeof data === "object") visit(data, depth + 1);
    }
    for (const key of ["error", "cause", "info", "original", "parent"]) visit(record[key], depth + 1);
  };
  visit(error, 0);
  return found;
}

/** The registry custom error inside `error`, if any, decoded with `interfaces`. */
export function decodeRevert(error: unknown, interfaces: readonly Interface[]): DecodedRevert | undefined {
  for (const data of revertDataCandidates(error)) {
    for (const iface of interfaces) {
      let parsed: ErrorDescription | null = null;
      try {
        parsed = iface.parseError(data);
      } catch {
        parsed = null;
      }
      if (parsed !== null) return { name: parsed.name, args: [...parsed.args] };
    }
  }
  return undefined;
}

const arg = (d: DecodedRevert, i: number): string => String(d.args[i]);

/** A sentence for a decoded registry error (unknown names are shown as `Name(args)`). */
export function describeRevert(decoded: DecodedRevert): string {
  switch (decoded.name) {
    case "DatasetAlreadyRegistered":
      return `account ${arg(decoded, 1)} already registered this root as dataset #${arg(decoded, 2)} (an account registers a root once)`;
    case "DatasetPreviousVersionNotYours":
      return `${arg(decoded, 1)} neither registered nor owns dataset #${arg(decoded, 0)}, so it cannot register a new version of it`;
    case "DatasetPageTooLarge":
      return `a page of ${arg(decoded, 1)} root registrations is too large (at most 1000 per call)`;
    case "ModelAncestorWindowTooLarge":
      return `an ancestors window from ${arg(decoded, 0)} of ${arg(decoded, 1)} is too large (offset + limit ≤ 256)`;
    case "DatasetZeroRoot":
      return "the root is zero";
    case "DatasetZeroLeafCount":
      return "the dataset has no samples (leaf count 0)";
    case "DatasetLeafCountTooLarge":
      return `a leaf count of ${arg(decoded, 0)} is above the largest a registration may commit, ${arg(decoded, 1)} (2^53 − 1)`;
    case "DatasetUnknownPreviousVersion":
      return `previous version #${arg(decoded, 0)} is not a registered dataset`;
    case "ERC721NonexistentToken":
      return `token #${arg(decoded, 0)} does not exist`;
    case "SampleMerkleBatchLengthMismatch":
      return `a batch proof has ${arg(decoded, 0)} sample hashes but ${arg(decoded, 1)} indexes`;
    case "ModelTooManyDatasets":
      return `${arg(decoded, 0)} datasets were named; a model may name at most ${arg(decoded, 1)}`;
    case "ModelTooManyParents":
      return `${arg(decoded, 0)} parents were named; a model may name at most ${arg(decoded, 1)}`;
    case "ModelMissingProvenance":
      return "a model must name at least one dataset or parent model";
    case "ModelRelationMismatch": {
      const relation = MODEL_RELATIONS[Number(decoded.args[0])] ?? arg(decoded, 0);
      return `relation "${relation}" does not fit ${arg(decoded, 1)} parent(s) (base: none, merge: 2 or more, the others: exactly 1)`;
    }
    case "ModelZeroWeightsHash":
      return "the weights hash is zero";
    case "ModelUnknownDataset":
      return `dataset #${arg(decoded, 0)} is not registered`;
    case "ModelDuplicateDataset":
      return `dataset #${arg(decoded, 0)} is named twice`;
    case "ModelUnknownParent":
      return `parent model #${arg(decoded, 0)} is not registered`;
    case "ModelDuplicateParent":
      return `parent model #${arg(decoded, 0)} is named twice`;
    case "CompactTokenURIUnauthorizedEditor":
      return `${arg(decoded, 1)} does not own token #${arg(decoded, 0)}, so it cannot edit its metadata`;
    case "CompactTokenURIMetadataFrozen":
      return `the metadata of token #${arg(decoded, 0)} is frozen`;
    default:
      if (decoded.name.startsWith("Cid")) {
        return `the CID is not a CIDv1 in base32 with a sha2-256 hash (${decoded.name}(${decoded.args.map(String).join(", ")}))`;
      }
      return `${decoded.name}(${decoded.args.map(String).join(", ")})`;
  }
}

/** Failure families of decoded reverts: a reveal that is too early may succeed later. */
function revertFamily(decoded: DecodedRevert): FailureFamily {
  return decoded.name === "DatasetCommitmentTooRecent" || decoded.name === "DatasetRootClaimed" ? "temporary" : "data";
}

/**
 * The UserError for a decoded registry error: `Cannot <action>: <what happened>.`
 * and what to do. Also used to report a condition found by reading the chain
 * before sending (e.g. a root already claimed), in the revert's own words.
 */
export function revertError(decoded: DecodedRevert, context: ChainErrorContext, cause?: unknown): UserError {
  return new UserError(`Cannot ${context.action}: ${describeRevert(decoded)}.`, revertAdvice(decoded, context), {
    family: revertFamily(decoded),
    ...(cause === undefined ? {} : { cause }),
  });
}

function messageOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let i = 0; i < 5 && current !== undefined && current !== null; i++) {
    const e = current as { message?: unknown; shortMessage?: unknown; cause?: unknown; error?: unknown };
    if (typeof e.shortMessage === "string") parts.push(e.shortMessage);
    if (typeof e.message === "string") parts.push(e.message);
    current = e.cause ?? e.error;
  }
  return parts.join(" | ");
}

/** Context of {@link toChainError}. */
export interface ChainErrorContext {
  /** What was being done, e.g. "register the dataset". */
  readonly action: string;
  readonly networkName: string;
  /** The sending account, for funding advice. */
  readonly account?: string | undefined;
  /** True for Filecoin chains (their error texts differ). */
  readonly filecoin?: boolean | undefined;
  /**
   * True on Hardhat's in-process network: its chain ends with the command, so
   * hints never suggest a later command with `--network <that name>`.
   */
  readonly inProcess?: boolean | undefined;
}

/**
 * How to keep a chain between commands, for advice given on the in-process
 * network (also ends `unknownTokenAdvice`, registry-client.ts).
 */
export const KEEP_A_CHAIN =
  "To keep a chain between commands, start `npx hardhat node` in another terminal, deploy with `npx hardhat ignition deploy ignition/modules/Registry.ts --network localhost`, " +
  'and pass --network localhost to every command (see docs/workflow.md, "The localhost workflow").';

/** What to do about a decoded registry error. */
function revertAdvice(decoded: DecodedRevert, context: ChainErrorContext): string {
  switch (decoded.name) {
    case "DatasetAlreadyRegistered":
      return context.inProcess === true
        ? `Nothing to do: token #${arg(decoded, 2)} exists on this in-process chain, which ends with the command (a later \`dataset show\` starts on an empty chain). ${KEEP_A_CHAIN}`
        : `Nothing to do: show it with \`npx hardhat dataset show ${arg(decoded, 2)} --network ${context.networkName}\`.`;
    case "DatasetPreviousVersionNotYours":
      return "Register the new version from the account that registered or owns the earlier one, or leave out --previous.";
    default:
      return "Fix the input and retry.";
  }
}

/**
 * A UserError for a failed chain interaction: the decoded revert when there
 * is one, else a recognized node-level failure, else the original message.
 * Errors that already are UserErrors pass through unchanged.
 */
export function toChainError(error: unknown, interfaces: readonly Interface[], context: ChainErrorContext): Error {
  if (isUserError(error)) return error;
  const decoded = decodeRevert(error, interfaces);
  if (decoded !== undefined) return revertError(decoded, context, error);
  const text = messageOf(error);
  const account = context.account ?? "the account";
  if (/insufficient funds|balance less than needed|not enough funds/i.test(text)) {
    return new UserError(
      `Cannot ${context.action}: ${account} cannot pay for the gas on ${context.networkName}.`,
      context.filecoin === true
        ? `Fund it with test FIL from https://faucet.calibnet.chainsafe-fil.io (or https://beryx.zondax.ch/faucet), then retry.`
        : "Fund the account, then retry.",
      { family: "config", cause: error },
    );
  }
  if (/actor not found/i.test(text)) {
    return new UserError(
      `Cannot ${context.action}: ${account} is unknown to ${context.networkName} (a Filecoin address exists only once it has been funded).`,
      "Send it test FIL from https://faucet.calibnet.chainsafe-fil.io, wait for the transfer, then retry.",
      { family: "config", cause: error },
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed|ECONNRESET|socket hang up|Cannot connect to the network/i.test(text)) {
    return new UserError(
      `Cannot ${context.action}: the RPC endpoint of ${context.networkName} does not answer (${(text.split(" | ")[0] ?? "").replace(/[.\s]+$/, "")}).`,
      context.networkName === "localhost"
        ? "Start a node with `npx hardhat node` (or set DATATRACE_LOCALHOST_URL to its URL), then retry."
        : "Check the network's RPC URL and your connection, then retry.",
      { family: "unavailable", cause: error },
    );
  }
  if (/nonce too low|nonce has already been used|replacement transaction underpriced|already known/i.test(text)) {
    return new UserError(
      `Cannot ${context.action}: the node rejected the transaction's nonce (${text.split(" | ")[0]}): another transaction from ${account} is pending or was just mined.`,
      "Wait for it to be mined, then rerun the same command: the registration journal resumes where it stopped.",
      { family: "temporary", cause: error },
    );
  }
  const first = (text.split(" | ")[0] ?? String(error)).replace(/[.\s]+$/, "");
  return new UserError(`Cannot ${context.action}: ${first}.`, "Check the network and the inputs, then retry; rerun with --show-stack-traces for details.", {
    family: "failure",
    cause: error,
  });
}
