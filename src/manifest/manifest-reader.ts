/**
 * Proves samples in or out of a dataset from its manifest while reading as
 * little of it as possible: `header.json` + `index.bin` when opened, then only
 * the shard(s) a query needs (one, or two when the search path of an absent
 * query ends in the shard before the one that would hold it). Everything
 * loaded is checked: the tree over the index's shard tops must give the
 * header's root, and a shard must match its index entry (SHA-256 = digest of
 * its raw CID, subtree top, first/last hash, sorted). Files come from an
 * injected {@link ManifestFileReader}: local directory, IPFS gateway, …
 * Browser-safe: SHA-256 is injected too (default `defaultSha256`: Node's
 * OpenSSL in Node, WebCrypto in a browser).
 */
import { equalBytes, toHex, defaultSha256, type Sha256 } from "../hash/index.js";
import { type BatchProof, proveBatch, proveMemberInShard, type AbsenceProof, compareHashes, splitKey, type SampleProof, type MerkleTree, type ShardedTreeTop, buildTree, levelWidths } from "../merkle/browser.js";
import { cidFromSha256, RAW_CODEC } from "../storage/browser.js";
import type { IndexEntry, ManifestHeader } from "./manifest-format.js";
import { decodeHeader, decodeIndex, HEADER_FILE, idsPath, indexProblems, INDEX_FILE, SHARD_LEVEL, shardPath, treeOfIndex } from "./manifest-format.js";
import type { CID } from "multiformats/cid";
import { DatatraceError, InternalError } from "../errors/index.js";

/**
 * Where a {@link ManifestReader} gets manifest files from: a function from a
 * path relative to the manifest directory (`header.json`, `index.bin`,
 * `shards/000/000000.bin`, …) to its bytes. `directoryReader`
 * (manifest-file-reader.ts) reads a local directory; the web page reads
 * through IPFS gateways.
 */
export type ManifestFileReader = (relativePath: string) => Promise<Uint8Array>;

/** A loaded, verified shard. */
interface LoadedShard {
  readonly hashes: Uint8Array;
  readonly tree: MerkleTree;
}

/** Result of {@link ManifestReader.proveSamples}. */
export interface ManifestBatchResult {
  /** Batch proof of every member (null when none is a member). */
  readonly batch: BatchProof | null;
  /** The members' hashes in `batch.indexes` order. */
  readonly memberHashes: Uint8Array[];
  /** Absence proofs of the hashes that are not members. */
  readonly absent: Array<{ readonly sampleHash: Uint8Array; readonly proof: AbsenceProof }>;
}

/** Options of {@link ManifestReader.open}. */
export interface ManifestReaderOptions {
  /** Name of the manifest in error messages (a path or CID). */
  readonly where?: string | undefined;
  /** Shards kept in memory (default 16). */
  readonly cacheShards?: number | undefined;
  /** SHA-256 used to check shards against their index entries, sync or async (default `defaultSha256`). */
  readonly sha256?: Sha256 | undefined;
}

/** Reads and proves against a manifest (see the module doc). */
export class ManifestReader {
  readonly header: ManifestHeader;
  readonly index: readonly IndexEntry[];
  /** The tree over the shard tops (its root = header root). */
  readonly top: ShardedTreeTop;
  readonly root: Uint8Array;
  readonly #read: ManifestFileReader;
  readonly #where: string;
  readonly #cacheSize: number;
  readonly #sha256: Sha256;
  readonly #shards = new Map<number, Promise<LoadedShard>>();
  readonly #ids = new Map<number, Promise<string[]>>();

  private constructor(read: ManifestFileReader, header: ManifestHeader, index: IndexEntry[], top: ShardedTreeTop, options: ManifestReaderOptions) {
    this.#read = read;
    this.header = header;
    this.index = index;
    this.top = top;
    this.root = top.root;
    this.#where = options.where ?? "manifest";
    this.#cacheSize = options.cacheShards ?? 16;
    this.#sha256 = options.sha256 ?? defaultSha256;
  }

  /** Loads and checks `header.json` and `index.bin` (no shard is read). */
  static async open(read: ManifestFileReader, options: ManifestReaderOptions = {}): Promise<ManifestReader> {
    const where = options.where ?? "manifest";
    const header = decodeHeader(await read(HEADER_FILE), where);
    const index = decodeIndex(await read(INDEX_FILE), header.shardCount, where);
    const problem = indexProblems(header, index)[0];
    if (problem !== undefined) throw new DatatraceError(`${where}: ${problem.where} ${problem.detail}: the manifest is corrupt.`);
    const top = treeOfIndex(index);
    const root = toHex(top.root);
    if (root !== header.root) {
      throw new DatatraceError(`${where}: the shard tops in index.bin give root ${root}, but header.json says ${header.root}. The manifest is corrupt or mixed up.`);
    }
    return new ManifestReader(read, header, index, top, options);
  }

  /** The raw-block CID of shard `k` (from its index entry). */
  shardCid(k: number): CID {
    return cidFromSha256(RAW_CODEC, this.#entry(k).shardSha256);
  }

  /** The shard that would hold `sampleHash`: the first whose last hash is ≥ it (shardCount if none). */
  shardFor(sampleHash: Uint8Array): number {
    let lo = 0;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareHashes(this.index[mid]!.last, sampleHash) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Shard `k`'s sorted hashes, loaded once and verified against the index. */
  async shard(k: number): Promise<Uint8Array> {
    return (await this.#loadShard(k)).hashes;
  }

  /**
   * Membership proof of `sampleHash` (32 bytes), or if it is not in the
   * dataset an absence proof: the neighbor its search path ends at, with its path.
   */
  async proveSample(sampleHash: Uint8Array): Promise<SampleProof> {
    const where = await this.#locate(sampleHash);
    const proof = await this.#prove(where.index);
    if (where.member) return { kind: "member", ...proof };
    return { kind: "absent", ...proof, neighbor: await this.#valueAt(where.index) };
  }

  /**
   * One batch proof for all the members among `sampleHashes` (sibling hashes
   * and split keys shared between them are sent once) and absence proofs for
   * the others.
   */
  async proveSamples(sampleHashes: readonly Uint8Array[]): Promise<ManifestBatchResult> {
    const members = new Map<number, Uint8Array>();
    const absent: Array<{ sampleHash: Uint8Array; proof: AbsenceProof }> = [];
    for (const h of sampleHashes) {
      const where = await this.#locate(h);
      if (where.member) members.set(where.index, h);
      else absent.push({ sampleHash: h, proof: { ...(await this.#prove(where.index)), neighbor: await this.#valueAt(where.index) } });
    }
    if (members.size === 0) return { batch: null, memberHashes: [], absent };
    const indexes = [...members.keys()].sort((a, b) => a - b);
    const shards = new Map<number, LoadedShard>();
    for (const i of indexes) {
      const k = Math.floor(i / this.header.shardSize);
      if (!shards.has(k)) shards.set(k, await this.#loadShard(k));
    }
    const batch = this.#proveBatch(indexes, shards);
    return { batch, memberHashes: indexes.map((i) => members.get(i)!), absent };
  }

  /** Ids of the samples that hashed to `sampleHash`; null when it is not in the dataset. */
  async idsOf(sampleHash: Uint8Array): Promise<string[] | null> {
    if (this.header.private) {
      throw new DatatraceError(`${this.#where} is a private manifest: it keeps no sample ids.`);
    }
    const where = await this.#locate(sampleHash);
    if (!where.member) return null;
    const size = this.header.shardSize;
    const k = Math.floor(where.index / size);
    const lines = await this.#loadIds(k);
    const line = lines[where.index - k * size];
    if (line === undefined) throw new DatatraceError(`${this.#where}: ${idsPath(k)} has fewer lines than its shard has hashes.`);
    return JSON.parse(line) as string[];
  }

  #entry(k: number): IndexEntry {
    const e = this.index[k];
    if (e === undefined) throw new RangeError(`shard ${k} does not exist: the manifest has shards 0..${this.index.length - 1}`);
    return e;
  }

  /**
   * Where the search path of `q` ends (a global index) and whether the value
   * there is `q`. Not a member: the path ends at q's predecessor, or at its
   * successor when q is at or above the split key between them (src/merkle/search.ts).
   */
  async #locate(q: Uint8Array): Promise<{ readonly index: number; readonly member: boolean }> {
    if (!(q instanceof Uint8Array) || q.length !== 32) {
      throw new TypeError("a sample hash is 32 bytes (SHA-256 of the sample); got something else");
    }
    const n = this.header.leafCount;
    const size = this.header.shardSize;
    const k = this.shardFor(q);
    if (k === this.index.length) return { index: n - 1, member: false };
    const hashes = await this.shard(k);
    let lo = 0;
    let hi = hashes.length / 32;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareHashes(hashes.subarray(mid * 32, mid * 32 + 32), q) < 0) lo = mid + 1;
      else hi = mid;
    }
    const successor = hashes.subarray(lo * 32, lo * 32 + 32);
    const i = k * size + lo; // the first member ≥ q
    if (compareHashes(successor, q) === 0) return { index: i, member: true };
    if (i === 0) return { index: 0, member: false };
    // The predecessor is in this shard, or is the previous shard's last hash (in the index).
    const predecessor = lo > 0 ? hashes.subarray((lo - 1) * 32, lo * 32) : this.#entry(k - 1).last;
    return { index: compareHashes(q, splitKey(predecessor, successor)) >= 0 ? i : i - 1, member: false };
  }

  /** The path of the value at global `index`: the shard-local walk, then the walk above the shard. */
  async #prove(index: number): Promise<{ index: number; leafCount: number; path: Uint8Array[] }> {
    const size = this.header.shardSize;
    const k = Math.floor(index / size);
    const loaded = await this.#loadShard(k);
    return proveMemberInShard(loaded.tree, index - k * size, this.top, k);
  }

  /** The sample hash at global `index` (a copy). */
  async #valueAt(index: number): Promise<Uint8Array> {
    const size = this.header.shardSize;
    const k = Math.floor(index / size);
    const local = index - k * size;
    return (await this.#loadShard(k)).hashes.slice(local * 32, local * 32 + 32);
  }

  /** A batch proof over the shard trees below the shard level and the top tree above (merkle/multiproof.ts). */
  #proveBatch(indexes: number[], shards: Map<number, LoadedShard>): BatchProof {
    const n = this.header.leafCount;
    const widths = levelWidths(n);
    const single = this.index.length === 1;
    /** The loaded shard under node `i` of `level` ≤ SHARD_LEVEL, and the node's index inside its tree. */
    const inShard = (level: number, i: number): { tree: MerkleTree; local: number } => {
      const span = 2 ** (SHARD_LEVEL - level); // nodes of this level per full shard
      const k = single ? 0 : Math.floor(i / span);
      const shard = shards.get(k);
      if (shard === undefined) throw new InternalError(`shard ${k} not loaded for a batch proof`);
      return { tree: shard.tree, local: i - k * span };
    };
    const node = (level: number, i: number): Uint8Array => {
      if (!single && level >= SHARD_LEVEL) return this.top.tree.node(level - SHARD_LEVEL, i);
      const { tree, local } = inShard(level, i);
      // The last shard's own tree may be shallower: its top is promoted up to the shard level.
      return tree.node(Math.min(level, tree.depth), local);
    };
    const split = (level: number, i: number): Uint8Array => {
      if (!single && level > SHARD_LEVEL) return this.top.tree.split(level - SHARD_LEVEL, i);
      const { tree, local } = inShard(level, i);
      return tree.split(level, local);
    };
    return proveBatch({ leafCount: n, depth: widths.length - 1, levelWidth: (k) => widths[k]!, node, split }, indexes);
  }

  #loadShard(k: number): Promise<LoadedShard> {
    let loading = this.#shards.get(k);
    if (loading === undefined) {
      loading = this.#fetchShard(k);
      loading.catch(() => this.#shards.delete(k));
      this.#shards.set(k, loading);
      if (this.#shards.size > this.#cacheSize) this.#shards.delete(this.#shards.keys().next().value!);
    }
    return loading;
  }

  async #fetchShard(k: number): Promise<LoadedShard> {
    const entry = this.#entry(k);
    const file = shardPath(k);
    const bytes = await this.#read(file);
    const digest = await this.#sha256(bytes);
    if (!equalBytes(digest, entry.shardSha256)) {
      throw new DatatraceError(`${this.#where}: ${file} does not match its index entry (SHA-256 differs; expected CID ${this.shardCid(k).toString()}). Fetch it again.`);
    }
    if (bytes.length !== entry.leafCount * 32) throw new DatatraceError(`${this.#where}: ${file} has ${bytes.length} bytes, expected ${entry.leafCount * 32}.`);
    let tree: MerkleTree;
    try {
      tree = buildTree(bytes);
    } catch (error) {
      throw new DatatraceError(`${this.#where}: ${file} is not a valid shard: ${(error as Error).message}`, { cause: error });
    }
    if (!equalBytes(tree.top, entry.subtreeTop)) throw new DatatraceError(`${this.#where}: ${file}'s subtree top differs from its index entry.`);
    if (!equalBytes(bytes.subarray(0, 32), entry.first) || !equalBytes(bytes.subarray(bytes.length - 32), entry.last)) {
      throw new DatatraceError(`${this.#where}: ${file}'s first/last hashes differ from its index entry.`);
    }
    return { hashes: bytes, tree };
  }

  #loadIds(k: number): Promise<string[]> {
    let loading = this.#ids.get(k);
    if (loading === undefined) {
      loading = this.#read(idsPath(k)).then((bytes) => new TextDecoder().decode(bytes).split("\n"));
      loading.catch(() => this.#ids.delete(k));
      this.#ids.set(k, loading);
      if (this.#ids.size > this.#cacheSize) this.#ids.delete(this.#ids.keys().next().value!);
    }
    return loading;
  }
}
