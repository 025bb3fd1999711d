import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";

import { buildManifest } from "../../src/engine/build-manifest.js";
import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources, type OpenSourcesOptions } from "../../src/sources/open-sources.js";
import { findSampleBytes } from "../../src/sources/sample-lookup.js";
import { SourceError } from "../../src/sources/source-error.js";
import { TarSource } from "../../src/sources/tar-source.js";
import { groupedBytes, splitKey } from "../../src/sources/webdataset-sample.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { errorOf, expectedRoot, python, pythonTar, seeded, sha256, systemTar } from "../fixtures/source-fixtures.js";

const SEED = 1515;

/** Hashes the sources; returns id → SHA-256 hex, and the warnings. */
async function hashIds(paths: string[], options: OpenSourcesOptions & { threads?: number; slotBytes?: number }): Promise<{ ids: Map<string, string>; warnings: string[] }> {
  const sources = await openSources(paths, options);
  const ids = new Map<string, string>();
  await hashSources(sources, {
    threads: options.threads ?? 0,
    slotBytes: options.slotBytes,
    onBatch: (h) => {
      for (let i = 0; i < h.batch.count; i++) {
        const id = h.batch.ids![i]!;
        expect(ids.has(id), `id ${id} given twice`).to.equal(false);
        ids.set(id, Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex"));
      }
    },
  });
  return { ids, warnings: sources.flatMap((s) => [...(s.warnings ?? [])]) };
}

describe("tar (WebDataset) source", function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  /** The regular, non-hidden files of the fixture tree, relative path → content. */
  let files: Map<string, Uint8Array>;
  const longName = `sub/${"long-directory-name-".repeat(4)}/${"x".repeat(120)}.jpg`;

  before(() => {
    console.log(`      (seed ${SEED})`);
  });

  beforeEach(() => {
    ({ dir, cleanup } = tempDir("tar"));
    const rng = seeded(SEED);
    files = new Map<string, Uint8Array>([
      ["a.jpg", rng.bytes(3000)],
      ["a.txt", new TextEncoder().encode("a cat on a mat")],
      ["a.json", new TextEncoder().encode('{"width":10}')],
      ["b.jpg", rng.bytes(70_000)],
      ["b.txt", new TextEncoder().encode("a dog")],
      ["empty.txt", new Uint8Array(0)],
      [longName, rng.bytes(1234)],
      ["ünïcödé.txt", new TextEncoder().encode("non-ASCII name")],
    ]);
    const tree: Record<string, Uint8Array | string> = { "d/.hidden.txt": "hidden", "d/.cache/x.bin": "cached" };
    for (const [rel, content] of files) tree[`d/${rel}`] = content;
    writeTree(dir, tree);
    symlinkSync("a.jpg", path.join(dir, "d", "link.jpg"));
    linkSync(path.join(dir, "d", "a.jpg"), path.join(dir, "d", "hard.jpg"));
    mkdirSync(path.join(dir, "d", "emptydir"));
  });
  afterEach(() => cleanup());

  const expected = (prefix: string, only: (rel: string) => boolean = () => true): Map<string, string> =>
    new Map([...files].filter(([rel]) => only(rel)).map(([rel, content]) => [`${prefix}/${rel}`, sha256(content)]));

  for (const format of ["gnu", "pax"] as const) {
    it(`reads a shard written by the system tar (${format} format, ./ prefixes, a long name, a directory, a symbolic and a hard link) with every member file a sample`, async () => {
      systemTar(path.join(dir, "d"), ["--sort=name", `--format=${format}`, "-cf", path.join(dir, "sys.tar"), "."]);
      const listing = execFileSync("tar", ["-tvf", path.join(dir, "sys.tar")], { encoding: "utf8" });
      expect(listing).to.match(/^h.* \.\/hard\.jpg link to \.\/a\.jpg$/mu); // the hard link really is a link entry
      expect(listing).to.match(/^l.* \.\/link\.jpg -> a\.jpg$/mu);
      for (const threads of [0, 2]) {
        const { ids, warnings } = await hashIds(["sys.tar"], { baseDir: dir, threads });
        expect(ids).to.deep.equal(expected("sys.tar"));
        expect(warnings).to.deep.equal(["skipped 2 link entries in sys.tar (symbolic and hard links inside a tar are not samples)"]);
      }
    });
  }

  it("gives the root of the Merkle tree over the members' SHA-256, with one-off slots for members larger than a slot", async () => {
    systemTar(path.join(dir, "d"), ["--sort=name", "-cf", path.join(dir, "sys.tar"), "."]);
    const want = expectedRoot(expected("sys.tar").values());
    for (const slotBytes of [4096, 65_536, 4 * 1024 * 1024]) {
      const report = await buildManifest(await openSources(["sys.tar"], { baseDir: dir }), { out: path.join(dir, `m-${slotBytes}`), threads: 2, slotBytes });
      expect(report.root, `slot ${slotBytes}`).to.equal(want.root);
      expect(report.leafCount).to.equal(want.leafCount);
      expect(report.sampleCount).to.equal(files.size);
    }
  });

  it("gives every member the same hash whether the workers read it (pieces of 1 MiB, members larger than a piece or a slot) or the main thread does", async () => {
    const rng = seeded(SEED + 7);
    const MiB = 1024 * 1024;
    const sizes = [0, 10, MiB - 1, MiB, MiB + 1, 700_000, 5, 3 * MiB + 17, 5 * MiB, 1, 400_000, 400_000, 400_000];
    const members = sizes.map((size, i) => ({ name: `${String(i).padStart(3, "0")}.bin`, data: rng.bytes(size) }));
    pythonTar(path.join(dir, "big.tar"), members, "pax");
    const want = new Map(members.map((m) => [`big.tar/${m.name}`, sha256(m.data)]));
    for (const threads of [0, 2]) {
      for (const slotBytes of [undefined, 2 * MiB, 65_536]) {
        const { ids } = await hashIds(["big.tar"], { baseDir: dir, threads, slotBytes });
        expect(ids, `threads ${threads}, slot ${slotBytes ?? "default"}`).to.deep.equal(want);
      }
    }
    // The main-thread reading (sample lookup, training data) gives the same bytes.
    const [source] = await openSources(["big.tar"], { baseDir: dir });
    for (const id of ["big.tar/007.bin", "big.tar/008.bin", "big.tar/003.bin"]) {
      expect(sha256(await findSampleBytes(source!, id) ?? new Uint8Array(0))).to.equal(want.get(id));
    }
  });

  it("reads a gzip'd shard (system tar -z) the same way", async () => {
    systemTar(path.join(dir, "d"), ["--sort=name", "-czf", path.join(dir, "sys.tgz"), "."]);
    for (const threads of [0, 2]) {
      const { ids } = await hashIds(["sys.tgz"], { baseDir: dir, threads, slotBytes: 8192 });
      expect(ids).to.deep.equal(expected("sys.tgz"));
    }
  });

  for (const format of ["pax", "gnu", "ustar"] as const) {
    for (const gzip of [false, true]) {
      it(`reads a shard written by Python's tarfile (${format}${gzip ? ", gzip" : ""}): pax headers, long names, directory, symlink and hard-link entries`, async () => {
        const rng = seeded(SEED + 1);
        const deep = format === "ustar" ? "d1/d2/n.bin" : `${"deep/".repeat(30)}name-with-ünïcödé-${"y".repeat(80)}.bin`;
        const content = new Map<string, Uint8Array>([
          ["top.jpg", rng.bytes(5000)],
          [deep, rng.bytes(600)],
          ["dir/inner.txt", new TextEncoder().encode("inner")],
          ["zero.bin", new Uint8Array(0)],
        ]);
        const file = path.join(dir, gzip ? "py.tar.gz" : "py.tar");
        pythonTar(
          file,
          [
            { name: "dir", dir: true },
            { name: "top.jpg", data: content.get("top.jpg")! },
            { name: deep, data: content.get(deep)! },
            { name: "dir/inner.txt", data: content.get("dir/inner.txt")! },
            { name: "sym.jpg", symlink: "top.jpg" },
            { name: "hard.jpg", hardlink: "top.jpg" },
            { name: "zero.bin", data: content.get("zero.bin")! },
            { name: ".hidden/secret.txt", data: new TextEncoder().encode("secret") },
          ],
          format,
          gzip,
        );
        const name = path.basename(file);
        const { ids, warnings } = await hashIds([name], { baseDir: dir, threads: 2, slotBytes: 1024 });
        expect(ids).to.deep.equal(new Map([...content].map(([rel, data]) => [`${name}/${rel}`, sha256(data)])));
        expect(warnings).to.deep.equal([`skipped 2 link entries in ${name} (symbolic and hard links inside a tar are not samples)`]);
      });
    }
  }

  it("skips hidden members unless --hidden, and applies include/exclude globs to member paths", async () => {
    systemTar(path.join(dir, "d"), ["--sort=name", "-cf", path.join(dir, "sys.tar"), "."]);
    const hidden = await hashIds(["sys.tar"], { baseDir: dir, includeHidden: true });
    expect(hidden.ids.get("sys.tar/.hidden.txt")).to.equal(sha256("hidden"));
    expect(hidden.ids.get("sys.tar/.cache/x.bin")).to.equal(sha256("cached"));
    expect(hidden.ids.size).to.equal(files.size + 2);
    const jpgs = await hashIds(["sys.tar"], { baseDir: dir, include: ["*.jpg"], exclude: ["sub"] });
    expect(jpgs.ids).to.deep.equal(expected("sys.tar", (rel) => rel.endsWith(".jpg") && !rel.startsWith("sub/")));
  });

  it("reads every shard of a directory in path order, ids naming the shard, and ignores other files and hidden shards", async () => {
    const shards = path.join(dir, "shards");
    mkdirSync(path.join(shards, "nested"), { recursive: true });
    systemTar(path.join(dir, "d"), ["--sort=name", "-cf", path.join(shards, "00000.tar"), "a.jpg", "a.txt"]);
    systemTar(path.join(dir, "d"), ["--sort=name", "-czf", path.join(shards, "00001.tar.gz"), "b.jpg"]);
    systemTar(path.join(dir, "d"), ["--sort=name", "-cf", path.join(shards, "nested", "00002.tgz"), "empty.txt"]);
    execFileSync("gzip", ["-f", path.join(shards, "nested", "00002.tgz")]);
    execFileSync("mv", [path.join(shards, "nested", "00002.tgz.gz"), path.join(shards, "nested", "00002.tgz")]);
    systemTar(path.join(dir, "d"), ["-cf", path.join(shards, ".partial.tar"), "b.txt"]);
    writeFileSync(path.join(shards, "README.md"), "not a shard");
    const source = (await openSources(["shards"], { baseDir: dir, kind: "tar" }))[0] as TarSource;
    expect((await source.shards()).map((s) => s.idPrefix)).to.deep.equal(["shards/00000.tar", "shards/00001.tar.gz", "shards/nested/00002.tgz"]);
    const seen: string[] = [];
    await hashSources([source], { threads: 0, onBatch: (h) => seen.push(...h.batch.ids!) });
    expect(seen).to.deep.equal(["shards/00000.tar/a.jpg", "shards/00000.tar/a.txt", "shards/00001.tar.gz/b.jpg", "shards/nested/00002.tgz/empty.txt"]);
  });

  describe("--group-by-key", () => {
    it("splits member paths into WebDataset key and extension as webdataset does", () => {
      expect(splitKey("000123.jpg")).to.deep.equal({ key: "000123", extension: "jpg" });
      expect(splitKey("dir.v2/a.seg.png")).to.deep.equal({ key: "dir.v2/a", extension: "seg.png" });
      expect(splitKey("noext")).to.equal(undefined);
      expect(splitKey("a/noext")).to.equal(undefined);
    });

    it("makes one sample per key: members sorted by extension, each with its lengths — the same bytes as the documented Python one-liner", async () => {
      const rng = seeded(SEED + 2);
      const keys = [
        ["000", [["jpg", rng.bytes(2000)], ["txt", new TextEncoder().encode("caption 0")], ["json", new TextEncoder().encode("{}")]]],
        ["001", [["txt", new TextEncoder().encode("caption 1")], ["cls", new TextEncoder().encode("7")], ["jpg", rng.bytes(100)]]],
        ["sub/002", [["seg.png", rng.bytes(300)], ["png", rng.bytes(10)]]],
        ["003", [["bin", new Uint8Array(0)]]],
      ] as const;
      pythonTar(
        path.join(dir, "wds.tar"),
        keys.flatMap(([key, members]) => members.map(([ext, data]) => ({ name: `${key}.${ext}`, data }))),
        "pax",
      );
      // The reference: the one-liner of docs/sources.md, run by Python on the same members.
      const reference = JSON.parse(
        python(
          `
import hashlib, json, struct, sys
keys = json.load(sys.stdin)
out = {}
for key, items in keys:
    members = [(e.encode(), bytes.fromhex(d)) for e, d in items]
    sample = b"".join(struct.pack(">I", len(e)) + e + struct.pack(">Q", len(d)) + d for e, d in sorted(members))
    out[key] = hashlib.sha256(sample).hexdigest()
print(json.dumps(out))
`,
          JSON.stringify(keys.map(([key, members]) => [key, members.map(([ext, data]) => [ext, Buffer.from(data).toString("hex")])])),
        ),
      ) as Record<string, string>;
      for (const [key, members] of keys) {
        expect(sha256(groupedBytes(members.map(([extension, data]) => ({ extension, data })))), key).to.equal(reference[key]);
      }
      for (const threads of [0, 2]) {
        const { ids } = await hashIds(["wds.tar"], { baseDir: dir, groupByKey: true, threads, slotBytes: 1024 });
        expect(ids).to.deep.equal(new Map(Object.entries(reference).map(([key, hash]) => [`wds.tar/${key}`, hash])));
      }
      execFileSync("gzip", ["-k", path.join(dir, "wds.tar")]);
      const { ids } = await hashIds(["wds.tar.gz"], { baseDir: dir, groupByKey: true, threads: 2 });
      expect([...ids.values()].sort()).to.deep.equal(Object.values(reference).sort());
    });

    it("refuses a key whose files are not consecutive, a member without extension, and two files of one key with the same extension", async () => {
      const cases: Array<[string, Array<[string, string]>, RegExp]> = [
        ["split.tar", [["a.jpg", "1"], ["b.jpg", "2"], ["a.txt", "3"]], /files of key a are not consecutive \(a\.txt comes after other keys\)/u],
        ["noext.tar", [["a.jpg", "1"], ["README", "2"]], /member README has no extension.*--exclude/su],
        ["twice.tar", [["a.jpg", "1"], ["a.jpg", "2"]], /holds member a\.jpg twice/u],
      ];
      for (const [name, members, message] of cases) {
        pythonTar(path.join(dir, name), members.map(([n, d]) => ({ name: n, data: new TextEncoder().encode(d) })), "pax");
        const error = await errorOf(hashIds([name], { baseDir: dir, groupByKey: true }));
        expect(error, name).to.be.instanceOf(SourceError);
        expect(error.message, name).to.match(message);
      }
    });
  });

  describe("bad shards", () => {
    it("refuses a member path given twice (its id would be ambiguous)", async () => {
      pythonTar(path.join(dir, "dup.tar"), [{ name: "x.bin", data: new Uint8Array([1]) }, { name: "./x.bin", data: new Uint8Array([2]) }], "pax");
      const error = await errorOf(hashIds(["dup.tar"], { baseDir: dir }));
      expect(error.message).to.match(/^dup\.tar holds member x\.bin twice, so its sample id would be ambiguous\. Repack/u);
    });

    it("names the shard when it is truncated inside a member, plain or gzip'd", async () => {
      systemTar(path.join(dir, "d"), ["--sort=name", "-cf", path.join(dir, "cut.tar"), "b.jpg", "a.txt"]);
      truncateSync(path.join(dir, "cut.tar"), 40_000);
      let error = await errorOf(hashIds(["cut.tar"], { baseDir: dir }));
      expect(error).to.be.instanceOf(SourceError);
      expect(error.message).to.match(/^Cannot read shard cut\.tar: Unexpected end of data.*download the shard again/su);
      systemTar(path.join(dir, "d"), ["--sort=name", "-czf", path.join(dir, "cut.tgz"), "b.jpg"]);
      truncateSync(path.join(dir, "cut.tgz"), Math.floor(statSync(path.join(dir, "cut.tgz")).size / 2));
      error = await errorOf(hashIds(["cut.tgz"], { baseDir: dir }));
      expect(error.message).to.match(/^Cannot read shard cut\.tgz: .*The gzip stream or the tar inside it is damaged or truncated/su);
    });

    it("refuses a file that is not a tar", async () => {
      writeFileSync(path.join(dir, "fake.tar"), seeded(SEED + 3).bytes(2048));
      const error = await errorOf(hashIds(["fake.tar"], { baseDir: dir }));
      expect(error.message).to.match(/^Cannot read shard fake\.tar: Invalid tar header.*Is it a tar file\?/su);
    });

    it("refuses a GNU sparse member (its stored bytes are not the file's content)", async () => {
      const sparse = path.join(dir, "d", "sparse.bin");
      const fd = openSync(sparse, "w");
      writeSync(fd, Buffer.from("end"), 0, 3, 3 * 1024 * 1024);
      closeSync(fd);
      systemTar(path.join(dir, "d"), ["--sparse", "--format=gnu", "-cf", path.join(dir, "sparse.tar"), "sparse.bin"]);
      expect(String.fromCharCode(readFileSync(path.join(dir, "sparse.tar"))[156]!)).to.equal("S"); // GNU tar wrote a sparse entry
      const error = await errorOf(hashIds(["sparse.tar"], { baseDir: dir }));
      expect(error.message).to.match(/member sparse\.bin has a tar entry type that is not supported \(a GNU sparse file/u);
    });

    it("says a shard without any member file holds no samples", async () => {
      pythonTar(path.join(dir, "dirs.tar"), [{ name: "only-a-dir", dir: true }, { name: ".hidden", data: new Uint8Array([1]) }], "pax");
      const error = await errorOf(hashIds(["dirs.tar"], { baseDir: dir }));
      expect(error.message).to.match(/^dirs\.tar contains no samples: no member file left .*without --hidden/u);
    });
  });

  it("records kind tar and its options in the manifest header", async () => {
    systemTar(path.join(dir, "d"), ["--sort=name", "-cf", path.join(dir, "sys.tar"), "a.jpg"]);
    const report = await buildManifest(await openSources(["sys.tar"], { baseDir: dir, groupByKey: true }), { out: path.join(dir, "m"), threads: 0 });
    const header = JSON.parse(readFileSync(path.join(report.manifestDir, "header.json"), "utf8"));
    expect(header.sources).to.deep.equal([
      { kind: "tar", name: "sys.tar", options: { include: [], exclude: [], includeHidden: false, followSymlinks: false, groupByKey: true } },
    ]);
  });
});
