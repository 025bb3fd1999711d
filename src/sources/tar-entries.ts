/**
 * The entries of one tar shard with their data, streamed through
 * `tar-stream`'s `extract` (ustar, GNU and pax headers, long names,
 * checksums), in archive order; gzip'd shards are decompressed by zlib
 * first. Used for gzip'd shards and `--group-by-key`; plain shards are
 * walked in place (tar-headers.ts).
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";

import { extract, type Header } from "tar-stream";

import { gunzipFile } from "./source-file.js";
import { DatatraceError } from "../errors/index.js";

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

function infoOf(header: Header, stream: { offset: number }): TarEntryInfo {
  return {
    name: header.name,
    type: header.type ?? null,
    size: header.size ?? 0,
    // `offset` is where the entry's own 512-byte header starts (after any pax / long-name records).
    dataOffset: stream.offset + 512,
    linkname: header.linkname ?? null,
  };
}

/** One entry and its data, as {@link tarEntriesWithData} yields them. */
export interface TarEntryWithData {
  readonly info: TarEntryInfo;
  /** The entry's data chunks; must be consumed (or drained) before the next entry. */
  readonly data: AsyncIterable<Uint8Array>;
}

/**
 * The entries of a tar file (gzip'd when `gzip`) with their data, every
 * byte streamed through tar-stream (zlib first for gzip). Rejects with the
 * decompression or tar error for a damaged or truncated archive.
 */
export async function* tarEntriesWithData(file: string, gzip: boolean): AsyncGenerator<TarEntryWithData> {
  const input: Readable = gzip ? gunzipFile(file) : createReadStream(file, { highWaterMark: 1024 * 1024 });
  const ex = extract();
  input.on("error", (error) => ex.destroy(error));
  input.pipe(ex as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of ex) {
      // A null size (base-256 size field not starting 0x80 / 0xff) passes tar-stream's check, but its entry never ends.
      if (entry.header.size === null || entry.header.size === undefined) throw new DatatraceError("Invalid header");
      let consumed = false;
      const data: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => {
          consumed = true;
          return (entry as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
        },
      };
      yield { info: infoOf(entry.header, entry), data };
      if (!consumed) for await (const chunk of entry as unknown as AsyncIterable<Uint8Array>) void chunk;
    }
  } finally {
    input.destroy();
    ex.destroy();
  }
}
