/**
 * Basic (single-node) UnixFS directories, as Kubo `ipfs add -r
 * --cid-version=1` writes them: a dag-pb node whose Data is
 * `{Type: Directory}` (bytes 08 01) and whose links — {Hash, Name, Tsize} —
 * are sorted by the UTF-8 bytes of their names (dag-pb canonical order).
 *
 * Size limit: Kubo turns a directory into a HAMT-sharded one when
 * Σ (UTF-8 name bytes + CID bytes) over its entries exceeds 256 KiB. We do
 * not implement HAMT sharding; such a directory is refused with
 * DirectoryTooLargeError (split it into subdirectories). With 10-byte names
 * and 36-byte CIDv1 sha2-256 CIDs that is 46 bytes per entry: up to 5,698
 * entries. Browser-safe (hash injected).
 */
import { cidFromSha256, DAG_PB_CODEC, type AnyCid } from "./cid.js";
import type { BlockSink } from "./blocks.js";
import { encodePBNode } from "./dagpb.js";
import { StorageError } from "./errors.js";
import { HAMT_SHARDING_THRESHOLD_BYTES } from "./import-profile.js";
import { encodeUnixFsData, UnixFsType } from "./unixfs.js";
import type { UnixFsNode } from "./unixfs-file-builder.js";
import { compareBytes, type Sha256 } from "../hash/index.js";

/** One directory entry to link. */
export interface DirectoryEntryInput {
  /** Entry name (one path component). */
  name: string;
  /** CID of the entry's root. */
  cid: AnyCid;
  /** Cumulative DAG size of the entry (its link's Tsize). */
  tsize: number;
}

const textEncoder = new TextEncoder();

/** Kubo's size estimate of a basic directory: Σ (name UTF-8 bytes + CID bytes). */
export function estimateDirectorySize(entries: readonly DirectoryEntryInput[]): number {
  let total = 0;
  for (const entry of entries) total += textEncoder.encode(entry.name).length + entry.cid.bytes.length;
  return total;
}

/** Throws INVALID_PATH unless `name` is usable as one UnixFS entry name. */
export function assertEntryName(name: string): void {
  if (name.length === 0 || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new StorageError(
      "INVALID_PATH",
      `"${name}" cannot be a directory entry name (empty, ".", "..", or contains "/" or NUL). Rename it.`,
    );
  }
}

/** Thrown when a directory would need HAMT sharding. */
export class DirectoryTooLargeError extends StorageError {
  constructor(where: string, estimate: number, entries: number) {
    super(
      "DIRECTORY_TOO_LARGE",
      `${where} has ${entries} entries whose estimated node size (${estimate} bytes of names + CIDs) exceeds ` +
        `${HAMT_SHARDING_THRESHOLD_BYTES} bytes: Kubo would store it as a HAMT-sharded directory, ` +
        "which Datatrace does not build. Split it into subdirectories (e.g. shards/000/000000.bin).",
    );
    this.name = "DirectoryTooLargeError";
  }
}

/**
 * Builds, emits and returns the dag-pb directory node over `entries`
 * (any order; sorted here). `where` names the directory in errors.
 */
export async function buildDirectoryNode(
  entries: readonly DirectoryEntryInput[],
  sha256: Sha256,
  onBlock?: BlockSink,
  where = "directory",
): Promise<UnixFsNode> {
  const named = entries.map((entry) => {
    assertEntryName(entry.name);
    return { entry, key: textEncoder.encode(entry.name) };
  });
  named.sort((a, b) => compareBytes(a.key, b.key));
  for (let i = 1; i < named.length; i++) {
    if (compareBytes((named[i - 1] as { key: Uint8Array }).key, (named[i] as { key: Uint8Array }).key) === 0) {
      throw new StorageError("INVALID_PATH", `${where} has two entries named "${named[i]?.entry.name}"`);
    }
  }
  const estimate = estimateDirectorySize(entries);
  if (estimate > HAMT_SHARDING_THRESHOLD_BYTES) throw new DirectoryTooLargeError(where, estimate, entries.length);
  let linkTotal = 0;
  const links = named.map(({ entry }) => {
    linkTotal += entry.tsize;
    return { Hash: entry.cid, Name: entry.name, Tsize: entry.tsize };
  });
  const bytes = encodePBNode({ Data: encodeUnixFsData({ type: UnixFsType.Directory, blockSizes: [] }), Links: links });
  const cid = cidFromSha256(DAG_PB_CODEC, await sha256(bytes));
  await onBlock?.({ cid, bytes });
  return { cid, fileSize: 0, tsize: bytes.length + linkTotal };
}
