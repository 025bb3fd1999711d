/**
 * The local store's records of what it holds, beside its blocks:
 * `_roots/<cid>.json` for every root that was put or imported (name, kind,
 * sizes, source, time) and `_remote/<backend>/<cid>.json` for every
 * successful upload to a remote backend. Records are written atomically by
 * the writer the store passes in; an unreadable record reads as absent.
 * Node-only.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { cidKey } from "./cid.js";

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

/** Writes `bytes` at `file` atomically, creating its directory (the store's disk writer). */
export type AtomicFileWriter = (file: string, bytes: Uint8Array) => Promise<void>;

/** Root and remote-upload records under a store directory. */
export class RootRecords {
  constructor(
    /** The store directory. */
    private readonly dir: string,
    private readonly writeAtomically: AtomicFileWriter,
  ) {}

  /** Records (atomically) a root this store holds. */
  async recordRoot(record: RootRecord): Promise<void> {
    await this.writeAtomically(path.join(this.dir, "_roots", `${record.cid}.json`), jsonBytes(record));
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
    await this.writeAtomically(path.join(this.dir, "_remote", backend, `${cidKey(cid)}.json`), jsonBytes({ cid: cidKey(cid), ...info }));
  }

  /** The upload record of `cid` for `backend`, if any. */
  async getRemote(backend: string, cid: string): Promise<Record<string, unknown> | undefined> {
    return readJson<Record<string, unknown>>(path.join(this.dir, "_remote", backend, `${cidKey(cid)}.json`));
  }
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}
