/**
 * Streaming manifest writer: receives the distinct sample hashes in ascending
 * order (with their ids), writes a shard file every 8192 hashes together with
 * its index entry (first/last hash, subtree root, SHA-256), and at the end the
 * index and the header whose root is the tree over the shard subtree roots.
 * Only one shard is held in memory.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { buildTreeFromSubtreeRoots, rootOfSubtree } from "../merkle/tree.js";
import type { SourceDescription } from "../sources/source-description.js";
import type { IndexEntry, ManifestHeader } from "./manifest-format.js";
import {
  COMMITMENT_SCHEME,
  encodeHeader,
  encodeIndexEntry,
  HEADER_FILE,
  idsPath,
  INDEX_ENTRY_BYTES,
  INDEX_FILE,
  MANIFEST_FORMAT,
  SHARD_SIZE,
  shardPath,
} from "./manifest-format.js";

/** Facts about the dataset the writer cannot know from the hashes alone. */
export interface ManifestFacts {
  readonly sampleCount: number;
  readonly totalBytes: number;
  readonly sources: readonly SourceDescription[];
  readonly private: boolean;
  readonly createdAt?: string | undefined;
}

/** Writes a manifest into an (empty, existing) directory; see the module doc. */
export class ManifestWriter {
  readonly #dir: string;
  readonly #withIds: boolean;
  readonly #shard = new Uint8Array(SHARD_SIZE * 32);
  #fill = 0;
  #ids: string[] = [];
  readonly #entries: IndexEntry[] = [];
  #previous: Uint8Array | undefined;
  #leafCount = 0;

  constructor(dir: string, withIds: boolean) {
    this.#dir = dir;
    this.#withIds = withIds;
    mkdirSync(path.join(dir, "shards"), { recursive: true });
    if (withIds) mkdirSync(path.join(dir, "ids"), { recursive: true });
  }

  /** Distinct hashes added so far. */
  get leafCount(): number {
    return this.#leafCount;
  }

  /** Adds the next distinct hash (strictly greater than the previous one). */
  add(hash: Uint8Array, ids: readonly string[] | null): void {
    if (this.#previous !== undefined && Buffer.compare(hash, this.#previous) <= 0) {
      throw new Error("internal error: manifest hashes must be added in strictly ascending order");
    }
    this.#shard.set(hash, this.#fill * 32);
    this.#previous = this.#shard.subarray(this.#fill * 32, this.#fill * 32 + 32);
    this.#fill++;
    this.#leafCount++;
    if (this.#withIds) this.#ids.push(JSON.stringify(ids ?? []));
    if (this.#fill === SHARD_SIZE) this.#flushShard();
  }

  /** Writes the last shard, the index and the header; returns the header. */
  finish(facts: ManifestFacts): ManifestHeader {
    if (this.#fill > 0) this.#flushShard();
    if (this.#entries.length === 0) throw new Error("Cannot write a manifest without samples: the sources yielded none.");
    const index = new Uint8Array(this.#entries.length * INDEX_ENTRY_BYTES);
    const roots = new Uint8Array(this.#entries.length * 32);
    this.#entries.forEach((e, k) => {
      encodeIndexEntry(e, index, k * INDEX_ENTRY_BYTES);
      roots.set(e.subtreeRoot, k * 32);
    });
    const top = buildTreeFromSubtreeRoots(roots, this.#entries.map((e) => e.leafCount));
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
      shardCount: this.#entries.length,
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
    writeFileSync(path.join(this.#dir, shardPath(k)), bytes);
    if (this.#withIds) writeFileSync(path.join(this.#dir, idsPath(k)), `${this.#ids.join("\n")}\n`);
    this.#entries.push({
      first: bytes.slice(0, 32),
      last: bytes.slice(bytes.length - 32),
      subtreeRoot: rootOfSubtree(bytes, { checkSorted: false }),
      shardSha256: createHash("sha256").update(bytes).digest(),
      leafCount: this.#fill,
    });
    this.#previous = bytes.slice(bytes.length - 32);
    this.#fill = 0;
    this.#ids = [];
  }
}
