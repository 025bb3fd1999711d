/**
 * Verified reading of published content by CID: manifests, metadata, logs.
 * Blocks come from the local store first; a block it lacks, or holds
 * corrupt (the store quarantines the bad file and names it), is fetched from
 * the configured IPFS gateways (each block hashed against its CID by
 * `GatewayStore`) and kept in the local store for next time. A manifest is
 * read file by file through this source, so a verifier fetches only
 * `header.json`, `index.bin` and the shards its queries need.
 */
import type { ManifestFileReader } from "../manifest/index.js";
import { ManifestReader } from "../manifest/index.js";
import type { BlockSource, LocalStore } from "../storage/index.js";
import { type AnyCid, GatewayStore, type GatewayWarning, readFile, resolvePath, toCid } from "../storage/index.js";
import { BlockNotFoundError, CorruptBlockFileError, StorageError } from "../storage/index.js";

/** Gateways tried when no list is given: a local `ipfs serve`, then public gateways (which fail offline, with a warning). */
export const DEFAULT_GATEWAYS: readonly string[] = [
  "http://127.0.0.1:5050",
  "https://gateway.lighthouse.storage",
  "https://ipfs.io",
  "https://dweb.link",
];

/** Options of {@link ContentSource}. */
export interface ContentSourceOptions {
  /** The local block store, read first and filled with fetched blocks. */
  readonly local: LocalStore;
  /** Gateways for blocks the local store lacks; empty: local only. */
  readonly gateways?: readonly string[] | undefined;
  /** Per-request gateway timeout (default 30 s). */
  readonly timeoutMs?: number | undefined;
  /** Receives a message for every gateway that failed and was skipped. */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/** A verified, caching block source over the local store and gateways. */
export class ContentSource implements BlockSource {
  readonly local: LocalStore;
  readonly #gateway: GatewayStore | undefined;
  readonly #onWarning: ((message: string) => void) | undefined;

  constructor(options: ContentSourceOptions) {
    this.local = options.local;
    this.#onWarning = options.onWarning;
    const gateways = options.gateways ?? [];
    this.#gateway =
      gateways.length === 0
        ? undefined
        : new GatewayStore({
            gateways,
            ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
            onWarning: (w: GatewayWarning) => options.onWarning?.(`gateway ${w.gateway} skipped: ${w.reason}: ${w.detail}`),
          });
  }

  /** Whether blocks missing locally can be fetched from gateways. */
  get hasGateways(): boolean {
    return this.#gateway !== undefined;
  }

  /**
   * A block's verified bytes: local store, else gateways (then kept
   * locally). A corrupt local file (quarantined by the store) is reported
   * and replaced by a verified copy from the gateways.
   */
  async getBlock(cid: AnyCid): Promise<Uint8Array> {
    let corrupt: CorruptBlockFileError | undefined;
    try {
      return await this.local.getBlock(cid);
    } catch (error) {
      if (error instanceof CorruptBlockFileError) corrupt = error;
      else if (!(error instanceof BlockNotFoundError)) throw error;
      if (this.#gateway === undefined) throw error;
    }
    if (corrupt !== undefined) {
      this.#onWarning?.(
        `local store file ${corrupt.file} was corrupt (its bytes hash to ${corrupt.actual}, not ${corrupt.expected})` +
          `${corrupt.quarantinedTo === undefined ? "" : `; moved it to ${corrupt.quarantinedTo}`}; fetching a verified copy from the gateways`,
      );
    }
    const bytes = await this.#gateway.getBlock(cid);
    await this.local.putBlock({ cid, bytes }, false); // verified by the gateway store
    return bytes;
  }

  /** The verified bytes of the file `cid` (or of `path` under the directory `cid`). */
  async readFile(cid: string, path = ""): Promise<Uint8Array> {
    const root = toCid(cid);
    const target = path === "" ? root : (await resolvePath(this, root, path)).cid;
    return readFile(this, target);
  }

  /** A manifest file reader over the directory `cid`. */
  manifestFiles(cid: string): ManifestFileReader {
    return (relativePath) => this.readFile(cid, relativePath);
  }

  /** Opens the manifest directory `cid` (header and index are read and checked; shards on demand). */
  async openManifest(cid: string): Promise<ManifestReader> {
    try {
      return await ManifestReader.open(this.manifestFiles(cid), { where: `manifest ${cid}` });
    } catch (error) {
      if (error instanceof StorageError && (error.code === "BLOCK_NOT_FOUND" || error.code === "GATEWAY_FAILED")) {
        throw new StorageError(
          error.code,
          `Cannot fetch manifest ${cid}: ${error.message}` +
            (this.#gateway === undefined ? "\nGive IPFS gateways to fetch it from (--gateway <url>,…), or put it in the local store." : ""),
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** Options of {@link gatewayManifestFiles}. */
export interface GatewayFilesOptions {
  readonly gateways: readonly string[];
  /** Per-request gateway timeout (default 30 s). */
  readonly timeoutMs?: number | undefined;
  /** Receives a message for every gateway that failed and was skipped. */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/**
 * A manifest file reader over the directory `cid` that reads from the
 * gateways only — no local store, nothing cached — for checking what others
 * can fetch (`dataset audit`). Every block is verified against its CID.
 */
export function gatewayManifestFiles(cid: string, options: GatewayFilesOptions): ManifestFileReader {
  const gateway = new GatewayStore({
    gateways: options.gateways,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onWarning: (w: GatewayWarning) => options.onWarning?.(`gateway ${w.gateway} skipped: ${w.reason}: ${w.detail}`),
  });
  const root = toCid(cid);
  return async (relativePath) => readFile(gateway, (await resolvePath(gateway, root, relativePath)).cid);
}
