/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1, for tests: a real HTTP
 * server answering the requests `@huggingface/hub` makes (read from its
 * source: src/lib/model-info.ts, list-files.ts, list-models.ts,
 * file-download-info.ts, download-file.ts, paths-info.ts,
 * utils/WebBlob.ts), with responses of the Hub's shapes:
 *
 * - `GET /api/models/<id>/revision/<rev>?expand=…` → model info: `_id`, `id`
 *   and the expanded fields (`sha`, `lastModified`, `cardData`, `tags`,
 *   `siblings: [{rfilename}]`, `pipeline_tag`, `private`, `gated`, …);
 * - `GET /api/models/<id>/tree/<rev>?recursive=…` → `[{type, oid, size,
 *   path, lfs?: {oid, size, pointerSize}}]`, paginated with a `Link: <…>;
 *   rel="next"` header (`pageSize` entries per page);
 * - `POST /api/models/<id>/paths-info/<rev>` → the same entries with
 *   `lastCommit` (used by snapshotDownload);
 * - `GET /<id>/resolve/<rev>/<path>` → the bytes (`Range` honoured: 206 +
 *   `Content-Range`), `ETag` (git blob id) or `X-Linked-ETag` (LFS SHA-256),
 *   `X-Repo-Commit`; a missing file is 404 with `X-Error-Code: EntryNotFound`;
 * - `GET /api/models?filter=base_model:<id>&expand=…&limit=…` → the models
 *   whose card names `<id>` as a base model (the Hub's model-tree search).
 *
 * A model whose files are given is served at a fixed commit hash (SHA-1 of
 * its file list); LFS files are those whose name ends with .safetensors,
 * .gguf, .bin or .pt (the Hub's default .gitattributes). Tags follow the
 * Hub: `base_model:<parent>` and `base_model:<relation>:<parent>`.
 *
 * Faults, for error tests: `private` repos answer 401 without the token;
 * `fault(match, f)` makes matching requests answer a status (with
 * `Retry-After` for 429) a number of times, cut a download short, or serve
 * other bytes than listed. Every request is logged (`requests`).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { parse } from "yaml";

/** A model served by the stand-in. */
export interface StandInModel {
  readonly repoId: string;
  /** path → bytes. */
  readonly files: ReadonlyMap<string, Buffer>;
  readonly lastModified?: string;
  /** Requires `Authorization: Bearer <token>`. */
  readonly private?: boolean;
  /** Relation the Hub would put in its tags (default: from the card, else finetune). */
  readonly hubRelation?: string;
}

/** A fault injected on requests whose path contains `match`. */
export interface Fault {
  /** Answer with this status (401, 403, 404, 429, 500…). */
  readonly status?: number;
  /** `Retry-After` value for a 429. */
  readonly retryAfter?: string;
  /** Send only this many bytes of the body, then close the connection. */
  readonly truncateTo?: number;
  /** Serve these bytes instead of the listed file. */
  readonly replaceWith?: Buffer;
  /** How many requests it affects (default: all). */
  times?: number;
}

/** A logged request. */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly range?: string | undefined;
  readonly authorization?: string | undefined;
}

const LFS = /\.(safetensors|gguf|bin|pt)$/i;
const gitOid = (bytes: Buffer): string => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** The LFS pointer file git stores for an LFS file. */
function lfsPointer(bytes: Buffer): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(bytes)}\nsize ${bytes.length}\n`);
}

/** Reads a fixture folder into a file map. */
export function readModelFolder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel === "" ? name : `${rel}/${name}`;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else files.set(r, readFileSync(path.join(dir, r)));
    }
  };
  walk("");
  return files;
}

interface Served {
  readonly model: StandInModel;
  readonly sha: string;
  readonly cardData: Record<string, unknown> | undefined;
  readonly baseModels: string[];
  readonly tags: string[];
}

function frontMatter(readme: Buffer | undefined): Record<string, unknown> | undefined {
  if (readme === undefined) return undefined;
  const m = /^\s*---[\r\n]+([\S\s]*?)[\r\n]+---/.exec(readme.toString("utf8"));
  return m === null ? undefined : ((parse(m[1]!) as Record<string, unknown>) ?? undefined);
}

/** The Hub stand-in (see the module doc). */
export class HubStandIn {
  readonly requests: LoggedRequest[] = [];
  readonly #models = new Map<string, Served>();
  readonly #faults: Array<{ match: string; fault: Fault }> = [];
  #server: http.Server | undefined;
  /** Entries per page of tree listings and searches. */
  pageSize = 3;
  /** Token accepted for private models. */
  token = "hf_standInToken";

  /** Serves `model`. */
  add(model: StandInModel): this {
    const list = [...model.files.keys()].sort();
    const sha = createHash("sha1").update(list.map((p) => `${p}:${sha256(model.files.get(p)!)}`).join("\n")).digest("hex");
    const cardData = frontMatter(model.files.get("README.md"));
    const raw = cardData?.["base_model"];
    const baseModels = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.filter((x): x is string => typeof x === "string") : [];
    const relation = model.hubRelation ?? (typeof cardData?.["base_model_relation"] === "string" ? (cardData["base_model_relation"] as string) : undefined);
    const tags = [
      ...(Array.isArray(cardData?.["tags"]) ? (cardData["tags"] as string[]) : []),
      ...baseModels.flatMap((b) => [`base_model:${b}`, ...(relation === undefined ? [] : [`base_model:${relation}:${b}`])]),
      ...(typeof cardData?.["license"] === "string" ? [`license:${cardData["license"] as string}`] : []),
    ];
    this.#models.set(model.repoId, { model, sha, cardData, baseModels, tags });
    return this;
  }

  /** The commit hash a model is served at. */
  shaOf(repoId: string): string {
    return this.#models.get(repoId)!.sha;
  }

  /** Injects a fault on requests whose URL path contains `match`. */
  fault(match: string, fault: Fault): this {
    this.#faults.push({ match, fault });
    return this;
  }

  /** Removes every fault. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Starts listening on 127.0.0.1 (a free port); returns the endpoint URL. */
  async start(): Promise<string> {
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: error.message }));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  /** The endpoint URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  /** Stops the server (open connections are closed). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #faultFor(pathname: string): Fault | undefined {
    const hit = this.#faults.find((f) => pathname.includes(f.match) && (f.fault.times === undefined || f.fault.times > 0));
    if (hit === undefined) return undefined;
    if (hit.fault.times !== undefined) hit.fault.times--;
    return hit.fault;
  }

  #json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  }

  #entries(s: Served, withCommit: boolean): object[] {
    const dirs = new Set<string>();
    const out: object[] = [];
    for (const p of [...s.model.files.keys()].sort()) {
      const parts = p.split("/");
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    }
    for (const d of [...dirs].sort()) out.push({ type: "directory", oid: gitOid(Buffer.from(d)), size: 0, path: d });
    for (const p of [...s.model.files.keys()].sort()) {
      const bytes = s.model.files.get(p)!;
      const lfs = LFS.test(p);
      out.push({
        type: "file",
        oid: gitOid(lfs ? lfsPointer(bytes) : bytes),
        size: bytes.length,
        ...(lfs ? { lfs: { oid: sha256(bytes), size: bytes.length, pointerSize: lfsPointer(bytes).length } } : {}),
        path: p,
        ...(withCommit ? { lastCommit: { id: s.sha, title: "Upload", date: s.model.lastModified ?? "2026-01-01T00:00:00.000Z" }, securityFileStatus: { status: "safe" } } : {}),
      });
    }
    return out;
  }

  #info(s: Served, expand: string[]): Record<string, unknown> {
    const all: Record<string, unknown> = {
      sha: s.sha,
      lastModified: s.model.lastModified ?? "2026-01-01T00:00:00.000Z",
      cardData: s.cardData,
      tags: s.tags,
      siblings: [...s.model.files.keys()].sort().map((rfilename) => ({ rfilename })),
      pipeline_tag: s.cardData?.["pipeline_tag"],
      library_name: s.cardData?.["library_name"],
      private: s.model.private === true,
      gated: false,
      downloads: 0,
      likes: 0,
    };
    const out: Record<string, unknown> = { _id: s.sha.slice(0, 24), id: s.model.repoId };
    for (const k of expand) if (k in all) out[k] = all[k];
    return out;
  }

  #page<T>(req: http.IncomingMessage, res: http.ServerResponse, url: URL, items: T[]): void {
    const cursor = Number(url.searchParams.get("cursor") ?? "0");
    const page = items.slice(cursor, cursor + this.pageSize);
    const headers: Record<string, string> = {};
    if (cursor + this.pageSize < items.length) {
      const next = new URL(url.toString(), this.url);
      next.searchParams.set("cursor", String(cursor + this.pageSize));
      headers["Link"] = `<${this.url}${next.pathname}${next.search}>; rel="next"`;
    }
    this.#json(res, 200, page, headers);
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push({ method: req.method ?? "GET", url: url.pathname + url.search, range: req.headers.range, authorization: req.headers.authorization });
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
    });
    const fault = this.#faultFor(url.pathname);
    if (fault?.status !== undefined) {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter };
      this.#json(res, fault.status, { error: fault.status === 429 ? "Too Many Requests" : fault.status === 404 ? "Repository not found" : "Invalid credentials in Authorization header" }, headers);
      return;
    }
    const p = decodeURIComponent(url.pathname);
    let m: RegExpExecArray | null;
    if (p === "/api/models" && req.method === "GET") {
      const filters = url.searchParams.getAll("filter");
      const expand = url.searchParams.getAll("expand");
      const list = [...this.#models.values()]
        .filter((s) => filters.every((f) => s.tags.includes(f)))
        .sort((a, b) => (a.model.repoId < b.model.repoId ? -1 : 1))
        .map((s) => this.#info(s, expand));
      const limit = Number(url.searchParams.get("limit") ?? "1000");
      this.#page(req, res, url, list.slice(0, limit));
      return;
    }
    if ((m = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree|paths-info)\/([^/]+)(\/.*)?$/.exec(p)) !== null) {
      const s = this.#served(m[1]!, req, res);
      if (s === undefined) return;
      if (m[3] !== "HEAD" && m[3] !== "main" && m[3] !== s.sha) {
        this.#json(res, 404, { error: `Invalid rev id: ${m[3]}` }, { "x-error-code": "RevisionNotFound" });
        return;
      }
      if (m[2] === "revision") this.#json(res, 200, this.#info(s, url.searchParams.getAll("expand")));
      else if (m[2] === "tree") this.#page(req, res, url, this.#entries(s, false).filter((e) => url.searchParams.get("recursive") === "true" || !(e as { path: string }).path.includes("/")));
      else {
        const wanted = new Set((JSON.parse(body.toString() || "{}") as { paths?: string[] }).paths ?? []);
        this.#json(res, 200, this.#entries(s, true).filter((e) => wanted.has((e as { path: string }).path)));
      }
      return;
    }
    if ((m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(p)) !== null) {
      const s = this.#served(m[1]!, req, res);
      if (s === undefined) return;
      const listed = s.model.files.get(m[3]!);
      if (listed === undefined) {
        this.#json(res, 404, { error: "Entry not found" }, { "x-error-code": "EntryNotFound" });
        return;
      }
      const bytes = fault?.replaceWith ?? listed;
      const lfs = LFS.test(m[3]!);
      const headers: Record<string, string> = {
        "content-type": "application/octet-stream",
        "accept-ranges": "bytes",
        "x-repo-commit": s.sha,
        etag: `"${lfs ? sha256(listed) : gitOid(listed)}"`,
        ...(lfs ? { "x-linked-etag": `"${sha256(listed)}"`, "x-linked-size": String(listed.length) } : {}),
      };
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
      if (range !== null) {
        const start = Number(range[1]);
        const end = range[2] === "" ? bytes.length - 1 : Math.min(Number(range[2]), bytes.length - 1);
        res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${end}/${bytes.length}`, "content-length": String(end - start + 1) });
        res.end(bytes.subarray(start, end + 1));
        return;
      }
      res.writeHead(200, { ...headers, "content-length": String(bytes.length) });
      if (fault?.truncateTo !== undefined) {
        res.write(bytes.subarray(0, fault.truncateTo), () => res.socket?.destroy());
        return;
      }
      res.end(bytes);
      return;
    }
    this.#json(res, 404, { error: `Not found: ${p}` });
  }

  #served(repoId: string, req: http.IncomingMessage, res: http.ServerResponse): Served | undefined {
    const s = this.#models.get(repoId);
    if (s === undefined) {
      this.#json(res, 404, { error: "Repository not found" }, { "x-error-code": "RepoNotFound" });
      return undefined;
    }
    if (s.model.private === true && req.headers.authorization !== `Bearer ${this.token}`) {
      this.#json(res, 401, { error: "Invalid credentials in Authorization header" });
      return undefined;
    }
    return s;
  }
}

/** The five fixture models of test/fixtures/hf-models, served under `datatrace-test/<folder>`. */
export function fixtureHub(fixturesDir: string): HubStandIn {
  const hub = new HubStandIn();
  const dates: Record<string, string> = {
    "tiny-base": "2026-01-10T08:00:00.000Z",
    "tiny-chat": "2026-02-11T09:30:00.000Z",
    "tiny-chat-lora": "2026-03-12T10:00:00.000Z",
    "tiny-chat-gguf": "2026-03-13T11:00:00.000Z",
    "tiny-merge": "2026-04-14T12:00:00.000Z",
  };
  for (const [name, date] of Object.entries(dates)) {
    hub.add({ repoId: `datatrace-test/${name}`, files: readModelFolder(path.join(fixturesDir, name)), lastModified: date });
  }
  return hub;
}
