/**
 * dag-pb (multicodec 0x70), the node format of UnixFS, encoded by hand.
 *
 * Canonical form (https://ipld.io/specs/codecs/dag-pb/spec/): a PBNode is
 * `Links` (field 2, repeated) followed by `Data` (field 1, optional); a
 * PBLink is `Hash` (1), `Name` (2), `Tsize` (3) in that order. Links are
 * written in the order given: callers sort them (UnixFS directories sort by
 * name bytes; file chunks keep file order). The decoder is strict: unknown
 * fields, out-of-order fields or a link without a hash are rejected.
 * Browser-safe.
 */
import { CID } from "multiformats/cid";

import type { AnyCid } from "./cid.js";
import { StorageError } from "./errors.js";
import { ProtoWriter, readProtoFields } from "./protobuf-wire.js";

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

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** Encodes one link as its PBLink message bytes. */
function encodeLink(link: PBLink): Uint8Array {
  const writer = new ProtoWriter().bytesField(1, link.Hash.bytes);
  if (link.Name !== undefined) writer.bytesField(2, textEncoder.encode(link.Name));
  if (link.Tsize !== undefined) writer.uintField(3, link.Tsize);
  return writer.finish();
}

/** Encodes a PBNode in canonical field order (links, then data). */
export function encodePBNode(node: PBNode): Uint8Array {
  const writer = new ProtoWriter();
  for (const link of node.Links) writer.bytesField(2, encodeLink(link));
  if (node.Data !== undefined) writer.bytesField(1, node.Data);
  return writer.finish();
}

/** Decodes one PBLink message. */
function decodeLink(bytes: Uint8Array): PBLink {
  let hash: AnyCid | undefined;
  let name: string | undefined;
  let tsize: number | undefined;
  let last = 0;
  for (const f of readProtoFields(bytes, "dag-pb link")) {
    if (f.field <= last) throw new StorageError("INVALID_DAG", "invalid dag-pb link: fields out of order or repeated");
    last = f.field;
    if (f.field === 1 && f.wireType === 2) {
      try {
        hash = CID.decode(f.value);
      } catch (error) {
        throw new StorageError("INVALID_DAG", `invalid dag-pb link hash: ${(error as Error).message}`, { cause: error });
      }
    } else if (f.field === 2 && f.wireType === 2) {
      try {
        name = textDecoder.decode(f.value);
      } catch (error) {
        throw new StorageError("INVALID_DAG", "invalid dag-pb link name: not UTF-8", { cause: error });
      }
    } else if (f.field === 3 && f.wireType === 0) {
      tsize = f.value;
    } else {
      throw new StorageError("INVALID_DAG", `invalid dag-pb link: unexpected field ${f.field}`);
    }
  }
  if (hash === undefined) throw new StorageError("INVALID_DAG", "invalid dag-pb link: no Hash");
  const link: PBLink = { Hash: hash };
  if (name !== undefined) link.Name = name;
  if (tsize !== undefined) link.Tsize = tsize;
  return link;
}

/** Decodes dag-pb bytes into a PBNode; throws StorageError (INVALID_DAG) on any malformation. */
export function decodePBNode(bytes: Uint8Array): PBNode {
  const node: PBNode = { Links: [] };
  for (const f of readProtoFields(bytes, "dag-pb node")) {
    if (f.field === 2 && f.wireType === 2) {
      if (node.Data !== undefined) throw new StorageError("INVALID_DAG", "invalid dag-pb node: Links after Data");
      node.Links.push(decodeLink(f.value));
    } else if (f.field === 1 && f.wireType === 2) {
      if (node.Data !== undefined) throw new StorageError("INVALID_DAG", "invalid dag-pb node: Data repeated");
      node.Data = f.value;
    } else {
      throw new StorageError("INVALID_DAG", `invalid dag-pb node: unexpected field ${f.field}`);
    }
  }
  return node;
}
