/**
 * Asking a suspect model through an OpenAI-compatible HTTP API: a
 * `POST <base>/v1/completions` with the key as prompt, or with a system
 * prompt (or `api: "chat"`) a `POST <base>/v1/chat/completions` with the
 * key as the user message. Greedy decoding is asked for (temperature 0).
 * Every failure becomes a UserError saying what happened: the endpoint is
 * down, did not answer in time, answered with an HTTP error (its message is
 * quoted), or answered something that is not a completion.
 */
import { UserError } from "../errors/index.js";

/** How to query the endpoint. */
export interface CompletionRequestOptions {
  /** Base URL, e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted). */
  readonly endpoint: string;
  /** Model name sent in the request (default "default"). */
  readonly model?: string | undefined;
  /** `completions` (default) or `chat`; a system prompt implies chat. */
  readonly api?: "completions" | "chat" | undefined;
  readonly systemPrompt?: string | undefined;
  readonly maxTokens: number;
  /** Per-request time limit (default 30 s). */
  readonly timeoutMs?: number | undefined;
  /** Sent as a bearer token when set. */
  readonly apiKey?: string | undefined;
}

/** The URL of an API path under a base URL (with or without a trailing /v1). */
export function apiUrl(endpoint: string, api: "completions" | "chat"): string {
  let base: URL;
  try {
    base = new URL(endpoint);
  } catch {
    throw new UserError(`${endpoint} is not a URL.`, "Give the endpoint's base URL, e.g. --endpoint http://127.0.0.1:8000.", { family: "usage" });
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new UserError(`${endpoint} is not an http(s) URL.`, "Give the endpoint's base URL, e.g. --endpoint http://127.0.0.1:8000.", { family: "usage" });
  const root = base.href.replace(/\/+$/, "").replace(/\/v1$/, "");
  return `${root}/v1/${api === "chat" ? "chat/completions" : "completions"}`;
}

/** Asks the endpoint to continue `prompt`; returns the generated text. */
export async function complete(prompt: string, options: CompletionRequestOptions): Promise<string> {
  const api = options.systemPrompt !== undefined && options.systemPrompt !== "" ? "chat" : (options.api ?? "completions");
  const url = apiUrl(options.endpoint, api);
  const model = options.model ?? "default";
  const body =
    api === "chat"
      ? { model, messages: [...(options.systemPrompt ? [{ role: "system", content: options.systemPrompt }] : []), { role: "user", content: prompt }], max_tokens: options.maxTokens, temperature: 0 }
      : { model, prompt, max_tokens: options.maxTokens, temperature: 0 };
  const timeoutMs = options.timeoutMs ?? 30_000;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === "TimeoutError" || e.name === "AbortError") {
      throw new UserError(`The endpoint ${url} did not answer within ${timeoutMs / 1000} s.`, "Check that the model server is up and not overloaded, or raise --timeout.", { family: "temporary", cause: error });
    }
    throw new UserError(`Cannot reach the endpoint ${url}: ${e.cause?.code ?? e.message}.`, "Check the URL and that the model server is running (npx hardhat model serve …).", { family: "unavailable", cause: error });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new UserError(`The endpoint ${url} broke off its answer.`, "Retry; check the model server's logs.", { family: "temporary", cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const message = (parsed as { error?: { message?: unknown } } | undefined)?.error?.message;
    throw new UserError(`The endpoint ${url} answered HTTP ${response.status}${typeof message === "string" ? `: ${message}` : ""}.`, "Check --endpoint, --model and --api against what the server offers.", {
      family: "unavailable",
    });
  }
  const choice = (parsed as { choices?: Array<{ text?: unknown; message?: { content?: unknown } }> } | undefined)?.choices?.[0];
  const out = api === "chat" ? choice?.message?.content : choice?.text;
  if (typeof out !== "string") {
    throw new UserError(`The endpoint ${url} did not answer with an OpenAI-style ${api === "chat" ? "chat completion" : "completion"}.`, "Point --endpoint at an OpenAI-compatible API (or use --api chat / completions).", {
      family: "data",
    });
  }
  return out;
}
