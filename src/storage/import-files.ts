/**
 * Turns files held in memory — relative paths (`a/b.txt`) to bytes — into
 * the UnixFS DAG that `ipfs add -r --cid-version=1` (and `importPath` on the
 * same files written to disk) would make of the directory holding them:
 * the same file builder and directory nodes (import-profile.ts), so the
 * same root CID. For content built in a browser (the web page's manifest),
 * and for CAR files made from it ({@link encodeCar}).
 *
 * Browser-safe: SHA-256 is injected, and the CAR is written into one
 * pre-sized buffer (@ipld/car's buffer writer).
 */
import * as CarBufferWriter from "@ipld/car/buffer-writer";

import type { Sha256 } from "../hash/index.js";
import type { Block, BlockSink } from "./blocks.js";
import type { AnyCid } from "./cid.js";
import { StorageError } from "./errors.js";
import type { LayoutParameters } from "./import-profile.js";
import { assertEntryName, buildDirectoryNode, type DirectoryEntryInput } from "./unixfs-directory.js";
import { UnixFsFileBuilder } from "./unixfs-file-builder.js";

/** Options of {@link importFiles}. */
export interface ImportFilesOptions extends LayoutParameters {
  readonly sha256: Sha256;
  /** Receives every block (children before parents). */
  readonly onBlock?: BlockSink;
}

/** The root of imported files. */
export interface ImportedFiles {
  /** CID of the directory holding the files. */
  readonly cid: AnyCid;
  /** Cumulative DAG size. */
  readonly tsize: number;
  /** Bytes of file content. */
  readonly contentBytes: number;
}

interface DirectoryTree {
  readonly files: Map<string, Uint8Array>;
  readonly directories: Map<string, DirectoryTree>;
}

/** Imports `files` (relative POSIX path → bytes) as one directory; see the module doc. */
export async function importFiles(files: Iterable<readonly [string, Uint8Array]>, options: ImportFilesOptions): Promise<ImportedFiles> {
  const root: DirectoryTree = { files: new Map(), directories: new Map() };
  let contentBytes = 0;
  for (const [relative, bytes] of files) {
    const parts = relative.split("/");
    for (const part of parts) assertEntryName(part);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      if (dir.files.has(part)) throw new StorageError("INVALID_PATH", `${relative}: "${part}" is both a file and a directory`);
      let next = dir.directories.get(part);
      if (next === undefined) dir.directories.set(part, (next = { files: new Map(), directories: new Map() }));
      dir = next;
    }
    const name = parts[parts.length - 1]!;
    if (dir.files.has(name) || dir.directories.has(name)) throw new StorageError("INVALID_PATH", `${relative} is given twice`);
    dir.files.set(name, bytes);
    contentBytes += bytes.length;
  }
  const node = await importDirectory(root, "", options);
  return { cid: node.cid, tsize: node.tsize, contentBytes };
}

async function importDirectory(dir: DirectoryTree, where: string, options: ImportFilesOptions): Promise<{ cid: AnyCid; tsize: number }> {
  const entries: DirectoryEntryInput[] = [];
  for (const [name, bytes] of dir.files) {
    const builder = new UnixFsFileBuilder({
      sha256: options.sha256,
      ...(options.onBlock === undefined ? {} : { onBlock: options.onBlock }),
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
      ...(options.maxChildren === undefined ? {} : { maxChildren: options.maxChildren }),
    });
    await builder.update(bytes);
    const file = await builder.finish();
    entries.push({ name, cid: file.cid, tsize: file.tsize });
  }
  for (const [name, child] of dir.directories) {
    const node = await importDirectory(child, where === "" ? name : `${where}/${name}`, options);
    entries.push({ name, cid: node.cid, tsize: node.tsize });
  }
  const node = await buildDirectoryNode(entries, options.sha256, options.onBlock, where === "" ? "the imported directory" : where);
  return { cid: node.cid, tsize: node.tsize };
}

/** A CARv1 with one root and `blocks` (each distinct CID once, in the order given). */
export function encodeCar(root: AnyCid, blocks: readonly Block[]): Uint8Array {
  const seen = new Set<string>();
  const unique = blocks.filter((b) => {
    const key = b.cid.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const headerSize = CarBufferWriter.headerLength({ roots: [root] });
  const size = headerSize + unique.reduce((sum, b) => sum + CarBufferWriter.blockLength(b), 0);
  const writer = CarBufferWriter.createWriter(new ArrayBuffer(size), { roots: [root], headerSize });
  for (const block of unique) writer.write(block);
  return writer.close();
}
