/**
 * Sample records: what the engine keeps of each hashed sample until the
 * manifest is written — its hash, where it came from (source index, ordinal
 * within the source: the order of ids sharing a hash) and its id (empty for a
 * private dataset).
 *
 * Binary form (bucket files, partial leaf files), big-endian:
 * `hash[32] ‖ source u32 ‖ ordinal f64 ‖ idLength u32 ‖ id (UTF-8)`.
 * Records sort by hash, then source, then ordinal.
 */
import { DatatraceError } from "../errors/index.js";

/** Fixed part of an encoded record. */
export const RECORD_FIXED_BYTES = 48;

/**
 * A sink receiving records one by one: the hash is `hashes[offset, offset + 32)`
 * (valid only during the call; passing buffer and offset avoids a view per record).
 */
export type RecordSink = (hashes: Uint8Array, offset: number, source: number, ordinal: number, id: string | null) => void;

/** Columns of many records, as sorted in memory. */
export interface RecordColumns {
  readonly count: number;
  /** `count × 32` bytes. */
  readonly hashes: Uint8Array;
  readonly sources: Uint32Array;
  readonly ordinals: Float64Array;
  /** Ids, or null when the records carry none. */
  readonly ids: ReadonlyArray<string> | null;
}

/** Appends one encoded record to `out` at `at`; returns the new offset. `out` must have room. */
export function encodeRecord(
  out: Buffer,
  at: number,
  hash: Uint8Array,
  source: number,
  ordinal: number,
  id: string | null,
): number {
  out.set(hash.subarray(0, 32), at);
  out.writeUInt32BE(source, at + 32);
  out.writeDoubleBE(ordinal, at + 36);
  const idLength = id === null || id === "" ? 0 : out.write(id, at + RECORD_FIXED_BYTES, "utf8");
  out.writeUInt32BE(idLength, at + 44);
  return at + RECORD_FIXED_BYTES + idLength;
}

/** Bytes {@link encodeRecord} needs at most for a record with this id. */
export function maxEncodedSize(id: string | null): number {
  return RECORD_FIXED_BYTES + (id === null ? 0 : id.length * 3);
}

/**
 * Decodes every record of `bytes` (a whole number of records) into columns.
 * Throws if the bytes end inside a record.
 */
export function decodeRecords(bytes: Buffer, withIds: boolean, what: string): RecordColumns {
  let count = 0;
  for (let at = 0; at < bytes.length; count++) {
    if (at + RECORD_FIXED_BYTES > bytes.length) throw truncated(what, at);
    at += RECORD_FIXED_BYTES + bytes.readUInt32BE(at + 44);
    if (at > bytes.length) throw truncated(what, at);
  }
  const hashes = new Uint8Array(count * 32);
  const sources = new Uint32Array(count);
  const ordinals = new Float64Array(count);
  const ids: string[] | null = withIds ? new Array<string>(count) : null;
  for (let i = 0, at = 0; i < count; i++) {
    hashes.set(bytes.subarray(at, at + 32), i * 32);
    sources[i] = bytes.readUInt32BE(at + 32);
    ordinals[i] = bytes.readDoubleBE(at + 36);
    const idLength = bytes.readUInt32BE(at + 44);
    if (ids !== null) ids[i] = bytes.toString("utf8", at + RECORD_FIXED_BYTES, at + RECORD_FIXED_BYTES + idLength);
    at += RECORD_FIXED_BYTES + idLength;
  }
  return { count, hashes, sources, ordinals, ids };
}

function truncated(what: string, at: number): Error {
  return new DatatraceError(`${what} ends inside a record (at byte ${at}): the file is truncated or corrupt.`);
}

/** Compares the 32-byte hashes at `a[offsetA…]` and `b[offsetB…]` (negative, 0, positive). */
export function compareHashAt(a: Uint8Array, offsetA: number, b: Uint8Array, offsetB: number): number {
  for (let k = 0; k < 32; k++) {
    const d = a[offsetA + k]! - b[offsetB + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Compares two records: hash bytes, then source, then ordinal. */
export function compareRecords(
  hashA: Uint8Array,
  offsetA: number,
  sourceA: number,
  ordinalA: number,
  hashB: Uint8Array,
  offsetB: number,
  sourceB: number,
  ordinalB: number,
): number {
  for (let k = 0; k < 32; k++) {
    const d = hashA[offsetA + k]! - hashB[offsetB + k]!;
    if (d !== 0) return d;
  }
  return sourceA - sourceB || ordinalA - ordinalB;
}
