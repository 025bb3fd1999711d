/**
 * Canonical bytes of a {@link NaiveBayesModel}: the model's weights file.
 * Same model → same bytes → same weightsHash, on any machine.
 *
 * The bytes are the canonical JSON (RFC 8785 rules, see
 * `registry/canonical-json.ts`) of
 *   { documents: {ham, spam}, format, hyperparameters: {alpha, minCount},
 *     tokenizer, vocabulary: [[token, spamCount, hamCount], …] }
 * with the vocabulary sorted by token (UTF-16 code units; tokens are ASCII).
 * All counts are integers; the only float, alpha, is written in ECMAScript's
 * shortest round-trip form, which every conforming engine produces
 * identically. {@link deserializeModel} accepts only canonical bytes, so one
 * model has exactly one serialization.
 */
import { UserError } from "../errors/index.js";
import { canonicalJsonBytes } from "../registry/index.js";
import { assertModel, NAIVE_BAYES_FORMAT, type NaiveBayesModel, resolveHyperparameters } from "./naive-bayes.js";

/** Canonical weights bytes of `model` (see the module doc). */
export function serializeModel(model: NaiveBayesModel): Uint8Array {
  assertModel(model);
  const vocabulary = [...model.counts].map(([token, [s, h]]) => [token, s, h] as const);
  vocabulary.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return canonicalJsonBytes({
    documents: { ham: model.documents.ham, spam: model.documents.spam },
    format: model.format,
    hyperparameters: { alpha: model.hyperparameters.alpha, minCount: model.hyperparameters.minCount },
    tokenizer: model.tokenizer,
    vocabulary,
  });
}

/** Parses weights bytes made by {@link serializeModel}; throws a descriptive error on anything else, including non-canonical encodings. */
export function deserializeModel(bytes: Uint8Array): NaiveBayesModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new UserError("The model file is not valid UTF-8 JSON.", "Pass the weights file written by serializeModel (model.json).", { family: "data", cause });
  }
  const bad = (what: string): Error =>
    new UserError(`The model file is malformed: ${what}.`, "Pass the weights file exactly as written by serializeModel (model.json).", { family: "data" });
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw bad("top level is not an object");
  const o = parsed as Record<string, unknown>;
  if (o.format !== NAIVE_BAYES_FORMAT) throw bad(`format is ${JSON.stringify(o.format)}, expected "${NAIVE_BAYES_FORMAT}"`);
  const docs = o.documents as Record<string, unknown> | null | undefined;
  if (typeof docs !== "object" || docs === null || typeof docs.spam !== "number" || typeof docs.ham !== "number") {
    throw bad("documents must be {spam: number, ham: number}");
  }
  const hp = o.hyperparameters as Record<string, unknown> | null | undefined;
  if (typeof hp !== "object" || hp === null || typeof hp.alpha !== "number" || typeof hp.minCount !== "number") {
    throw bad("hyperparameters must be {alpha: number, minCount: number}");
  }
  if (typeof o.tokenizer !== "string") throw bad("tokenizer must be a string");
  if (!Array.isArray(o.vocabulary)) throw bad("vocabulary must be an array");
  const counts = new Map<string, readonly [number, number]>();
  for (const [i, row] of (o.vocabulary as unknown[]).entries()) {
    if (!Array.isArray(row) || row.length !== 3 || typeof row[0] !== "string") throw bad(`vocabulary[${i}] is not [token, spamCount, hamCount]`);
    const [token, s, h] = row as [string, unknown, unknown];
    if (!Number.isSafeInteger(s) || !Number.isSafeInteger(h) || (s as number) < 0 || (h as number) < 0) {
      throw bad(`vocabulary[${i}] (${JSON.stringify(token)}) has counts that are not non-negative integers`);
    }
    counts.set(token, [s as number, h as number]);
  }
  const model: NaiveBayesModel = {
    format: NAIVE_BAYES_FORMAT,
    tokenizer: o.tokenizer,
    hyperparameters: resolveHyperparameters({ alpha: hp.alpha, minCount: hp.minCount }),
    documents: { spam: docs.spam, ham: docs.ham },
    counts,
  };
  assertModel(model);
  const again = serializeModel(model);
  if (Buffer.compare(Buffer.from(again), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) !== 0) {
    throw bad("its bytes are not in canonical form, so its weightsHash would not be reproducible (keys, order, spacing and number formatting must match serializeModel's output)");
  }
  return model;
}
