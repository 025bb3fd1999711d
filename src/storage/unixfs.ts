/**
 * The UnixFS `Data` message (https://specs.ipfs.tech/unixfs/) that sits in
 * the Data field of every UnixFS dag-pb node, encoded by hand:
 *
 * ```proto
 * message Data {
 *   required DataType Type = 1;      // Raw 0, Directory 1, File 2, Metadata 3, Symlink 4, HAMTShard 5
 *   optional bytes Data = 2;
 *   optional uint64 filesize = 3;
 *   repeated uint64 blocksizes = 4;  // not packed, one key per value
 *   optional uint64 hashType = 5;
 *   optional uint64 fanout = 6;
 *   optional uint32 mode = 7;
 *   optional UnixTime mtime = 8;
 * }
 * ```
 *
 * Fields are written in field-number order, `Data` only when non-empty,
 * `filesize` only for File/Raw: byte-for-byte what Kubo and
 * ipfs-unixfs write for nodes without mode/mtime (Datatrace never sets them).
 * Browser-safe.
 */
import { StorageError } from "./errors.js";
import { ProtoWriter, readProtoFields } from "./protobuf-wire.js";

/** UnixFS node types. */
export const UnixFsType = {
  Raw: 0,
  Directory: 1,
  File: 2,
  Metadata: 3,
  Symlink: 4,
  HAMTShard: 5,
} as const;

/** One of the UnixFS node type numbers. */
export type UnixFsTypeCode = (typeof UnixFsType)[keyof typeof UnixFsType];

/** A decoded UnixFS Data message (mode/mtime/hashType/fanout kept only as numbers if present). */
export interface UnixFsData {
  /** Node type. */
  type: UnixFsTypeCode;
  /** Inline file bytes (leaf File nodes without raw leaves), if any. */
  data?: Uint8Array;
  /** Total file size in bytes (File and Raw). */
  fileSize?: number;
  /** File bytes under each link, in link order (File). */
  blockSizes: number[];
  /** HAMT hash function (HAMTShard only). */
  hashType?: number;
  /** HAMT fanout (HAMTShard only). */
  fanout?: number;
  /** Unix permission bits, if recorded. */
  mode?: number;
  /** Whether an mtime was recorded (its value is not needed here). */
  hasMtime?: boolean;
}

/** Encodes a UnixFS Data message (without mode/mtime). */
export function encodeUnixFsData(data: Omit<UnixFsData, "hasMtime" | "mode">): Uint8Array {
  const writer = new ProtoWriter().uintField(1, data.type);
  if (data.data !== undefined && data.data.length > 0) writer.bytesField(2, data.data);
  if ((data.type === UnixFsType.File || data.type === UnixFsType.Raw) && data.fileSize !== undefined) {
    writer.uintField(3, data.fileSize);
  }
  for (const size of data.blockSizes) writer.uintField(4, size);
  if (data.hashType !== undefined) writer.uintField(5, data.hashType);
  if (data.fanout !== undefined) writer.uintField(6, data.fanout);
  return writer.finish();
}

/** Decodes a UnixFS Data message; throws StorageError (INVALID_DAG) when malformed. */
export function decodeUnixFsData(bytes: Uint8Array): UnixFsData {
  let type: number | undefined;
  const out: UnixFsData = { type: UnixFsType.File, blockSizes: [] };
  for (const f of readProtoFields(bytes, "UnixFS Data")) {
    if (f.field === 1 && f.wireType === 0) type = f.value;
    else if (f.field === 2 && f.wireType === 2) out.data = f.value;
    else if (f.field === 3 && f.wireType === 0) out.fileSize = f.value;
    else if (f.field === 4 && f.wireType === 0) out.blockSizes.push(f.value);
    else if (f.field === 4 && f.wireType === 2) {
      // Tolerate a packed encoding of blocksizes.
      for (const g of readProtoFields(packedToFields(f.value), "UnixFS blocksizes")) {
        if (g.wireType === 0) out.blockSizes.push(g.value);
      }
    } else if (f.field === 5 && f.wireType === 0) out.hashType = f.value;
    else if (f.field === 6 && f.wireType === 0) out.fanout = f.value;
    else if (f.field === 7 && f.wireType === 0) out.mode = f.value;
    else if (f.field === 8 && f.wireType === 2) out.hasMtime = true;
    else throw new StorageError("INVALID_DAG", `invalid UnixFS Data: unexpected field ${f.field}`);
  }
  if (type === undefined || type > UnixFsType.HAMTShard) {
    throw new StorageError("INVALID_DAG", `invalid UnixFS Data: missing or unknown Type ${type}`);
  }
  out.type = type as UnixFsTypeCode;
  return out;
}

/** Rewrites packed varints as a sequence of `field 1` varint fields so the generic reader can parse them. */
function packedToFields(packed: Uint8Array): Uint8Array {
  const out: number[] = [];
  let atStart = true;
  for (const byte of packed) {
    if (atStart) out.push(0x08);
    out.push(byte);
    atStart = byte < 0x80;
  }
  return Uint8Array.from(out);
}
