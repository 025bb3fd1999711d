import { mkdirSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { LocalStore } from "../../src/storage/local-store.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import { registerDataset } from "../../src/workflow/register-dataset.js";
import { readTokenMetadata } from "../../src/workflow/token-metadata.js";
import { duckdb, pythonTars, sha256 } from "../fixtures/source-fixtures.js";
import { expectedRoot } from "../fixtures/source-fixtures.js";
import { CountingStore, deployRegistry, tempWorkspace } from "./helpers.js";

describe("registerDataset over the published formats (Parquet, WebDataset)", function () {
  this.timeout(120_000);
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  before(async () => (env = await deployRegistry()));
  beforeEach(() => (t = tempWorkspace("register-sources")));
  afterEach(() => t.cleanup());

  it("registers a Parquet column and WebDataset shards with the source options, and puts their recordSet, publisher, citeAs and external_url in the metadata", async () => {
    mkdirSync(path.join(t.root, "data"));
    mkdirSync(path.join(t.root, "shards"));
    await duckdb([`COPY (SELECT i AS id, {'bytes': encode('image ' || i), 'path': i || '.jpg'} AS image FROM range(20) t(i)) TO '${path.join(t.root, "data", "train.parquet")}' (FORMAT parquet)`]);
    pythonTars([
      {
        file: path.join(t.root, "shards", "00000.tar"),
        entries: [
          { name: "000.jpg", data: new TextEncoder().encode("jpg 0") },
          { name: "000.txt", data: new TextEncoder().encode("caption 0") },
        ],
        format: "pax",
      },
    ]);
    const store = new CountingStore(new LocalStore({ dir: t.workspace.blocksDir }));
    const r = await registerDataset(
      { client: env.client, store, workspace: t.workspace },
      {
        sources: ["data/train.parquet", "shards/00000.tar"],
        sourceOptions: { baseDir: t.root, column: "image" },
        threads: 1,
        metadata: {
          name: "Images and captions",
          license: "CC-BY-4.0",
          datePublished: "2026-07-01",
          creator: { name: "Ada", type: "Person" },
          publisher: { name: "ACME Labs", type: "Organization" },
          citeAs: "@misc{ic}",
          externalUrl: "https://acme.example/ic",
          keywords: ["images"],
        },
      },
    );
    const want = [...Array.from({ length: 20 }, (_, i) => sha256(`image ${i}`)), sha256("jpg 0"), sha256("caption 0")];
    expect(r.root).to.equal(expectedRoot(want).root);
    const doc = await readTokenMetadata(new ContentSource({ local: store.inner }), r.tokenURI);
    expect(doc?.publisher).to.deep.equal({ "@type": "sc:Organization", name: "ACME Labs" });
    expect(doc?.citeAs).to.equal("@misc{ic}");
    expect(doc?.external_url).to.equal("https://acme.example/ic");
    const recordSets = doc?.recordSet as Array<{ name: string; field: Array<{ name: string; dataType?: string }> }>;
    expect(recordSets.map((rs) => [rs.name, rs.field.map((f) => f.name)])).to.deep.equal([
      ["data/train.parquet", ["id", "image"]],
      ["shards/00000.tar", ["jpg", "txt"]],
    ]);
  });
});
