/**
 * A minimal Ethereum JSON-RPC client over `fetch` that batches: calls made
 * in the same turn of the event loop go out as one JSON-RPC batch request
 * (an array; at most {@link MAX_BATCH} calls per HTTP request), so reading
 * a page of 100 tokens costs one round trip, not 100. An endpoint that
 * refuses batches is then called one request per call. Errors say what went
 * wrong (endpoint unreachable or blocking this page by CORS, HTTP error, not
 * JSON-RPC, node error); a JSON-RPC error keeps its `data` (revert data of
 * an `eth_call`).
 */

import { DatatraceError } from "../../../src/errors/index.js";

/** Most calls sent in one HTTP request. */
export const MAX_BATCH = 100;

/** Thrown for transport failures and JSON-RPC errors (family `unavailable`). */
export class RpcError extends DatatraceError {
  constructor(
    message: string,
    /** JSON-RPC error code, if the node answered with one. */
    readonly rpcCode?: number,
    /** JSON-RPC error data (for `eth_call`: the revert data, when the node gives it). */
    readonly data?: unknown,
  ) {
    super(message, { family: "unavailable" });
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
  /** Send calls of the same turn as one batch (default true). */
  readonly batch?: boolean;
}

interface JsonRpcResponse {
  readonly jsonrpc?: string;
  readonly id?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code?: number; readonly message?: string; readonly data?: unknown };
}

interface PendingCall {
  readonly id: number;
  readonly method: string;
  readonly params: readonly unknown[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Sends JSON-RPC 2.0 requests to one endpoint (see the module doc). */
export class JsonRpcClient {
  /** The endpoint. */
  readonly url: string;
  /** HTTP requests sent and calls made so far (for the page's "requests" figure and tests). */
  readonly stats = { httpRequests: 0, calls: 0 };
  readonly #timeoutMs: number;
  readonly #fetch: typeof globalThis.fetch;
  #batching: boolean;
  #nextId = 1;
  #queue: PendingCall[] = [];
  #scheduled = false;

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
    this.#batching = options.batch ?? true;
  }

  /** Calls `method` with `params`; resolves with `result`, rejects with {@link RpcError}. */
  request(method: string, params: readonly unknown[] = []): Promise<unknown> {
    this.stats.calls++;
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, method, params, resolve, reject });
      if (!this.#batching) {
        this.#flush();
        return;
      }
      if (this.#queue.length >= MAX_BATCH) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setTimeout(() => {
          this.#scheduled = false;
          this.#flush();
        }, 0);
      }
    });
  }

  #flush(): void {
    while (this.#queue.length > 0) {
      const calls = this.#queue.splice(0, MAX_BATCH);
      if (calls.length === 1) void this.#sendOne(calls[0]!);
      else void this.#sendBatch(calls);
    }
  }

  async #sendOne(call: PendingCall): Promise<void> {
    try {
      const body = await this.#post({ jsonrpc: "2.0", id: call.id, method: call.method, params: call.params }, call.method);
      call.resolve(this.#resultOf(body.json as JsonRpcResponse, call.method, body.status, body.ok));
    } catch (error) {
      call.reject(error);
    }
  }

  async #sendBatch(calls: PendingCall[]): Promise<void> {
    const what = `a batch of ${calls.length} calls (${[...new Set(calls.map((c) => c.method))].join(", ")})`;
    let answer: { json: unknown; status: number; ok: boolean };
    try {
      answer = await this.#post(
        calls.map((c) => ({ jsonrpc: "2.0", id: c.id, method: c.method, params: c.params })),
        what,
      );
    } catch (error) {
      for (const c of calls) c.reject(error);
      return;
    }
    if (!Array.isArray(answer.json)) {
      // The endpoint does not take batches: from now on, one request per call.
      this.#batching = false;
      for (const c of calls) void this.#sendOne(c);
      return;
    }
    const byId = new Map<unknown, JsonRpcResponse>();
    for (const item of answer.json as JsonRpcResponse[]) if (item !== null && typeof item === "object") byId.set(item.id, item);
    for (const c of calls) {
      const item = byId.get(c.id);
      if (item === undefined) {
        c.reject(new RpcError(`${this.url} left ${c.method} out of its answer to a batch request: is this a JSON-RPC endpoint?`));
        continue;
      }
      try {
        c.resolve(this.#resultOf(item, c.method, answer.status, true));
      } catch (error) {
        c.reject(error);
      }
    }
  }

  /** POSTs `payload`; the parsed JSON body, or an RpcError for transport and non-JSON answers. */
  async #post(payload: unknown, what: string): Promise<{ json: unknown; status: number; ok: boolean }> {
    this.stats.httpRequests++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(this.url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
        signal: controller.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted) {
        throw new RpcError(`The JSON-RPC endpoint ${this.url} did not answer ${what} within ${this.#timeoutMs / 1000} s.`);
      }
      throw new RpcError(
        `Cannot reach the JSON-RPC endpoint ${this.url} (${(error as Error).message}). ` +
          "Is a node running there (e.g. `npx hardhat node`), and does it allow requests from this page (CORS)?",
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new RpcError(`The JSON-RPC endpoint ${this.url} broke off its answer to ${what} (${(error as Error).message}).`);
    } finally {
      clearTimeout(timer);
    }
    try {
      return { json: JSON.parse(text) as unknown, status: response.status, ok: response.ok };
    } catch {
      throw new RpcError(`${this.url} answered ${what} with HTTP ${response.status} and a body that is not JSON: is this a JSON-RPC endpoint?`);
    }
  }

  #resultOf(body: JsonRpcResponse, method: string, status: number, ok: boolean): unknown {
    if (body === null || typeof body !== "object") throw new RpcError(`${this.url} answered ${method} with something that is not JSON-RPC.`);
    if (body.error !== undefined && body.error !== null) {
      throw new RpcError(
        `The node at ${this.url} rejected ${method}: ${body.error.message ?? "unknown error"}` + (body.error.code !== undefined ? ` (code ${body.error.code})` : ""),
        body.error.code,
        body.error.data,
      );
    }
    if (!ok) throw new RpcError(`${this.url} answered ${method} with HTTP ${status}.`);
    if (!("result" in body)) throw new RpcError(`${this.url} answered ${method} without a result: is this a JSON-RPC endpoint?`);
    return body.result;
  }
}
