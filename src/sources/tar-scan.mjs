// `tar-scan` batches (see src/sources/sample-batch.ts): a hashing worker
// finds and hashes the members of one byte range of a plain tar shard by
// itself, so that the main thread does not read a header per member.
//
// The range [start, end) is fixed in advance, not found by walking from the
// previous range: the worker guesses where the chain of headers passes
// through it (the first block at or after `start` that looks like a header:
// ustar magic and a valid checksum), walks on from there the way a tar
// reader would (guessing again from the next block where a block is not a
// header: an end-of-archive marker, or the end of a tar inside a member the
// guess fell into), and hashes every regular member whose header lies in
// the range. It leaves in the batch's slot the bytes of every header and
// pax / long-name record it walked over and the data offset, size and
// digest of every member it hashed (layout: scanTarRange).
//
// Why (measured, bench/sources.bench.ts, docs/sources.md): reading each
// header on the main thread costs a pread per member, ≈ 60–80 ms of CPU per
// 1 GB shard of 100 kB members, taken from the two hashing threads on two
// vCPUs; letting workers walk a chain of ranges, each starting where the
// last one's walk ended, starved them (a range could not start before the
// previous one was read). Fixed ranges need no chain, so a guess.
//
// Nothing here is trusted: the main thread walks the shard with the strict
// walk of src/sources/tar-headers.ts, reading each header from these bytes
// (they are the file's bytes at those offsets) or from the file when the
// worker did not send it, and takes a digest only for a member whose data
// offset and size its own walk found; anything else it reads and hashes
// itself. A wrong guess (a member's data that looks like a header, such as
// a tar file inside the shard) only costs work, bounded: a guessed member
// is hashed only if its data ends within SCAN_MEMBER_LIMIT of the range.
//
// Plain JavaScript: src/engine/hash-batch.mjs runs it in the hashing workers.
// Types: tar-scan.d.mts.
import { createHash, hash } from "node:crypto";
import { readSync } from "node:fs";

/** A member whose data ends more than this past its range is left to the main thread (which then hashes it itself). */
export const SCAN_MEMBER_LIMIT = 16 * 1024 * 1024;
/** Largest pax / long-name record followed (the walk's own limit). */
const MAX_RECORD = 4 * 1024 * 1024;
const BLOCK = 512;

/** The file's bytes through a window over this thread's read buffer. */
class FileReader {
  constructor(fd, size, limit, scratch, piece) {
    this.fd = fd;
    this.size = size;
    this.limit = limit; // a read goes past this only as far as it was asked to
    this.scratch = scratch; // (minBytes) => this thread's reused buffer, at least that large
    this.piece = piece;
    this.buf = scratch(piece);
    this.start = 0;
    this.end = 0;
  }

  /** `[offset, offset + length)` of the file, valid until the next call (a read of a piece from `offset` when not in the window); undefined past the end of the file or on a short read. */
  view(offset, length) {
    if (offset >= this.start && offset + length <= this.end) return this.buf.subarray(offset - this.start, offset - this.start + length);
    if (offset + length > this.size) return undefined;
    const want = Math.max(length, Math.min(this.piece, this.size - offset, this.limit - offset));
    if (this.buf.length < want) this.buf = this.scratch(want);
    let fill = 0;
    this.end = this.start = offset;
    while (fill < want) {
      const n = readSync(this.fd, this.buf, fill, want - fill, offset + fill);
      if (n === 0) break;
      fill += n;
    }
    this.end = offset + fill;
    return fill < length ? undefined : this.buf.subarray(0, length);
  }

  /** SHA-256 of `[offset, offset + length)`: what the window holds of it, then pieces read after it (no byte read twice); undefined if the file is short. */
  hash(offset, length) {
    const end = offset + length;
    if (offset >= this.start && end <= this.end) return hash("sha256", this.buf.subarray(offset - this.start, end - this.start), "buffer");
    if (end > this.size) return undefined;
    if (length <= this.piece && !(offset >= this.start && offset < this.end)) {
      const data = this.view(offset, length);
      return data === undefined ? undefined : hash("sha256", data, "buffer");
    }
    const h = createHash("sha256");
    let at = offset;
    if (offset >= this.start && offset < this.end) {
      h.update(this.buf.subarray(offset - this.start, this.end - this.start));
      at = this.end;
    }
    for (; at < end; at += this.piece) {
      const data = this.view(at, Math.min(this.piece, end - at));
      if (data === undefined) return undefined;
      h.update(data);
    }
    return h.digest();
  }
}

/** Whether the block at `b[0, 512)` looks like a header: ustar or GNU magic and a checksum that adds up. */
function looksLikeHeader(b) {
  if (b[257] !== 0x75 || b[258] !== 0x73 || b[259] !== 0x74 || b[260] !== 0x61 || b[261] !== 0x72) return false;
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += b[i];
  for (let i = 156; i < BLOCK; i++) sum += b[i];
  return sum !== 8 * 32 && sum === octal(b, 148, 8);
}

/** An octal field (spaces, digits, then NULs or spaces), or -1. */
function octal(b, offset, length) {
  let i = offset;
  const end = offset + length;
  while (i < end && b[i] === 32) i++;
  let value = 0;
  let digits = 0;
  for (; i < end && b[i] >= 0x30 && b[i] <= 0x37; i++, digits++) value = value * 8 + (b[i] - 0x30);
  for (; i < end; i++) if (b[i] !== 0 && b[i] !== 32) return -1;
  return digits === 0 && b[offset] !== 0 && b[offset] !== 32 ? -1 : value;
}

/** The size field: octal or positive base-256; -1 if neither. */
function sizeField(b) {
  if (b[124] === 0x80) {
    let value = 0;
    for (let i = 125; i < 136; i++) value = value * 256 + b[i];
    return Number.isSafeInteger(value) ? value : -1;
  }
  return (b[124] & 0x80) !== 0 ? -1 : octal(b, 124, 12);
}

/** The `size` of a pax record set, if it has one in digits (the main walk decides what is valid). */
function paxSize(data) {
  let at = 0;
  let found;
  while (at < data.length && data[at] !== 0) {
    let space = at;
    let length = 0;
    while (space < data.length && data[space] >= 0x30 && data[space] <= 0x39) length = length * 10 + (data[space++] - 0x30);
    if (space === at || data[space] !== 32 || length <= space - at + 1 || at + length > data.length) return undefined;
    // "size=" after the space
    if (data[space + 1] === 0x73 && data[space + 2] === 0x69 && data[space + 3] === 0x7a && data[space + 4] === 0x65 && data[space + 5] === 0x3d) {
      let value = 0;
      let digits = 0;
      for (let i = space + 6; i < at + length - 1; i++, digits++) {
        if (data[i] < 0x30 || data[i] > 0x39) return undefined;
        value = value * 10 + (data[i] - 0x30);
      }
      found = digits > 0 && Number.isSafeInteger(value) ? value : undefined;
    }
    at += length;
  }
  return found;
}

/**
 * Walks and hashes one `tar-scan` range (see the module doc) into the
 * batch's slot, shared memory the main thread reads once this returns (it
 * keeps the slot until then; writing there, not into fresh memory, matters:
 * on our VMs the first touch of a 4 KiB page costs ≈ 18 µs).
 *
 * `message` is { start, end, size, data, bounds } (the range, the file's
 * size when the source opened it, the slot's data and bounds); `fd` the
 * shard, open. Writes, for member k hashed, its data offset minus `start`
 * and its size at `bounds[2k]`, `bounds[2k + 1]` and its digest at
 * `digests[32k]`; each header or record walked as a piece in `data`: its
 * offset minus `start` and its length (u32, little-endian), then its bytes.
 * Returns { bytes, scan: { fill, members } }: the bytes of `data` used and
 * the members hashed. A read that fails or comes short, or a full slot,
 * ends the walk (the main thread then reads on itself, and meets the error
 * if there is one).
 */
export function scanTarRange(message, digests, fd, scratch, piece) {
  const { start, end, size, data, bounds } = message;
  const reader = new FileReader(fd, size, end, scratch, piece);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const maxMembers = bounds.length >> 1;
  let fill = 0;
  let members = 0;
  let bytes = 0;
  /** Copies a piece into the slot; false when it is full. */
  const ship = (offset, bytes) => {
    if (fill + 8 + bytes.length > data.length) return false;
    view.setUint32(fill, offset - start, true);
    view.setUint32(fill + 4, bytes.length, true);
    data.set(bytes, fill + 8);
    fill += 8 + bytes.length;
    return true;
  };
  try {
    let pos = start;
    if (start > 0) {
      // The guess: the first block from `start` on that looks like a header.
      for (; pos < end; pos += BLOCK) {
        const b = reader.view(pos, BLOCK);
        if (b === undefined) return result();
        if (looksLikeHeader(b)) break;
      }
    }
    let recordSize = -1; // a pax size waiting for its member
    let pending = false; // a record was walked, its member not yet
    while ((pos < end || pending) && pos + BLOCK <= size) {
      const b = reader.view(pos, BLOCK);
      if (b === undefined) break;
      let length = looksLikeHeader(b) ? sizeField(b) : -1;
      if (length < 0) {
        // Not a header: the end-of-archive marker, or the guess was wrong (the end of a tar inside a member,
        // data that looked like a header). Guess again from the next block, within the range.
        recordSize = -1;
        pending = false;
        pos += BLOCK;
        continue;
      }
      if (!ship(pos, b)) break;
      const flag = b[156];
      if (flag === 0x78 || flag === 0x67 || flag === 0x4c || flag === 0x4b) {
        // x: pax, g: pax global, L / K: GNU long name / link name
        if (length > MAX_RECORD) break;
        const record = reader.view(pos + BLOCK, length);
        if (record === undefined || !ship(pos + BLOCK, record)) break;
        if (flag === 0x78) recordSize = paxSize(record) ?? -1;
        pending = true;
        pos += BLOCK + padded(length);
        continue;
      }
      if (recordSize >= 0) length = recordSize;
      recordSize = -1;
      pending = false;
      const dataOffset = pos + BLOCK;
      const regular = flag === 0 || flag === 0x30 || flag === 0x37;
      if (regular && dataOffset + length <= size && dataOffset + length <= end + SCAN_MEMBER_LIMIT) {
        if (members === maxMembers) break;
        const digest = reader.hash(dataOffset, length);
        if (digest === undefined) break;
        digests.set(digest, 32 * members);
        bounds[2 * members] = dataOffset - start;
        bounds[2 * members + 1] = length;
        members++;
        bytes += length;
      }
      pos = flag === 0x35 ? dataOffset : dataOffset + padded(length); // a directory has no data (as the main walk)
    }
  } catch {
    // A failed read ends the guess; the main thread reads on from where its own walk is.
  }
  return result();

  function result() {
    return { bytes, scan: { fill, members } };
  }
}

function padded(size) {
  return Math.ceil(size / BLOCK) * BLOCK;
}
