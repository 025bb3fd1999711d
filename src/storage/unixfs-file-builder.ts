/**
 * Streaming UnixFS file builder reproducing Kubo `ipfs add --cid-version=1`:
 * fixed 256 KiB chunks stored as raw blocks, balanced layout with at most
 * 174 links per dag-pb node.
 *
 * Algorithm (same tree as ipfs-unixfs-importer's `balanced` layout): leaves
 * are grouped in runs of 174 in file order; each full run becomes a parent
 * node at the next level, and so on up. Only one partially filled run per
 * level is ever held, so memory is O(levels × 174 links) plus one chunk —
 * a 3 GB file needs no more memory than a 3 MB one. At the end, partial runs
 * are closed bottom-up; the first level that holds a single node with
 * nothing above it is the root. A file of one chunk (including the empty
 * file) is that raw block itself.
 *
 * Parent nodes: UnixFS Data {Type: File, filesize: Σ child sizes,
 * blocksizes: [child sizes…]}; links {Hash, Name: "", Tsize: child's
 * cumulative size}; a node's own cumulative size is its encoded length plus
 * the Tsize of its links. Browser-safe (the hash function is injected).
 */
import { CID } from "multiformats/cid";

import { cidFromSha256, DAG_PB_CODEC, RAW_CODEC, type AnyCid } from "./cid.js";
import type { BlockSink } from "./blocks.js";
import { encodePBNode } from "./dagpb.js";
import { CHUNK_SIZE, MAX_CHILDREN_PER_NODE, type LayoutParameters } from "./import-profile.js";
import { encodeUnixFsData, UnixFsType } from "./unixfs.js";
import type { Sha256 } from "../hash/index.js";
import { DatatraceError } from "../errors/index.js";

/** A finished UnixFS node (file root, inner node or leaf). */
export interface UnixFsNode {
  /** The node's CID. */
  cid: AnyCid;
  /** Bytes of file content under this node. */
  fileSize: number;
  /** Cumulative DAG size: this block plus all descendants (the parent link's Tsize). */
  tsize: number;
}

/** Options of `UnixFsFileBuilder`. */
export interface UnixFsFileBuilderOptions extends LayoutParameters {
  /** SHA-256 implementation (src/hash/sha256.ts: `sha256` in Node, `webSha256` in a browser). */
  sha256: Sha256;
  /** Receives every block, leaves first, each parent after its children; omit to only compute the CID. */
  onBlock?: BlockSink;
}

/** Builds one file's DAG from a stream of byte slices of any size. */
export class UnixFsFileBuilder {
  private readonly sha256: Sha256;
  private readonly onBlock: BlockSink | undefined;
  private readonly chunkSize: number;
  private readonly maxChildren: number;
  /** levels[0] holds leaves, levels[1] their parents, …; each at most maxChildren − 1 long between calls. */
  private readonly levels: UnixFsNode[][] = [];
  private chunk: Uint8Array;
  private fill = 0;
  private leafCount = 0;
  private finished = false;

  constructor(options: UnixFsFileBuilderOptions) {
    this.sha256 = options.sha256;
    this.onBlock = options.onBlock;
    this.chunkSize = options.chunkSize ?? CHUNK_SIZE;
    this.maxChildren = options.maxChildren ?? MAX_CHILDREN_PER_NODE;
    if (!Number.isSafeInteger(this.chunkSize) || this.chunkSize < 1) throw new RangeError("chunkSize must be a positive integer");
    if (!Number.isSafeInteger(this.maxChildren) || this.maxChildren < 2) throw new RangeError("maxChildren must be at least 2");
    this.chunk = new Uint8Array(this.chunkSize);
  }

  /** Number of leaf chunks emitted so far. */
  get leaves(): number {
    return this.leafCount;
  }

  /** Feeds the next bytes of the file. The slice may be reused by the caller once the promise resolves. */
  async update(bytes: Uint8Array): Promise<void> {
    if (this.finished) throw new DatatraceError("UnixFsFileBuilder: update() after finish()");
    let offset = 0;
    while (offset < bytes.length) {
      const take = Math.min(this.chunkSize - this.fill, bytes.length - offset);
      this.chunk.set(bytes.subarray(offset, offset + take), this.fill);
      this.fill += take;
      offset += take;
      if (this.fill === this.chunkSize) await this.flushChunk();
    }
  }

  /** Closes the file and returns its root node. */
  async finish(): Promise<UnixFsNode> {
    if (this.finished) throw new DatatraceError("UnixFsFileBuilder: finish() called twice");
    this.finished = true;
    if (this.fill > 0 || this.leafCount === 0) await this.flushChunk();
    for (let level = 0; level < this.levels.length; level++) {
      const nodes = this.levels[level] ?? [];
      if (nodes.length === 0) continue;
      const higher = this.levels.slice(level + 1).some((l) => l.length > 0);
      if (!higher && nodes.length === 1) return nodes[0] as UnixFsNode;
      this.levels[level] = [];
      await this.push(level + 1, await this.makeParent(nodes));
    }
    throw new DatatraceError("UnixFsFileBuilder: no root (internal invariant broken)");
  }

  /** Emits the current chunk as a raw leaf. */
  private async flushChunk(): Promise<void> {
    const bytes = this.chunk.subarray(0, this.fill);
    const cid = cidFromSha256(RAW_CODEC, await this.sha256(bytes));
    await this.onBlock?.({ cid, bytes });
    this.leafCount++;
    this.chunk = new Uint8Array(this.chunkSize);
    this.fill = 0;
    await this.push(0, { cid, fileSize: bytes.length, tsize: bytes.length });
  }

  /** Adds a node to a level, closing the run into a parent when it reaches maxChildren. */
  private async push(level: number, node: UnixFsNode): Promise<void> {
    while (this.levels.length <= level) this.levels.push([]);
    const nodes = this.levels[level] as UnixFsNode[];
    nodes.push(node);
    if (nodes.length === this.maxChildren) {
      this.levels[level] = [];
      await this.push(level + 1, await this.makeParent(nodes));
    }
  }

  /** Encodes, hashes and emits a dag-pb File node over `children`. */
  private async makeParent(children: UnixFsNode[]): Promise<UnixFsNode> {
    return buildFileNode(children, this.sha256, this.onBlock);
  }
}

/** Builds a dag-pb UnixFS File node linking `children` in order, emits it, returns it. */
export async function buildFileNode(children: UnixFsNode[], sha256: Sha256, onBlock?: BlockSink): Promise<UnixFsNode> {
  let fileSize = 0;
  let linkTotal = 0;
  const links = children.map((child) => {
    fileSize += child.fileSize;
    linkTotal += child.tsize;
    return { Hash: child.cid, Name: "", Tsize: child.tsize };
  });
  const data = encodeUnixFsData({ type: UnixFsType.File, fileSize, blockSizes: children.map((c) => c.fileSize) });
  const bytes = encodePBNode({ Data: data, Links: links });
  const cid: CID = cidFromSha256(DAG_PB_CODEC, await sha256(bytes));
  await onBlock?.({ cid, bytes });
  return { cid, fileSize, tsize: bytes.length + linkTotal };
}
