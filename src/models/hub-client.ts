/**
 * Access to the Hugging Face Hub through `@huggingface/hub` (model info,
 * recursive file listing, file download, model search), with:
 *
 * - a configurable endpoint (`HF_ENDPOINT`, as huggingface_hub reads it;
 *   default https://huggingface.co) and an optional token (`hf_…`);
 * - a fetch wrapper handed to the library that retries `429 Too Many
 *   Requests` after the `Retry-After` delay (seconds or an HTTP date; at
 *   most `maxRetries` times, never waiting longer than `maxRetryWaitMs`), and
 *   bounds every request by a timeout;
 * - errors turned into {@link HubError}s that say what happened and what to
 *   do (401/403: token or gated model, 404: no such model or revision,
 *   429 after retries, connection refused, a truncated download, a file
 *   whose bytes do not match the listing).
 *
 * Small files are downloaded whole and checked against the listing (size,
 * and git blob id or LFS SHA-256); nothing large is downloaded here.
 */
import { createHash } from "node:crypto";

import { downloadFile, HubApiError, listFiles, listModels, modelInfo } from "@huggingface/hub";
import { DatatraceError, type FailureFamily } from "../errors/index.js";

/** Default Hub endpoint. */
export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";
/** Environment variable naming another endpoint (huggingface_hub's). */
export const HUB_ENDPOINT_VARIABLE = "HF_ENDPOINT";
/** Configuration variable / environment variable holding the Hub token. */
export const HUB_TOKEN_VARIABLE = "HF_TOKEN";

/** Options of {@link HubClient}. */
export interface HubClientOptions {
  /** Base URL of the Hub (default `HF_ENDPOINT`, else https://huggingface.co). */
  readonly endpoint?: string | undefined;
  /** Access token (`hf_…`), for private and gated models. */
  readonly token?: string | undefined;
  /** Retries of a 429 answer (default 4). */
  readonly maxRetries?: number | undefined;
  /** Longest Retry-After delay honoured (default 60 s); a longer one fails at once. */
  readonly maxRetryWaitMs?: number | undefined;
  /** Timeout of one request (default 60 s). */
  readonly timeoutMs?: number | undefined;
  /** Told about each retry (e.g. a progress line). */
  readonly onRetry?: ((message: string) => void) | undefined;
  /** Underlying fetch (default globalThis.fetch). */
  readonly fetch?: typeof fetch | undefined;
}

/** The failure family of each kind of Hub failure. */
const HUB_FAMILIES: Readonly<Record<HubError["kind"], FailureFamily>> = {
  auth: "config",
  "not-found": "not-found",
  "rate-limited": "temporary",
  unavailable: "unavailable",
  integrity: "data",
  response: "unavailable",
};

/** A failed Hub request: `problem` and `fix` as in UserError, `status` when the Hub answered. */
export class HubError extends DatatraceError {
  readonly problem: string;
  declare readonly fix: string;
  readonly status: number | undefined;
  readonly kind: "auth" | "not-found" | "rate-limited" | "unavailable" | "integrity" | "response";
  constructor(kind: HubError["kind"], problem: string, fix: string, status?: number, cause?: unknown) {
    super(problem, { fix, family: HUB_FAMILIES[kind], cause });
    this.name = "HubError";
    this.kind = kind;
    this.problem = problem;
    this.status = status;
  }
}

/** Model info as the registry uses it. */
export interface HubModelInfo {
  readonly repoId: string;
  /** Commit hash of the revision asked for. */
  readonly sha: string;
  readonly lastModified: string | null;
  readonly tags: string[];
  /** Card data the Hub parsed from README.md (raw). */
  readonly cardData: Record<string, unknown> | undefined;
  readonly pipelineTag: string | undefined;
  /** Every file path (`siblings`). */
  readonly files: string[];
  readonly private: boolean;
  readonly gated: false | string;
}

/** One file of the recursive tree listing. */
export interface HubFileEntry {
  readonly path: string;
  readonly size: number;
  /** Git blob id (SHA-1) of the file (for an LFS file: of its pointer). */
  readonly oid: string | undefined;
  /** For LFS files: the SHA-256 and size of the content. */
  readonly lfs?: { readonly oid: string; readonly size: number } | undefined;
}

/** A model found by the base_model search. */
export interface HubChild {
  readonly repoId: string;
  readonly tags: string[];
  readonly cardData: Record<string, unknown> | undefined;
}

/** Largest non-LFS file downloaded to be hashed (git keeps large files in LFS). */
export const MAX_SMALL_FILE_BYTES = 64 << 20;

function retryDelayMs(header: string | null): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A Hub client (see the module doc). */
export class HubClient {
  readonly endpoint: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: HubClientOptions = {}) {
    const endpoint = (options.endpoint ?? process.env[HUB_ENDPOINT_VARIABLE] ?? DEFAULT_HUB_ENDPOINT).trim().replace(/\/+$/, "");
    try {
      const u = new URL(endpoint);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new DatatraceError("not http");
    } catch {
      throw new HubError("response", `The Hub endpoint ${JSON.stringify(endpoint)} is not an http(s) URL.`, `Set ${HUB_ENDPOINT_VARIABLE} to the Hub's base URL, e.g. ${DEFAULT_HUB_ENDPOINT}.`);
    }
    this.endpoint = endpoint;
    const token = options.token?.trim();
    if (token !== undefined && token !== "" && !token.startsWith("hf_")) {
      throw new HubError("auth", "The Hugging Face token does not start with hf_.", `Set ${HUB_TOKEN_VARIABLE} to a user access token from your Hugging Face settings (hf_…).`);
    }
    this.#token = token === "" ? undefined : token;
    const base = options.fetch ?? globalThis.fetch;
    const maxRetries = options.maxRetries ?? 4;
    const maxWait = options.maxRetryWaitMs ?? 60_000;
    const timeoutMs = options.timeoutMs ?? 60_000;
    this.#fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      for (let attempt = 0; ; attempt++) {
        let response: Response;
        try {
          response = await base(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
        } catch (cause) {
          throw this.#unreachable(cause);
        }
        if (response.status !== 429 || attempt >= maxRetries) return response;
        const wait = retryDelayMs(response.headers.get("retry-after")) ?? Math.min(maxWait, 1000 * 2 ** attempt);
        if (wait > maxWait) return response;
        await response.body?.cancel();
        options.onRetry?.(`the Hub asked to slow down (429); retrying in ${(wait / 1000).toFixed(wait < 10_000 ? 1 : 0)} s`);
        await sleep(wait);
      }
    }) as typeof fetch;
  }

  #unreachable(cause: unknown): HubError {
    const e = cause as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e?.name === "TimeoutError") return new HubError("unavailable", `The Hub at ${this.endpoint} did not answer in time.`, "Retry later, or check the network and HF_ENDPOINT.", undefined, cause);
    return new HubError("unavailable", `Cannot reach the Hub at ${this.endpoint} (${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? "network error"}).`, `Check the network, or set ${HUB_ENDPOINT_VARIABLE} to a reachable Hub (mirror).`, undefined, cause);
  }

  #credentials(): { hubUrl: string; accessToken?: string; fetch: typeof fetch } {
    return { hubUrl: this.endpoint, fetch: this.#fetch, ...(this.#token === undefined ? {} : { accessToken: this.#token }) };
  }

  /** Maps a library error to a {@link HubError}. */
  #describe(error: unknown, what: string): unknown {
    if (error instanceof HubError) return error;
    if (error instanceof HubApiError) {
      const status = error.statusCode;
      if (status === 401 || status === 403) {
        return new HubError(
          "auth",
          `The Hub refused access to ${what} (${status}${status === 403 ? ": gated or forbidden" : ": authentication required"}).`,
          this.#token === undefined
            ? `If the model is private or gated, accept its terms on the Hub and set ${HUB_TOKEN_VARIABLE} (\`npx hardhat keystore set ${HUB_TOKEN_VARIABLE}\` or export ${HUB_TOKEN_VARIABLE}=hf_…).`
            : `Check that the token in ${HUB_TOKEN_VARIABLE} is valid and has access to this model (gated models need their terms accepted).`,
          status,
          error,
        );
      }
      if (status === 404) return new HubError("not-found", `${what} was not found on ${this.endpoint} (404).`, "Check the repository id (org/name) and revision; a private model answers 404 without a token.", status, error);
      if (status === 429) return new HubError("rate-limited", `The Hub kept answering 429 (too many requests) for ${what}.`, "Wait a few minutes and rerun; a token raises the rate limit.", status, error);
      return new HubError("response", `The Hub answered ${status} for ${what}: ${error.message.split(". URL:")[0]}.`, "Retry later; if it persists, check HF_ENDPOINT.", status, error);
    }
    if (error instanceof TypeError && /terminated|premature|aborted|other side closed/i.test(`${error.message} ${String((error as { cause?: unknown }).cause)}`)) {
      return new HubError("integrity", `The download of ${what} was cut short.`, "Retry; the connection closed before the whole file arrived.", undefined, error);
    }
    return error;
  }

  /** Info of `repoId` at `revision` (default: the main branch). */
  async modelInfo(repoId: string, revision?: string): Promise<HubModelInfo> {
    try {
      const info = await modelInfo({
        ...this.#credentials(),
        name: repoId,
        ...(revision === undefined ? {} : { revision }),
        additionalFields: ["sha", "cardData", "tags", "filePaths"],
      });
      const updated = info.updatedAt instanceof Date && !Number.isNaN(info.updatedAt.getTime()) ? info.updatedAt.toISOString() : null;
      if (typeof info.sha !== "string" || !/^[0-9a-f]{40}$/.test(info.sha)) {
        throw new HubError("response", `The Hub's info for ${repoId} has no commit hash (sha).`, "The endpoint does not answer like the Hugging Face Hub; check HF_ENDPOINT.");
      }
      return {
        repoId: info.name,
        sha: info.sha,
        lastModified: updated,
        tags: Array.isArray(info.tags) ? info.tags.filter((t): t is string => typeof t === "string") : [],
        cardData: typeof info.cardData === "object" && info.cardData !== null ? (info.cardData as Record<string, unknown>) : undefined,
        pipelineTag: info.task,
        files: Array.isArray(info.filePaths) ? info.filePaths : [],
        private: info.private === true,
        gated: info.gated === false || info.gated === undefined ? false : String(info.gated),
      };
    } catch (error) {
      throw this.#describe(error, `model ${repoId}${revision === undefined ? "" : `@${revision}`}`);
    }
  }

  /** Every file of `repoId` at commit `sha` (recursive tree listing, all pages). */
  async listFiles(repoId: string, sha: string): Promise<HubFileEntry[]> {
    const out: HubFileEntry[] = [];
    try {
      for await (const entry of listFiles({ ...this.#credentials(), repo: repoId, revision: sha, recursive: true })) {
        if (entry.type !== "file") continue;
        if (typeof entry.path !== "string" || typeof entry.size !== "number") throw new HubError("response", `The Hub's file listing of ${repoId} has an entry without path or size.`, "Check HF_ENDPOINT.");
        out.push({ path: entry.path, size: entry.size, oid: entry.oid, ...(entry.lfs === undefined ? {} : { lfs: { oid: entry.lfs.oid, size: entry.lfs.size } }) });
      }
    } catch (error) {
      throw this.#describe(error, `the file listing of ${repoId}`);
    }
    return out;
  }

  /**
   * Downloads one file of `repoId` at `sha` and checks it against its
   * listing entry: size, and SHA-256 (LFS) or git blob id. Returns the bytes.
   */
  async download(repoId: string, sha: string, entry: HubFileEntry): Promise<Uint8Array> {
    const what = `${entry.path} of ${repoId}`;
    const size = entry.lfs?.size ?? entry.size;
    if (entry.lfs === undefined && size > MAX_SMALL_FILE_BYTES) {
      throw new HubError("response", `${what} is ${size} bytes but not in LFS: the Hub lists no SHA-256 for it and it is too large to download here.`, "Hash a downloaded copy instead (`model manifest <dir>`, `model register --hf <dir>`).");
    }
    let bytes: Uint8Array;
    try {
      const blob = await downloadFile({ ...this.#credentials(), repo: repoId, path: entry.path, revision: sha, xet: false });
      if (blob === null) throw new HubError("not-found", `${what} is listed but cannot be downloaded (404).`, "Retry; the listing and the files disagree.");
      bytes = new Uint8Array(await blob.arrayBuffer());
    } catch (error) {
      throw this.#describe(error, what);
    }
    if (bytes.byteLength !== size) {
      throw new HubError("integrity", `The download of ${what} was cut short or padded: ${bytes.byteLength} bytes received, the listing says ${size}.`, "Retry the command; if it persists, the Hub (or a proxy) serves a different file than it lists.");
    }
    if (entry.lfs !== undefined) {
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      if (sha256 !== entry.lfs.oid) {
        throw new HubError("integrity", `${what} has SHA-256 ${sha256}, but the Hub's listing says ${entry.lfs.oid} (wrong LFS hash).`, "Do not use this copy: the Hub (or a proxy) serves bytes other than it lists. Report it to the model's owners.");
      }
    } else if (entry.oid !== undefined) {
      const gitOid = createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
      if (gitOid !== entry.oid) {
        throw new HubError("integrity", `${what} has git blob id ${gitOid}, but the Hub's listing says ${entry.oid}.`, "Do not use this copy: the downloaded bytes differ from the listed file. Retry, and report it if it persists.");
      }
    }
    return bytes;
  }

  /** Models whose card names `repoId` as a base model (the Hub's `base_model:<id>` filter), at most `limit`. */
  async children(repoId: string, limit = 1000): Promise<HubChild[]> {
    const out: HubChild[] = [];
    try {
      for await (const m of listModels({ ...this.#credentials(), search: { tags: [`base_model:${repoId}`] }, additionalFields: ["tags", "cardData"], limit })) {
        out.push({
          repoId: m.name,
          tags: Array.isArray(m.tags) ? m.tags.filter((t): t is string => typeof t === "string") : [],
          cardData: typeof m.cardData === "object" && m.cardData !== null ? (m.cardData as Record<string, unknown>) : undefined,
        });
      }
    } catch (error) {
      throw this.#describe(error, `the models derived from ${repoId}`);
    }
    return out;
  }
}

/** `org/name` (optionally `org/name@revision`) → parts; undefined when the text is not a Hub model id. */
export function parseHubModelId(text: string): { repoId: string; revision?: string } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9._/-]+))?$/.exec(text.trim());
  if (m === null || m[1]!.includes("..") || m[1]!.includes("--")) return undefined;
  return m[2] === undefined ? { repoId: m[1]! } : { repoId: m[1]!, revision: m[2] };
}
