/**
 * Streaming manifest writer on disk: receives the distinct sample hashes in
 * ascending order (with their ids) and, through the shared
 * {@link ShardAssembler} (manifest-assembly.ts, also used by the page's
 * in-memory builder), writes a shard file every 8192 hashes (into
 * `shards/DDD/`, a new subdirectory every 1,000 shards) with its ids file
 * and the SHA-256 of its index entry; only one shard is held in memory.
 * `finish` then computes the shard subtree tops — reading the shards back in
 * groups of 32 and hashing each group's tree on all cores
 * (`buildTreeParallel`: a group's level-13 nodes are its shard tops) — and
 * writes `index.bin` and `header.json` as {@link assembleManifest} encodes them.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { buildTreeParallel } from "../merkle/index.js";
import { assembleManifest, ShardAssembler, type ManifestFacts, type ShardFile } from "./manifest-assembly.js";
import type { ManifestHeader } from "./manifest-format.js";
import { FILES_PER_DIRECTORY, HEADER_FILE, IDS_DIRECTORY, idsPath, INDEX_FILE, SHARD_LEVEL, shardDirectory, shardPath, SHARDS_DIRECTORY } from "./manifest-format.js";

export type { ManifestFacts } from "./manifest-assembly.js";

/** Shards whose roots are computed together (8 MiB of hashes). */
const SHARDS_PER_GROUP = 32;

/** Writes a manifest into an (empty, existing) directory; see the module doc. */
export class ManifestWriter {
  readonly #dir: string;
  readonly #withIds: boolean;
  readonly #assembler: ShardAssembler;
  readonly #digests: Uint8Array[] = [];

  constructor(dir: string, withIds: boolean) {
    this.#dir = dir;
    this.#withIds = withIds;
    mkdirSync(path.join(dir, SHARDS_DIRECTORY), { recursive: true });
    if (withIds) mkdirSync(path.join(dir, IDS_DIRECTORY), { recursive: true });
    this.#assembler = new ShardAssembler(withIds, (file) => this.#writeShard(file));
  }

  /** Distinct hashes added so far. */
  get leafCount(): number {
    return this.#assembler.leafCount;
  }

  /** Adds the next distinct hash, `hashes[offset, offset + 32)`, strictly greater than the previous one. */
  add(hashes: Uint8Array, offset: number, ids: readonly string[] | null): void {
    this.#assembler.add(hashes, offset, ids);
  }

  /** Writes the last shard, computes the shard roots, writes the index and the header; returns the header. */
  async finish(facts: ManifestFacts): Promise<ManifestHeader> {
    const bounds = this.#assembler.close();
    const shardCount = bounds.length;
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
    const entries = bounds.map((b, k) => ({ ...b, subtreeTop: roots.subarray(k * 32, k * 32 + 32), shardSha256: this.#digests[k]! }));
    const { header, headerBytes, indexBytes } = assembleManifest(entries, facts);
    writeFileSync(path.join(this.#dir, INDEX_FILE), indexBytes);
    writeFileSync(path.join(this.#dir, HEADER_FILE), headerBytes);
    return header;
  }

  #writeShard(file: ShardFile): void {
    const k = file.shard;
    if (k % FILES_PER_DIRECTORY === 0) {
      // First shard of a new subdirectory (shards/000, shards/001, …).
      mkdirSync(path.join(this.#dir, SHARDS_DIRECTORY, shardDirectory(k)), { recursive: true });
      if (this.#withIds) mkdirSync(path.join(this.#dir, IDS_DIRECTORY, shardDirectory(k)), { recursive: true });
    }
    writeFileSync(path.join(this.#dir, shardPath(k)), file.hashes);
    if (file.ids !== null) writeFileSync(path.join(this.#dir, idsPath(k)), file.ids);
    this.#digests.push(createHash("sha256").update(file.hashes).digest());
  }
}
