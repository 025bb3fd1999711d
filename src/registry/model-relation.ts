/**
 * How a model derives from its parent model(s), after the relation types of
 * the Hugging Face model tree (`base_model_relation`): `adapter`, `finetune`,
 * `merge`, `quantized`; plus `base` (no parent model). The order matches
 * `ModelNFT.Relation` (None = base, Finetune, Adapter, Quantized, Merge).
 * A `merge` has two or more parents, `base` none, every other relation
 * exactly one.
 */
import { DatatraceError } from "../errors/index.js";

/** All relations, in their on-chain numeric order (index = uint8 code). */
export const MODEL_RELATIONS = ["base", "finetune", "adapter", "quantized", "merge"] as const;

/** A model relation. */
export type ModelRelation = (typeof MODEL_RELATIONS)[number];

/** True iff `value` is one of {@link MODEL_RELATIONS}. */
export function isModelRelation(value: unknown): value is ModelRelation {
  return typeof value === "string" && (MODEL_RELATIONS as readonly string[]).includes(value);
}

/** Parses a relation name (case-insensitive; `fine-tune` and `quantization` accepted) or throws an error listing the valid names. */
export function parseModelRelation(value: string): ModelRelation {
  const normalized = String(value).trim().toLowerCase().replace(/^fine-tune$/, "finetune").replace(/^quantization$/, "quantized");
  if (isModelRelation(normalized)) return normalized;
  throw new DatatraceError(`Unknown model relation ${JSON.stringify(value)}: use one of ${MODEL_RELATIONS.join(", ")}.`);
}

/** Throws unless the number of parents fits the relation (base: 0, merge: ≥ 2, others: 1). */
export function assertParentCount(relation: ModelRelation, parentCount: number, model = "the model"): void {
  if (relation === "base" && parentCount !== 0) {
    throw new DatatraceError(`${model} has relation "base" but ${parentCount} parent(s): a base model has no parent; use "finetune", "adapter", … instead.`);
  }
  if (relation === "merge" && parentCount < 2) {
    throw new DatatraceError(`${model} has relation "merge" but ${parentCount} parent(s): a merge needs at least two parents.`);
  }
  if (relation !== "base" && relation !== "merge" && parentCount !== 1) {
    throw new DatatraceError(`${model} has relation "${relation}" and ${parentCount} parent(s): it needs exactly one parent (use "merge" for several, "base" for none).`);
  }
}
