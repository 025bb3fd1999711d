/**
 * Tar source (WebDataset shards, plain or gzip'd): one shard, or every
 * `.tar` / `.tar.gz` / `.tgz` file under a directory (byte-wise order of
 * their paths). By default every member file is a sample, its raw bytes, so
 * an image taken out of a shard verifies as a file; sample id
 * `<shard>/<member path>` (`shards/00042.tar/000420017.jpg`). With
 * `groupByKey`, every WebDataset key is one sample (webdataset-sample.ts),
 * id `<shard>/<key>`. Which entries are samples: tar-members.ts.
 *
 * Plain shards: the main thread walks the headers in place with tar-stream's
 * header codec (PlainTarWalk, tar-headers.ts) and, for the hashing engine,
 * the workers read the bytes themselves: each member's range
 * (`file-segments`) or, with `groupByKey`, each key's members with their
 * framing (`file-groups`); other readers get the members read into slots
 * (`segments`). One sample per member of a large shard of small members
 * goes to the engine as `tar-scan` ranges instead (#scanBatches): the
 * workers find the members on a guess and send the headers back, so the
 * main thread walks them without reading the file. Gzip'd shards (and keys of plain ones, for readers other
 * than the engine) are streamed through the same header walk
 * (tar-entries.ts) and copied into the slots. A split run (`--part i/n`) takes a contiguous
 * share of the shards: parts are whole shards.
 *
 * Ordinals (the order of ids sharing a hash): shard index × 2^32 + position
 * of the sample in its shard.
 */
import { createHash } from "node:crypto";

import { describeFsError } from "./describe-fs-error.js";
import { PathFilter } from "./glob-filter.js";
import { readFullySync } from "./parquet-page-cursor.js";
import type { BatchContext, BatchSlot, FileIdentity, SampleBatch, SettledBatch, TarScanBatch, TarScanResult } from "./sample-batch.js";
import { fileRangeBatch, partRange } from "./sample-batch.js";
import type { SampleSource, SourceEstimate } from "./sample-source.js";
import { SegmentPacker } from "./segment-packer.js";
import { listShardFiles, type ShardFile, type ShardListing } from "./shard-files.js";
import type { SourceDescription, TarSourceOptions } from "./source-description.js";
import { SourceError } from "./source-error.js";
import { openSourceFile, readFileHead } from "./source-file.js";
import { tarEntriesWithData, truncatedAt, type TarEntryInfo } from "./tar-entries.js";
import { plainEntries, PlainTarWalk, ShippedBytes } from "./tar-plain-walk.js";
import { SCAN_MEMBER_LIMIT } from "./tar-scan.mjs";
import { classifyMember } from "./tar-members.js";
import { groupedLength, inKeyOrder, memberFraming, splitKey, writeGrouped } from "./webdataset-sample.js";

/** Shard file names a directory source picks up. */
export const TAR_SHARD_PATTERNS = ["*.tar", "*.tar.gz", "*.tgz"] as const;
/** Shards per source, at most: ordinals are shard × 2^32 + member and must stay below 2^53. */
const MAX_SHARDS = 2 ** 21;
const SHARD_ORDINAL_STRIDE = 2 ** 32;

/** Whether a file name looks like a tar shard. */
export function isTarName(fileName: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/iu.test(fileName);
}

/** Members of a streamed shard up to this size are copied straight into a slot reserved at their header's size (the default slot size). */
const STREAMED_DIRECT_BYTES = 4 * 1024 * 1024;

/** Members of one shard, counted for the warnings. */
interface ShardTally {
  samples: number;
  links: number;
}

/** WebDataset shards (or any tar files), one sample per member or per key. */
export class TarSource implements SampleSource {
  readonly description: SourceDescription;
  /** Warnings of the last run (skipped links, excluded directories…). */
  readonly warnings: string[] = [];
  /** Member extensions (WebDataset's: after the first dot of the file name) seen by the last run, with their counts. */
  readonly extensions = new Map<string, number>();
  readonly #root: string;
  readonly #name: string;
  readonly #isDirectory: boolean;
  readonly #options: TarSourceOptions;
  readonly #filter: PathFilter;
  #listing: Promise<ShardListing> | undefined;

  /**
   * @param root absolute path of the shard or of the directory of shards.
   * @param name relative name recorded in the manifest (see `sourceName`).
   */
  constructor(root: string, name: string, isDirectory: boolean, options: Partial<TarSourceOptions> = {}) {
    this.#root = root;
    this.#name = name;
    this.#isDirectory = isDirectory;
    this.#options = {
      include: options.include ?? [],
      exclude: options.exclude ?? [],
      includeHidden: options.includeHidden ?? false,
      followSymlinks: options.followSymlinks ?? false,
      groupByKey: options.groupByKey ?? false,
    };
    this.#filter = new PathFilter(this.#options.include, this.#options.exclude);
    this.description = { kind: "tar", name, options: this.#options };
  }

  /** Whether the source is a directory of shards (not one shard). */
  get isDirectory(): boolean {
    return this.#isDirectory;
  }

  /** The shards, in order. */
  async shards(): Promise<readonly ShardFile[]> {
    return (await this.#list()).files;
  }

  /** For plain shards only: their total size (a little more than the member bytes: headers and padding). */
  async estimate(): Promise<SourceEstimate> {
    const { files } = await this.#list();
    return files.every((f) => /\.tar$/iu.test(f.absolutePath)) ? { bytes: files.reduce((a, f) => a + f.size, 0) } : {};
  }

  /** Shard count and SHA-256 of the listing (paths and sizes). */
  async fingerprint(): Promise<string> {
    return (await this.#list()).fingerprint;
  }

  async *batches(context: BatchContext): AsyncGenerator<SampleBatch> {
    this.warnings.length = 0;
    this.extensions.clear();
    const listing = await this.#list();
    this.warnings.push(...listing.warnings);
    const shards = listing.files;
    const { start, end } = partRange(shards.length, context.part);
    const tallies: Array<{ shard: ShardFile; tally: ShardTally }> = [];
    // Shards hashed as tar-scan ranges are walked as the engine settles them: their files stay open until then.
    const scanned: ScannedShards = Object.assign(new Set<ScannedShard>(), { used: false });
    try {
      for (let s = start; s < end; s++) {
        const shard = shards[s]!;
        const tally: ShardTally = { samples: 0, links: 0 };
        tallies.push({ shard, tally });
        const gzip = await isGzip(shard);
        try {
          if (this.#options.groupByKey && !gzip && context.readsInWorkers === true) yield* this.#groupedFileBatches(shard, s, context, tally);
          else if (this.#options.groupByKey) yield* this.#groupedBatches(shard, s, gzip, context, tally);
          else if (gzip) yield* this.#streamedBatches(shard, s, context, tally);
          else if (this.#scans(context)) yield* this.#scanOrSlotBatches(shard, s, context, tally, scanned);
          else yield* this.#slotBatches(shard, s, context, tally);
        } catch (error) {
          // Ranges of an earlier shard may still be settling: its error, if any, comes first (drain throws it), as in the main-thread walk.
          if (scanned.used) await context.drain?.();
          throw shardError(shard, gzip, error);
        }
      }
      // Their samples are counted as they are settled: wait for that.
      if (scanned.used) await context.drain?.();
    } finally {
      for (const shard of scanned) await shard.close();
    }
    let samples = 0;
    for (const { shard, tally } of tallies) {
      samples += tally.samples;
      if (tally.links > 0) {
        this.warnings.push(`skipped ${tally.links} link entr${tally.links === 1 ? "y" : "ies"} in ${shard.idPrefix} (symbolic and hard links inside a tar are not samples)`);
      }
    }
    if (samples === 0 && context.part === undefined) {
      throw new SourceError(
        this.#name,
        `${this.#name} contains no samples: no member file left after the hidden/include/exclude rules` +
          `${this.#options.includeHidden ? "" : " (hidden members are skipped without --hidden)"}.`,
      );
    }
  }

  #list(): Promise<ShardListing> {
    this.#listing ??= (async () => {
      const walk = {
        include: [...TAR_SHARD_PATTERNS],
        exclude: [],
        includeHidden: this.#options.includeHidden,
        followSymlinks: this.#options.followSymlinks,
      };
      const listing = await listShardFiles(this.#root, this.#name, this.#isDirectory, walk, "tar shards (.tar, .tar.gz, .tgz)");
      if (listing.files.length > MAX_SHARDS) {
        throw new SourceError(this.#name, `${this.#name} holds ${listing.files.length} shards, more than ${MAX_SHARDS} per source: split it into several directories (one source each).`);
      }
      return listing;
    })();
    return this.#listing;
  }

  /** The sample members of a plain shard (open as `fd`, `size` bytes), walked in place (plainEntries), with their sample paths. */
  *#plainSamples(shard: ShardFile, fd: number, size: number, tally: ShardTally, seen: Set<string>): Generator<{ info: TarEntryInfo; path: string }> {
    for (const info of plainEntries(fd, size)) {
      const path = this.#samplePath(shard, info, tally, seen);
      if (path !== undefined) yield { info, path };
    }
  }

  /** The member's sample path, or undefined when it is not a sample (counts links; throws for unsupported entries). */
  #samplePath(shard: ShardFile, info: TarEntryInfo, tally: ShardTally, seen: Set<string>): string | undefined {
    const verdict = classifyMember(info, this.#filter, this.#options.includeHidden);
    if (verdict.kind === "link") tally.links++;
    if (verdict.kind === "unsupported") {
      throw new SourceError(
        `${shard.idPrefix}/${info.name}`,
        `${shard.idPrefix}: member ${info.name} has a tar entry type that is not supported (a GNU sparse file, incremental dump directory, volume label or multi-volume part): ` +
          `its stored bytes are not the file's content. Repack the shard without it, or without tar's --sparse option (GNU tar stores sparse files as a map and data blocks in every format).`,
      );
    }
    if (verdict.kind !== "sample") return undefined;
    if (seen.has(verdict.path)) {
      throw new SourceError(
        `${shard.idPrefix}/${verdict.path}`,
        `${shard.idPrefix} holds member ${verdict.path} twice, so its sample id would be ambiguous. Repack the shard with each path once.`,
      );
    }
    seen.add(verdict.path);
    // WebDataset's extension (after the first dot of the file name), without the regex of splitKey: this runs per member.
    const fileName = verdict.path.slice(verdict.path.lastIndexOf("/") + 1);
    const dot = fileName.indexOf(".", 1);
    if (dot > 0) {
      const extension = fileName.slice(dot + 1);
      this.extensions.set(extension, (this.extensions.get(extension) ?? 0) + 1);
    }
    return verdict.path;
  }

  /**
   * Plain shard, one sample per member. The main thread walks the headers
   * (read in small windows, tar-headers.ts) and packs consecutive members
   * into a slot: each batch is one byte range of the shard, from its first
   * member's data to its last member's end. For the hashing engine the
   * worker reads that range itself (`file-segments`), so on two cores the
   * reading runs in the two hashing threads instead of in a third one that
   * takes the CPU from them (measured, bench/sources.bench.ts); for other
   * consumers the range is read here into the slot (`segments`). A member
   * that does not fit the rest of a slot starts the next one.
   */
  async *#slotBatches(shard: ShardFile, shardIndex: number, context: BatchContext, tally: ShardTally): AsyncGenerator<SampleBatch> {
    const handle = await openSourceFile(shard.absolutePath, shard.idPrefix);
    const seen = new Set<string>();
    let slot: BatchSlot | undefined;
    let base = 0; // file offset of the slot's first member data (slot.data[0])
    let end = 0; // file offset just past its last member
    let count = 0;
    let ordinals: number[] = [];
    let ids: string[] = [];
    let file: FileIdentity = { dev: 0, ino: 0 }; // of the open shard, once stat'ed
    const take = (): SampleBatch | undefined => {
      const full = slot;
      slot = undefined;
      if (full === undefined) return undefined;
      const common = { count, ordinals: Float64Array.from(ordinals), ids: context.withIds ? ids : null };
      count = 0;
      ordinals = [];
      ids = [];
      if (context.readsInWorkers === true) return { kind: "file-segments", slot: full, path: shard.absolutePath, file, offset: base, ...common };
      try {
        readFullySync(handle.fd, full.data, end - base, base);
      } catch (error) {
        context.releaseSlot(full);
        throw error;
      }
      return { kind: "segments", slot: full, ...common };
    };
    try {
      const { size, dev, ino } = await handle.stat();
      file = { dev, ino };
      for (const { info, path } of this.#plainSamples(shard, handle.fd, size, tally, seen)) {
        if (info.size > MAX_SLOT_BOUND) {
          // A slot's bounds are 32-bit: a member of 4 GiB or more goes alone, as one range of the file (file-groups offsets are 64-bit).
          const full = take();
          if (full !== undefined) yield full;
          const ordinal = shardIndex * SHARD_ORDINAL_STRIDE + tally.samples++;
          const id = context.withIds ? `${shard.idPrefix}/${path}` : null;
          yield fileRangeBatch(await context.acquireSlot(0), shard.absolutePath, file, info.dataOffset, info.size, ordinal, id);
          continue;
        }
        if (slot === undefined || info.dataOffset + info.size - base > slot.data.length || count >= slot.maxSamples) {
          const full = take();
          if (full !== undefined) yield full;
          // The workers read a member from the file (1 MiB at a time): only a slot filled here needs its size, once the file is known to hold it.
          if (context.readsInWorkers !== true && info.dataOffset + info.size > size) throw truncatedAt(size, info.dataOffset + info.size);
          slot = await context.acquireSlot(context.readsInWorkers === true ? 0 : info.size);
          base = info.dataOffset;
        }
        slot.bounds[2 * count] = info.dataOffset - base;
        slot.bounds[2 * count + 1] = info.dataOffset - base + info.size;
        end = info.dataOffset + info.size;
        ordinals.push(shardIndex * SHARD_ORDINAL_STRIDE + tally.samples++);
        if (context.withIds) ids.push(`${shard.idPrefix}/${path}`);
        count++;
      }
      const last = take();
      if (last !== undefined) yield last;
    } finally {
      if (slot !== undefined) context.releaseSlot(slot);
      await handle.close();
    }
  }

  /** Whether plain shards are hashed as `tar-scan` ranges: for a consumer that settles them, one sample per member, no include/exclude patterns (a worker hashes every member it finds). */
  #scans(context: BatchContext): boolean {
    return context.readsInWorkers === true && context.drain !== undefined && this.#options.include.length === 0 && this.#options.exclude.length === 0;
  }

  /**
   * Plain shard, one sample per member, for the hashing engine: as
   * `tar-scan` ranges (see {@link #scanBatches}) when the shard spans more
   * than two ranges and its first members are small (a guessed member is
   * hashed only within SCAN_MEMBER_LIMIT of its range, larger ones fall to
   * the main thread); otherwise as {@link #slotBatches}.
   */
  async *#scanOrSlotBatches(shard: ShardFile, shardIndex: number, context: BatchContext, tally: ShardTally, scanned: ScannedShards): AsyncGenerator<SampleBatch> {
    const handle = await openSourceFile(shard.absolutePath, shard.idPrefix);
    let slot: BatchSlot | undefined;
    let kept = false;
    try {
      const { size, dev, ino } = await handle.stat();
      slot = await context.acquireSlot(0);
      const range = scanRange(handle.fd, size, slot);
      if (range !== undefined && size > 2 * range) {
        let closing: Promise<void> | undefined;
        const open: ScannedShard = {
          close: () => {
            scanned.delete(open);
            closing ??= handle.close();
            return closing;
          },
        };
        scanned.add(open);
        scanned.used = true;
        kept = true;
        const first = slot;
        slot = undefined;
        yield* this.#scanBatches(shard, shardIndex, context, tally, { fd: handle.fd, size, file: { dev, ino }, close: open.close }, first, range);
        return;
      }
    } finally {
      if (slot !== undefined) context.releaseSlot(slot);
      if (!kept) await handle.close();
    }
    yield* this.#slotBatches(shard, shardIndex, context, tally);
  }

  /**
   * Plain shard as `tar-scan` batches: fixed byte ranges of one slot's data
   * size, none waiting for another. A worker guesses where the headers lie
   * in its range, hashes the members it finds and sends their header bytes
   * back (tar-scan.mjs); as the engine settles each range, in order, this
   * thread walks it strictly (PlainTarWalk), reading the headers from those
   * bytes instead of the file, and takes a worker's digest only for the
   * exact data range its own walk finds; it reads and hashes any other
   * member itself. So the shard is read exactly as by {@link #slotBatches}
   * (same walk, same errors), without a `pread` per header on this thread
   * (measured, bench/sources.bench.ts).
   */
  async *#scanBatches(
    shard: ShardFile,
    shardIndex: number,
    context: BatchContext,
    tally: ShardTally,
    open: { fd: number; size: number; file: FileIdentity; close(): Promise<void> },
    firstSlot: BatchSlot,
    range: number,
  ): AsyncGenerator<SampleBatch> {
    const { fd, size, file } = open;
    const shipped = new ShippedBytes();
    const walk = new PlainTarWalk(fd, size, shipped);
    const seen = new Set<string>();
    const settleRange = (batch: TarScanBatch, scan: TarScanResult): SettledBatch => {
      shipped.add(batch.start, batch.slot, scan);
      const last = batch.end >= size;
      const found: Array<Uint8Array | undefined> = [];
      const handedBack: Array<{ index: number; info: TarEntryInfo; path: string }> = [];
      const ordinals: number[] = [];
      const ids: string[] = [];
      let bytes = 0;
      for (const info of walk.entries(last ? Infinity : batch.end)) {
        const path = this.#samplePath(shard, info, tally, seen);
        // Past the end of the file: the walk refuses it when it goes on.
        if (path === undefined || info.dataOffset + info.size > size) continue;
        let digest = shipped.digest(info.dataOffset, info.size);
        // A member no worker hashed (past the guess limit, or a wrong guess): small ones here, large ones back to the workers.
        if (digest === undefined && (info.size <= HASH_HERE_BYTES || context.hashRange === undefined)) digest = hashFileRange(fd, info.dataOffset, info.size);
        if (digest === undefined) handedBack.push({ index: found.length, info, path });
        found.push(digest);
        ordinals.push(shardIndex * SHARD_ORDINAL_STRIDE + tally.samples++);
        if (context.withIds) ids.push(`${shard.idPrefix}/${path}`);
        bytes += info.size;
      }
      if (last) walk.finish();
      else shipped.retain(walk.position);
      const digests = new Uint8Array(32 * found.length);
      for (let i = 0; i < found.length; i++) if (found[i] !== undefined) digests.set(found[i]!, 32 * i);
      const pending =
        handedBack.length === 0
          ? undefined
          : Promise.all(
              handedBack.map(({ index, info, path }) =>
                context.hashRange!(shard.absolutePath, file, info.dataOffset, info.size).then(
                  (digest) => digests.set(digest, 32 * index),
                  (error: unknown) => {
                    throw memberError(shard, path, error);
                  },
                ),
              ),
            ).then(() => undefined);
      return { count: found.length, ordinals: Float64Array.from(ordinals), ids: context.withIds ? ids : null, digests, bytes, pending };
    };
    let slot: BatchSlot | undefined = firstSlot;
    for (let start = 0; start < size; ) {
      slot ??= await context.acquireSlot(0);
      const end = Math.min(size, start + range);
      const batch: TarScanBatch = {
        kind: "tar-scan",
        slot,
        path: shard.absolutePath,
        file,
        start,
        end,
        size,
        shard: shard.idPrefix,
        count: 0,
        ordinals: new Float64Array(0),
        ids: null,
        settle: (scan) => {
          try {
            const settled = settleRange(batch, scan);
            if (batch.end >= size) void open.close();
            return settled;
          } catch (error) {
            void open.close();
            throw shardError(shard, false, error);
          }
        },
      };
      slot = undefined;
      yield batch;
      start = end;
    }
  }

  /** Gzip'd shard, one sample per member: members streamed into shared memory. */
  async *#streamedBatches(shard: ShardFile, shardIndex: number, context: BatchContext, tally: ShardTally): AsyncGenerator<SampleBatch> {
    const seen = new Set<string>();
    const packer = new SegmentPacker(context);
    try {
      for await (const { info, data } of tarEntriesWithData(shard.absolutePath, true)) {
        const path = this.#samplePath(shard, info, tally, seen);
        if (path === undefined) continue;
        if (info.size > MAX_SLOT_BOUND) throw tooLargeToStream(shard, gzipNote(true), `member ${path}`, info.size);
        if (info.size > STREAMED_DIRECT_BYTES) {
          // A large member is read before memory of its size is taken: a header alone cannot make us allocate it.
          const bytes = await readAll(data, info.size);
          const full = await packer.reserve(bytes.length);
          if (full !== undefined) yield full;
          packer.data.set(bytes, packer.fill);
        } else {
          const full = await packer.reserve(info.size);
          if (full !== undefined) yield full;
          const at = packer.fill;
          let got = 0;
          for await (const chunk of data) {
            packer.data.set(chunk, at + got);
            got += chunk.length;
          }
        }
        packer.commit(info.size, shardIndex * SHARD_ORDINAL_STRIDE + tally.samples++, `${shard.idPrefix}/${path}`);
      }
      const last = packer.take();
      if (last !== undefined) yield last;
    } finally {
      packer.release();
    }
  }

  /**
   * One sample per WebDataset key, streamed (a gzip'd shard, or any shard
   * for a reader other than the hashing engine): each key's members are
   * copied out of the stream and framed into a slot (webdataset-sample.ts).
   */
  async *#groupedBatches(shard: ShardFile, shardIndex: number, gzip: boolean, context: BatchContext, tally: ShardTally): AsyncGenerator<SampleBatch> {
    const seen = new Set<string>();
    const keys = new KeyGroups<{ data: Uint8Array }>(shard);
    const packer = new SegmentPacker(context);
    const add = async function* (group: KeyGroup<{ data: Uint8Array }>): AsyncGenerator<SampleBatch> {
      const members = group.members.map((m) => ({ extension: m.extension, data: m.item.data }));
      const length = groupedLength(members);
      if (length > MAX_SLOT_BOUND) throw tooLargeToStream(shard, gzipNote(gzip), `key ${group.key}`, length);
      const full = await packer.reserve(length);
      if (full !== undefined) yield full;
      writeGrouped(members, packer.data, packer.fill);
      packer.commit(length, shardIndex * SHARD_ORDINAL_STRIDE + tally.samples++, `${shard.idPrefix}/${group.key}`);
    };
    try {
      for await (const { info, data } of tarEntriesWithData(shard.absolutePath, gzip)) {
        const path = this.#samplePath(shard, info, tally, seen);
        if (path === undefined) continue;
        // The key's rules first, then the data (as the in-place walk: its data is checked after the entry is seen).
        const member: { data: Uint8Array } = { data: new Uint8Array(0) };
        const done = keys.add(path, keys.split(path), member);
        if (info.size > MAX_SLOT_BOUND) throw tooLargeToStream(shard, gzipNote(gzip), `member ${path}`, info.size);
        member.data = await readAll(data, info.size);
        if (done !== undefined) yield* add(done);
      }
      const last = keys.end();
      if (last !== undefined) yield* add(last);
      const full = packer.take();
      if (full !== undefined) yield full;
    } finally {
      packer.release();
    }
  }

  /**
   * One sample per WebDataset key of a plain shard, for the hashing engine:
   * the main thread walks the headers in place (as for one sample per
   * member) and hands each worker runs of keys as `file-groups` batches, the
   * members' file ranges with their framing; the worker reads and hashes
   * them without the copies of the streamed path (measured,
   * bench/sources.bench.ts).
   */
  async *#groupedFileBatches(shard: ShardFile, shardIndex: number, context: BatchContext, tally: ShardTally): AsyncGenerator<SampleBatch> {
    const handle = await openSourceFile(shard.absolutePath, shard.idPrefix);
    const seen = new Set<string>();
    const keys = new KeyGroups<{ start: number; end: number }>(shard);
    let slot: BatchSlot | undefined;
    let base = 0; // file offset where the batch's first key starts
    let parts: number[] = [];
    let partEnds: number[] = [];
    let framing: Uint8Array[] = [];
    let framingEnds: number[] = [];
    let framingLength = 0;
    let ordinals: number[] = [];
    let ids: string[] = [];
    let file: FileIdentity = { dev: 0, ino: 0 };
    const take = (): SampleBatch | undefined => {
      const full = slot;
      slot = undefined;
      if (full === undefined) return undefined;
      const batch: SampleBatch = {
        kind: "file-groups",
        slot: full,
        path: shard.absolutePath,
        file,
        count: partEnds.length,
        ordinals: Float64Array.from(ordinals),
        ids: context.withIds ? ids : null,
        parts: Float64Array.from(parts),
        partEnds: Uint32Array.from(partEnds),
        framing: Buffer.concat(framing, framingLength),
        framingEnds: Uint32Array.from(framingEnds),
      };
      parts = [];
      partEnds = [];
      framing = [];
      framingEnds = [];
      framingLength = 0;
      ordinals = [];
      ids = [];
      return batch;
    };
    const add = async function* (group: KeyGroup<{ start: number; end: number }>): AsyncGenerator<SampleBatch> {
      const start = Math.min(...group.members.map((m) => m.item.start));
      const end = Math.max(...group.members.map((m) => m.item.end));
      if (slot === undefined || (partEnds.length > 0 && end - base > slot.data.length) || partEnds.length >= slot.maxSamples) {
        const full = take();
        if (full !== undefined) yield full;
        slot = await context.acquireSlot();
        base = start;
      }
      for (const m of inKeyOrder(group.members)) {
        const bytes = memberFraming(m.extension, m.item.end - m.item.start);
        framing.push(bytes);
        framingLength += bytes.length;
        framingEnds.push(framingLength);
        parts.push(m.item.start, m.item.end);
      }
      partEnds.push(parts.length / 2);
      ordinals.push(shardIndex * SHARD_ORDINAL_STRIDE + tally.samples++);
      if (context.withIds) ids.push(`${shard.idPrefix}/${group.key}`);
    };
    try {
      const { size, dev, ino } = await handle.stat();
      file = { dev, ino };
      for (const { info, path } of this.#plainSamples(shard, handle.fd, size, tally, seen)) {
        const done = keys.add(path, keys.split(path), { start: info.dataOffset, end: info.dataOffset + info.size });
        if (done !== undefined) yield* add(done);
      }
      const last = keys.end();
      if (last !== undefined) yield* add(last);
      const full = take();
      if (full !== undefined) yield full;
    } finally {
      if (slot !== undefined) context.releaseSlot(slot);
      await handle.close();
    }
  }
}

/** One WebDataset key and its members (any payload: bytes, or file ranges), in archive order. */
interface KeyGroup<T> {
  readonly key: string;
  readonly members: ReadonlyArray<{ readonly extension: string; readonly item: T }>;
}

/**
 * The `--group-by-key` rules over a shard's sample members in archive
 * order: every member has a key (a dot in its file name), a key's members
 * are consecutive, and a key has one member per extension.
 */
class KeyGroups<T> {
  readonly #shard: ShardFile;
  readonly #finished = new Set<string>();
  #key: string | undefined;
  #members: Array<{ extension: string; item: T }> = [];

  constructor(shard: ShardFile) {
    this.#shard = shard;
  }

  /** The member's key and extension; refuses a member without one. */
  split(path: string): { key: string; extension: string } {
    const split = splitKey(path);
    if (split === undefined) {
      throw new SourceError(
        `${this.#shard.idPrefix}/${path}`,
        `${this.#shard.idPrefix}: member ${path} has no extension, so it has no WebDataset key. --group-by-key needs key.ext names (000123.jpg, 000123.txt); ` +
          `leave it out with --exclude or hash members one by one (without --group-by-key).`,
      );
    }
    return split;
  }

  /** Adds the next member; returns the previous key's group when this member starts another key. */
  add(path: string, split: { key: string; extension: string }, item: T): KeyGroup<T> | undefined {
    let done: KeyGroup<T> | undefined;
    if (split.key !== this.#key) {
      done = this.end();
      if (this.#finished.has(split.key)) {
        throw new SourceError(
          `${this.#shard.idPrefix}/${path}`,
          `${this.#shard.idPrefix}: the files of key ${split.key} are not consecutive (${path} comes after other keys). ` +
            `WebDataset shards keep a key's files together: repack the shard sorted by name (tar --sort=name).`,
        );
      }
      this.#key = split.key;
    }
    if (this.#members.some((m) => m.extension === split.extension)) {
      throw new SourceError(
        `${this.#shard.idPrefix}/${path}`,
        `${this.#shard.idPrefix}: key ${split.key} has two .${split.extension} files. Repack the shard with one file per extension and key.`,
      );
    }
    this.#members.push({ extension: split.extension, item });
    return done;
  }

  /** The last key's group, if any; the key is then finished. */
  end(): KeyGroup<T> | undefined {
    if (this.#key === undefined) return undefined;
    const group = { key: this.#key, members: this.#members };
    this.#finished.add(this.#key);
    this.#key = undefined;
    this.#members = [];
    return group;
  }
}

/**
 * Every byte of an entry's data, in memory that grows with the bytes read:
 * never more than twice what the stream held, whatever size the header
 * claims (`sizeHint` only sizes the first buffer, up to 1 MiB).
 */
async function readAll(data: AsyncIterable<Uint8Array>, sizeHint: number): Promise<Uint8Array> {
  let out = new Uint8Array(Math.min(sizeHint, 1024 * 1024));
  let fill = 0;
  for await (const chunk of data) {
    if (fill + chunk.length > out.length) {
      const bigger = new Uint8Array(Math.max(out.length * 2, fill + chunk.length));
      bigger.set(out.subarray(0, fill));
      out = bigger;
    }
    out.set(chunk, fill);
    fill += chunk.length;
  }
  return out.subarray(0, fill);
}

/** A shard kept open for its tar-scan ranges, closed by the last one settled (or when the run ends). */
interface ScannedShard {
  close(): Promise<void>;
}

/** The shards of one run kept open for their ranges; `used` once any shard was hashed so. */
type ScannedShards = Set<ScannedShard> & { used: boolean };

/** Members looked at to decide whether, and in what ranges, a shard is hashed as tar-scan batches. */
const PEEK_MEMBERS = 64;
/** Slots' worth of file per tar-scan range, at most: 16 MiB with the default 4 MiB slots (fewer, larger batches measured faster than 4 MiB ones, bench/sources.bench.ts). */
const SCAN_RANGE_SLOTS = 4;

/**
 * The tar-scan range size for this shard, or undefined to hash it with the
 * main thread walking ahead ({@link TarSource.#slotBatches}): when its first
 * members are all well under SCAN_MEMBER_LIMIT (a guessed member is hashed
 * only that far past its range; a larger one falls to the main thread),
 * ranges of SCAN_RANGE_SLOTS slots, fewer bytes when the members are so
 * small that a range's headers would fill half the slot's data or its
 * members half its digests. A shard the walk refuses is left to the plain
 * path, which reports why.
 */
function scanRange(fd: number, size: number, slot: BatchSlot): number | undefined {
  let seen = 0;
  let end = 0;
  try {
    for (const info of new PlainTarWalk(fd, size).entries()) {
      if (info.size > SCAN_MEMBER_LIMIT / 4) return undefined;
      end = info.dataOffset + info.size;
      if (++seen >= PEEK_MEMBERS) break;
    }
  } catch {
    return undefined;
  }
  if (seen === 0) return undefined;
  const span = end / seen; // bytes per entry, headers included
  const entries = Math.min(slot.maxSamples / 2, slot.data.length / 2 / (512 + 8));
  const range = Math.floor(Math.min(SCAN_RANGE_SLOTS * slot.data.length, span * entries) / 512) * 512; // ranges start on block boundaries
  return range >= 512 ? range : undefined;
}

/** Largest value a slot's bounds hold (Uint32Array): a larger member is hashed as a batch of its own. */
const MAX_SLOT_BOUND = 0xffff_ffff;

/** Why a sample copied into a slot (a gzip'd shard's, or a key read here) cannot be 4 GiB or more, and what to do. */
function gzipNote(gzip: boolean): string {
  return gzip
    ? "Decompress the shard (gunzip it into a plain .tar) and use that: a plain shard's member is read in place, whatever its size."
    : "Extract the key's files (tar -xf) and check each as a file: dataset verify <id> <file>.";
}

/**
 * A sample copied into one slot (SegmentPacker: a gzip'd shard's member or
 * key, a key of a plain shard read here) has 32-bit bounds: one of 4 GiB or
 * more is refused, before it is read (its bounds would wrap: the sample
 * would be taken as its first bytes).
 */
function tooLargeToStream(shard: ShardFile, fix: string, what: string, bytes: number): SourceError {
  return new SourceError(shard.idPrefix, `${shard.idPrefix}: ${what} holds ${bytes} bytes, more than a sample read from this shard here can hold (${MAX_SLOT_BOUND}). ${fix}`);
}

/** A member no worker hashed is hashed on this thread up to this size; a larger one goes back to the workers (BatchContext.hashRange). */
const HASH_HERE_BYTES = 1024 * 1024;

/** The error of a member handed back to the workers (a read that failed, a file replaced meanwhile). */
function memberError(shard: ShardFile, path: string, error: unknown): SourceError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SourceError(`${shard.idPrefix}/${path}`, `Cannot read member ${path} of shard ${shard.idPrefix}: ${reason}. Rerun once the shard stops changing, or download it again.`, { cause: error });
}

/** SHA-256 of `[offset, offset + length)` of the file open as `fd`, read here (a member no worker hashed). */
function hashFileRange(fd: number, offset: number, length: number): Uint8Array {
  const h = createHash("sha256");
  const piece = Buffer.allocUnsafe(Math.min(length, 1024 * 1024));
  for (let at = offset; at < offset + length; at += piece.length) {
    const n = Math.min(piece.length, offset + length - at);
    readFullySync(fd, piece, n, at);
    h.update(piece.subarray(0, n));
  }
  return h.digest();
}

async function isGzip(shard: ShardFile): Promise<boolean> {
  const head = await readFileHead(shard.absolutePath, 2, false).catch((error: unknown) => {
    throw new SourceError(shard.idPrefix, `Cannot read shard ${shard.idPrefix}: ${describeFsError(error)}.`, { cause: error });
  });
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** A SourceError naming the shard for whatever failed while reading it. */
function shardError(shard: ShardFile, gzip: boolean, error: unknown): unknown {
  if (error instanceof SourceError) return error;
  const reason = describeFsError(error);
  const hint = gzip
    ? "The gzip stream or the tar inside it is damaged or truncated; download the shard again."
    : "Is it a tar file? It is damaged or truncated; download the shard again (a compressed shard must be gzip: .tar.gz or .tgz).";
  return new SourceError(shard.idPrefix, `Cannot read shard ${shard.idPrefix}: ${reason}. ${hint}`, { cause: error });
}

function padded(size: number): number {
  return Math.ceil(size / 512) * 512;
}
