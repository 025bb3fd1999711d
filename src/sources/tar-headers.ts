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

  /** Decodes the 512-byte `block` found at file offset `offset`. Throws tar-stream's error for a bad header. */
  block(block: Uint8Array, offset: number): TarBlock {
    const header = decodeRegularFile(block) ?? codec.decode(block, "utf-8", false);
    if (header === null) return { kind: "zero" };
    const type = header.type as string | null;
    if (type === "pax-header" || type === "pax-global-header" || type === "gnu-long-path" || type === "gnu-long-link-path") {
      // A null size (see below) is refused too: extract kept such a record pending and later swallowed bytes after a member as it.
      if (typeof header.size !== "number" || !(header.size >= 0)) throw new DatatraceError("Invalid header");
      if (header.size > MAX_RECORD_BYTES) throw new DatatraceError("Header exceeds max size");
      this.#recordType = type;
      return { kind: "record", size: header.size, dataOffset: offset + 512 };
    }
    let name = header.name;
    let linkname = header.linkname ?? null;
    let size = header.size;
    if (this.#longPath !== null) name = this.#longPath;
    if (this.#longLinkPath !== null) linkname = this.#longLinkPath;
    if (this.#pax !== null) {
      if (this.#pax.path) name = this.#pax.path;
      if (this.#pax.linkpath) linkname = this.#pax.linkpath;
      if (this.#pax.size) size = parseInt(this.#pax.size, 10);
    }
    this.#longPath = null;
    this.#longLinkPath = null;
    this.#pax = null;
    // tar-stream's own test is `!(size >= 0)`, which a null size (a base-256 size field whose first byte is
    // neither 0x80 nor 0xff) passes; its extract then never ended that entry. Refused.
    if (typeof size !== "number" || !(size >= 0)) throw new DatatraceError("Invalid header");
    return { kind: "entry", info: { name, type: header.type ?? null, size, dataOffset: offset + 512, linkname } };
  }

  /** Takes the data of the record announced by the last {@link block}. */
  record(data: Uint8Array): void {
    switch (this.#recordType) {
      case "gnu-long-path":
        this.#longPath = codec.decodeLongPath(data, "utf-8");
        break;
      case "gnu-long-link-path":
        this.#longLinkPath = codec.decodeLongPath(data, "utf-8");
        break;
      case "pax-global-header":
        this.#paxGlobal = validatePax(codec.decodePax(data));
        break;
      case "pax-header":
        this.#pax = this.#paxGlobal === null ? validatePax(codec.decodePax(data)) : { ...this.#paxGlobal, ...validatePax(codec.decodePax(data)) };
        break;
    }
    this.#recordType = null;
  }
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
