/**
 * Partial leaf files: the output of one part of a split run (`--part i/n`),
 * merged later into the manifest a single run would give.
 *
 * Layout: `"DTPART01"` ‖ u32 BE header length ‖ header JSON ‖ records ‖
 * trailer JSON ‖ u32 BE trailer length ‖ `"DTPEND01"`. The header names the
 * source set (a SHA-256 over the source descriptions, their fingerprints and
 * the private flag) and the part; records are sample records
 * (`sample-record.ts`) sorted by hash, source, ordinal; the trailer counts
 * them. A file without the end marker is incomplete and refused.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

import type { SourceDescription } from "../sources/index.js";
import type { RecordSink } from "./sample-record.js";
import { encodeRecord, maxEncodedSize, RECORD_FIXED_BYTES } from "./sample-record.js";
import { DatatraceError } from "../errors/index.js";

const MAGIC = Buffer.from("DTPART01", "latin1");
const END_MAGIC = Buffer.from("DTPEND01", "latin1");
/** Value of the header's `format`. */
export const PARTIAL_FORMAT = "datatrace-partial/1";

/** Header of a partial leaf file. */
export interface PartialHeader {
  readonly format: typeof PARTIAL_FORMAT;
  /** SHA-256 (hex) identifying the source set; equal for every part of one run. */
  readonly sourceSet: string;
  /** 1-based part number. */
  readonly part: number;
  readonly parts: number;
  readonly private: boolean;
  readonly sources: readonly SourceDescription[];
  /** One fingerprint per source (listing, sizes): parts must agree on them. */
  readonly fingerprints: readonly string[];
}

/** Trailer of a partial leaf file. */
export interface PartialTrailer {
  readonly records: number;
  readonly totalBytes: number;
}

/** Writes a partial leaf file to a temporary name, renamed when complete. */
export class PartialWriter {
  readonly file: string;
  readonly #temp: string;
  readonly #fd: number;
  #buffer = Buffer.allocUnsafe(1024 * 1024);
  #fill = 0;
  #records = 0;

  constructor(file: string, header: PartialHeader) {
    this.file = path.resolve(file);
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.#temp = `${this.file}.tmp-${process.pid}`;
    this.#fd = openSync(this.#temp, "w");
    const json = Buffer.from(JSON.stringify(header), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    this.#write(Buffer.concat([MAGIC, length, json]));
  }

  /** Appends one record (records must come sorted). */
  readonly push: RecordSink = (hashes, offset, source, ordinal, id) => {
    if (this.#fill + maxEncodedSize(id) > this.#buffer.length) this.#flush();
    if (maxEncodedSize(id) > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(maxEncodedSize(id));
    this.#fill = encodeRecord(this.#buffer, this.#fill, hashes.subarray(offset, offset + 32), source, ordinal, id);
    this.#records++;
  };

  /** Writes the trailer and moves the file into place. */
  finish(totalBytes: number): PartialTrailer {
    this.#flush();
    const trailer: PartialTrailer = { records: this.#records, totalBytes };
    const json = Buffer.from(JSON.stringify(trailer), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    this.#write(Buffer.concat([json, length, END_MAGIC]));
    closeSync(this.#fd);
    renameSync(this.#temp, this.file);
    return trailer;
  }

  /** Deletes the temporary file (after a failure). */
  abort(): void {
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    rmSync(this.#temp, { force: true });
  }

  #flush(): void {
    this.#write(this.#buffer.subarray(0, this.#fill));
    this.#fill = 0;
  }

  #write(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length; ) done += writeSync(this.#fd, bytes, done, bytes.length - done);
  }
}

/** An opened, complete partial file: header, trailer and where its records lie. */
export interface PartialFileInfo {
  readonly file: string;
  readonly header: PartialHeader;
  readonly trailer: PartialTrailer;
  readonly recordsStart: number;
  readonly recordsEnd: number;
}

/** Reads and checks the header and trailer of a partial file. */
export function readPartialInfo(file: string): PartialFileInfo {
  const shown = file;
  if (!existsSync(file)) throw new DatatraceError(`Partial file ${shown} does not exist.`);
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const readAt = (position: number, length: number): Buffer => {
      const b = Buffer.alloc(length);
      readSync(fd, b, 0, length, position);
      return b;
    };
    if (size < 12 + 12 || !readAt(0, 8).equals(MAGIC)) {
      throw new DatatraceError(`${shown} is not a Datatrace partial leaf file (no DTPART01 magic). Pass the files written by --part.`);
    }
    if (!readAt(size - 8, 8).equals(END_MAGIC)) {
      throw new DatatraceError(`${shown} is incomplete (no end marker): its part was interrupted. Run that part again.`);
    }
    const headerLength = readAt(8, 4).readUInt32BE(0);
    const trailerLength = readAt(size - 12, 4).readUInt32BE(0);
    const recordsStart = 12 + headerLength;
    const recordsEnd = size - 12 - trailerLength;
    if (recordsEnd < recordsStart) throw new DatatraceError(`${shown} is corrupt: header and trailer overlap.`);
    let header: PartialHeader;
    let trailer: PartialTrailer;
    try {
      header = JSON.parse(readAt(12, headerLength).toString("utf8")) as PartialHeader;
      trailer = JSON.parse(readAt(recordsEnd, trailerLength).toString("utf8")) as PartialTrailer;
    } catch (error) {
      throw new DatatraceError(`${shown} is corrupt: unreadable header or trailer JSON.`, { cause: error });
    }
    if (header.format !== PARTIAL_FORMAT) {
      throw new DatatraceError(`${shown} has format ${JSON.stringify(header.format)}, expected "${PARTIAL_FORMAT}".`);
    }
    return { file, header, trailer, recordsStart, recordsEnd };
  } finally {
    closeSync(fd);
  }
}

/** Pull-based reader of the records of one partial file, in file order. */
export class PartialRecordCursor {
  readonly info: PartialFileInfo;
  /** Current record (valid after `next()` returned true, until the next call). */
  hash: Uint8Array = new Uint8Array(32);
  source = 0;
  ordinal = 0;
  id = "";
  readonly #fd: number;
  #buffer = Buffer.allocUnsafe(1024 * 1024);
  #start = 0;
  #fill = 0;
  #position: number;
  #read = 0;

  constructor(info: PartialFileInfo) {
    this.info = info;
    this.#fd = openSync(info.file, "r");
    this.#position = info.recordsStart;
  }

  /** Moves to the next record; false at the end. Throws on a record cut short. */
  next(): boolean {
    if (this.#fill - this.#start < RECORD_FIXED_BYTES || this.#fill - this.#start < this.#needed()) this.#refill();
    if (this.#fill === this.#start) {
      if (this.#read !== this.info.trailer.records) {
        throw new DatatraceError(`${this.info.file} holds ${this.#read} records but its trailer says ${this.info.trailer.records}: it is corrupt.`);
      }
      return false;
    }
    const need = this.#needed();
    if (this.#fill - this.#start < need) throw new DatatraceError(`${this.info.file} ends inside a record: it is corrupt.`);
    const at = this.#start;
    const b = this.#buffer;
    this.hash = b.subarray(at, at + 32);
    this.source = b.readUInt32BE(at + 32);
    this.ordinal = b.readDoubleBE(at + 36);
    this.id = b.toString("utf8", at + RECORD_FIXED_BYTES, at + need);
    this.#start += need;
    this.#read++;
    return true;
  }

  close(): void {
    closeSync(this.#fd);
  }

  #needed(): number {
    if (this.#fill - this.#start < RECORD_FIXED_BYTES) return RECORD_FIXED_BYTES;
    return RECORD_FIXED_BYTES + this.#buffer.readUInt32BE(this.#start + 44);
  }

  #refill(): void {
    const left = this.#fill - this.#start;
    // Keep the current record's bytes valid: refill into a fresh buffer.
    const need = Math.max(this.#needed(), RECORD_FIXED_BYTES);
    const next = Buffer.allocUnsafe(Math.max(this.#buffer.length, need * 2));
    this.#buffer.copy(next, 0, this.#start, this.#fill);
    this.#buffer = next;
    this.#start = 0;
    this.#fill = left;
    while (this.#fill < this.#buffer.length && this.#position < this.info.recordsEnd) {
      const n = readSync(this.#fd, this.#buffer, this.#fill, Math.min(this.#buffer.length - this.#fill, this.info.recordsEnd - this.#position), this.#position);
      if (n === 0) break;
      this.#fill += n;
      this.#position += n;
    }
  }
}
