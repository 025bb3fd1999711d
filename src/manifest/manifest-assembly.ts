/**
 * How a manifest is put together from the distinct sample hashes, shared by
 * the streaming writer on disk (manifest-writer.ts, the CLI) and the
 * in-memory builder (src/engine/manifest-memory-builder.ts, the web page):
 *
 * - {@link ShardAssembler} receives the hashes in strictly ascending order
 *   with their ids and hands out each shard's bytes and ids file as soon as
 *   it is full (8192 hashes; the last one when closed), keeping its first and
 *   last hash and count for the index;
 * - {@link assembleManifest} turns the index entries (with the shard tops and
 *   SHA-256 digests the caller computed its own way) into `index.bin` and
 *   `header.json`, whose root is the committed root of the tree over the
 *   shard tops.
 *
 * Browser-safe: no I/O, no hashing of its own except the keccak tree over
 * the shard tops (src/merkle, WASM; call `initKeccak()` first in a browser).
 */
import { toHex } from "../hash/index.js";
import { buildTreeFromSubtreeRoots } from "../merkle/browser.js";
import type { SourceDescription } from "../sources/index.js";
import type { IndexEntry, ManifestHeader } from "./manifest-format.js";
import { COMMITMENT_SCHEME, encodeHeader, encodeIndexEntry, INDEX_ENTRY_BYTES, MANIFEST_FORMAT, MAX_SHARD_COUNT, SHARD_SIZE, shardBounds } from "./manifest-format.js";
import { DatatraceError, InternalError } from "../errors/index.js";

/** Facts about the dataset that the hashes alone do not tell. */
export interface ManifestFacts {
  readonly sampleCount: number;
  readonly totalBytes: number;
  readonly sources: readonly SourceDescription[];
  readonly private: boolean;
  readonly createdAt?: string | undefined;
}

/** A full (or the last) shard, handed to the caller to store. */
export interface ShardFile {
  /** Shard number k (file `shardPath(k)`). */
  readonly shard: number;
  /** Its sorted hashes (`count × 32` bytes); valid only during the callback. */
  readonly hashes: Uint8Array;
  /** Its ids file (`idsPath(k)`: one JSON array per hash and line), or null for a private manifest. */
  readonly ids: Uint8Array | null;
}

/** What the index needs of a shard besides its top and digest. */
export type ShardBounds = Omit<IndexEntry, "subtreeTop" | "shardSha256">;

const encoder = new TextEncoder();

/** Cuts the ascending distinct hashes into shards (see the module doc). */
export class ShardAssembler {
  readonly #withIds: boolean;
  readonly #onShard: (file: ShardFile) => void;
  readonly #shard = new Uint8Array(SHARD_SIZE * 32);
  #fill = 0;
  #ids: string[] = [];
  readonly #bounds: ShardBounds[] = [];
  #leafCount = 0;
  #closed = false;

  constructor(withIds: boolean, onShard: (file: ShardFile) => void) {
    this.#withIds = withIds;
    this.#onShard = onShard;
  }

  /** Distinct hashes added so far. */
  get leafCount(): number {
    return this.#leafCount;
  }

  /** Adds the next distinct hash, `hashes[offset, offset + 32)`, strictly greater than the previous one. */
  add(hashes: Uint8Array, offset: number, ids: readonly string[] | null): void {
    if (this.#closed) throw new InternalError("ShardAssembler.add after close");
    const at = this.#fill * 32;
    if (at > 0 && !greater(hashes, offset, this.#shard, at - 32)) {
      throw new InternalError("manifest hashes must be added in strictly ascending order");
    }
    if (at === 0 && this.#bounds.length > 0 && !greater(hashes, offset, this.#bounds[this.#bounds.length - 1]!.last, 0)) {
      throw new InternalError("manifest hashes must be added in strictly ascending order");
    }
    for (let k = 0; k < 32; k++) this.#shard[at + k] = hashes[offset + k]!;
    this.#fill++;
    this.#leafCount++;
    if (this.#withIds) this.#ids.push(idsLine(ids ?? []));
    if (this.#fill === SHARD_SIZE) this.#flush();
  }

  /** Hands out the last shard and returns the bounds of every shard; throws when no hash was added. */
  close(): ShardBounds[] {
    if (!this.#closed && this.#fill > 0) this.#flush();
    this.#closed = true;
    if (this.#bounds.length === 0) throw new DatatraceError("Cannot write a manifest without samples: the sources yielded none.");
    return [...this.#bounds];
  }

  #flush(): void {
    const k = this.#bounds.length;
    if (k >= MAX_SHARD_COUNT) {
      throw new DatatraceError(
        `A manifest holds at most ${MAX_SHARD_COUNT} shards (${MAX_SHARD_COUNT * SHARD_SIZE} distinct samples): a larger shards/ directory would ` +
          "need HAMT sharding on IPFS. Split the data into several datasets.",
      );
    }
    const bytes = this.#shard.subarray(0, this.#fill * 32);
    this.#onShard({ shard: k, hashes: bytes, ids: this.#withIds ? encoder.encode(`${this.#ids.join("\n")}\n`) : null });
    this.#bounds.push({ first: bytes.slice(0, 32), last: bytes.slice(bytes.length - 32), leafCount: this.#fill });
    this.#fill = 0;
    this.#ids = [];
  }
}

/** `index.bin` and `header.json` of a manifest, and the header they make. */
export interface AssembledManifest {
  readonly header: ManifestHeader;
  readonly headerBytes: Uint8Array;
  readonly indexBytes: Uint8Array;
}

/**
 * Encodes the index and the header from the complete index entries (shard
 * order); the header's root is the tree over the shard tops, with split keys
 * from the shards' first and last hashes.
 */
export function assembleManifest(entries: readonly IndexEntry[], facts: ManifestFacts): AssembledManifest {
  if (entries.length === 0) throw new DatatraceError("Cannot write a manifest without samples: the sources yielded none.");
  const indexBytes = new Uint8Array(entries.length * INDEX_ENTRY_BYTES);
  const tops = new Uint8Array(entries.length * 32);
  let leafCount = 0;
  entries.forEach((e, k) => {
    encodeIndexEntry(e, indexBytes, k * INDEX_ENTRY_BYTES);
    tops.set(e.subtreeTop, k * 32);
    leafCount += e.leafCount;
  });
  const top = buildTreeFromSubtreeRoots(
    tops,
    entries.map((e) => e.leafCount),
    shardBounds(entries),
  );
  const header: ManifestHeader = {
    format: MANIFEST_FORMAT,
    scheme: COMMITMENT_SCHEME,
    root: toHex(top.root),
    leafCount,
    sampleCount: facts.sampleCount,
    duplicateCount: facts.sampleCount - leafCount,
    totalBytes: facts.totalBytes,
    shardSize: SHARD_SIZE,
    shardCount: entries.length,
    private: facts.private,
    sources: facts.sources,
    ...(facts.createdAt === undefined ? {} : { createdAt: facts.createdAt }),
  };
  return { header, headerBytes: encodeHeader(header), indexBytes };
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
