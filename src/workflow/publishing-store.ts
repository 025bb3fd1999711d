/**
 * Where registrations publish manifests, weights and metadata: anything
 * that stores a path or in-memory bytes and returns the CID — the local
 * block store (`LocalStore`) or Lighthouse (`LighthouseStore`, which keeps
 * a local copy and uploads CARs), both from src/storage.
 */
import type { PutResult, StorageBackendName } from "../storage/index.js";

/** Options of a publication. */
export interface PublishOptions {
  /**
   * Send nothing when the backend already holds the content (same CID). A
   * registration resuming at an upload step passes it: the run that was
   * interrupted may have uploaded before it could record the upload.
   */
  readonly ifMissing?: boolean | undefined;
}

/** A store that content can be published to (see the module doc). */
export interface PublishingStore {
  readonly backend: StorageBackendName;
  /** Stores a file or directory; returns its root CID. */
  put(path: string, options?: PublishOptions): Promise<PutResult>;
  /** Stores bytes as one file named `name`; returns its CID. */
  putBytes(bytes: Uint8Array, name: string, options?: PublishOptions): Promise<PutResult>;
}
