/**
 * Verified reading of IPFS content through gateways for the page: files by
 * CID (and path under a directory CID) — token metadata, model-signing
 * statements, manifest files — read block by block through the core's
 * {@link GatewayStore}, which hashes every block against its CID before
 * returning it (a gateway that lies is skipped with a warning). Blocks are
 * cached for the session (up to {@link CACHE_BYTES}), so a directory block
 * or a shard is fetched once however many files or runs need it.
 *
 * The page's own origin is tried first when it serves `/ipfs/` (as
 * `npx hardhat ipfs serve` does), which is checked once, with the first CID
 * read. Observers see every block fetched and which gateway served it, and
 * every gateway failure; a failure while nobody observes (reading metadata
 * for a list) is kept and handed to the next observer, so no warning is lost.
 */
import { DatatraceError } from "../../../src/errors/index.js";
import { webSha256 } from "../../../src/hash/index.js";
import { ManifestReader, type ManifestFileReader } from "../../../src/manifest/browser.js";
import { type BlockSource, toCid, type AnyCid, decodeNode, GatewayStore, type GatewayWarning, readFile, resolvePath } from "../../../src/storage/browser.js";
import { GatewayFetchError } from "../../../src/storage/browser.js";
import type { ContentFiles } from "../../../src/workflow/browser.js";
import { servesIpfs } from "./own-origin-gateway.js";

/** Bytes of verified blocks kept for the session. */
export const CACHE_BYTES = 96 * 1024 * 1024;

/** One verified block and who served it. */
export interface ServedBlock {
  readonly cid: string;
  /** The file being read when the block was needed (a directory block serves the path to it). */
  readonly file: string;
  /** "directory" for UnixFS directory blocks, "data" for file content. */
  readonly role: "directory" | "data";
  readonly bytes: number;
  /** Base URL of the gateway whose answer passed verification. */
  readonly gateway: string;
}

/** Receives what happens while content is read. */
export interface ContentObserver {
  onBlock?(block: ServedBlock): void;
  onWarning?(warning: GatewayWarning): void;
  onInfo?(message: string): void;
}

/** Options of {@link GatewayContent}. */
export interface GatewayContentOptions {
  /** Gateway base URLs, tried in order (after the page's own origin, when it serves /ipfs). */
  readonly gateways: readonly string[];
  /** The page's origin, tried first if it serves /ipfs (omit to never try it). */
  readonly ownOrigin?: string | undefined;
  /** Per-block timeout (default 15 s). */
  readonly timeoutMs?: number | undefined;
  /** fetch implementation (default global fetch). */
  readonly fetch?: typeof globalThis.fetch | undefined;
}

/** Thrown when no gateway delivered a verified block of a file (family `unavailable`). */
export class ContentFetchError extends DatatraceError {
  constructor(
    message: string,
    readonly attempts: GatewayFetchError["attempts"],
  ) {
    super(message, { family: "unavailable" });
    this.name = "ContentFetchError";
  }
}

/** The page's verified, caching content reader (see the module doc). */
export class GatewayContent implements ContentFiles {
  readonly #options: GatewayContentOptions;
  readonly #observers = new Set<ContentObserver>();
  /** Warnings nobody observed yet (at most 20). */
  readonly #unseen: GatewayWarning[] = [];
  readonly #cache = new Map<string, Promise<Uint8Array>>();
  readonly #sizes = new Map<string, number>();
  #cachedBytes = 0;
  #store: Promise<GatewayStore> | undefined;
  /** Gateway each CID was last requested from: when a block verifies, that request is the one that passed. */
  readonly #lastAsked = new Map<string, string>();
  #gateways: readonly string[];

  constructor(options: GatewayContentOptions) {
    this.#options = options;
    this.#gateways = [...options.gateways];
  }

  /** The gateways in use, in order (the own origin first once it answered). */
  get gateways(): readonly string[] {
    return this.#gateways;
  }

  /** Starts reporting to `observer`; returns the function that stops it. */
  observe(observer: ContentObserver): () => void {
    this.#observers.add(observer);
    if (observer.onWarning !== undefined) for (const w of this.#unseen.splice(0)) observer.onWarning(w);
    return () => this.#observers.delete(observer);
  }

  /** The verified bytes of the file `cid` (or of `path` under the directory `cid`). */
  async readFile(cid: string, path = ""): Promise<Uint8Array> {
    const label = path === "" ? cid : path;
    const source = this.#source(label);
    try {
      const root = toCid(cid);
      const target = path === "" ? root : (await resolvePath(source, root, path)).cid;
      return await readFile(source, target);
    } catch (error) {
      if (error instanceof GatewayFetchError) {
        const lines = error.attempts.map((a) => `${a.gateway}: ${a.reason} (${a.detail})`);
        throw new ContentFetchError(
          `No gateway delivered a verified copy of ${path === "" ? cid : `${path} of ${cid}`} (block ${error.cid}). ` +
            `${lines.length === 0 ? "No gateway is configured." : `Tried: ${lines.join("; ")}.`} ` +
            "Add a gateway that holds it (e.g. `npx hardhat ipfs serve` → http://127.0.0.1:5050) in the network settings, or check your connection.",
          error.attempts,
        );
      }
      throw error;
    }
  }

  /** A manifest file reader over the directory `cid`. */
  manifestFiles(cid: string): ManifestFileReader {
    return (relativePath) => this.readFile(cid, relativePath);
  }

  /** Opens the manifest `cid`: `header.json` and `index.bin` read and checked (shards on demand). */
  openManifest(cid: string): Promise<ManifestReader> {
    return ManifestReader.open(this.manifestFiles(cid), { where: `manifest ${cid}`, sha256: webSha256 });
  }

  #source(file: string): BlockSource {
    return {
      getBlock: (cid: AnyCid): Promise<Uint8Array> => {
        const key = cid.toString();
        let pending = this.#cache.get(key);
        if (pending === undefined) {
          pending = this.#fetch(cid, file);
          pending.then(
            (bytes) => this.#account(key, bytes.length),
            () => this.#cache.delete(key),
          );
          this.#cache.set(key, pending);
        }
        return pending;
      },
    };
  }

  async #fetch(cid: AnyCid, file: string): Promise<Uint8Array> {
    const store = await this.#gatewayStore(cid.toString());
    const bytes = await store.getBlock(cid);
    const key = cid.toString();
    let role: ServedBlock["role"] = "data";
    try {
      role = decodeNode(cid, bytes).kind === "directory" ? "directory" : "data";
    } catch {
      // not UnixFS: the reader that asked for it reports the problem
    }
    const block = { cid: key, file, role, bytes: bytes.length, gateway: this.#lastAsked.get(key) ?? "?" };
    for (const o of this.#observers) o.onBlock?.(block);
    return bytes;
  }

  /** The gateway store, made on first use (after checking whether the own origin serves `firstCid`). */
  #gatewayStore(firstCid: string): Promise<GatewayStore> {
    this.#store ??= (async () => {
      const own = this.#options.ownOrigin;
      if (own !== undefined && !this.#gateways.includes(own) && (await servesIpfs(own, firstCid, this.#options.fetch))) {
        this.#gateways = [own, ...this.#gateways];
        for (const o of this.#observers) o.onInfo?.(`This page's server (${own}) serves IPFS content: it is tried first.`);
      }
      if (this.#gateways.length === 0) throw new Error("No IPFS gateway is configured: list at least one in the network settings (e.g. http://127.0.0.1:5050).");
      const fetchImpl = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
      const recordingFetch: typeof globalThis.fetch = (input, init) => {
        const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
        const match = /^(.*)\/ipfs\/([^/?#]+)/.exec(url);
        if (match !== null) this.#lastAsked.set(match[2]!, match[1]!);
        return fetchImpl(input, init);
      };
      return new GatewayStore({
        gateways: this.#gateways,
        timeoutMs: this.#options.timeoutMs ?? 15_000,
        fetch: recordingFetch,
        sha256: webSha256,
        onWarning: (warning) => {
          const listening = [...this.#observers].filter((o) => o.onWarning !== undefined);
          if (listening.length === 0 && this.#unseen.length < 20) this.#unseen.push(warning);
          for (const o of listening) o.onWarning!(warning);
        },
      });
    })();
    this.#store.catch(() => (this.#store = undefined));
    return this.#store;
  }

  /** Keeps the cache under {@link CACHE_BYTES}, dropping the oldest blocks. */
  #account(key: string, bytes: number): void {
    this.#sizes.set(key, bytes);
    this.#cachedBytes += bytes;
    for (const old of this.#cache.keys()) {
      if (this.#cachedBytes <= CACHE_BYTES) break;
      if (old === key) continue;
      this.#cachedBytes -= this.#sizes.get(old) ?? 0;
      this.#sizes.delete(old);
      this.#cache.delete(old);
    }
  }
}
