/**
 * Reading a model's hyperparameters from a JSON file (`model register
 * --hyperparameters`): a UserError says whether the file is missing, not
 * JSON (with the parser's position) or not an object. Node only; the
 * metadata builders themselves (dataset-metadata.ts, model-metadata.ts) are browser-safe.
 */
import { readFile } from "node:fs/promises";

import { UserError } from "../errors/index.js";
import type { JsonObject } from "./canonical-json.js";

/** Reads a hyperparameters JSON file; a UserError says whether the file is missing, not JSON (with position) or not an object. */
export async function readHyperparametersFile(filePath: string): Promise<JsonObject> {
  let textContent: string;
  try {
    textContent = await readFile(filePath, "utf8");
  } catch (cause) {
    throw new UserError(`Cannot read the hyperparameters file ${filePath}.`, "Check the path; it must be a JSON file such as {\"alpha\": 1, \"minCount\": 3}.", { family: "not-found", cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textContent);
  } catch (cause) {
    throw new UserError(
      `The hyperparameters file ${filePath} is not valid JSON (${(cause as Error).message}).`,
      "Fix the JSON syntax (double-quoted keys, no trailing commas, no comments).",
      { family: "data", cause },
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UserError(`The hyperparameters file ${filePath} holds ${Array.isArray(parsed) ? "an array" : String(parsed === null ? "null" : typeof parsed)}, not a JSON object.`, 'Write the hyperparameters as one object, e.g. {"alpha": 1, "minCount": 3}.', { family: "data" });
  }
  return parsed as JsonObject;
}
