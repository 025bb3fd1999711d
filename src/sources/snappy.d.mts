/** Thrown for corrupt snappy input. */
export declare class SnappyError extends Error {}

/** Decompresses raw snappy `input` into `output` (exactly the uncompressed length); returns `output`. */
export declare function snappyDecompressInto(input: Uint8Array, output: Uint8Array): Uint8Array;

/** Decompresses raw snappy `input` into a new buffer of `outputLength` bytes. */
export declare function snappyDecompress(input: Uint8Array, outputLength: number): Uint8Array;
