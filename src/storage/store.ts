/**
 * The interface every storage backend implements — the local block store,
 * Lighthouse (through its SDK) and read-only HTTP gateways — so callers can
 * put a manifest directory or a metadata file and get verified content back
 * without caring where it lives. Browser-safe (types only).
 */
import type { Content } from "./content.js";

export type { Content, DirectoryEntry } from "./content.js";

/** Which backend answered. */
export type StorageBackendName = "local" | "lighthouse" | "gateway";

/** What `put` returns. */
export interface PutResult {
  /** Root CID (CIDv1, base32). */
  cid: string;
  /** File or directory. */
  kind: "file" | "directory";
  /** Cumulative DAG size in bytes (blocks of the whole DAG, counting shared blocks once per link). */
  size: number;
  /** Bytes of file content. */
  contentBytes: number;
  /** Backend that stored it. */
  backend: StorageBackendName;
}

/** One Filecoin storage deal covering the content. */
export interface FilecoinDeal {
  /** Piece CID (CommP) of the aggregate holding the content. */
  pieceCid: string;
  /** Storage provider id (e.g. "f01234"). */
  provider: string;
  /** On-chain deal id, when published. */
  dealId: number | null;
  /** Deal start epoch. */
  startEpoch: number | null;
  /** Deal end epoch. */
  endEpoch: number | null;
  /** Provider-reported status text. */
  status: string;
}

/** Where a CID is stored and how safely. */
export interface StorageStatus {
  /** The CID asked about. */
  cid: string;
  /** Backend that answered. */
  backend: StorageBackendName;
  /** Whether the backend can serve the content. */
  available: boolean;
  /** Whether every block of the DAG is present (local store only; undefined when unknown). */
  complete?: boolean;
  /** Where: a directory, a URL. */
  location: string;
  /** File name recorded at upload, when known. */
  name?: string;
  /** Size in bytes recorded at upload or computed, when known. */
  size?: number;
  /** Filecoin deals, possibly empty (deals take hours to appear after an upload). */
  deals: FilecoinDeal[];
  /** Anything else worth telling the user. */
  detail?: string;
}

/** A content-addressed storage backend. */
export interface ContentStore {
  /** Backend name. */
  readonly backend: StorageBackendName;
  /** Stores a file or a directory from disk; returns its root CID. */
  put(path: string): Promise<PutResult>;
  /** Verified bytes (file) or a listing (directory). */
  get(cid: string): Promise<Content>;
  /** Whether the backend holds the content (local: the whole DAG). */
  has(cid: string): Promise<boolean>;
  /** Where and how the content is stored, with Filecoin deals if any. */
  status(cid: string): Promise<StorageStatus>;
}
