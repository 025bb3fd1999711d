/**
 * Verified retrieval from a list of HTTP trustless gateways
 * (https://specs.ipfs.tech/http-gateways/trustless-gateway/):
 *
 * - blocks: `GET <gateway>/ipfs/<cid>?format=raw` with
 *   `Accept: application/vnd.ipld.raw`;
 * - whole DAGs: `GET <gateway>/ipfs/<cid>?format=car&dag-scope=all` with
 *   `Accept: application/vnd.ipld.car`.
 *
 * Nothing a gateway says is trusted: every block is hashed against its CID
 * and CARs are checked for completeness. A gateway that fails — wrong or
 * truncated bytes, an HTTP error, no answer within the timeout, connection
 * refused — is reported through `onWarning`, moved to the back of the list,
 * and the next one is tried. If all fail, GatewayFetchError lists what each
 * gateway did.
 *
 * Browser-safe: global `fetch`, `AbortController`, WebCrypto; no Node
 * imports (the web page reuses this module).
 */
import { defaultSha256, type Sha256 } from "../hash/index.js";
import { cidKey, toCid, type AnyCid } from "./cid.js";
import type { BlockSink, BlockSource } from "./blocks.js";
import { verifyCarStream } from "./car-stream.js";
import { collectBytes } from "./bytes.js";
import { readContent, readFile, readFileChunks, resolvePath } from "./dag-reader.js";
import { BlockMismatchError, GatewayFetchError, StorageError, type GatewayAttempt } from "./errors.js";
import { MAX_BLOCK_BYTES } from "./import-profile.js";
import type { Content, ContentStore, PutResult, StorageStatus } from "./store.js";
import { verifyBlock } from "./verify-block.js";
import { DatatraceError } from "../errors/index.js";

/** A gateway failure reported while others are still being tried. */
export interface GatewayWarning extends GatewayAttempt {
  /** CID being fetched. */
  cid: string;
  /** One-line description, ready to print. */
  message: string;
}

/** Options of `GatewayStore`. */
export interface GatewayOptions {
  /** Gateway base URLs, tried in order (e.g. "https://ipfs.io", "http://127.0.0.1:5050"). */
  gateways: readonly string[];
  /** Block requests: total time allowed; CAR requests: longest silence allowed. Default 30 s. */
  timeoutMs?: number;
  /** Called for every failed attempt that is followed by another. */
  onWarning?: (warning: GatewayWarning) => void;
  /** fetch implementation (default global fetch). */
  fetch?: typeof globalThis.fetch;
  /** Largest block accepted (default 2 MiB). */
  maxBlockBytes?: number;
  /** Hash function (default `defaultSha256`: Node's OpenSSL in Node, WebCrypto in browsers). */
  sha256?: Sha256;
}

/** Default timeout of gateway requests. */
export const DEFAULT_GATEWAY_TIMEOUT_MS = 30_000;

/** Media type of raw block responses. */
export const RAW_BLOCK_MEDIA_TYPE = "application/vnd.ipld.raw";
/** Media type of CAR responses. */
export const CAR_MEDIA_TYPE = "application/vnd.ipld.car";

/** Thrown internally to classify one gateway's failure. */
class AttemptFailure extends DatatraceError {
  constructor(
    readonly reason: GatewayAttempt["reason"],
    detail: string,
  ) {
    super(detail);
  }
}

/** A read-only ContentStore and BlockSource over trustless HTTP gateways. */
export class GatewayStore implements ContentStore, BlockSource {
  /** Backend name. */
  readonly backend = "gateway" as const;
  private order: string[];
  private readonly timeoutMs: number;
  private readonly onWarning: ((warning: GatewayWarning) => void) | undefined;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly maxBlockBytes: number;
  private readonly sha256: Sha256;

  constructor(options: GatewayOptions) {
    this.order = options.gateways.map((g) => g.trim().replace(/\/+$/, "")).filter((g) => g.length > 0);
    for (const gateway of this.order) {
      if (!/^https?:\/\//.test(gateway)) {
        throw new StorageError("INVALID_PATH", `gateway "${gateway}" is not an http(s) URL; give e.g. https://ipfs.io`);
      }
    }
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GATEWAY_TIMEOUT_MS;
    this.onWarning = options.onWarning;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.maxBlockBytes = options.maxBlockBytes ?? MAX_BLOCK_BYTES;
    this.sha256 = options.sha256 ?? defaultSha256;
  }

  /** Current gateway order (failed gateways move to the back). */
  get gateways(): readonly string[] {
    return this.order;
  }

  /** Verified bytes of one block, trying each gateway in turn. */
  async getBlock(cid: AnyCid | string): Promise<Uint8Array> {
    const parsed = toCid(cid);
    return this.tryEach(parsed, async (gateway) => {
      const url = `${gateway}/ipfs/${parsed.toString()}?format=raw`;
      const bytes = await this.request(url, RAW_BLOCK_MEDIA_TYPE, async (response, signal) =>
        readLimited(response, this.maxBlockBytes, signal),
      );
      try {
        await verifyBlock(parsed, bytes, `gateway ${gateway}`, this.sha256);
      } catch (error) {
        if (error instanceof BlockMismatchError) {
          throw new AttemptFailure("mismatch", `returned ${bytes.length} bytes hashing to ${error.actual} (wrong or truncated data)`);
        }
        throw error;
      }
      return bytes;
    });
  }

  /**
   * Fetches the whole DAG under `cid` as one CAR from the first gateway
   * that delivers a complete, verified one; every verified block goes to
   * `onBlock` as it arrives (blocks from a gateway that later fails are
   * still authentic, so a sink such as the local store may keep them).
   */
  async fetchDag(cid: AnyCid | string, onBlock: BlockSink): Promise<{ gateway: string; blocks: number; bytes: number }> {
    const parsed = toCid(cid);
    return this.tryEach(parsed, async (gateway) => {
      const url = `${gateway}/ipfs/${parsed.toString()}?format=car&dag-scope=all`;
      const summary = await this.request(
        url,
        CAR_MEDIA_TYPE,
        async (response, signal, touch) => {
          try {
            return await verifyCarStream(bodyChunks(response, signal, touch), {
              where: `gateway ${gateway}`,
              expectedRoot: parsed,
              sha256: this.sha256,
              onBlock,
            });
          } catch (error) {
            if (error instanceof AttemptFailure) throw error;
            if (error instanceof BlockMismatchError) throw new AttemptFailure("mismatch", error.message);
            if (error instanceof StorageError && error.code === "CAR_INVALID") {
              const truncated = /truncated|incomplete|unexpected end/i.test(error.message);
              throw new AttemptFailure(truncated ? "truncated" : "invalid-car", error.message);
            }
            throw error;
          }
        },
        true,
      );
      return { gateway, blocks: summary.blocks, bytes: summary.bytes };
    });
  }

  /** Verified content: a file's bytes (up to 1 GiB) or a directory listing. */
  async get(cid: string): Promise<Content> {
    return readContent(this, toCid(cid));
  }

  /** Streams a file's verified bytes. */
  readFile(cid: string): AsyncGenerator<Uint8Array> {
    return readFileChunks(this, toCid(cid));
  }

  /** Verified bytes of the file at `path` under the directory `root` (e.g. "shards/000/000000.bin"). */
  async getPath(root: string, path: string): Promise<Uint8Array> {
    const { cid } = await resolvePath(this, toCid(root), path);
    return readFile(this, cid);
  }

  /** Whether some gateway serves a verified root block. */
  async has(cid: string): Promise<boolean> {
    try {
      await this.getBlock(cid);
      return true;
    } catch (error) {
      if (error instanceof GatewayFetchError) return false;
      throw error;
    }
  }

  /** Availability of the root block through the gateways (gateways know nothing of Filecoin deals). */
  async status(cid: string): Promise<StorageStatus> {
    const key = cidKey(cid);
    try {
      await this.getBlock(key);
      return { cid: key, backend: "gateway", available: true, location: this.order[0] ?? "", deals: [] };
    } catch (error) {
      if (!(error instanceof GatewayFetchError)) throw error;
      return { cid: key, backend: "gateway", available: false, location: this.order.join(", "), deals: [], detail: error.message };
    }
  }

  /** Gateways are read-only. */
  async put(_path: string): Promise<PutResult> {
    throw new StorageError("READ_ONLY", "gateways are read-only; put content with --storage local or --storage lighthouse.");
  }

  /** Runs `attempt` against each gateway until one succeeds. */
  private async tryEach<T>(cid: AnyCid, attempt: (gateway: string) => Promise<T>): Promise<T> {
    const attempts: GatewayAttempt[] = [];
    for (const gateway of [...this.order]) {
      try {
        return await attempt(gateway);
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        const failed: GatewayAttempt = { gateway, reason: error.reason, detail: error.message };
        attempts.push(failed);
        this.order = [...this.order.filter((g) => g !== gateway), gateway];
        if (attempts.length < this.order.length) {
          this.onWarning?.({
            ...failed,
            cid: cid.toString(),
            message: `gateway ${gateway} skipped for ${cid}: ${error.reason}: ${error.message}`,
          });
        }
      }
    }
    throw new GatewayFetchError(cid.toString(), attempts);
  }

  /**
   * Performs one GET with a timeout and hands the response to `consume`.
   * With `idle`, the timeout restarts whenever `touch` is called (progress).
   */
  private async request<T>(
    url: string,
    accept: string,
    consume: (response: Response, signal: AbortSignal, touch: () => void) => Promise<T>,
    idle = false,
  ): Promise<T> {
    const controller = new AbortController();
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
    };
    const touch = idle ? arm : () => undefined;
    arm();
    try {
      let response: Response;
      try {
        response = await this.fetchImpl(url, { headers: { Accept: accept }, signal: controller.signal, redirect: "follow" });
      } catch (error) {
        if (timedOut) throw new AttemptFailure("timeout", `no response within ${this.timeoutMs} ms`);
        throw new AttemptFailure("unreachable", describeFetchError(error));
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        throw new AttemptFailure("http-status", `HTTP ${response.status} ${response.statusText}`.trim());
      }
      try {
        return await consume(response, controller.signal, touch);
      } catch (error) {
        if (error instanceof AttemptFailure) throw error;
        if (timedOut) throw new AttemptFailure("timeout", `response not complete within ${this.timeoutMs} ms`);
        if (error instanceof StorageError) throw error;
        throw new AttemptFailure("truncated", `the response body broke off (${describeFetchError(error)})`);
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      controller.abort();
    }
  }
}

/** Reads a whole response body, refusing more than `limit` bytes. */
function readLimited(response: Response, limit: number, signal: AbortSignal): Promise<Uint8Array> {
  return collectBytes(
    bodyChunks(response, signal, () => undefined),
    limit,
    () => new AttemptFailure("too-large", `returned more than ${limit} bytes for one block`),
  );
}

/** The body as an async iterable of chunks (works where ReadableStream is not async-iterable). */
async function* bodyChunks(response: Response, signal: AbortSignal, touch: () => void): AsyncGenerator<Uint8Array> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason ?? new DatatraceError("aborted");
      const { done, value } = await reader.read();
      if (done) return;
      touch();
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function describeFetchError(error: unknown): string {
  const err = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause !== undefined ? `${err.message ?? "fetch failed"} (${cause})` : (err.message ?? String(error));
}
