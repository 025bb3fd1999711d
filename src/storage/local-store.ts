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
 *
 * This file is the block layer and the disk writes (block files, `_tmp`,
 * quarantine); the root and upload records are root-records.ts, CAR files
 * car-file.ts, writing content out to a path content-to-path.ts, and the
 * bounded write queue of `put` write-queue.ts.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";

import { sha256 as nodeSha256 } from "../hash/index.js";
import type { Block, BlockSource } from "./blocks.js";
import { exportCarFile, importCarFile, type CarImportResult } from "./car-file.js";
import { cidKey, RAW_CODEC, toCid, type AnyCid } from "./cid.js";
import { writeContentToPath, writeDirectoryToPath } from "./content-to-path.js";
import { decodeNode, readContent, readFileChunks } from "./dag-reader.js";
import { BlockMismatchError, BlockNotFoundError, CorruptBlockFileError } from "./errors.js";
import { importBytes, importPath, type ImportResult } from "./import-path.js";
import { RootRecords, type RootRecord } from "./root-records.js";
import type { Content, ContentStore, PutResult, StorageStatus } from "./store.js";
import { verifyBlock } from "./verify-block.js";
import { WriteQueue } from "./write-queue.js";

/** Default store directory, relative to the working directory. */
export const DEFAULT_STORE_DIR = ".datatrace/blocks";

/** Options of `LocalStore`. */
export interface LocalStoreOptions {
  /** Store directory (default `.datatrace/blocks`). */
  dir?: string;
}

/** A content-addressed block store on the local disk. */
export class LocalStore implements ContentStore, BlockSource {
  /** Backend name. */
  readonly backend = "local" as const;
  /** Absolute store directory. */
  readonly dir: string;
  private readonly createdDirs = new Set<string>();
  private readonly records: RootRecords;

  constructor(options: LocalStoreOptions = {}) {
    this.dir = path.resolve(options.dir ?? DEFAULT_STORE_DIR);
    this.records = new RootRecords(this.dir, async (file, bytes) => {
      await this.ensureDir(path.dirname(file));
      await this.atomicWrite(file, bytes);
    });
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

  /** Writes the DAG under `cid` as a CARv1 file, atomically (see car-file.ts). */
  async exportCar(cid: string, outFile: string): Promise<{ blocks: number; bytes: number }> {
    return exportCarFile(this, cid, outFile);
  }

  /** Imports a CAR file, verified before anything is written; records its roots (see car-file.ts). */
  async importCar(file: string, options: { name?: string; source?: RootRecord["source"] } = {}): Promise<CarImportResult> {
    return importCarFile(this, file, options);
  }

  /**
   * Materializes the content at `cid` at `out` (a file, or a directory tree
   * for a directory CID; `out` must not exist or be an empty directory),
   * atomically: see content-to-path.ts.
   */
  async getToPath(cid: string, out: string): Promise<{ files: number; bytes: number }> {
    return writeContentToPath(this, cid, out);
  }

  /** Like `getToPath`, but requires a directory CID (a manifest). */
  async getToDirectory(cid: string, outDir: string): Promise<{ files: number; bytes: number }> {
    return writeDirectoryToPath(this, cid, outDir);
  }

  /** Records (atomically) a root this store holds. */
  async recordRoot(record: RootRecord): Promise<void> {
    await this.records.recordRoot(record);
  }

  /** The record of a root, if this store was given it. */
  async getRoot(cid: string): Promise<RootRecord | undefined> {
    return this.records.getRoot(cid);
  }

  /** Every recorded root, sorted by recording time. */
  async listRoots(): Promise<RootRecord[]> {
    return this.records.listRoots();
  }

  /** Records (atomically) a successful upload of `cid` to a remote backend. */
  async recordRemote(backend: string, cid: string, info: Record<string, unknown>): Promise<void> {
    await this.records.recordRemote(backend, cid, info);
  }

  /** The upload record of `cid` for `backend`, if any. */
  async getRemote(backend: string, cid: string): Promise<Record<string, unknown> | undefined> {
    return this.records.getRemote(backend, cid);
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

function putResult(result: ImportResult): PutResult {
  return {
    cid: cidKey(result.cid),
    kind: result.kind,
    size: result.tsize,
    contentBytes: result.contentBytes,
    backend: "local",
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
