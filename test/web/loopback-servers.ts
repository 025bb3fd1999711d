/**
 * Loopback HTTP servers for the web page's tests: a plain static server for
 * the built page (any static server, as opposed to `ipfs serve`, which the
 * tests start with `startIpfsServer`), a JSON-RPC proxy exposing an
 * in-process Hardhat chain to the browser, a counting relay in front of a
 * real `hardhat node` (how many HTTP requests and calls the page makes), and
 * a gateway that tampers with every block.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";

import { startLoopback } from "../storage/storage-fixtures.js";

/** A started loopback server. */
export interface LoopbackServer {
  readonly url: string;
  /** Requests received, as "METHOD /path?query". */
  readonly requests: string[];
  close(): Promise<void>;
}

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type, Accept",
};

/** A loopback server that records every request and answers 500 when `handler` throws. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<LoopbackServer> {
  const requests: string[] = [];
  const { url, close } = await startLoopback((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain", ...CORS });
      res.end(String(error));
    });
  });
  return { url, requests, close };
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** GETs `url` and relays status, headers of interest and body (after `transform`). */
async function relay(req: IncomingMessage, res: ServerResponse, url: string, transform: (bytes: Uint8Array) => Uint8Array = (b) => b): Promise<void> {
  const upstream = await fetch(url, { method: req.method === "HEAD" ? "HEAD" : "GET", headers: { Accept: req.headers.accept ?? "*/*" } });
  const bytes = req.method === "HEAD" ? new Uint8Array() : transform(new Uint8Array(await upstream.arrayBuffer()));
  res.writeHead(upstream.status, { ...CORS, "Content-Type": upstream.headers.get("content-type") ?? "application/octet-stream" });
  res.end(bytes);
}

const MEDIA_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves the files of `dir` and nothing else (no /ipfs/): a static server like `python3 -m http.server`. */
export function startStaticServer(dir: string): Promise<LoopbackServer> {
  const root = path.resolve(dir);
  return listen(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const file = path.resolve(root, `.${decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname)}`);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const bytes = await readFile(file);
      res.writeHead(200, { "Content-Type": MEDIA_TYPES[path.extname(file)] ?? "application/octet-stream" });
      res.end(req.method === "HEAD" ? undefined : bytes);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    }
  });
}

/** An EIP-1193 provider (Hardhat's network connection provider). */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** A JSON-RPC over HTTP endpoint (with CORS) forwarding to `provider`. */
export function startJsonRpcProxy(provider: Eip1193Provider): Promise<LoopbackServer> {
  const answer = async (call: { id?: unknown; method?: string; params?: unknown[] }): Promise<unknown> => {
    try {
      const result = await provider.request({ method: String(call.method), params: call.params ?? [] });
      return { jsonrpc: "2.0", id: call.id ?? null, result };
    } catch (error) {
      const e = error as { code?: number; message?: string; data?: unknown };
      return { jsonrpc: "2.0", id: call.id ?? null, error: { code: typeof e.code === "number" ? e.code : -32603, message: e.message ?? String(error), data: e.data } };
    }
  };
  return listen(async (req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS).end();
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, CORS).end();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse((await body(req)).toString("utf8"));
    } catch {
      res.writeHead(200, { ...CORS, "Content-Type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }));
      return;
    }
    const reply = Array.isArray(parsed) ? await Promise.all(parsed.map((c) => answer(c as object))) : await answer(parsed as object);
    res.writeHead(200, { ...CORS, "Content-Type": "application/json" });
    res.end(JSON.stringify(reply, (_key, value: unknown) => (typeof value === "bigint" ? `0x${value.toString(16)}` : value)));
  });
}

/** A gateway that relays `upstream` but flips the last byte of every non-empty body: verification must catch it. */
export function startTamperingGateway(upstream: string): Promise<LoopbackServer> {
  return listen(async (req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS).end();
      return;
    }
    await relay(req, res, `${upstream}${req.url ?? "/"}`, (bytes) => {
      const copy = new Uint8Array(bytes);
      if (copy.length > 0) copy[copy.length - 1]! ^= 0xff;
      return copy;
    });
  });
}

/** A relay to a JSON-RPC endpoint that counts HTTP requests and JSON-RPC calls. */
export interface CountingRelay extends LoopbackServer {
  /** JSON-RPC calls relayed (a batch counts each of its calls). */
  readonly calls: () => number;
  /** HTTP requests relayed (POSTs). */
  readonly posts: () => number;
}

/** Relays POSTs to `upstream` (a real node), with CORS, counting them. */
export async function startCountingRelay(upstream: string): Promise<CountingRelay> {
  let calls = 0;
  let posts = 0;
  const server = await listen(async (req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS).end();
      return;
    }
    const text = (await body(req)).toString("utf8");
    posts++;
    try {
      const parsed = JSON.parse(text) as unknown;
      calls += Array.isArray(parsed) ? parsed.length : 1;
    } catch {
      calls++;
    }
    const upstreamResponse = await fetch(upstream, { method: "POST", headers: { "Content-Type": "application/json" }, body: text });
    res.writeHead(upstreamResponse.status, { ...CORS, "Content-Type": "application/json" });
    res.end(await upstreamResponse.text());
  });
  return { ...server, calls: () => calls, posts: () => posts };
}

/** A Lighthouse-shaped upload node: also records the Authorization header of each upload. */
export interface UploadNode extends LoopbackServer {
  /** "METHOD /path?query Bearer <key>" of each POST forwarded. */
  readonly uploads: string[];
}

/**
 * A cross-origin upload node speaking Lighthouse's upload API as the SDK's
 * browser uploads use it (`fetch` POSTs of multipart forms to
 * `/api/v0/add?cid-version=1` and `/api/v0/dag/import` with
 * `Authorization: Bearer <key>`, CORS preflight allowed): it answers the
 * preflight itself and forwards each upload, key included, to `upstream`,
 * an `ipfs serve` started with API keys (which stores it, checks the key,
 * and answers Lighthouse's JSON).
 */
export async function startUploadNode(upstream: string): Promise<UploadNode> {
  const uploads: string[] = [];
  const cors = { ...CORS, "Access-Control-Allow-Headers": "Authorization, Content-Type" };
  const server = await listen(async (req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    if (req.method !== "POST" || !/^\/api\/v0\/(add|dag\/import)(\?|$)/.test(req.url ?? "")) {
      res.writeHead(404, { ...cors, "Content-Type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      return;
    }
    uploads.push(`${req.method} ${req.url} ${req.headers.authorization ?? "(no key)"}`);
    const answer = await fetch(`${upstream}${req.url}`, {
      method: "POST",
      headers: { "Content-Type": req.headers["content-type"] ?? "application/octet-stream", ...(req.headers.authorization === undefined ? {} : { Authorization: req.headers.authorization }) },
      body: new Uint8Array(await body(req)),
    });
    res.writeHead(answer.status, { ...cors, "Content-Type": answer.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  return { ...server, uploads };
}
