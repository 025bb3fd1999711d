import type { CompressionCodec, Compressors, ParquetParsers, ParquetType, SchemaTree } from "hyparquet";

/** What a worker needs to decode one column's pages (structured-cloneable). */
export interface ParquetColumnCodec {
  /** Path of the leaf column, e.g. ["image", "bytes"]. */
  readonly pathInSchema: readonly string[];
  readonly type: ParquetType;
  readonly codec: CompressionCodec;
  readonly maxDefinitionLevel: number;
  /** Schema path from the root to the leaf; only the `element`s are read. */
  readonly leafPath: readonly SchemaTree[];
}

/** Reusable decoding memory (see createScratch). */
export interface PageScratch {
  page: Uint8Array;
  dict: Uint8Array;
}

/** Parsers that keep every byte-array value as its bytes. */
export declare const BYTES_PARSERS: ParquetParsers;

/** Whether pages compressed with `codec` can be decompressed here. */
export declare function supportedCodec(codec: CompressionCodec): boolean;

/** Decompressors for hyparquet's `compressors` option, each returning a fresh buffer. */
export declare function freshCompressors(): Compressors;

/** Fresh reusable decoding memory. */
export declare function createScratch(): PageScratch;

/**
 * Decodes an optional dictionary page followed by whole data pages of one
 * column chunk; calls `onRow` per row with the value's bytes (valid until
 * the next call) or null; returns the number of rows. `state` keeps the
 * chunk's dictionary between calls.
 */
export declare function decodeColumnPages(
  bytes: Uint8Array,
  column: ParquetColumnCodec,
  scratch: PageScratch,
  onRow: (value: Uint8Array | null) => void,
  state?: { dictionary?: unknown },
): number;
