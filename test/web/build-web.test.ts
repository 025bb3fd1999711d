import { mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { buildWeb, isWebBuildStale, type BuildWebResult } from "../../web/build.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";

describe("web: the page bundle (web/build.ts)", function () {
  this.timeout(30_000);
  let tmp: { dir: string; cleanup: () => void };
  let result: BuildWebResult;

  before(async () => {
    tmp = tempDir("web-build");
    result = await buildWeb({ outDir: path.join(tmp.dir, "out") });
  });
  after(() => tmp.cleanup());

  it("writes index.html, app.js, app.css and the hashing worker hash-worker.js (with source maps)", () => {
    const names = result.files.map((f) => f.name);
    expect(names).to.include.members(["index.html", "app.js", "app.css", "app.js.map", "hash-worker.js"]);
    const html = readFileSync(path.join(result.outDir, "index.html"), "utf8");
    expect(html).to.include('src="app.js"').and.to.include('href="app.css"');
  });

  it("reuses the core library (manifest reader, merkle verifiers, verified gateway client)", () => {
    for (const file of ["src/manifest/manifest-reader.ts", "src/merkle/proof.ts", "src/merkle/scheme.ts", "src/storage/gateway.ts", "src/hash/keccak.ts"]) {
      expect(result.inputs, file).to.include(file);
    }
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

  it("keeps the bundle small (under 400 KB of JavaScript)", () => {
    const js = result.files.find((f) => f.name === "app.js")!;
    expect(js.bytes).to.be.below(400_000);
  });
});
