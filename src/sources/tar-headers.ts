/**
 * The header walk of every tar shard, plain (walked in place, tar-source.ts)
 * or gzip'd (streamed, tar-entries.ts): given the 512-byte block at
 * a header position, says whether it is a member (with its path, type, size
 * and data offset), a pax / GNU long-name record whose data applies to the
 * next member, or an end-of-archive block. Every header is decoded by
 * tar-stream's own codec (`headers.js`: checksums, ustar / GNU formats,
 * base-256 sizes, pax records, long names) and the records are applied to
 * the next member exactly as tar-stream's `extract` applies them.
 *
 * Why not `extract` itself: its per-entry stream machinery costs ≈ 10–13 µs
 * of main-thread CPU per member (measured on a 10,000-member 1 GB shard:
 * 100–135 ms per shard even with the data fed as zeros), as much as 15–20 %
 * of the hashing itself on 2 cores, where this walk costs ≈ 1 µs per member;
 * and after a record whose size decodes as null it reads a shard differently
 * from a tar reader (tar-entries.ts), which this walk refuses. One walk for
 * both also means a shard is read the same way plain or gzip'd
 * (test/sources/tar-entries.test.ts).
 *
 * Where tar readers disagree, the walk refuses the shard rather than commit
 * one reading of it (an adversarial review built a case for each, and
 * test/sources/tar-entries.test.ts checks that tar-stream and Python's
 * tarfile read every one differently): data after the end-of-archive
 * marker; numeric fields that are not plain octal or base-256; pax sizes
 * not in decimal digits; two records for one member; pax global headers
 * that set path, linkpath, size or GNU.sparse keys; links, devices,
 * directories and FIFOs with data; regular entries named like directories;
 * GNU-format headers with a prefix; type N; names and pax records that are
 * not valid UTF-8 or malformed. GNU sparse files in pax format (GNU.sparse
 * keys on a regular entry) get no type, so they are refused as sparse.
 *
 * The common header, a regular file in ustar or GNU format with octal size
 * and checksum, is decoded by {@link decodeRegularFile}: tar-stream's own
 * steps for the fields the walk uses (name and prefix, size, checksum),
 * skipping those it does not (mode, owner, times, device numbers); anything else, and any header it would
 * refuse, goes to tar-stream's decoder. Measured on the bench shard's 10,000
 * headers (in memory, loaded machine): 6–7 ms against tar-stream's 20–27 ms
 * of main-thread CPU, which on two vCPUs competes with the hashing threads.
 * test/sources/tar-headers.test.ts checks both agree on real and mutated headers.
 *
 * `headers.js` is not in tar-stream's `exports` map, so it is loaded by path
 * next to the package's entry point (tar-stream 3.x ships it).
 */
import { createRequire } from "node:module";
import path from "node:path";

import type { Header } from "tar-stream";

import { DatatraceError } from "../errors/index.js";

interface TarHeaderCodec {
  decode(buf: Uint8Array, filenameEncoding: string, allowUnknownFormat: boolean): (Header & { size: number; linkname: string | null }) | null;
  decodePax(buf: Uint8Array): Record<string, string>;
  decodeLongPath(buf: Uint8Array, encoding: string): string;
}

const require = createRequire(import.meta.url);
const codec = require(path.join(path.dirname(require.resolve("tar-stream")), "headers.js")) as TarHeaderCodec;

/** What the source needs to know of one tar entry. */
export interface TarEntryInfo {
  /** The member's path as stored (after pax / GNU long-name records), not normalized. */
  readonly name: string;
  /** tar-stream's entry type; null for a type flag it does not know (e.g. GNU sparse files). */
  readonly type: Header["type"] | null;
  /** Data bytes (pax `size` applied). */
  readonly size: number;
  /** Offset of the data in the (decompressed) archive. */
  readonly dataOffset: number;
  /** Target of a link entry. */
  readonly linkname: string | null;
}

/** Largest pax / long-name record accepted (tar-stream's own limit). */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/** What the block at a header position is. */
export type TarBlock =
  /** An all-zero block (end-of-archive marker); the walk goes on 512 bytes further, as tar-stream's does. */
  | { readonly kind: "zero" }
  /** A pax or GNU long-name record of `size` bytes at `dataOffset`: call {@link TarHeaderWalk.record} with them. */
  | { readonly kind: "record"; readonly size: number; readonly dataOffset: number }
  /** A member (any entry type); its data is at `info.dataOffset`. */
  | { readonly kind: "entry"; readonly info: TarEntryInfo };

/** Bytes a block and its data occupy: 512 + the data padded to 512. */
export function tarSpan(size: number): number {
  return 512 + Math.ceil(size / 512) * 512;
}

/** The walk's state: pax and long-name records waiting for their member. */
export class TarHeaderWalk {
  #paxGlobal: Record<string, string> | null = null;
  #pax: Record<string, string> | null = null;
  #longPath: string | null = null;
  #longLinkPath: string | null = null;
  #recordType: string | null = null;
  /** Set at the first zero block, the end-of-archive marker: only zero blocks may follow. */
  #ended = false;

  /** Decodes the 512-byte `block` found at file offset `offset`. Throws tar-stream's error, or ours (see {@link refuse}), for a bad header. */
  block(block: Uint8Array, offset: number): TarBlock {
    if (this.#ended) {
      if (!isZeroBlock(block)) {
        refuse("data after the end-of-archive marker (a zero block), where tar readers stop; repack the shard so that it ends there");
      }
      return { kind: "zero" };
    }
    checkNumericFields(block);
    if (block[156] === 0x4e) refuse("an old GNU 'N' (names) entry");
    const header = decodeRegularFile(block) ?? codec.decode(block, "utf-8", false);
    if (header === null) {
      // tar-stream reads any block whose checksum sums as spaces as the end; tar readers, only an all-zero one.
      if (!isZeroBlock(block)) refuse("a header whose checksum field alone is set");
      this.end();
      this.#ended = true;
      return { kind: "zero" };
    }
    checkNames(block, header.type ?? null);
    const type = header.type as string | null;
    if (type === "pax-header" || type === "pax-global-header" || type === "gnu-long-path" || type === "gnu-long-link-path") {
      // A null size (see below) is refused too: extract kept such a record pending and later swallowed bytes after a member as it.
      if (typeof header.size !== "number" || !(header.size >= 0)) throw new DatatraceError("Invalid header");
      if (header.size > MAX_RECORD_BYTES) throw new DatatraceError("Header exceeds max size");
      // Two records for one member: tar readers disagree on which wins (Python's tarfile the first, GNU tar and tar-stream the last).
      if ((type === "pax-header" && this.#pax !== null) || (type === "gnu-long-path" && this.#longPath !== null) || (type === "gnu-long-link-path" && this.#longLinkPath !== null)) {
        refuse(`two ${type} records before one member`);
      }
      this.#recordType = type;
      return { kind: "record", size: header.size, dataOffset: offset + 512 };
    }
    let name = header.name;
    let linkname = header.linkname ?? null;
    let size: number | null = header.size;
    let entryType: Header["type"] | null = header.type ?? null;
    if (this.#longPath !== null) name = this.#longPath;
    if (this.#longLinkPath !== null) linkname = this.#longLinkPath;
    if (this.#pax !== null) {
      if (this.#pax.path !== undefined) name = this.#pax.path;
      if (this.#pax.linkpath !== undefined) linkname = this.#pax.linkpath;
      if (this.#pax.size !== undefined) size = Number(this.#pax.size);
      // GNU tar's sparse files in pax format: a regular type, but the stored bytes are a sparse map and the data blocks.
      if (Object.keys(this.#pax).some((key) => key.startsWith("GNU.sparse."))) entryType = null;
    }
    this.#longPath = null;
    this.#longLinkPath = null;
    this.#pax = null;
    // tar-stream's own test is `!(size >= 0)`, which a null size (a base-256 size field whose first byte is
    // neither 0x80 nor 0xff) passes; its extract then never ended that entry. Refused.
    if (typeof size !== "number" || !(size >= 0)) throw new DatatraceError("Invalid header");
    // What tar readers read differently from tar-stream, refused rather than read one way:
    if ((entryType === "file" || entryType === "contiguous-file") && name.endsWith("/")) refuse(`a file entry named like a directory (${name})`);
    if (size > 0 && entryType !== null && entryType !== "file" && entryType !== "contiguous-file") refuse(`a ${entryType} entry with ${size} data bytes (${name})`);
    return { kind: "entry", info: { name, type: entryType, size, dataOffset: offset + 512, linkname } };
  }

  /**
   * The archive ends here (its end-of-archive marker, or the end of the
   * file): refuses pax or long-name records left without their member
   * (GNU tar ignores them, Python's tarfile fails).
   */
  end(): void {
    if (this.#pax !== null || this.#longPath !== null || this.#longLinkPath !== null) refuse("a pax or long-name record with no member after it");
  }

  /** Takes the data of the record announced by the last {@link block}. */
  record(data: Uint8Array): void {
    switch (this.#recordType) {
      case "gnu-long-path":
        if (this.#pax?.path !== undefined) refuse("a GNU long name and a pax path for one member");
        this.#longPath = longName(data);
        break;
      case "gnu-long-link-path":
        if (this.#pax?.linkpath !== undefined) refuse("a GNU long link name and a pax linkpath for one member");
        this.#longLinkPath = longName(data);
        break;
      case "pax-global-header": {
        const pax = decodePax(data);
        // Tar readers apply a global record to every member after it, tar-stream only within later pax records: refuse what would tell them apart.
        const framing = Object.keys(pax).filter((key) => key === "path" || key === "linkpath" || key === "size" || key.startsWith("GNU.sparse."));
        if (framing.length > 0) refuse(`a pax global header setting ${framing.join(", ")}`);
        this.#paxGlobal = this.#paxGlobal === null ? pax : { ...this.#paxGlobal, ...pax };
        break;
      }
      case "pax-header": {
        const pax = decodePax(data);
        if (this.#longPath !== null && pax.path !== undefined) refuse("a GNU long name and a pax path for one member");
        if (this.#longLinkPath !== null && pax.linkpath !== undefined) refuse("a GNU long link name and a pax linkpath for one member");
        this.#pax = this.#paxGlobal === null ? pax : { ...this.#paxGlobal, ...pax };
        break;
      }
    }
    this.#recordType = null;
  }
}

/**
 * Throws the error for a header tar readers read differently from
 * tar-stream (Python's tarfile, GNU tar): the walk refuses the shard rather
 * than commit one reading of it.
 */
function refuse(what: string): never {
  throw new DatatraceError(`Invalid tar header: ${what}`);
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < 512; i++) if (block[i] !== 0) return false;
  return true;
}

/** The header's numeric fields: (offset, length) of mode, uid, gid, size, mtime, checksum, devmajor, devminor. */
const NUMERIC_FIELDS = [100, 8, 108, 8, 116, 8, 124, 12, 136, 12, 148, 8, 329, 8, 337, 8] as const;
const FIELD_NAMES = ["mode", "uid", "gid", "size", "mtime", "checksum", "devmajor", "devminor"] as const;

/**
 * Every numeric field must read the same in every tar reader: base-256 (first
 * byte 0x80 or 0xff), or spaces, octal digits, then only NULs and spaces
 * (all NUL or all spaces is 0). tar-stream takes the longest octal prefix
 * after skipping NULs, Python's tarfile cuts at the first NUL and accepts
 * `_`, signs and `0o`: `0000001_750` is 1 byte to one and 1,000 to the other.
 */
function checkNumericFields(block: Uint8Array): void {
  for (let f = 0; f < NUMERIC_FIELDS.length; f += 2) {
    const start = NUMERIC_FIELDS[f]!;
    const end = start + NUMERIC_FIELDS[f + 1]!;
    const first = block[start]!;
    if (first === 0x80 || first === 0xff) continue;
    let i = start;
    while (i < end && block[i] === 32) i++;
    while (i < end && block[i]! >= 0x30 && block[i]! <= 0x37) i++;
    while (i < end && (block[i] === 0 || block[i] === 32)) i++;
    if (i !== end) refuse(`the ${FIELD_NAMES[f / 2]} field is not a plain octal number`);
  }
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Whether `[offset, offset + length)` up to its first NUL is valid UTF-8. */
function validUtf8Field(block: Uint8Array, offset: number, length: number): boolean {
  const end = nulAt(block, offset, length);
  let i = offset;
  while (i < end && block[i]! < 0x80) i++;
  if (i === end) return true; // ASCII, the common case: no decoding
  try {
    STRICT_UTF8.decode(block.subarray(offset, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * Names must be valid UTF-8 (tar-stream replaces invalid bytes, Python keeps
 * them as surrogates), and a GNU-format header of a known type must not
 * carry a ustar prefix (tar-stream ignores it there, Python prepends it; a
 * GNU sparse header uses those bytes for its map, and is refused as such).
 */
function checkNames(block: Uint8Array, type: string | null): void {
  if (!validUtf8Field(block, 0, 100) || !validUtf8Field(block, 157, 100)) refuse("a name that is not valid UTF-8");
  const format = headerFormat(block);
  if (format === "ustar" && !validUtf8Field(block, 345, 155)) refuse("a name that is not valid UTF-8");
  if (format === "gnu" && type !== null) {
    for (let i = 345; i < 500; i++) if (block[i] !== 0) refuse("a GNU-format header with a name prefix (or incremental fields)");
  }
}

/** A GNU long name or link name record: valid UTF-8 up to its first NUL. */
function longName(data: Uint8Array): string {
  if (!validUtf8Field(data, 0, data.length)) refuse("a long name that is not valid UTF-8");
  return codec.decodeLongPath(data, "utf-8");
}

/**
 * A pax record set, strictly: `<length> <key>=<value>\n` records whose
 * lengths add up exactly (NUL padding after the last one allowed), UTF-8
 * keys, UTF-8 `path` and `linkpath` (other values, such as GNU tar's
 * binary SCHILY.xattr.* ones, are kept as they decode), `size` in decimal
 * digits only, `path` not empty, no
 * `hdrcharset` other than UTF-8 and no NUL in a path. tar-stream's parser
 * stops at the first record it cannot read and keeps a path with junk after
 * a wrong length; Python's refuses both.
 */
function decodePax(data: Uint8Array): Record<string, string> {
  const pax: Record<string, string> = {};
  let at = 0;
  while (at < data.length && data[at] !== 0) {
    let space = at;
    while (space < data.length && data[space]! >= 0x30 && data[space]! <= 0x39) space++;
    if (space === at || data[space] !== 32) refuse("a pax record without a length");
    const length = Number(STRICT_UTF8.decode(data.subarray(at, space)));
    const end = at + length;
    if (!(length > space - at + 1) || end > data.length || data[end - 1] !== 0x0a) refuse("a pax record whose length does not end it");
    const body = data.subarray(space + 1, end - 1);
    const equals = body.indexOf(0x3d);
    if (equals <= 0) refuse("a pax record without a key");
    let key: string;
    try {
      key = STRICT_UTF8.decode(body.subarray(0, equals));
    } catch {
      refuse("a pax key that is not valid UTF-8");
    }
    // Names must be UTF-8 (tar readers decode them differently otherwise); other values may be binary (GNU tar's SCHILY.xattr.*).
    const raw = body.subarray(equals + 1);
    if ((key === "path" || key === "linkpath") && !validUtf8Field(raw, 0, raw.length)) refuse(`a pax ${key} that is not valid UTF-8`);
    pax[key] = UTF8.decode(raw);
    at = end;
  }
  for (; at < data.length; at++) if (data[at] !== 0) refuse("bytes after the last pax record");
  if (pax.size !== undefined && !(/^[0-9]+$/u.test(pax.size) && Number(pax.size) <= Number.MAX_SAFE_INTEGER)) refuse(`a pax size that is not a whole number of bytes (${pax.size})`);
  if (pax.path === "") refuse("an empty pax path");
  if (pax.hdrcharset !== undefined && pax.hdrcharset !== "ISO-IR 10646 2000 UTF-8") refuse(`a pax hdrcharset of ${pax.hdrcharset}`);
  return validatePax(pax);
}

const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true }); // as Buffer#toString: a BOM is kept

/** First NUL in `block[offset, offset + length)`, or its end (tar-stream's `indexOf`). */
function nulAt(block: Uint8Array, offset: number, length: number): number {
  const end = offset + length;
  for (let i = offset; i < end; i++) if (block[i] === 0) return i;
  return end;
}

/** A NUL-terminated field as tar-stream's `decodeStr` reads it (UTF-8, invalid bytes replaced). */
function field(block: Uint8Array, offset: number, length: number): string {
  return UTF8.decode(block.subarray(offset, nulAt(block, offset, length)));
}

/** An octal field as tar-stream's `decodeOct` reads it (not base-256: callers check the first byte). */
function octal(block: Uint8Array, offset: number, length: number): number {
  let at = offset;
  const end0 = offset + length;
  while (at < end0 && block[at] === 32) at++;
  let end = at;
  while (end < end0 && block[end] !== 32) end++;
  while (at < end && block[at] === 0) at++;
  if (end === at) return 0;
  return parseInt(UTF8.decode(block.subarray(at, end)), 8);
}

/** "ustar\0" at 257 (ustar), or "ustar " + " \0" at 257 and 263 (GNU), as tar-stream's isUSTAR / isGNU. */
function headerFormat(block: Uint8Array): "ustar" | "gnu" | undefined {
  if (block[257] !== 0x75 || block[258] !== 0x73 || block[259] !== 0x74 || block[260] !== 0x61 || block[261] !== 0x72) return undefined;
  if (block[262] === 0) return "ustar";
  if (block[262] === 0x20 && block[263] === 0x20 && block[264] === 0) return "gnu";
  return undefined;
}

/**
 * tar-stream's `decode` of a regular-file header (type flag NUL or "0",
 * ustar or GNU magic, octal size and checksum, a valid checksum), limited to
 * the fields the walk uses; undefined for any other header, which then goes
 * to tar-stream's decoder (and its errors).
 */
export function decodeRegularFile(block: Uint8Array): { name: string; size: number; type: "file"; linkname: string | null } | undefined {
  const flag = block[156];
  if (flag !== 0 && flag !== 0x30) return undefined;
  if ((block[124]! & 0x80) !== 0 || (block[148]! & 0x80) !== 0) return undefined;
  const format = headerFormat(block);
  if (format === undefined) return undefined;
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += block[i]!;
  for (let i = 156; i < 512; i++) sum += block[i]!;
  if (sum === 8 * 32 || sum !== octal(block, 148, 8)) return undefined;
  let name = field(block, 0, 100);
  if (format === "ustar" && block[345] !== 0) name = `${field(block, 345, 155)}/${name}`;
  // No trailing-slash directory rule: tar-stream 3 applies it after computing the type, so such a member stays a "file" there too.
  return { name, size: octal(block, 124, 12), type: "file", linkname: block[157] === 0 ? null : field(block, 157, 100) };
}

function validatePax(pax: Record<string, string>): Record<string, string> {
  if (pax.path?.includes("\0") || pax.linkpath?.includes("\0")) throw new DatatraceError("Invalid tar header: pax path contains a null byte.");
  return pax;
}
