/** Shared fixtures of the storage tests: temp dirs, deterministic bytes, a manifest-like directory, the reference importer, loopback servers. */
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

import { importer, type ImportCandidate, type ImporterOptions } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";

import { Random } from "../fixtures/seeded-random.js";

/**
 * Resolves once `condition()` holds, checking every 20 ms. No time limit of its
 * own: the test's (generous) mocha timeout bounds it, so a loaded machine only
 * makes it slower, never makes it fail.
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A fresh temporary directory; removed by `removeTempDirs`. */
export function tempDir(prefix = "datatrace-storage-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}
const created: string[] = [];

/** Removes every directory made by `tempDir`. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** `n` deterministic pseudo-random bytes, the same for the same `seed` on every run (the tree's seeded source, fixed stream). */
export function pseudoRandomBytes(n: number, seed = 0x9e3779b9): Uint8Array {
  return Random.fixed(`storage fixture ${seed}`).bytes(n);
}

/** Files of a manifest-like directory (relative path → bytes), the shape issue 3 produces. */
export function manifestFiles(): Record<string, Uint8Array> {
  const enc = new TextEncoder();
  return {
    "header.json": enc.encode(`${JSON.stringify({ version: 1, leafCount: 20000, root: "0x" + "ab".repeat(32) })}\n`),
    "index.bin": pseudoRandomBytes(96, 1),
    "shards/000/000000.bin": pseudoRandomBytes(262_144, 2), // a full shard: exactly one raw block
    "shards/000/000001.bin": pseudoRandomBytes(262_144, 3),
    "shards/000/000002.bin": pseudoRandomBytes(20_000 * 32 - 2 * 262_144, 4),
    "ids/000/000000.jsonl": enc.encode(Array.from({ length: 9000 }, (_, i) => JSON.stringify({ i, id: `sample-${i}` })).join("\n")),
  };
}

/** Writes `files` under `dir/name` and returns that directory. */
export function writeTree(dir: string, name: string, files: Record<string, Uint8Array>): string {
  const root = path.join(dir, name);
  mkdirSync(root, { recursive: true });
  for (const [relative, bytes] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  return root;
}

/** Recursive listing of a directory (relative paths, sorted). */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else out.push(relative);
    }
  };
  walk("");
  return out.sort();
}

/** Kubo `ipfs add --cid-version=1` settings for ipfs-unixfs-importer. */
export function kuboV1Options(chunkSize = 262_144, maxChildrenPerNode = 174): ImporterOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    chunker: fixedSize({ chunkSize }),
    layout: balanced({ maxChildrenPerNode }),
  };
}

/** Kubo's legacy CIDv0 defaults (`ipfs add` without flags). */
export function kuboV0Options(): ImporterOptions {
  return { cidVersion: 0, rawLeaves: false, chunker: fixedSize({ chunkSize: 262_144 }), layout: balanced({ maxChildrenPerNode: 174 }) };
}

/** A throwaway in-memory blockstore for the importer. */
class NullBlockstore {
  async put(cid: unknown): Promise<unknown> {
    return cid;
  }
  async get(): Promise<Uint8Array> {
    throw new Error("not stored");
  }
  async has(): Promise<boolean> {
    return false;
  }
}

/** Root CID and its UnixFS type according to ipfs-unixfs-importer (the reference). */
export async function referenceCid(
  candidates: ImportCandidate | ImportCandidate[],
  options: ImporterOptions = kuboV1Options(),
): Promise<{ cid: string; type: string | undefined }> {
  let last: { cid: { toString(): string }; unixfs?: { type: string } } | undefined;
  const list = Array.isArray(candidates) ? candidates : [candidates];
  for await (const entry of importer(list, new NullBlockstore() as never, options)) last = entry;
  if (last === undefined) throw new Error("importer produced nothing");
  return { cid: last.cid.toString(), type: last.unixfs?.type };
}

/** A loopback HTTP server for one test; `handler` decides everything. */
export async function startLoopback(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A free loopback URL with nothing listening (for "gateway is down"). */
export async function deadUrl(): Promise<string> {
  const probe = await startLoopback(() => undefined);
  await probe.close();
  return probe.url;
}

/** Drains a request body into one Buffer. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
