/**
 * The local content-addressed block store.
 *
 * Layout under `dir` (default `.datatrace/blocks`):
 * - `<xy>/<cid>`: one file per block, named by its CIDv1 base32 string,
 *   fanned out by the two characters before the last one (the flatfs
 *   "next-to-last/2" scheme Kubo uses): at most 1,024 subdirectories.
 * - `_roots/<cid>.json`: a record per root that was put or imported
 *   (name, kind, sizes, source, time).
 * - `_remote/<backend>/<cid>.json`: a record per successful remote upload.
 * - `_tmp/`: in-flight writes. Every file is written to `_tmp`, fsynced and
 *   renamed into place, so a crash (or power loss) never leaves a partial or
 *   empty block or record under its final name.
 *
 * - `_quarantine/<cid>.<time>`: block files found corrupt on reading,
 *   moved aside (kept for inspection) so that the block counts as missing
 *   and a good copy can be fetched again.
 *
 * Every block read is verified against its CID before use; a corrupted
 * block file is quarantined and raises CorruptBlockFileError (naming the
 * file) instead of returning bad bytes. Node-only.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { CarBlockIterator } from "@ipld/car/iterator";
import { CarWriter } from "@ipld/car/writer";

import { sha256 as nodeSha256 } from "../hash/index.js";
import { cidKey, RAW_CODEC, toCid, type AnyCid } from "./cid.js";
import type { Block, BlockSource } from "./blocks.js";
import { verifyCarStream } from "./car-stream.js";
import { decodeNode, directoryEntries, readContent, readFileChunks, readNode, walkDag } from "./dag-reader.js";
import { BlockMismatchError, BlockNotFoundError, CorruptBlockFileError, StorageError } from "./errors.js";
import { importBytes, importPath, type ImportResult } from "./import-path.js";
import type { Content, ContentStore, PutResult, StorageStatus } from "./store.js";
import { verifyBlock } from "./verify-block.js";

/** Default store directory, relative to the working directory. */
export const DEFAULT_STORE_DIR = ".datatrace/blocks";

/** What the store remembers about a root it was given. */
export interface RootRecord {
  /** Root CID. */
  cid: string;
  /** File or directory. */
  kind: "file" | "directory";
  /** Name given at put/import time (file or directory base name, CAR file name). */
  name: string;
  /** Cumulative DAG size in bytes. */
  size: number;
  /** Bytes of file content, when known. */
  contentBytes?: number;
  /** How it arrived. */
  source: "put" | "car-import" | "upload";
  /** ISO time of recording. */
  recordedAt: string;
}

/** Options of `LocalStore`. */
export interface LocalStoreOptions {
  /** Store directory (default `.datatrace/blocks`). */
  dir?: string;
}

/** Result of `importCar`. */
export interface CarImportResult {
  /** Roots declared by the CAR (all verified complete). */
  roots: string[];
  /** Blocks in the CAR. */
  blocks: number;
  /** Blocks that were new to the store. */
  written: number;
  /** Total block bytes in the CAR. */
  bytes: number;
}

/** A content-addressed block store on the local disk. */
export class LocalStore implements ContentStore, BlockSource {
  /** Backend name. */
  readonly backend = "local" as const;
  /** Absolute store directory. */
  readonly dir: string;
  private readonly createdDirs = new Set<string>();

  constructor(options: LocalStoreOptions = {}) {
    this.dir = path.resolve(options.dir ?? DEFAULT_STORE_DIR);
  }

  /** Path of the file holding the block `cid`. */
  blockPath(cid: AnyCid | string): string {
    const key = cidKey(cid);
    return path.join(this.dir, key.slice(-3, -1), key);
  }

  /** Directory of in-flight writes (empty when nothing is being written). */
  get tmpDir(): string {
    return path.join(this.dir, "_tmp");
  }

  /**
   * Stores one block (atomically, skipped if present). With `verify`
   * (default true) the bytes are first checked against the CID.
   * Returns whether a new file was written.
   */
  async putBlock(block: Block, verify = true): Promise<boolean> {
    if (verify) await verifyBlock(block.cid, block.bytes, "block given to the local store", nodeSha256);
    const target = this.blockPath(block.cid);
    if (await exists(target)) return false;
    await this.ensureDir(path.dirname(target));
    await this.atomicWrite(target, block.bytes);
    return true;
  }

  /**
   * Verified bytes of a block; BlockNotFoundError if absent. A file whose
   * bytes do not match the CID is moved to `_quarantine/` and reported with
   * CorruptBlockFileError (a BlockMismatchError naming the file); the block
   * is then missing, so a caller with gateways can fetch it again.
   */
  async getBlock(cid: AnyCid | string): Promise<Uint8Array> {
    const parsed = toCid(cid);
    const file = this.blockPath(parsed);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new BlockNotFoundError(cidKey(parsed), `the local store ${this.dir}`);
      throw error;
    }
    try {
      await verifyBlock(parsed, bytes, `local store file ${file}`, nodeSha256);
    } catch (error) {
      if (!(error instanceof BlockMismatchError)) throw error;
      const quarantinedTo = await this.quarantineBlock(parsed).catch(() => undefined);
      throw new CorruptBlockFileError(error.expected, error.actual, file, quarantinedTo);
    }
    return bytes;
  }

  /** Moves the file of block `cid` to `_quarantine/<cid>.<time>`; returns its new path. */
  async quarantineBlock(cid: AnyCid | string): Promise<string> {
    const key = cidKey(cid);
    const dir = path.join(this.dir, "_quarantine");
    await this.ensureDir(dir);
    const target = path.join(dir, `${key}.${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`);
    await rename(this.blockPath(key), target);
    return target;
  }

  /** Whether the block file exists (not verified). */
  async hasBlock(cid: AnyCid | string): Promise<boolean> {
    return exists(this.blockPath(cid));
  }

  /**
   * Imports a file or directory (Kubo rules, see import-path.ts) and records the root. Idempotent:
   * `ifMissing` (of the publishing interface) changes nothing here.
   */
  async put(
    target: string,
    options: { includeHidden?: boolean; name?: string; source?: RootRecord["source"]; ifMissing?: boolean | undefined } = {},
  ): Promise<PutResult> {
    const queue = new WriteQueue((block) => this.putBlock(block, false));
    let result: ImportResult;
    try {
      result = await importPath(target, { includeHidden: options.includeHidden ?? false, onBlock: queue.push });
    } finally {
      await queue.drain();
    }
    await this.recordImport(result, options.name ?? path.basename(path.resolve(target)), options.source ?? "put");
    return putResult(result);
  }

  /** Imports in-memory bytes as one file (e.g. metadata JSON) and records the root. Idempotent (`_options.ifMissing` changes nothing). */
  async putBytes(bytes: Uint8Array, name = "data", _options: { readonly ifMissing?: boolean | undefined } = {}): Promise<PutResult> {
    const queue = new WriteQueue((block) => this.putBlock(block, false));
    let result: ImportResult;
    try {
      result = await importBytes(bytes, { onBlock: queue.push });
    } finally {
      await queue.drain();
    }
    await this.recordImport(result, name, "put");
    return putResult(result);
  }

  /** Verified content: file bytes (files up to 1 GiB; stream larger ones with `readFile`) or a directory listing. */
  async get(cid: string): Promise<Content> {
    return readContent(this, toCid(cid));
  }

  /** Streams a file's verified bytes. */
  readFile(cid: string): AsyncGenerator<Uint8Array> {
    return readFileChunks(this, toCid(cid));
  }

  /** Whether every block of the DAG under `cid` is present (dag-pb nodes are read and verified; raw leaves only checked for existence). */
  async has(cid: string): Promise<boolean> {
    return (await this.missingBlocks(toCid(cid), 1)).length === 0;
  }

  /** Up to `limit` CIDs of blocks missing from the DAG under `root`. */
  async missingBlocks(root: AnyCid, limit = Number.POSITIVE_INFINITY): Promise<string[]> {
    const missing: string[] = [];
    const seen = new Set<string>();
    const stack: AnyCid[] = [root];
    while (stack.length > 0 && missing.length < limit) {
      const cid = stack.pop() as AnyCid;
      const key = cidKey(cid);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!(await this.hasBlock(cid))) {
        missing.push(key);
        continue;
      }
      if (cid.code === RAW_CODEC) continue;
      const decoded = decodeNode(cid, await this.getBlock(cid));
      if ("node" in decoded) for (const link of decoded.node.Links) stack.push(link.Hash);
    }
    return missing;
  }

  /** Where the content is, whether it is complete, and any remote upload records. */
  async status(cid: string): Promise<StorageStatus> {
    const key = cidKey(cid);
    const present = await this.hasBlock(key);
    const complete = present ? (await this.missingBlocks(toCid(key), 1)).length === 0 : false;
    const record = await this.getRoot(key);
    const remote = await this.getRemote("lighthouse", key);
    const status: StorageStatus = {
      cid: key,
      backend: "local",
      available: complete,
      complete,
      location: this.dir,
      deals: [],
    };
    if (record !== undefined) {
      status.name = record.name;
      status.size = record.size;
    }
    const notes: string[] = [];
    if (present && !complete) notes.push("some blocks are missing: fetch the content again (storage get)");
    if (remote !== undefined) notes.push(`uploaded to Lighthouse at ${String(remote["uploadedAt"])}`);
    if (notes.length > 0) status.detail = notes.join("; ");
    return status;
  }

  /**
   * Writes the DAG under `cid` as a CARv1 file (single root, blocks
   * depth-first, parents first, each distinct block once, every block
   * verified as it is read). The file appears atomically.
   */
  async exportCar(cid: string, outFile: string): Promise<{ blocks: number; bytes: number }> {
    const root = toCid(cid);
    const target = path.resolve(outFile);
    const temp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
    const { writer, out } = CarWriter.create([root]);
    const written = pipeline(Readable.from(out), createWriteStream(temp));
    let blocks = 0;
    let bytes = 0;
    try {
      try {
        for await (const block of walkDag(this, root)) {
          await writer.put(block);
          blocks++;
          bytes += block.bytes.length;
        }
      } finally {
        await writer.close();
      }
      await written;
      await rename(temp, target);
    } catch (error) {
      await written.catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
    return { blocks, bytes };
  }

  /**
   * Imports a CAR file: a first pass verifies every block and that the DAG
   * under each root is complete (blocks already in the store count); only
   * then a second pass (re-verifying) writes the blocks, and the roots are
   * recorded. A bad CAR leaves the store untouched.
   */
  async importCar(file: string, options: { name?: string; source?: RootRecord["source"] } = {}): Promise<CarImportResult> {
    const where = `CAR file ${file}`;
    const summary = await verifyCarStream(createReadStream(file), {
      where,
      sha256: nodeSha256,
      isPresent: (cid) => this.hasBlock(cid),
    });
    let written = 0;
    const iterator = await CarBlockIterator.fromIterable(createReadStream(file));
    for await (const block of iterator) {
      if (await this.putBlock(block, true)) written++;
    }
    const roots = summary.roots.map((r) => cidKey(r));
    for (const root of summary.roots) {
      const decoded = await readNode(this, root);
      await this.recordRoot({
        cid: cidKey(root),
        kind: decoded.kind,
        name: options.name ?? path.basename(file),
        size: summary.bytes,
        source: options.source ?? "car-import",
        recordedAt: new Date().toISOString(),
      });
    }
    return { roots, blocks: summary.blocks, written, bytes: summary.bytes };
  }

  /**
   * Materializes the content at `cid` at `out`: a file for a file CID, a
   * directory tree for a directory CID. `out` must not exist, except as an
   * empty directory for a directory CID (it is then filled). Everything is
   * written under a temporary sibling and renamed at the end, so a failure
   * (missing or corrupted block) leaves nothing behind.
   */
  async getToPath(cid: string, out: string): Promise<{ files: number; bytes: number }> {
    const target = path.resolve(out);
    const root = toCid(cid);
    const existing = await stat(target).catch(() => undefined);
    if (existing !== undefined) {
      const emptyDirectory = existing.isDirectory() && (await readdir(target)).length === 0;
      if (!emptyDirectory || (await readNode(this, root)).kind !== "directory") {
        throw new StorageError(
          "OUTPUT_EXISTS",
          `${target} already exists${existing.isDirectory() ? (emptyDirectory ? " (an empty directory, but the CID is a file)" : " and is not empty") : ""}; ` +
            "choose a new output path (or an empty directory for a directory CID), or remove it first.",
        );
      }
    }
    await makeOutputParent(path.dirname(target));
    const temp = `${target}.partial-${randomBytes(6).toString("hex")}`;
    const counters = { files: 0, bytes: 0 };
    try {
      await this.materialize(root, temp, counters);
      await rename(temp, target); // replaces an empty directory atomically
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    return counters;
  }

  /** Like `getToPath`, but requires a directory CID (a manifest). */
  async getToDirectory(cid: string, outDir: string): Promise<{ files: number; bytes: number }> {
    const decoded = await readNode(this, toCid(cid));
    if (decoded.kind !== "directory") {
      throw new StorageError("UNSUPPORTED_CONTENT", `${cid} is a file, not a directory; use getToPath to write it to a file.`);
    }
    return this.getToPath(cid, outDir);
  }

  private async materialize(cid: AnyCid, target: string, counters: { files: number; bytes: number }): Promise<void> {
    const decoded = await readNode(this, cid);
    if (decoded.kind === "directory") {
      await mkdir(target);
      for (const entry of directoryEntries(decoded.node)) {
        if (entry.name.length === 0 || entry.name === "." || entry.name === ".." || /[/\\\0]/.test(entry.name)) {
          throw new StorageError("INVALID_PATH", `directory ${cid} has an unsafe entry name "${entry.name}"; refusing to write it`);
        }
        await this.materialize(toCid(entry.cid), path.join(target, entry.name), counters);
      }
      return;
    }
    const chunks = readFileChunks(this, cid);
    await pipeline(
      Readable.from(
        (async function* () {
          for await (const chunk of chunks) {
            counters.bytes += chunk.length;
            yield chunk;
          }
        })(),
      ),
      createWriteStream(target, { flags: "wx" }),
    );
    counters.files++;
  }

  /** Records (atomically) a root this store holds. */
  async recordRoot(record: RootRecord): Promise<void> {
    const file = path.join(this.dir, "_roots", `${record.cid}.json`);
    await this.ensureDir(path.dirname(file));
    await this.atomicWrite(file, new TextEncoder().encode(`${JSON.stringify(record, null, 2)}\n`));
  }

  /** The record of a root, if this store was given it. */
  async getRoot(cid: string): Promise<RootRecord | undefined> {
    return readJson<RootRecord>(path.join(this.dir, "_roots", `${cidKey(cid)}.json`));
  }

  /** Every recorded root, sorted by recording time. */
  async listRoots(): Promise<RootRecord[]> {
    const dir = path.join(this.dir, "_roots");
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const records: RootRecord[] = [];
    for (const name of names.filter((n) => n.endsWith(".json"))) {
      const record = await readJson<RootRecord>(path.join(dir, name));
      if (record !== undefined) records.push(record);
    }
    return records.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  }

  /** Records (atomically) a successful upload of `cid` to a remote backend. */
  async recordRemote(backend: string, cid: string, info: Record<string, unknown>): Promise<void> {
    const file = path.join(this.dir, "_remote", backend, `${cidKey(cid)}.json`);
    await this.ensureDir(path.dirname(file));
    await this.atomicWrite(file, new TextEncoder().encode(`${JSON.stringify({ cid: cidKey(cid), ...info }, null, 2)}\n`));
  }

  /** The upload record of `cid` for `backend`, if any. */
  async getRemote(backend: string, cid: string): Promise<Record<string, unknown> | undefined> {
    return readJson<Record<string, unknown>>(path.join(this.dir, "_remote", backend, `${cidKey(cid)}.json`));
  }

  /** A fresh path inside `_tmp` (the directory is created). */
  async tempPath(suffix = ""): Promise<string> {
    await this.ensureDir(this.tmpDir);
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString("hex")}${suffix}`);
  }

  private async recordImport(result: ImportResult, name: string, source: RootRecord["source"]): Promise<void> {
    await this.recordRoot({
      cid: cidKey(result.cid),
      kind: result.kind,
      name,
      size: result.tsize,
      contentBytes: result.contentBytes,
      source,
      recordedAt: new Date().toISOString(),
    });
  }

  /** Writes `bytes` to a temp file, fsyncs it, and renames it to `target` (as the journal writes). */
  private async atomicWrite(target: string, bytes: Uint8Array): Promise<void> {
    const temp = await this.tempPath();
    try {
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.createdDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.createdDirs.add(dir);
  }
}

/**
 * Overlaps block writes with hashing: up to `limit` writes in flight; the
 * builder only waits when the limit is reached. Safe because the builder
 * never reuses a block's bytes. `drain` waits for all writes and rethrows
 * the first failure.
 */
class WriteQueue {
  private readonly inFlight = new Set<Promise<unknown>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly write: (block: Block) => Promise<unknown>,
    private readonly limit = 16,
  ) {}

  readonly push = async (block: Block): Promise<void> => {
    this.rethrow();
    const task = this.write(block).then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
    if (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.rethrow();
  };

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}

function putResult(result: ImportResult): PutResult {
  return {
    cid: cidKey(result.cid),
    kind: result.kind,
    size: result.tsize,
    contentBytes: result.contentBytes,
    backend: "local",
  };
}

/** Creates the parent of an output path, explaining a parent that is a file or cannot be created. */
async function makeOutputParent(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTDIR") {
      throw new StorageError("INVALID_PATH", `cannot create the output directory ${dir}: part of that path is a file, not a directory; choose another output path.`, { cause: error });
    }
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}
