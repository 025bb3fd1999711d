/**
 * Reading the file behind a line or IDX source: opening it with an error that
 * names the source, decompressing a gzip'd file as a stream, and reading the
 * first bytes of a file (plain or gzip'd) to detect its kind or parse its header.
 */
import { createReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { createGunzip, type Gunzip } from "node:zlib";

import { describeFsError } from "./describe-fs-error.js";
import { SourceError } from "./source-error.js";

/** Bytes read (and decompressed) at a time from a gzip'd file. */
const GZIP_CHUNK_BYTES = 1024 * 1024;

/** Opens `file` for reading; a failure becomes a SourceError naming the source (`Cannot read <name>: permission denied.`). */
export async function openSourceFile(file: string, name: string): Promise<FileHandle> {
  try {
    return await open(file, "r");
  } catch (error) {
    throw new SourceError(name, `Cannot read ${name}: ${describeFsError(error)}.`, { cause: error });
  }
}

/**
 * `file` decompressed, as a stream of chunks. A read error of the file
 * surfaces as an error of the stream; destroying the stream closes the file.
 */
export function gunzipFile(file: string): Gunzip {
  const input = createReadStream(file, { highWaterMark: GZIP_CHUNK_BYTES });
  const gunzip = createGunzip({ chunkSize: GZIP_CHUNK_BYTES });
  input.on("error", (error) => gunzip.destroy(error));
  gunzip.once("close", () => input.destroy());
  return input.pipe(gunzip);
}

/**
 * The first `count` bytes of `file` (fewer when it is shorter), decompressed
 * first when `gzip`. Rejects when the file cannot be read, or is not valid
 * gzip within the bytes needed.
 */
export async function readFileHead(file: string, count: number, gzip: boolean): Promise<Uint8Array> {
  const stream = gzip ? gunzipFile(file) : createReadStream(file, { start: 0, end: Math.max(0, count - 1) });
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= count) break;
    }
  } finally {
    stream.destroy();
  }
  return new Uint8Array(Buffer.concat(parts, length).subarray(0, count));
}
