/**
 * Materializes stored content on the local disk: a file CID as a file, a
 * directory CID as a directory tree, read (and verified) from any
 * {@link BlockSource}. Everything is written under a temporary sibling and
 * renamed at the end, so a failure (missing or corrupted block, unsafe
 * entry name) leaves nothing behind. Node-only.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import type { BlockSource } from "./blocks.js";
import { toCid, type AnyCid } from "./cid.js";
import { directoryEntries, readFileChunks, readNode } from "./dag-reader.js";
import { StorageError } from "./errors.js";

/** Files and bytes written. */
export interface WrittenContent {
  files: number;
  bytes: number;
}

/**
 * Materializes the content at `cid` at `out`: a file for a file CID, a
 * directory tree for a directory CID. `out` must not exist, except as an
 * empty directory for a directory CID (it is then filled).
 */
export async function writeContentToPath(source: BlockSource, cid: string, out: string): Promise<WrittenContent> {
  const target = path.resolve(out);
  const root = toCid(cid);
  const existing = await stat(target).catch(() => undefined);
  if (existing !== undefined) {
    const emptyDirectory = existing.isDirectory() && (await readdir(target)).length === 0;
    if (!emptyDirectory || (await readNode(source, root)).kind !== "directory") {
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
    await materialize(source, root, temp, counters);
    await rename(temp, target); // replaces an empty directory atomically
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return counters;
}

/** Like {@link writeContentToPath}, but requires a directory CID (a manifest). */
export async function writeDirectoryToPath(source: BlockSource, cid: string, outDir: string): Promise<WrittenContent> {
  const decoded = await readNode(source, toCid(cid));
  if (decoded.kind !== "directory") {
    throw new StorageError("UNSUPPORTED_CONTENT", `${cid} is a file, not a directory; use getToPath to write it to a file.`);
  }
  return writeContentToPath(source, cid, outDir);
}

async function materialize(source: BlockSource, cid: AnyCid, target: string, counters: WrittenContent): Promise<void> {
  const decoded = await readNode(source, cid);
  if (decoded.kind === "directory") {
    await mkdir(target);
    for (const entry of directoryEntries(decoded.node)) {
      if (entry.name.length === 0 || entry.name === "." || entry.name === ".." || /[/\\\0]/.test(entry.name)) {
        throw new StorageError("INVALID_PATH", `directory ${cid} has an unsafe entry name "${entry.name}"; refusing to write it`);
      }
      await materialize(source, toCid(entry.cid), path.join(target, entry.name), counters);
    }
    return;
  }
  const chunks = readFileChunks(source, cid);
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
