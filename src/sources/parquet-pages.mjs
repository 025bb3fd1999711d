// Decoding the pages of one Parquet column chunk into its row values, for a
// `--column` sample (one BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY leaf that is not
// repeated). Used both by the hashing workers (`parquet-pages` batches: the
// main thread only reads the raw pages into shared memory, the workers
// decompress, decode and hash them in parallel) and by the main thread when
// the column holds nulls (which are skipped and counted).
//
// The Parquet work itself is hyparquet's: page headers (`parquetHeader`),
// definition levels, PLAIN / dictionary / delta encodings (`readDataPage`,
// `readDataPageV2`, `readPlain`, `convertWithDictionary`). What is ours is the
// page loop over bytes we read ourselves into reused buffers, and the
// decompressors (snappy.mjs, measured; node:zlib for GZIP, BROTLI, ZSTD).
// hyparquet's own reader (`parquetRead`) allocates a fresh buffer per column
// chunk and per page, which on our machines costs more than hashing the bytes.
//
// Plain JavaScript so that the hashing workers can load it without a
// TypeScript loader. Types: parquet-pages.d.mts.
import * as zlib from "node:zlib";

import { parquetHeader } from "hyparquet/src/column.js";
import { convert, convertWithDictionary } from "hyparquet/src/convert.js";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { readPlain } from "hyparquet/src/plain.js";

import { snappyDecompress, snappyDecompressInto } from "./snappy.mjs";

/** Parsers that keep every byte-array value as its bytes (no UTF-8, JSON or UUID decoding). */
export const BYTES_PARSERS = {
  timestampFromMilliseconds: (v) => v,
  timestampFromMicroseconds: (v) => v,
  timestampFromNanoseconds: (v) => v,
  dateFromDays: (v) => v,
  stringFromBytes: (v) => v,
  jsonFromBytes: (v) => v,
  geometryFromBytes: (v) => v,
  geographyFromBytes: (v) => v,
  uuidFromBytes: (v) => v,
};

/** Codecs we can decompress (LZO, LZ4 and LZ4_RAW are not). */
export function supportedCodec(codec) {
  if (codec === "ZSTD") return typeof zlib.zstdDecompressSync === "function";
  return codec === "UNCOMPRESSED" || codec === "SNAPPY" || codec === "GZIP" || codec === "BROTLI";
}

function zlibCompressors() {
  const out = {
    GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
    BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  };
  if (typeof zlib.zstdDecompressSync === "function") out.ZSTD = (input) => new Uint8Array(zlib.zstdDecompressSync(input));
  return out;
}

/** Decompressors for hyparquet's `compressors` option, each returning a fresh buffer. */
export function freshCompressors() {
  return { SNAPPY: snappyDecompress, ...zlibCompressors() };
}

/**
 * Reusable memory for decoding pages: decompressed data pages go to `page`
 * (overwritten by the next page), dictionary pages to `dict` (kept until the
 * next dictionary page).
 */
export function createScratch() {
  return { page: new Uint8Array(1 << 20), dict: new Uint8Array(1 << 16) };
}

function room(scratch, key, size) {
  if (scratch[key].length < size) scratch[key] = new Uint8Array(Math.max(size, 2 * scratch[key].length));
  return scratch[key].subarray(0, size);
}

function decoderFor(column, scratch) {
  return {
    pathInSchema: column.pathInSchema,
    type: column.type,
    element: column.leafPath[column.leafPath.length - 1].element,
    schemaPath: column.leafPath,
    codec: column.codec,
    parsers: BYTES_PARSERS,
    utf8: false,
    compressors: { ...zlibCompressors(), SNAPPY: (input, size) => snappyDecompressInto(input, room(scratch, "page", size)) },
  };
}

/**
 * Decodes `bytes`: an optional dictionary page followed by whole data pages
 * of one column chunk. Calls `onRow(value)` once per row, in order, with the
 * value's bytes (a view into `bytes` or `scratch`, valid only during the
 * call) or null. Returns the number of rows.
 *
 * `column`: { pathInSchema, type, codec, maxDefinitionLevel, leafPath } where
 * `leafPath` is the schema path from the root to the leaf (hyparquet
 * SchemaTree nodes; only their `element`s are read). `state.dictionary`
 * carries a decoded dictionary page from one call to the next (pages of one
 * chunk decoded piece by piece); a dictionary page in `bytes` replaces it.
 */
export function decodeColumnPages(bytes, column, scratch, onRow, state = {}) {
  const decoder = decoderFor(column, scratch);
  const maxDef = column.maxDefinitionLevel;
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let rows = 0;
  const emit = (count, definitionLevels, values) => {
    let k = 0;
    for (let i = 0; i < count; i++) {
      const present = !definitionLevels || definitionLevels.length === 0 || definitionLevels[i] === maxDef;
      onRow(present ? values[k++] : null);
    }
    rows += count;
  };
  while (reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const size = header.compressed_page_size;
    if (reader.offset + size > bytes.byteLength) throw new Error(`a ${header.type} page runs past the end of the column chunk`);
    const body = bytes.subarray(reader.offset, reader.offset + size);
    reader.offset += size;
    if (header.type === "DICTIONARY_PAGE") {
      const dph = header.dictionary_page_header;
      // Kept for the following data pages: not in scratch.page, which each data page overwrites.
      const page =
        column.codec === "SNAPPY"
          ? snappyDecompressInto(body, room(scratch, "dict", header.uncompressed_page_size))
          : decompressPage(body, header.uncompressed_page_size, column.codec, decoder.compressors);
      const plain = readPlain({ view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }, column.type, dph.num_values, decoder.element.type_length);
      state.dictionary = convert(plain, decoder);
    } else if (header.type === "DATA_PAGE") {
      const dph = header.data_page_header;
      const page = decompressPage(body, header.uncompressed_page_size, column.codec, decoder.compressors);
      const { definitionLevels, repetitionLevels, dataPage } = readDataPage(page, dph, decoder);
      if (repetitionLevels?.length > 0) throw new Error("a repeated column cannot be read as one value per row");
      emit(dph.num_values, definitionLevels, convertWithDictionary(dataPage, state.dictionary, dph.encoding, decoder));
    } else if (header.type === "DATA_PAGE_V2") {
      const dph = header.data_page_header_v2;
      const { definitionLevels, repetitionLevels, dataPage } = readDataPageV2(body, header, decoder);
      if (repetitionLevels?.length > 0) throw new Error("a repeated column cannot be read as one value per row");
      emit(dph.num_values, definitionLevels, convertWithDictionary(dataPage, state.dictionary, dph.encoding, decoder));
    }
    // INDEX_PAGE: nothing to decode.
  }
  return rows;
}
