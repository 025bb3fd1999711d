/**
 * `dataset register`: hash (or take) the manifest, publish it and the
 * ERC-721/Croissant metadata, and mint the DatasetNFT — journaled, so that
 * a run interrupted or killed at any point resumes without uploading again
 * or minting twice:
 *
 *   hashed → manifestStored → metadataStored → txSent → minted
 *
 * Every step's result is recorded (src/registry/journal.ts) before the next
 * starts. A recorded transaction is looked up by hash, never re-sent. Since
 * the contract accepts a root once, a root already registered on chain by
 * this account with the same leaf count and manifest is reported as the
 * existing token; registered by another account or with another manifest,
 * it is an error ({@link requireSameRegistration}). A rerun of a finished
 * registration reports its token without doing anything.
 *
 * Front-running protection (`dataset register --commit`) is the
 * commit-reveal variant of the `txSent` step, in
 * ./register-dataset-commit-reveal.ts; a plain rerun of a registration
 * that has a commitment record continues it.
 */
import { EXIT_CODES, UserError } from "../cli/errors.js";
import { requireDatasetExists } from "../chain/dataset-records.js";
import type { RegistryClient } from "../chain/registry-client.js";
import { requireSigner } from "../chain/registry-client.js";
import { TransactionUnknownError } from "../chain/wait-for-receipt.js";
import { sameCid } from "../storage/cid.js";
import { importPath } from "../storage/import-path.js";
import { RegistrationJournal, runRegistration, type RegistrationHandlers, type RegistrationState, type RegistrationStep } from "../registry/journal.js";
import { buildDatasetMetadata, metadataBytes, type Creator } from "../registry/metadata.js";
import type { SourceStructure } from "../sources/source-structure.js";
import type { OpenSourcesOptions } from "../sources/open-sources.js";
import { prepareDatasetManifest, type PreparedManifest } from "./dataset-manifest.js";
import type { PublishingStore } from "./publishing-store.js";
import {
  CommitmentPending,
  commitmentSummary,
  commitOrReveal,
  committedSummary,
  requireRootNotClaimed,
  type CommitmentSummary,
  type CommitRevealOptions,
  type CommittedDataset,
} from "./register-dataset-commit-reveal.js";
import { commitmentFileOf, readCommitmentRecord } from "./registration-commitment.js";
import { eventArgs, registrationLinks, revertReasonOf, sendRegistrationTransaction, waitForRegistration } from "./registration-transaction.js";
import { reportedWait, silentReporter, type Reporter } from "./reporter.js";
import { asJson, recordedStep, trackedStep, type RegistrationRunReport } from "./registration-steps.js";
import type { Workspace } from "./workspace.js";

/** Descriptive fields of the dataset (ERC-721 + Croissant metadata). */
export interface DatasetDescription {
  readonly name: string;
  readonly description?: string | undefined;
  /** SPDX license identifier. */
  readonly license: string;
  readonly creator?: string | Creator | undefined;
  /** Home page of the dataset. */
  readonly url?: string | undefined;
  readonly version?: string | undefined;
  /** ISO date; default today (UTC). */
  readonly datePublished?: string | undefined;
  readonly keywords?: readonly string[] | undefined;
  /** Who publishes the dataset, when not the creator. */
  readonly publisher?: string | Creator | undefined;
  /** Citation (BibTeX or text), Croissant `citeAs`. */
  readonly citeAs?: string | undefined;
  /** Page shown by marketplaces (ERC-721 `external_url`). */
  readonly externalUrl?: string | undefined;
}

/** What to register. */
export interface RegisterDatasetInput {
  /** Sample sources to hash, or exactly one manifest directory. */
  readonly sources: readonly string[];
  readonly sourceOptions?: OpenSourcesOptions | undefined;
  /** Keep no sample ids in a new manifest. */
  readonly private?: boolean | undefined;
  readonly metadata: DatasetDescription;
  /** Token id of the dataset this version supersedes (0n or undefined: none). */
  readonly previousVersion?: bigint | undefined;
  /** Hashing threads (default: one per CPU). */
  readonly threads?: number | undefined;
}

/** Test and tooling hooks into a registration. */
export interface RegistrationHooks {
  /** Runs before the handler of each step that is not recorded yet; throwing interrupts the run there. */
  readonly beforeStep?: ((step: RegistrationStep) => void | Promise<void>) | undefined;
}

/** Dependencies of {@link registerDataset}. */
export interface RegisterDatasetDeps {
  readonly client: RegistryClient;
  readonly store: PublishingStore;
  readonly workspace: Workspace;
  readonly reporter?: Reporter | undefined;
  readonly hooks?: RegistrationHooks | undefined;
  /** Clock for the default publication date. */
  readonly now?: (() => Date) | undefined;
  /** Wall clock in milliseconds, for the reveal window (default `Date.now`). */
  readonly clockMs?: (() => number) | undefined;
  /** Sleep used while waiting for the reveal window (tests advance the chain's time instead). */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}


/**
 * How the run ended: `registered` (minted now, from scratch), `resumed`
 * (an interrupted run was finished), `existing` (already registered:
 * nothing was uploaded or sent in this run).
 */
export type RegistrationStatus = "registered" | "resumed" | "existing";

/** What a dataset registration reports about the manifest it committed. */
export interface DatasetManifestFacts {
  readonly root: string;
  readonly leafCount: number;
  readonly sampleCount: number;
  readonly duplicateCount: number;
  readonly manifestDir: string;
  readonly manifestCid: string;
}

/** The registered dataset. */
export interface RegisteredDataset extends DatasetManifestFacts, RegistrationRunReport {
  readonly status: RegistrationStatus;
  readonly tokenId: bigint;
  /** Absent when the token was found registered without our journal. */
  readonly metadataCid?: string;
  readonly txHash?: string;
  readonly blockNumber?: number;
  /** The commitment, when the registration went through commit-reveal. */
  readonly commitment?: CommitmentSummary | undefined;
}

interface HashedData {
  readonly root: string;
  readonly leafCount: number;
  readonly sampleCount: number;
  readonly duplicateCount: number;
  readonly manifestDir: string;
  readonly headerSha256: string;
  /** Absent in journals written before it was recorded. */
  readonly headerSize?: number;
}

/** The commitment part of the dataset metadata. */
interface MetadataCommitment {
  readonly root: string;
  readonly leafCount: number;
  readonly sampleCount: number;
  readonly manifest: { readonly cid: string; readonly headerSha256: string; readonly headerSize?: number | undefined; readonly size: number };
}

/** Stand-in commitment used to validate the descriptive fields before hashing. */
const PLACEHOLDER_COMMITMENT: MetadataCommitment = {
  root: `0x${"00".repeat(31)}01`,
  leafCount: 1,
  sampleCount: 1,
  manifest: { cid: "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am", headerSha256: "00".repeat(32), size: 1 },
};

/**
 * The dataset's ERC-721/Croissant metadata. The manifest is a directory: its
 * Croissant distribution is the directory (`ipfs://<cid>`, no checksum) and
 * its `header.json` (`ipfs://<cid>/header.json` with its SHA-256), which
 * names the root; the root commits to `index.bin` and every shard.
 */
function datasetMetadata(m: DatasetDescription, datePublished: string, c: MetadataCommitment, sources?: readonly SourceStructure[]): ReturnType<typeof buildDatasetMetadata> {
  return buildDatasetMetadata({
    name: m.name,
    ...(m.publisher === undefined ? {} : { publisher: m.publisher }),
    ...(m.citeAs === undefined ? {} : { citeAs: m.citeAs }),
    ...(m.externalUrl === undefined ? {} : { externalUrl: m.externalUrl }),
    ...(sources === undefined ? {} : { sources }),
    ...(m.description === undefined ? {} : { description: m.description }),
    license: m.license,
    ...(m.creator === undefined ? {} : { creator: m.creator }),
    ...(m.url === undefined ? {} : { url: m.url }),
    ...(m.version === undefined ? {} : { version: m.version }),
    ...(m.keywords === undefined ? {} : { keywords: m.keywords }),
    datePublished,
    root: c.root,
    leafCount: c.leafCount,
    sampleCount: c.sampleCount,
    manifest: {
      cid: c.manifest.cid,
      headerSha256: c.manifest.headerSha256,
      size: c.manifest.size,
      ...(c.manifest.headerSize === undefined ? {} : { headerSize: c.manifest.headerSize }),
    },
  });
}

/** Today as YYYY-MM-DD (UTC). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Registers a dataset with a plain `register` (see the module doc). A
 * registration that has a commitment record (an earlier commit-reveal run)
 * continues by commit-reveal; it never stops at a fresh commit, so the
 * result is always a minted token.
 */
export async function registerDataset(deps: RegisterDatasetDeps, input: RegisterDatasetInput): Promise<RegisteredDataset> {
  const result = await runDatasetRegistration(deps, input, undefined);
  if (result.status === "committed") throw new Error("internal error: a plain registration stopped at a commitment");
  return result;
}


/**
 * The journaled registration behind {@link registerDataset} and
 * `registerDatasetCommitReveal` (./register-dataset-commit-reveal.ts):
 * `commitReveal` undefined registers with a plain `register` (or continues
 * a recorded commit-reveal), given it commits and reveals.
 */
export async function runDatasetRegistration(
  deps: RegisterDatasetDeps,
  input: RegisterDatasetInput,
  commitReveal: CommitRevealOptions | undefined,
): Promise<RegisteredDataset | CommittedDataset> {
  const reporter = deps.reporter ?? silentReporter;
  const { client } = deps;
  requireSigner(client);
  const previousVersion = input.previousVersion ?? 0n;
  const datePublished = input.metadata.datePublished ?? isoDate((deps.now ?? (() => new Date()))());
  datasetMetadata(input.metadata, datePublished, PLACEHOLDER_COMMITMENT); // validates the descriptive fields before any work
  if (previousVersion !== 0n) await requireDatasetExists(client, previousVersion);

  const manifest: PreparedManifest = await prepareDatasetManifest(input.sources, {
    manifestsDir: deps.workspace.manifestsDir,
    sourceOptions: input.sourceOptions,
    private: input.private,
    threads: input.threads,
    reporter,
  });
  reporter.note(`root ${manifest.root}: ${manifest.leafCount} distinct samples (${manifest.sampleCount} read, ${manifest.duplicateCount} duplicates)`);

  const journal = new RegistrationJournal(deps.workspace.journalDir);
  const registration = await journal.load({ kind: "dataset", chainId: client.chainId, contract: client.addresses.datasetNFT, subject: manifest.root });
  const resumed = registration.nextStep() !== undefined && registration.nextStep() !== "hashed";
  const onChain = await client.datasets.tokenIdOfRoot(manifest.root);

  if (registration.isDone()) {
    const minted = recordedStep<{ tokenId: string }>(registration.state, "minted");
    if (onChain === 0n) {
      throw new UserError(
        `The journal ${registration.file} says this dataset was registered as token #${minted.tokenId} on chain ${client.chainId}, but the chain does not know its root.`,
        `The chain was reset (a restarted local node). Delete ${registration.file} and register again.`,
        { exitCode: EXIT_CODES.dataError },
      );
    }
    return summarize(deps, manifest, registration.state, "existing", [], registration.file);
  }
  if (onChain !== 0n && !registration.isDone("txSent")) {
    const localCid = (await importPath(manifest.manifestDir)).cid.toString();
    await requireSameRegistration(client, onChain, { leafCount: manifest.leafCount, manifestCid: localCid, root: manifest.root });
    reporter.note(`this root is already registered as dataset #${onChain} by this account with this manifest: nothing to upload or send`);
    return existingSummary(deps, manifest, onChain, registration.file);
  }
  const commitFile = commitmentFileOf(registration.file);
  const hasCommitment = (await readCommitmentRecord(commitFile)) !== undefined;
  if (commitReveal === undefined && hasCommitment && !registration.isDone("txSent")) {
    reporter.note(`this registration was started with commit-reveal (${commitFile}): continuing it`);
  }
  if (commitReveal === undefined && !hasCommitment && !registration.isDone("txSent")) await requireRootNotClaimed(deps, manifest.root);
  const revealOptions = commitReveal ?? (hasCommitment ? {} : undefined);

  const stepsRun: RegistrationStep[] = [];
  let revealedNow = false; // a commit-reveal registration minted by this run's reveal is "registered", not "resumed"
  const run = trackedStep(deps.hooks, stepsRun);
  const handlers: RegistrationHandlers = {
    hashed: run("hashed", async () =>
      asJson({
        root: manifest.root,
        leafCount: manifest.leafCount,
        sampleCount: manifest.sampleCount,
        duplicateCount: manifest.duplicateCount,
        manifestDir: manifest.manifestDir,
        headerSha256: manifest.headerSha256,
        headerSize: manifest.headerSize,
      } satisfies HashedData),
    ),
    manifestStored: run("manifestStored", async (s) => {
      const hashed = recordedStep<HashedData>(s, "hashed");
      const put = await reportedWait(reporter, `storing the manifest (${deps.store.backend})`, () => deps.store.put(hashed.manifestDir));
      reporter.note(`manifest ${put.cid} (${put.size} bytes, ${deps.store.backend})`);
      return asJson({ cid: put.cid, size: put.size, backend: put.backend });
    }),
    metadataStored: run("metadataStored", async (s) => {
      const hashed = recordedStep<HashedData>(s, "hashed");
      const stored = recordedStep<{ cid: string; size: number }>(s, "manifestStored");
      const metadata = datasetMetadata(
        input.metadata,
        datePublished,
        {
          root: hashed.root,
          leafCount: hashed.leafCount,
          sampleCount: hashed.sampleCount,
          manifest: { cid: stored.cid, headerSha256: hashed.headerSha256, headerSize: hashed.headerSize, size: stored.size },
        },
        manifest.sources,
      );
      const put = await reportedWait(reporter, `storing the metadata (${deps.store.backend})`, () => deps.store.putBytes(metadataBytes(metadata), "metadata.json"));
      reporter.note(`metadata ${put.cid}`);
      return asJson({ cid: put.cid, tokenURI: `ipfs://${put.cid}` });
    }),
    txSent: run("txSent", async (s) => {
      const hashed = recordedStep<HashedData>(s, "hashed");
      const manifestCid = recordedStep<{ cid: string }>(s, "manifestStored").cid;
      const { tokenURI } = recordedStep<{ tokenURI: string }>(s, "metadataStored");
      const existing = await client.datasets.tokenIdOfRoot(hashed.root);
      if (existing !== 0n) {
        await requireSameRegistration(client, existing, { leafCount: hashed.leafCount, manifestCid, root: hashed.root });
        return asJson({ existingTokenId: existing.toString() });
      }
      if (revealOptions !== undefined) {
        revealedNow = true;
        return asJson(
          await commitOrReveal(deps, reporter, revealOptions, commitFile, {
            root: hashed.root,
            leafCount: hashed.leafCount,
            manifestCid,
            uri: tokenURI,
            previousVersion,
          }),
        );
      }
      requireSigner(client);
      reporter.step(`sending DatasetNFT.register on ${client.networkName}`);
      const sent = await sendRegistrationTransaction(client, "register the dataset", () =>
        client.datasets.register(hashed.root, BigInt(hashed.leafCount), manifestCid, tokenURI, previousVersion),
      );
      reporter.note(`transaction ${sent.hash}`);
      return asJson(sent);
    }),
    minted: run("minted", async (s) => {
      const hashed = recordedStep<HashedData>(s, "hashed");
      const sent = recordedStep<{ hash?: string; existingTokenId?: string }>(s, "txSent");
      if (sent.existingTokenId !== undefined) return asJson({ tokenId: sent.existingTokenId, existing: true });
      const hash = sent.hash!;
      let receipt;
      try {
        receipt = await waitForRegistration(client, hash, reporter);
      } catch (error) {
        if (!(error instanceof TransactionUnknownError)) throw error;
        const token = await client.datasets.tokenIdOfRoot(hashed.root);
        if (token !== 0n) return asJson({ tokenId: token.toString(), txHash: hash, existing: true });
        throw new UserError(
          `${error.problem} No dataset with root ${hashed.root} is registered.`,
          `Nothing was minted: delete the journal ${registration.file} and register again (the uploads are reused; content is addressed by CID).`,
          { exitCode: EXIT_CODES.tempFail, cause: error },
        );
      }
      if (receipt.status === 1) {
        const args = eventArgs(receipt, client.datasets.interface, client.addresses.datasetNFT, "DatasetRegistered");
        if (args === undefined) throw new Error(`internal error: transaction ${hash} succeeded without a DatasetRegistered event`);
        return asJson({ tokenId: (args[0] as bigint).toString(), txHash: hash, blockNumber: receipt.blockNumber });
      }
      const token = await client.datasets.tokenIdOfRoot(hashed.root);
      if (token !== 0n) return asJson({ tokenId: token.toString(), txHash: hash, existing: true });
      const reason = await revertReasonOf(client, receipt, "register the dataset");
      throw new UserError(
        `The registration transaction ${hash} reverted${reason === undefined ? "" : `: ${reason}`}.`,
        `Nothing was minted. Fix the cause, delete the journal ${registration.file}, and register again.`,
        { exitCode: EXIT_CODES.failure },
      );
    }),
  };
  let state: RegistrationState;
  try {
    state = await runRegistration(registration, handlers);
  } catch (error) {
    if (!(error instanceof CommitmentPending)) throw error;
    return committedSummary(deps, manifest, error, registration.file, commitFile, stepsRun);
  }
  return summarize(deps, manifest, state, resumed && !revealedNow ? "resumed" : "registered", stepsRun, registration.file);
}


/** The dataset registration an existing token is compared with. */
interface ExpectedRegistration {
  readonly root: string;
  readonly leafCount: number;
  /** CID of the local manifest directory. */
  readonly manifestCid: string;
}

/**
 * Throws unless token `tokenId` (which holds our root) was registered by
 * this client's signer with the same leaf count and manifest CID. A
 * different registrant or manifest may be a squatter (someone registered
 * the root first, with a manifest that may be missing or wrong) or a
 * different manifest of the same set: either way the token is not ours to
 * report as "registered", and the contract accepts a root only once.
 */
export async function requireSameRegistration(client: RegistryClient, tokenId: bigint, expected: ExpectedRegistration): Promise<void> {
  const onChain = await client.datasets.dataset(tokenId);
  const signer = await requireSigner(client).getAddress();
  const differences: string[] = [];
  if (Number(onChain.leafCount) !== expected.leafCount) differences.push(`leaf count ${onChain.leafCount} (the local manifest has ${expected.leafCount})`);
  if (!sameCid(onChain.manifestCid, expected.manifestCid)) differences.push(`manifest ${onChain.manifestCid} (the local manifest is ${expected.manifestCid})`);
  if (onChain.registrant.toLowerCase() !== signer.toLowerCase()) differences.push(`registrant ${onChain.registrant} (this account is ${signer})`);
  if (differences.length === 0) return;
  const manifestDiffers = differences.length > 1 || !differences[0]!.startsWith("registrant");
  throw new UserError(
    `The root ${expected.root} is already registered as dataset #${tokenId} by ${onChain.registrant}, with a different ${differences.join(", ")}.`,
    manifestDiffers
      ? `This is either someone who registered your root first (possible squatting: their manifest may not let anyone prove membership) or a different manifest of the same sample set. ` +
          `Nothing was uploaded or sent. Compare with \`npx hardhat dataset show ${tokenId} --network ${client.networkName}\`; the contract accepts a root once, so use token #${tokenId} or report it.`
      : `The same commitment (root, leaf count, manifest) was registered by another account, possibly by front-running yours. Nothing was uploaded or sent. ` +
          `Use token #${tokenId} (\`npx hardhat dataset show ${tokenId} --network ${client.networkName}\`); the contract accepts a root once.`,
    { exitCode: EXIT_CODES.dataError },
  );
}

async function summarize(
  deps: RegisterDatasetDeps,
  manifest: PreparedManifest,
  state: RegistrationState,
  status: RegistrationStatus,
  stepsRun: RegistrationStep[],
  journalFile: string,
): Promise<RegisteredDataset> {
  const { client } = deps;
  const minted = recordedStep<{ tokenId: string; txHash?: string; blockNumber?: number; existing?: boolean }>(state, "minted");
  const tokenId = BigInt(minted.tokenId);
  const dataset = await client.datasets.dataset(tokenId);
  const tokenURI = await client.datasets.tokenURI(tokenId);
  const metadataCid = tokenURI.startsWith("ipfs://") ? tokenURI.slice("ipfs://".length) : undefined;
  const txHash = minted.txHash ?? recordedStep<{ hash?: string }>(state, "txSent").hash;
  const commitment = await commitmentSummary(journalFile);
  return {
    status: minted.existing === true && stepsRun.length === 0 ? "existing" : status,
    tokenId,
    ...manifestFacts(manifest),
    manifestCid: dataset.manifestCid,
    ...(metadataCid === undefined ? {} : { metadataCid }),
    tokenURI,
    ...(txHash === undefined ? {} : { txHash }),
    ...(minted.blockNumber === undefined ? {} : { blockNumber: minted.blockNumber }),
    registrant: dataset.registrant,
    journalFile,
    stepsRun,
    links: registrationLinks(client, client.addresses.datasetNFT, tokenId, txHash),
    backend: deps.store.backend,
    ...(commitment === undefined ? {} : { commitment }),
  };
}

/** The manifest fields every registration summary reports. */
export function manifestFacts(manifest: PreparedManifest): Omit<DatasetManifestFacts, "manifestCid"> {
  return { root: manifest.root, leafCount: manifest.leafCount, sampleCount: manifest.sampleCount, duplicateCount: manifest.duplicateCount, manifestDir: manifest.manifestDir };
}


async function existingSummary(deps: RegisterDatasetDeps, manifest: PreparedManifest, tokenId: bigint, journalFile: string): Promise<RegisteredDataset> {
  const { client } = deps;
  const dataset = await client.datasets.dataset(tokenId);
  return {
    status: "existing",
    tokenId,
    ...manifestFacts(manifest),
    manifestCid: dataset.manifestCid,
    tokenURI: await client.datasets.tokenURI(tokenId),
    registrant: dataset.registrant,
    journalFile,
    stepsRun: [],
    links: registrationLinks(client, client.addresses.datasetNFT, tokenId, undefined),
    backend: deps.store.backend,
  };
}
