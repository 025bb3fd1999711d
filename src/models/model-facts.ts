/**
 * One catalogue record per Hugging Face model (what `model inspect-hf`
 * prints and `model register --hf` records in the token metadata), read
 * from its small files whether they are on disk or on the Hub:
 * `config.json`, `tokenizer_config.json`, `special_tokens_map.json`,
 * `tokenizer.json`, `generation_config.json`, `adapter_config.json`,
 * `quantize_config.json` and the README.md card.
 *
 * The JSON keys are fixed: repoId, revision, architecture, modelType,
 * vocabSize, specialTokens, task, license, baseModels, relation, datasets,
 * lastModified, weightsHash (null when unknown), plus relationSource.
 */
import type { ModelRelation } from "../registry/index.js";
import { parseModelCard, type ModelCardData } from "./model-card.js";
import {
  adapterFacts,
  configFacts,
  generationSpecialTokens,
  quantizationOf,
  specialTokensOf,
  tokenizerFacts,
  type JsonRecord,
  type SpecialTokens,
} from "./model-config-files.js";
import { inferRelation } from "./relation-inference.js";
import { DatatraceError } from "../errors/index.js";

/** The catalogue record of a model (see the module doc). */
export interface HfModelFacts {
  readonly repoId: string | null;
  readonly revision: string | null;
  readonly architecture: string | null;
  readonly modelType: string | null;
  readonly vocabSize: number | null;
  readonly specialTokens: SpecialTokens;
  readonly task: string | null;
  readonly license: string | null;
  readonly baseModels: string[];
  readonly relation: ModelRelation;
  readonly relationSource: string;
  readonly datasets: string[];
  readonly lastModified: string | null;
  readonly weightsHash: string | null;
}

/** The small files of a model, wherever they are. */
export interface ModelFileReader {
  /** Every file path of the model (POSIX, relative). */
  readonly paths: readonly string[];
  /** Text of a small file, or undefined when the model has no such file. */
  readText(name: string): Promise<string | undefined>;
}

/** A model file that is not valid JSON. */
export class ModelFileFormatError extends DatatraceError {
  constructor(message: string) {
    super(message, { family: "data" });
    this.name = "ModelFileFormatError";
  }
}

/** The files read by {@link describeModelFiles}; anything else is never downloaded. */
export const DESCRIPTIVE_FILES = [
  "README.md",
  "config.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "tokenizer.json",
  "generation_config.json",
  "adapter_config.json",
] as const;

async function readJson(reader: ModelFileReader, name: string): Promise<JsonRecord | undefined> {
  if (!reader.paths.includes(name)) return undefined;
  const text = await reader.readText(name);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ModelFileFormatError(`${name} is not valid JSON (${(cause as Error).message}).`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ModelFileFormatError(`${name} does not hold a JSON object.`);
  return parsed as JsonRecord;
}

/** Facts known from outside the files (repository, revision, date, Hub tags, weightsHash). */
export interface ModelContext {
  readonly repoId?: string | null | undefined;
  readonly revision?: string | null | undefined;
  readonly lastModified?: string | null | undefined;
  readonly weightsHash?: string | null | undefined;
  /** The Hub's `base_model:<relation>:<parent>` relations. */
  readonly hubTagRelations?: readonly string[] | undefined;
  /** Card data the Hub already parsed (used when README.md is not read). */
  readonly cardData?: ModelCardData | undefined;
}

/** Reads the descriptive files and builds the record. */
export async function describeModelFiles(reader: ModelFileReader, context: ModelContext = {}): Promise<HfModelFacts> {
  const readme = reader.paths.includes("README.md") ? await reader.readText("README.md") : undefined;
  const card = readme === undefined ? (context.cardData ?? parseModelCard("")) : parseModelCard(readme);
  const config = configFacts(await readJson(reader, "config.json"));
  const tokenizerConfig = await readJson(reader, "tokenizer_config.json");
  const specialMap = await readJson(reader, "special_tokens_map.json");
  const tokenizer = tokenizerFacts(await readJson(reader, "tokenizer.json"));
  const generation = await readJson(reader, "generation_config.json");
  const adapter = adapterFacts(await readJson(reader, "adapter_config.json"));
  const specialTokens: SpecialTokens = {
    ...generationSpecialTokens(generation, tokenizer.tokenOfId),
    ...specialTokensOf(tokenizerConfig),
    ...specialTokensOf(specialMap),
  };
  const baseModels = card.baseModels.length > 0 ? card.baseModels : adapter?.baseModel !== undefined ? [adapter.baseModel] : [];
  const relation = inferRelation({
    baseModels,
    cardRelation: card.baseModelRelation,
    hubTagRelations: context.hubTagRelations,
    hasAdapterConfig: adapter !== undefined,
    quantization: quantizationOf(reader.paths, config),
  });
  return {
    repoId: context.repoId ?? null,
    revision: context.revision ?? null,
    architecture: config.architecture ?? null,
    modelType: config.modelType ?? null,
    vocabSize: config.vocabSize ?? tokenizer.vocabSize ?? null,
    specialTokens: Object.fromEntries(Object.entries(specialTokens).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    task: card.pipelineTag ?? null,
    license: card.license ?? null,
    baseModels,
    relation: relation.relation,
    relationSource: relation.source,
    datasets: card.datasets,
    lastModified: context.lastModified ?? null,
    weightsHash: context.weightsHash ?? null,
  };
}
