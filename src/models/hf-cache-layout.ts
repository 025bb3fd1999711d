/**
 * The two ways `huggingface_hub` leaves a model on disk, and the free
 * cross-checks they carry:
 *
 * - the cache, `~/.cache/huggingface/hub/models--org--name/snapshots/<rev>/`:
 *   every file is a symbolic link into `models--org--name/blobs/<name>`,
 *   where `<name>` is the file's SHA-256 for LFS files and its git blob id
 *   (SHA-1 of `blob <size>\0` + content) for the others;
 * - `snapshot_download(local_dir=…)`: real files, plus
 *   `.cache/huggingface/download/<path>.metadata` per file, whose lines are
 *   the commit hash, the etag (the same SHA-256 or git blob id) and a
 *   timestamp.
 *
 * Either way the expected digest of every file is known without trusting
 * anything but the download itself; hashing checks it.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

/** What to do about a cache snapshot with a missing blob. */
export const HF_CACHE_NOTE = "A snapshot in the Hugging Face cache whose blobs are missing was only partly downloaded: download it again (huggingface_hub snapshot_download).";

/** A digest a file is expected to have. */
export interface ExpectedDigest {
  readonly kind: "sha256" | "git-sha1";
  /** Lowercase hex. */
  readonly value: string;
  /** Where the expectation comes from (for messages). */
  readonly source: string;
}

/** A model snapshot inside the Hugging Face cache. */
export interface CacheSnapshot {
  /** `org/name`. */
  readonly repoId: string;
  /** The snapshot folder name: the commit hash. */
  readonly revision: string;
  /** `…/models--org--name`. */
  readonly storageDir: string;
}

/** The cache snapshot `dir` (a real path) is, or undefined. */
export function cacheSnapshotOf(realDir: string): CacheSnapshot | undefined {
  const parts = realDir.split(path.sep);
  const n = parts.length;
  if (n < 3 || parts[n - 2] !== "snapshots") return undefined;
  const folder = parts[n - 3]!;
  if (!folder.startsWith("models--")) return undefined;
  return { repoId: folder.split("--").slice(1).join("/"), revision: parts[n - 1]!, storageDir: parts.slice(0, n - 2).join(path.sep) };
}

/** The expectation carried by a blob name (`blobs/<sha256>` or `blobs/<git blob id>`), or undefined for any other name. */
export function expectationFromBlobName(name: string, source: string): ExpectedDigest | undefined {
  if (/^[0-9a-f]{64}$/.test(name)) return { kind: "sha256", value: name, source };
  if (/^[0-9a-f]{40}$/.test(name)) return { kind: "git-sha1", value: name, source };
  return undefined;
}

/**
 * For a cache snapshot entry whose link target (resolved) is
 * `<storageDir>/blobs/<name>`: the expectation the blob name carries.
 */
export function blobExpectation(snapshot: CacheSnapshot, realTarget: string): ExpectedDigest | undefined {
  const blobs = path.join(snapshot.storageDir, "blobs");
  if (path.dirname(realTarget) !== blobs) return undefined;
  return expectationFromBlobName(path.basename(realTarget), `cache blob name ${path.basename(realTarget)}`);
}

/** What `.cache/huggingface/download/<name>.metadata` of a `local_dir` download says about one file. */
export interface LocalDirFileMetadata {
  readonly commit: string;
  readonly expected: ExpectedDigest | undefined;
}

/** Reads the download metadata of file `name` in a `local_dir` download; undefined when there is none. */
export async function readLocalDirMetadata(modelDir: string, name: string): Promise<LocalDirFileMetadata | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(modelDir, ".cache", "huggingface", "download", ...name.split("/")) + ".metadata", "utf8");
  } catch {
    return undefined;
  }
  const [commit, etag] = text.split(/\r?\n/).map((l) => l.trim());
  if (commit === undefined || etag === undefined) return undefined;
  return { commit, expected: expectationFromBlobName(etag.replace(/"/g, ""), `local_dir download metadata (etag ${etag})`) };
}
