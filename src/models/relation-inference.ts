/**
 * How a Hugging Face model derives from its base model(s), in this order:
 *
 * 1. no base model → `base`;
 * 2. the card's `base_model_relation` (adapter, merge, quantized, finetune);
 * 3. the Hub's own inference, when the model comes from the Hub: its tags
 *    `base_model:<relation>:<parent>`;
 * 4. inferred from the files: `adapter_config.json` → adapter; GGUF files,
 *    a GPTQ/AWQ/bitsandbytes/… quantization config → quantized; several base
 *    models → merge; otherwise finetune.
 *
 * The result says where it came from (`relationSource`).
 */
import { isModelRelation, type ModelRelation } from "../registry/index.js";

/** Evidence for {@link inferRelation}. */
export interface RelationEvidence {
  readonly baseModels: readonly string[];
  readonly cardRelation?: string | undefined;
  /** Relations from the Hub's `base_model:<relation>:<parent>` tags. */
  readonly hubTagRelations?: readonly string[] | undefined;
  readonly hasAdapterConfig: boolean;
  /** Quantization format found (gguf, gptq, awq, bitsandbytes…), if any. */
  readonly quantization?: string | undefined;
}

/** A relation and its source. */
export interface InferredRelation {
  readonly relation: ModelRelation;
  /** `no base model`, `card`, `hub tags`, `adapter_config.json`, `quantization (<format>)`, `several base models`, `default`. */
  readonly source: string;
}

function relationName(text: string | undefined): ModelRelation | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase().replace(/^fine-?tune[ds]?$/, "finetune").replace(/^quantization$/, "quantized").replace(/^adapters?$/, "adapter").replace(/^merged?$/, "merge");
  return isModelRelation(t) && t !== "base" ? t : undefined;
}

/** The relation (see the module doc). */
export function inferRelation(e: RelationEvidence): InferredRelation {
  if (e.baseModels.length === 0) return { relation: "base", source: "no base model" };
  const card = relationName(e.cardRelation);
  if (card !== undefined) return { relation: card, source: "card" };
  const tags = [...new Set((e.hubTagRelations ?? []).map(relationName).filter((r): r is ModelRelation => r !== undefined))];
  if (tags.length === 1) return { relation: tags[0]!, source: "hub tags" };
  if (e.hasAdapterConfig) return { relation: "adapter", source: "adapter_config.json" };
  if (e.quantization !== undefined) return { relation: "quantized", source: `quantization (${e.quantization})` };
  if (e.baseModels.length >= 2) return { relation: "merge", source: "several base models" };
  return { relation: "finetune", source: "default" };
}

/** The relations named by `base_model:<relation>:<parent>` tags. */
export function relationsFromTags(tags: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const tag of tags ?? []) {
    const m = /^base_model:([a-z_]+):.+$/.exec(tag);
    if (m !== null) out.push(m[1]!);
  }
  return out;
}
