/**
 * What a Hugging Face model's small JSON files say about it:
 *
 * - `config.json`: `architectures[0]`, `model_type`, `vocab_size` (also
 *   under `text_config` for multimodal models), `quantization_config`;
 * - `tokenizer_config.json`, `special_tokens_map.json`: special tokens
 *   (`bos_token`, `eos_token`, … and `additional_special_tokens`), each a
 *   string or an AddedToken object `{content, …}`;
 * - `tokenizer.json`: the vocabulary (`model.vocab`, an object for BPE and
 *   WordPiece, a list of `[token, score]` for Unigram) and `added_tokens`,
 *   giving a vocabulary size and id → token;
 * - `generation_config.json`: `bos_token_id`, `eos_token_id`,
 *   `pad_token_id` (mapped to tokens through the tokenizer);
 * - `adapter_config.json` (PEFT): an adapter, with `base_model_name_or_path`;
 * - quantization: GGUF files, `quantization_config.quant_method` (gptq, awq,
 *   bitsandbytes, …), AutoGPTQ's `quantize_config.json`, bitsandbytes'
 *   `load_in_4bit`/`load_in_8bit`.
 *
 * Each reader takes the parsed JSON (or undefined when the file is absent).
 */

/** A JSON object as read from a model file. */
export type JsonRecord = Record<string, unknown>;

/** Facts of config.json. */
export interface ConfigFacts {
  readonly architecture?: string | undefined;
  readonly modelType?: string | undefined;
  readonly vocabSize?: number | undefined;
  /** `quantization_config.quant_method` (or bitsandbytes flags). */
  readonly quantMethod?: string | undefined;
}

const isRecord = (v: unknown): v is JsonRecord => typeof v === "object" && v !== null && !Array.isArray(v);
const positiveInt = (v: unknown): number | undefined => (typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : undefined);
const nonEmpty = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** Reads config.json. */
export function configFacts(config: JsonRecord | undefined): ConfigFacts {
  if (config === undefined) return {};
  const archs = config["architectures"];
  const text = isRecord(config["text_config"]) ? config["text_config"] : undefined;
  const q = isRecord(config["quantization_config"]) ? config["quantization_config"] : undefined;
  let quantMethod = nonEmpty(q?.["quant_method"])?.toLowerCase();
  if (quantMethod === undefined && (q?.["load_in_4bit"] === true || q?.["load_in_8bit"] === true || config["load_in_4bit"] === true || config["load_in_8bit"] === true)) quantMethod = "bitsandbytes";
  return {
    architecture: Array.isArray(archs) ? nonEmpty(archs[0]) : undefined,
    modelType: nonEmpty(config["model_type"]),
    vocabSize: positiveInt(config["vocab_size"]) ?? positiveInt(text?.["vocab_size"]),
    quantMethod,
  };
}

/** The special-token names huggingface tokenizers use. */
export const SPECIAL_TOKEN_NAMES = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"] as const;

/** name → token; `additional_special_tokens` → list. */
export type SpecialTokens = Record<string, string | string[]>;

function tokenText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (isRecord(v) && typeof v["content"] === "string") return v["content"];
  return undefined;
}

/** Special tokens from a tokenizer_config.json or special_tokens_map.json object. */
export function specialTokensOf(file: JsonRecord | undefined): SpecialTokens {
  const out: SpecialTokens = {};
  if (file === undefined) return out;
  for (const name of SPECIAL_TOKEN_NAMES) {
    const t = tokenText(file[name]);
    if (t !== undefined) out[name] = t;
  }
  const extra = file["additional_special_tokens"];
  if (Array.isArray(extra)) {
    const list = extra.map(tokenText).filter((t): t is string => t !== undefined);
    if (list.length > 0) out["additional_special_tokens"] = list;
  }
  return out;
}

/** What tokenizer.json says: vocabulary size and id → token. */
export interface TokenizerFacts {
  readonly vocabSize?: number | undefined;
  readonly tokenOfId: ReadonlyMap<number, string>;
}

/** Reads tokenizer.json: the distinct ids of `model.vocab` and `added_tokens`. */
export function tokenizerFacts(tokenizer: JsonRecord | undefined): TokenizerFacts {
  const ids = new Map<number, string>();
  if (tokenizer === undefined) return { tokenOfId: ids };
  const model = isRecord(tokenizer["model"]) ? tokenizer["model"] : undefined;
  const vocab = model?.["vocab"];
  if (isRecord(vocab)) {
    for (const [token, id] of Object.entries(vocab)) if (typeof id === "number") ids.set(id, token);
  } else if (Array.isArray(vocab)) {
    vocab.forEach((entry, id) => {
      if (Array.isArray(entry) && typeof entry[0] === "string") ids.set(id, entry[0]);
    });
  }
  const added = tokenizer["added_tokens"];
  if (Array.isArray(added)) {
    for (const a of added) if (isRecord(a) && typeof a["id"] === "number" && typeof a["content"] === "string") ids.set(a["id"], a["content"]);
  }
  return { vocabSize: ids.size === 0 ? undefined : ids.size, tokenOfId: ids };
}

/** Special tokens named by generation_config.json ids, through the tokenizer's vocabulary. */
export function generationSpecialTokens(generation: JsonRecord | undefined, tokenOfId: ReadonlyMap<number, string>): SpecialTokens {
  const out: SpecialTokens = {};
  if (generation === undefined) return out;
  for (const name of ["bos", "eos", "pad"] as const) {
    const raw = generation[`${name}_token_id`];
    const id = Array.isArray(raw) ? raw[0] : raw;
    const token = typeof id === "number" ? tokenOfId.get(id) : undefined;
    if (token !== undefined) out[`${name}_token`] = token;
  }
  return out;
}

/** What adapter_config.json says. */
export interface AdapterFacts {
  readonly baseModel?: string | undefined;
  readonly peftType?: string | undefined;
}

/** Reads adapter_config.json. */
export function adapterFacts(adapter: JsonRecord | undefined): AdapterFacts | undefined {
  if (adapter === undefined) return undefined;
  return { baseModel: nonEmpty(adapter["base_model_name_or_path"]), peftType: nonEmpty(adapter["peft_type"]) };
}

/** The quantization format the files show, or undefined: gguf, a quant_method, or gptq (quantize_config.json). */
export function quantizationOf(paths: readonly string[], config: ConfigFacts): string | undefined {
  if (paths.some((p) => p.toLowerCase().endsWith(".gguf"))) return "gguf";
  if (config.quantMethod !== undefined) return config.quantMethod;
  if (paths.includes("quantize_config.json")) return "gptq";
  return undefined;
}
