import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { hashSources } from "../../src/engine/hash-sources.js";
import { ImageFolderSource } from "../../src/sources/image-folder-source.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { expectedRoot, sha256 } from "../fixtures/source-fixtures.js";

async function ids(paths: string[], options: OpenSourcesOptions): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await hashSources(await openSources(paths, options), {
    threads: 0,
    onBatch: (h) => {
      for (let i = 0; i < h.batch.count; i++) out.set(h.batch.ids![i]!, Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex"));
    },
  });
  return out;
}

describe("image folder source (Hugging Face imagefolder)", () => {
  let dir: string;
  let cleanup: () => void;
  const csv = "file_name,text\ncat.jpg,a cat\ndog.png,a dog\n";
  const jsonl = '{"file_name": "bird.jpg", "label": 3}\n';
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("imagefolder"));
    writeTree(dir, {
      "pets/cat.jpg": "cat bytes",
      "pets/dog.png": "dog bytes",
      "pets/metadata.csv": csv,
      "pets/test/bird.jpg": "bird bytes",
      "pets/test/metadata.jsonl": jsonl,
      "pets/.cache/metadata.csv": "hidden",
    });
  });
  afterEach(() => cleanup());

  it("hashes every file but the metadata files, with the ids and root of a dir source", async () => {
    const got = await ids(["pets"], { baseDir: dir });
    const want = new Map([
      ["pets/cat.jpg", sha256("cat bytes")],
      ["pets/dog.png", sha256("dog bytes")],
      ["pets/test/bird.jpg", sha256("bird bytes")],
    ]);
    expect(got).to.deep.equal(want);
    const report = await buildManifest(await openSources(["pets"], { baseDir: dir }), { out: path.join(dir, "m"), threads: 0 });
    expect(report.root).to.equal(expectedRoot(want.values()).root);
  });

  it("records the metadata files (path, size, SHA-256) in the manifest header, not as samples", async () => {
    const report = await buildManifest(await openSources(["pets"], { baseDir: dir }), { out: path.join(dir, "m"), threads: 0 });
    const header = JSON.parse(readFileSync(path.join(report.manifestDir, "header.json"), "utf8"));
    expect(header.sources).to.deep.equal([
      {
        kind: "imagefolder",
        name: "pets",
        options: {
          include: [],
          exclude: [],
          includeHidden: false,
          followSymlinks: false,
          hashMetadata: false,
          metadata: [
            { path: "metadata.csv", bytes: csv.length, sha256: sha256(csv) },
            { path: "test/metadata.jsonl", bytes: jsonl.length, sha256: sha256(jsonl) },
          ],
        },
      },
    ]);
    expect(report.sampleCount).to.equal(3);
  });

  it("hashes the metadata files too with --hash-metadata, and as ordinary files with --kind dir", async () => {
    const hashed = await ids(["pets"], { baseDir: dir, hashMetadata: true });
    expect(hashed.get("pets/metadata.csv")).to.equal(sha256(csv));
    expect(hashed.get("pets/test/metadata.jsonl")).to.equal(sha256(jsonl));
    expect(hashed.size).to.equal(5);
    const asDir = await ids(["pets"], { baseDir: dir, kind: "dir" });
    expect(asDir).to.deep.equal(hashed);
  });

  it("applies the directory rules to metadata files: a hidden or excluded one is neither recorded nor hashed", async () => {
    const [source] = (await openSources(["pets"], { baseDir: dir, exclude: ["test"] })) as ImageFolderSource[];
    expect(source!.metadataFiles.map((m) => m.path)).to.deep.equal(["metadata.csv"]);
    expect([...(await ids(["pets"], { baseDir: dir, exclude: ["test"] })).keys()]).to.deep.equal(["pets/cat.jpg", "pets/dog.png"]);
  });
});
