/**
 * Token metadata of dataset and model NFTs: ERC-721 metadata JSON (name,
 * description, image, external_url, attributes) that is, for datasets, also
 * a Croissant 1.0 dataset description (JSON-LD, `@type: sc:Dataset`,
 * `conformsTo: http://mlcommons.org/croissant/1.0`, distribution pointing at
 * the sample-hash manifest on IPFS), plus the Datatrace commitment fields.
 *
 * Inputs are validated with {@link UserError}s that say what to fix.
 * Serialization is canonical JSON ({@link metadataBytes}): the same input
 * gives the same bytes, hence the same IPFS CID. Nothing here reads the clock:
 * pass `datePublished` explicitly. Metadata must fit one 256 KiB IPFS block
 * ({@link METADATA_MAX_BYTES}) so its CID (a raw-leaf CIDv1) can be computed
 * locally and matches the one the storage service returns.
 */
import { CID } from "multiformats/cid";

import { EXIT_CODES, UserError } from "../cli/errors.js";
import type { SourceStructure } from "../sources/index.js";
import { renderCardSvg, shortHex, svgDataUri } from "./card-svg.js";
import { canonicalJsonBytes, type JsonObject, type JsonValue } from "./canonical-json.js";
import { croissantRecordSets } from "./croissant-record-set.js";
import { parseLicense } from "./license.js";
import { assertParentCount, type ModelRelation, parseModelRelation } from "./model-relation.js";

/** Largest metadata document, in bytes: one IPFS block (256 KiB). */
export const METADATA_MAX_BYTES = 262_144;

/** Croissant 1.0 JSON-LD context (from the specification), plus Datatrace terms under `urn:datatrace:`. */
export const CROISSANT_CONTEXT = {
  "@language": "en",
  "@vocab": "https://schema.org/",
  citeAs: "cr:citeAs",
  column: "cr:column",
  conformsTo: "dct:conformsTo",
  cr: "http://mlcommons.org/croissant/",
  rai: "http://mlcommons.org/croissant/RAI/",
  data: { "@id": "cr:data", "@type": "@json" },
  dataType: { "@id": "cr:dataType", "@type": "@vocab" },
  dct: "http://purl.org/dc/terms/",
  examples: { "@id": "cr:examples", "@type": "@json" },
  extract: "cr:extract",
  field: "cr:field",
  fileProperty: "cr:fileProperty",
  fileObject: "cr:fileObject",
  fileSet: "cr:fileSet",
  format: "cr:format",
  includes: "cr:includes",
  isLiveDataset: "cr:isLiveDataset",
  jsonPath: "cr:jsonPath",
  key: "cr:key",
  md5: "cr:md5",
  parentField: "cr:parentField",
  path: "cr:path",
  recordSet: "cr:recordSet",
  references: "cr:references",
  regex: "cr:regex",
  repeated: "cr:repeated",
  replace: "cr:replace",
  sc: "https://schema.org/",
  separator: "cr:separator",
  source: "cr:source",
  subField: "cr:subField",
  transform: "cr:transform",
  dt: "urn:datatrace:",
  merkleRoot: "dt:merkleRoot",
  leafCount: "dt:leafCount",
  sampleCount: "dt:sampleCount",
  duplicateCount: "dt:duplicateCount",
  attributes: { "@id": "dt:erc721Attributes", "@type": "@json" },
  external_url: { "@id": "dt:externalUrl", "@type": "@id" },
} as const;

/** Croissant version the dataset metadata conforms to. */
export const CROISSANT_CONFORMS_TO = "http://mlcommons.org/croissant/1.0";

/** An ERC-721 / OpenSea-style attribute. */
export interface Attribute {
  readonly trait_type: string;
  readonly value: string | number;
  readonly display_type?: "number";
}

/** Who made a dataset or model. */
export interface Creator {
  readonly name: string;
  readonly url?: string;
  /** Default "Person". */
  readonly type?: "Person" | "Organization";
}

/** Input of {@link buildDatasetMetadata}. */
export interface DatasetMetadataInput {
  readonly name: string;
  readonly description?: string;
  /** SPDX identifier (see license.ts). */
  readonly license: string;
  /** Dataset home page (Croissant `url`); default `ipfs://<manifest cid>`. */
  readonly url?: string;
  /** Page shown by marketplaces (`external_url`). */
  readonly externalUrl?: string;
  readonly creator?: string | Creator;
  /** Who publishes the dataset (Croissant recommends it), when not the creator. */
  readonly publisher?: string | Creator;
  /**
   * What the sources' records look like (`describeSources`): adds their
   * files to the Croissant `distribution` and one `recordSet` each.
   */
  readonly sources?: readonly SourceStructure[];
  /** ISO 8601 date, `YYYY-MM-DD` or full date-time. Omitted when absent (Croissant validators warn). */
  readonly datePublished?: string;
  /** Dataset version, default "1.0.0". */
  readonly version?: string;
  /** Citation (BibTeX or text). */
  readonly citeAs?: string;
  readonly keywords?: readonly string[];
  /** Merkle root of the sample-hash set (0x + 64 hex). */
  readonly root: string;
  /** Number of distinct sample hashes (tree leaves). */
  readonly leafCount: number;
  /** Number of samples read, duplicates included (>= leafCount). Default leafCount. */
  readonly sampleCount?: number;
  /**
   * The sample-hash manifest on IPFS: a UnixFS directory (`header.json`,
   * `index.bin`, `shards/*.bin`, `ids/*` unless private) named by its CID.
   */
  readonly manifest: {
    /** CID of the manifest directory. */
    readonly cid: string;
    /** SHA-256 of the directory's `header.json` (0x optional), which names the root. */
    readonly headerSha256: string;
    /** Size of `header.json` in bytes. */
    readonly headerSize?: number;
    /** Cumulative size of the stored directory in bytes. */
    readonly size?: number;
  };
}

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

/** Dataset metadata document (ERC-721 + Croissant). */
export type DatasetMetadata = JsonObject & {
  readonly name: string;
  readonly image: string;
  readonly merkleRoot: string;
  readonly leafCount: number;
};

/** Model metadata document (ERC-721 + Datatrace model fields). */
export type ModelMetadata = JsonObject & {
  readonly name: string;
  readonly image: string;
  readonly weightsHash: string;
  readonly relation: ModelRelation;
};

function invalid(field: string, problem: string, fix: string): never {
  throw new UserError(`Invalid ${field}: ${problem}.`, fix, { exitCode: EXIT_CODES.dataError });
}

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function text(field: string, value: unknown, max: number, required: boolean): string | undefined {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    if (required) invalid(field, "it is missing or empty", `Pass a ${field} (1–${max} characters).`);
    return undefined;
  }
  if (typeof value !== "string") invalid(field, `expected text, got ${typeof value}`, `Pass the ${field} as a string.`);
  const trimmed = value.trim();
  if ([...trimmed].length > max) invalid(field, `it is ${[...trimmed].length} characters long`, `Shorten the ${field} to at most ${max} characters.`);
  if (CONTROL.test(trimmed)) invalid(field, "it contains control characters", `Remove control characters from the ${field}.`);
  return trimmed;
}

/** Normalizes a 32-byte hex value (0x optional) to `0x` + 64 lowercase hex digits. */
export function normalizeHash32(field: string, value: unknown): `0x${string}` {
  if (typeof value !== "string" || !/^(0x)?[0-9a-fA-F]{64}$/.test(value)) {
    invalid(field, `${JSON.stringify(value)} is not a 32-byte hex value`, `Pass 64 hex digits, optionally prefixed with 0x.`);
  }
  return `0x${value.replace(/^0x/, "").toLowerCase()}`;
}

/** Validates an IPFS CID (v0 or v1) and returns it unchanged. */
export function validateCid(field: string, value: unknown): string {
  if (typeof value !== "string") invalid(field, "it is missing", "Pass the IPFS CID returned by the upload (bafy…/bafk… or Qm…).");
  try {
    CID.parse(value.trim());
  } catch {
    invalid(field, `${JSON.stringify(value)} is not an IPFS CID`, "Pass the IPFS CID returned by the upload (bafy…/bafk… or Qm…).");
  }
  return value.trim();
}

function count(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    invalid(field, `${String(value)} is not a non-negative integer`, `Pass a whole number >= 0.`);
  }
  return value;
}

function url(field: string, value: unknown): string | undefined {
  const s = text(field, value, 2048, false);
  if (s === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(s);
  } catch {
    invalid(field, `${JSON.stringify(s)} is not a URL`, "Pass an absolute http(s):// or ipfs:// URL.");
  }
  if (!["http:", "https:", "ipfs:"].includes(parsed.protocol)) invalid(field, `${parsed.protocol} URLs are not allowed`, "Use an http(s):// or ipfs:// URL.");
  return s;
}

function date(field: string, value: unknown): string | undefined {
  const s = text(field, value, 40, false);
  if (s === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(s);
  const day = m === null ? Number.NaN : Date.parse(`${m[1]}T00:00:00Z`);
  // Date.parse accepts 2026-02-30 on some engines: require the day to round-trip.
  const ok = m !== null && !Number.isNaN(day) && new Date(day).toISOString().slice(0, 10) === m[1] && !Number.isNaN(Date.parse(s));
  if (!ok) invalid(field, `${JSON.stringify(s)} is not an ISO 8601 date`, "Use YYYY-MM-DD (e.g. 2026-07-01) or a full date-time with time zone.");
  return s;
}

function creator(value: string | Creator | undefined, role = "creator"): JsonObject | undefined {
  if (value === undefined) return undefined;
  const c: Creator = typeof value === "string" ? { name: value } : value;
  const name = text(`${role} name`, c.name, 200, true) as string;
  const type = c.type ?? "Person";
  if (type !== "Person" && type !== "Organization") invalid(`${role} type`, JSON.stringify(type), 'Use "Person" or "Organization".');
  return { "@type": `sc:${type}`, name, url: url(`${role} url`, c.url) };
}

function keywords(value: readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) invalid("keywords", "expected a list", "Pass keywords as an array of strings.");
  return value.map((k, i) => text(`keyword ${i + 1}`, k, 100, true) as string);
}

function version(value: unknown): string {
  const v = text("version", value, 64, false) ?? "1.0.0";
  if (!/^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(v)) invalid("version", JSON.stringify(v), 'Use a version like "1.0.0".');
  return v;
}

function formatBytes(n: number): string {
  return `${n} B`;
}

/** 6046 → "6,046" (fixed format, independent of the runtime's locale data). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function assertSize(doc: JsonObject): void {
  const size = canonicalJsonBytes(doc).length;
  if (size > METADATA_MAX_BYTES) {
    throw new UserError(
      `The metadata is ${size} bytes, more than one IPFS block (${METADATA_MAX_BYTES} bytes).`,
      "Shorten the description, keywords or hyperparameters (large artefacts belong in separate files referenced by CID).",
      { exitCode: EXIT_CODES.dataError },
    );
  }
}

/** IDs of the Croissant distribution entries of the manifest. */
export const MANIFEST_DISTRIBUTION_IDS = {
  directory: "sample-hash-manifest",
  header: "sample-hash-manifest-header",
  index: "sample-hash-manifest-index",
  shards: "sample-hash-manifest-shards",
} as const;

/**
 * The Croissant 1.0 `distribution` of the manifest directory. A checksum
 * (`sha256`) is only given where it is the checksum of the bytes at
 * `contentUrl`:
 *
 * - the directory itself: a `cr:FileObject` at `ipfs://<cid>` with no
 *   `sha256` (a directory has no byte checksum; its CID, a hash of the
 *   directory's DAG, identifies it);
 * - `header.json`: a `cr:FileObject` at `ipfs://<cid>/header.json` with its
 *   SHA-256. It names the root, and the root commits to `index.bin` and
 *   every shard;
 * - `index.bin` and `shards/*.bin`: `cr:FileSet`s contained in the directory
 *   (each shard is checked against its `index.bin` entry, whose SHA-256 is
 *   the shard's raw-block CID).
 */
function manifestDistribution(cid: string, headerSha256: string, headerSize: number | undefined, size: number | undefined): JsonValue[] {
  const inDirectory = { "@id": MANIFEST_DISTRIBUTION_IDS.directory };
  return [
    {
      "@type": "cr:FileObject",
      "@id": MANIFEST_DISTRIBUTION_IDS.directory,
      name: "manifest",
      description: "The sample-hash manifest: an IPFS UnixFS directory (header.json, index.bin, shards/, ids/ unless private). Its CID identifies its content; see header.json for the checksum.",
      contentUrl: `ipfs://${cid}`,
      encodingFormat: "inode/directory",
      contentSize: size === undefined ? undefined : formatBytes(size),
    },
    {
      "@type": "cr:FileObject",
      "@id": MANIFEST_DISTRIBUTION_IDS.header,
      name: "header.json",
      description: "Manifest header: Merkle root, leaf count, shard layout. The root commits to index.bin and every shard.",
      contentUrl: `ipfs://${cid}/header.json`,
      encodingFormat: "application/json",
      sha256: headerSha256,
      contentSize: headerSize === undefined ? undefined : formatBytes(headerSize),
    },
    {
      "@type": "cr:FileSet",
      "@id": MANIFEST_DISTRIBUTION_IDS.index,
      name: "index.bin",
      description: "One 132-byte entry per shard: first and last hash, subtree root, SHA-256 of the shard file, hash count.",
      containedIn: inDirectory,
      encodingFormat: "application/octet-stream",
      includes: "index.bin",
    },
    {
      "@type": "cr:FileSet",
      "@id": MANIFEST_DISTRIBUTION_IDS.shards,
      name: "shards",
      description: "Sorted distinct 32-byte SHA-256 sample hashes, 8192 per shard (the last may be shorter); each shard is a raw IPFS block.",
      containedIn: inDirectory,
      encodingFormat: "application/octet-stream",
      includes: "shards/**/*.bin",
    },
  ];
}

/** Builds and validates dataset metadata (ERC-721 + Croissant 1.0, see the module doc). */
export function buildDatasetMetadata(input: DatasetMetadataInput): DatasetMetadata {
  const name = text("dataset name", input.name, 200, true) as string;
  const description = text("description", input.description, 5000, false) ?? `Dataset ${name}, committed on chain by its Merkle root.`;
  const license = parseLicense(input.license);
  const root = normalizeHash32("Merkle root", input.root);
  const leafCount = count("leaf count", input.leafCount);
  const sampleCount = count("sample count", input.sampleCount ?? input.leafCount);
  if (sampleCount < leafCount) invalid("sample count", `${sampleCount} samples cannot give ${leafCount} distinct leaves`, "Pass the number of samples read, duplicates included (>= leaf count).");
  if (typeof input.manifest !== "object" || input.manifest === null) invalid("manifest", "it is missing", "Pass the manifest's {cid, sha256} from the storage step.");
  const manifestCid = validateCid("manifest CID", input.manifest.cid);
  const headerSha = normalizeHash32("manifest header sha256", input.manifest.headerSha256).slice(2);
  const headerSize = input.manifest.headerSize === undefined ? undefined : count("manifest header size", input.manifest.headerSize);
  const size = input.manifest.size === undefined ? undefined : count("manifest size", input.manifest.size);
  const ver = version(input.version);
  const contents = croissantRecordSets(input.sources ?? []);
  const image = svgDataUri(
    renderCardSvg({
      kind: "dataset",
      title: name,
      rows: [
        ["root", shortHex(root)],
        ["leaves", thousands(leafCount)],
        ["samples", thousands(sampleCount)],
        ["duplicates", thousands(sampleCount - leafCount)],
        ["license", license.spdx],
        ["version", ver],
      ],
    }),
  );
  const doc: DatasetMetadata = {
    "@context": CROISSANT_CONTEXT,
    "@type": "sc:Dataset",
    conformsTo: CROISSANT_CONFORMS_TO,
    name,
    description,
    license: license.url ?? license.spdx,
    url: url("url", input.url) ?? `ipfs://${manifestCid}`,
    creator: creator(input.creator),
    publisher: creator(input.publisher, "publisher"),
    datePublished: date("datePublished", input.datePublished),
    version: ver,
    citeAs: text("citeAs", input.citeAs, 5000, false),
    keywords: keywords(input.keywords),
    distribution: [...manifestDistribution(manifestCid, headerSha, headerSize, size), ...contents.distribution],
    recordSet: contents.recordSet.length === 0 ? undefined : contents.recordSet,
    image,
    external_url: url("external URL", input.externalUrl),
    attributes: [
      { trait_type: "Kind", value: "dataset" },
      { trait_type: "Leaves", value: leafCount, display_type: "number" },
      { trait_type: "Samples", value: sampleCount, display_type: "number" },
      { trait_type: "Duplicates", value: sampleCount - leafCount, display_type: "number" },
      { trait_type: "License", value: license.spdx },
      { trait_type: "Version", value: ver },
    ],
    merkleRoot: root,
    leafCount,
    sampleCount,
    duplicateCount: sampleCount - leafCount,
  };
  assertSize(doc);
  return doc;
}

function uniqueIds(field: string, refs: readonly { readonly id: string }[]): void {
  const seen = new Set<string>();
  for (const r of refs) {
    if (typeof r?.id !== "string" || !/^\d+$/.test(r.id)) invalid(field, `id ${JSON.stringify(r?.id)} is not a token id`, "Pass token ids as decimal strings, e.g. \"1\".");
    if (seen.has(r.id)) invalid(field, `token ${r.id} is listed twice`, "List each token once.");
    seen.add(r.id);
  }
}

function metricsOf(value: Readonly<Record<string, number>> | undefined): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalid("metrics", "expected an object", 'Pass metrics as {"accuracy": 0.97, …}.');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "number" || !Number.isFinite(v)) invalid("metrics", `"${k}" is ${String(v)}`, "Every metric must be a finite number.");
  }
  return { ...value };
}

function formatMetric(name: string, value: number): string {
  return ["accuracy", "precision", "recall", "f1"].includes(name) && value >= 0 && value <= 1 ? `${(value * 100).toFixed(2)}%` : String(value);
}

/** Builds and validates model metadata (ERC-721 + datasets, parents, relation, weightsHash, hyperparameters, metrics, trainingLogHead, fingerprintRoot). */
export function buildModelMetadata(input: ModelMetadataInput): ModelMetadata {
  const name = text("model name", input.name, 200, true) as string;
  const description = text("description", input.description, 5000, false) ?? `Model ${name}, committed on chain by its weights hash.`;
  const license = input.license === undefined ? undefined : parseLicense(input.license);
  const weightsHash = normalizeHash32("weightsHash", input.weightsHash);
  let relation: ModelRelation;
  try {
    relation = parseModelRelation(input.relation);
  } catch (e) {
    invalid("relation", JSON.stringify(input.relation), (e as Error).message);
  }
  const parents = input.parents ?? [];
  if (!Array.isArray(parents)) invalid("parents", "expected a list", "Pass parents as an array of {id}.");
  uniqueIds("parents", parents);
  try {
    assertParentCount(relation, parents.length, `Model "${name}"`);
  } catch (e) {
    invalid("relation/parents", (e as Error).message.replace(/\.$/, ""), "Fix the relation or the parent list.");
  }
  if (!Array.isArray(input.datasets)) invalid("datasets", "expected a list", "Pass datasets as an array of {id, root}.");
  uniqueIds("datasets", input.datasets);
  if (input.datasets.length === 0 && parents.length === 0) {
    invalid("datasets", "a base model must name at least one training dataset", "Register the training data as a dataset first and pass its token id.");
  }
  const hyperparameters = input.hyperparameters;
  if (hyperparameters !== undefined && (typeof hyperparameters !== "object" || hyperparameters === null || Array.isArray(hyperparameters))) {
    invalid("hyperparameters", "expected a JSON object", 'Pass hyperparameters as an object such as {"alpha": 1}.');
  }
  const metrics = metricsOf(input.metrics);
  const trainingLogHead = input.trainingLogHead === undefined ? undefined : normalizeHash32("trainingLogHead", input.trainingLogHead);
  const fingerprintRoot = input.fingerprintRoot === undefined ? undefined : normalizeHash32("fingerprintRoot", input.fingerprintRoot);
  const weightsCid = input.weightsCid === undefined ? undefined : validateCid("weights CID", input.weightsCid);
  const weightsManifestCid = input.weightsManifestCid === undefined ? undefined : validateCid("weights manifest CID", input.weightsManifestCid);
  const trainingLogCid = input.trainingLogCid === undefined ? undefined : validateCid("training log CID", input.trainingLogCid);
  const evaluation = input.evaluationDatasets ?? [];
  if (!Array.isArray(evaluation)) invalid("evaluation datasets", "expected a list", "Pass evaluation datasets as an array of {id, root}.");
  uniqueIds("evaluation datasets", evaluation);
  for (const e of evaluation) {
    if (input.datasets.some((d) => d.id === e.id)) {
      invalid("evaluation datasets", `dataset ${e.id} is listed both as training data and as evaluation data`, "A held-out evaluation set must not be part of the training data: list it in one of the two only.");
    }
  }
  const ver = version(input.version);
  const datasetRef = (d: DatasetRef) => {
    const dsName = text("dataset name", d.name, 200, false);
    return { id: d.id, ...(dsName === undefined ? {} : { name: dsName }), ...(d.root === undefined ? {} : { root: normalizeHash32(`root of dataset ${d.id}`, d.root) }) };
  };
  const datasets = input.datasets.map(datasetRef);
  const evaluationDatasets = evaluation.map(datasetRef);
  const parentRefs = parents.map((p) => {
    const parentName = text("parent name", p.name, 200, false);
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
    external_url: url("external URL", input.externalUrl),
    license: license === undefined ? undefined : (license.url ?? license.spdx),
    creator: creator(input.creator),
    version: ver,
    framework: text("framework", input.framework, 200, false),
    attributes: attributes as unknown as JsonValue,
    relation,
    parents: parentRefs,
    datasets,
    evaluationDatasets: evaluationDatasets.length === 0 ? undefined : evaluationDatasets,
    weightsHash,
    weightsCid,
    weightsManifestCid,
    weightsManifestFormat: text("weights manifest format", input.weightsManifestFormat, 200, false),
    huggingFace: input.huggingFace,
    trainingLogCid,
    hyperparameters: hyperparameters ?? {},
    metrics: metrics ?? {},
    trainingLogHead,
    fingerprintRoot,
  };
  assertSize(doc);
  return doc;
}

/** Canonical JSON bytes of a metadata document: what is uploaded, and what its CID is computed from. */
export function metadataBytes(metadata: JsonObject): Uint8Array {
  return canonicalJsonBytes(metadata);
}
