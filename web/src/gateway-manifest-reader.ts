/**
 * A {@link ManifestFileReader} over IPFS gateways: `header.json`,
 * `index.bin`, `shards/NNNNNN.bin`, … are resolved under the manifest's
 * directory CID and read block by block through {@link GatewayStore}, which
 * hashes every block against its CID before returning it (a gateway that
 * lies is skipped with a warning). Blocks are cached, so the directory
 * blocks are fetched once, and every block is reported with the gateway
 * that served it.
 */
import type { ManifestFileReader } from "../../src/manifest/manifest-reader.js";
import type { BlockSource } from "../../src/storage/blocks.js";
import { toCid, type AnyCid } from "../../src/storage/cid.js";
import { decodeNode, readFile, resolvePath } from "../../src/storage/dag-reader.js";
import { GatewayFetchError } from "../../src/storage/errors.js";
import { GatewayStore, type GatewayWarning } from "../../src/storage/gateway.js";

/** One verified block and who served it. */
export interface ServedBlock {
  /** The block's CID. */
  readonly cid: string;
  /** The manifest file being read when the block was needed (a directory block serves the path to it). */
  readonly file: string;
  /** "directory" for UnixFS directory blocks, "data" for file content. */
  readonly role: "directory" | "data";
  /** Block size in bytes. */
  readonly bytes: number;
  /** Base URL of the gateway whose answer passed verification. */
  readonly gateway: string;
}

/** Options of {@link createGatewayManifestReader}. */
export interface GatewayManifestReaderOptions {
  /** The manifest directory's CID (from the chain). */
  readonly manifestCid: string;
  /** Gateway base URLs, tried in order. */
  readonly gateways: readonly string[];
  /** Per-block timeout (default 15 s). */
  readonly timeoutMs?: number;
  /** A gateway failed and the next one is tried. */
  readonly onWarning?: (warning: GatewayWarning) => void;
  /** A block was fetched and verified. */
  readonly onBlock?: (block: ServedBlock) => void;
  /** fetch implementation (default global fetch). */
  readonly fetch?: typeof globalThis.fetch;
}

/** Thrown when no gateway delivered a verified block of a manifest file. */
export class ManifestFetchError extends Error {
  constructor(
    message: string,
    /** What each gateway did. */
    readonly attempts: GatewayFetchError["attempts"],
  ) {
    super(message);
    this.name = "ManifestFetchError";
  }
}

/** A manifest reader over gateways (see the module doc). */
export function createGatewayManifestReader(options: GatewayManifestReaderOptions): ManifestFileReader {
  const root = toCid(options.manifestCid);
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  // The gateway each CID was last requested from: when getBlock resolves, that request is the one that passed.
  const lastAsked = new Map<string, string>();
  const recordingFetch: typeof globalThis.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const match = /^(.*)\/ipfs\/([^/?#]+)/.exec(url);
    if (match !== null) lastAsked.set(match[2]!, match[1]!);
    return fetchImpl(input, init);
  };
  const store = new GatewayStore({
    gateways: options.gateways,
    timeoutMs: options.timeoutMs ?? 15_000,
    fetch: recordingFetch,
    ...(options.onWarning !== undefined ? { onWarning: options.onWarning } : {}),
  });
  const cache = new Map<string, Promise<Uint8Array>>();
  const sourceFor = (file: string): BlockSource => ({
    getBlock(cid: AnyCid): Promise<Uint8Array> {
      const key = cid.toString();
      let pending = cache.get(key);
      if (pending === undefined) {
        pending = store.getBlock(cid).then((bytes) => {
          const role = roleOf(cid, bytes);
          options.onBlock?.({ cid: key, file, role, bytes: bytes.length, gateway: lastAsked.get(key) ?? "?" });
          return bytes;
        });
        pending.catch(() => cache.delete(key));
        cache.set(key, pending);
      }
      return pending;
    },
  });
  return async (file) => {
    const source = sourceFor(file);
    try {
      const { cid } = await resolvePath(source, root, file);
      return await readFile(source, cid);
    } catch (error) {
      if (error instanceof GatewayFetchError) {
        const lines = error.attempts.map((a) => `${a.gateway}: ${a.reason} (${a.detail})`);
        throw new ManifestFetchError(
          `No gateway delivered a verified copy of ${file} of manifest ${options.manifestCid} (block ${error.cid}). ` +
            `${lines.length === 0 ? "No gateway is configured." : `Tried: ${lines.join("; ")}.`} ` +
            "Add a gateway that holds the manifest (e.g. `npx hardhat ipfs serve` → http://127.0.0.1:5050), or check your connection.",
          error.attempts,
        );
      }
      throw error;
    }
  };
}

/** Whether a verified block is a UnixFS directory node or file content. */
function roleOf(cid: AnyCid, bytes: Uint8Array): ServedBlock["role"] {
  try {
    return decodeNode(cid, bytes).kind === "directory" ? "directory" : "data";
  } catch {
    return "data"; // not readable as UnixFS: the reader that asked for it reports the problem
  }
}
