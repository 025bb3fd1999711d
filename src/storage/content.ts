/**
 * What a storage backend hands back from `get`: verified file bytes or a
 * directory listing. Its own file so that the DAG reader (which builds it)
 * and the backend interface (store.ts, which returns it) share it without
 * importing each other. Browser-safe (types only).
 */

/** One entry of a UnixFS directory listing. */
export interface DirectoryEntry {
  /** Entry name. */
  name: string;
  /** CID of the entry's root block. */
  cid: string;
  /** Cumulative DAG size from the link's Tsize (bytes), if present. */
  size: number;
}

/** Verified content returned by `get`. */
export type Content =
  | { kind: "file"; cid: string; bytes: Uint8Array }
  | { kind: "directory"; cid: string; entries: DirectoryEntry[] };
