import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { webSha256 } from "../../src/hash/sha256.js";
import { buildManifestInMemory, type MemorySample } from "../../src/engine/manifest-memory-builder.js";
import { ManifestReader } from "../../src/manifest/manifest-reader.js";
import { openSources } from "../../src/sources/open-sources.js";
import { MemoryBlockSource } from "../../src/storage/blocks.js";
import { readFile as readDagFile, resolvePath } from "../../src/storage/dag-reader.js";
import { encodeCar, importFiles } from "../../src/storage/import-files.js";
import { importPath } from "../../src/storage/import-path.js";
import { verifyCarStream } from "../../src/storage/car-stream.js";
import { records, tempDir, writeTree } from "../fixtures/dataset-fixtures.js";

const sha = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(bytes).digest());

/** Every file under `dir`, by POSIX path relative to it. */
function filesUnder(dir: string, prefix = ""): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const name of readdirSync(path.join(dir, prefix)).sort()) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    if (statSync(path.join(dir, rel)).isDirectory()) for (const [k, v] of filesUnder(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(path.join(dir, rel)));
  }
  return out;
}

/**
 * The in-memory manifest builder (the web page's) against the CLI's engine
 * on the same samples: every file byte for byte, the same header, and the
 * same IPFS directory CID from the browser-safe `importFiles` as from
 * `importPath` over the CLI's directory.
 */
describe("buildManifestInMemory (the page's builder) against `dataset hash`", function () {
  this.timeout(60_000);
  let tmp: { dir: string; cleanup: () => void };
  before(() => (tmp = tempDir("memory-manifest")));
  after(() => tmp.cleanup());

  it("gives the same manifest as the engine for a folder with nested files, duplicates and a hidden file", async () => {
    const files: Record<string, string> = {
      "emails/b.txt": "bee\n",
      "emails/a.txt": "ay\n",
      "emails/sub/c.txt": "see\n",
      "emails/sub/copy-of-a.txt": "ay\n",
      "emails/Z-upper.txt": "zed\n",
      "emails/ümlaut.txt": "umlaut\n",
      "emails/.hidden": "skipped like the CLI does\n",
    };
    writeTree(tmp.dir, files);
    const out = path.join(tmp.dir, "cli-manifest");
    const report = await buildManifest(await openSources(["emails"], { baseDir: tmp.dir }), { out, threads: 1 });

    // What the page does with a picked folder: skip hidden names, sort by UTF-8 path bytes, id = folder-relative path.
    const picked = Object.keys(files)
      .filter((p) => !p.split("/").some((part) => part.startsWith(".")))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const samples: MemorySample[] = picked.map((p) => ({ hash: sha(Buffer.from(files[p]!)), id: p, bytes: Buffer.byteLength(files[p]!) }));
    const header = JSON.parse(readFileSync(path.join(out, "header.json"), "utf8")) as { sources: never[] };
    const built = await buildManifestInMemory(samples, { sources: header.sources, sha256: webSha256 });

    expect(built.header.root).to.equal(report.root);
    expect(built.sampleCount).to.equal(6);
    expect(built.duplicateCount).to.equal(1);
    const cli = filesUnder(out);
    expect([...built.files.keys()].sort()).to.deep.equal([...cli.keys()].sort());
    for (const [name, bytes] of cli) expect(Buffer.from(built.files.get(name)!).equals(Buffer.from(bytes)), name).to.equal(true);
    expect(new TextDecoder().decode(built.files.get("ids/000/000000.jsonl"))).to.include('["emails/a.txt","emails/sub/copy-of-a.txt"]');

    const memory = await importFiles(built.files, { sha256: webSha256 });
    expect(memory.cid.toString()).to.equal((await importPath(out)).cid.toString());
  });

  it("gives the same two-shard manifest as the engine for 9,000 lines with duplicates, private or not", async () => {
    const lines = records(9_000, 12, 11, 97).map((r) => Buffer.from(r).toString("hex"));
    writeFileSync(path.join(tmp.dir, "rows.txt"), `${lines.join("\n")}\n`);
    for (const isPrivate of [false, true]) {
      const out = path.join(tmp.dir, `rows-manifest-${isPrivate}`);
      const report = await buildManifest(await openSources(["rows.txt"], { baseDir: tmp.dir }), { out, threads: 1, private: isPrivate });
      expect(report.shardCount).to.equal(2);
      const samples: MemorySample[] = lines.map((line, i) => ({ hash: sha(Buffer.from(line)), id: `rows.txt:${i + 1}`, bytes: line.length }));
      const header = JSON.parse(readFileSync(path.join(out, "header.json"), "utf8")) as { sources: never[] };
      const built = await buildManifestInMemory(samples, { sources: header.sources, private: isPrivate, sha256: webSha256 });
      const cli = filesUnder(out);
      expect([...built.files.keys()].sort()).to.deep.equal([...cli.keys()].sort());
      for (const [name, bytes] of cli) expect(Buffer.from(built.files.get(name)!).equals(Buffer.from(bytes)), name).to.equal(true);
      expect((await importFiles(built.files, { sha256: webSha256 })).cid.toString()).to.equal((await importPath(out)).cid.toString());
    }
  });

  it("makes a CAR whose blocks are the directory's, readable back file by file", async () => {
    const samples: MemorySample[] = ["one", "two", "three"].map((s, i) => ({ hash: sha(Buffer.from(s)), id: `d/${i}`, bytes: s.length }));
    const built = await buildManifestInMemory(samples, { sources: [], sha256: webSha256 });
    const blocks = new MemoryBlockSource();
    const collected: Array<{ cid: import("../../src/storage/cid.js").AnyCid; bytes: Uint8Array }> = [];
    const imported = await importFiles(built.files, {
      sha256: webSha256,
      onBlock: (b) => {
        collected.push(b);
        blocks.sink(b);
      },
    });
    const car = encodeCar(imported.cid, collected);
    const summary = await verifyCarStream(
      (async function* () {
        yield car;
      })(),
      { where: "the test CAR", expectedRoot: imported.cid },
    );
    expect(summary.blocks).to.equal(new Set(collected.map((b) => b.cid.toString())).size);
    const reader = await ManifestReader.open(async (file) => readDagFile(blocks, (await resolvePath(blocks, imported.cid, file)).cid));
    expect(reader.header.root).to.equal(built.header.root);
    expect((await reader.proveSample(sha(Buffer.from("two")))).kind).to.equal("member");
  });

  it("refuses an empty sample list and a hash that is not 32 bytes", async () => {
    let error: unknown;
    try {
      await buildManifestInMemory([], { sources: [], sha256: webSha256 });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.include("without samples");
    error = undefined;
    try {
      await buildManifestInMemory([{ hash: new Uint8Array(31), id: "x", bytes: 1 }], { sources: [], sha256: webSha256 });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.include("32 bytes");
  });
});
