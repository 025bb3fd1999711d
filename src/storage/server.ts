/**
 * A local IPFS-compatible and Lighthouse-compatible HTTP server over a
 * LocalStore, for development, tests and the web page: `startIpfsServer`
 * binds, and the other `server-*.ts` files answer —
 *
 * - ./server-routes.ts: which handler answers what, CORS, the DNS-rebinding guard;
 * - ./server-gateway.ts: the trustless gateway `/ipfs/<cid>[/path]` (raw, CAR, file, listing);
 * - ./server-upload.ts (with ./upload-spool.ts, busboy): the Lighthouse upload API;
 * - ./server-account-api.ts: Lighthouse's deal_status, file_info, files_uploaded;
 * - ./server-web-root.ts: the static site (the web verifier page) at `/`;
 * - ./server-replies.ts: JSON replies, media types, the header sets.
 *
 * Security (the server holds a writable store on a developer's machine):
 * - binds 127.0.0.1 by default; bound to a loopback address it answers only
 *   requests whose `Host` header names a loopback host (403 otherwise), so a
 *   page on a domain re-resolved to 127.0.0.1 (DNS rebinding) gets nothing;
 * - CORS headers go only with GET/HEAD/OPTIONS outside `/api/` (the gateway
 *   and the web page), never with the upload or account API, so other
 *   origins can read content but cannot read API answers;
 * - stored content is served with `Content-Security-Policy: sandbox` and
 *   `X-Content-Type-Options: nosniff`: an uploaded HTML or SVG file never
 *   runs with the server's origin (the page's and the API's);
 * - uploads (`POST /api/v0/*`) and the upload list need
 *   `Authorization: Bearer <key>` (any non-empty key when no `apiKeys` are
 *   configured; one of them otherwise), which a cross-origin "simple
 *   request" (an HTML form, `fetch` without preflight) cannot carry;
 * - a malformed request gets a 4xx answer; an unexpected failure of one
 *   request is answered 500 (or its connection closed) and never stops the server.
 *
 * Node-only.
 */
import { once } from "node:events";
import { realpath, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { StorageError } from "./errors.js";
import type { LighthouseDeal } from "./lighthouse-wire.js";
import type { LocalStore } from "./local-store.js";
import { isLoopbackHost } from "./loopback-host.js";
import { sendJson } from "./server-replies.js";
import { hostAllowed, route, type RouteContext } from "./server-routes.js";

/** Options of `startIpfsServer`. */
export interface IpfsServerOptions {
  /** The store served and written to. */
  store: LocalStore;
  /** TCP port (default 5050; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default 127.0.0.1, loopback only; then only loopback `Host` headers are answered). */
  host?: string;
  /**
   * Uploads and the upload list always need `Authorization: Bearer <key>`:
   * one of these keys if non-empty, otherwise any non-empty key.
   */
  apiKeys?: readonly string[];
  /** Deals reported by `deal_status` (default: none; a local server makes no Filecoin deals). */
  deals?: (cid: string) => LighthouseDeal[];
  /** Receives one line per request. */
  log?: (line: string) => void;
  /** Directory of a static site served outside `/ipfs/` and `/api/` (`/` → `index.html`); e.g. web/dist. */
  webRoot?: string;
}

/** A started server. */
export interface RunningIpfsServer {
  /** Base URL, e.g. http://127.0.0.1:5050. */
  url: string;
  /** Bound port. */
  port: number;
  /** Bound host. */
  host: string;
  /** Stops accepting connections, closes open ones, resolves when done. */
  close(): Promise<void>;
}

/** Default port of `ipfs serve`. */
export const DEFAULT_SERVER_PORT = 5050;

/** Starts the server; resolves once it listens. A port that is taken, out of range or forbidden is a StorageError `SERVER_LISTEN`. */
export async function startIpfsServer(options: IpfsServerOptions): Promise<RunningIpfsServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_SERVER_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StorageError("SERVER_LISTEN", `port ${port} is out of range: use a port from 1 to 65535 (--port), or 0 for any free port.`);
  }
  let webRoot: string | undefined;
  if (options.webRoot !== undefined) {
    const isDirectory = await stat(options.webRoot).then((s) => s.isDirectory(), () => false);
    if (!isDirectory) {
      throw new StorageError("INVALID_PATH", `web root ${options.webRoot} is not a directory: build the page first (npx tsx scripts/build-web.ts).`);
    }
    webRoot = await realpath(options.webRoot);
  }
  const context: RouteContext = { store: options.store, apiKeys: options.apiKeys ?? [], deals: options.deals, webRoot };
  const loopbackOnly = isLoopbackHost(host);
  const server: Server = createServer((req, res) => {
    const started = Date.now();
    // Logged when the exchange ends, also when the client went away first: `<status>` once a status was
    // sent (the request was handled), `aborted` if the connection closed before.
    res.on("close", () => options.log?.(`${req.method} ${req.url} ${res.headersSent ? res.statusCode : "aborted"} ${Date.now() - started} ms`));
    // A socket error of one request (a client that reset) must not become an unhandled 'error' event.
    req.on("error", () => undefined);
    res.on("error", () => undefined);
    if (loopbackOnly && !hostAllowed(req, res, host)) return;
    route(req, res, context).catch((error: unknown) => {
      if (!res.headersSent) {
        req.resume();
        sendJson(res, 500, { error: `internal error: ${(error as Error).message}` });
      } else {
        res.destroy();
      }
    });
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP (bad request line, headers too large…): 400, as Node's default does, without crashing.
    if (socket.writable && !socket.destroyed) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
    void error;
  });
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    host: address.address,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Listens on `port`/`host`; the errors a user can cause become one-line `SERVER_LISTEN` errors. */
async function listen(server: Server, port: number, host: string): Promise<void> {
  const failed = once(server, "error").then(([error]) => Promise.reject(error as NodeJS.ErrnoException));
  failed.catch(() => undefined);
  try {
    server.listen(port, host);
    await Promise.race([once(server, "listening"), failed]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `port ${port} on ${host}`;
    if (code === "EADDRINUSE") {
      throw new StorageError("SERVER_LISTEN", `${where} is already in use (another \`ipfs serve\` or program is listening there): stop it, or pass --port <another port> (0 picks a free one).`, { cause: error });
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new StorageError("SERVER_LISTEN", `not allowed to listen on ${where} (ports below 1024 need privileges): pass --port 1024 or above.`, { cause: error });
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") {
      throw new StorageError("SERVER_LISTEN", `cannot listen on ${host}: it is not an address of this machine; pass --host 127.0.0.1 (or another local interface).`, { cause: error });
    }
    if (code === "ERR_SOCKET_BAD_PORT") {
      throw new StorageError("SERVER_LISTEN", `port ${port} is out of range: use a port from 1 to 65535 (--port), or 0 for any free port.`, { cause: error });
    }
    throw error;
  }
}
