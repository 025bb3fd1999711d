/**
 * The local server's Lighthouse account API, in Lighthouse's shapes
 * (lighthouse-wire.ts): `GET /api/lighthouse/deal_status?cid=` (the deals
 * the server was given; a local server makes none), `GET
 * /api/lighthouse/file_info?cid=` and `GET /api/user/files_uploaded` (the
 * roots recorded in the store). Node-only.
 */
import type { ServerResponse } from "node:http";

import { cidKey } from "./cid.js";
import type { LighthouseDeal, LighthouseFileInfo, LighthouseUploads } from "./lighthouse-wire.js";
import type { LocalStore } from "./local-store.js";
import { mediaType, sendJson } from "./server-replies.js";

/** The `cid` query parameter as a CID key; answers 400 and returns undefined when it is not a CID. */
export function cidParam(url: URL, res: ServerResponse): string | undefined {
  try {
    return cidKey(url.searchParams.get("cid") ?? "");
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
    return undefined;
  }
}

/** `deal_status`: the deals `deals` reports for the CID (none by default). */
export function dealStatus(res: ServerResponse, url: URL, deals: ((cid: string) => LighthouseDeal[]) | undefined): void {
  const cid = cidParam(url, res);
  if (cid !== undefined) sendJson(res, 200, deals?.(cid) ?? []);
}

/** `file_info`: the recorded root, or 404. */
export async function fileInfo(res: ServerResponse, url: URL, store: LocalStore): Promise<void> {
  const cid = cidParam(url, res);
  if (cid === undefined) return;
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

/** `files_uploaded`: every recorded root. */
export async function filesUploaded(res: ServerResponse, store: LocalStore): Promise<void> {
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
