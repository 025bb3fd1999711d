/**
 * The local server's trustless gateway (read-only): `GET|HEAD
 * /ipfs/<cid>[/<path>]` answered from the store.
 *
 * - `?format=raw` (or `Accept: application/vnd.ipld.raw`): the raw block of
 *   the CID the path resolves to;
 * - `?format=car` (or `Accept: application/vnd.ipld.car`): a CARv1 rooted at
 *   `<cid>` with the directory blocks along `<path>` and every block of the
 *   target DAG;
 * - otherwise the file's bytes (verified as they are read), or a JSON
 *   listing `{cid, entries:[{name,cid,size}]}` for a directory.
 *
 * Every answer carries {@link STORED_CONTENT_HEADERS}: stored bytes never
 * run with the server's origin. Node-only.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import { CarWriter } from "@ipld/car/writer";

import { cidKey, parseCid, type AnyCid } from "./cid.js";
import { directoryEntries, readFileChunks, readNode, resolvePath, walkDag } from "./dag-reader.js";
import { StorageError } from "./errors.js";
import type { LocalStore } from "./local-store.js";
import { IMMUTABLE, mediaType, sendJson, STORED_CONTENT_HEADERS, write } from "./server-replies.js";

/** Answers one gateway request (the path starts with `/ipfs/`). */
export async function serveGateway(req: IncomingMessage, res: ServerResponse, url: URL, store: LocalStore, head: boolean): Promise<void> {
  for (const [name, value] of Object.entries(STORED_CONTENT_HEADERS)) res.setHeader(name, value);
  const [cidText = "", ...rest] = url.pathname.slice("/ipfs/".length).split("/");
  let root: AnyCid;
  try {
    root = parseCid(decodeURIComponent(cidText));
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
    return;
  }
  let subPath: string;
  try {
    subPath = rest.map(decodeURIComponent).join("/");
  } catch {
    sendJson(res, 400, { error: `malformed percent-encoding in ${url.pathname}` });
    return;
  }
  const accept = req.headers.accept ?? "";
  const format = url.searchParams.get("format") ?? (accept.includes("application/vnd.ipld.car") ? "car" : accept.includes("application/vnd.ipld.raw") ? "raw" : "");
  try {
    const { cid: target, traversed } = await resolvePath(store, root, subPath);
    if (format === "raw") {
      const bytes = await store.getBlock(target);
      res.writeHead(200, {
        "Content-Type": "application/vnd.ipld.raw",
        "Content-Length": bytes.length,
        "Cache-Control": IMMUTABLE,
        ETag: `"${target}.raw"`,
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
        "X-Ipfs-Path": url.pathname,
      });
      if (head) {
        res.end();
        return;
      }
      await streamCar(res, store, root, traversed, target);
      return;
    }
    if (format !== "") {
      sendJson(res, 400, { error: `unknown format "${format}": use format=raw or format=car, or none for the file's bytes` });
      return;
    }
    const decoded = await readNode(store, target);
    if (decoded.kind === "directory") {
      sendJson(res, 200, { cid: cidKey(target), entries: directoryEntries(decoded.node) }, head);
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
    } else if (error instanceof StorageError && error.code === "BLOCK_MISMATCH") {
      // A corrupt file in the store (now quarantined): the block is missing.
      sendJson(res, 404, { error: error.message });
    } else if (error instanceof StorageError && (error.code === "INVALID_CID" || error.code === "UNSUPPORTED_CID" || error.code === "INVALID_DAG")) {
      sendJson(res, 422, { error: error.message });
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
