/**
 * A minimal Ethereum JSON-RPC client over `fetch`: one request per call, a
 * timeout, and errors that say what went wrong (endpoint unreachable or
 * blocking this page by CORS, HTTP error, not JSON-RPC, node error). A
 * JSON-RPC error keeps its `data` (revert data of an `eth_call`).
 */

/** Thrown for transport failures and JSON-RPC errors. */
export class RpcError extends Error {
  constructor(
    message: string,
    /** JSON-RPC error code, if the node answered with one. */
    readonly code?: number,
    /** JSON-RPC error data (for `eth_call`: the revert data, when the node gives it). */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

/** Options of {@link JsonRpcClient}. */
export interface JsonRpcClientOptions {
  /** Endpoint URL, e.g. http://127.0.0.1:8545. */
  readonly url: string;
  /** Per-request timeout (default 20 s). */
  readonly timeoutMs?: number;
  /** fetch implementation (default global fetch). */
  readonly fetch?: typeof globalThis.fetch;
}

interface JsonRpcResponse {
  readonly jsonrpc?: string;
  readonly id?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code?: number; readonly message?: string; readonly data?: unknown };
}

/** Sends JSON-RPC 2.0 requests to one endpoint. */
export class JsonRpcClient {
  /** The endpoint. */
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof globalThis.fetch;
  #nextId = 1;

  constructor(options: JsonRpcClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new RpcError(`"${options.url}" is not a URL: give the JSON-RPC endpoint, e.g. http://127.0.0.1:8545.`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new RpcError(`The JSON-RPC URL must start with http:// or https:// (got "${options.url}").`);
    }
    this.url = options.url;
    this.#timeoutMs = options.timeoutMs ?? 20_000;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Calls `method` with `params`; resolves with `result`, rejects with {@link RpcError}. */
  async request(method: string, params: readonly unknown[] = []): Promise<unknown> {
    const id = this.#nextId++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(this.url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
        signal: controller.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted) {
        throw new RpcError(`The JSON-RPC endpoint ${this.url} did not answer ${method} within ${this.#timeoutMs / 1000} s.`);
      }
      throw new RpcError(
        `Cannot reach the JSON-RPC endpoint ${this.url} (${(error as Error).message}). ` +
          "Is a node running there (e.g. `npx hardhat node`), and does it allow requests from this page (CORS)?",
      );
    }
    let text: string;
    try {
      text = await response.text();
    } finally {
      clearTimeout(timer);
    }
    let body: JsonRpcResponse;
    try {
      body = JSON.parse(text) as JsonRpcResponse;
    } catch {
      throw new RpcError(
        `${this.url} answered ${method} with HTTP ${response.status} and a body that is not JSON: is this a JSON-RPC endpoint?`,
      );
    }
    if (body.error !== undefined && body.error !== null) {
      throw new RpcError(
        `The node at ${this.url} rejected ${method}: ${body.error.message ?? "unknown error"}` +
          (body.error.code !== undefined ? ` (code ${body.error.code})` : ""),
        body.error.code,
        body.error.data,
      );
    }
    if (!response.ok) throw new RpcError(`${this.url} answered ${method} with HTTP ${response.status}.`);
    if (!("result" in body)) throw new RpcError(`${this.url} answered ${method} without a result: is this a JSON-RPC endpoint?`);
    return body.result;
  }
}
