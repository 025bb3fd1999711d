/**
 * Builds a whole manifest in memory from hashed samples: the same bytes as
 * `dataset hash` writes to disk for the same samples, ids and sources
 * (records sorted by hash, source, ordinal; grouped into distinct samples by
 * the engine's `DistinctGrouper`; cut into shards and encoded by the shared
 * manifest-assembly.ts). For small datasets a browser registers from a
 * wallet (the web page), where there is no disk: every file of the manifest
 * is kept in a map from its path (`header.json`, `index.bin`,
 * `shards/000/000000.bin`, …) to its bytes.
 *
 * Browser-safe: SHA-256 is injected (WebCrypto in the page); the shard tops
 * are computed on the calling thread (`rootOfSubtree`; call `initKeccak()`
 * first in a browser).
 */
import { DistinctGrouper } from "./distinct-grouper.js";
import { compareHashAt } from "./sample-record.js";
import type { Sha256 } from "../hash/index.js";
import { rootOfSubtree } from "../merkle/browser.js";
import type { SourceDescription } from "../sources/index.js";
import { assembleManifest, HEADER_FILE, idsPath, INDEX_FILE, ShardAssembler, shardPath } from "../manifest/browser.js";
import type { IndexEntry, ManifestHeader } from "../manifest/browser.js";

/** One hashed sample, as a source yielded it. */
export interface MemorySample {
  /** SHA-256 of the sample bytes (32 bytes). */
  readonly hash: Uint8Array;
  /** Sample id (e.g. `<folder>/<relative path>` for a directory source). */
  readonly id: string;
  /** Index of its source in `sources` (default 0). */
  readonly source?: number;
  /** Position within its source (default: its position in the list): orders the ids of equal samples. */
  readonly ordinal?: number;
  /** Size in bytes (summed into the header's `totalBytes`). */
  readonly bytes: number;
}

/** Options of {@link buildManifestInMemory}. */
export interface MemoryManifestOptions {
  /** The sources the samples came from, as recorded in the header. */
  readonly sources: readonly SourceDescription[];
  /** Keep no sample ids (no `ids/` files). */
  readonly private?: boolean | undefined;
  /** Recorded as `createdAt` (omitted when undefined, as the CLI does without SOURCE_DATE_EPOCH). */
  readonly createdAt?: string | undefined;
  /** SHA-256 of the shard files (sync or async). */
  readonly sha256: Sha256;
}

/** A manifest held in memory. */
export interface MemoryManifest {
  readonly header: ManifestHeader;
  /** Every file of the manifest directory, by relative path. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Samples read, distinct samples, duplicates (as the CLI reports them). */
  readonly sampleCount: number;
  readonly duplicateCount: number;
}

/** Builds the manifest of `samples` (see the module doc). */
export async function buildManifestInMemory(samples: readonly MemorySample[], options: MemoryManifestOptions): Promise<MemoryManifest> {
  const withIds = options.private !== true;
  const n = samples.length;
  const hashes = new Uint8Array(n * 32);
  samples.forEach((s, i) => {
    if (!(s.hash instanceof Uint8Array) || s.hash.length !== 32) throw new TypeError(`sample ${i} (${s.id}): a sample hash is 32 bytes`);
    hashes.set(s.hash, i * 32);
  });
  const order = [...samples.keys()].sort(
    (a, b) =>
      compareHashAt(hashes, a * 32, hashes, b * 32) ||
      (samples[a]!.source ?? 0) - (samples[b]!.source ?? 0) ||
      (samples[a]!.ordinal ?? a) - (samples[b]!.ordinal ?? b),
  );

  const files = new Map<string, Uint8Array>();
  const shards: Uint8Array[] = [];
  const assembler = new ShardAssembler(withIds, (file) => {
    const bytes = file.hashes.slice();
    shards.push(bytes);
    files.set(shardPath(file.shard), bytes);
    if (file.ids !== null) files.set(idsPath(file.shard), file.ids);
  });
  const grouper = new DistinctGrouper((h, offset, ids) => assembler.add(h, offset, ids), withIds);
  for (const i of order) {
    const s = samples[i]!;
    grouper.push(hashes, i * 32, s.source ?? 0, s.ordinal ?? i, withIds ? s.id : null);
  }
  grouper.finish();
  const bounds = assembler.close();

  const entries: IndexEntry[] = [];
  for (const [k, b] of bounds.entries()) {
    const shard = shards[k]!;
    entries.push({ ...b, subtreeTop: rootOfSubtree(shard, { checkSorted: false }), shardSha256: await options.sha256(shard) });
  }
  const { header, headerBytes, indexBytes } = assembleManifest(entries, {
    sampleCount: grouper.samples,
    totalBytes: samples.reduce((sum, s) => sum + s.bytes, 0),
    sources: options.sources,
    private: !withIds,
    createdAt: options.createdAt,
  });
  files.set(INDEX_FILE, indexBytes);
  files.set(HEADER_FILE, headerBytes);
  return { header, files, sampleCount: grouper.samples, duplicateCount: grouper.duplicates };
}
