/**
 * Turns a file or directory on disk into UnixFS blocks, exactly as Kubo
 * `ipfs add -r --cid-version=1 <path>` would (see import-profile.ts), while
 * reading files in 1 MiB slices: memory stays flat whatever the file size.
 *
 * Directory walk rules (Kubo's defaults): entries whose name starts with
 * "." are skipped (Kubo adds hidden files only with `--hidden`; pass
 * `includeHidden`); symbolic links, sockets, FIFOs and devices are refused
 * (Kubo would store symlinks as UnixFS symlink nodes, which Datatrace does
 * not need). The named root itself is imported even if hidden. Node-only.
 */
import { open, lstat, readdir } from "node:fs/promises";
import path from "node:path";

import type { AnyCid } from "./cid.js";
import type { BlockSink } from "./blocks.js";
import { StorageError } from "./errors.js";
import type { LayoutParameters } from "./import-profile.js";
import { buildDirectoryNode, type DirectoryEntryInput } from "./unixfs-directory.js";
import { UnixFsFileBuilder } from "./unixfs-file-builder.js";
import { sha256 as nodeSha256, type Sha256 } from "../hash/index.js";

/** Size of each read from disk. */
const READ_SIZE = 1024 * 1024;

/** Options of `importPath` / `importBytes`. */
export interface ImportOptions extends LayoutParameters {
  /** Receives every block (children before parents); omit to compute CIDs only. */
  onBlock?: BlockSink;
  /** Include entries whose name starts with "." (default false, like Kubo). */
  includeHidden?: boolean;
  /** SHA-256 implementation (default node:crypto). */
  sha256?: Sha256;
}

/** The result of importing a path or bytes. */
export interface ImportResult {
  /** Root CID. */
  cid: AnyCid;
  /** Whether the root is a file or a directory. */
  kind: "file" | "directory";
  /** Cumulative DAG size in bytes (what a parent link's Tsize would be). */
  tsize: number;
  /** Total bytes of file content (all files, for a directory). */
  contentBytes: number;
  /** Number of files imported. */
  files: number;
  /** Number of blocks emitted (duplicates included). */
  blocks: number;
}

/** Imports in-memory bytes as one UnixFS file. */
export async function importBytes(bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportResult> {
  let blocks = 0;
  const builder = new UnixFsFileBuilder({
    sha256: options.sha256 ?? nodeSha256,
    onBlock: async (block) => {
      blocks++;
      await options.onBlock?.(block);
    },
    ...layout(options),
  });
  await builder.update(bytes);
  const root = await builder.finish();
  return { cid: root.cid, kind: "file", tsize: root.tsize, contentBytes: root.fileSize, files: 1, blocks };
}

/** Imports a file or a directory tree from disk; see the module doc for the walk rules. */
export async function importPath(target: string, options: ImportOptions = {}): Promise<ImportResult> {
  const counters = { files: 0, blocks: 0, contentBytes: 0 };
  const context: WalkContext = {
    sha256: options.sha256 ?? nodeSha256,
    includeHidden: options.includeHidden ?? false,
    layout: layout(options),
    onBlock: async (block) => {
      counters.blocks++;
      await options.onBlock?.(block);
    },
    counters,
  };
  const root = await importEntry(path.resolve(target), context);
  return { cid: root.cid, kind: root.kind, tsize: root.tsize, ...counters };
}

interface WalkContext {
  sha256: Sha256;
  includeHidden: boolean;
  layout: LayoutParameters;
  onBlock: BlockSink;
  counters: { files: number; blocks: number; contentBytes: number };
}

function layout(options: LayoutParameters): LayoutParameters {
  const out: LayoutParameters = {};
  if (options.chunkSize !== undefined) out.chunkSize = options.chunkSize;
  if (options.maxChildren !== undefined) out.maxChildren = options.maxChildren;
  return out;
}

async function importEntry(
  absolute: string,
  context: WalkContext,
): Promise<{ cid: AnyCid; tsize: number; kind: "file" | "directory" }> {
  let stats;
  try {
    stats = await lstat(absolute);
  } catch (error) {
    throw new StorageError("INVALID_PATH", `cannot read ${absolute}: ${(error as Error).message}`, { cause: error });
  }
  if (stats.isFile()) {
    const node = await importFile(absolute, context);
    return { ...node, kind: "file" };
  }
  if (stats.isDirectory()) {
    const dirents = await readdir(absolute, { withFileTypes: true });
    const names = dirents
      .map((d) => d.name)
      .filter((name) => context.includeHidden || !name.startsWith("."))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const entries: DirectoryEntryInput[] = [];
    for (const name of names) {
      const child = await importEntry(path.join(absolute, name), context);
      entries.push({ name, cid: child.cid, tsize: child.tsize });
    }
    const node = await buildDirectoryNode(entries, context.sha256, context.onBlock, absolute);
    return { cid: node.cid, tsize: node.tsize, kind: "directory" };
  }
  const what = stats.isSymbolicLink() ? "a symbolic link" : "not a regular file or directory";
  throw new StorageError(
    "UNSUPPORTED_CONTENT",
    `${absolute} is ${what}; only regular files and directories can be stored. Replace it with a copy of its target.`,
  );
}

async function importFile(absolute: string, context: WalkContext): Promise<{ cid: AnyCid; tsize: number }> {
  const builder = new UnixFsFileBuilder({ sha256: context.sha256, onBlock: context.onBlock, ...context.layout });
  const handle = await open(absolute, "r");
  try {
    const buffer = new Uint8Array(READ_SIZE);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, null);
      if (bytesRead === 0) break;
      await builder.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  const root = await builder.finish();
  context.counters.files++;
  context.counters.contentBytes += root.fileSize;
  return { cid: root.cid, tsize: root.tsize };
}
