import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { pageHint } from "../../tasks/ipfs/serve.js";
import { removeTempDirs, tempDir } from "./storage-fixtures.js";

describe("ipfs serve: the web page URL it prints", () => {
  after(() => removeTempDirs());

  it("opens the local preset when Ignition recorded the registries for localhost (chain 31337), naming them", async () => {
    const ignition = path.join(tempDir(), "ignition");
    mkdirSync(path.join(ignition, "deployments", "chain-31337"), { recursive: true });
    writeFileSync(
      path.join(ignition, "deployments", "chain-31337", "deployed_addresses.json"),
      JSON.stringify({ "Registry#DatasetNFT": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "Registry#ModelNFT": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" }),
    );
    expect(await pageHint("http://127.0.0.1:5050", ignition)).to.equal(
      "http://127.0.0.1:5050/?net=local#/datasets  (the registries deployed on localhost: DatasetNFT 0x5FbDB2315678afecb367f032d93F642f64180aa3, " +
        "ModelNFT 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512; JSON-RPC http://127.0.0.1:8545)",
    );
  });

  it("opens the network view when nothing is deployed on localhost, or the record is unreadable", async () => {
    const none = path.join(tempDir(), "ignition");
    const expected = "http://127.0.0.1:5050/#/network  (no registries recorded for localhost yet: deploy them, or choose a network in the page)";
    expect(await pageHint("http://127.0.0.1:5050", none)).to.equal(expected);
    mkdirSync(path.join(none, "deployments", "chain-31337"), { recursive: true });
    writeFileSync(path.join(none, "deployments", "chain-31337", "deployed_addresses.json"), "{ not json");
    expect(await pageHint("http://127.0.0.1:5050", none)).to.equal(expected);
  });
});
