/**
 * Routing of the local server: which handler answers which method and path,
 * the CORS policy (reading is open to every origin, the API is not), and the
 * DNS-rebinding guard of a loopback-bound server. Node-only.
 *
 * | Method | Path | Handler |
 * |---|---|---|
 * | GET, HEAD | `/ipfs/<cid>[/path]` | ./server-gateway.ts |
 * | POST | `/api/v0/add`, `/api/v0/dag/import` | ./server-upload.ts (key needed) |
 * | GET | `/api/lighthouse/deal_status`, `/api/lighthouse/file_info` | ./server-account-api.ts |
 * | GET | `/api/user/files_uploaded` | ./server-account-api.ts (key needed) |
 * | GET, HEAD | anything else, with a web root | ./server-web-root.ts |
 * | GET | `/`, without a web root | a JSON status (no local path in it) |
 * | OPTIONS | any | 204 (CORS preflight) |
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import type { LighthouseDeal } from "./lighthouse-wire.js";
import type { LocalStore } from "./local-store.js";
import { isLoopbackHostHeader } from "./loopback-host.js";
import { dealStatus, fileInfo, filesUploaded } from "./server-account-api.js";
import { serveGateway } from "./server-gateway.js";
import { CORS_HEADERS, sendJson } from "./server-replies.js";
import { authorize, handleUpload } from "./server-upload.js";
import { serveWebFile } from "./server-web-root.js";

/** What the routes need to answer. */
export interface RouteContext {
  readonly store: LocalStore;
  /** Upload keys (empty: any non-empty key). */
  readonly apiKeys: readonly string[];
  readonly deals?: ((cid: string) => LighthouseDeal[]) | undefined;
  /** Absolute, real path of the static site, if any. */
  readonly webRoot?: string | undefined;
}

/**
 * DNS-rebinding guard of a loopback-bound server: answers 403 (and returns
 * false) unless the request's Host header names a loopback host. A request
 * without a Host header (HTTP/1.0 tools) cannot come from a browser and is let through.
 */
export function hostAllowed(req: IncomingMessage, res: ServerResponse, boundTo: string): boolean {
  const header = req.headers.host;
  if (header === undefined || isLoopbackHostHeader(header)) return true;
  req.resume();
  sendJson(res, 403, {
    error:
      `Host ${JSON.stringify(header)} refused: this server is bound to ${boundTo} and answers only requests addressed to a loopback name ` +
      "(localhost, 127.0.0.1, [::1]), which guards the local store against DNS rebinding. Use http://127.0.0.1:<port>/, " +
      "or start it with --host <interface> to serve other hosts.",
  });
  return false;
}

/** Answers one request (see the table in the module doc). */
export async function route(req: IncomingMessage, res: ServerResponse, context: RouteContext): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://localhost");
  } catch {
    req.resume();
    sendJson(res, 400, { error: "malformed request target" });
    return;
  }
  const method = req.method ?? "GET";
  const isApi = url.pathname.startsWith("/api/");
  // Reading (the gateway, the web page) is open to every origin; the API is not.
  if ((method === "GET" || method === "HEAD" || method === "OPTIONS") && !isApi) {
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  }
  if (method === "OPTIONS") {
    req.resume();
    res.writeHead(204).end();
    return;
  }
  if (method === "POST" && (url.pathname === "/api/v0/add" || url.pathname === "/api/v0/dag/import")) {
    if (authorize(req, res, context.apiKeys)) await handleUpload(req, res, context.store, url.pathname === "/api/v0/add" ? "add" : "car");
    return;
  }
  // Every other route reads no body: drain it, so that the answer is not held up by an unread upload.
  req.resume();
  if ((method === "GET" || method === "HEAD") && url.pathname.startsWith("/ipfs/")) {
    await serveGateway(req, res, url, context.store, method === "HEAD");
    return;
  }
  if (method === "GET" && url.pathname === "/api/lighthouse/deal_status") {
    dealStatus(res, url, context.deals);
    return;
  }
  if (method === "GET" && url.pathname === "/api/lighthouse/file_info") {
    await fileInfo(res, url, context.store);
    return;
  }
  if (method === "GET" && url.pathname === "/api/user/files_uploaded") {
    if (authorize(req, res, context.apiKeys)) await filesUploaded(res, context.store);
    return;
  }
  if ((method === "GET" || method === "HEAD") && context.webRoot !== undefined && !isApi) {
    await serveWebFile(res, url, context.webRoot, method === "HEAD");
    return;
  }
  if ((method === "GET" || method === "HEAD") && url.pathname === "/") {
    // No local path here: the answer is readable by any origin.
    sendJson(res, 200, { service: "datatrace local IPFS + Lighthouse-compatible server", gateway: "/ipfs/<cid>", api: "/api/v0/add, /api/v0/dag/import" }, method === "HEAD");
    return;
  }
  sendJson(res, 404, { error: `no route for ${method} ${url.pathname}` }, method === "HEAD");
}
