/**
 * dag-pb (multicodec 0x70), the node format of UnixFS, by `@ipld/dag-pb`,
 * with its errors reported as StorageError (INVALID_DAG).
 *
 * Encoding is canonical (https://ipld.io/specs/codecs/dag-pb/spec/): Links
 * (field 2) before Data (field 1), link fields in field order; links must
 * already be sorted by name bytes (UnixFS directories sort by name; file
 * chunks all have the name "" and keep file order). Before the library
 * replaced the hand-written codec it was checked byte-identical on every
 * node the tests use, every node the UnixFS builders emit and 20,000 seeded
 * random nodes (docs/storage.md).
 *
 * Decoding follows the library: strict field order inside a link, unknown
 * fields, a link without a Hash, interleaved Links/Data/Links and truncated
 * bytes are rejected; Data before Links is accepted (the UnixFS spec's
 * guidance: decoders accept both orders). Only the bytes of a block that
 * was verified against its CID are decoded. Tsize values above 2^53 − 1
 * (which the library reads as inexact numbers) are refused. Browser-safe.
 */
import * as dagPB from "@ipld/dag-pb";

import type { AnyCid } from "./cid.js";
import { StorageError } from "./errors.js";

/** A dag-pb link: target CID, optional name, optional cumulative size. */
export interface PBLink {
  /** CID of the linked block. */
  Hash: AnyCid;
  /** Entry name (directories) or "" (file chunks); omitted when undefined. */
  Name?: string;
  /** Cumulative size in bytes of the linked DAG (block + descendants). */
  Tsize?: number;
}

/** A dag-pb node: links and optional opaque data (UnixFS puts its metadata here). */
export interface PBNode {
  /** Opaque payload; for UnixFS, an encoded UnixFS `Data` message. */
  Data?: Uint8Array;
  /** Links in encoding order. */
  Links: PBLink[];
}

/** Encodes a PBNode in canonical form (links, then data); throws StorageError (INVALID_DAG) for a node the codec refuses (e.g. unsorted links). */
export function encodePBNode(node: PBNode): Uint8Array {
  try {
    return dagPB.encode(node);
  } catch (error) {
    throw new StorageError("INVALID_DAG", `cannot encode a dag-pb node: ${(error as Error).message}`, { cause: error });
  }
}

/** Decodes dag-pb bytes into a PBNode; throws StorageError (INVALID_DAG) on any malformation. */
export function decodePBNode(bytes: Uint8Array): PBNode {
  let node: dagPB.PBNode;
  try {
    node = dagPB.decode(bytes);
  } catch (error) {
    throw new StorageError("INVALID_DAG", `invalid dag-pb node: ${(error as Error).message}`, { cause: error });
  }
  for (const link of node.Links) {
    if (link.Tsize !== undefined && !Number.isSafeInteger(link.Tsize)) {
      throw new StorageError("INVALID_DAG", `invalid dag-pb link: Tsize ${link.Tsize} is above 2^53 - 1`);
    }
  }
  return node;
}
