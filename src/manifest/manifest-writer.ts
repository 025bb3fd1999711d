/**
 * Streaming manifest writer: receives the distinct sample hashes in ascending
 * order (with their ids) and writes a shard file every 8192 hashes (into
 * `shards/DDD/`, a new subdirectory every 1,000 shards), with its
 * ids file and the SHA-256 / first / last hash of its index entry; only one
 * shard is held in memory. `finish` then computes the shard subtree tops —
 * reading the shards back in groups of 32 and hashing each group's tree on
 * all cores (`buildTreeParallel`: a group's level-13 nodes are its shard
 * tops) — and writes the index and the header, whose root is the committed
 * root of the tree over the shard tops (split keys from the shards' first and
 * last hashes).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { buildTreeFromSubtreeRoots } from "../merkle/tree.js";
import { buildTreeParallel } from "../merkle/tree-parallel.js";
import type { SourceDescription } from "../sources/source-description.js";
import type { IndexEntry, ManifestHeader } from "./manifest-format.js";
import {
  COMMITMENT_SCHEME,
  encodeHeader,
  encodeIndexEntry,
  FILES_PER_DIRECTORY,
  HEADER_FILE,
  IDS_DIRECTORY,
  idsPath,
  INDEX_ENTRY_BYTES,
  INDEX_FILE,
  MANIFEST_FORMAT,
  MAX_SHARD_COUNT,
  SHARD_LEVEL,
  SHARD_SIZE,
  shardBounds,
  shardDirectory,
  shardPath,
  SHARDS_DIRECTORY,
} from "./manifest-format.js";

/** Shards whose roots are computed together (8 MiB of hashes). */
const SHARDS_PER_GROUP = 32;

/** Facts about the dataset the writer cannot know from the hashes alone. */
export interface ManifestFacts {
  readonly sampleCount: number;
  readonly totalBytes: number;
  readonly sources: readonly SourceDescription[];
  readonly private: boolean;
  readonly createdAt?: string | undefined;
}

type PendingEntry = Omit<IndexEntry, "subtreeTop">;

/** Writes a manifest into an (empty, existing) directory; see the module doc. */
export class ManifestWriter {
  readonly #dir: string;
  readonly #withIds: boolean;
  readonly #shard = new Uint8Array(SHARD_SIZE * 32);
  #fill = 0;
  #ids: string[] = [];
  readonly #entries: PendingEntry[] = [];
  #leafCount = 0;

  constructor(dir: string, withIds: boolean) {
    this.#dir = dir;
    this.#withIds = withIds;
    mkdirSync(path.join(dir, SHARDS_DIRECTORY), { recursive: true });
    if (withIds) mkdirSync(path.join(dir, IDS_DIRECTORY), { recursive: true });
  }

  /** Distinct hashes added so far. */
  get leafCount(): number {
    return this.#leafCount;
  }

  /** Adds the next distinct hash, `hashes[offset, offset + 32)`, strictly greater than the previous one. */
  add(hashes: Uint8Array, offset: number, ids: readonly string[] | null): void {
    const at = this.#fill * 32;
    if (at > 0 && !greater(hashes, offset, this.#shard, at - 32)) {
      throw new Error("internal error: manifest hashes must be added in strictly ascending order");
    }
    if (at === 0 && this.#entries.length > 0 && !greater(hashes, offset, this.#entries[this.#entries.length - 1]!.last, 0)) {
      throw new Error("internal error: manifest hashes must be added in strictly ascending order");
    }
    for (let k = 0; k < 32; k++) this.#shard[at + k] = hashes[offset + k]!;
    this.#fill++;
    this.#leafCount++;
    if (this.#withIds) this.#ids.push(idsLine(ids ?? []));
    if (this.#fill === SHARD_SIZE) this.#flushShard();
  }

  /** Writes the last shard, computes the shard roots, writes the index and the header; returns the header. */
  async finish(facts: ManifestFacts): Promise<ManifestHeader> {
    if (this.#fill > 0) this.#flushShard();
    const shardCount = this.#entries.length;
    if (shardCount === 0) throw new Error("Cannot write a manifest without samples: the sources yielded none.");
    const roots = new Uint8Array(shardCount * 32);
    for (let first = 0; first < shardCount; first += SHARDS_PER_GROUP) {
      const count = Math.min(SHARDS_PER_GROUP, shardCount - first);
      const parts = [];
      for (let k = first; k < first + count; k++) parts.push(readFileSync(path.join(this.#dir, shardPath(k))));
      const tree = await buildTreeParallel(Buffer.concat(parts), { checkSorted: false });
      // A group starts on a shard boundary, so its level-13 nodes are its
      // shard tops (a group of one short shard has a shallower tree: its top).
      roots.set(tree.depth >= SHARD_LEVEL ? tree.level(SHARD_LEVEL) : tree.top, first * 32);
    }
    const index = new Uint8Array(shardCount * INDEX_ENTRY_BYTES);
    this.#entries.forEach((e, k) => encodeIndexEntry({ ...e, subtreeTop: roots.subarray(k * 32, k * 32 + 32) }, index, k * INDEX_ENTRY_BYTES));
    const top = buildTreeFromSubtreeRoots(
      roots,
      this.#entries.map((e) => e.leafCount),
      shardBounds(this.#entries),
    );
    writeFileSync(path.join(this.#dir, INDEX_FILE), index);
    const header: ManifestHeader = {
      format: MANIFEST_FORMAT,
      scheme: COMMITMENT_SCHEME,
      root: `0x${Buffer.from(top.root).toString("hex")}`,
      leafCount: this.#leafCount,
      sampleCount: facts.sampleCount,
      duplicateCount: facts.sampleCount - this.#leafCount,
      totalBytes: facts.totalBytes,
      shardSize: SHARD_SIZE,
      shardCount,
      private: facts.private,
      sources: facts.sources,
      ...(facts.createdAt === undefined ? {} : { createdAt: facts.createdAt }),
    };
    writeFileSync(path.join(this.#dir, HEADER_FILE), encodeHeader(header));
    return header;
  }

  #flushShard(): void {
    const k = this.#entries.length;
    const bytes = this.#shard.subarray(0, this.#fill * 32);
    if (k >= MAX_SHARD_COUNT) {
      throw new Error(
        `A manifest holds at most ${MAX_SHARD_COUNT} shards (${MAX_SHARD_COUNT * SHARD_SIZE} distinct samples): a larger shards/ directory would ` +
          "need HAMT sharding on IPFS. Split the data into several datasets.",
      );
    }
    if (k % FILES_PER_DIRECTORY === 0) {
      // First shard of a new subdirectory (shards/000, shards/001, …).
      mkdirSync(path.join(this.#dir, SHARDS_DIRECTORY, shardDirectory(k)), { recursive: true });
      if (this.#withIds) mkdirSync(path.join(this.#dir, IDS_DIRECTORY, shardDirectory(k)), { recursive: true });
    }
    writeFileSync(path.join(this.#dir, shardPath(k)), bytes);
    if (this.#withIds) writeFileSync(path.join(this.#dir, idsPath(k)), `${this.#ids.join("\n")}\n`);
    this.#entries.push({
      first: bytes.slice(0, 32),
      last: bytes.slice(bytes.length - 32),
      shardSha256: createHash("sha256").update(bytes).digest(),
      leafCount: this.#fill,
    });
    this.#fill = 0;
    this.#ids = [];
  }
}

/** Whether the hash at `a[offsetA…]` is greater than the one at `b[offsetB…]`. */
function greater(a: Uint8Array, offsetA: number, b: Uint8Array, offsetB: number): boolean {
  for (let k = 0; k < 32; k++) {
    const d = a[offsetA + k]! - b[offsetB + k]!;
    if (d !== 0) return d > 0;
  }
  return false;
}

/** One line of an ids file: the JSON array of ids. */
function idsLine(ids: readonly string[]): string {
  if (ids.length === 1) return `[${JSON.stringify(ids[0])}]`;
  return JSON.stringify(ids);
}
