/**
 * Model token metadata: an ERC-721 metadata JSON (name, description, image,
 * attributes) with the Datatrace model fields — training datasets (the
 * on-chain `datasetIds`), held-out evaluation datasets (metadata only),
 * parents and relation, weightsHash and where the weights and their
 * manifest are stored, hyperparameters, metrics, training-log head and
 * fingerprint root.
 *
 * Inputs are validated with `UserError`s that say what to fix (see
 * metadata-fields.ts). The document must fit one IPFS block
 * (metadata-document.ts).
 */
import { renderCardSvg, shortHex, svgDataUri } from "./card-svg.js";
import type { JsonObject, JsonValue } from "./canonical-json.js";
import { parseLicense } from "./license.js";
import { assertMetadataSize, type Attribute } from "./metadata-document.js";
import { creatorField, invalidField, normalizeHash32, textField, urlField, validateCid, versionField, type Creator } from "./metadata-fields.js";
import { assertParentCount, type ModelRelation, parseModelRelation } from "./model-relation.js";

/** A dataset the model was trained on. */
export interface DatasetRef {
  /** DatasetNFT token id (decimal string). */
  readonly id: string;
  readonly name?: string;
  /** Its Merkle root. */
  readonly root?: string;
}

/** A parent model. */
export interface ModelRef {
  /** ModelNFT token id (decimal string). */
  readonly id: string;
  readonly name?: string;
  readonly weightsHash?: string;
}

/** Input of {@link buildModelMetadata}. */
export interface ModelMetadataInput {
  readonly name: string;
  readonly description?: string;
  /** SPDX identifier; optional for models. */
  readonly license?: string;
  readonly externalUrl?: string;
  readonly creator?: string | Creator;
  readonly version?: string;
  /** SHA-256 of the canonical weights manifest (see weights.ts). */
  readonly weightsHash: string;
  /** Where the weights themselves are stored (when they were uploaded). */
  readonly weightsCid?: string;
  /** CID of the weights manifest (a model-signing statement, src/models) whose subject digest is `weightsHash`. */
  readonly weightsManifestCid?: string;
  /** Format of the weights manifest (its in-toto predicate type). */
  readonly weightsManifestFormat?: string;
  /** Hugging Face catalogue record (repoId, revision, architecture, …; see src/models/model-facts.ts). */
  readonly huggingFace?: JsonObject;
  /** CID of the training log (JSON Lines) whose final head is `trainingLogHead`. */
  readonly trainingLogCid?: string;
  /** How the model derives from `parents` ("base" when none). */
  readonly relation: ModelRelation | string;
  readonly parents?: readonly ModelRef[];
  /** Datasets the model was trained on (the on-chain `datasetIds`). */
  readonly datasets: readonly DatasetRef[];
  /**
   * Datasets the model was evaluated on, NOT trained on (held-out test
   * sets). Metadata only: they are not on chain and never traced as
   * training data. A dataset cannot be in both lists.
   */
  readonly evaluationDatasets?: readonly DatasetRef[];
  readonly hyperparameters?: JsonObject;
  /** Evaluation metrics (finite numbers), e.g. accuracy. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Head of the hash-chained training log (see training-log.ts). */
  readonly trainingLogHead?: string;
  /** Merkle root of the model's fingerprint set, when one was registered. */
  readonly fingerprintRoot?: string;
  /** Free-form description of the framework, e.g. "datatrace-naive-bayes/1". */
  readonly framework?: string;
}

/** Model metadata document (ERC-721 + Datatrace model fields). */
export type ModelMetadata = JsonObject & {
  readonly name: string;
  readonly image: string;
  readonly weightsHash: string;
  readonly relation: ModelRelation;
};

function uniqueIds(field: string, refs: readonly { readonly id: string }[]): void {
  const seen = new Set<string>();
  for (const r of refs) {
    if (typeof r?.id !== "string" || !/^\d+$/.test(r.id)) invalidField(field, `id ${JSON.stringify(r?.id)} is not a token id`, "Pass token ids as decimal strings, e.g. \"1\".");
    if (seen.has(r.id)) invalidField(field, `token ${r.id} is listed twice`, "List each token once.");
    seen.add(r.id);
  }
}

function metricsOf(value: Readonly<Record<string, number>> | undefined): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalidField("metrics", "expected an object", 'Pass metrics as {"accuracy": 0.97, …}.');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "number" || !Number.isFinite(v)) invalidField("metrics", `"${k}" is ${String(v)}`, "Every metric must be a finite number.");
  }
  return { ...value };
}

function formatMetric(name: string, value: number): string {
  return ["accuracy", "precision", "recall", "f1"].includes(name) && value >= 0 && value <= 1 ? `${(value * 100).toFixed(2)}%` : String(value);
}

/** Builds and validates model metadata (ERC-721 + datasets, parents, relation, weightsHash, hyperparameters, metrics, trainingLogHead, fingerprintRoot). */
export function buildModelMetadata(input: ModelMetadataInput): ModelMetadata {
  const name = textField("model name", input.name, 200, true) as string;
  const description = textField("description", input.description, 5000, false) ?? `Model ${name}, committed on chain by its weights hash.`;
  const license = input.license === undefined ? undefined : parseLicense(input.license);
  const weightsHash = normalizeHash32("weightsHash", input.weightsHash);
  let relation: ModelRelation;
  try {
    relation = parseModelRelation(input.relation);
  } catch (e) {
    invalidField("relation", JSON.stringify(input.relation), (e as Error).message);
  }
  const parents = input.parents ?? [];
  if (!Array.isArray(parents)) invalidField("parents", "expected a list", "Pass parents as an array of {id}.");
  uniqueIds("parents", parents);
  try {
    assertParentCount(relation, parents.length, `Model "${name}"`);
  } catch (e) {
    invalidField("relation/parents", (e as Error).message.replace(/\.$/, ""), "Fix the relation or the parent list.");
  }
  if (!Array.isArray(input.datasets)) invalidField("datasets", "expected a list", "Pass datasets as an array of {id, root}.");
  uniqueIds("datasets", input.datasets);
  if (input.datasets.length === 0 && parents.length === 0) {
    invalidField("datasets", "a base model must name at least one training dataset", "Register the training data as a dataset first and pass its token id.");
  }
  const hyperparameters = input.hyperparameters;
  if (hyperparameters !== undefined && (typeof hyperparameters !== "object" || hyperparameters === null || Array.isArray(hyperparameters))) {
    invalidField("hyperparameters", "expected a JSON object", 'Pass hyperparameters as an object such as {"alpha": 1}.');
  }
  const metrics = metricsOf(input.metrics);
  const trainingLogHead = input.trainingLogHead === undefined ? undefined : normalizeHash32("trainingLogHead", input.trainingLogHead);
  const fingerprintRoot = input.fingerprintRoot === undefined ? undefined : normalizeHash32("fingerprintRoot", input.fingerprintRoot);
  const weightsCid = input.weightsCid === undefined ? undefined : validateCid("weights CID", input.weightsCid);
  const weightsManifestCid = input.weightsManifestCid === undefined ? undefined : validateCid("weights manifest CID", input.weightsManifestCid);
  const trainingLogCid = input.trainingLogCid === undefined ? undefined : validateCid("training log CID", input.trainingLogCid);
  const evaluation = input.evaluationDatasets ?? [];
  if (!Array.isArray(evaluation)) invalidField("evaluation datasets", "expected a list", "Pass evaluation datasets as an array of {id, root}.");
  uniqueIds("evaluation datasets", evaluation);
  for (const e of evaluation) {
    if (input.datasets.some((d) => d.id === e.id)) {
      invalidField("evaluation datasets", `dataset ${e.id} is listed both as training data and as evaluation data`, "A held-out evaluation set must not be part of the training data: list it in one of the two only.");
    }
  }
  const ver = versionField(input.version);
  const datasetRef = (d: DatasetRef) => {
    const dsName = textField("dataset name", d.name, 200, false);
    return { id: d.id, ...(dsName === undefined ? {} : { name: dsName }), ...(d.root === undefined ? {} : { root: normalizeHash32(`root of dataset ${d.id}`, d.root) }) };
  };
  const datasets = input.datasets.map(datasetRef);
  const evaluationDatasets = evaluation.map(datasetRef);
  const parentRefs = parents.map((p) => {
    const parentName = textField("parent name", p.name, 200, false);
    return { id: p.id, ...(parentName === undefined ? {} : { name: parentName }), ...(p.weightsHash === undefined ? {} : { weightsHash: normalizeHash32(`weightsHash of parent ${p.id}`, p.weightsHash) }) };
  });

  const metricRows = Object.entries(metrics ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const preferred = metricRows.filter(([k]) => ["accuracy", "f1"].includes(k));
  const rows: [string, string][] = [
    ["weights", shortHex(weightsHash)],
    ["relation", relation],
    ["parents", parentRefs.length === 0 ? "none" : parentRefs.map((p) => `#${p.id}`).join(", ")],
    ["datasets", datasets.length === 0 ? "none" : datasets.map((d) => `#${d.id}`).join(", ")],
    ...preferred.map(([k, v]): [string, string] => [k, formatMetric(k, v)]),
  ];
  const image = svgDataUri(renderCardSvg({ kind: "model", title: name, rows }));
  const attributes: Attribute[] = [
    { trait_type: "Kind", value: "model" },
    { trait_type: "Relation", value: relation },
    { trait_type: "Parents", value: parentRefs.length, display_type: "number" },
    { trait_type: "Datasets", value: datasets.length, display_type: "number" },
    ...(evaluationDatasets.length === 0 ? [] : [{ trait_type: "Evaluation datasets", value: evaluationDatasets.length, display_type: "number" as const }]),
    ...(license === undefined ? [] : [{ trait_type: "License", value: license.spdx }]),
    ...metricRows.map(([k, v]): Attribute => ({ trait_type: k, value: v, display_type: "number" })),
  ];
  const doc: ModelMetadata = {
    name,
    description,
    image,
    external_url: urlField("external URL", input.externalUrl),
    license: license === undefined ? undefined : (license.url ?? license.spdx),
    creator: creatorField(input.creator),
    version: ver,
    framework: textField("framework", input.framework, 200, false),
    attributes: attributes as unknown as JsonValue,
    relation,
    parents: parentRefs,
    datasets,
    evaluationDatasets: evaluationDatasets.length === 0 ? undefined : evaluationDatasets,
    weightsHash,
    weightsCid,
    weightsManifestCid,
    weightsManifestFormat: textField("weights manifest format", input.weightsManifestFormat, 200, false),
    huggingFace: input.huggingFace,
    trainingLogCid,
    hyperparameters: hyperparameters ?? {},
    metrics: metrics ?? {},
    trainingLogHead,
    fingerprintRoot,
  };
  assertMetadataSize(doc);
  return doc;
}
