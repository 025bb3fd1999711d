/**
 * `dataset register --commit`: dataset registration protected against
 * front-running by DatasetNFT's commit-reveal. It runs the journaled
 * registration of ./register-dataset.ts, whose `txSent` step, instead of
 * `register`, first sends `DatasetNFT.commit` (a commitment hiding the
 * root, with a random salt kept in `<journal key>.commit.json`,
 * ./registration-commitment.ts) and stops; a rerun from 10 minutes to
 * 1 day later reveals with `registerCommitted`, which is then the step's
 * recorded transaction. Too early, the rerun says how long to wait (or
 * sleeps, with `wait`); expired, it says so (`recommit` commits again with
 * a fresh salt). A plain rerun of a registration that has a commitment
 * record continues the commit-reveal.
 */
import { EXIT_CODES, UserError } from "../cli/errors.js";
import { decodeRevert, formatChainTime, revertError } from "../chain/describe-error.js";
import { requireSigner } from "../chain/registry-client.js";
import { TransactionUnknownError } from "../chain/wait-for-receipt.js";
import type { RegistrationStep } from "../registry/journal.js";
import type { PreparedManifest } from "./dataset-manifest.js";
import { manifestFacts, runDatasetRegistration, type DatasetManifestFacts, type RegisterDatasetDeps, type RegisterDatasetInput, type RegisteredDataset } from "./register-dataset.js";
import type { RegistrationRunReport } from "./registration-steps.js";
import {
  chainTimeNow,
  commitmentFileOf,
  newCommitmentRecord,
  readCommitmentRecord,
  rootKeyOf,
  writeCommitmentRecord,
  type CommitmentRecord,
} from "./registration-commitment.js";
import { registrationLinks, revertReasonOf, sendRegistrationTransaction, waitForRegistration, type Link } from "./registration-transaction.js";
import type { Reporter } from "./reporter.js";

/** Options of {@link registerDatasetCommitReveal}. */
export interface CommitRevealOptions {
  /** Sleep until the reveal window opens (with a countdown) instead of stopping. */
  readonly wait?: boolean | undefined;
  /**
   * Commit again with a fresh salt when the recorded commitment expired
   * unrevealed or binds other arguments (another account or previous version).
   */
  readonly recommit?: boolean | undefined;
  /** Milliseconds between countdown updates while waiting (default 1000). */
  readonly pollMs?: number | undefined;
}

/** The commitment of a commit-reveal registration. */
export interface CommitmentSummary {
  readonly commitment: string;
  readonly rootKey: string;
  readonly commitTxHash?: string | undefined;
  /** Chain time of the commit (seconds since 1970), once mined. */
  readonly committedAt?: number | undefined;
  /** The record file (salt included) beside the journal. */
  readonly commitFile: string;
}

/**
 * A commit-reveal registration after its first run: the commitment is on
 * chain and can be revealed (by rerunning the same command) from
 * `revealFrom` to `revealUntil`. Nothing is minted yet.
 */
export interface CommittedDataset extends DatasetManifestFacts, RegistrationRunReport {
  readonly status: "committed";
  readonly commitment: string;
  readonly rootKey: string;
  readonly commitTxHash: string;
  /** Chain times, seconds since 1970. */
  readonly committedAt: number;
  readonly revealFrom: number;
  readonly revealUntil: number;
  readonly commitFile: string;
  /** Explorer links of the commit transaction. */
  readonly links: readonly Link[];
}

/** Thrown inside the journal run to stop after a commit whose reveal window is not open yet. */
export class CommitmentPending extends Error {
  constructor(
    readonly record: CommitmentRecord,
    readonly committedAt: number,
    readonly revealFrom: number,
    readonly revealUntil: number,
  ) {
    super("commitment pending");
  }
}

/**
 * Registers a dataset by commit-reveal, protected against front-running
 * (see the module doc): the first run commits and returns a
 * {@link CommittedDataset} (unless `options.wait`, which sleeps until the
 * window opens and reveals); a rerun in the reveal window mints. Refused on
 * Hardhat's in-process network, whose chain ends with the command.
 */
export async function registerDatasetCommitReveal(
  deps: RegisterDatasetDeps,
  input: RegisterDatasetInput,
  options: CommitRevealOptions = {},
): Promise<RegisteredDataset | CommittedDataset> {
  if (deps.client.inProcess) {
    throw new UserError(
      "Commit-reveal registration (--commit) does not work on the in-process Hardhat network: its chain ends with the command, so a commitment could never be revealed 10 minutes later by a second run (and there is nobody to front-run it).",
      "Register without --commit here, or use a chain that persists: start `npx hardhat node`, deploy with `npx hardhat ignition deploy ignition/modules/Registry.ts --network localhost`, and pass --network localhost (see docs/workflow.md, \"Front-running protection\").",
      { exitCode: EXIT_CODES.usage },
    );
  }
  return runDatasetRegistration(deps, input, options);
}

/** The arguments of a registration's commitment, minus registrant and salt. */
export interface RevealArguments {
  readonly root: string;
  readonly leafCount: number;
  readonly manifestCid: string;
  readonly uri: string;
  readonly previousVersion: bigint;
}

/** "7 min 12 s", "2 h 5 min", "45 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 === 0 ? "" : ` ${s % 60} s`}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) === 0 ? "" : ` ${Math.floor((s % 3600) / 60)} min`}`;
}

/**
 * Throws the DatasetRootClaimed sentence before anything is uploaded when a
 * live commitment claims `root`: a plain register would revert.
 */
export async function requireRootNotClaimed(deps: RegisterDatasetDeps, root: string): Promise<void> {
  const { client } = deps;
  const until = await client.datasets.claimedUntil(rootKeyOf(root));
  if (until === 0n || (await chainTimeNow(client, deps.clockMs)) > Number(until)) return;
  const e = revertError({ name: "DatasetRootClaimed", args: [root, until] }, { action: "register the dataset", networkName: client.networkName, inProcess: client.inProcess });
  throw new UserError(e.problem, `${e.fix} Nothing was uploaded or sent.`, { exitCode: e.exitCode });
}

/**
 * The `txSent` step of a commit-reveal registration: commits (recording the
 * salt first) unless a live commitment exists, then reveals if the window is
 * open, waits for it (`wait`), or stops: {@link CommitmentPending} after a
 * commit sent in this run, a "too early" UserError otherwise. Returns the
 * reveal transaction, as the step's data.
 */
export async function commitOrReveal(
  deps: RegisterDatasetDeps,
  reporter: Reporter,
  options: CommitRevealOptions,
  commitFile: string,
  wanted: RevealArguments,
): Promise<object> {
  const { client } = deps;
  const datasets = client.datasets;
  const registrant = await requireSigner(client).getAddress();
  const context = { networkName: client.networkName, inProcess: client.inProcess };
  const [minAge, maxAge] = (await Promise.all([datasets.MIN_COMMITMENT_AGE(), datasets.MAX_COMMITMENT_AGE()])).map(Number) as [number, number];

  let record = await readCommitmentRecord(commitFile);
  let superseded = record?.superseded ?? [];
  if (record !== undefined) {
    const differences: string[] = [];
    if (record.registrant.toLowerCase() !== registrant.toLowerCase()) differences.push(`account ${record.registrant} (this run uses ${registrant})`);
    if (record.previousVersion !== wanted.previousVersion.toString()) differences.push(`previous version ${record.previousVersion} (this run gives ${wanted.previousVersion})`);
    if (record.root.toLowerCase() !== wanted.root.toLowerCase() || record.leafCount !== wanted.leafCount || record.manifestCid !== wanted.manifestCid || record.uri !== wanted.uri) {
      differences.push("commitment (root, leaf count, manifest or token URI)");
    }
    if (differences.length > 0) {
      if (options.recommit !== true) {
        throw new UserError(
          `The commitment ${record.commitment} recorded in ${commitFile} binds another ${differences.join(", ")}: it can only be revealed by the committing account with the committed arguments.`,
          "Rerun with the same account and --previous as the committing run, or commit again with --recommit (a fresh salt; the reveal then waits another 10 minutes).",
          { exitCode: EXIT_CODES.dataError },
        );
      }
      reporter.note(`--recommit: replacing commitment ${record.commitment}, which binds another ${differences.join(", ")}`);
      superseded = [...superseded, record.commitment];
      record = undefined;
    }
  }
  let sentNow = false;

  const saved = async (next: CommitmentRecord): Promise<CommitmentRecord> => {
    await writeCommitmentRecord(commitFile, next);
    return next;
  };
  for (;;) {
    record ??= await saved(newCommitmentRecord({ registrant, ...wanted }, superseded));
    let at = Number(await datasets.committedAt(record.commitment));
    if (at === 0 && record.commitTx !== undefined) {
      // A commit sent by an earlier run: it may still be pending.
      try {
        const receipt = await waitForRegistration(client, record.commitTx.hash, reporter);
        if (receipt.status === 1) at = Number(await datasets.committedAt(record.commitment));
      } catch (error) {
        if (!(error instanceof TransactionUnknownError)) throw error;
        reporter.warn(`the commit transaction ${record.commitTx.hash} is unknown to the node: committing again with the same salt`);
      }
    }
    if (at === 0) {
      const current: CommitmentRecord = record;
      reporter.step(`sending DatasetNFT.commit on ${client.networkName} (commitment ${current.commitment})`);
      const sent = await sendRegistrationTransaction(client, "commit to the dataset registration", () => datasets.commit(current.commitment, current.rootKey));
      record = await saved({ ...current, commitTx: sent });
      const receipt = await waitForRegistration(client, sent.hash, reporter);
      if (receipt.status !== 1) {
        const reason = await revertReasonOf(client, receipt, "commit to the dataset registration");
        throw new UserError(
          `The commit transaction ${sent.hash} reverted${reason === undefined ? "" : `: ${reason}`}.`,
          "Nothing was committed. Rerun the same command to commit again.",
          { exitCode: EXIT_CODES.failure },
        );
      }
      at = Number(await datasets.committedAt(current.commitment));
      if (at === 0) throw new Error(`internal error: commit transaction ${sent.hash} succeeded but commitment ${current.commitment} is not recorded`);
      sentNow = true;
    }
    if (record.committedAt !== at) record = await saved({ ...record, committedAt: at });
    const revealFrom = at + minAge;
    const revealUntil = at + maxAge;
    let now = await chainTimeNow(client, deps.clockMs);
    if (now > revealUntil) {
      if (options.recommit !== true) {
        const e = revertError({ name: "DatasetCommitmentExpired", args: [record.commitment, BigInt(revealUntil)] }, { action: "reveal the dataset registration", ...context });
        throw new UserError(e.problem, `${e.fix} (Nothing was minted; the expired salt is in ${commitFile}.)`, { exitCode: e.exitCode });
      }
      reporter.note(`commitment ${record.commitment} expired unrevealed at ${formatChainTime(revealUntil)}: committing again with a fresh salt (--recommit)`);
      superseded = [...superseded, record.commitment];
      record = undefined;
      continue;
    }
    const window = `reveal window ${formatChainTime(revealFrom)} to ${formatChainTime(revealUntil)}`;
    reporter.note(`commitment ${record.commitment} made at ${formatChainTime(at)}; ${window}`);
    if (now < revealFrom) {
      if (options.wait !== true) {
        if (sentNow) throw new CommitmentPending(record, at, revealFrom, revealUntil);
        throw new UserError(
          `Too early to reveal commitment ${record.commitment}: its reveal window opens at ${formatChainTime(revealFrom)}, in ${formatDuration(revealFrom - now)} (chain time now ${formatChainTime(now)}), and closes at ${formatChainTime(revealUntil)}.`,
          `Rerun the same command in ${formatDuration(revealFrom - now)}, or add --wait to sleep until the window opens. Nothing was sent in this run.`,
          { exitCode: EXIT_CODES.tempFail },
        );
      }
      now = await waitForRevealWindow(deps, reporter, options, record.commitment, revealFrom);
    }
    return reveal(deps, reporter, options, record, wanted);
  }
}

/** Sleeps until the chain time reaches `revealFrom`, reporting a countdown; returns the chain time then. */
async function waitForRevealWindow(deps: RegisterDatasetDeps, reporter: Reporter, options: CommitRevealOptions, commitment: string, revealFrom: number): Promise<number> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 1000;
  const started = performance.now();
  let label = "";
  try {
    for (;;) {
      const now = await chainTimeNow(deps.client, deps.clockMs);
      const left = revealFrom - now;
      if (left <= 0) return now;
      const shown = left > 60 ? `~${Math.ceil(left / 60)} min` : "less than a minute";
      label = `waiting for the reveal window of commitment ${commitment.slice(0, 12)}… (opens ${formatChainTime(revealFrom)}, in ${shown})`;
      reporter.wait(label, performance.now() - started);
      await sleep(Math.min(pollMs, left * 1000));
    }
  } finally {
    if (label !== "") reporter.waitDone(label, performance.now() - started);
  }
}

/**
 * Sends `registerCommitted`. With `wait`, a reveal refused as too recent (a
 * node whose latest block lags the window's start) is retried after a poll.
 */
async function reveal(deps: RegisterDatasetDeps, reporter: Reporter, options: CommitRevealOptions, record: CommitmentRecord, wanted: RevealArguments): Promise<object> {
  const { client } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      reporter.step(`sending DatasetNFT.registerCommitted on ${client.networkName} (revealing commitment ${record.commitment})`);
      const sent = await sendRegistrationTransaction(client, "register the committed dataset", () =>
        client.datasets.registerCommitted(wanted.root, BigInt(wanted.leafCount), wanted.manifestCid, wanted.uri, wanted.previousVersion, record.salt),
      );
      reporter.note(`transaction ${sent.hash}`);
      return { ...sent, commitment: record.commitment, ...(record.commitTx === undefined ? {} : { commitTxHash: record.commitTx.hash }) };
    } catch (error) {
      if (options.wait !== true || attempt >= 60 || decodeRevert(error, client.interfaces)?.name !== "DatasetCommitmentTooRecent") throw error;
      await sleep(options.pollMs ?? 1000);
    }
  }
}

/** The commitment of a registration that went through commit-reveal, from its record. */
export async function commitmentSummary(journalFile: string): Promise<CommitmentSummary | undefined> {
  const commitFile = commitmentFileOf(journalFile);
  const record = await readCommitmentRecord(commitFile);
  if (record === undefined) return undefined;
  return {
    commitment: record.commitment,
    rootKey: record.rootKey,
    ...(record.commitTx === undefined ? {} : { commitTxHash: record.commitTx.hash }),
    ...(record.committedAt === undefined ? {} : { committedAt: record.committedAt }),
    commitFile,
  };
}

/** The {@link CommittedDataset} of a run that stopped after its commit ({@link CommitmentPending}). */
export function committedSummary(
  deps: RegisterDatasetDeps,
  manifest: PreparedManifest,
  pending: CommitmentPending,
  journalFile: string,
  commitFile: string,
  stepsRun: readonly RegistrationStep[],
): CommittedDataset {
  const { record } = pending;
  const commitTxHash = record.commitTx?.hash;
  if (commitTxHash === undefined) throw new Error("internal error: a pending commitment without its commit transaction");
  return {
    status: "committed",
    ...manifestFacts(manifest),
    manifestCid: record.manifestCid,
    tokenURI: record.uri,
    registrant: record.registrant,
    commitment: record.commitment,
    rootKey: record.rootKey,
    commitTxHash,
    committedAt: pending.committedAt,
    revealFrom: pending.revealFrom,
    revealUntil: pending.revealUntil,
    journalFile,
    commitFile,
    stepsRun: [...stepsRun],
    links: registrationLinks(deps.client, deps.client.addresses.datasetNFT, undefined, commitTxHash),
    backend: deps.store.backend,
  };
}
