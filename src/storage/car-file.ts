/**
 * CAR files on disk for a block store: export the DAG under a root as a
 * CARv1 file (appearing atomically), and import a CAR file only after
 * every block and the completeness of every root's DAG were verified.
 * Written against the narrow store interface {@link CarBlockStore}.
 * Node-only.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { CarBlockIterator } from "@ipld/car/iterator";
import { CarWriter } from "@ipld/car/writer";

import { sha256 as nodeSha256 } from "../hash/index.js";
import type { Block, BlockSource } from "./blocks.js";
import { verifyCarStream } from "./car-stream.js";
import { cidKey, toCid, type AnyCid } from "./cid.js";
import { readNode, walkDag } from "./dag-reader.js";
import type { RootRecord } from "./root-records.js";

/** What CAR import and export need of a block store (the local store implements it). */
export interface CarBlockStore extends BlockSource {
  /** Stores a block (verified against its CID when `verify`); whether a new block was written. */
  putBlock(block: Block, verify?: boolean): Promise<boolean>;
  /** Whether the block is present (not verified). */
  hasBlock(cid: AnyCid | string): Promise<boolean>;
  /** Records a root the store now holds. */
  recordRoot(record: RootRecord): Promise<void>;
}

/** Result of {@link importCarFile}. */
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

/**
 * Writes the DAG under `cid` as a CARv1 file (single root, blocks
 * depth-first, parents first, each distinct block once, every block
 * verified as it is read). The file appears atomically.
 */
export async function exportCarFile(source: BlockSource, cid: string, outFile: string): Promise<{ blocks: number; bytes: number }> {
  const root = toCid(cid);
  const target = path.resolve(outFile);
  const temp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
  const { writer, out } = CarWriter.create([root]);
  const written = pipeline(Readable.from(out), createWriteStream(temp));
  let blocks = 0;
  let bytes = 0;
  try {
    try {
      for await (const block of walkDag(source, root)) {
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
export async function importCarFile(store: CarBlockStore, file: string, options: { name?: string; source?: RootRecord["source"] } = {}): Promise<CarImportResult> {
  const where = `CAR file ${file}`;
  const summary = await verifyCarStream(createReadStream(file), {
    where,
    sha256: nodeSha256,
    isPresent: (cid) => store.hasBlock(cid),
  });
  let written = 0;
  const iterator = await CarBlockIterator.fromIterable(createReadStream(file));
  for await (const block of iterator) {
    if (await store.putBlock(block, true)) written++;
  }
  const roots = summary.roots.map((r) => cidKey(r));
  for (const root of summary.roots) {
    const decoded = await readNode(store, root);
    await store.recordRoot({
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
