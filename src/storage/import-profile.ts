/**
 * The pinned UnixFS import profile: the settings of Kubo's
 * `ipfs add --cid-version=1` (equivalently ipfs-unixfs-importer with
 * `cidVersion: 1, rawLeaves: true, fixedSize({ chunkSize: 262144 }),
 * balanced({ maxChildrenPerNode: 174 })`, no mode, no mtime). Any change
 * here changes every CID Datatrace computes; docs/storage.md lists them.
 * Browser-safe.
 */

/** Fixed chunk size: 256 KiB. Files up to this size are one raw block. */
export const CHUNK_SIZE = 262_144;

/** Balanced layout: at most 174 links per dag-pb file node. */
export const MAX_CHILDREN_PER_NODE = 174;

/**
 * Kubo switches a basic directory to a HAMT-sharded one when the estimated
 * node size, Σ (UTF-8 name bytes + CID bytes) over its links, is strictly
 * greater than 256 KiB (boxo `HAMTShardingSize`, importer
 * `shardSplitThresholdBytes`, "links-bytes" estimation). Datatrace builds
 * only basic directories and refuses larger ones.
 */
export const HAMT_SHARDING_THRESHOLD_BYTES = 262_144;

/** CID version of every CID Datatrace creates. */
export const CID_VERSION = 1;

/** Largest block we accept from anywhere (the Bitswap limit, 2 MiB). */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024;

/** Tunable layout parameters; tests shrink them to exercise deep trees on small inputs. */
export interface LayoutParameters {
  /** Chunk size in bytes (default CHUNK_SIZE). */
  chunkSize?: number;
  /** Maximum links per file node (default MAX_CHILDREN_PER_NODE). */
  maxChildren?: number;
}
