/**
 * The local server's Lighthouse upload API (what @lighthouse-web3/sdk calls;
 * answers in Lighthouse's shapes, lighthouse-wire.ts):
 *
 * - `POST /api/v0/add` (multipart; one file, or a directory as parts named
 *   "dir/sub/file"): imported with the Kubo profile, hidden files kept;
 * - `POST /api/v0/dag/import` (multipart, one CAR part): verified block by
 *   block and for completeness before anything is stored.
 *
 * Uploads need `Authorization: Bearer <key>` (see {@link authorize}). The
 * body is spooled under the store's `_tmp` (./upload-spool.ts) and removed
 * before the answer, whatever happens; a malformed or failed upload stores
 * nothing and gets 400. Node-only.
 */
import { readdir, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

import { StorageError } from "./errors.js";
import type { LighthouseUploadResponse } from "./lighthouse-wire.js";
import type { LocalStore } from "./local-store.js";
import { sendJson } from "./server-replies.js";
import { ClientGoneError, spoolMultipartUpload, type SpooledFile } from "./upload-spool.js";

/**
 * Requires `Authorization: Bearer <key>`: one of `apiKeys` when configured,
 * any non-empty key otherwise (the Lighthouse SDK always sends one; a
 * cross-origin form or simple `fetch` cannot). Answers 401 and returns false otherwise.
 */
export function authorize(req: IncomingMessage, res: ServerResponse, apiKeys: readonly string[]): boolean {
  const key = /^Bearer[ \t]+(\S.*)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
  if (key !== undefined && (apiKeys.length === 0 || apiKeys.includes(key))) return true;
  req.resume();
  sendJson(res, 401, {
    error:
      key === undefined
        ? "Unauthorized: send Authorization: Bearer <API key> (the Lighthouse SDK does; any key is accepted unless the server was started with --api-key)"
        : "Unauthorized: unknown API key; use one of the keys the server was started with (--api-key)",
  });
  return false;
}

/** Receives an upload (`add`: files, `car`: one CAR), imports it, and answers with Lighthouse's upload response or 400. */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, store: LocalStore, kind: "add" | "car"): Promise<void> {
  const spool = await store.tempPath("-upload");
  let answer: { status: number; body: unknown };
  try {
    const files = await spoolMultipartUpload(req, spool);
    answer = { status: 200, body: kind === "car" ? await importCarUpload(store, files) : await importAddUpload(store, spool) };
  } catch (error) {
    if (error instanceof ClientGoneError || req.socket.destroyed) return; // the client went away mid-upload: nobody to answer
    if (!(error instanceof StorageError)) throw error;
    answer = { status: 400, body: { error: error.message } };
  } finally {
    // Cleaned up before answering, so a client that sees the answer sees no leftovers.
    await rm(spool, { recursive: true, force: true });
  }
  sendJson(res, answer.status, answer.body);
}

async function importCarUpload(store: LocalStore, files: readonly SpooledFile[]): Promise<LighthouseUploadResponse> {
  if (files.length !== 1) throw new StorageError("CAR_INVALID", `dag/import takes exactly one CAR part, got ${files.length}`);
  const file = files[0]!;
  const name = path.posix.basename(file.relative);
  const result = await store.importCar(file.absolute, { name, source: "upload" });
  if (result.roots.length !== 1) {
    throw new StorageError("CAR_INVALID", `the CAR has ${result.roots.length} roots; upload one root per CAR`);
  }
  return { Name: name, Hash: result.roots[0]!, Size: String(file.size) };
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
  const name = top[0]!;
  const result = await store.put(path.join(rootDir, name), { includeHidden: true, name, source: "upload" });
  return { Name: name, Hash: result.cid, Size: String(result.size) };
}
