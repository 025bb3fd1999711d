/** Read size of {@link hashFileSync}. */
export declare const CHUNK_BYTES: number;
/** Digests of one file. */
export interface FileDigests {
  readonly size: number;
  readonly sha256: string;
  readonly gitSha1?: string;
}
/** Hashes one file with synchronous reads (see hash-file-sync.mjs). */
export declare function hashFileSync(path: string, gitSha1: boolean, onBytes?: (bytes: number) => void): FileDigests;
