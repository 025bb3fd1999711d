// Snappy (raw format) decompression for Parquet pages.
//
// Hand-written on purpose, and measured: hyparquet's built-in decoder copies
// literals byte by byte (≈ 0.15 GB/s on a 100 KB-per-row image column); this
// one copies literals with TypedArray.set and non-overlapping back-references
// with copyWithin (memcpy speed), and can decompress into a reused buffer so
// that a page costs no fresh allocation (first-touch page faults dominate
// allocation on our machines). Format: https://github.com/google/snappy/blob/main/format_description.txt
//
// Plain JavaScript so that the hashing workers can load it without a
// TypeScript loader. Types: snappy.d.mts.

/** Thrown for corrupt input; the message says where. */
export class SnappyError extends Error {
  constructor(message) {
    super(`snappy: ${message}`);
    this.name = "SnappyError";
  }
}

/**
 * Decompresses `input` (raw snappy) into `output`, which must be exactly the
 * uncompressed length the caller expects (a Parquet page header states it);
 * returns `output`.
 */
export function snappyDecompressInto(input, output) {
  const n = input.length;
  const outLength = output.length;
  let pos = 0;
  let declared = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= n) throw new SnappyError("input ends inside the length preamble");
    if (shift > 28) throw new SnappyError("length preamble longer than 5 bytes");
    const c = input[pos++];
    declared += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) break;
  }
  if (declared !== outLength) throw new SnappyError(`declares ${declared} bytes, the page header ${outLength}`);
  let o = 0;
  while (pos < n) {
    const tag = input[pos++];
    const type = tag & 3;
    if (type === 0) {
      let length = (tag >>> 2) + 1;
      if (length > 60) {
        const bytes = length - 60;
        if (pos + bytes > n) throw new SnappyError("input ends inside a literal length");
        length = 0;
        for (let i = 0; i < bytes; i++) length += input[pos + i] * 2 ** (8 * i);
        length += 1;
        pos += bytes;
      }
      if (pos + length > n) throw new SnappyError("a literal runs past the end of the input");
      if (o + length > outLength) throw new SnappyError("a literal runs past the declared length");
      output.set(input.subarray(pos, pos + length), o);
      pos += length;
      o += length;
      continue;
    }
    let length;
    let offset;
    if (type === 1) {
      if (pos >= n) throw new SnappyError("input ends inside a copy");
      length = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++];
    } else if (type === 2) {
      if (pos + 2 > n) throw new SnappyError("input ends inside a copy");
      length = (tag >>> 2) + 1;
      offset = input[pos] | (input[pos + 1] << 8);
      pos += 2;
    } else {
      if (pos + 4 > n) throw new SnappyError("input ends inside a copy");
      length = (tag >>> 2) + 1;
      offset = (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16)) + input[pos + 3] * 2 ** 24;
      pos += 4;
    }
    if (offset === 0 || offset > o) throw new SnappyError(`a copy refers ${offset} bytes back from position ${o}`);
    if (o + length > outLength) throw new SnappyError("a copy runs past the declared length");
    if (offset >= length) {
      output.copyWithin(o, o - offset, o - offset + length);
    } else {
      // Overlapping copy (a repeated pattern): byte by byte, as the format defines it.
      for (let i = 0; i < length; i++) output[o + i] = output[o - offset + i];
    }
    o += length;
  }
  if (o !== outLength) throw new SnappyError(`produced ${o} bytes, the page header says ${outLength}`);
  return output;
}

/** Decompresses into a new buffer of `outputLength` bytes. */
export function snappyDecompress(input, outputLength) {
  return snappyDecompressInto(input, new Uint8Array(outputLength));
}
