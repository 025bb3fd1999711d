/**
 * The on-disk manifest format "datatrace-manifest/2" (docs/manifest-format.md):
 * a directory with `header.json`, `index.bin` (one fixed-width entry per
 * shard), `shards/DDD/NNNNNN.bin` (8192 sorted 32-byte sample hashes each, the
 * last one shorter) and, unless private, `ids/DDD/NNNNNN.jsonl`, where
 * `DDD = ⌊N / 1000⌋`: no directory holds more than 1,000 entries, so every
 * directory stays a basic UnixFS directory (no HAMT) up to the limit stated
 * in docs/manifest-format.md.
 */
import { compareHashes, SCHEME_ID, buildTreeFromSubtreeRoots, type ShardedTreeTop, type UnitBounds } from "../merkle/browser.js";
import type { SourceDescription } from "../sources/index.js";
import { DatatraceError } from "../errors/index.js";

/** Value of `header.format`. */
export const MANIFEST_FORMAT = "datatrace-manifest/2";
/** Value of `header.scheme`: the commitment scheme of docs/merkle-scheme.md. */
export const COMMITMENT_SCHEME = SCHEME_ID;
/** Hashes per shard (2^13: shard tops are the nodes of tree level 13). */
export const SHARD_SIZE = 8192;
/** log2(SHARD_SIZE): the tree level of the shard tops. */
export const SHARD_LEVEL = 13;
/** Bytes of one index entry: first ‖ last ‖ subtreeTop ‖ shardSha256 (32 each) ‖ leafCount (u32 BE). */
export const INDEX_ENTRY_BYTES = 132;

/** Paths inside a manifest directory. */
export const HEADER_FILE = "header.json";
export const INDEX_FILE = "index.bin";

/** Shard (and ids) files per subdirectory of `shards/` (and `ids/`). */
export const FILES_PER_DIRECTORY = 1000;

/**
 * Most shards a manifest can have while `shards/` and `ids/` stay basic UnixFS
 * directories (Kubo makes a directory a HAMT when Σ(name bytes + 36-byte CID)
 * exceeds 262,144): 1,000 three-digit subdirectories (39 B each) plus 5,578
 * four-digit ones (40 B each) = 262,120 B; one more would be 262,160 B. That
 * is 6,578 subdirectories × 1,000 shards × 8192 hashes ≈ 53.9 G distinct samples.
 */
export const MAX_SHARD_COUNT = 6_578_000;

/** Directory holding the shard files (`shards/`). */
export const SHARDS_DIRECTORY = "shards";
/** Directory holding the ids files (`ids/`); absent from private manifests. */
export const IDS_DIRECTORY = "ids";

/**
 * The subdirectory of shard `shard` inside `shards/` and `ids/`:
 * ⌊shard / 1000⌋ with at least three digits (`000`, `001`, …, `1234`).
 */
export function shardDirectory(shard: number): string {
  if (!Number.isSafeInteger(shard) || shard < 0) throw new RangeError(`shard number must be a whole number ≥ 0, got ${shard}`);
  return String(Math.floor(shard / FILES_PER_DIRECTORY)).padStart(3, "0");
}

/** `shards/000/000042.bin`, `shards/001/001042.bin`: subdirectory ⌊k / 1000⌋ (3+ digits), file k (6+ digits). */
export function shardPath(shard: number): string {
  return `${SHARDS_DIRECTORY}/${shardDirectory(shard)}/${String(shard).padStart(6, "0")}.bin`;
}

/** `ids/000/000042.jsonl`: subdirectory ⌊k / 1000⌋ (3+ digits), file k (6+ digits). */
export function idsPath(shard: number): string {
  return `${IDS_DIRECTORY}/${shardDirectory(shard)}/${String(shard).padStart(6, "0")}.jsonl`;
}

/** The parsed `header.json`. */
export interface ManifestHeader {
  readonly format: typeof MANIFEST_FORMAT;
  readonly scheme: typeof COMMITMENT_SCHEME;
  /** Committed root (keccak256(top ‖ uint256 leafCount)), 0x-prefixed lowercase hex. */
  readonly root: string;
  /** Distinct sample hashes committed. */
  readonly leafCount: number;
  /** Samples read (duplicates included). */
  readonly sampleCount: number;
  /** sampleCount − leafCount. */
  readonly duplicateCount: number;
  /** Sum of the sample sizes in bytes (duplicates included). */
  readonly totalBytes: number;
  readonly shardSize: number;
  readonly shardCount: number;
  /** True when ids are not kept (no `ids/` directory). */
  readonly private: boolean;
  readonly sources: readonly SourceDescription[];
  /** Only when given explicitly (option or SOURCE_DATE_EPOCH), so manifests are reproducible. */
  readonly createdAt?: string;
}

/** One shard's entry in `index.bin`. */
export interface IndexEntry {
  /** Smallest hash of the shard. */
  readonly first: Uint8Array;
  /** Largest hash of the shard. */
  readonly last: Uint8Array;
  /** Top node of the shard's subtree: the node of the dataset tree at level 13 above it. */
  readonly subtreeTop: Uint8Array;
  /** SHA-256 of the shard file: the multihash digest of its raw-block CID. */
  readonly shardSha256: Uint8Array;
  /** Hashes in the shard (8192 except for the last shard). */
  readonly leafCount: number;
}

/** Serializes the header: fixed key order, two-space indent, final newline. */
export function encodeHeader(header: ManifestHeader): Uint8Array {
  const ordered: Record<string, unknown> = {
    format: header.format,
    scheme: header.scheme,
    root: header.root,
    leafCount: header.leafCount,
    sampleCount: header.sampleCount,
    duplicateCount: header.duplicateCount,
    totalBytes: header.totalBytes,
    shardSize: header.shardSize,
    shardCount: header.shardCount,
    private: header.private,
    sources: header.sources.map((s) => ({ kind: s.kind, name: s.name, options: orderedOptions(s) })),
  };
  if (header.createdAt !== undefined) ordered.createdAt = header.createdAt;
  return new TextEncoder().encode(`${JSON.stringify(ordered, null, 2)}\n`);
}

function orderedOptions(s: SourceDescription): Record<string, unknown> {
  switch (s.kind) {
    case "dir":
      return {
        include: [...s.options.include],
        exclude: [...s.options.exclude],
        includeHidden: s.options.includeHidden,
        followSymlinks: s.options.followSymlinks,
      };
    case "lines":
      return { format: s.options.format, header: s.options.header };
    case "idx":
      return { gzip: s.options.gzip };
    default:
      return { ...s.options }; // tar, parquet, imagefolder: built in a fixed key order by their sources
  }
}

/** Parses and checks `header.json`; `where` names the manifest in errors. */
export function decodeHeader(bytes: Uint8Array, where: string): ManifestHeader {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (error) {
    throw new DatatraceError(`${where}: header.json is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  if (h.format !== MANIFEST_FORMAT) {
    throw new DatatraceError(`${where}: header.json has format ${JSON.stringify(h.format)}, expected "${MANIFEST_FORMAT}". Is this a Datatrace manifest?`);
  }
  if (h.scheme !== COMMITMENT_SCHEME) {
    throw new DatatraceError(`${where}: unknown commitment scheme ${JSON.stringify(h.scheme)}, expected "${COMMITMENT_SCHEME}".`);
  }
  if (typeof h.root !== "string" || !/^0x[0-9a-f]{64}$/u.test(h.root)) throw new DatatraceError(`${where}: header.json root is not 0x + 64 hex digits.`);
  for (const key of ["leafCount", "sampleCount", "duplicateCount", "totalBytes", "shardSize", "shardCount"]) {
    if (!Number.isSafeInteger(h[key]) || (h[key] as number) < 0) throw new DatatraceError(`${where}: header.json ${key} is not a whole number.`);
  }
  if (h.shardSize !== SHARD_SIZE) throw new DatatraceError(`${where}: shardSize ${String(h.shardSize)} is not supported (expected ${SHARD_SIZE}).`);
  if ((h.leafCount as number) < 1) throw new DatatraceError(`${where}: header.json leafCount must be at least 1.`);
  if (h.shardCount !== Math.ceil((h.leafCount as number) / SHARD_SIZE)) {
    throw new DatatraceError(`${where}: shardCount ${String(h.shardCount)} does not match leafCount ${String(h.leafCount)}.`);
  }
  if (typeof h.private !== "boolean" || !Array.isArray(h.sources)) throw new DatatraceError(`${where}: header.json lacks private/sources.`);
  return h as unknown as ManifestHeader;
}

/** Encodes one index entry into `out` at `at`. */
export function encodeIndexEntry(entry: IndexEntry, out: Uint8Array, at: number): void {
  out.set(entry.first, at);
  out.set(entry.last, at + 32);
  out.set(entry.subtreeTop, at + 64);
  out.set(entry.shardSha256, at + 96);
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(at + 128, entry.leafCount, false);
}

/** Decodes `index.bin`; checks its length against the header's shard count. */
export function decodeIndex(bytes: Uint8Array, shardCount: number, where: string): IndexEntry[] {
  if (bytes.length !== shardCount * INDEX_ENTRY_BYTES) {
    throw new DatatraceError(
      `${where}: index.bin has ${bytes.length} bytes, expected ${shardCount} entries × ${INDEX_ENTRY_BYTES} = ${shardCount * INDEX_ENTRY_BYTES}.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: IndexEntry[] = [];
  for (let k = 0; k < shardCount; k++) {
    const at = k * INDEX_ENTRY_BYTES;
    entries.push({
      first: bytes.slice(at, at + 32),
      last: bytes.slice(at + 32, at + 64),
      subtreeTop: bytes.slice(at + 64, at + 96),
      shardSha256: bytes.slice(at + 96, at + 128),
      leafCount: view.getUint32(at + 128, false),
    });
  }
  return entries;
}

/**
 * The first and last sample hash of every shard, as the unit bounds of the
 * tree over the shard tops: the split keys above level 13 come from them.
 */
export function shardBounds(entries: readonly Pick<IndexEntry, "first" | "last">[]): UnitBounds {
  const firsts = new Uint8Array(entries.length * 32);
  const lasts = new Uint8Array(entries.length * 32);
  entries.forEach((e, k) => {
    firsts.set(e.first, k * 32);
    lasts.set(e.last, k * 32);
  });
  return { firsts, lasts };
}

/** A problem of an index against its header, and where it is. */
export interface IndexProblem {
  readonly kind: "count" | "order";
  /** `index.bin`, `index.bin entry 3`, `index.bin entries 3, 4`. */
  readonly where: string;
  readonly detail: string;
}

/**
 * Every problem of `index` against `header`: entry counts (full shards but
 * the last), first ≤ last, shards in ascending order, total = leafCount.
 * The reader throws on the first; `dataset audit` lists them all.
 */
export function indexProblems(header: Pick<ManifestHeader, "shardSize" | "leafCount">, index: readonly IndexEntry[]): IndexProblem[] {
  const problems: IndexProblem[] = [];
  let total = 0;
  index.forEach((e, k) => {
    total += e.leafCount;
    const expected = k < index.length - 1 ? header.shardSize : header.leafCount - (index.length - 1) * header.shardSize;
    if (e.leafCount !== expected) problems.push({ kind: "count", where: `${INDEX_FILE} entry ${k}`, detail: `lists ${e.leafCount} hashes, expected ${expected}` });
    if (compareHashes(e.first, e.last) > 0) problems.push({ kind: "order", where: `${INDEX_FILE} entry ${k}`, detail: "its first hash is above its last" });
    const next = index[k + 1];
    if (next !== undefined && compareHashes(e.last, next.first) >= 0) {
      problems.push({ kind: "order", where: `${INDEX_FILE} entries ${k}, ${k + 1}`, detail: `shard ${k} ends at or above where shard ${k + 1} starts` });
    }
  });
  if (total !== header.leafCount) problems.push({ kind: "count", where: INDEX_FILE, detail: `its entries count ${total} hashes, the header ${header.leafCount}` });
  return problems;
}

/** The tree over the index's shard tops and bounds; its root is the dataset root of a consistent manifest. */
export function treeOfIndex(index: readonly IndexEntry[]): ShardedTreeTop {
  const tops = new Uint8Array(index.length * 32);
  index.forEach((e, k) => tops.set(e.subtreeTop, k * 32));
  return buildTreeFromSubtreeRoots(
    tops,
    index.map((e) => e.leafCount),
    shardBounds(index),
  );
}
