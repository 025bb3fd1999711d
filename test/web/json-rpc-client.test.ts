import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { once } from "node:events";

import { expect } from "chai";

import { findRevertData } from "../../web/src/chain/contract-client.js";
import { JsonRpcClient, MAX_BATCH, RpcError } from "../../web/src/chain/json-rpc-client.js";

type Call = { method: string; params: unknown[]; id: number };

/** A loopback server answering every POST with `reply(body)` → [status, text]. */
async function serve(reply: (body: Call) => [number, string] | "hang", onRequest?: (body: unknown) => [number, string] | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    const parsed = JSON.parse(text) as unknown;
    const override = onRequest?.(parsed);
    if (override !== undefined) {
      res.writeHead(override[0], { "Content-Type": "application/json" }).end(override[1]);
      return;
    }
    if (Array.isArray(parsed)) {
      const answers = (parsed as Call[]).map((c) => reply(c)).map((a) => (a === "hang" ? null : JSON.parse(a[1]) as unknown));
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(answers));
      return;
    }
    const answer = reply(parsed as Call);
    if (answer === "hang") return;
    res.writeHead(answer[0], { "Content-Type": "application/json" }).end(answer[1]);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(RpcError);
    return error as RpcError;
  }
  throw new Error("expected a rejection");
}

describe("web: JSON-RPC client", () => {
  it("sends a JSON-RPC 2.0 request and returns its result", async () => {
    const server = await serve((body) => [200, JSON.stringify({ jsonrpc: "2.0", id: body.id, result: { echo: body.method, params: body.params } })]);
    try {
      const client = new JsonRpcClient({ url: server.url });
      expect(await client.request("eth_getCode", ["0x1", "latest"])).to.deep.equal({ echo: "eth_getCode", params: ["0x1", "latest"] });
    } finally {
      await server.close();
    }
  });

  it("sends the calls of one turn as one JSON-RPC batch request, each promise getting its own result or error", async () => {
    const bodies: unknown[] = [];
    const server = await serve(
      (body) =>
        body.method === "eth_fail"
          ? [200, JSON.stringify({ jsonrpc: "2.0", id: body.id, error: { code: -32000, message: "nope" } })]
          : [200, JSON.stringify({ jsonrpc: "2.0", id: body.id, result: `${body.method}:${String(body.params[0])}` })],
      (body) => {
        bodies.push(body);
        return undefined;
      },
    );
    try {
      const client = new JsonRpcClient({ url: server.url });
      const calls = Array.from({ length: 5 }, (_, i) => client.request("eth_call", [i]));
      const failing = client.request("eth_fail").then(
        () => "resolved",
        (e: RpcError) => e.message,
      );
      expect(await Promise.all(calls)).to.deep.equal([0, 1, 2, 3, 4].map((i) => `eth_call:${i}`));
      expect(await failing).to.equal(`The node at ${server.url} rejected eth_fail: nope (code -32000)`);
      expect(bodies).to.have.length(1);
      expect(bodies[0]).to.be.an("array").with.length(6);
      expect(client.stats).to.deep.equal({ httpRequests: 1, calls: 6 });
    } finally {
      await server.close();
    }
  });

  it("splits more than MAX_BATCH calls into several batch requests", async () => {
    const sizes: number[] = [];
    const server = await serve(
      (body) => [200, JSON.stringify({ jsonrpc: "2.0", id: body.id, result: body.params[0] })],
      (body) => {
        sizes.push(Array.isArray(body) ? body.length : 1);
        return undefined;
      },
    );
    try {
      const client = new JsonRpcClient({ url: server.url });
      const n = MAX_BATCH * 2 + 7;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => client.request("eth_call", [i])));
      expect(results).to.deep.equal(Array.from({ length: n }, (_, i) => i));
      expect(sizes.sort((a, b) => b - a)).to.deep.equal([MAX_BATCH, MAX_BATCH, 7]);
    } finally {
      await server.close();
    }
  });

  it("falls back to one request per call when the endpoint does not take batches", async () => {
    let batches = 0;
    const server = await serve(
      (body) => [200, JSON.stringify({ jsonrpc: "2.0", id: body.id, result: body.method })],
      (body): [number, string] | undefined => {
        if (!Array.isArray(body)) return undefined;
        batches++;
        return [200, JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "batch requests are not supported" } })];
      },
    );
    try {
      const client = new JsonRpcClient({ url: server.url });
      expect(await Promise.all([client.request("a"), client.request("b"), client.request("c")])).to.deep.equal(["a", "b", "c"]);
      expect(await Promise.all([client.request("d"), client.request("e")])).to.deep.equal(["d", "e"]);
      expect(batches).to.equal(1); // tried once, then never again
      expect(client.stats.httpRequests).to.equal(1 + 5);
    } finally {
      await server.close();
    }
  });

  it("turns a JSON-RPC error into an RpcError keeping its code and revert data", async () => {
    const server = await serve((body) => [200, JSON.stringify({ jsonrpc: "2.0", id: body.id, error: { code: 3, message: "execution reverted", data: "0x7e273289" + "00".repeat(31) + "63" } })]);
    try {
      const error = await rejection(new JsonRpcClient({ url: server.url }).request("eth_call"));
      expect(error.message).to.equal(`The node at ${server.url} rejected eth_call: execution reverted (code 3)`);
      expect(error.rpcCode).to.equal(3);
      expect(error.family).to.equal("unavailable");
      expect(findRevertData(error.data)).to.match(/^0x7e273289/);
    } finally {
      await server.close();
    }
  });

  it("says when the endpoint answers something that is not JSON-RPC", async () => {
    const server = await serve(() => [404, "<html>not here</html>"]);
    try {
      const error = await rejection(new JsonRpcClient({ url: server.url }).request("eth_chainId"));
      expect(error.message).to.include("HTTP 404 and a body that is not JSON: is this a JSON-RPC endpoint?");
    } finally {
      await server.close();
    }
  });

  it("says when the endpoint cannot be reached, with what to check", async () => {
    const error = await rejection(new JsonRpcClient({ url: "http://127.0.0.1:9" }).request("eth_chainId"));
    expect(error.message).to.match(/^Cannot reach the JSON-RPC endpoint http:\/\/127\.0\.0\.1:9 \(.+\)\. Is a node running there/);
  });

  it("gives up after the timeout when the endpoint does not answer", async () => {
    const server = await serve(() => "hang");
    try {
      const error = await rejection(new JsonRpcClient({ url: server.url, timeoutMs: 200 }).request("eth_chainId"));
      expect(error.message).to.equal(`The JSON-RPC endpoint ${server.url} did not answer eth_chainId within 0.2 s.`);
    } finally {
      await server.close();
    }
  });

  it("refuses URLs that are not http(s)", () => {
    expect(() => new JsonRpcClient({ url: "127.0.0.1:8545" })).to.throw(/is not a URL: give the JSON-RPC endpoint/);
    expect(() => new JsonRpcClient({ url: "not a url" })).to.throw(/is not a URL/);
    expect(() => new JsonRpcClient({ url: "ws://127.0.0.1:8545" })).to.throw(/must start with http:\/\/ or https:\/\//);
  });

  it("finds revert data in the shapes nodes use, and nothing in non-hex data", () => {
    const data = "0x7e27328900000000000000000000000000000000000000000000000000000000000000ff";
    expect(findRevertData(data)).to.equal(data);
    expect(findRevertData({ data })).to.equal(data);
    expect(findRevertData({ originalError: { data } })).to.equal(data);
    expect(findRevertData({ message: "reverted" })).to.equal(undefined);
    expect(findRevertData("0x12")).to.equal(undefined);
    expect(findRevertData("execution reverted")).to.equal(undefined);
  });
});
