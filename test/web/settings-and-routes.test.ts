import { expect } from "chai";

import { parseRoute, routeHash } from "../../web/src/app/router.js";
import { parseGatewayList, presetChoices, readSettings, settingsQuery } from "../../web/src/app/settings.js";
import { hfIdOf, licenseOf, nameOf } from "../../web/src/content/token-fields.js";

const LOCAL = { datasetNFT: "0x5FbDB2315678afecb367f032d93F642f64180aa3", modelNFT: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" };
const deployedLocally = presetChoices({ local: { addresses: LOCAL, record: "ignition/deployments/chain-31337/deployed_addresses.json" }, calibration: null, mainnet: null });
const nothingDeployed = presetChoices({ local: null, calibration: null, mainnet: null });

describe("web: network settings from the URL", () => {
  it("defaults to the first preset with a deployment record, with its RPC and gateways", () => {
    const { network, problem } = readSettings("", deployedLocally);
    expect(problem).to.equal(undefined);
    expect(network).to.deep.include({ id: "local", chainId: 31337, rpcUrl: "http://127.0.0.1:8545", addresses: LOCAL, gatewaysGiven: false, ownOrigin: true });
    expect(network!.gateways).to.deep.equal(["http://127.0.0.1:5050"]);
  });

  it("offers Calibration and mainnet disabled until a deployment record exists, and says so when one is asked for", () => {
    expect(deployedLocally.map((p) => [p.id, p.chainId, p.addresses === null])).to.deep.equal([
      ["local", 31337, false],
      ["calibration", 314159, true],
      ["mainnet", 314, true],
    ]);
    const { network, problem } = readSettings("?net=calibration", deployedLocally);
    expect(network).to.equal(undefined);
    expect(problem).to.match(/Filecoin Calibration \(testnet\) has no Datatrace deployment known to this build/);
    expect(readSettings("", nothingDeployed).problem).to.match(/No registry deployment was found/);
    expect(readSettings("?net=moon", deployedLocally).problem).to.match(/Unknown network "moon"/);
  });

  it("reads a custom network, gateways and the own-origin switch, and writes them back the same", () => {
    const search = "?net=custom&rpc=https%3A%2F%2Frpc.example%2Fv1&datasets=0x1111111111111111111111111111111111111111&models=0x2222222222222222222222222222222222222222&gateways=https%3A%2F%2Fa.example%2F%2Chttps%3A%2F%2Fb.example&own=0";
    const { network } = readSettings(search, deployedLocally);
    expect(network).to.deep.include({ id: "custom", rpcUrl: "https://rpc.example/v1", gatewaysGiven: true, ownOrigin: false, chainId: undefined });
    expect(network!.addresses).to.deep.equal({ datasetNFT: "0x1111111111111111111111111111111111111111", modelNFT: "0x2222222222222222222222222222222222222222" });
    expect(network!.gateways).to.deep.equal(["https://a.example", "https://b.example"]);
    expect(readSettings(settingsQuery(network!, deployedLocally), deployedLocally).network).to.deep.equal(network);
    expect(settingsQuery(readSettings("", deployedLocally).network!, deployedLocally)).to.equal("?net=local");
  });

  it("opens the old verifier's links (?rpc=&dataset=&token=) as a custom network and that token's verification", () => {
    const { network, legacyToken } = readSettings("?rpc=http://127.0.0.1:8545&dataset=0x5FbDB2315678afecb367f032d93F642f64180aa3&token=7", deployedLocally);
    expect(network).to.deep.include({ id: "custom", rpcUrl: "http://127.0.0.1:8545" });
    expect(network!.addresses.datasetNFT).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(network!.gateways).to.deep.equal(["http://127.0.0.1:5050"]); // a local node: the local gateway
    expect(legacyToken).to.equal("7");
    expect(readSettings("?net=custom&rpc=http://127.0.0.1:8545", deployedLocally).problem).to.match(/without a DatasetNFT address/);
  });

  it("splits gateway lists on commas, spaces and new lines, dropping trailing slashes and repeats", () => {
    expect(parseGatewayList(" https://a.io/ ,\n\nhttps://b.io//  https://a.io\n")).to.deep.equal(["https://a.io", "https://b.io"]);
    expect(parseGatewayList("  ")).to.deep.equal([]);
  });
});

describe("web: hash routes", () => {
  it("parses every view, with ids and parameters", () => {
    expect(parseRoute("#/dataset/12")).to.deep.include({ view: "dataset", id: 12n });
    expect(parseRoute("#/model/3")).to.deep.include({ view: "model", id: 3n });
    const route = parseRoute("#/datasets?q=spam%20corpus&page=2");
    expect(route.view).to.equal("datasets");
    expect(route.params.get("q")).to.equal("spam corpus");
    expect(route.params.get("page")).to.equal("2");
    for (const view of ["models", "verify", "trace", "register", "network"]) expect(parseRoute(`#/${view}`).view).to.equal(view);
  });

  it("falls back to the lists for unknown routes and ids that are not token ids", () => {
    expect(parseRoute("").view).to.equal("datasets");
    expect(parseRoute("#/nowhere").view).to.equal("datasets");
    expect(parseRoute("#/dataset/0")).to.deep.include({ view: "datasets" });
    expect(parseRoute("#/model/abc")).to.deep.include({ view: "models" });
    expect(parseRoute("#/dataset/")).to.deep.include({ view: "datasets" });
  });

  it("writes hashes that parse back to the same route", () => {
    expect(routeHash("dataset", { id: 5n })).to.equal("#/dataset/5");
    expect(routeHash("verify", { params: { dataset: 3n, empty: "" } })).to.equal("#/verify?dataset=3");
    const hash = routeHash("datasets", { params: { q: "a&b=c #1", page: 4 } });
    const back = parseRoute(hash);
    expect(back.params.get("q")).to.equal("a&b=c #1");
    expect(back.params.get("page")).to.equal("4");
  });
});

describe("web: what the explorer reads from token metadata", () => {
  it("takes the license from the SPDX attribute, else the license field (an spdx.org URL shortened)", () => {
    expect(licenseOf({ attributes: [{ trait_type: "Kind", value: "dataset" }, { trait_type: "License", value: "Apache-2.0" }], license: "https://www.apache.org/licenses/LICENSE-2.0" })).to.equal("Apache-2.0");
    expect(licenseOf({ license: "https://spdx.org/licenses/CC-BY-4.0.html" })).to.equal("CC-BY-4.0");
    expect(licenseOf({ license: "MIT" })).to.equal("MIT");
    expect(licenseOf({})).to.equal(undefined);
    expect(licenseOf(undefined)).to.equal(undefined);
  });

  it("finds the Hugging Face id a model's record or a dataset's Hub URL claims, and nothing in other URLs", () => {
    expect(hfIdOf("models", { huggingFace: { repoId: "org/model-7b", revision: "abc" } })).to.equal("org/model-7b");
    expect(hfIdOf("models", { huggingFace: "org/model" })).to.equal(undefined);
    expect(hfIdOf("datasets", { url: "https://huggingface.co/datasets/org/corpus" })).to.equal("org/corpus");
    expect(hfIdOf("datasets", { url: "https://hf.co/datasets/squad/" })).to.equal("squad");
    expect(hfIdOf("datasets", { url: "https://example.com/datasets/org/corpus" })).to.equal(undefined);
  });

  it("takes a non-empty name only", () => {
    expect(nameOf({ name: "spam-nb-base" })).to.equal("spam-nb-base");
    expect(nameOf({ name: "  " })).to.equal(undefined);
    expect(nameOf({ name: 7 })).to.equal(undefined);
  });
});
