/**
 * A local IPFS-compatible and Lighthouse-compatible HTTP server over a
 * LocalStore, for development, tests and the web page:
 *
 * Trustless gateway (read-only, CORS open to any origin for GET/HEAD/OPTIONS):
 * - `GET|HEAD /ipfs/<cid>[/<path>]?format=raw` (or `Accept: application/vnd.ipld.raw`):
 *   the raw block of the CID the path resolves to;
 * - `…?format=car` (or `Accept: application/vnd.ipld.car`): a CARv1 rooted
 *   at `<cid>` with the directory blocks along `<path>` and every block of
 *   the target DAG;
 * - otherwise: the file's bytes (verified as they are read), or a JSON
 *   listing `{cid, entries:[{name,cid,size}]}` for a directory.
 *
 * Lighthouse upload API (what @lighthouse-web3/sdk calls; see lighthouse-wire.ts):
 * - `POST /api/v0/add` (multipart; one file, or a directory as parts named
 *   "dir/sub/file"): imported with the Kubo profile, hidden files kept;
 * - `POST /api/v0/dag/import` (multipart, one CAR part): verified block by
 *   block and for completeness before anything is stored;
 * - `GET /api/lighthouse/deal_status`, `/api/lighthouse/file_info`,
 *   `/api/user/files_uploaded`.
 *
 * Static site (optional, `webRoot`): any other `GET|HEAD` path is a file
 * under `webRoot` (`/` is `index.html`), so the web verifier built into
 * web/dist can be served by the gateway it reads from. Only plain relative
 * paths are served: no `..`, no hidden names, nothing outside the root.
 * Without `webRoot`, `/` answers a JSON status.
 *
 * Uploads are spooled under the store's `_tmp` and removed whatever
 * happens; a failed or aborted upload stores nothing. Node-only.
 *
 * Security (the server holds a writable store on a developer's machine):
 * - binds 127.0.0.1 by default; bound to a loopback address it answers only
 *   requests whose `Host` header names a loopback host (403 otherwise), so a
 *   page on a domain re-resolved to 127.0.0.1 (DNS rebinding) gets nothing;
 * - CORS headers go only with GET/HEAD/OPTIONS outside `/api/` (the gateway
 *   and the web page), never with the upload or account API, so other
 *   origins can read content but cannot read API answers;
 * - uploads (`POST /api/v0/*`) and the upload list need
 *   `Authorization: Bearer <key>` (any non-empty key when no `apiKeys` are
 *   configured; one of them otherwise), which a cross-origin "simple
 *   request" (an HTML form, `fetch` without preflight) cannot carry.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, readdir, readFile, realpath, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { once } from "node:events";

import { CarWriter } from "@ipld/car/writer";

import { cidKey, parseCid, type AnyCid } from "./cid.js";
import { directoryEntries, readFileChunks, readNode, resolvePath, walkDag } from "./dag-reader.js";
import { StorageError } from "./errors.js";
import type { LocalStore } from "./local-store.js";
import { isLoopbackHost, isLoopbackHostHeader } from "./loopback-host.js";
import type { LighthouseDeal, LighthouseFileInfo, LighthouseUploadResponse, LighthouseUploads } from "./lighthouse-wire.js";
import { multipartBoundary, MultipartError, parseMultipart } from "./multipart.js";

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

/** Sent with GET/HEAD/OPTIONS outside `/api/` only (the gateway and the web page): reading is open to any origin. */
const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
  "Access-Control-Allow-Headers": "Accept, Range",
  "Access-Control-Expose-Headers": "Content-Length, Content-Type, ETag, X-Ipfs-Path, X-Ipfs-Roots",
};

const IMMUTABLE = "public, max-age=29030400, immutable";

/** Starts the server; resolves once it listens. */
export async function startIpfsServer(options: IpfsServerOptions): Promise<RunningIpfsServer> {
  const host = options.host ?? "127.0.0.1";
  if (options.webRoot !== undefined) {
    const isDirectory = await stat(options.webRoot).then((s) => s.isDirectory(), () => false);
    if (!isDirectory) {
      throw new StorageError("INVALID_PATH", `web root ${options.webRoot} is not a directory: build the page first (npx tsx scripts/build-web.ts).`);
    }
    options = { ...options, webRoot: await realpath(options.webRoot) };
  }
  const loopbackOnly = isLoopbackHost(host);
  const server: Server = createServer((req, res) => {
    const started = Date.now();
    res.on("finish", () => options.log?.(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started} ms`));
    if (loopbackOnly && !hostAllowed(req, res, host)) return;
    handle(req, res, options).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, { error: `internal error: ${(error as Error).message}` });
      } else {
        res.destroy(error as Error);
      }
    });
  });
  server.listen(options.port ?? DEFAULT_SERVER_PORT, host);
  await Promise.race([once(server, "listening"), once(server, "error").then(([error]) => Promise.reject(error))]);
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

/**
 * DNS-rebinding guard of a loopback-bound server: answers 403 (and returns
 * false) unless the request's Host header names a loopback host. A request
 * without a Host header (HTTP/1.0 tools) cannot come from a browser and is let through.
 */
function hostAllowed(req: IncomingMessage, res: ServerResponse, boundTo: string): boolean {
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

async function handle(req: IncomingMessage, res: ServerResponse, options: IpfsServerOptions): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const method = req.method ?? "GET";
  // Reading (the gateway, the web page) is open to every origin; the API is not.
  const readOnly = method === "GET" || method === "HEAD" || method === "OPTIONS";
  if (readOnly && !url.pathname.startsWith("/api/")) {
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  }
  if (method === "OPTIONS") {
    req.resume();
    res.writeHead(204).end();
    return;
  }
  if ((method === "GET" || method === "HEAD") && url.pathname.startsWith("/ipfs/")) {
    await serveGateway(req, res, url, options.store, method === "HEAD");
    return;
  }
  if (method === "POST" && url.pathname === "/api/v0/add") {
    if (authorize(req, res, options)) await handleUpload(req, res, options.store, "add");
    return;
  }
  if (method === "POST" && url.pathname === "/api/v0/dag/import") {
    if (authorize(req, res, options)) await handleUpload(req, res, options.store, "car");
    return;
  }
  if (method === "GET" && url.pathname === "/api/lighthouse/deal_status") {
    const cid = cidParam(url, res);
    if (cid !== undefined) sendJson(res, 200, options.deals?.(cid) ?? []);
    return;
  }
  if (method === "GET" && url.pathname === "/api/lighthouse/file_info") {
    const cid = cidParam(url, res);
    if (cid !== undefined) await fileInfo(res, options.store, cid);
    return;
  }
  if (method === "GET" && url.pathname === "/api/user/files_uploaded") {
    if (authorize(req, res, options)) await filesUploaded(res, options.store);
    return;
  }
  if ((method === "GET" || method === "HEAD") && options.webRoot !== undefined && !url.pathname.startsWith("/api/")) {
    await serveWebFile(res, url, options.webRoot, method === "HEAD");
    return;
  }
  if (method === "GET" && url.pathname === "/") {
    sendJson(res, 200, { service: "datatrace local IPFS + Lighthouse-compatible server", store: options.store.dir });
    return;
  }
  sendJson(res, 404, { error: `no route for ${method} ${url.pathname}` });
}

// ---------------------------------------------------------------- static site

/** A path segment we serve: a plain, non-hidden file or directory name. */
const SAFE_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/** Serves `webRoot`/<path> (`/` → index.html), refusing anything but plain relative paths inside the root. */
async function serveWebFile(res: ServerResponse, url: URL, webRoot: string, head: boolean): Promise<void> {
  let segments: string[];
  try {
    segments = (url.pathname === "/" ? "/index.html" : url.pathname).slice(1).split("/").map(decodeURIComponent);
  } catch {
    segments = [];
  }
  if (segments.length === 0 || !segments.every((s) => SAFE_SEGMENT.test(s))) {
    sendJson(res, 400, { error: `refused path ${url.pathname}: only plain file names under the web root are served (no "..", no hidden files)` });
    return;
  }
  const file = path.join(webRoot, ...segments);
  let bytes: Uint8Array;
  try {
    // Resolve links too: a symbolic link inside the root must not lead out of it.
    const real = await realpath(file);
    if (!real.startsWith(webRoot + path.sep) || !(await stat(real)).isFile()) throw new Error("not a file in the web root");
    bytes = await readFile(real);
  } catch {
    sendJson(res, 404, { error: `${url.pathname} is not a file of the web page` });
    return;
  }
  res.writeHead(200, {
    "Content-Type": mediaType(file),
    "Content-Length": bytes.length,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(head ? undefined : bytes);
}

// ---------------------------------------------------------------- gateway

async function serveGateway(req: IncomingMessage, res: ServerResponse, url: URL, store: LocalStore, head: boolean): Promise<void> {
  const [cidText = "", ...rest] = url.pathname.slice("/ipfs/".length).split("/");
  let root: AnyCid;
  try {
    root = parseCid(decodeURIComponent(cidText));
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
    return;
  }
  const subPath = rest.join("/");
  const accept = req.headers.accept ?? "";
  const format = url.searchParams.get("format") ?? (accept.includes("application/vnd.ipld.car") ? "car" : accept.includes("application/vnd.ipld.raw") ? "raw" : "");
  let target: AnyCid;
  let traversed: AnyCid[];
  try {
    ({ cid: target, traversed } = await resolvePath(store, root, subPath));
    if (format === "raw") {
      const bytes = await store.getBlock(target);
      res.writeHead(200, {
        "Content-Type": "application/vnd.ipld.raw",
        "Content-Length": bytes.length,
        "Cache-Control": IMMUTABLE,
        ETag: `"${target}.raw"`,
        "X-Content-Type-Options": "nosniff",
        "X-Ipfs-Path": url.pathname,
        "X-Ipfs-Roots": [...traversed, target].join(","),
      });
      res.end(head ? undefined : bytes);
      return;
    }
    if (format === "car") {
      // Walk once before answering so a missing block yields 404, not a cut-off 200.
      const missing = await store.missingBlocks(target, 1);
      if (missing.length > 0) throw new StorageError("BLOCK_NOT_FOUND", `block ${missing[0]} of ${target} is not in the store`);
      res.writeHead(200, {
        "Content-Type": "application/vnd.ipld.car; version=1",
        "Cache-Control": IMMUTABLE,
        ETag: `"${target}.car"`,
        "X-Content-Type-Options": "nosniff",
        "X-Ipfs-Path": url.pathname,
      });
      if (head) {
        res.end();
        return;
      }
      await streamCar(res, store, root, traversed, target);
      return;
    }
    const decoded = await readNode(store, target);
    if (decoded.kind === "directory") {
      const listing = { cid: cidKey(target), entries: directoryEntries(decoded.node) };
      sendJson(res, 200, listing, head);
      return;
    }
    const size = "raw" in decoded ? decoded.raw.length : (decoded.unixfs.fileSize ?? undefined);
    const headers: Record<string, string | number> = {
      "Content-Type": mediaType(rest.at(-1) ?? ""),
      "Cache-Control": IMMUTABLE,
      ETag: `"${target}"`,
      "X-Ipfs-Path": url.pathname,
    };
    if (size !== undefined) headers["Content-Length"] = size;
    res.writeHead(200, headers);
    if (head) {
      res.end();
      return;
    }
    for await (const chunk of readFileChunks(store, target)) await write(res, chunk);
    res.end();
  } catch (error) {
    if (res.headersSent) throw error;
    if (error instanceof StorageError && (error.code === "BLOCK_NOT_FOUND" || error.code === "INVALID_PATH")) {
      sendJson(res, 404, { error: error.message });
    } else if (error instanceof StorageError && error.code === "UNSUPPORTED_CONTENT") {
      sendJson(res, 501, { error: error.message });
    } else {
      throw error;
    }
  }
}

async function streamCar(res: ServerResponse, store: LocalStore, root: AnyCid, traversed: AnyCid[], target: AnyCid): Promise<void> {
  const { writer, out } = CarWriter.create([root]);
  const pump = (async () => {
    for await (const chunk of out) await write(res, chunk);
  })();
  try {
    for (const cid of traversed) await writer.put({ cid, bytes: await store.getBlock(cid) });
    for await (const block of walkDag(store, target)) await writer.put(block);
  } finally {
    await writer.close();
  }
  await pump;
  res.end();
}

async function write(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (!res.write(chunk)) await once(res, "drain");
}

function mediaType(name: string): string {
  const ext = path.extname(name).toLowerCase();
  const types: Record<string, string> = {
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".car": "application/vnd.ipld.car",
  };
  return types[ext] ?? "application/octet-stream";
}

// ---------------------------------------------------------------- uploads

/**
 * Requires `Authorization: Bearer <key>`: one of `apiKeys` when configured,
 * any non-empty key otherwise (the Lighthouse SDK always sends one; a
 * cross-origin form or simple `fetch` cannot). Answers 401 and returns false otherwise.
 */
function authorize(req: IncomingMessage, res: ServerResponse, options: IpfsServerOptions): boolean {
  const keys = options.apiKeys ?? [];
  const key = /^Bearer[ \t]+(\S.*)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
  if (key !== undefined && (keys.length === 0 || keys.includes(key))) return true;
  req.resume();
  sendJson(res, 401, {
    error:
      key === undefined
        ? "Unauthorized: send Authorization: Bearer <API key> (the Lighthouse SDK does; any key is accepted unless the server was started with --api-key)"
        : "Unauthorized: unknown API key; use one of the keys the server was started with (--api-key)",
  });
  return false;
}

async function handleUpload(req: IncomingMessage, res: ServerResponse, store: LocalStore, kind: "add" | "car"): Promise<void> {
  const boundary = multipartBoundary(req.headers["content-type"]);
  if (boundary === undefined) {
    req.resume();
    sendJson(res, 400, { error: "expected a multipart/form-data body with a boundary" });
    return;
  }
  const spool = await store.tempPath("-upload");
  let answer: { status: number; body: unknown };
  try {
    answer = { status: 200, body: await receiveAndImport(req, store, kind, boundary, spool) };
  } catch (error) {
    if (!(error instanceof MultipartError || error instanceof StorageError)) {
      if (req.socket.destroyed) return; // the client went away mid-upload: nobody to answer
      throw error;
    }
    answer = { status: 400, body: { error: error.message } };
  } finally {
    // Cleaned up before answering, so a client that sees the answer sees no leftovers.
    await rm(spool, { recursive: true, force: true });
  }
  sendJson(res, answer.status, answer.body);
}

/** Spools the multipart parts under `spool`, then imports them into the store. */
async function receiveAndImport(
  req: IncomingMessage,
  store: LocalStore,
  kind: "add" | "car",
  boundary: string,
  spool: string,
): Promise<LighthouseUploadResponse> {
  const files: { relative: string; absolute: string; size: number }[] = [];
  let open: WriteStream | undefined;
  try {
    await parseMultipart(req, boundary, async (info) => {
      const relative = safeRelativePath(info.filename ?? info.name ?? `part-${files.length}`);
      const absolute = path.join(spool, "root", relative);
      await mkdir(path.dirname(absolute), { recursive: true });
      const stream = createWriteStream(absolute, { flags: "wx" });
      open = stream;
      const entry = { relative, absolute, size: 0 };
      files.push(entry);
      return {
        write: async (chunk) => {
          entry.size += chunk.length;
          if (!stream.write(chunk)) await once(stream, "drain");
        },
        end: async () => {
          await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
          open = undefined;
        },
      };
    });
  } catch (error) {
    const stream = open as WriteStream | undefined;
    if (stream !== undefined) await new Promise<void>((resolve) => stream.destroy().once("close", () => resolve()));
    req.resume();
    throw error;
  }
  if (files.length === 0) throw new StorageError("INVALID_PATH", "the upload contained no file");
  return kind === "car" ? importCarUpload(store, files) : importAddUpload(store, spool);
}

async function importCarUpload(store: LocalStore, files: { relative: string; absolute: string; size: number }[]): Promise<LighthouseUploadResponse> {
  if (files.length !== 1) throw new StorageError("CAR_INVALID", `dag/import takes exactly one CAR part, got ${files.length}`);
  const file = files[0] as { relative: string; absolute: string; size: number };
  const name = path.posix.basename(file.relative);
  const result = await store.importCar(file.absolute, { name, source: "upload" });
  if (result.roots.length !== 1) {
    throw new StorageError("CAR_INVALID", `the CAR has ${result.roots.length} roots; upload one root per CAR`);
  }
  return { Name: name, Hash: result.roots[0] as string, Size: String(file.size) };
}

async function importAddUpload(store: LocalStore, spool: string): Promise<LighthouseUploadResponse> {
  const rootDir = path.join(spool, "root");
  const top = await readdir(rootDir);
  if (top.length !== 1) {
    throw new StorageError(
      "INVALID_PATH",
      `the upload has ${top.length} top-level entries (${top.slice(0, 3).join(", ")}…); send one file or one directory`,
    );
  }
  const name = top[0] as string;
  const result = await store.put(path.join(rootDir, name), { includeHidden: true, name, source: "upload" });
  return { Name: name, Hash: result.cid, Size: String(result.size) };
}

/** Validates a client-supplied relative path ("dir/sub/file"); rejects absolute paths and "..". */
function safeRelativePath(name: string): string {
  const parts = name.replace(/\\/g, "/").split("/").filter((p) => p.length > 0 && p !== ".");
  if (parts.length === 0 || parts.some((p) => p === ".." || p.includes("\0"))) {
    throw new StorageError("INVALID_PATH", `unsafe upload file name "${name}"`);
  }
  return parts.join("/");
}

// ---------------------------------------------------------------- account API

function cidParam(url: URL, res: ServerResponse): string | undefined {
  try {
    return cidKey(url.searchParams.get("cid") ?? "");
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
    return undefined;
  }
}

async function fileInfo(res: ServerResponse, store: LocalStore, cid: string): Promise<void> {
  const record = await store.getRoot(cid);
  if (record === undefined) {
    sendJson(res, 404, { error: `file ${cid} not found` });
    return;
  }
  const info: LighthouseFileInfo = {
    fileSizeInBytes: String(record.contentBytes ?? record.size),
    cid: record.cid,
    encryption: false,
    fileName: record.name,
    mimeType: record.kind === "file" ? mediaType(record.name) : null,
  };
  sendJson(res, 200, info);
}

async function filesUploaded(res: ServerResponse, store: LocalStore): Promise<void> {
  const records = await store.listRoots();
  const body: LighthouseUploads = {
    fileList: records.map((r) => ({
      publicKey: "",
      fileName: r.name,
      mimeType: r.kind === "file" ? mediaType(r.name) : null,
      txHash: "",
      status: "local",
      createdAt: Date.parse(r.recordedAt),
      fileSizeInBytes: String(r.contentBytes ?? r.size),
      cid: r.cid,
      id: r.cid,
      lastUpdate: Date.parse(r.recordedAt),
      encryption: false,
    })),
    totalFiles: records.length,
  };
  sendJson(res, 200, body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(head ? undefined : text);
}
