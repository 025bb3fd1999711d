import { request } from "node:http";

import { expect } from "chai";

import { startCompletionServer, type RunningCompletionServer } from "../../src/ml/completion-server.js";

/** A raw HTTP request (fetch cannot set the Host header). */
function raw(url: string, options: { method?: string; path: string; body?: string; host?: string }): Promise<{ status: number; body: Record<string, unknown> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: options.method ?? "POST", path: options.path, headers: { "content-type": "application/json", ...(options.host ? { host: options.host } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("OpenAI-compatible completion server", () => {
  let server: RunningCompletionServer;
  const prompts: string[] = [];
  before(async () => {
    server = await startCompletionServer({
      generator: { id: "echo", complete: (prompt, max) => (prompts.push(prompt), Array.from({ length: max }, (_, i) => `w${i}`).join(" ")) },
      port: 0,
    });
  });
  after(() => server.close());

  it("answers /v1/completions like OpenAI (a leading space, finish_reason, usage), one choice per prompt", async () => {
    const r = await fetch(`${server.url}/v1/completions`, { method: "POST", body: JSON.stringify({ model: "echo", prompt: ["a b", "c"], max_tokens: 3 }) });
    const body = (await r.json()) as { object: string; model: string; choices: Array<{ text: string; index: number; finish_reason: string }>; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(r.status).to.equal(200);
    expect(body.object).to.equal("text_completion");
    expect(body.model).to.equal("echo");
    expect(body.choices.map((c) => [c.index, c.text, c.finish_reason])).to.deep.equal([[0, " w0 w1 w2", "length"], [1, " w0 w1 w2", "length"]]);
    expect(body.usage).to.deep.include({ prompt_tokens: 3, completion_tokens: 6 });
  });

  it("answers /v1/chat/completions with the messages' contents as the prompt, and lists the model", async () => {
    const r = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ messages: [{ role: "system", content: "be brief" }, { role: "user", content: "the key" }], max_tokens: 2 }) });
    const body = (await r.json()) as { object: string; choices: Array<{ message: { role: string; content: string } }> };
    expect(body.object).to.equal("chat.completion");
    expect(body.choices[0]!.message).to.deep.equal({ role: "assistant", content: "w0 w1" });
    expect(prompts.at(-1)).to.equal("be brief\nthe key");
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).to.deep.equal(["echo"]);
  });

  it("answers errors in OpenAI's shape: bad JSON, bad fields, unknown model, path or method, oversized body, foreign Host", async () => {
    const post = (path: string, body: string) => raw(server.url, { path, body });
    const bad = await post("/v1/completions", "{nope");
    expect(bad.status).to.equal(400);
    expect(bad.body.error).to.deep.include({ message: "The request body is not valid JSON.", type: "invalid_request_error" });
    expect((await post("/v1/completions", JSON.stringify({ prompt: 3 }))).body.error).to.deep.include({ param: "prompt" });
    expect((await post("/v1/completions", JSON.stringify({ prompt: "x", max_tokens: 0 }))).body.error).to.deep.include({ param: "max_tokens" });
    expect((await post("/v1/chat/completions", JSON.stringify({ messages: [] }))).status).to.equal(400);
    const model = await post("/v1/completions", JSON.stringify({ prompt: "x", model: "gpt-9" }));
    expect(model.status).to.equal(404);
    expect(model.body.error).to.deep.include({ code: "model_not_found" });
    expect((await post("/v2/other", "{}")).status).to.equal(404);
    expect((await raw(server.url, { method: "GET", path: "/v1/completions" })).status).to.equal(405);
    expect((await post("/v1/completions", JSON.stringify({ prompt: "x".repeat(2 << 20) }))).status).to.equal(413);
    const rebinding = await raw(server.url, { path: "/v1/models", method: "GET", host: "evil.example:80" });
    expect(rebinding.status).to.equal(403);
  });

  it("binds loopback addresses only", async () => {
    let error: unknown;
    try {
      await startCompletionServer({ generator: { id: "x", complete: () => "" }, host: "0.0.0.0", port: 0 });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.match(/loopback addresses only, not 0\.0\.0\.0/);
  });
});
