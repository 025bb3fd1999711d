/**
 * `model register`: hash the weights into a model-signing statement
 * (src/models: weightsHash = its subject digest), publish the statement
 * (and optionally the weights and the training log), publish the metadata
 * (linking the statement), and mint the ModelNFT —
 * journaled like dataset registration (src/workflow/register-dataset.ts),
 * keyed by the weightsHash. The contract does not make weights unique, so
 * before sending, the registrant's earlier `ModelRegistered` events with
 * the same weightsHash are looked up (and a pending transaction of the
 * account waited for): a model already registered is reported, not minted
 * again, even if a run died between sending and journaling.
 */
import { ZeroHash } from "ethers";

import { InternalError } from "../errors/index.js";
import { UserError } from "../errors/index.js";
import { readDataset, requireDatasetExists, readModel, requireModelExists, type RegistryClient, requireSigner, TransactionUnknownError } from "../chain/index.js";
import { type JsonObject, RegistrationJournal, runRegistration, type RegistrationState, type RegistrationStep, metadataBytes, normalizeHash32, type Creator, buildModelMetadata, MODEL_RELATIONS, type ModelRelation } from "../registry/index.js";
import { hashModel, MODEL_SIGNING_PREDICATE_TYPE, type HashedStatement, type HashModelOptions } from "../models/index.js";
import type { PublishingStore } from "./publishing-store.js";
import { readTrainingLogFile, resolveRelation, type TrainingLogFile } from "./model-inputs.js";
import type { RegistrationHooks } from "./register-dataset.js";
import { eventArgs, registrationLinks, revertReasonOf, sendRegistrationTransaction, waitForRegistration } from "./registration-transaction.js";
import { reportedWait, silentReporter, type Reporter } from "./reporter.js";
import { ipfsTarget } from "./token-metadata.js";
import { asJson, recordedStep, registrationStatus, trackedStep, type RegistrationRunReport, type RegistrationStatus } from "./registration-steps.js";
import type { Workspace } from "./workspace.js";

/** Descriptive fields of the model (ERC-721 metadata). */
export interface ModelDescription {
  readonly name: string;
  readonly description?: string | undefined;
  readonly license?: string | undefined;
  readonly creator?: string | Creator | undefined;
  readonly version?: string | undefined;
  /** e.g. "datatrace-naive-bayes/1". */
  readonly framework?: string | undefined;
  readonly externalUrl?: string | undefined;
}

/** What to register. */
export interface RegisterModelInput {
  /** Weights file or directory (hashed into a model-signing statement); "" when `weightsStatement` is given. */
  readonly weights: string;
  /** A statement already built (e.g. from the Hugging Face Hub's listing); `weights` is then not hashed. */
  readonly weightsStatement?: HashedStatement | undefined;
  /** How to hash `weights` (ignore paths, symlinks, threads). */
  readonly weightsOptions?: Omit<HashModelOptions, "onProgress"> | undefined;
  /** Hugging Face catalogue record (src/models HfModelFacts), recorded as `huggingFace` in the metadata. */
  readonly huggingFace?: JsonObject | undefined;
  /** Datasets the model was trained on (on chain, traced by `model trace`). */
  readonly datasetIds: readonly bigint[];
  /** Held-out datasets the model was evaluated on, never trained on (metadata only; not traced as training data). */
  readonly evaluationDatasetIds?: readonly bigint[] | undefined;
  readonly parentIds: readonly bigint[];
  /** Relation name; "" or undefined: base for no parent, merge for several. */
  readonly relation?: string | undefined;
  readonly hyperparameters?: JsonObject | undefined;
  readonly metrics?: Readonly<Record<string, number>> | undefined;
  /** JSON Lines training log; its last head is committed. */
  readonly trainingLog?: string | undefined;
  /** Merkle root of the model's fingerprint set (0x hex). */
  readonly fingerprintRoot?: string | undefined;
  /** Also publish the weights themselves (default false: only their manifest). */
  readonly uploadWeights?: boolean | undefined;
  readonly metadata: ModelDescription;
}

/** Dependencies of {@link registerModel}. */
export interface RegisterModelDeps {
  readonly client: RegistryClient;
  readonly store: PublishingStore;
  readonly workspace: Workspace;
  readonly reporter?: Reporter | undefined;
  readonly hooks?: RegistrationHooks | undefined;
}

/** The registered model. */
export interface RegisteredModel extends RegistrationRunReport {
  readonly status: RegistrationStatus;
  readonly tokenId: bigint;
  readonly weightsHash: string;
  readonly relation: ModelRelation;
  readonly datasetIds: readonly bigint[];
  readonly parentIds: readonly bigint[];
  readonly trainingLogHead?: string;
  readonly weightsManifestCid?: string;
  readonly weightsCid?: string;
  readonly trainingLogCid?: string;
  readonly metadataCid?: string;
  readonly txHash?: string;
  readonly blockNumber?: number;
}

interface StoredData {
  readonly manifestCid: string;
  readonly weightsCid?: string;
  readonly trainingLogCid?: string;
}

/**
 * The token and transaction of an earlier registration of `weightsHash` by
 * `registrant`, from `ModelRegistered` events (within the chain's log
 * look-back window); undefined if none is found or the node refuses the query.
 */
export async function findModelRegistration(
  client: RegistryClient,
  registrant: string,
  weightsHash: string,
): Promise<{ tokenId: bigint; txHash: string } | undefined> {
  try {
    const latest = await client.provider.getBlockNumber();
    const from = client.logLookbackBlocks === undefined ? 0 : Math.max(0, latest - client.logLookbackBlocks);
    const events = await client.models.queryFilter(client.models.filters.ModelRegistered(undefined, registrant, weightsHash), from, latest);
    const first = events[0];
    return first === undefined ? undefined : { tokenId: first.args.tokenId, txHash: first.transactionHash };
  } catch {
    return undefined;
  }
}

/** Waits until `account` has no pending transaction (or the wait times out). */
async function settlePending(client: RegistryClient, account: string, reporter: Reporter): Promise<void> {
  const label = `waiting for an earlier pending transaction of ${account} to be mined`;
  const started = performance.now();
  const limit = client.receiptWait.timeoutMs ?? 15 * 60_000;
  try {
    for (;;) {
      const [latest, pending] = await Promise.all([
        client.provider.getTransactionCount(account, "latest"),
        client.provider.getTransactionCount(account, "pending"),
      ]);
      if (pending <= latest) return;
      const elapsed = performance.now() - started;
      reporter.wait(label, elapsed);
      if (elapsed > limit) {
        throw new UserError(`${account} still has a pending transaction after ${Math.round(elapsed / 1000)} s.`, "Wait for it to be mined, then rerun the same command.", {
          family: "temporary",
        });
      }
      await new Promise((resolve) => setTimeout(resolve, client.receiptWait.pollMs ?? 1000));
    }
  } finally {
    reporter.waitDone(label, performance.now() - started);
  }
}

/** The commitments and links of the model metadata. */
interface ModelFacts {
  readonly weightsHash: string;
  readonly weightsCid?: string | undefined;
  readonly huggingFace?: JsonObject | undefined;
  readonly parents: ReadonlyArray<{ readonly id: string; readonly weightsHash?: string }>;
  readonly datasets: ReadonlyArray<{ readonly id: string; readonly root?: string }>;
  readonly evaluationDatasets?: ReadonlyArray<{ readonly id: string; readonly root?: string }> | undefined;
  readonly weightsManifestCid?: string | undefined;
  readonly trainingLogCid?: string | undefined;
  readonly trainingLogHead?: string | undefined;
  readonly fingerprintRoot?: string | undefined;
}

/** The model's ERC-721 metadata (src/registry/model-metadata.ts) from the input and the facts. */
function modelMetadata(input: RegisterModelInput, relation: ModelRelation, f: ModelFacts): ReturnType<typeof buildModelMetadata> {
  const m = input.metadata;
  return buildModelMetadata({
    name: m.name,
    ...(m.description === undefined ? {} : { description: m.description }),
    ...(m.license === undefined ? {} : { license: m.license }),
    ...(m.creator === undefined ? {} : { creator: m.creator }),
    ...(m.version === undefined ? {} : { version: m.version }),
    ...(m.framework === undefined ? {} : { framework: m.framework }),
    ...(m.externalUrl === undefined ? {} : { externalUrl: m.externalUrl }),
    weightsHash: f.weightsHash,
    ...(f.weightsCid === undefined ? {} : { weightsCid: f.weightsCid }),
    ...(f.weightsManifestCid === undefined ? {} : { weightsManifestCid: f.weightsManifestCid, weightsManifestFormat: MODEL_SIGNING_PREDICATE_TYPE }),
    ...(input.huggingFace === undefined ? {} : { huggingFace: input.huggingFace }),
    ...(f.trainingLogCid === undefined ? {} : { trainingLogCid: f.trainingLogCid }),
    relation,
    parents: f.parents,
    datasets: f.datasets,
    ...(f.evaluationDatasets === undefined || f.evaluationDatasets.length === 0 ? {} : { evaluationDatasets: f.evaluationDatasets }),
    ...(input.hyperparameters === undefined ? {} : { hyperparameters: input.hyperparameters }),
    ...(input.metrics === undefined ? {} : { metrics: input.metrics }),
    ...(f.trainingLogHead === undefined ? {} : { trainingLogHead: f.trainingLogHead }),
    ...(f.fingerprintRoot === undefined ? {} : { fingerprintRoot: f.fingerprintRoot }),
  });
}

/** Registers a model (see the module doc). */
export async function registerModel(deps: RegisterModelDeps, input: RegisterModelInput): Promise<RegisteredModel> {
  const reporter = deps.reporter ?? silentReporter;
  const { client } = deps;
  requireSigner(client);
  const relation = resolveRelation(input.relation ?? "", input.parentIds.length);
  if (input.datasetIds.length === 0 && input.parentIds.length === 0) {
    throw new UserError("A model must name what it was trained on.", "Pass --datasets <ids> (registered training data) and/or --parents <ids>.", { family: "usage" });
  }
  for (const id of input.datasetIds) await requireDatasetExists(client, id);
  const evaluationIds = input.evaluationDatasetIds ?? [];
  for (const id of evaluationIds) await requireDatasetExists(client, id);
  for (const id of input.parentIds) await requireModelExists(client, id, "Parent model");
  const fingerprintRoot = input.fingerprintRoot === undefined || input.fingerprintRoot === "" ? undefined : normalizeHash32("fingerprint root", input.fingerprintRoot);
  // Validate the descriptive fields before any work.
  modelMetadata(input, relation, {
    weightsHash: `0x${"00".repeat(31)}01`,
    parents: input.parentIds.map((id) => ({ id: id.toString() })),
    datasets: input.datasetIds.map((id) => ({ id: id.toString() })),
    evaluationDatasets: evaluationIds.map((id) => ({ id: id.toString() })),
    fingerprintRoot,
  });

  const weights = input.weightsStatement ?? (await hashWeightsForRegistration(input, reporter));
  const fileCount = weights.statement.predicate.resources.length;
  if (fileCount === 0) throw new UserError(`The weights at ${input.weights} hold no file.`, "Point --weights at the model directory or weights file.", { family: "not-found" });
  const log: TrainingLogFile | undefined = input.trainingLog === undefined || input.trainingLog === "" ? undefined : await readTrainingLogFile(input.trainingLog);
  reporter.note(`weightsHash ${weights.weightsHash} (model-signing statement of ${fileCount} file${fileCount === 1 ? "" : "s"})`);

  const journal = new RegistrationJournal(deps.workspace.journalDir);
  const registrant = await requireSigner(client).getAddress();
  const registration = await journal.load({ kind: "model", chainId: client.chainId, contract: client.addresses.modelNFT, registrant, subject: weights.weightsHash });
  const resumed = registration.nextStep() !== undefined && registration.nextStep() !== "hashed";
  const account = client.signer === undefined ? undefined : await client.signer.getAddress();

  if (registration.isDone()) {
    const minted = recordedStep<{ tokenId: string }>(registration.state, "minted");
    const id = BigInt(minted.tokenId);
    const exists = await client.models.exists(id);
    if (!exists || (await client.models.model(id)).weightsHash.toLowerCase() !== weights.weightsHash) {
      throw new UserError(
        `The journal ${registration.file} says this model was registered as token #${minted.tokenId} on chain ${client.chainId}, but the chain has no such model.`,
        `The chain was reset (a restarted local node). Delete ${registration.file} and register again.`,
        { family: "data" },
      );
    }
    return summarize(deps, registration.state, weights, relation, log, "existing", registration.file);
  }
  // As for datasets: a journal whose metadata was recorded is finished below (txSent finds the token), since
  // its own run may have sent the transaction before it was killed.
  if (!registration.isDone("metadataStored") && account !== undefined) {
    const found = await findModelRegistration(client, account, weights.weightsHash);
    if (found !== undefined) {
      reporter.note(`these weights are already registered by ${account} as model #${found.tokenId}: nothing to upload or send`);
      return existingSummary(deps, found.tokenId, found.txHash, weights, registration.file);
    }
  }

  const datasetRefs = await Promise.all(input.datasetIds.map(async (id) => ({ id: id.toString(), root: (await readDataset(client, id)).root })));
  const evaluationRefs = await Promise.all(evaluationIds.map(async (id) => ({ id: id.toString(), root: (await readDataset(client, id)).root })));
  const parentRefs = await Promise.all(input.parentIds.map(async (id) => ({ id: id.toString(), weightsHash: (await readModel(client, id)).weightsHash })));

  const stepsRun: RegistrationStep[] = [];
  const run = trackedStep(deps.hooks, stepsRun);
  const state = await runRegistration(registration, {
    hashed: run("hashed", async () =>
      asJson({
        weightsHash: weights.weightsHash,
        files: fileCount,
        ...(log === undefined ? {} : { trainingLogHead: log.head, trainingLogEntries: log.records.length }),
      }),
    ),
    manifestStored: run("manifestStored", async () => {
      const backend = deps.store.backend;
      const manifest = await reportedWait(reporter, `storing the weights statement (${backend})`, () => deps.store.putBytes(weights.bytes, "model-signing-statement.json"));
      const stored: { manifestCid: string; weightsCid?: string; trainingLogCid?: string } = { manifestCid: manifest.cid };
      if (input.uploadWeights === true && input.weights !== "") {
        stored.weightsCid = (await reportedWait(reporter, `storing the weights (${backend})`, () => deps.store.put(input.weights))).cid;
      }
      if (log !== undefined) {
        stored.trainingLogCid = (await reportedWait(reporter, `storing the training log (${backend})`, () => deps.store.putBytes(log.bytes, "training-log.jsonl"))).cid;
      }
      reporter.note(`weights statement ${stored.manifestCid}${stored.weightsCid === undefined ? "" : `, weights ${stored.weightsCid}`}${stored.trainingLogCid === undefined ? "" : `, training log ${stored.trainingLogCid}`}`);
      return asJson(stored);
    }),
    metadataStored: run("metadataStored", async (s) => {
      const stored = recordedStep<StoredData>(s, "manifestStored");
      const metadata = modelMetadata(input, relation, {
        weightsHash: weights.weightsHash,
        weightsCid: stored.weightsCid,
        weightsManifestCid: stored.manifestCid,
        huggingFace: input.huggingFace,
        trainingLogCid: stored.trainingLogCid,
        parents: parentRefs,
        datasets: datasetRefs,
        evaluationDatasets: evaluationRefs,
        trainingLogHead: log?.head,
        fingerprintRoot,
      });
      const put = await reportedWait(reporter, `storing the metadata (${deps.store.backend})`, () => deps.store.putBytes(metadataBytes(metadata), "metadata.json"));
      reporter.note(`metadata ${put.cid}`);
      return asJson({ cid: put.cid, tokenURI: `ipfs://${put.cid}` });
    }),
    txSent: run("txSent", async (s) => {
      const signer = requireSigner(client);
      const from = await signer.getAddress();
      await settlePending(client, from, reporter);
      const found = await findModelRegistration(client, from, weights.weightsHash);
      if (found !== undefined) return asJson({ existingTokenId: found.tokenId.toString(), hash: found.txHash });
      const { tokenURI } = recordedStep<{ tokenURI: string }>(s, "metadataStored");
      reporter.step(`sending ModelNFT.register on ${client.networkName}`);
      const sent = await sendRegistrationTransaction(client, "register the model", () =>
        client.models.register({
          datasetIds: [...input.datasetIds],
          parentIds: [...input.parentIds],
          relation: MODEL_RELATIONS.indexOf(relation),
          weightsHash: weights.weightsHash,
          trainingLogHead: log?.head ?? ZeroHash,
          fingerprintRoot: fingerprintRoot ?? ZeroHash,
          tokenURI,
        }),
      );
      reporter.note(`transaction ${sent.hash}`);
      return asJson(sent);
    }),
    minted: run("minted", async (s) => {
      const sent = recordedStep<{ hash?: string; from?: string; existingTokenId?: string }>(s, "txSent");
      if (sent.existingTokenId !== undefined) return asJson({ tokenId: sent.existingTokenId, txHash: sent.hash, existing: true });
      const hash = sent.hash!;
      const recheck = async (): Promise<{ tokenId: bigint; txHash: string } | undefined> =>
        sent.from === undefined ? undefined : findModelRegistration(client, sent.from, weights.weightsHash);
      let receipt;
      try {
        receipt = await waitForRegistration(client, hash, reporter);
      } catch (error) {
        if (!(error instanceof TransactionUnknownError)) throw error;
        const found = await recheck();
        if (found !== undefined) return asJson({ tokenId: found.tokenId.toString(), txHash: found.txHash, existing: true });
        throw new UserError(
          `${error.problem} No model with weightsHash ${weights.weightsHash} from ${sent.from ?? "this account"} is registered.`,
          `Nothing was minted: delete the journal ${registration.file} and register again (uploads are reused).`,
          { family: "temporary", cause: error },
        );
      }
      if (receipt.status === 1) {
        const args = eventArgs(receipt, client.models.interface, client.addresses.modelNFT, "ModelRegistered");
        if (args === undefined) throw new InternalError(`transaction ${hash} succeeded without a ModelRegistered event`);
        return asJson({ tokenId: (args[0] as bigint).toString(), txHash: hash, blockNumber: receipt.blockNumber });
      }
      const found = await recheck();
      if (found !== undefined) return asJson({ tokenId: found.tokenId.toString(), txHash: found.txHash, existing: true });
      const reason = await revertReasonOf(client, receipt, "register the model");
      throw new UserError(
        `The registration transaction ${hash} reverted${reason === undefined ? "" : `: ${reason}`}.`,
        `Nothing was minted. Fix the cause, delete the journal ${registration.file}, and register again.`,
        { family: "failure" },
      );
    }),
  });
  return summarize(deps, state, weights, relation, log, registrationStatus(resumed, stepsRun), registration.file, stepsRun);
}

async function summarize(
  deps: RegisterModelDeps,
  state: RegistrationState,
  weights: HashedStatement,
  relation: ModelRelation,
  log: TrainingLogFile | undefined,
  status: RegistrationStatus,
  journalFile: string,
  stepsRun: RegistrationStep[] = [],
): Promise<RegisteredModel> {
  const { client } = deps;
  const minted = recordedStep<{ tokenId: string; txHash?: string; blockNumber?: number }>(state, "minted");
  const tokenId = BigInt(minted.tokenId);
  const model = await readModel(client, tokenId);
  const stored = recordedStep<StoredData>(state, "manifestStored");
  const txHash = minted.txHash ?? recordedStep<{ hash?: string }>(state, "txSent").hash;
  const metadataCid = ipfsTarget(model.tokenURI)?.cid;
  return {
    status,
    tokenId,
    weightsHash: weights.weightsHash,
    relation: model.relation,
    datasetIds: model.datasetIds,
    parentIds: model.parentIds,
    ...(model.trainingLogHead === ZeroHash ? (log === undefined ? {} : { trainingLogHead: log.head }) : { trainingLogHead: model.trainingLogHead }),
    weightsManifestCid: stored.manifestCid,
    ...(stored.weightsCid === undefined ? {} : { weightsCid: stored.weightsCid }),
    ...(stored.trainingLogCid === undefined ? {} : { trainingLogCid: stored.trainingLogCid }),
    ...(metadataCid === undefined ? {} : { metadataCid }),
    tokenURI: model.tokenURI,
    ...(txHash === undefined ? {} : { txHash }),
    ...(minted.blockNumber === undefined ? {} : { blockNumber: minted.blockNumber }),
    registrant: model.registrant,
    journalFile,
    stepsRun,
    links: registrationLinks(client, client.addresses.modelNFT, tokenId, txHash),
    backend: deps.store.backend,
  };
}

async function existingSummary(deps: RegisterModelDeps, tokenId: bigint, txHash: string, weights: HashedStatement, journalFile: string): Promise<RegisteredModel> {
  const { client } = deps;
  const model = await readModel(client, tokenId);
  const metadataCid = ipfsTarget(model.tokenURI)?.cid;
  return {
    status: "existing",
    tokenId,
    weightsHash: weights.weightsHash,
    relation: model.relation,
    datasetIds: model.datasetIds,
    parentIds: model.parentIds,
    ...(model.trainingLogHead === ZeroHash ? {} : { trainingLogHead: model.trainingLogHead }),
    ...(metadataCid === undefined ? {} : { metadataCid }),
    tokenURI: model.tokenURI,
    txHash,
    registrant: model.registrant,
    journalFile,
    stepsRun: [],
    links: registrationLinks(client, client.addresses.modelNFT, tokenId, txHash),
    backend: deps.store.backend,
  };
}

/** Hashes `input.weights` into a model-signing statement, with hashing progress. */
async function hashWeightsForRegistration(input: RegisterModelInput, reporter: Reporter): Promise<HashedStatement> {
  reporter.step(`hashing the weights ${input.weights} (model-signing statement)`);
  try {
    const hashed = await hashModel(input.weights, { ...input.weightsOptions, onProgress: (bytes, total) => reporter.hashing({ samples: 0, bytes, totalBytes: total }) });
    return hashed.hashed;
  } catch (error) {
    throw new UserError((error as Error).message, "Point --weights at the weights file or model directory.", { family: "not-found", cause: error });
  } finally {
    reporter.hashingDone();
  }
}
