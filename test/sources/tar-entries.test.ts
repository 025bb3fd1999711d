/**
 * One tar walk for every shard: a plain shard is walked in place
 * (tar-source.ts), a gzip'd one streamed (tar-entries.ts), both through the
 * same header walk (tar-headers.ts). These tests hash the same archive plain
 * and gzip'd, per member and per key, and expect the same samples, or the
 * same refusal: on archives
 * written by Python's tarfile (pax, GNU, ustar: long names, directories,
 * symbolic and hard links) and by the system tar, on seeded corruptions of
 * their headers, and on a crafted shard that tar-stream's `extract` (the
 * gzip path before) read differently from the walk.
 */
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources } from "../../src/sources/open-sources.js";
import { tarEntriesWithData } from "../../src/sources/tar-entries.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { pythonTar, seeded, systemTar } from "../fixtures/source-fixtures.js";

const SEED = 2626;

/** A tar header block, checksum included; `size` "null" writes a base-256 size field tar-stream decodes as null. */
function header(name: string, size: number | "null", type: string): Uint8Array {
  const block = new Uint8Array(512);
  const put = (text: string, at: number): void => block.set(new TextEncoder().encode(text), at);
  put(name, 0);
  put("0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  if (size === "null") block[124] = 0xc2;
  else put(`${size.toString(8).padStart(11, "0")}\0`, 124);
  put("00000000000\0", 136);
  put(type, 156);
  put("ustar\u000000", 257);
  block.fill(32, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

/** Hashes one shard per member (or per key); its ids (shard name normalized to x.tar) and SHA-256 hex, or the refusal's reason. */
async function outcome(file: string, groupByKey: boolean): Promise<string> {
  try {
    const ids: string[] = [];
    const sources = await openSources([file], { baseDir: path.dirname(file), kind: "tar", includeHidden: !groupByKey, groupByKey });
    await hashSources(sources, {
      threads: 0,
      onBatch: (h) => {
        for (let i = 0; i < h.batch.count; i++) ids.push(`${h.batch.ids![i]!} ${Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex")}`);
      },
    });
    return ids.join("\n").replaceAll("x.tar.gz/", "x.tar/");
  } catch (error) {
    // The shard's name and the hint after the reason differ between plain and gzip'd shards; the reason must not.
    return `refused: ${(error as Error).message
      .replaceAll("x.tar.gz", "x.tar")
      .replace(/\. (Is it a tar file\?|The gzip stream or the tar inside).*$/su, "")}`;
  }
}

describe("sources: one tar walk, plain or gzip'd", function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;

  before(() => console.log(`      (seed ${SEED})`));
  beforeEach(() => ({ dir, cleanup } = tempDir("tar-entries")));
  afterEach(() => cleanup());

  /**
   * Writes `bytes` as x.tar and as x.tar.gz; returns both outcomes, per
   * member and, joined after them, per key (`--group-by-key`: the plain
   * shard read by the workers from the file, the gzip'd one streamed).
   */
  async function both(bytes: Uint8Array): Promise<{ plain: string; gzip: string }> {
    writeFileSync(path.join(dir, "x.tar"), bytes);
    writeFileSync(path.join(dir, "x.tar.gz"), gzipSync(bytes, { level: 1 }));
    const of = async (file: string): Promise<string> => `${await outcome(file, false)}\n--- per key ---\n${await outcome(file, true)}`;
    return { plain: await of(path.join(dir, "x.tar")), gzip: await of(path.join(dir, "x.tar.gz")) };
  }

  it("refuses, plain or gzip'd, a pax record whose size decodes as null, on a shard crafted so that tar-stream's extract read other members (b.txt, fake.txt)", async () => {
    // After the null-size record, extract swallowed 1,000 bytes after b.txt's data as that record and read a header planted
    // there (fake.txt), where a tar reader finds the padding, then h.txt.
    const planted = new Uint8Array(1024);
    planted.set(header("fake.txt", 0, "0"), 1000 - 512);
    const archive = Buffer.concat([
      header("pax", "null", "x"),
      header("b.txt", 1000, "0"),
      new Uint8Array(1000).fill(66),
      new Uint8Array(24),
      header("h.txt", 1024, "0"),
      planted,
      // End-of-archive zeros, cut to end on a block boundary of extract's framing.
      new Uint8Array(1000),
    ]);
    const { plain, gzip } = await both(archive);
    const refusal = "refused: Cannot read shard x.tar: Invalid header\n--- per key ---\nrefused: Cannot read shard x.tar: Invalid header";
    expect({ plain, gzip }).to.deep.equal({ plain: refusal, gzip: refusal });
    for (const file of ["x.tar", "x.tar.gz"]) {
      const names: string[] = [];
      const error = await (async () => {
        for await (const entry of tarEntriesWithData(path.join(dir, file), file.endsWith(".gz"))) names.push(entry.info.name);
      })().then(
        () => "accepted",
        (e: unknown) => (e as Error).message,
      );
      expect({ file, names, error }).to.deep.equal({ file, names: [], error: "Invalid header" });
    }
  });

  it("gives the same samples, or the same refusal, plain or gzip'd: Python (pax, GNU, ustar) and system tar archives, and seeded corruptions of their headers", async () => {
    const rng = seeded(SEED);
    const data = (n: number): Uint8Array => rng.bytes(n);
    const long = `deep/${"directory-".repeat(12)}/${"n".repeat(130)}.jpg`;
    const entries = [
      { name: "000001.jpg", data: data(3000) },
      { name: "000001.txt", data: new TextEncoder().encode("a cat") },
      { name: "dir", dir: true as const },
      { name: "dir/000002.jpg", data: data(700) },
      { name: "dir/empty.txt", data: new Uint8Array(0) },
      { name: long, data: data(1500) },
      { name: "ünïcödé.json", data: new TextEncoder().encode('{"a":1}') },
      { name: "link.jpg", symlink: "000001.jpg" },
      { name: "hard.jpg", hardlink: "000001.jpg" },
      { name: ".hidden.txt", data: new TextEncoder().encode("hidden") },
    ];
    const archives = new Map<string, Uint8Array>();
    for (const format of ["pax", "gnu", "ustar"] as const) {
      const file = path.join(dir, `py-${format}.tar`);
      // ustar cannot hold the long name: leave it out there.
      pythonTar(file, format === "ustar" ? entries.filter((e) => e.name !== long) : entries, format);
      archives.set(`python ${format}`, readFileSync(file));
    }
    writeTree(dir, { "src/a.jpg": data(5000), "src/b/c.txt": "caption", "src/.d": "dot" });
    systemTar(path.join(dir, "src"), ["-cf", path.join(dir, "system.tar"), "."]);
    archives.set("system tar", readFileSync(path.join(dir, "system.tar")));

    let refused = 0;
    let mutations = 0;
    for (const [label, archive] of archives) {
      const whole = await both(archive);
      expect(whole.plain, `${label}: hashed`).to.not.match(/^refused/mu);
      expect(whole.gzip, label).to.equal(whole.plain);
      // Header blocks: every 512-byte block a walk reads as a header or record (not member data).
      const headerBlocks: number[] = [];
      for await (const { info } of tarEntriesWithData(path.join(dir, "x.tar"), false)) headerBlocks.push(info.dataOffset - 512);
      for (let n = 0; n < 60; n++) {
        const mutated = Uint8Array.from(archive);
        const block = headerBlocks[rng.int(headerBlocks.length)]!;
        // A byte of the size, type, checksum, magic or name fields, or anywhere in the block; or cut the archive.
        const choice = rng.int(6);
        if (choice === 5) {
          const cut = mutated.subarray(0, block + rng.int(archive.length - block));
          const result = await both(cut);
          expect(result.gzip, `${label}, cut at ${cut.length}`).to.equal(result.plain);
          if (result.plain.startsWith("refused")) refused++;
          mutations++;
          continue;
        }
        const at = block + [124 + rng.int(12), 156, 148 + rng.int(8), 257 + rng.int(8), rng.int(100), rng.int(512)][choice]!;
        mutated[at] = [0, 0x30, 0x37, 0x78, 0x4c, 0x80, 0xff, 0xc2, 0x20, rng.int(256)][rng.int(10)]!;
        const result = await both(mutated);
        expect(result.gzip, `${label}, byte ${at} set to ${mutated[at]}`).to.equal(result.plain);
        if (result.plain.startsWith("refused")) refused++;
        mutations++;
      }
    }
    expect(refused, "mutations refused by both").to.be.greaterThan(20);
    expect(mutations - refused, "mutations both accepted").to.be.greaterThan(20);
  });
});
