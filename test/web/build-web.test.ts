import { mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { buildWeb, isWebBuildStale, presetDeployments, type BuildWebResult } from "../../web/build.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";

describe("web: the page bundle (web/build.ts)", function () {
  this.timeout(30_000);
  let tmp: { dir: string; cleanup: () => void };
  let result: BuildWebResult;

  let ignition: string;
  const LOCAL = { "Registry#DatasetNFT": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "Registry#ModelNFT": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" };

  before(async () => {
    tmp = tempDir("web-build");
    ignition = path.join(tmp.dir, "ignition");
    mkdirSync(path.join(ignition, "deployments", "chain-31337"), { recursive: true });
    writeFileSync(path.join(ignition, "deployments", "chain-31337", "deployed_addresses.json"), JSON.stringify(LOCAL));
    result = await buildWeb({ outDir: path.join(tmp.dir, "out"), ignitionDir: ignition });
  });
  after(() => tmp.cleanup());

  it("writes index.html, app.js, app.css and the hashing worker hash-worker.js (with source maps)", () => {
    const names = result.files.map((f) => f.name);
    expect(names).to.include.members(["index.html", "app.js", "app.css", "app.js.map", "hash-worker.js"]);
    const html = readFileSync(path.join(result.outDir, "index.html"), "utf8");
    expect(html).to.include('src="app.js"').and.to.include('href="app.css"');
  });

  it("reuses the core library for everything protocol-related, and has no copy of it", () => {
    for (const file of [
      "src/manifest/manifest-reader.ts",
      "src/engine/manifest-memory-builder.ts",
      "src/manifest/manifest-assembly.ts",
      "src/merkle/proof.ts",
      "src/merkle/multiproof.ts",
      "src/storage/gateway.ts",
      "src/storage/import-files.ts",
      "src/storage/unixfs-file-builder.ts",
      "src/hash/keccak.ts",
      "src/registry/dataset-metadata.ts",
      "src/registry/metadata-document.ts",
      "src/registry/lineage.ts",
      "src/workflow/prove-sample.ts",
      "src/workflow/prove-sample-set.ts",
      "src/workflow/lineage-trace.ts",
      "src/workflow/dataset-metadata.ts",
      "src/workflow/token-metadata.ts",
    ]) {
      expect(result.inputs, file).to.include(file);
    }
    // The verifier's former copies of the core are gone.
    for (const gone of ["web/src/verify-sample.ts", "web/src/page-params.ts", "web/src/sample-hash.ts", "web/src/proof-json.ts"]) expect(result.inputs).to.not.include(gone);
    // It reaches the core through the modules' browser-safe entries, never a Node-only index.ts.
    expect(result.inputs).to.include("src/storage/browser.ts").and.to.include("src/workflow/browser.ts");
    expect(result.inputs.filter((f) => /^src\/(chain|cli|engine|manifest|merkle|registry|storage|workflow)\/index\.ts$/.test(f))).to.deep.equal([]);
    // Node-only parts of the core stay off the page.
    expect(result.inputs.filter((f) => /src\/(chain\/registry-client|chain\/registry-addresses|workflow\/register-dataset|workflow\/trace-samples|storage\/local-store|storage\/server)\.ts$/.test(f))).to.deep.equal([]);
  });

  it("compiles in the registries of the Ignition records (chain-<id>), and leaves undeployed presets empty", () => {
    const js = readFileSync(path.join(result.outDir, "app.js"), "utf8");
    expect(js).to.include("0x5FbDB2315678afecb367f032d93F642f64180aa3").and.to.include("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    expect(result.inputs).to.include(path.relative(path.resolve("."), path.join(ignition, "deployments", "chain-31337", "deployed_addresses.json")));
  });

  it("reads presets from a named deployment id, and a missing record as not deployed", async () => {
    const other = path.join(tmp.dir, "ignition-other");
    mkdirSync(path.join(other, "deployments", "e2e-other"), { recursive: true });
    writeFileSync(path.join(other, "deployments", "e2e-other", "deployed_addresses.json"), JSON.stringify({ "Registry#DatasetNFT": "0x1111111111111111111111111111111111111111", "Registry#ModelNFT": "0x2222222222222222222222222222222222222222" }));
    const { deployments } = await presetDeployments(other, { local: "e2e-other" });
    expect(deployments.local?.addresses).to.deep.equal({ datasetNFT: "0x1111111111111111111111111111111111111111", modelNFT: "0x2222222222222222222222222222222222222222" });
    expect(deployments.calibration).to.equal(null);
    expect(deployments.mainnet).to.equal(null);
    expect((await presetDeployments(path.join(tmp.dir, "no-ignition"))).deployments.local).to.equal(null);
  });

  it("uses relative paths only, so the directory works from any static host or an IPFS path", () => {
    const html = readFileSync(path.join(result.outDir, "index.html"), "utf8");
    expect(html.match(/(?:src|href)="\//g)).to.equal(null);
    const js = readFileSync(path.join(result.outDir, "app.js"), "utf8");
    expect(js).to.include("hash-worker.js");
    expect(js).to.not.match(/["'`]\/hash-worker\.js/);
  });

  it("contains no Node built-in and no shim of one: hashing is injected, not polyfilled", () => {
    expect(result.inputs.filter((f) => f.startsWith("node:") || /^(fs|path|crypto|os|worker_threads|buffer)$/.test(f))).to.deep.equal([]);
    expect(result.inputs.some((f) => f.includes("shims/") || f.includes("manifest-file-reader") || f.includes("local-store") || f.includes("tree-parallel"))).to.equal(false);
    const js = readFileSync(path.join(result.outDir, "app.js"), "utf8");
    // A free `Buffer` keeps its name when minified; libraries' guarded `globalThis.Buffer` is fine.
    expect(js).to.not.match(/(?<![.\w$])Buffer\.(from|concat|alloc)\(/);
  });

  it("loads nothing from other origins (no CDN, no web font): the page works offline", () => {
    const html = readFileSync(path.join(result.outDir, "index.html"), "utf8");
    const css = readFileSync(path.join(result.outDir, "app.css"), "utf8");
    expect(html.match(/(src|href)="https?:/g)).to.equal(null);
    expect(css).to.not.match(/url\(|@import|@font-face/);
    expect(html).to.include("Content-Security-Policy").and.to.include("script-src 'self'");
  });

  it("records its inputs so that a later run can tell whether the page is up to date", async () => {
    expect(await isWebBuildStale(result.outDir)).to.equal(undefined);
    expect(readFileSync(path.join(result.outDir, ".build-inputs.json"), "utf8")).to.include("web/src/main.ts");
  });

  it("is stale once a new deployment is recorded", async () => {
    const out = path.join(tmp.dir, "fresh");
    const ignition2 = path.join(tmp.dir, "ignition2");
    mkdirSync(path.join(ignition2, "deployments"), { recursive: true });
    await buildWeb({ outDir: out, ignitionDir: ignition2 });
    expect(await isWebBuildStale(out)).to.equal(undefined);
    utimesSync(path.join(out, ".build-inputs.json"), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    mkdirSync(path.join(ignition2, "deployments", "chain-314159"));
    expect(await isWebBuildStale(out)).to.match(/ignition2\/deployments changed since the last build$/);
  });

  it("is stale when its inputs record is missing or names a file that is gone", async () => {
    const other = path.join(tmp.dir, "other");
    expect(await isWebBuildStale(other)).to.match(/^no complete build in /);
    mkdirSync(other);
    writeFileSync(path.join(other, "index.html"), "");
    writeFileSync(path.join(other, ".build-inputs.json"), JSON.stringify(["web/src/main.ts", "web/src/removed-since.ts"]));
    expect(await isWebBuildStale(other)).to.equal("web/src/removed-since.ts changed since the last build");
  });

  it("is stale when an input is newer than the build", async () => {
    const other = path.join(tmp.dir, "older");
    mkdirSync(other);
    writeFileSync(path.join(other, "index.html"), "");
    writeFileSync(path.join(other, ".build-inputs.json"), JSON.stringify(["web/index.html"]));
    expect(await isWebBuildStale(other)).to.equal(undefined);
    utimesSync(path.join(other, ".build-inputs.json"), new Date(0), new Date(0)); // a build from 1970

    expect(await isWebBuildStale(other)).to.equal("web/index.html changed since the last build");
  });

  it("keeps the bundle small (under 400 KB of minified JavaScript)", () => {
    const js = result.files.find((f) => f.name === "app.js")!;
    expect(js.bytes).to.be.below(400_000);
  });
});
