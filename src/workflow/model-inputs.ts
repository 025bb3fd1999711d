/**
 * Parsing and checking what `model register` is given: token id lists,
 * `k=v` hyperparameters and metrics, a metrics JSON file, the relation
 * (defaulted from the parent count), and a training log whose chain of
 * heads must be intact. Every bad input is a UserError naming the input.
 */
import { readFile } from "node:fs/promises";

import { parseTokenId } from "../chain/index.js";
import { UserError } from "../errors/index.js";
import { type JsonObject, type JsonValue, assertParentCount, parseModelRelation, type ModelRelation } from "../registry/index.js";
import { type TrainingLogRecord, type Hex32, checkTrainingLog } from "../training/index.js";

/** Parses `1,2,3` (or `#1, #2`) into distinct token ids; empty text gives none. */
export function parseTokenIdList(text: string, what: string): bigint[] {
  const parts = text
    .split(",")
    .map((p) => p.trim().replace(/^#/, ""))
    .filter((p) => p !== "");
  const ids: bigint[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p) || BigInt(p) === 0n) {
      throw new UserError(`"${p.length <= 40 ? p : `${p.slice(0, 12)}…`}" in the ${what} list is not a token id.`, `Give ${what} as comma-separated token ids, e.g. 1,2.`, { family: "usage" });
    }
    const id = parseTokenId(p, `token id in the ${what} list`);
    if (ids.includes(id)) throw new UserError(`Token #${id} is listed twice in the ${what}.`, "List each token once.", { family: "usage" });
    ids.push(id);
  }
  return ids;
}

function parseValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/**
 * Parses comma-separated `key=value` pairs. Values are read as JSON when
 * they parse (`1`, `true`, `"x"`, `[1,2]`), else kept as text; a comma
 * starts a new pair only when a `key=` follows it.
 */
export function parseKeyValues(text: string, option: string): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  // Split only at commas that start a new `key=` (values such as [1,2] keep their commas).
  for (const pair of text.split(/,(?=\s*[^,=\s]+\s*=)/).map((p) => p.trim()).filter((p) => p !== "")) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? "" : pair.slice(0, eq).trim();
    if (key === "") {
      throw new UserError(`--${option} "${pair}" is not key=value.`, `Write --${option} name=value, several separated by commas (e.g. alpha=1,minCount=3).`, {
        family: "usage",
      });
    }
    out[key] = parseValue(pair.slice(eq + 1).trim());
  }
  return out;
}

/** Parses `--metric` pairs; every value must be a finite number. */
export function parseMetricPairs(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(parseKeyValues(text, "metric"))) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new UserError(`Metric ${key}=${JSON.stringify(value)} is not a number.`, "Give metrics as numbers, e.g. --metric accuracy=0.97,f1=0.95.", { family: "usage" });
    }
    out[key] = value;
  }
  return out;
}

/** Reads a JSON object of numeric metrics. */
export async function readMetricsFile(file: string): Promise<Record<string, number>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UserError(
      missing ? `The metrics file ${file} does not exist.` : `The metrics file ${file} is not valid JSON (${(error as Error).message}).`,
      'Give a JSON object of numbers, e.g. {"accuracy": 0.97}.',
      { family: missing ? "not-found" : "data", cause: error },
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UserError(`The metrics file ${file} does not hold a JSON object.`, 'Write the metrics as one object, e.g. {"accuracy": 0.97}.', { family: "data" });
  }
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new UserError(`Metric "${key}" in ${file} is ${JSON.stringify(value)}, not a number.`, "Every metric must be a finite number.", { family: "data" });
    }
    out[key] = value;
  }
  return out;
}

/**
 * The relation to register: the given one (checked against the parent
 * count), or when none is given `base` for no parent and `merge` for
 * several; a single parent needs an explicit relation.
 */
export function resolveRelation(text: string, parentCount: number): ModelRelation {
  let relation: ModelRelation;
  if (text.trim() === "") {
    if (parentCount === 1) {
      throw new UserError("A model with one parent needs --relation.", "Say how it derives from its parent: --relation finetune, adapter or quantized.", { family: "usage" });
    }
    relation = parentCount === 0 ? "base" : "merge";
  } else {
    try {
      relation = parseModelRelation(text);
    } catch (error) {
      throw new UserError((error as Error).message, "Pass --relation base, finetune, adapter, quantized or merge.", { family: "usage" });
    }
  }
  try {
    assertParentCount(relation, parentCount);
  } catch (error) {
    throw new UserError((error as Error).message, "Fix --relation or --parents.", { family: "usage" });
  }
  return relation;
}

/** A training log read from disk, with its verified head. */
export interface TrainingLogFile {
  readonly bytes: Uint8Array;
  readonly records: readonly TrainingLogRecord[];
  /** The head after the last entry: what the ModelNFT commits. */
  readonly head: Hex32;
}

/** Reads a JSON Lines training log (docs/training-log.md) and checks it: chain of heads, entries, run shape. */
export async function readTrainingLogFile(file: string): Promise<TrainingLogFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UserError(`Cannot read the training log ${file}.`, "Check the path; it is the JSON Lines file written during training.", { family: "not-found", cause: error });
  }
  const check = checkTrainingLog(new TextDecoder().decode(bytes));
  const first = check.problems[0];
  if (first !== undefined) {
    throw new UserError(
      `The training log ${file} does not verify: ${first.line === null ? "" : `line ${first.line}: `}${first.message}.`,
      "Give the log exactly as training wrote it (format in docs/training-log.md); its heads must chain.",
      { family: "data" },
    );
  }
  return { bytes, records: check.lines.map(({ entry, head }) => ({ entry, head })), head: check.computedHead };
}

/** Merges a hyperparameters object with `--param` pairs (pairs win). */
export function mergeHyperparameters(fromFile: JsonObject | undefined, pairs: Record<string, JsonValue>): JsonObject | undefined {
  if (fromFile === undefined && Object.keys(pairs).length === 0) return undefined;
  return { ...(fromFile ?? {}), ...pairs };
}
