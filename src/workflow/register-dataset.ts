/**
 * `dataset register`: hash (or take) the manifest, publish it and the
 * ERC-721/Croissant metadata, and mint the DatasetNFT — journaled, so that
 * a run interrupted or killed at any point resumes without uploading again
 * or minting twice:
 *
 *   hashed → manifestStored → metadataStored → txSent → minted
 *
 * Every step's result is recorded (src/registry/journal.ts, keyed by chain,
 * contract, registrant and root) before the next starts. A recorded
 * transaction is looked up by hash, never re-sent. The contract accepts a
 * root once per account: a root this account already registered with the
 * same leaf count and manifest is reported as the existing token; with
 * another leaf count or manifest it is an error
 * ({@link requireSameRegistration}). Registrations of the same root by other
 * accounts are reported, not refused: registrations are keyed by
 * (registrant, root), so nobody can squat a root. A rerun of a finished
 * registration reports its token without doing anything.
 */
import { InternalError } from "../errors/index.js";
import { UserError } from "../errors/index.js";
import { requireDatasetExists, type RegistryClient, requireSigner, TransactionUnknownError } from "../chain/index.js";
import { sameCid, importPath, LocalStore } from "../storage/index.js";
import { RegistrationJournal, runRegistration, type RegistrationHandlers, type RegistrationState, type RegistrationStep, metadataBytes } from "../registry/index.js";
import { datasetMetadata, isoDate, PLACEHOLDER_COMMITMENT, type DatasetDescription } from "./dataset-metadata.js";
import { prepareDatasetManifest, type DatasetSourceOptions, type PreparedManifest } from "./dataset-manifest.js";
import { ContentSource } from "./content-source.js";
import type { PublishingStore } from "./publishing-store.js";
import { ipfsTarget, readTokenMetadata } from "./token-metadata.js";
import { eventArgs, registrationLinks, revertReasonOf, sendRegistrationTransaction, waitForRegistration } from "./registration-transaction.js";
import { reportedWait, silentReporter, type Reporter } from "./reporter.js";
import { asJson, recordedStep, registrationStatus, trackedStep, type RegistrationRunReport, type RegistrationStatus } from "./registration-steps.js";
import type { Workspace } from "./workspace.js";

export { datasetMetadata, isoDate } from "./dataset-metadata.js";
export type { DatasetDescription, MetadataCommitment } from "./dataset-metadata.js";

/** What to register. */
export interface RegisterDatasetInput {
  /** Sample sources to hash, or exactly one manifest directory. */
  readonly sources: readonly string[];
  /** How to read the sources (the options of `dataset hash`, memory budget included). */
  readonly sourceOptions?: DatasetSourceOptions | undefined;
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
}


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
  /** Other accounts' registrations of the same root (token ids), oldest first. */
  readonly otherRegistrations: readonly bigint[];
  /**
   * When the dataset was already registered: descriptive fields given now
   * that differ from the registered metadata, which were not applied (a
   * registration's metadata is not changed by registering again).
   */
  readonly ignoredMetadata?: readonly IgnoredMetadataField[];
}

/** A metadata field given to a registration that already existed, and what the token has instead. */
export interface IgnoredMetadataField {
  readonly field: string;
  /** The value given now, as JSON. */
  readonly given: string;
  /** The registered value, as JSON (undefined when the registered metadata could not be read). */
  readonly registered?: string;
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

/** Registers a dataset (see the module doc). */
export async function registerDataset(deps: RegisterDatasetDeps, input: RegisterDatasetInput): Promise<RegisteredDataset> {
  const reporter = deps.reporter ?? silentReporter;
  const { client } = deps;
  const registrant = await requireSigner(client).getAddress();
  const previousVersion = input.previousVersion ?? 0n;
  const datePublished = input.metadata.datePublished ?? isoDate((deps.now ?? (() => new Date()))());
  datasetMetadata(input.metadata, datePublished, PLACEHOLDER_COMMITMENT); // validates the descriptive fields before any work
  if (previousVersion !== 0n) await requirePreviousVersionOf(client, previousVersion, registrant);

  const manifest: PreparedManifest = await prepareDatasetManifest(input.sources, {
    manifestsDir: deps.workspace.manifestsDir,
    sourceOptions: input.sourceOptions,
    private: input.private,
    threads: input.threads,
    reporter,
  });
  reporter.note(`root ${manifest.root}: ${manifest.leafCount} distinct samples (${manifest.sampleCount} read, ${manifest.duplicateCount} duplicates)`);

  const journal = new RegistrationJournal(deps.workspace.journalDir);
  const registration = await journal.load({
    kind: "dataset",
    chainId: client.chainId,
    contract: client.addresses.datasetNFT,
    registrant,
    subject: manifest.root,
  });
  const resumed = registration.nextStep() !== undefined && registration.nextStep() !== "hashed";
  const onChain = await client.datasets.tokenOf(manifest.root, registrant);
  const others = await otherRegistrations(client, manifest.root, onChain);
  if (others.length > 0) {
    reporter.note(
      `this root is also registered by other accounts as dataset${others.length === 1 ? "" : "s"} ${others.map((id) => `#${id}`).join(", ")}: ` +
        "registrations are per account, so yours is separate",
    );
  }

  if (registration.isDone()) {
    const minted = recordedStep<{ tokenId: string }>(registration.state, "minted");
    if (onChain === 0n) {
      throw new UserError(
        `The journal ${registration.file} says this dataset was registered as token #${minted.tokenId} on chain ${client.chainId}, but the chain does not know this account's registration of its root.`,
        `The chain was reset (a restarted local node). Delete ${registration.file} and register again.`,
        { family: "data" },
      );
    }
    // A finished registration of this root: the manifest given now must be the one registered.
    const localCid = (await importPath(manifest.manifestDir)).cid.toString();
    await requireSameRegistration(client, onChain, { leafCount: manifest.leafCount, manifestCid: localCid, root: manifest.root });
    const summary = await summarize(deps, manifest, registration.state, "existing", registration.file, others);
    return withIgnoredMetadata(deps, input.metadata, datePublished, summary, reporter);
  }
  // Registered already, by a run that left no journal here or stopped before its uploads were recorded. A run
  // that recorded its metadata may have sent the transaction before it was killed: that journal is finished
  // below (txSent finds the token), so that it names the token like any finished registration.
  if (onChain !== 0n && !registration.isDone("metadataStored")) {
    const localCid = (await importPath(manifest.manifestDir)).cid.toString();
    await requireSameRegistration(client, onChain, { leafCount: manifest.leafCount, manifestCid: localCid, root: manifest.root });
    reporter.note(`this account already registered this root as dataset #${onChain} with this manifest: nothing to upload or send`);
    return withIgnoredMetadata(deps, input.metadata, datePublished, await existingSummary(deps, manifest, onChain, registration.file, others), reporter);
  }

  const stepsRun: RegistrationStep[] = [];
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
      // A resumed run may have uploaded before it was interrupted: then nothing is sent again.
      const put = await reportedWait(reporter, `storing the manifest (${deps.store.backend})`, () => deps.store.put(hashed.manifestDir, { ifMissing: resumed }));
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
      const put = await reportedWait(reporter, `storing the metadata (${deps.store.backend})`, () =>
        deps.store.putBytes(metadataBytes(metadata), "metadata.json", { ifMissing: resumed }),
      );
      reporter.note(`metadata ${put.cid}`);
      return asJson({ cid: put.cid, tokenURI: `ipfs://${put.cid}` });
    }),
    txSent: run("txSent", async (s) => {
      const hashed = recordedStep<HashedData>(s, "hashed");
      const manifestCid = recordedStep<{ cid: string }>(s, "manifestStored").cid;
      const { tokenURI } = recordedStep<{ tokenURI: string }>(s, "metadataStored");
      const existing = await client.datasets.tokenOf(hashed.root, registrant);
      if (existing !== 0n) {
        await requireSameRegistration(client, existing, { leafCount: hashed.leafCount, manifestCid, root: hashed.root });
        return asJson({ existingTokenId: existing.toString() });
      }
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
        const token = await client.datasets.tokenOf(hashed.root, registrant);
        if (token !== 0n) return asJson({ tokenId: token.toString(), txHash: hash, existing: true });
        throw new UserError(
          `${error.problem} This account has no registration of root ${hashed.root}.`,
          `Nothing was minted: delete the journal ${registration.file} and register again (the uploads are reused; content is addressed by CID).`,
          { family: "temporary", cause: error },
        );
      }
      if (receipt.status === 1) {
        const args = eventArgs(receipt, client.datasets.interface, client.addresses.datasetNFT, "DatasetRegistered");
        if (args === undefined) throw new InternalError(`transaction ${hash} succeeded without a DatasetRegistered event`);
        return asJson({ tokenId: (args[0] as bigint).toString(), txHash: hash, blockNumber: receipt.blockNumber });
      }
      const token = await client.datasets.tokenOf(hashed.root, registrant);
      if (token !== 0n) return asJson({ tokenId: token.toString(), txHash: hash, existing: true });
      const reason = await revertReasonOf(client, receipt, "register the dataset");
      throw new UserError(
        `The registration transaction ${hash} reverted${reason === undefined ? "" : `: ${reason}`}.`,
        `Nothing was minted. Fix the cause, delete the journal ${registration.file}, and register again.`,
        { family: "failure" },
      );
    }),
  };
  const state = await runRegistration(registration, handlers);
  return summarize(deps, manifest, state, registrationStatus(resumed, stepsRun), registration.file, others, stepsRun);
}

/**
 * The descriptive fields given to a registration that turned out to exist
 * already, compared with the token's registered metadata (read from the
 * workspace's block store): the ones that differ were not applied, and the
 * user is told so rather than left to believe they were.
 */
async function withIgnoredMetadata(
  deps: RegisterDatasetDeps,
  given: DatasetDescription,
  datePublished: string,
  summary: RegisteredDataset,
  reporter: Reporter,
): Promise<RegisteredDataset> {
  const wanted = datasetMetadata(given, datePublished, PLACEHOLDER_COMMITMENT) as unknown as Record<string, unknown>;
  const fields = [
    "name",
    "license",
    ...(given.description === undefined ? [] : ["description"]),
    ...(given.creator === undefined ? [] : ["creator"]),
    ...(given.url === undefined ? [] : ["url"]),
    ...(given.version === undefined ? [] : ["version"]),
    ...(given.datePublished === undefined ? [] : ["datePublished"]),
    ...(given.keywords === undefined ? [] : ["keywords"]),
  ];
  const content = new ContentSource({ local: new LocalStore({ dir: deps.workspace.blocksDir }) });
  const registered = await readTokenMetadata(content, summary.tokenURI);
  const ignored: IgnoredMetadataField[] = [];
  for (const field of fields) {
    const now = JSON.stringify(wanted[field]);
    const then = registered === undefined ? undefined : JSON.stringify(registered[field]);
    if (now !== then) ignored.push({ field, given: now, ...(then === undefined ? {} : { registered: then }) });
  }
  if (ignored.length === 0) return summary;
  if (registered === undefined) {
    reporter.note(`dataset #${summary.tokenId} was already registered; its metadata is not in the local store to compare with what was given, and nothing given was applied`);
  } else {
    reporter.warn(
      `dataset #${summary.tokenId} was already registered with other metadata; not applied: ` +
        ignored.map((f) => `${f.field} ${f.given} (registered: ${f.registered ?? "none"})`).join("; "),
    );
  }
  return { ...summary, ignoredMetadata: ignored };
}

/** Registrations of `root` other than `own` (token ids, oldest first; at most the contract's page size). */
async function otherRegistrations(client: RegistryClient, root: string, own: bigint): Promise<bigint[]> {
  const count = await client.datasets.rootTokenCount(root);
  if (count === 0n) return [];
  const page = await client.datasets.tokensOfRoot(root, 0n, count < 1000n ? count : 1000n);
  return [...page].filter((id) => id !== own);
}

/**
 * Throws unless `previousVersion` is a dataset `registrant` registered or
 * owns: the contract lets only them claim a new version of it.
 */
async function requirePreviousVersionOf(client: RegistryClient, previousVersion: bigint, registrant: string): Promise<void> {
  await requireDatasetExists(client, previousVersion);
  const [by, owner] = await Promise.all([client.datasets.registrantOf(previousVersion), client.datasets.ownerOf(previousVersion)]);
  if (by.toLowerCase() === registrant.toLowerCase() || owner.toLowerCase() === registrant.toLowerCase()) return;
  throw new UserError(
    `Dataset #${previousVersion} was registered by ${by} and is owned by ${owner}; this account (${registrant}) can not register a new version of it.`,
    "Register from the account that registered or owns it, or leave out --previous to register an independent dataset.",
    { family: "usage" },
  );
}

/** The dataset registration an existing token is compared with. */
interface ExpectedRegistration {
  readonly root: string;
  readonly leafCount: number;
  /** CID of the local manifest directory. */
  readonly manifestCid: string;
}

/**
 * Throws unless token `tokenId` (this account's registration of our root)
 * has the same leaf count and manifest CID as the local manifest: the
 * contract accepts a root once per account, so a different manifest of the
 * same sample set can not be registered again by this account.
 */
export async function requireSameRegistration(client: RegistryClient, tokenId: bigint, expected: ExpectedRegistration): Promise<void> {
  const onChain = await client.datasets.dataset(tokenId);
  const differences: string[] = [];
  if (Number(onChain.leafCount) !== expected.leafCount) differences.push(`leaf count ${onChain.leafCount} (the local manifest has ${expected.leafCount})`);
  if (!sameCid(onChain.manifestCid, expected.manifestCid)) differences.push(`manifest ${onChain.manifestCid} (the local manifest is ${expected.manifestCid})`);
  if (differences.length === 0) return;
  throw new UserError(
    `This account already registered the root ${expected.root} as dataset #${tokenId}, with a different ${differences.join(" and ")}.`,
    `Nothing was uploaded or sent: an account registers a root once. Use dataset #${tokenId} (\`npx hardhat dataset show ${tokenId} --network ${client.networkName}\`), ` +
      "or register the new manifest from another account.",
    { family: "data" },
  );
}

async function summarize(
  deps: RegisterDatasetDeps,
  manifest: PreparedManifest,
  state: RegistrationState,
  status: RegistrationStatus,
  journalFile: string,
  otherRegistrations: readonly bigint[],
  stepsRun: RegistrationStep[] = [],
): Promise<RegisteredDataset> {
  const { client } = deps;
  const minted = recordedStep<{ tokenId: string; txHash?: string; blockNumber?: number }>(state, "minted");
  const tokenId = BigInt(minted.tokenId);
  const dataset = await client.datasets.dataset(tokenId);
  const tokenURI = await client.datasets.tokenURI(tokenId);
  const metadataCid = ipfsTarget(tokenURI)?.cid;
  const txHash = minted.txHash ?? recordedStep<{ hash?: string }>(state, "txSent").hash;
  return {
    status,
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
    otherRegistrations,
  };
}

/** The manifest fields every registration summary reports. */
export function manifestFacts(manifest: PreparedManifest): Omit<DatasetManifestFacts, "manifestCid"> {
  return { root: manifest.root, leafCount: manifest.leafCount, sampleCount: manifest.sampleCount, duplicateCount: manifest.duplicateCount, manifestDir: manifest.manifestDir };
}


async function existingSummary(
  deps: RegisterDatasetDeps,
  manifest: PreparedManifest,
  tokenId: bigint,
  journalFile: string,
  otherRegistrations: readonly bigint[],
): Promise<RegisteredDataset> {
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
    otherRegistrations,
  };
}
