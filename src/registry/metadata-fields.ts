/**
 * Validation of the fields of token metadata (names, descriptions, URLs,
 * dates, hashes, CIDs, creators, keywords, versions): each function checks
 * one field and returns it normalized, or throws a {@link UserError} naming
 * the field and saying what to pass instead. Shared by the dataset and model
 * metadata builders.
 */
import { CID } from "multiformats/cid";

import { UserError } from "../errors/index.js";
import type { JsonObject } from "./canonical-json.js";

/** Who made a dataset or model. */
export interface Creator {
  readonly name: string;
  readonly url?: string;
  /** Default "Person". */
  readonly type?: "Person" | "Organization";
}

/** Throws the {@link UserError} of an invalid field: what is wrong with it, and what to pass. */
export function invalidField(field: string, problem: string, fix: string): never {
  throw new UserError(`Invalid ${field}: ${problem}.`, fix, { family: "data" });
}

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Trimmed text of at most `max` characters, without control characters; undefined when absent and not `required`. */
export function textField(field: string, value: unknown, max: number, required: boolean): string | undefined {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    if (required) invalidField(field, "it is missing or empty", `Pass a ${field} (1–${max} characters).`);
    return undefined;
  }
  if (typeof value !== "string") invalidField(field, `expected text, got ${typeof value}`, `Pass the ${field} as a string.`);
  const trimmed = value.trim();
  if ([...trimmed].length > max) invalidField(field, `it is ${[...trimmed].length} characters long`, `Shorten the ${field} to at most ${max} characters.`);
  if (CONTROL.test(trimmed)) invalidField(field, "it contains control characters", `Remove control characters from the ${field}.`);
  return trimmed;
}

/** Normalizes a 32-byte hex value (0x optional) to `0x` + 64 lowercase hex digits. */
export function normalizeHash32(field: string, value: unknown): `0x${string}` {
  if (typeof value !== "string" || !/^(0x)?[0-9a-fA-F]{64}$/.test(value)) {
    invalidField(field, `${JSON.stringify(value)} is not a 32-byte hex value`, `Pass 64 hex digits, optionally prefixed with 0x.`);
  }
  return `0x${value.replace(/^0x/, "").toLowerCase()}`;
}

/** Validates an IPFS CID (v0 or v1) and returns it unchanged. */
export function validateCid(field: string, value: unknown): string {
  if (typeof value !== "string") invalidField(field, "it is missing", "Pass the IPFS CID returned by the upload (bafy…/bafk… or Qm…).");
  try {
    CID.parse(value.trim());
  } catch {
    invalidField(field, `${JSON.stringify(value)} is not an IPFS CID`, "Pass the IPFS CID returned by the upload (bafy…/bafk… or Qm…).");
  }
  return value.trim();
}

/** A non-negative safe integer. */
export function countField(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    invalidField(field, `${String(value)} is not a non-negative integer`, `Pass a whole number >= 0.`);
  }
  return value;
}

/** An absolute http(s):// or ipfs:// URL, or undefined when absent. */
export function urlField(field: string, value: unknown): string | undefined {
  const s = textField(field, value, 2048, false);
  if (s === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(s);
  } catch {
    invalidField(field, `${JSON.stringify(s)} is not a URL`, "Pass an absolute http(s):// or ipfs:// URL.");
  }
  if (!["http:", "https:", "ipfs:"].includes(parsed.protocol)) invalidField(field, `${parsed.protocol} URLs are not allowed`, "Use an http(s):// or ipfs:// URL.");
  return s;
}

/** An ISO 8601 date (`YYYY-MM-DD` or a full date-time with time zone), or undefined when absent. */
export function dateField(field: string, value: unknown): string | undefined {
  const s = textField(field, value, 40, false);
  if (s === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(s);
  const day = m === null ? Number.NaN : Date.parse(`${m[1]}T00:00:00Z`);
  // Date.parse accepts 2026-02-30 on some engines: require the day to round-trip.
  const ok = m !== null && !Number.isNaN(day) && new Date(day).toISOString().slice(0, 10) === m[1] && !Number.isNaN(Date.parse(s));
  if (!ok) invalidField(field, `${JSON.stringify(s)} is not an ISO 8601 date`, "Use YYYY-MM-DD (e.g. 2026-07-01) or a full date-time with time zone.");
  return s;
}

/** A creator or publisher as a schema.org `Person`/`Organization`, or undefined when absent. */
export function creatorField(value: string | Creator | undefined, role = "creator"): JsonObject | undefined {
  if (value === undefined) return undefined;
  const c: Creator = typeof value === "string" ? { name: value } : value;
  const name = textField(`${role} name`, c.name, 200, true) as string;
  const type = c.type ?? "Person";
  if (type !== "Person" && type !== "Organization") invalidField(`${role} type`, JSON.stringify(type), 'Use "Person" or "Organization".');
  return { "@type": `sc:${type}`, name, url: urlField(`${role} url`, c.url) };
}

/** A list of keywords (each 1–100 characters), or undefined when absent. */
export function keywordsField(value: readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) invalidField("keywords", "expected a list", "Pass keywords as an array of strings.");
  return value.map((k, i) => textField(`keyword ${i + 1}`, k, 100, true) as string);
}

/** A version string, default "1.0.0". */
export function versionField(value: unknown): string {
  const v = textField("version", value, 64, false) ?? "1.0.0";
  if (!/^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(v)) invalidField("version", JSON.stringify(v), 'Use a version like "1.0.0".');
  return v;
}
