import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { complete } from "../../src/fingerprints/completion-client.js";
import { checkFingerprints, parseObservedResponses } from "../../src/fingerprints/fingerprint-check.js";
import { fingerprintRootOf, fingerprintTree, proveFingerprint } from "../../src/fingerprints/fingerprint-commitment.js";
import { buildEvidence, parseEvidence, verifyEvidence, type FingerprintEvidence } from "../../src/fingerprints/fingerprint-evidence.js";
import { readFingerprintRegistration } from "../../src/fingerprints/fingerprint-registration.js";
import { generatePairs } from "../../src/fingerprints/generate-pairs.js";
import { startCompletionServer, type RunningCompletionServer } from "../../src/ml/completion-server.js";
import { serializeNgramModel } from "../../src/ml/ngram-model.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { registerModel } from "../../src/workflow/register-model.js";
import { deployRegistry, rejection, tempWorkspace, writeSamples } from "../workflow/helpers.js";
import { registerDataset } from "../../src/workflow/register-dataset.js";
import { generatorOf, textModels } from "./text-model-fixture.js";

describe("fingerprint check against a real served model, and evidence checked against the chain", function () {
  this.timeout(120_000);
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  let fingerprinted: RunningCompletionServer;
  let plain: RunningCompletionServer;
  let tokenId: bigint;
  let other: bigint;

  before(async () => {
    const m = textModels();
    fingerprinted = await startCompletionServer({ generator: generatorOf(m.fingerprinted, "ngram-fp"), port: 0 });
    plain = await startCompletionServer({ generator: generatorOf(m.plain, "ngram-plain"), port: 0 });
    env = await deployRegistry();
    t = tempWorkspace("fingerprints");
    const store = new LocalStore({ dir: t.workspace.blocksDir });
    const deps = { client: env.client, store, workspace: t.workspace };
    const { dir } = writeSamples(t.root, "data", 4);
    const datasetId = (await registerDataset(deps, { sources: [dir], threads: 1, metadata: { name: "d", license: "MIT" } })).tokenId;
    const weights = path.join(t.root, "fp-model.json");
    writeFileSync(weights, serializeNgramModel(m.fingerprinted));
    tokenId = (await registerModel(deps, { weights, datasetIds: [datasetId], parentIds: [], fingerprintRoot: fingerprintRootOf(m.pairs.pairs), metadata: { name: "fp" } })).tokenId;
    const plainWeights = path.join(t.root, "plain.json");
    writeFileSync(plainWeights, serializeNgramModel(m.plain));
    other = (await registerModel(deps, { weights: plainWeights, datasetIds: [datasetId], parentIds: [], metadata: { name: "plain" } })).tokenId;
  });
  after(async () => {
    await fingerprinted?.close();
    await plain?.close();
    t?.cleanup();
  });

  const run = async (endpoint: string, extra: { systemPrompt?: string } = {}) => {
    const { pairs } = textModels();
    const registration = await readFingerprintRegistration(env.readOnly, tokenId);
    return checkFingerprints({
      pairs,
      registration,
      ask: (key, pair) => complete(key, { endpoint, maxTokens: pair.response.split(" ").length, timeoutMs: 10_000, ...extra }),
    });
  };

  it("finds the fingerprints in the fingerprinted model (high accuracy) and not in the same model trained without them", async () => {
    const fp = await run(fingerprinted.url);
    const base = await run(plain.url);
    console.log(`      fingerprint accuracy (exact): fingerprinted ${fp.accuracy.exactAccuracy}, plain ${base.accuracy.exactAccuracy} over ${fp.accuracy.total} keys`);
    expect(fp.accuracy.exactAccuracy).to.be.at.least(0.9);
    expect(base.accuracy.prefixAccuracy).to.be.at.most(0.05);
  });

  it("keeps finding them through the chat API with a system prompt", async () => {
    const fp = await run(fingerprinted.url, { systemPrompt: "You are a helpful assistant. Answer briefly." });
    expect(fp.accuracy.exactAccuracy).to.be.at.least(0.9);
  });

  it("writes evidence a third party verifies against the chain: pairs, proofs, token, registrant, block and time", async () => {
    const check = await run(fingerprinted.url);
    const evidence = parseEvidence(JSON.stringify(buildEvidence(check, { endpoint: fingerprinted.url, model: "ngram-fp" })), "evidence");
    expect(evidence.matches.length).to.equal(check.accuracy.prefix);
    expect(evidence.commitment).to.include({ tokenId: tokenId.toString(), chainId: "31337", leafCount: 32 });
    expect(evidence.commitment.blockNumber).to.be.a("number");
    const block = await env.readOnly.provider.getBlock(evidence.commitment.blockNumber!);
    expect(evidence.commitment.registeredAt).to.equal(block!.timestamp);
    const v = await verifyEvidence(env.readOnly, evidence);
    expect(v.problems).to.deep.equal([]);
    expect(v.valid).to.equal(true);
    expect(v.provenPairs).to.equal(evidence.matches.length);
    // Only matched pairs are revealed: the file holds no other key.
    const revealed = new Set(evidence.matches.map((m) => m.key));
    expect(textModels().pairs.pairs.filter((p) => !revealed.has(p.key)).every((p) => !JSON.stringify(evidence).includes(p.key))).to.equal(true);
  });

  it("rejects forged evidence: an altered pair, an invented pair, a wrong claim, a wrong token, time, block or registry", async () => {
    const good = buildEvidence(await run(fingerprinted.url), {});
    const forge = (f: (e: FingerprintEvidence) => FingerprintEvidence) => verifyEvidence(env.readOnly, f(structuredClone(good) as FingerprintEvidence));
    const altered = await forge((e) => ({ ...e, matches: e.matches.map((m, i) => (i === 0 ? { ...m, response: `${m.response} extra`, observed: `${m.response} extra` } : m)) }));
    expect(altered.valid).to.equal(false);
    expect(altered.problems[0]).to.match(/match 0 .*not proven a leaf of the committed root/);
    const invented = generatePairs({ count: 1, seed: "invented" }).pairs[0]!;
    const otherTree = fingerprintTree([invented, ...textModels().pairs.pairs.slice(1)]);
    const proof = proveFingerprint(otherTree, invented);
    const added = await forge((e) => ({ ...e, matches: [...e.matches, { ...invented, observed: invented.response, match: "exact", index: proof.index, path: proof.path }] }));
    expect(added.problems.at(-1)).to.match(/not proven a leaf/);
    const claim = await forge((e) => ({ ...e, matches: e.matches.map((m, i) => (i === 0 ? { ...m, observed: "something else entirely" } : m)) }));
    expect(claim.problems[0]).to.match(/observed text is a non-match, not the claimed exact match/);
    const time = await forge((e) => ({ ...e, commitment: { ...e.commitment, registeredAt: e.commitment.registeredAt - 86_400 } }));
    expect(time.problems[0]).to.match(/was registered at \d+ .* not at \d+/);
    const block = await forge((e) => ({ ...e, commitment: { ...e.commitment, blockNumber: 1 } }));
    expect(block.problems[0]).to.match(/registered in block \d+, not 1/);
    const registrant = await forge((e) => ({ ...e, commitment: { ...e.commitment, registrant: env.bob.address } }));
    expect(registrant.problems[0]).to.match(/was registered by 0x/);
    const registry = await forge((e) => ({ ...e, commitment: { ...e.commitment, modelNFT: env.addresses.datasetNFT } }));
    expect(registry.problems[0]).to.match(/names ModelNFT .* but the registry/);
    const empty = await forge((e) => ({ ...e, matches: [] }));
    expect(empty.problems).to.deep.equal(["the evidence reveals no matched pair"]);
    expect((await rejection(forge((e) => ({ ...e, commitment: { ...e.commitment, tokenId: other.toString() } })))).message).to.match(/commits no fingerprints/);
    expect((await rejection(forge((e) => ({ ...e, commitment: { ...e.commitment, chainId: "314159" } })))).message).to.match(/about chain 314159, but this connection is to chain 31337/);
    expect(() => parseEvidence("{}", "x.json")).to.throw(/x.json is not a datatrace-fingerprint-evidence\/1 file/);
  });

  it("refuses pairs that are not the committed set", async () => {
    const registration = await readFingerprintRegistration(env.readOnly, tokenId);
    const wrong = generatePairs({ count: 32, seed: "other" });
    expect((await rejection(checkFingerprints({ pairs: wrong, registration, ask: async () => "" }))).message).to.match(/have root 0x[0-9a-f]{64}, but model #\d+ commits/);
  });

  it("reads responses collected elsewhere (JSON Lines), naming a bad line", async () => {
    const { pairs } = textModels();
    const observed = parseObservedResponses(pairs.pairs.slice(0, 10).map((p) => JSON.stringify({ key: p.key, response: p.response })).join("\n") + "\n", "obs.jsonl");
    const registration = await readFingerprintRegistration(env.readOnly, tokenId);
    const check = await checkFingerprints({ pairs, registration, ask: async (key) => observed.get(key) ?? "" });
    expect(check.accuracy).to.deep.include({ total: 32, exact: 10 });
    expect(() => parseObservedResponses('{"key":"a","response":"b"}\n{"key":1}\n', "obs.jsonl")).to.throw(/obs.jsonl line 2 is not/);
  });

  describe("endpoint failures", () => {
    let hanging: Server;
    let broken: Server;
    let hangingUrl: string;
    let brokenUrl: string;
    before(async () => {
      hanging = createServer(() => undefined); // accepts, never answers
      broken = createServer((req, res) => {
        if (req.url?.includes("chat")) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ hello: "world" }));
          return;
        }
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "model crashed" } }));
      });
      for (const s of [hanging, broken]) await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const s of [hanging, broken]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    });

    it("reports an endpoint that is down", async () => {
      const server = await startCompletionServer({ generator: { id: "x", complete: () => "" }, port: 0 });
      const url = server.url;
      await server.close();
      const error = await rejection(complete("key", { endpoint: url, maxTokens: 4 }));
      expect(error.message).to.match(/Cannot reach the endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/completions: ECONNREFUSED/);
    });

    it("reports an endpoint that is too slow, within the time limit given", async () => {
      const error = await rejection(complete("key", { endpoint: hangingUrl, maxTokens: 4, timeoutMs: 300 }));
      expect(error.message).to.match(/did not answer within 0.3 s/);
      expect(error.message).to.match(/raise --timeout/);
    });

    it("reports HTTP errors with the server's message, answers that are not completions, and bad URLs", async () => {
      expect((await rejection(complete("key", { endpoint: brokenUrl, maxTokens: 4 }))).message).to.match(/answered HTTP 500: model crashed/);
      expect((await rejection(complete("key", { endpoint: brokenUrl, maxTokens: 4, api: "chat" }))).message).to.match(/did not answer with an OpenAI-style chat completion/);
      expect((await rejection(complete("key", { endpoint: "ftp://x", maxTokens: 4 }))).message).to.match(/not an http\(s\) URL/);
    });
  });
});
