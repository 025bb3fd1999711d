/**
 * weightsHash: one 32-byte commitment to a model's weights, whether they are
 * one file or a directory of files.
 *
 * The weights manifest lists every regular file with its relative POSIX path
 * (for a single file: its base name), size in bytes and SHA-256 (lowercase
 * hex), sorted by path (UTF-8 byte order):
 *
 *   {"files":[{"path":"model.json","sha256":"…","size":509809}],"format":"datatrace-weights/1"}
 *
 * serialized as canonical JSON (RFC 8785 rules), and
 * `weightsHash = SHA-256(canonical manifest bytes)`. A single file and a
 * directory holding only that file therefore give the same weightsHash.
 * Files are hashed as streams (1 MiB reads), so size is not limited by
 * memory. Symbolic links and special files are refused (a link could make the
 * hash depend on something outside the weights); empty directories are not
 * recorded.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";

import { canonicalJsonBytes } from "./canonical-json.js";

/** Format tag of {@link WeightsManifest}. */
export const WEIGHTS_MANIFEST_FORMAT = "datatrace-weights/1";

/** One file of the weights. */
export interface WeightsFileEntry {
  /** Path relative to the weights root, `/`-separated, no `.` or `..` segments. */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** SHA-256 of the content, 64 lowercase hex digits (no 0x). */
  readonly sha256: string;
}

/** The weights manifest (see the module doc). */
export interface WeightsManifest {
  readonly format: typeof WEIGHTS_MANIFEST_FORMAT;
  readonly files: readonly WeightsFileEntry[];
}

/** A manifest with its canonical bytes and hash. */
export interface HashedWeights {
  readonly manifest: WeightsManifest;
  /** Canonical JSON bytes of the manifest (what can be uploaded next to the weights). */
  readonly manifestBytes: Uint8Array;
  /** 0x-prefixed SHA-256 of `manifestBytes`. */
  readonly weightsHash: `0x${string}`;
}

/** Differences between two manifests, by path. */
export interface WeightsDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function assertRelativePath(p: string): void {
  if (typeof p !== "string" || p === "" || p.startsWith("/") || p.includes("\\") || p.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw new Error(`Invalid weights file path ${JSON.stringify(p)}: use a relative POSIX path without empty, "." or ".." segments.`);
  }
}

/** Validates entries, sorts them by path and returns the manifest; throws on duplicates or malformed fields. */
export function createWeightsManifest(entries: Iterable<WeightsFileEntry>): WeightsManifest {
  const files = [...entries].map((e) => ({ path: e.path, size: e.size, sha256: e.sha256 }));
  if (files.length === 0) throw new Error("The weights contain no file: point at a weights file or a directory that holds at least one file.");
  for (const f of files) {
    assertRelativePath(f.path);
    if (!Number.isSafeInteger(f.size) || f.size < 0) throw new Error(`Weights file ${f.path}: size must be a non-negative integer, got ${String(f.size)}.`);
    if (typeof f.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`Weights file ${f.path}: sha256 must be 64 lowercase hex digits.`);
  }
  files.sort((a, b) => compareUtf8(a.path, b.path));
  for (let i = 1; i < files.length; i++) {
    if (files[i]?.path === files[i - 1]?.path) throw new Error(`Weights file ${files[i]?.path} is listed twice.`);
  }
  return { format: WEIGHTS_MANIFEST_FORMAT, files };
}

/** Canonical bytes and weightsHash of a manifest. */
export function hashWeightsManifest(manifest: WeightsManifest): HashedWeights {
  const normalized = createWeightsManifest(manifest.files);
  const manifestBytes = canonicalJsonBytes(normalized);
  const weightsHash = `0x${createHash("sha256").update(manifestBytes).digest("hex")}` as const;
  return { manifest: normalized, manifestBytes, weightsHash };
}

/** weightsHash of in-memory files (e.g. a freshly serialized model) without writing them to disk. */
export function hashWeightsBytes(files: Iterable<{ readonly path: string; readonly bytes: Uint8Array }>): HashedWeights {
  const entries = [...files].map((f) => ({
    path: f.path,
    size: f.bytes.byteLength,
    sha256: createHash("sha256").update(f.bytes).digest("hex"),
  }));
  return hashWeightsManifest(createWeightsManifest(entries));
}

/** SHA-256 (hex) and size of one file, streamed in 1 MiB reads. */
export async function hashFile(filePath: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest("hex") };
}

async function collectFiles(root: string, relative: string, out: string[]): Promise<void> {
  const dir = relative === "" ? root : path.join(root, ...relative.split("/"));
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) await collectFiles(root, rel, out);
    else if (entry.isFile()) out.push(rel);
    else if (entry.isSymbolicLink()) throw new Error(`Weights entry ${rel} in ${root} is a symbolic link: replace it with the file it points to, or remove it.`);
    else throw new Error(`Weights entry ${rel} in ${root} is not a regular file or directory: remove it.`);
  }
}

/** Builds the manifest of a weights file or directory (see the module doc). */
export async function buildWeightsManifest(target: string): Promise<WeightsManifest> {
  let stats;
  try {
    stats = await lstat(target);
  } catch (cause) {
    throw new Error(`Cannot read the weights at ${target}: check the path (a weights file or a directory of weight files).`, { cause });
  }
  if (stats.isSymbolicLink()) throw new Error(`The weights path ${target} is a symbolic link: pass the real file or directory.`);
  if (stats.isFile()) {
    const { size, sha256 } = await hashFile(target);
    return createWeightsManifest([{ path: path.basename(target), size, sha256 }]);
  }
  if (!stats.isDirectory()) throw new Error(`The weights path ${target} is neither a file nor a directory.`);
  const relPaths: string[] = [];
  await collectFiles(target, "", relPaths);
  const entries: WeightsFileEntry[] = [];
  for (const rel of relPaths) {
    const { size, sha256 } = await hashFile(path.join(target, ...rel.split("/")));
    entries.push({ path: rel, size, sha256 });
  }
  return createWeightsManifest(entries);
}

/** Manifest, canonical bytes and weightsHash of a weights file or directory. */
export async function hashWeights(target: string): Promise<HashedWeights> {
  return hashWeightsManifest(await buildWeightsManifest(target));
}

/** Paths added, removed or changed (size or sha256) from `before` to `after`. */
export function diffWeightsManifests(before: WeightsManifest, after: WeightsManifest): WeightsDiff {
  const a = new Map(before.files.map((f) => [f.path, f]));
  const b = new Map(after.files.map((f) => [f.path, f]));
  const added = [...b.keys()].filter((p) => !a.has(p));
  const removed = [...a.keys()].filter((p) => !b.has(p));
  const changed = [...b.keys()].filter((p) => {
    const x = a.get(p);
    const y = b.get(p);
    return x !== undefined && y !== undefined && (x.size !== y.size || x.sha256 !== y.sha256);
  });
  return { added, removed, changed };
}

/** Parses manifest bytes (e.g. downloaded from IPFS) and checks they are canonical. */
export function parseWeightsManifest(bytes: Uint8Array): HashedWeights {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new Error("The weights manifest is not valid UTF-8 JSON.", { cause });
  }
  const m = parsed as Partial<WeightsManifest> | null;
  if (typeof m !== "object" || m === null || m.format !== WEIGHTS_MANIFEST_FORMAT || !Array.isArray(m.files)) {
    throw new Error(`The weights manifest is not a ${WEIGHTS_MANIFEST_FORMAT} manifest ({format, files}).`);
  }
  const hashed = hashWeightsManifest({ format: WEIGHTS_MANIFEST_FORMAT, files: m.files });
  if (Buffer.compare(Buffer.from(hashed.manifestBytes), Buffer.from(bytes)) !== 0) {
    throw new Error("The weights manifest is not in canonical form: its hash would not be reproducible. Rebuild it with hashWeights.");
  }
  return hashed;
}
