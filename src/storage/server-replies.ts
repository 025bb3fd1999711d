/**
 * How the local server answers: JSON replies, streaming writes with
 * backpressure, media types by file extension, and the header sets of its
 * two kinds of answers — content read from the store (never run with the
 * page's origin) and the server's own JSON. Node-only.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import path from "node:path";

/** Sent with GET/HEAD/OPTIONS outside `/api/` only (the gateway and the web page): reading is open to any origin. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
  "Access-Control-Allow-Headers": "Accept, Range",
  "Access-Control-Expose-Headers": "Content-Length, Content-Type, ETag, X-Ipfs-Path, X-Ipfs-Roots",
};

/**
 * Headers of everything served from the store (`/ipfs/…`): stored bytes are
 * anyone's upload, so a browser must never run them with this server's
 * origin (where the verifier page and the upload API live). `sandbox` puts a
 * navigated-to document (HTML, SVG) in an opaque origin with scripts, forms
 * and plugins disabled; `nosniff` stops a browser from guessing a runnable
 * type for bytes labelled otherwise. Fetching the bytes (the page, the CLI)
 * is unaffected.
 */
export const STORED_CONTENT_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "sandbox",
  "X-Content-Type-Options": "nosniff",
};

/** Cache header of content addressed by CID. */
export const IMMUTABLE = "public, max-age=29030400, immutable";

/** Sends `body` as JSON (no body for HEAD). */
export function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "X-Content-Type-Options": "nosniff",
  });
  res.end(head ? undefined : text);
}

/** Writes a chunk, waiting for `drain` when the socket's buffer is full. */
export async function write(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (!res.write(chunk)) await once(res, "drain");
}

const MEDIA_TYPES: Readonly<Record<string, string>> = {
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

/** The media type of a file name, by extension (`application/octet-stream` when unknown). */
export function mediaType(name: string): string {
  return MEDIA_TYPES[path.extname(name).toLowerCase()] ?? "application/octet-stream";
}
