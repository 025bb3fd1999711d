/**
 * Lighthouse (IPFS pinning + Filecoin deals) through the real
 * @lighthouse-web3/sdk.
 *
 * CIDs are never taken on trust: content is first imported into the local
 * store (which computes the CID with our own UnixFS builder), then
 * - a directory, or a file above 256 KiB, is exported as a CAR named
 *   `<cid>.car` and sent with `uploadCAR` (`/api/v0/dag/import`), so
 *   Lighthouse stores exactly our blocks — its own chunking of large files
 *   is undocumented;
 * - a file of at most 256 KiB (one raw block, e.g. metadata JSON) is sent
 *   with the plain `upload` (`/api/v0/add?cid-version=1`), which yields the
 *   same raw-leaf CID. (`uploadBuffer`/`uploadText` are not used: on an
 *   HTTP error they discard the status code, so a rejected key could not be
 *   told from a server failure; bytes are written to a temporary file and
 *   sent with `upload` instead.)
 * The CID Lighthouse answers must equal ours, else LIGHTHOUSE_CID_MISMATCH
 * shows both. Only a fully successful upload is recorded
 * (`_remote/lighthouse/<cid>.json` in the local store); temporary files
 * are always removed. Every SDK call is bounded by `timeoutMs` (the SDK's
 * own limit is two hours), and a call that times out has its HTTP requests
 * aborted (./lighthouse-request-abort.ts). Node-only.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import { cidKey, parseCid } from "./cid.js";
import { StorageError, type StorageErrorCode } from "./errors.js";
import { GatewayStore, type GatewayWarning } from "./gateway.js";
import { CHUNK_SIZE } from "./import-profile.js";
import { getLighthouseEndpoints } from "./lighthouse-endpoints.js";
import { startAbortable } from "./lighthouse-request-abort.js";
import type { LighthouseDeal, LighthouseFileInfo, LighthouseUploadResponse } from "./lighthouse-wire.js";
import type { LocalStore } from "./local-store.js";
import type { Content, ContentStore, FilecoinDeal, PutResult, StorageStatus } from "./store.js";

/** How to set the key, repeated in every key-related error. */
export const LIGHTHOUSE_KEY_HELP =
  "Create a key at https://files.lighthouse.storage (API Key tab), then store it with " +
  "`npx hardhat keystore set LIGHTHOUSE_API_KEY` or export LIGHTHOUSE_API_KEY=<key>.";

/** Default bound on one SDK call. */
export const DEFAULT_LIGHTHOUSE_TIMEOUT_MS = 10 * 60_000;

/** Options of `LighthouseStore`. */
export interface LighthouseStoreOptions {
  /** Lighthouse API key (undefined → LIGHTHOUSE_MISSING_API_KEY on upload). */
  apiKey: string | undefined;
  /** Local store used to compute CIDs, stage CARs and record uploads. */
  localStore: LocalStore;
  /** Bound on each SDK call in ms (default 10 minutes). */
  timeoutMs?: number;
  /** Gateways for `get` (default: the SDK's `lighthouseGateway`). */
  gateways?: readonly string[];
  /** Gateway warnings during `get`. */
  onWarning?: (warning: GatewayWarning) => void;
}

/** Details of a successful upload. */
export interface LighthouseUpload extends PutResult {
  /** Which SDK call carried it; "present" when Lighthouse held the CID already and nothing was sent (`ifMissing`). */
  via: "uploadCAR" | "upload" | "present";
  /** Name Lighthouse recorded. */
  name: string;
}

/** The SDK functions used (typed locally; the SDK is loaded lazily, ≈ 0.2 s). */
interface LighthouseSdk {
  upload(path: string, apiKey: string, options?: { cidVersion?: number }): Promise<{ data: LighthouseUploadResponse }>;
  uploadCAR(path: string, apiKey: string): Promise<{ data: LighthouseUploadResponse }>;
  dealStatus(cid: string): Promise<{ data: LighthouseDeal[] }>;
  getFileInfo(cid: string): Promise<{ data: LighthouseFileInfo }>;
}

let sdkPromise: Promise<LighthouseSdk> | undefined;

/** Loads @lighthouse-web3/sdk once. */
export async function loadLighthouseSdk(): Promise<LighthouseSdk> {
  sdkPromise ??= import("@lighthouse-web3/sdk").then((m) => m as unknown as LighthouseSdk);
  return sdkPromise;
}

/** Lighthouse as a ContentStore. */
export class LighthouseStore implements ContentStore {
  /** Backend name. */
  readonly backend = "lighthouse" as const;
  private readonly apiKey: string | undefined;
  private readonly local: LocalStore;
  private readonly timeoutMs: number;
  private readonly gateways: readonly string[] | undefined;
  private readonly onWarning: ((warning: GatewayWarning) => void) | undefined;

  constructor(options: LighthouseStoreOptions) {
    const key = options.apiKey?.trim();
    this.apiKey = key === undefined || key.length === 0 ? undefined : key;
    this.local = options.localStore;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_LIGHTHOUSE_TIMEOUT_MS;
    this.gateways = options.gateways;
    this.onWarning = options.onWarning;
  }

  /**
   * Uploads a file or directory; see the module doc for which SDK call is
   * used. With `ifMissing`, nothing is sent when Lighthouse already knows
   * the CID (checked with `getFileInfo` once the CID is computed locally).
   */
  async put(target: string, options: { readonly ifMissing?: boolean | undefined } = {}): Promise<LighthouseUpload> {
    const apiKey = this.requireKey();
    const local = await this.local.put(target);
    if (options.ifMissing === true && (await this.has(local.cid))) return { ...local, via: "present", name: path.basename(path.resolve(target)) };
    if (local.kind === "file" && local.contentBytes <= CHUNK_SIZE) {
      return this.uploadSmallFile(path.resolve(target), local, apiKey);
    }
    return this.uploadAsCar(local, apiKey);
  }

  /** Uploads in-memory bytes (e.g. metadata JSON) under `name`; `ifMissing` as for {@link put}. */
  async putBytes(bytes: Uint8Array, name: string, options: { readonly ifMissing?: boolean | undefined } = {}): Promise<LighthouseUpload> {
    const apiKey = this.requireKey();
    if (name.length === 0 || name.includes("/") || name.includes("\\") || name === "." || name === "..") {
      throw new StorageError("INVALID_PATH", `"${name}" is not a valid file name for an upload`);
    }
    const local = await this.local.putBytes(bytes, name);
    if (options.ifMissing === true && (await this.has(local.cid))) return { ...local, via: "present", name };
    if (bytes.length > CHUNK_SIZE) return this.uploadAsCar(local, apiKey);
    const dir = await this.local.tempPath("-lighthouse");
    try {
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, name);
      await writeFile(file, bytes);
      return await this.uploadSmallFile(file, local, apiKey);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Verified content through the Lighthouse gateway (or the configured gateways). */
  async get(cid: string): Promise<Content> {
    return this.gatewayStore().get(cid);
  }

  /** Whether Lighthouse knows the CID (`getFileInfo` succeeds). */
  async has(cid: string): Promise<boolean> {
    return (await this.fileInfo(cidKey(cid))) !== undefined;
  }

  /** File info and Filecoin deals of the CID. */
  async status(cid: string): Promise<StorageStatus> {
    const key = cidKey(cid);
    const sdk = await loadLighthouseSdk();
    const info = await this.fileInfo(key);
    const response = await this.call("dealStatus", () => sdk.dealStatus(key));
    const raw = Array.isArray(response?.data) ? response.data : [];
    const deals = raw.map(toFilecoinDeal);
    const status: StorageStatus = {
      cid: key,
      backend: "lighthouse",
      available: info !== undefined,
      location: `${getLighthouseEndpoints().gateway}/ipfs/${key}`,
      deals,
    };
    if (info !== undefined) {
      status.name = info.fileName;
      const size = Number(info.fileSizeInBytes);
      if (Number.isFinite(size)) status.size = size;
    }
    if (info !== undefined && deals.length === 0) {
      status.detail = "no Filecoin deal yet: Lighthouse aggregates uploads and makes deals asynchronously; check again later";
    }
    return status;
  }

  private async fileInfo(cid: string): Promise<LighthouseFileInfo | undefined> {
    const sdk = await loadLighthouseSdk();
    try {
      const response = await this.call("getFileInfo", () => sdk.getFileInfo(cid));
      return response?.data;
    } catch (error) {
      if (error instanceof StorageError && error.code === "LIGHTHOUSE_REJECTED" && error.httpStatus === 404) return undefined;
      throw error;
    }
  }

  private gatewayStore(): GatewayStore {
    const options: ConstructorParameters<typeof GatewayStore>[0] = {
      gateways: this.gateways ?? [getLighthouseEndpoints().gateway],
    };
    if (this.onWarning !== undefined) options.onWarning = this.onWarning;
    return new GatewayStore(options);
  }

  private async uploadSmallFile(file: string, local: PutResult, apiKey: string): Promise<LighthouseUpload> {
    const sdk = await loadLighthouseSdk();
    const response = await this.call("upload", () => sdk.upload(file, apiKey, { cidVersion: 1 }));
    return this.accept(response, local, "upload", path.basename(file));
  }

  private async uploadAsCar(local: PutResult, apiKey: string): Promise<LighthouseUpload> {
    const sdk = await loadLighthouseSdk();
    const dir = await this.local.tempPath("-lighthouse");
    try {
      await mkdir(dir, { recursive: true });
      const carFile = path.join(dir, `${local.cid}.car`);
      await this.local.exportCar(local.cid, carFile);
      const response = await this.call("uploadCAR", () => sdk.uploadCAR(carFile, apiKey));
      return await this.accept(response, local, "uploadCAR", path.basename(carFile));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Checks Lighthouse's answer against our CID; records the upload only if it matches. */
  private async accept(
    response: { data: LighthouseUploadResponse } | undefined,
    local: PutResult,
    via: LighthouseUpload["via"],
    sentName: string,
  ): Promise<LighthouseUpload> {
    const data = response?.data as Partial<LighthouseUploadResponse> | undefined;
    if (data === undefined || data === null || typeof data.Hash !== "string") {
      throw lighthouseError(
        "LIGHTHOUSE_BAD_RESPONSE",
        `${via}: Lighthouse answered without a CID (${JSON.stringify(data)?.slice(0, 200)}). Nothing was recorded; retry later.`,
      );
    }
    let returned: string;
    try {
      returned = cidKey(parseCid(data.Hash));
    } catch {
      throw lighthouseError(
        "LIGHTHOUSE_BAD_RESPONSE",
        `${via}: Lighthouse answered "${data.Hash.slice(0, 100)}", which is not a CID. Nothing was recorded; retry later.`,
      );
    }
    if (returned !== local.cid) {
      throw lighthouseError(
        "LIGHTHOUSE_CID_MISMATCH",
        `${via}: Lighthouse returned CID ${returned} but the content's CID computed locally is ${local.cid}. ` +
          "The upload was not recorded; do not use the returned CID. Check that the endpoint really is Lighthouse " +
          "(--lighthouse-url) and report the mismatch.",
      );
    }
    const name = typeof data.Name === "string" && data.Name.length > 0 ? data.Name : sentName;
    await this.local.recordRemote("lighthouse", local.cid, {
      uploadedAt: new Date().toISOString(),
      via,
      name,
      size: typeof data.Size === "string" ? Number(data.Size) : local.size,
      endpoint: getLighthouseEndpoints().node,
    });
    return { ...local, backend: "lighthouse", via, name };
  }

  private requireKey(): string {
    if (this.apiKey === undefined) {
      throw lighthouseError("LIGHTHOUSE_MISSING_API_KEY", `no Lighthouse API key is set. ${LIGHTHOUSE_KEY_HELP}`);
    }
    return this.apiKey;
  }

  /**
   * Runs one SDK call under the timeout and maps its failure to a
   * LIGHTHOUSE_* error. On timeout the call's HTTP requests are destroyed
   * (lighthouse-request-abort.ts), so nothing keeps uploading in the background.
   */
  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const call = startAbortable(run);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = lighthouseError(
          "LIGHTHOUSE_TIMEOUT",
          `${operation}: no complete answer from Lighthouse (${getLighthouseEndpoints().node}) within ${this.timeoutMs} ms ` +
            "(slow or truncated response). The request was aborted and nothing was recorded; retry, or raise the timeout.",
        );
        call.abort(error);
        reject(error);
      }, this.timeoutMs);
    });
    call.result.catch(() => undefined); // after a timeout, the aborted call's own rejection is expected
    try {
      return await Promise.race([call.result, timeout]);
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw classifySdkError(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Maps an SDK failure to a LIGHTHOUSE_* StorageError (with the HTTP status
 * when there is one). The SDK only throws Errors with messages, so this one
 * place reads the SDK's message text; nothing downstream does.
 */
export function classifySdkError(operation: string, error: unknown): StorageError {
  const message = (error as Error)?.message ?? String(error);
  const status = /status(?: code)?:? (\d{3})/i.exec(message)?.[1];
  const where = getLighthouseEndpoints().node;
  if (status === "401" || status === "403") {
    return lighthouseError(
      "LIGHTHOUSE_UNAUTHORIZED",
      `${operation}: Lighthouse rejected the API key (HTTP ${status}). ${LIGHTHOUSE_KEY_HELP} Nothing was recorded.`,
    );
  }
  if (status !== undefined && status.startsWith("5")) {
    return lighthouseError(
      "LIGHTHOUSE_SERVER_ERROR",
      `${operation}: Lighthouse failed with HTTP ${status} (${where}). Nothing was recorded; retry later.`,
    );
  }
  if (status !== undefined) {
    return lighthouseError("LIGHTHOUSE_REJECTED", `${operation}: Lighthouse refused the request with HTTP ${status}: ${message}`, Number(status));
  }
  if (/Invalid JSON/i.test(message)) {
    return lighthouseError(
      "LIGHTHOUSE_BAD_RESPONSE",
      `${operation}: Lighthouse answered with a body that is not the expected JSON (tampered or cut short). Nothing was recorded; retry.`,
    );
  }
  if (/socket hang up|ECONNRESET|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EPIPE|ETIMEDOUT|network|fetch failed/i.test(message)) {
    return lighthouseError(
      "LIGHTHOUSE_NETWORK",
      `${operation}: could not talk to Lighthouse at ${where} (${message}). Check the connection or --lighthouse-url; nothing was recorded.`,
    );
  }
  return lighthouseError("LIGHTHOUSE_REJECTED", `${operation}: Lighthouse call failed: ${message}`);
}

function lighthouseError(code: StorageErrorCode, message: string, httpStatus?: number): StorageError {
  return new StorageError(code, message, { httpStatus });
}

function toFilecoinDeal(deal: Partial<LighthouseDeal>): FilecoinDeal {
  const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return {
    pieceCid: deal.pieceCID ?? "",
    provider: deal.storageProvider ?? deal.miner ?? "",
    dealId: num(deal.chainDealID) ?? num(deal.dealId),
    startEpoch: num(deal.startEpoch),
    endEpoch: num(deal.endEpoch),
    status: deal.dealStatus ?? "",
  };
}
