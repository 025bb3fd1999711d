// Hashing of one sample batch (see src/sources/sample-batch.ts): the code that
// runs inside the hashing workers, and in the main thread when threads = 0.
//
// Plain JavaScript on purpose: worker threads do not inherit the TypeScript
// loader (tsx, Hardhat) of the main thread, so the worker entry and what it
// imports must be loadable by bare Node. Types: hash-batch.d.mts.
import { createHash, hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

import { createScratch, decodeColumnPages } from "../sources/parquet-pages.mjs";
import { scanTarRange } from "../sources/tar-scan.mjs";

/** Files above this size are hashed in chunks instead of read whole. */
const STREAM_THRESHOLD = 64 * 1024 * 1024;
const STREAM_CHUNK = 4 * 1024 * 1024;

/** This thread's reused read buffer (whole files, IDX records, pieces of tar shards and Parquet pages). */
let scratch = new Uint8Array(1024 * 1024);
/** Decoding memory for Parquet pages, reused from batch to batch. */
let pageScratch;
/**
 * Bytes of `file-segments` and `parquet-file-pages` batches are read from the
 * file piece by piece into this thread's own reused buffer, never into the
 * slot's shared memory. Measured on our 2-vCPU VMs: the first touch of fresh
 * memory costs ≈ 18 µs per 4 KiB page (20 MiB of slots ≈ 95 ms of CPU per
 * run, a sixth of hashing 1 GB), and V8 copies out of shared memory byte by
 * byte (≈ 10× slower than out of an ArrayBuffer), which decompressing
 * Parquet pages does.
 */
export const READ_PIECE = 1024 * 1024;

function ensureScratch(size) {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  return scratch;
}

/** Error carrying the failing sample's position in the batch and the errno code. */
export class SampleReadError extends Error {
  constructor(index, path, cause) {
    // Our own codes carry a sentence; for errno codes (EACCES…) the code is what callers map.
    const ours = typeof cause?.code === "string" && /^E(TRUNCATED|PARQUETNULL|REPLACED)$/u.test(cause.code);
    super(`cannot read ${path}: ${ours ? cause.message : (cause?.code ?? cause?.message ?? cause)}`);
    this.name = "SampleReadError";
    this.index = index;
    this.code = cause?.code;
  }
}

function hashFile(path, digests, at) {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > STREAM_THRESHOLD) {
      const h = createHash("sha256");
      const chunk = ensureScratch(STREAM_CHUNK);
      let total = 0;
      for (;;) {
        const n = readSync(fd, chunk, 0, STREAM_CHUNK, null);
        if (n === 0) break;
        h.update(chunk.subarray(0, n));
        total += n;
      }
      digests.set(h.digest(), at);
      return total;
    }
    // Read into a reused buffer; keep reading if the file grew meanwhile.
    let buf = ensureScratch(size + 1);
    let fill = 0;
    for (;;) {
      if (fill === buf.length) buf = ensureScratch(buf.length * 2);
      const n = readSync(fd, buf, fill, buf.length - fill, null);
      if (n === 0) break;
      fill += n;
    }
    digests.set(hash("sha256", buf.subarray(0, fill), "buffer"), at);
    return fill;
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens `path` for a batch read and checks that it is still the file the
 * source walked (`file`: its device and inode numbers), not one put in its
 * place since; an error is sample 0's.
 */
function openForBatch(path, file) {
  let fd;
  try {
    fd = openSync(path, "r");
    const { dev, ino } = fstatSync(fd);
    if (dev !== file.dev || ino !== file.ino) {
      throw { code: "EREPLACED", message: "the file was replaced while it was being hashed; rerun once the data stops changing" };
    }
    return fd;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw new SampleReadError(0, path, error);
  }
}

/**
 * Reads `length` bytes at `position` of `fd` into `target` (from 0). An error
 * or a short file is the error of sample `indexAt(bytes read so far)`.
 */
function readPiece(fd, path, target, length, position, indexAt) {
  let fill = 0;
  try {
    while (fill < length) {
      const n = readSync(fd, target, fill, length - fill, position + fill);
      if (n === 0) break;
      fill += n;
    }
  } catch (error) {
    throw new SampleReadError(indexAt(fill), path, error);
  }
  if (fill < length) {
    throw new SampleReadError(indexAt(fill), path, {
      code: "ETRUNCATED",
      message: `file ended at byte ${position + fill}, expected ${position + length} (it shrank while being read)`,
    });
  }
}

/**
 * Reads the samples of a batch from `fd`, sample i lying within file bytes
 * `[starts[i], ends[i])` (ascending, not overlapping): runs of whole
 * samples up to READ_PIECE are read at once and handed to `whole(i, buf,
 * base)` (`buf` holds the file from `base`); a larger sample goes to
 * `large(i)`, which reads it in pieces itself. A read error or a short file
 * is the error of the sample it falls in.
 */
function readInRuns(fd, path, starts, ends, whole, large) {
  const count = starts.length;
  for (let i = 0; i < count; ) {
    const start = starts[i];
    if (ends[i] - start > READ_PIECE) {
      large(i);
      i++;
      continue;
    }
    let last = i; // the run: samples i..last, whole, within READ_PIECE of start
    while (last + 1 < count && ends[last + 1] - start <= READ_PIECE) last++;
    const runEnd = ends[last];
    const buf = ensureScratch(runEnd - start);
    readPiece(fd, path, buf, runEnd - start, start, (fill) => {
      let j = i;
      while (j < last && ends[j] - start <= fill) j++;
      return j;
    });
    for (; i <= last; i++) whole(i, buf, start);
  }
}

/** Feeds `[a, b)` of `fd` to `h` in READ_PIECE pieces; errors are sample `index`'s. */
function updateFromFile(h, fd, path, a, b, index) {
  const buf = ensureScratch(READ_PIECE);
  for (let p = a; p < b; p += READ_PIECE) {
    const n = Math.min(READ_PIECE, b - p);
    readPiece(fd, path, buf, n, p, () => index);
    h.update(buf.subarray(0, n));
  }
}

/**
 * `file-segments`: sample i is `[offset + bounds[2i], offset + bounds[2i+1])`
 * of the file (bounds ascending), read in runs (readInRuns).
 */
function hashFileSegments(message, digests) {
  const { path, offset, bounds, count } = message;
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    starts[i] = offset + bounds[2 * i];
    ends[i] = offset + bounds[2 * i + 1];
  }
  const fd = openForBatch(path, message.file);
  try {
    readInRuns(
      fd,
      path,
      starts,
      ends,
      (i, buf, base) => digests.set(hash("sha256", buf.subarray(starts[i] - base, ends[i] - base), "buffer"), 32 * i),
      (i) => {
        const h = createHash("sha256");
        updateFromFile(h, fd, path, starts[i], ends[i], i);
        digests.set(h.digest(), 32 * i);
      },
    );
  } finally {
    closeSync(fd);
  }
  let bytes = 0;
  for (let i = 0; i < count; i++) bytes += ends[i] - starts[i];
  return bytes;
}

/**
 * `file-groups`: sample i is its parts, each a few framing bytes then a
 * range of the file (see FileGroupsBatch), hashed incrementally: nothing is
 * copied but the read. A sample's ranges lie within its key's span, so
 * samples are read in runs of spans (readInRuns).
 */
function hashFileGroups(message, digests) {
  const { path, count, parts, partEnds, framing, framingEnds } = message;
  const firstPart = (i) => (i === 0 ? 0 : partEnds[i - 1]);
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    let lo = Infinity;
    let hi = 0;
    for (let j = firstPart(i); j < partEnds[i]; j++) {
      lo = Math.min(lo, parts[2 * j]);
      hi = Math.max(hi, parts[2 * j + 1]);
      bytes += framingEnds[j] - (j === 0 ? 0 : framingEnds[j - 1]) + parts[2 * j + 1] - parts[2 * j];
    }
    starts[i] = lo === Infinity ? (i === 0 ? 0 : ends[i - 1]) : lo;
    ends[i] = lo === Infinity ? starts[i] : hi;
  }
  /** Hashes sample i's parts; `buf` holds the file from `base`, or undefined to read each part in pieces. */
  const hashSample = (i, fd, buf, base) => {
    const h = createHash("sha256");
    for (let j = firstPart(i); j < partEnds[i]; j++) {
      h.update(framing.subarray(j === 0 ? 0 : framingEnds[j - 1], framingEnds[j]));
      if (buf !== undefined) h.update(buf.subarray(parts[2 * j] - base, parts[2 * j + 1] - base));
      else updateFromFile(h, fd, path, parts[2 * j], parts[2 * j + 1], i);
    }
    digests.set(h.digest(), 32 * i);
  };
  const fd = openForBatch(path, message.file);
  try {
    readInRuns(fd, path, starts, ends, (i, buf, base) => hashSample(i, fd, buf, base), (i) => hashSample(i, fd, undefined, 0));
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function hashSegments(data, bounds, count, digests) {
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const start = bounds[2 * i];
    const end = bounds[2 * i + 1];
    digests.set(hash("sha256", data.subarray(start, end), "buffer"), 32 * i);
    bytes += end - start;
  }
  return bytes;
}

/** Decodes whole pages of one column and hashes row `row.i`'s value into digest `row.i`, for every row (`row` carries on across calls). */
function hashPages(pages, column, count, digests, state, row) {
  pageScratch ??= createScratch();
  decodeColumnPages(
    pages,
    column,
    pageScratch,
    (value) => {
      const i = row.i;
      if (i >= count) throw new Error(`the pages hold more than the ${count} rows announced`);
      if (value === null) {
        throw new SampleReadError(i, column.pathInSchema.join("."), {
          code: "EPARQUETNULL",
          message: "a null value, though the file's statistics say this column chunk has none",
        });
      }
      digests.set(hash("sha256", value, "buffer"), 32 * i);
      row.bytes += value.length;
      row.i++;
    },
    state,
  );
}

/**
 * `parquet-file-pages`: whole pages at `[offset, offset + byteLength)` of the
 * file, page k ending at `pageEnds[k]` (relative to `offset`), decoded after
 * `dictionaryPage`. Runs of whole pages up to READ_PIECE are read at once (a
 * larger page alone).
 */
function hashFilePages(message, digests) {
  const { path, offset, pageEnds, column, count } = message;
  pageScratch ??= createScratch();
  const state = {};
  if (message.dictionaryPage.length > 0) decodeColumnPages(message.dictionaryPage, column, pageScratch, () => undefined, state);
  const row = { i: 0, bytes: 0 };
  const fd = openForBatch(path, message.file);
  try {
    for (let k = 0, start = 0; k < pageEnds.length; ) {
      let last = k;
      while (last + 1 < pageEnds.length && pageEnds[last + 1] - start <= READ_PIECE) last++;
      const length = pageEnds[last] - start;
      const buf = ensureScratch(length);
      readPiece(fd, path, buf, length, offset + start, () => row.i);
      hashPages(buf.subarray(0, length), column, count, digests, state, row);
      start = pageEnds[last];
      k = last + 1;
    }
  } finally {
    closeSync(fd);
  }
  if (row.i !== count) throw new Error(`the pages hold ${row.i} rows, ${count} were announced`);
  return row.bytes;
}

/**
 * Runs one batch message: {@link hashBatch}, or for a `tar-scan` batch
 * (tar-scan.mjs) the range's walk, whose `scan` the main thread needs.
 * Returns { bytes, scan? }.
 */
export function runBatch(message, digests) {
  if (message.kind !== "tar-scan") return { bytes: hashBatch(message, digests) };
  const fd = openForBatch(message.path, message.file);
  try {
    return scanTarRange(message, digests, fd, ensureScratch, READ_PIECE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Hashes one batch message; writes `count` digests into `digests` (32 bytes
 * each, in batch order) and returns the number of sample bytes hashed.
 * Message shapes: { kind: "files", paths }, { kind: "records", path, offset,
 * recordSize, count }, { kind: "segments", data, bounds, count },
 * { kind: "parquet-pages", data, byteLength, column, count },
 * { kind: "file-segments", path, file, offset, bounds, count } (samples read
 * from the file), { kind: "file-groups", path, file, count, parts, partEnds,
 * framing, framingEnds } (WebDataset keys read from the file), { kind: "parquet-file-pages", path, file, offset, pageEnds,
 * dictionaryPage, column, count } (pages read from the file); `file` is
 * { dev, ino } of the file the source walked.
 */
export function hashBatch(message, digests) {
  if (message.kind === "files") {
    let bytes = 0;
    const paths = message.paths;
    for (let i = 0; i < paths.length; i++) {
      try {
        bytes += hashFile(paths[i], digests, 32 * i);
      } catch (error) {
        throw new SampleReadError(i, paths[i], error);
      }
    }
    return bytes;
  }
  if (message.kind === "records") {
    const { path, offset, recordSize, count } = message;
    const total = recordSize * count;
    const buf = ensureScratch(total);
    let fill = 0;
    let fd;
    try {
      fd = openSync(path, "r");
      while (fill < total) {
        const n = readSync(fd, buf, fill, total - fill, offset + fill);
        if (n === 0) break;
        fill += n;
      }
    } catch (error) {
      throw new SampleReadError(Math.floor(fill / recordSize), path, error);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (fill < total) {
      throw new SampleReadError(Math.floor(fill / recordSize), path, {
        code: "ETRUNCATED",
        message: `file ended at byte ${offset + fill}, expected ${offset + total} (it shrank while being read)`,
      });
    }
    for (let i = 0; i < count; i++) {
      digests.set(hash("sha256", buf.subarray(i * recordSize, (i + 1) * recordSize), "buffer"), 32 * i);
    }
    return total;
  }
  if (message.kind === "segments") return hashSegments(message.data, message.bounds, message.count, digests);
  if (message.kind === "file-segments") return hashFileSegments(message, digests);
  if (message.kind === "file-groups") return hashFileGroups(message, digests);
  if (message.kind === "parquet-pages") {
    const row = { i: 0, bytes: 0 };
    hashPages(message.data.subarray(0, message.byteLength), message.column, message.count, digests, {}, row);
    if (row.i !== message.count) throw new Error(`the pages hold ${row.i} rows, ${message.count} were announced`);
    return row.bytes;
  }
  if (message.kind === "parquet-file-pages") return hashFilePages(message, digests);
  throw new Error(`unknown batch kind ${message.kind}`);
}
