import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { buildWeb, type BuildWebResult } from "../../scripts/build-web.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";

describe("web: the page bundle (scripts/build-web.ts)", function () {
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
    for (const file of ["src/manifest/manifest-reader.ts", "src/merkle/proof.ts", "src/merkle/absence.ts", "src/storage/gateway.ts", "src/hash/keccak.ts"]) {
      expect(result.inputs, file).to.include(file);
    }
  });

  it("contains no Node built-in: node:crypto and Buffer go to the shims in web/src/shims", () => {
    expect(result.inputs.filter((f) => f.startsWith("node:") || /^(fs|path|crypto|os|worker_threads)$/.test(f))).to.deep.equal([]);
    expect(result.inputs).to.include.members(["web/src/shims/node-crypto.ts", "web/src/shims/buffer.ts"]);
    expect(result.inputs.some((f) => f.includes("node-sha256") || f.includes("local-store") || f.includes("tree-parallel"))).to.equal(false);
  });

  it("loads nothing from other origins (no CDN, no web font): the page works offline", () => {
    const html = readFileSync(path.join(result.outDir, "index.html"), "utf8");
    const css = readFileSync(path.join(result.outDir, "app.css"), "utf8");
    expect(html.match(/(src|href)="https?:/g)).to.equal(null);
    expect(css).to.not.match(/url\(|@import|@font-face/);
    expect(html).to.include("Content-Security-Policy").and.to.include("script-src 'self'");
  });

  it("keeps the bundle small (under 400 KB of JavaScript)", () => {
    const js = result.files.find((f) => f.name === "app.js")!;
    expect(js.bytes).to.be.below(400_000);
  });
});
