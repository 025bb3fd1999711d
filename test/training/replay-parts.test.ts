import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { toHex } from "../../src/hash/hex.js";
import { buildManifest } from "../../src/engine/build-manifest.js";
import { directoryReader } from "../../src/manifest/manifest-file-reader.js";
import { ManifestReader } from "../../src/manifest/manifest-reader.js";
import { openSources } from "../../src/sources/open-sources.js";
import { compareCheckpoints, parseSafetensors } from "../../src/training/checkpoint-compare.js";
import { fillCommandTemplate, parseCommandTemplate, splitCommandLine } from "../../src/training/command-template.js";
import { collectSamples } from "../../src/training/data-samples.js";
import { batchSamplesRoot, distinctSampleCount } from "../../src/training/batch-membership.js";
import { blobLiteral, duckdb, pythonTar, seeded, sha256 } from "../fixtures/source-fixtures.js";

/** A safetensors file with the given F64 or F32 tensors. */
function safetensors(tensors: Record<string, { dtype: "F64" | "F32" | "F16"; values: number[] }>): Buffer {
  const header: Record<string, unknown> = {};
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.dtype === "F64" ? 8 : t.dtype === "F32" ? 4 : 2;
    const b = Buffer.alloc(t.values.length * size);
    t.values.forEach((v, i) => (t.dtype === "F64" ? b.writeDoubleLE(v, i * 8) : t.dtype === "F32" ? b.writeFloatLE(v, i * 4) : b.writeUInt16LE(v, i * 2)));
    header[name] = { dtype: t.dtype, shape: [t.values.length], data_offsets: [offset, offset + b.length] };
    offset += b.length;
    parts.push(b);
  }
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, ...parts]);
}

describe("segment replay parts", () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-replay-parts-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("splits a trainer command like a shell (quotes, escapes), without expanding anything, and fills placeholders per argument", () => {
    expect(splitCommandLine(`python3 'my dir/train.py' --out "{out}" a\\ b "x\\"y" '' $HOME`)).to.deep.equal(["python3", "my dir/train.py", "--out", "{out}", "a b", 'x"y', "", "$HOME"]);
    expect(() => splitCommandLine("python3 'oops")).to.throw(/unterminated ' quote/);
    const t = parseCommandTemplate("t --from {checkpoint} --steps {from}..{to} --out={out} --seed {seed}");
    const argv = fillCommandTemplate(t, { checkpoint: "/c p/x; rm -rf /", from: "2", to: "4", out: "/o", data: "/d", config: "/c", seed: "7" });
    expect(argv).to.deep.equal(["t", "--from", "/c p/x; rm -rf /", "--steps", "2..4", "--out=/o", "--seed", "7"]);
    expect(() => parseCommandTemplate("")).to.throw(/empty/);
  });

  it("reads safetensors (F64, F32, F16) and compares checkpoints weight by weight", async () => {
    const parsed = parseSafetensors(safetensors({ w: { dtype: "F32", values: [1.5, -2] }, h: { dtype: "F16", values: [0x3c00, 0xc000] } }), "x");
    expect([...parsed.get("w")!.values]).to.deep.equal([1.5, -2]);
    expect([...parsed.get("h")!.values]).to.deep.equal([1, -2]);
    expect(() => parseSafetensors(Buffer.from([1, 2, 3]), "bad.safetensors")).to.throw(/bad.safetensors is not a safetensors file/);
    const a = path.join(root, "a");
    const b = path.join(root, "b");
    const c = path.join(root, "c");
    for (const [dir, values] of [[a, [1, 2, 3]], [b, [1, 2.0000005, 3]], [c, [1, 2]]] as const) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "model.safetensors"), safetensors({ w: { dtype: "F64", values: [...values] } }));
    }
    const d = await compareCheckpoints(a, b);
    expect(d.weights).to.equal(3);
    expect(Math.abs(d.maxAbsDifference - 5e-7)).to.be.lessThan(1e-12); // not closeTo: the ethers chai matchers loaded by the full suite take it for a bigint matcher
    expect((await compareCheckpoints(a, c)).mismatch).to.match(/tensor model.safetensors:w is F64\[3\] vs F64\[2\]/);
  });

  it("reads --data samples with the same boundaries as dataset hash (lines of a .jsonl file), keeping only the wanted hashes", async () => {
    const file = path.join(root, "samples.jsonl");
    writeFileSync(file, ['{"a":1}', '{"a":2}', '{"a":3}', ""].join("\n"));
    const report = await buildManifest(await openSources([file]), { manifestsDir: path.join(root, "manifests"), threads: 1 });
    const reader = await ManifestReader.open(directoryReader(report.manifestDir));
    const shard = await reader.shard(0);
    const hashes = Array.from({ length: 3 }, (_, i) => toHex(shard.subarray(i * 32, i * 32 + 32)));
    const all = await collectSamples([file], new Set(hashes));
    expect(all.scanned).to.equal(3);
    expect([...all.byHash.keys()].sort()).to.deep.equal(hashes);
    const one = await collectSamples([file], new Set([hashes[1]!]));
    expect([...one.byHash.keys()]).to.deep.equal([hashes[1]]);
  });

  it("reads --data samples from Parquet (--column of an HF image struct with a null, and of a binary column the workers decode, several row groups) and tar shards: every sample the manifest lists, with its bytes", async () => {
    const rng = seeded(0x7a11);
    const images = Array.from({ length: 300 }, (_, i) => (i === 17 ? null : rng.bytes(10 + rng.int(200))));
    const blobs = images.map(() => rng.bytes(1 + rng.int(300)));
    const values = images.map((b, i) => `(${i}, ${b === null ? "NULL" : `{'bytes': ${blobLiteral(b)}, 'path': 'img-${i}.jpg'}`}, ${blobLiteral(blobs[i]!)})`);
    await duckdb([`COPY (SELECT * FROM (VALUES ${values.join(", ")}) v(id, image, blob) ORDER BY id) TO '${path.join(root, "images.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 128)`]);
    const members = Array.from({ length: 40 }, (_, i) => ({ name: `k${String(i).padStart(3, "0")}.${i % 2 === 0 ? "jpg" : "txt"}`, data: rng.bytes(i === 5 ? 3 << 20 : 1 + rng.int(5000)) }));
    pythonTar(path.join(root, "shard.tar"), members, "pax");
    for (const [source, options, expected] of [
      ["images.parquet", { column: "image" }, images.filter((b): b is Uint8Array => b !== null)],
      ["images.parquet", { column: "blob" }, blobs], // no null: pages decoded as the hashing workers decode them
      ["shard.tar", {}, members.map((m) => m.data)],
    ] as const) {
      const report = await buildManifest(await openSources([source], { baseDir: root, ...options }), { manifestsDir: path.join(root, `m-${source}-${"column" in options ? options.column : ""}`), threads: 2 });
      const reader = await ManifestReader.open(directoryReader(report.manifestDir));
      const hashes: string[] = [];
      for (let s = 0; s < reader.header.shardCount; s++) {
        const shard = await reader.shard(s);
        for (let at = 0; at < shard.length; at += 32) hashes.push(toHex(shard.subarray(at, at + 32)));
      }
      const collected = await collectSamples([source], new Set(hashes), { baseDir: root, ...options });
      expect(collected.scanned, source).to.equal(expected.length);
      expect([...collected.byHash.keys()].sort(), source).to.deep.equal([...new Set(expected.map((b) => `0x${sha256(b)}`))].sort());
      for (const bytes of expected) expect(Buffer.from(collected.byHash.get(`0x${sha256(bytes)}`)!).equals(Buffer.from(bytes)), source).to.equal(true);
    }
  });

  it("commits a root-only batch with the dataset scheme's root over its distinct sorted hashes", () => {
    const h = (b: number) => `0x${b.toString(16).padStart(2, "0").repeat(32)}`;
    expect(batchSamplesRoot([h(3), h(1), h(2), h(1)])).to.equal(batchSamplesRoot([h(1), h(2), h(3)]));
    expect(batchSamplesRoot([h(1), h(2)])).to.not.equal(batchSamplesRoot([h(1), h(3)]));
    expect(distinctSampleCount([h(3), h(1), h(1)])).to.equal(2);
  });
});
