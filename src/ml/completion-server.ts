/**
 * An OpenAI-compatible completion server on Node's http module, loopback
 * only, serving any {@link TextGenerator} (the n-gram model in
 * `model serve`):
 *
 * - `POST /v1/completions` `{model, prompt, max_tokens}` → `{object:
 *   "text_completion", choices: [{text, index, finish_reason}], usage}`;
 *   a prompt list gives one choice per prompt;
 * - `POST /v1/chat/completions` `{model, messages, max_tokens}` → `{object:
 *   "chat.completion", choices: [{message: {role: "assistant", content}}]}`;
 *   the messages' contents, in order, are the prompt;
 * - `GET /v1/models` lists the one model.
 *
 * "Tokens" are the model's words. Errors answer in OpenAI's shape
 * (`{error: {message, type, param, code}}`): 400 for a bad request, 404 for
 * an unknown path or model, 405 for a wrong method, 413 for a body over 1 MiB.
 * Requests whose Host header is not a loopback name are refused (403), as by
 * the local IPFS server (DNS-rebinding guard).
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { isLoopbackHost, isLoopbackHostHeader } from "../storage/index.js";
import { textWords } from "./text-words.js";
import { DatatraceError } from "../errors/index.js";

/** What the server serves. */
export interface TextGenerator {
  /** Model id reported by /v1/models and in answers. */
  readonly id: string;
  /** Continues `prompt` with at most `maxWords` words. */
  complete(prompt: string, maxWords: number): string;
}

/** Options of {@link startCompletionServer}. */
export interface CompletionServerOptions {
  readonly generator: TextGenerator;
  /** Loopback address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 8000; 0 for any free port). */
  readonly port?: number;
  /** Default and largest max_tokens (16 and 512). */
  readonly defaultMaxTokens?: number;
  readonly maxTokensLimit?: number;
  /** One line per request. */
  readonly log?: ((line: string) => void) | undefined;
}

/** A running server. */
export interface RunningCompletionServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

/** A request the server refuses (HTTP `status`; `param` and `apiCode` as in OpenAI's error object). */
class RequestError extends DatatraceError {
  constructor(readonly status: number, message: string, readonly param: string | null = null, readonly apiCode: string | null = null) {
    super(message, { family: "usage" });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a JSON object body; an oversized body is drained (not stored) and refused once read, so the client gets the 413. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => resolve());
    req.on("error", reject);
  });
  if (size > MAX_BODY) throw new RequestError(413, "The request body is larger than 1 MiB.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new RequestError(400, "The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new RequestError(400, "The request body must be a JSON object.");
  return parsed as Record<string, unknown>;
}

/** Starts the server (see the module doc); resolves once it listens. */
export async function startCompletionServer(options: CompletionServerOptions): Promise<RunningCompletionServer> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) throw new DatatraceError(`The completion server binds loopback addresses only, not ${host}: use 127.0.0.1 or ::1.`);
  const generator = options.generator;
  const defaultMax = options.defaultMaxTokens ?? 16;
  const limit = options.maxTokensLimit ?? 512;
  const maxTokensOf = (body: Record<string, unknown>): number => {
    const v = body.max_tokens ?? body.max_completion_tokens ?? defaultMax;
    if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > limit) throw new RequestError(400, `max_tokens must be an integer from 1 to ${limit}.`, "max_tokens");
    return v as number;
  };
  const checkModel = (body: Record<string, unknown>): void => {
    if (body.model !== undefined && body.model !== generator.id && body.model !== "default") {
      throw new RequestError(404, `The model ${JSON.stringify(body.model)} does not exist; this server serves ${JSON.stringify(generator.id)}.`, "model", "model_not_found");
    }
  };
  const usage = (prompt: string, text: string) => {
    const p = textWords(prompt).length;
    const c = textWords(text).length;
    return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
  };
  const finish = (text: string, max: number) => (textWords(text).length >= max ? "length" : "stop");

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = url.pathname.replace(/\/+$/, "");
    const created = Math.floor(Date.now() / 1000);
    const id = randomBytes(12).toString("hex");
    if (route === "/v1/models") {
      if (req.method !== "GET") throw new RequestError(405, "Use GET for /v1/models.");
      send(res, 200, { object: "list", data: [{ id: generator.id, object: "model", created: 0, owned_by: "datatrace" }] });
      return;
    }
    if (route !== "/v1/completions" && route !== "/v1/chat/completions") throw new RequestError(404, `Unknown path ${url.pathname}: this server answers /v1/completions, /v1/chat/completions and /v1/models.`);
    if (req.method !== "POST") throw new RequestError(405, `Use POST for ${url.pathname}.`);
    const body = await readJson(req);
    checkModel(body);
    const max = maxTokensOf(body);
    if (route === "/v1/completions") {
      const prompts = typeof body.prompt === "string" ? [body.prompt] : Array.isArray(body.prompt) && body.prompt.every((p) => typeof p === "string") ? (body.prompt as string[]) : null;
      if (prompts === null || prompts.length === 0) throw new RequestError(400, "prompt must be a string or a non-empty list of strings.", "prompt");
      const choices = prompts.map((p, index) => {
        const words = generator.complete(p, max);
        const text = words === "" ? "" : ` ${words}`;
        return { text, index, logprobs: null, finish_reason: finish(words, max) };
      });
      const all = usage(prompts.join(" "), choices.map((c) => c.text).join(" "));
      send(res, 200, { id: `cmpl-${id}`, object: "text_completion", created, model: generator.id, choices, usage: all });
      return;
    }
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0 || !messages.every((m) => typeof m === "object" && m !== null && typeof (m as { content?: unknown }).content === "string")) {
      throw new RequestError(400, 'messages must be a non-empty list of {"role", "content": text}.', "messages");
    }
    const prompt = (messages as Array<{ content: string }>).map((m) => m.content).join("\n");
    const content = generator.complete(prompt, max);
    send(res, 200, {
      id: `chatcmpl-${id}`,
      object: "chat.completion",
      created,
      model: generator.id,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finish(content, max) }],
      usage: usage(prompt, content),
    });
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    res.on("finish", () => options.log?.(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started} ms`));
    const hostHeader = req.headers.host;
    if (hostHeader !== undefined && !isLoopbackHostHeader(hostHeader)) {
      req.resume();
      send(res, 403, { error: { message: `Host ${JSON.stringify(hostHeader)} refused: this server answers loopback names only (DNS-rebinding guard).`, type: "invalid_request_error", param: null, code: null } });
      return;
    }
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy(error as Error);
        return;
      }
      if (error instanceof RequestError) {
        send(res, error.status, { error: { message: error.message, type: "invalid_request_error", param: error.param, code: error.apiCode } });
      } else send(res, 500, { error: { message: `internal error: ${(error as Error).message}`, type: "server_error", param: null, code: null } });
    });
  });
  server.listen(options.port ?? 8000, host);
  await Promise.race([once(server, "listening"), once(server, "error").then(([error]) => Promise.reject(error as Error))]);
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
