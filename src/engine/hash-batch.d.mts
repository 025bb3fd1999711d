import type { ParquetColumnCodec } from "../sources/parquet-pages.mjs";
import type { FileGroupsBatch, FileSegmentsBatch, ParquetFilePagesBatch, TarScanBatch, TarScanResult } from "../sources/index.js";

/** A batch as posted to a hashing worker (the serializable part of a SampleBatch; a slot's bounds travel as `bounds`). */
export type HashBatchMessage =
  | { readonly kind: "files"; readonly paths: readonly string[] }
  | { readonly kind: "records"; readonly path: string; readonly offset: number; readonly recordSize: number; readonly count: number }
  | { readonly kind: "segments"; readonly data: Uint8Array; readonly bounds: Uint32Array; readonly count: number }
  | { readonly kind: "parquet-pages"; readonly data: Uint8Array; readonly byteLength: number; readonly column: ParquetColumnCodec; readonly count: number }
  | (Pick<FileSegmentsBatch, "kind" | "path" | "file" | "offset" | "count"> & { readonly bounds: Uint32Array })
  | Pick<FileGroupsBatch, "kind" | "path" | "file" | "count" | "parts" | "partEnds" | "framing" | "framingEnds">
  | Pick<ParquetFilePagesBatch, "kind" | "path" | "file" | "offset" | "pageEnds" | "dictionaryPage" | "column" | "count">
  | (Pick<TarScanBatch, "kind" | "path" | "file" | "start" | "end" | "size"> & { readonly data: Uint8Array; readonly bounds: Uint32Array });

/** Thrown by {@link hashBatch} when a sample cannot be read; `index` is its position in the batch. */
export declare class SampleReadError extends Error {
  readonly index: number;
  readonly code: string | undefined;
}

/** Hashes every sample of a batch (SHA-256) into `digests` (32 bytes each, batch order); returns the bytes hashed. */
export declare function hashBatch(message: HashBatchMessage, digests: Uint8Array): number;

/** Runs one batch: its bytes hashed and, for a `tar-scan` batch, what the worker found (tar-scan.mjs). */
export declare function runBatch(message: HashBatchMessage, digests: Uint8Array): { bytes: number; scan?: TarScanResult };

/** Bytes a worker reads at a time from a file it reads by path. */
export declare const READ_PIECE: number;
