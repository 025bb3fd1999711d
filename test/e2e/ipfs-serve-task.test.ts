import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

import { expect } from "chai";

import { LocalStore } from "../../src/storage/local-store.js";
import { pageHint } from "../../tasks/ipfs/serve.js";
import { childEnv, collect, freePort, hardhat, spawnHardhat } from "./helpers.js";
import { removeTempDirs, tempDir } from "../storage/storage-fixtures.js";

describe("ipfs serve: the web page URL it prints", () => {
  after(() => removeTempDirs());

  it("opens the local preset when Ignition recorded the registries for localhost (chain 31337), naming them and the configured RPC", async () => {
    const ignition = path.join(tempDir(), "ignition");
    mkdirSync(path.join(ignition, "deployments", "chain-31337"), { recursive: true });
    writeFileSync(
      path.join(ignition, "deployments", "chain-31337", "deployed_addresses.json"),
      JSON.stringify({ "Registry#DatasetNFT": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "Registry#ModelNFT": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" }),
    );
    expect(await pageHint("http://127.0.0.1:5050", ignition, "http://127.0.0.1:8545")).to.equal(
      "http://127.0.0.1:5050/?net=local#/datasets  (the registries deployed on localhost: DatasetNFT 0x5FbDB2315678afecb367f032d93F642f64180aa3, " +
        "ModelNFT 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512; JSON-RPC http://127.0.0.1:8545)",
    );
    expect(await pageHint("http://127.0.0.1:5050", ignition, "http://127.0.0.1:9545")).to.match(
      /^http:\/\/127\.0\.0\.1:5050\/\?net=local&rpc=http%3A%2F%2F127\.0\.0\.1%3A9545#\/datasets .*JSON-RPC http:\/\/127\.0\.0\.1:9545\)$/,
    );
  });

  it("opens the network view when nothing is deployed on localhost, or the record is unreadable", async () => {
    const none = path.join(tempDir(), "ignition");
    const expected =
      "http://127.0.0.1:5050/#/network  (no registries recorded for localhost yet: deploy them to the node at http://127.0.0.1:8545, or choose a network in the page)";
    expect(await pageHint("http://127.0.0.1:5050", none, "http://127.0.0.1:8545")).to.equal(expected);
    mkdirSync(path.join(none, "deployments", "chain-31337"), { recursive: true });
    writeFileSync(path.join(none, "deployments", "chain-31337", "deployed_addresses.json"), "{ not json");
    expect(await pageHint("http://127.0.0.1:5050", none, "http://127.0.0.1:8545")).to.equal(expected);
  });
});

describe("ipfs serve, run as a command", function () {
  this.timeout(180_000);
  after(() => removeTempDirs());

  it("prints the page URL with the configured RPC (DATATRACE_LOCALHOST_URL), serves <dir>/blocks, stops on SIGINT", async () => {
    const work = tempDir();
    const store = new LocalStore({ dir: path.join(work, "blocks") });
    const { cid } = await store.putBytes(new TextEncoder().encode("served from <dir>/blocks"), "a.txt");
    const port = await freePort();
    const child = spawnHardhat(["ipfs", "serve", "--port", String(port), "--dir", work, "--quiet"], childEnv({ DATATRACE_LOCALHOST_URL: "http://127.0.0.1:9545" }));
    let stdout = "";
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("press Ctrl-C")) resolve();
      });
      child.once("close", (code) => reject(new Error(`ipfs serve exited with ${code}: ${stdout}`)));
    });
    const ended = collect(child, 170_000, "ipfs serve");
    await ready;
    // With or without registries recorded for localhost in this checkout, the line names the configured RPC.
    expect(stdout).to.match(new RegExp(`web page: +http://127\\.0\\.0\\.1:${port}/.*http://127\\.0\\.0\\.1:9545`));
    expect(stdout).to.include(`serving ${store.dir} at`);
    expect(await (await fetch(`http://127.0.0.1:${port}/ipfs/${cid}`)).text()).to.equal("served from <dir>/blocks");
    child.kill("SIGINT");
    expect((await ended).code).to.equal(0);
  });

  it("a port in use: one line saying so and what to do, no stack, no 'report a bug'", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = await hardhat(["ipfs", "serve", "--port", String(port), "--dir", tempDir(), "--no-web"], childEnv({ CI: undefined }));
      expect(run.code).to.not.equal(0);
      expect(run.stderr).to.match(new RegExp(`\\[SERVER_LISTEN\\] port ${port} on 127\\.0\\.0\\.1 is already in use .*pass --port <another port>`));
      expect(run.stderr).to.not.match(/An unexpected error occurred|report-bug|    at /);
    } finally {
      busy.close();
    }
  });

  it("a port out of range: one line saying the valid range", async () => {
    const run = await hardhat(["ipfs", "serve", "--port", "70000", "--dir", tempDir(), "--no-web"], childEnv({ CI: undefined }));
    expect(run.code).to.not.equal(0);
    expect(run.stderr).to.match(/\[SERVER_LISTEN\] port 70000 is out of range: use a port from 1 to 65535/);
    expect(run.stderr).to.not.match(/An unexpected error occurred|    at /);
  });
});
