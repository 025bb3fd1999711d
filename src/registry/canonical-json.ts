/**
 * Canonical JSON: one byte string per value, so that hashes and IPFS CIDs of
 * metadata, manifests, models and logs are reproducible.
 *
 * The rules are those of RFC 8785 (JSON Canonicalization Scheme) restricted to
 * plain data: object keys sorted by UTF-16 code units, no whitespace, strings
 * escaped as `JSON.stringify` does, numbers in ECMAScript's shortest
 * round-trip form (`1`, `0.25`, `1e-7`; `-0` becomes `0`), UTF-8 output.
 * Strings (values and keys) must be well-formed Unicode: a lone surrogate
 * (U+D800–U+DFFF without its pair) has no UTF-8 form, and RFC 8785 §3.2.2.2
 * requires rejecting it rather than writing `\udXXX`.
 * Values that have no JSON form are rejected instead of silently dropped:
 * `undefined` (except as an object property, which is omitted, like
 * `JSON.stringify`), NaN / ±Infinity, bigint, functions, symbols, class
 * instances (Map, Date, Uint8Array…), cycles, and strings (values or keys)
 * holding a lone UTF-16 surrogate, which has no UTF-8 form (RFC 8785 §3.2.2.2
 * requires rejecting it; `JSON.stringify` would escape it instead).
 */
import { DatatraceError } from "../errors/index.js";

/** A JSON value as accepted by {@link canonicalJson}. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/** A JSON object (string keys, JSON values; undefined members are omitted). */
export type JsonObject = { readonly [key: string]: JsonValue | undefined };

/** Thrown when a value cannot be written as canonical JSON; `path` locates it (`$.a[2].b`). */
export class CanonicalJsonError extends DatatraceError {
  /** JSONPath-like location of the offending value. */
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`Cannot encode ${path} as canonical JSON: ${problem}.`, { family: "data" });
    this.name = "CanonicalJsonError";
    this.path = path;
  }
}

/** Canonical JSON text of `value` (see the module doc for the rules). */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, "$", parts, new Set());
  return parts.join("");
}

/** Canonical JSON of `value` as UTF-8 bytes (what gets hashed or uploaded). */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

/** Matches a lone surrogate: with the `u` flag, a valid pair is one code point and does not match. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** A string as JSON text; throws for a lone surrogate (not well-formed Unicode). */
function jsonString(value: string, path: string): string {
  const lone = LONE_SURROGATE.exec(value);
  if (lone !== null) {
    const unit = lone[0].charCodeAt(0).toString(16).toUpperCase();
    throw new CanonicalJsonError(path, `the string has a lone surrogate U+${unit} at index ${lone.index} (not well-formed Unicode; RFC 8785 forbids it)`);
  }
  return JSON.stringify(value);
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(value: unknown, path: string, out: string[], stack: Set<object>): void {
  switch (typeof value) {
    case "string":
      out.push(jsonString(value, path));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a finite number`);
      out.push(JSON.stringify(value)); // shortest round-trip; -0 -> "0"
      return;
    case "object":
      break;
    case "undefined":
      throw new CanonicalJsonError(path, "undefined has no JSON form (omit the member or use null)");
    case "bigint":
      throw new CanonicalJsonError(path, "bigint has no JSON form (convert it to a decimal string)");
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} has no JSON form`);
  }
  if (value === null) {
    out.push("null");
    return;
  }
  if (stack.has(value)) throw new CanonicalJsonError(path, "the value contains a cycle");
  if (Array.isArray(value)) {
    stack.add(value);
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      write(item, `${path}[${i}]`, out, stack);
    });
    out.push("]");
    stack.delete(value);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
    throw new CanonicalJsonError(path, `a ${name} is not a plain object (convert it to plain JSON data first)`);
  }
  stack.add(value);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort(compareUtf16);
  out.push("{");
  keys.forEach((key, i) => {
    if (i > 0) out.push(",");
    out.push(jsonString(key, `${path} key ${JSON.stringify(key)}`), ":");
    write(record[key], `${path}.${key}`, out, stack);
  });
  out.push("}");
  stack.delete(value);
}
