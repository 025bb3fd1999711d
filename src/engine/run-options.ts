/** Options of a hashing run, and their parsing from text (command line, environment). */
import type { PartSelector } from "../sources/index.js";
import type { HashSourcesOptions } from "./hash-sources.js";
import { DatatraceError } from "../errors/index.js";

/**
 * Options shared by a whole run (`buildManifest`) and one part of a split run
 * (`hashPart`): the hashing ones of {@link HashSourcesOptions}, plus these.
 */
export interface HashRunOptions extends Pick<HashSourcesOptions, "threads" | "slotBytes" | "slotSamples" | "onProgress" | "signal"> {
  /** Keep no sample ids (no `ids/` in the manifest). Default false. */
  readonly private?: boolean | undefined;
  /** Bytes of records held in memory before spilling to bucket files (default 1 GiB). */
  readonly memoryBudget?: number | undefined;
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/** Parses a byte size such as `512MiB`, `2GB`, `1g` or `65536`. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/iu.exec(text);
  const unit = m === null ? undefined : UNITS[m[2]!.toLowerCase()];
  if (m === null || unit === undefined) {
    throw new DatatraceError(`Cannot read "${text}" as a size: write a number with an optional unit, e.g. 512MiB, 2GB or 1048576.`);
  }
  const bytes = Math.floor(Number(m[1]) * unit);
  if (!(bytes > 0)) throw new DatatraceError(`Size "${text}" must be more than 0 bytes.`);
  return bytes;
}

/** Parses `i/n` (1-based: `1/4` … `4/4`) into a 0-based part selector. */
export function parsePart(text: string): PartSelector {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/u.exec(text);
  const i = m === null ? NaN : Number(m[1]);
  const n = m === null ? NaN : Number(m[2]);
  if (!(n >= 1 && i >= 1 && i <= n && Number.isSafeInteger(n))) {
    throw new DatatraceError(`Cannot read part "${text}": write i/n with 1 <= i <= n, e.g. --part 3/8 for the third of eight parts.`);
  }
  return { index: i - 1, count: n };
}

/**
 * The `createdAt` to record: the explicit value if any, else the time in
 * SOURCE_DATE_EPOCH (seconds) if set, else none (reproducible manifests).
 */
export function resolveCreatedAt(explicit: string | Date | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (explicit instanceof Date) return explicit.toISOString();
  if (explicit !== undefined && explicit !== "") {
    const date = new Date(explicit);
    if (Number.isNaN(date.getTime())) throw new DatatraceError(`createdAt "${explicit}" is not a date; use ISO 8601, e.g. 2026-11-22T12:00:00Z.`);
    return date.toISOString();
  }
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return undefined;
  if (!/^\d+$/u.test(epoch)) throw new DatatraceError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${epoch}".`);
  return new Date(Number(epoch) * 1000).toISOString();
}
