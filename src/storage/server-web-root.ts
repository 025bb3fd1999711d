/**
 * The local server's static site: the web verifier page (web/dist) served
 * from a directory, `/` being `index.html`. Only plain relative paths are
 * served: no `..`, no hidden names, no backslash or NUL (400), and nothing
 * outside the root, symbolic links included (404). Node-only.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import path from "node:path";

import { mediaType, sendJson } from "./server-replies.js";
import { DatatraceError } from "../errors/index.js";

/** A path segment we serve: a plain, non-hidden file or directory name. */
const SAFE_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/** Serves `webRoot`/<path> (`/` → index.html), refusing anything but plain relative paths inside the root. */
export async function serveWebFile(res: ServerResponse, url: URL, webRoot: string, head: boolean): Promise<void> {
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
    if (!real.startsWith(webRoot + path.sep) || !(await stat(real)).isFile()) throw new DatatraceError("not a file in the web root");
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
