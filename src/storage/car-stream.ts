/**
 * Verified reading of CAR streams (CARv1, or CARv2 wrapping one), used for
 * CAR import into the local store, gateway CAR responses and uploads to
 * the local server. Every block is hashed against its CID before it is
 * handed on; the DAG is tracked so a CAR missing blocks (truncated, or cut
 * short by a lying gateway) is detected: after the stream ends, every block
 * linked from the roots must have been seen (or be reported present by the
 * caller). Browser-safe.
 */
import { CarBlockIterator } from "@ipld/car/iterator";

import { cidKey, type AnyCid } from "./cid.js";
import type { BlockSink } from "./blocks.js";
import { blockLinks } from "./dag-reader.js";
import { StorageError } from "./errors.js";
import { MAX_BLOCK_BYTES } from "./import-profile.js";
import { defaultSha256, type Sha256 } from "../hash/index.js";
import { verifyBlock } from "./verify-block.js";

/** Options of `verifyCarStream`. */
export interface VerifyCarOptions {
  /** Names the source in errors ("CAR file x.car", "gateway https://…"). */
  where: string;
  /** If set, the CAR's only root must be this CID. */
  expectedRoot?: AnyCid;
  /** Hash function (default WebCrypto). */
  sha256?: Sha256;
  /** Receives each verified block, in CAR order. */
  onBlock?: BlockSink;
  /** Blocks missing from the CAR but answering true here count as present (e.g. already in the store). */
  isPresent?: (cid: AnyCid) => Promise<boolean>;
  /** Reject blocks larger than this (default 2 MiB). */
  maxBlockBytes?: number;
}

/** Summary of a verified CAR. */
export interface CarSummary {
  /** Roots declared in the header. */
  roots: AnyCid[];
  /** Blocks read (duplicates included). */
  blocks: number;
  /** Total block bytes read. */
  bytes: number;
}

/**
 * Reads a CAR stream, verifies every block and the completeness of the DAG
 * under its roots. Throws CAR_INVALID (malformed, truncated, wrong or no
 * root, incomplete DAG) or BLOCK_MISMATCH (a block that is not what its
 * CID says).
 */
export async function verifyCarStream(chunks: AsyncIterable<Uint8Array>, options: VerifyCarOptions): Promise<CarSummary> {
  const { where } = options;
  const sha256 = options.sha256 ?? defaultSha256;
  const maxBlockBytes = options.maxBlockBytes ?? MAX_BLOCK_BYTES;
  let iterator: CarBlockIterator;
  try {
    iterator = await CarBlockIterator.fromIterable(chunks);
  } catch (error) {
    throw carInvalid(where, `cannot read the CAR header (${(error as Error).message})`, error);
  }
  const roots = await iterator.getRoots();
  if (roots.length === 0) throw carInvalid(where, "the CAR declares no root");
  if (options.expectedRoot !== undefined) {
    const expected = cidKey(options.expectedRoot);
    if (roots.length !== 1 || cidKey(roots[0] as AnyCid) !== expected) {
      throw carInvalid(where, `the CAR's roots are [${roots.join(", ")}], expected [${expected}]`);
    }
  }
  const seen = new Set<string>();
  const needed = new Map<string, AnyCid>();
  for (const root of roots) needed.set(cidKey(root), root);
  let blocks = 0;
  let bytes = 0;
  try {
    for await (const block of iterator) {
      if (block.bytes.length > maxBlockBytes) {
        throw carInvalid(where, `block ${block.cid} has ${block.bytes.length} bytes, above the ${maxBlockBytes}-byte limit`);
      }
      await verifyBlock(block.cid, block.bytes, where, sha256);
      blocks++;
      bytes += block.bytes.length;
      const key = cidKey(block.cid);
      if (!seen.has(key)) {
        seen.add(key);
        needed.delete(key);
        for (const link of blockLinks(block.cid, block.bytes)) {
          const linkKey = cidKey(link);
          if (!seen.has(linkKey)) needed.set(linkKey, link);
        }
      }
      await options.onBlock?.({ cid: block.cid, bytes: block.bytes });
    }
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw carInvalid(where, `the CAR is malformed or truncated after ${blocks} blocks (${(error as Error).message})`, error);
  }
  const missing: string[] = [];
  for (const [key, cid] of needed) {
    if (options.isPresent === undefined || !(await options.isPresent(cid))) missing.push(key);
  }
  if (missing.length > 0) {
    throw carInvalid(
      where,
      `the DAG is incomplete: ${missing.length} linked block(s) are missing, e.g. ${missing.slice(0, 3).join(", ")}`,
    );
  }
  return { roots, blocks, bytes };
}

function carInvalid(where: string, reason: string, cause?: unknown): StorageError {
  return new StorageError(
    "CAR_INVALID",
    `${where}: ${reason}. Re-export the CAR (exportCar / storage put) or fetch it again from another source.`,
    cause === undefined ? undefined : { cause },
  );
}
