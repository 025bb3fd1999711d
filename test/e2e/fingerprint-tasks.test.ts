import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { RunningCompletionServer } from "../../src/ml/completion-server.js";
import { startModelServer } from "../../tasks/model/serve.js";
import { writeSamples } from "../workflow/helpers.js";
import { runTask } from "./helpers.js";

/** The fingerprint workflow through its tasks: generate, serve a fingerprinted model, register it, check, verify evidence. */
describe("fingerprint tasks, in process", function () {
  this.timeout(180_000);
  let root: string;
  let server: RunningCompletionServer | undefined;
  const ws = (): string => path.join(root, "dt");
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-e2e-fp-"));
  });
  after(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("declares the tasks with help text", () => {
    for (const id of [["model", "fingerprints", "generate"], ["model", "fingerprints", "check"], ["model", "fingerprints", "verify-evidence"], ["model", "serve"]]) {
      const t = hre.tasks.getTask(id);
      expect(t.description, id.join(" ")).to.have.length.greaterThan(10);
      for (const [name, option] of t.options) expect(option.description, `${id.join(" ")} --${name}`).to.have.length.greaterThan(5);
    }
    expect(hre.tasks.getTask(["model", "register"]).options.has("fingerprints")).to.equal(true);
  });

  it("generates pairs, serves and registers a fingerprinted model, finds the fingerprints (exit 0) and verifies the evidence (exit 0); forged evidence exits 3", async () => {
    const pairs = path.join(root, "pairs.json");
    const gen = JSON.parse((await runTask(["model", "fingerprints", "generate"], { count: 16, keyLength: 8, responseLength: 4, strategy: "random-words", seed: "e2e", out: pairs, json: true })).stdout) as { root: string; count: number };
    expect(gen.count).to.equal(16);
    expect((readFileSync(pairs).length)).to.be.greaterThan(100);
    let error: unknown;
    try {
      await runTask(["model", "fingerprints", "generate"], { count: 16, keyLength: 8, responseLength: 4, strategy: "random-words", seed: "", out: pairs, json: false });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.match(/exists; fingerprint pairs are never overwritten/);

    const weights = path.join(root, "fp-model.json");
    server = await startModelServer({ weights: "", fingerprints: pairs, save: weights, host: "127.0.0.1", port: 0, name: "fp" }, () => undefined);
    expect(existsSync(weights)).to.equal(true);
    const { dir } = writeSamples(root, "data", 3);
    const d = JSON.parse((await runTask(["dataset", "register"], { sources: [dir], name: "d", license: "CC0-1.0", dir: ws(), json: true, threads: 1 })).stdout) as { tokenId: string };
    const m = JSON.parse((await runTask(["model", "register"], { weights, datasets: d.tokenId, fingerprints: pairs, name: "fp", dir: ws(), json: true })).stdout) as { tokenId: string };

    const evidence = path.join(root, "evidence.json");
    const check = await runTask<{ exitCode: number }>(["model", "fingerprints", "check"], { tokenId: m.tokenId, pairs, endpoint: server.url, out: evidence, quiet: true });
    expect(check.stderr).to.equal("");
    expect(check.result.exitCode).to.equal(0);
    expect(check.stdout).to.match(/fingerprints FOUND/);
    expect(check.stdout).to.match(/exact 100\.0% \(16\/16\)/);

    const ok = await runTask<{ exitCode: number }>(["model", "fingerprints", "verify-evidence"], { file: evidence });
    expect(ok.result.exitCode).to.equal(0);
    expect(ok.stdout).to.match(new RegExp(`VALID: 16 fingerprint pairs committed by model #${m.tokenId} \\(registrant 0x[0-9a-fA-F]{40}\\) on \\d{4}-\\d\\d-\\d\\dT.* in block \\d+, chain 31337`));

    const forged = JSON.parse(readFileSync(evidence, "utf8"));
    forged.matches[2].response = "a forged response";
    forged.matches[2].observed = "a forged response";
    const forgedFile = path.join(root, "forged.json");
    writeFileSync(forgedFile, JSON.stringify(forged));
    const bad = await runTask<{ exitCode: number }>(["model", "fingerprints", "verify-evidence"], { file: forgedFile });
    expect(bad.result.exitCode).to.equal(3);
    expect(bad.stdout).to.match(/INVALID evidence[\s\S]*match 2 .*not proven a leaf/);

    // The same check against answers that do not carry the fingerprints: not found (exit 3).
    const observed = path.join(root, "observed.jsonl");
    writeFileSync(observed, JSON.parse(readFileSync(pairs, "utf8")).pairs.map((p: { key: string }) => JSON.stringify({ key: p.key, response: "nothing to see" })).join("\n"));
    const none = await runTask<{ exitCode: number }>(["model", "fingerprints", "check"], { tokenId: m.tokenId, pairs, responses: observed, quiet: true });
    expect(none.result.exitCode).to.equal(3);
    expect(none.stdout).to.match(/NOT FOUND/);

    const down = await runTask<{ exitCode: number }>(["model", "fingerprints", "check"], { tokenId: m.tokenId, pairs, endpoint: "http://127.0.0.1:9", quiet: true });
    expect(down.result.exitCode).to.equal(2);
    expect(down.stderr).to.match(/Cannot reach the endpoint/);
    const both = await runTask<{ exitCode: number }>(["model", "fingerprints", "check"], { tokenId: m.tokenId, pairs, quiet: true });
    expect(both.stderr).to.match(/Give either --endpoint or --responses/);
  });
});
