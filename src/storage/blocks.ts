/**
 * Blocks and the two directions they flow in. Everything above this layer
 * (UnixFS reading, CAR export, the server) is written against these two
 * interfaces, so the local store, gateways and in-memory maps are
 * interchangeable. Browser-safe.
 */
import type { AnyCid } from "./cid.js";
import { BlockNotFoundError } from "./errors.js";

/** A block: bytes and the CID they hash to. */
export interface Block {
  /** The block's CID. */
  cid: AnyCid;
  /** The block's bytes. */
  bytes: Uint8Array;
}

/** Something blocks can be read from. Implementations return only verified bytes. */
export interface BlockSource {
  /** The block's bytes, verified against `cid`; throws BlockNotFoundError when absent. */
  getBlock(cid: AnyCid): Promise<Uint8Array>;
}

/** Receives blocks as a DAG is built or fetched; awaited before the next block. */
export type BlockSink = (block: Block) => void | Promise<void>;

/** A BlockSource over an in-memory map keyed by CID string (tests, CAR buffers). */
export class MemoryBlockSource implements BlockSource {
  /** The blocks, keyed by `cid.toString()`. */
  readonly blocks = new Map<string, Uint8Array>();

  /** A BlockSink that stores into this source. */
  readonly sink: BlockSink = (block) => {
    this.blocks.set(block.cid.toString(), block.bytes);
  };

  /** Returns the stored bytes (unverified: the map is trusted). */
  async getBlock(cid: AnyCid): Promise<Uint8Array> {
    const bytes = this.blocks.get(cid.toString());
    if (bytes === undefined) throw new BlockNotFoundError(cid.toString(), "the in-memory block map");
    return bytes;
  }
}
