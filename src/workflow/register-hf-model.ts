/**
 * `model register --hf <snapshotDir | org/name>`: register a Hugging Face
 * model in one command.
 *
 * - A folder on disk (a `local_dir` download or a cache snapshot) is hashed
 *   into its model-signing statement; a Hub id is imported from the Hub's
 *   listing without downloading its weights (src/models/hub-model.ts).
 * - Its catalogue record (repoId, revision, architecture, …, weightsHash)
 *   becomes the `huggingFace` field of the token metadata.
 * - Parents: every `baseModels` entry must already be registered (a model
 *   token whose metadata names that repo id, see hf-registry-index.ts). A
 *   missing parent is named with the command that registers it, or, with
 *   `registerParents`, registered first from the Hub (its own parents
 *   before it, recursively).
 * - Datasets: card `datasets` registered as dataset tokens (metadata `url`
 *   `https://huggingface.co/datasets/<id>`) are linked as training data;
 *   the others are reported. More can be given by token id.
 * - The relation is the record's (card, Hub tags or inferred) unless given.
 *
 * Registration itself is `registerModel` (journaled, resumable, duplicate
 * weights of the same registrant reported instead of minted twice).
 */
import { stat } from "node:fs/promises";

import { UserError } from "../errors/index.js";
import {
  describeLocalModel,
  HubError,
  importHubModel,
  parseHubModelId,
  type HashedStatement,
  type HfModelFacts,
  type HubClient,
  type ResourceProvenance,
} from "../models/index.js";
import type { JsonObject } from "../registry/index.js";
import { parseLicense } from "../registry/index.js";
import type { ContentSource } from "./content-source.js";
import { indexModel, loadHfRegistryIndex, type HfRegistryIndex } from "./hf-registry-index.js";
import { registerModel, type RegisteredModel, type RegisterModelDeps } from "./register-model.js";
import { silentReporter } from "./reporter.js";

/** Dependencies of {@link registerHfModel}. */
export interface RegisterHfDeps extends RegisterModelDeps {
  /** Reads token metadata (parent and dataset look-ups). */
  readonly content: ContentSource;
  /** The Hub, for Hub ids and `registerParents` (created lazily by the caller). */
  readonly hub: () => HubClient;
  /** A registry index to reuse (a tree registration keeps one); loaded when absent. */
  readonly index?: HfRegistryIndex | undefined;
}

/** What to register. */
export interface RegisterHfInput {
  /** A model folder, or a Hub id `org/name[@revision]`. */
  readonly source: string;
  /** Repo id to record for a folder whose path does not say it. */
  readonly repoId?: string | undefined;
  /** Register missing ancestors from the Hub first. */
  readonly registerParents?: boolean | undefined;
  /** More training datasets (token ids). */
  readonly datasetIds?: readonly bigint[] | undefined;
  readonly evaluationDatasetIds?: readonly bigint[] | undefined;
  /** Relation override. */
  readonly relation?: string | undefined;
  /** Name override (default: the repo id, else the folder name). */
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly uploadWeights?: boolean | undefined;
  /** Extra ignore paths when hashing a folder. */
  readonly ignore?: readonly string[] | undefined;
  /** Hub import: download and hash LFS files up to this size too. */
  readonly hashLfsUpTo?: number | undefined;
}

/** A registered Hugging Face model. */
export interface RegisteredHfModel {
  readonly registered: RegisteredModel;
  readonly facts: HfModelFacts;
  /** Hub imports: where each digest came from. */
  readonly provenance?: readonly ResourceProvenance[] | undefined;
  readonly source: "hub" | "local";
  /** Ancestors registered first (`registerParents`), in order. */
  readonly parentsRegistered: readonly RegisteredHfModel[];
  /** Card datasets with no dataset token. */
  readonly unlinkedDatasets: readonly string[];
}

async function isPath(text: string): Promise<boolean> {
  try {
    await stat(text);
    return true;
  } catch {
    return false;
  }
}

interface Prepared {
  readonly facts: HfModelFacts;
  readonly hashed: HashedStatement;
  readonly weightsPath: string;
  readonly provenance?: readonly ResourceProvenance[];
  readonly source: "hub" | "local";
}

async function prepare(deps: RegisterHfDeps, input: RegisterHfInput): Promise<Prepared> {
  const reporter = deps.reporter ?? silentReporter;
  if (await isPath(input.source)) {
    reporter.step(`hashing ${input.source} (model-signing statement) and reading its model files`);
    try {
      const local = await describeLocalModel(input.source, {
        repoId: input.repoId,
        ignore: input.ignore,
        onProgress: (bytes, total) => reporter.hashing({ samples: 0, bytes, totalBytes: total }),
      });
      return { facts: local.facts, hashed: local.model.hashed, weightsPath: input.source, source: "local" };
    } catch (error) {
      throw new UserError((error as Error).message, "Point --hf at the model folder (a snapshot_download folder or a cache snapshot) or at a Hub id org/name.", { family: "data", cause: error });
    } finally {
      reporter.hashingDone();
    }
  }
  const id = parseHubModelId(input.source);
  if (id === undefined) {
    throw new UserError(`${input.source} is neither a folder nor a Hugging Face model id.`, "Pass a model folder, or a Hub id such as org/name (org/name@revision for a revision).", { family: "usage" });
  }
  const hub = deps.hub();
  reporter.step(`reading ${id.repoId} from ${hub.endpoint} (file listing; small files downloaded, weights not)`);
  try {
    const m = await importHubModel(hub, id.repoId, { revision: id.revision, hashLfsUpTo: input.hashLfsUpTo, ignore: input.ignore, onFile: (name) => reporter.note(`downloading ${name}`) });
    const fromHub = m.provenance.filter((p) => p.source === "hub-listing").length;
    reporter.note(`${m.provenance.length} files at ${m.info.sha.slice(0, 12)}: ${fromHub} digest${fromHub === 1 ? "" : "s"} from the Hub's LFS listing, ${m.provenance.length - fromHub} hashed here (${m.downloadedBytes} bytes downloaded of ${m.totalBytes})`);
    return { facts: m.facts, hashed: m.hashed, weightsPath: "", provenance: m.provenance, source: "hub" };
  } catch (error) {
    throw asUserError(error);
  }
}

/** A Hub error as a UserError with its own fix and the failure family of its kind. */
export function asUserError(error: unknown): unknown {
  if (!(error instanceof HubError)) return error;
  const family = error.kind === "auth" ? "config" : error.kind === "not-found" ? "not-found" : error.kind === "integrity" ? "data" : "unavailable";
  return new UserError(error.problem, error.fix, { family, cause: error });
}

function licenseOf(text: string | null): string | undefined {
  if (text === null) return undefined;
  try {
    return parseLicense(text).spdx;
  } catch {
    return undefined;
  }
}

/** Registers a Hugging Face model (see the module doc). */
export async function registerHfModel(deps: RegisterHfDeps, input: RegisterHfInput, depth = 0): Promise<RegisteredHfModel> {
  const reporter = deps.reporter ?? silentReporter;
  const prepared = await prepare(deps, input);
  const { facts } = prepared;
  const index = deps.index ?? (await loadHfRegistryIndex(deps.client, deps.content, deps.hub === undefined ? undefined : safeEndpoint(deps)));
  const parentsRegistered: RegisteredHfModel[] = [];
  const missing = facts.baseModels.filter((b) => (index.models.get(b) ?? []).length === 0);
  if (missing.length > 0 && input.registerParents === true) {
    if (depth > 32) throw new UserError(`The ancestry of ${facts.repoId ?? input.source} is deeper than 32 models.`, "Register the ancestors one by one.", { family: "data" });
    for (const parent of missing) {
      reporter.step(`registering the missing parent ${parent} from the Hub first`);
      parentsRegistered.push(await registerHfModel({ ...deps, index }, { source: parent, registerParents: true, uploadWeights: false, hashLfsUpTo: input.hashLfsUpTo }, depth + 1));
    }
  } else if (missing.length > 0) {
    throw new UserError(
      `${facts.repoId ?? input.source} derives from ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not registered here (no model token's metadata names ${missing.length === 1 ? "that repo id" : "those repo ids"}).`,
      `Register ${missing.length === 1 ? "it" : "them"} first: ${missing.map((m) => `npx hardhat model register --hf ${m}`).join("; ")} (same --network), or rerun with --register-parents to register the missing ancestors from the Hub.`,
      { family: "not-found" },
    );
  }
  const parentIds = facts.baseModels.map((b) => index.models.get(b)![0]!);
  const cardDatasetIds: bigint[] = [];
  const unlinkedDatasets: string[] = [];
  for (const d of facts.datasets) {
    const ids = index.datasets.get(d);
    if (ids === undefined || ids.length === 0) unlinkedDatasets.push(d);
    else if (!cardDatasetIds.includes(ids[0]!)) cardDatasetIds.push(ids[0]!);
  }
  for (const d of unlinkedDatasets) reporter.warn(`dataset ${d} named by the card is not registered here: not linked (register it with --url https://huggingface.co/datasets/${d})`);
  const datasetIds = [...cardDatasetIds, ...(input.datasetIds ?? []).filter((id) => !cardDatasetIds.includes(id))];
  const label = facts.repoId ?? input.source;
  if (datasetIds.length === 0 && parentIds.length === 0) {
    throw new UserError(
      `${label} has no base model and none of its training datasets is registered here${facts.datasets.length === 0 ? " (its card names none)" : ` (its card names ${facts.datasets.join(", ")})`}: a model must name what it was trained on.`,
      `Register the training data first (npx hardhat dataset register <data> --url https://huggingface.co/datasets/<id> …) and rerun, or pass --datasets <token ids>.`,
      { family: "usage" },
    );
  }
  const relation = input.relation !== undefined && input.relation !== "" ? input.relation : facts.relation;
  if (relation === "merge" && parentIds.length < 2) {
    throw new UserError(`${label} is a merge by its card but names ${parentIds.length} base model.`, "Pass --relation finetune (or the right relation) to register it with one parent.", { family: "usage" });
  }
  if (relation !== "merge" && relation !== "base" && parentIds.length > 1) {
    throw new UserError(`${label} is a ${relation} but names ${parentIds.length} base models: on chain only a merge has several parents.`, "Pass --relation merge, or fix the card's base_model list.", { family: "usage" });
  }
  const huggingFace: JsonObject = {
    ...(facts as unknown as JsonObject),
    source: prepared.source,
    ...(prepared.provenance === undefined ? {} : { digestsFromHubListing: prepared.provenance.filter((p) => p.source === "hub-listing").map((p) => p.name) }),
  };
  const registered = await registerModel(deps, {
    weights: prepared.weightsPath,
    weightsStatement: prepared.hashed,
    datasetIds,
    evaluationDatasetIds: input.evaluationDatasetIds,
    parentIds,
    relation,
    uploadWeights: input.uploadWeights === true && prepared.weightsPath !== "",
    huggingFace,
    metadata: {
      name: input.name ?? facts.repoId ?? prepared.hashed.statement.subject[0].name,
      description: input.description ?? `Hugging Face model ${label}${facts.revision === null ? "" : ` at revision ${facts.revision}`}: ${facts.relation}${facts.baseModels.length === 0 ? "" : ` of ${facts.baseModels.join(", ")}`}. Weights committed as an OpenSSF model_signing statement.`,
      license: licenseOf(facts.license),
      ...(facts.repoId === null || deps.hub === undefined ? {} : { externalUrl: `${safeEndpoint(deps) ?? "https://huggingface.co"}/${facts.repoId}` }),
    },
  });
  if (facts.repoId !== null) indexModel(index, facts.repoId, registered.tokenId);
  return { registered, facts, provenance: prepared.provenance, source: prepared.source, parentsRegistered, unlinkedDatasets };
}

function safeEndpoint(deps: RegisterHfDeps): string | undefined {
  try {
    return deps.hub().endpoint;
  } catch {
    return undefined;
  }
}
