/**
 * The IDX file header (the MNIST format): two zero bytes, a type byte, the
 * number of dimensions, then each dimension as a 32-bit big-endian integer.
 * The first dimension counts records; a record is the product of the others
 * times the element size.
 */
import { DatatraceError } from "../errors/index.js";

/** Element size in bytes of each IDX type code. */
export const IDX_ELEMENT_SIZES: Readonly<Record<number, number>> = {
  0x08: 1, // unsigned byte
  0x09: 1, // signed byte
  0x0b: 2, // short
  0x0c: 4, // int
  0x0d: 4, // float
  0x0e: 8, // double
};

/** A parsed IDX header. */
export interface IdxHeader {
  /** Type code (0x08 unsigned byte … 0x0e double). */
  readonly type: number;
  readonly dims: readonly number[];
  /** Bytes before the first record (4 + 4 × dims). */
  readonly headerSize: number;
  /** Bytes per record. */
  readonly recordSize: number;
  /** Number of records (dims[0]). */
  readonly recordCount: number;
  /** headerSize + recordCount × recordSize. */
  readonly expectedSize: number;
}

/** Whether `head` (the first 4 bytes or more) looks like an IDX file. */
export function looksLikeIdx(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0 && head[1] === 0 && IDX_ELEMENT_SIZES[head[2]!] !== undefined && head[3]! > 0;
}

/**
 * Parses the header at the start of `head`; returns undefined when `head` is
 * too short to hold it. Throws (with `name` in the message) when it is not IDX.
 */
export function parseIdxHeader(head: Uint8Array, name: string): IdxHeader | undefined {
  if (head.length < 4) return undefined;
  if (!looksLikeIdx(head)) {
    const shown = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new DatatraceError(
      `${name} is not an IDX file: it starts with ${shown}, not 00 00 <type 08|09|0b|0c|0d|0e> <dims>. ` +
        `Pass the right file, or another --kind.`,
    );
  }
  const ndims = head[3]!;
  const headerSize = 4 + 4 * ndims;
  if (head.length < headerSize) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const elementSize = IDX_ELEMENT_SIZES[head[2]!]!;
  const recordSize = dims.slice(1).reduce((a, b) => a * b, elementSize);
  const recordCount = dims[0]!;
  if (recordSize === 0) throw new DatatraceError(`${name}: IDX dimensions ${dims.join("×")} give empty records; the file is malformed.`);
  return {
    type: head[2]!,
    dims,
    headerSize,
    recordSize,
    recordCount,
    expectedSize: headerSize + recordCount * recordSize,
  };
}
