/**
 * The metadata of a Hugging Face model card: the YAML front matter of its
 * README.md (`---` … `---` at the top, found as huggingface_hub finds it),
 * parsed with the `yaml` package in YAML 1.1 mode (huggingface_hub reads it
 * with PyYAML, a YAML 1.1 parser). The fields the registry uses are read
 * leniently: `base_model` and `datasets` may be a string or a list,
 * `license` a string or a list.
 */
import { parse } from "yaml";
import { DatatraceError } from "../errors/index.js";

/** The card fields the registry reads. */
export interface ModelCardData {
  readonly baseModels: string[];
  /** `base_model_relation` as written (adapter, merge, quantized, finetune), lower-cased. */
  readonly baseModelRelation?: string | undefined;
  readonly datasets: string[];
  readonly license?: string | undefined;
  readonly pipelineTag?: string | undefined;
  readonly libraryName?: string | undefined;
  readonly tags: string[];
  /** The whole front matter, as parsed. */
  readonly raw: Record<string, unknown>;
}

/** A model card whose front matter is not valid YAML. */
export class ModelCardError extends DatatraceError {
  constructor(message: string) {
    super(message, { family: "data" });
    this.name = "ModelCardError";
  }
}

/** huggingface_hub's REGEX_YAML_BLOCK. */
const FRONT_MATTER = /^(\s*---[\r\n]+)([\S\s]*?)([\r\n]+---(\r\n|\n|$))/;

/** The YAML text of the front matter, or undefined when the card has none. */
export function frontMatterText(readme: string): string | undefined {
  const m = FRONT_MATTER.exec(readme.replace(/^\uFEFF/, ""));
  return m === null ? undefined : m[2];
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return value.trim() === "" ? [] : [value.trim()];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
  return [];
}

function text(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (Array.isArray(value)) return strings(value).join(" OR ") || undefined;
  return undefined;
}

/** Reads the card metadata of a README.md text; a card without front matter gives empty fields. */
export function parseModelCard(readme: string, where = "README.md"): ModelCardData {
  const yamlText = frontMatterText(readme);
  let raw: unknown = {};
  if (yamlText !== undefined) {
    try {
      raw = parse(yamlText, { version: "1.1" }) ?? {};
    } catch (cause) {
      throw new ModelCardError(`The YAML front matter of ${where} is invalid: ${(cause as Error).message.split("\n")[0]}`);
    }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ModelCardError(`The YAML front matter of ${where} is not a mapping of keys to values.`);
  const data = raw as Record<string, unknown>;
  const relation = text(data["base_model_relation"]);
  return {
    baseModels: [...new Set(strings(data["base_model"]))],
    baseModelRelation: relation?.toLowerCase(),
    datasets: [...new Set(strings(data["datasets"]))],
    license: text(data["license"]),
    pipelineTag: text(data["pipeline_tag"]),
    libraryName: text(data["library_name"]),
    tags: strings(data["tags"]),
    raw: data,
  };
}
