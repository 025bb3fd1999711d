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
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";

import { extract } from "tar-stream";

import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources } from "../../src/sources/open-sources.js";
import { tarEntriesWithData } from "../../src/sources/tar-entries.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { python, pythonTar, seeded, systemTar } from "../fixtures/source-fixtures.js";

const SEED = 2626;

interface HeaderFields {
  /** A number, "null" (a base-256 size field tar-stream decodes as null) or the raw field bytes. */
  size?: number | "null" | string;
  type?: string;
  mode?: string;
  linkname?: string;
  /** Bytes at 345: the ustar prefix, or what a GNU-format header must leave zero. */
  at345?: string;
  gnu?: boolean;
}

/** A tar header block, checksum included. */
function header(name: string | Uint8Array, type: string, fields?: HeaderFields): Uint8Array;
function header(name: string | Uint8Array, size: number | "null", type: string): Uint8Array;
function header(name: string | Uint8Array, a: string | number, b: string | HeaderFields = {}): Uint8Array {
  const fields: HeaderFields = typeof b === "string" ? { size: a as number | "null", type: b } : { type: a as string, ...b };
  const block = new Uint8Array(512);
  const put = (text: string | Uint8Array, at: number): void => block.set(typeof text === "string" ? Buffer.from(text, "latin1") : text, at);
  put(name, 0);
  put(fields.mode ?? "0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  const size = fields.size ?? 0;
  if (size === "null") block[124] = 0xc2;
  else if (typeof size === "string") put(size, 124);
  else put(`${size.toString(8).padStart(11, "0")}\0`, 124);
  put("00000000000\0", 136);
  put(fields.type ?? "0", 156);
  if (fields.linkname !== undefined) put(fields.linkname, 157);
  put(fields.gnu === true ? "ustar  \0" : "ustar\u000000", 257);
  if (fields.at345 !== undefined) put(fields.at345, 345);
  block.fill(32, 148, 156);
  const sum = block.reduce((x, y) => x + y, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

const padded = (data: Uint8Array): Uint8Array => Buffer.concat([data, new Uint8Array((512 - (data.length % 512)) % 512)]);
const text = (value: string): Uint8Array => Buffer.from(value, "utf8");
/** A member: header and padded data. */
const member = (name: string, data: Uint8Array, fields: HeaderFields = {}): Uint8Array[] => [header(name, fields.type ?? "0", { ...fields, size: fields.size ?? data.length }), padded(data)];
/** A pax ("x", "g") or GNU long-name ("L", "K", "N") record. */
const record = (type: string, body: Uint8Array): Uint8Array[] => [header(type === "x" || type === "g" ? "PaxHeader" : "././@LongLink", type, { size: body.length }), padded(body)];
/** A pax record body with correct lengths. */
function pax(pairs: ReadonlyArray<readonly [string, string]>): Uint8Array {
  let out = "";
  for (const [key, value] of pairs) {
    const rest = ` ${key}=${value}\n`;
    const bytes = Buffer.byteLength(rest);
    let digits = String(bytes).length;
    while (String(bytes + digits).length !== digits) digits++;
    out += `${bytes + digits}${rest}`;
  }
  return text(out);
}
const END = new Uint8Array(1024);
const bytesOf = (n: number, fill = 0x41): Uint8Array => new Uint8Array(n).fill(fill);
/** 1,024 bytes of data holding a valid header of `planted.txt` at 512: what one reader may take for a member. */
const withPlanted = (): Uint8Array => Buffer.concat([bytesOf(512), header("planted.txt", "0", { size: 0 })]);

/** Members as tar-stream's extract reads the archive: name and size, or its error (or "hung" after 2 s). */
async function tarStreamReading(bytes: Uint8Array): Promise<string> {
  const names: string[] = [];
  const ex = extract();
  const reading = (async (): Promise<string> => {
    try {
      Readable.from([Buffer.from(bytes)]).pipe(ex as unknown as NodeJS.WritableStream);
      for await (const entry of ex) {
        names.push(`${entry.header.name}:${entry.header.size}`);
        for await (const chunk of entry as unknown as AsyncIterable<Buffer>) void chunk;
      }
      return names.join(",");
    } catch (error) {
      return `${names.join(",")} error: ${(error as Error).message}`;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([reading, new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`${names.join(",")} hung`), 2000)))]);
  clearTimeout(timer);
  ex.destroy();
  return result;
}

/** Members as Python's tarfile reads each archive: name and size, or its error. */
function pythonReadings(files: readonly string[]): string[] {
  const out = python(
    `
import json, sys, tarfile
result = []
for f in json.load(sys.stdin):
    try:
        with tarfile.open(f) as t:
            result.append(",".join(f"{m.name}:{m.size}" for m in t))
    except Exception as e:
        result.append("error: " + type(e).__name__)
print(json.dumps(result))
`,
    JSON.stringify(files),
  );
  return JSON.parse(out) as string[];
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
    // The size field is refused before tar-stream's decoder sees it (a base-256 marker must be 0x80 or 0xff).
    const reason = "refused: Cannot read shard x.tar: Invalid tar header: the size field is not a plain octal number";
    const refusal = `${reason}\n--- per key ---\n${reason}`;
    expect({ plain, gzip }).to.deep.equal({ plain: refusal, gzip: refusal });
    for (const file of ["x.tar", "x.tar.gz"]) {
      const names: string[] = [];
      const error = await (async () => {
        for await (const entry of tarEntriesWithData(path.join(dir, file), file.endsWith(".gz"))) names.push(entry.info.name);
      })().then(
        () => "accepted",
        (e: unknown) => (e as Error).message,
      );
      expect({ file, names, error }).to.deep.equal({ file, names: [], error: "Invalid tar header: the size field is not a plain octal number" });
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
    expect(mutations - refused, "mutations both accepted").to.be.greaterThan(10);
  });

  it("refuses every shard that tar-stream and Python's tarfile read differently (each case checked to be read differently by both), plain or gzip'd", async () => {
    const cases: ReadonlyArray<readonly [string, Uint8Array[], string]> = [
      ["members after the end-of-archive marker", [...member("a.txt", bytesOf(10)), END, ...member("b.txt", bytesOf(10)), END], "data after the end-of-archive marker"],
      ["one zero block between members", [...member("a.txt", bytesOf(10)), new Uint8Array(512), ...member("b.txt", bytesOf(10)), END], "data after the end-of-archive marker"],
      ["an octal size with an underscore (1 byte or 1,000)", [header("a.txt", "0", { size: "0000001_750\0" }), withPlanted(), END], "the size field is not a plain octal number"],
      ["an octal size after NULs", [header("a.txt", "0", { size: "\0\0\0\u00000001750\0" }), withPlanted(), END], "the size field is not a plain octal number"],
      ["a mode that is not a number", [...member("a.txt", bytesOf(10)), ...member("b.txt", bytesOf(10), { mode: "zzzzzzz\0" }), END], "the mode field is not a plain octal number"],
      ["a GNU-format header with a prefix", [...member("a.txt", bytesOf(10), { gnu: true, at345: "evil" }), END], "a GNU-format header with a name prefix"],
      ["a regular entry named like a directory", [...member("d/", withPlanted(), { type: "\0" }), END], "a file entry named like a directory"],
      ["a symbolic link with data", [...member("l", withPlanted(), { type: "2", linkname: "a.txt" }), ...member("a.txt", bytesOf(3)), END], "a symlink entry with 1024 data bytes"],
      ["a directory with data", [...member("d", withPlanted(), { type: "5" }), END], "a directory entry with 1024 data bytes"],
      ["two GNU long names for one member", [...record("L", text("aaa.txt\0")), ...record("L", text("bbb.txt\0")), ...member("c.txt", bytesOf(5)), END], "two gnu-long-path records"],
      ["a pax path, then a second pax record", [...record("x", pax([["path", "aaa.txt"]])), ...record("x", pax([["mtime", "1"]])), ...member("c.txt", bytesOf(5)), END], "two pax-header records"],
      ["a pax global path", [...record("g", pax([["path", "evil.txt"]])), ...member("c.txt", bytesOf(5)), END], "a pax global header setting path"],
      ["a pax global size", [...record("g", pax([["size", "3"]])), ...member("c.txt", bytesOf(5)), END], "a pax global header setting size"],
      ["a pax size with an underscore", [...record("x", pax([["size", "1_000"]])), header("a.txt", "0", { size: 0 }), withPlanted(), END], "a pax size that is not a whole number"],
      ["a pax size in scientific notation", [...record("x", pax([["size", "1e3"]])), header("a.txt", "0", { size: 0 }), withPlanted(), END], "a pax size that is not a whole number"],
      ["an empty pax path", [...record("x", pax([["path", ""]])), ...member("a.txt", bytesOf(5)), END], "an empty pax path"],
      ["a pax GNU.sparse.name (GNU tar's sparse files in pax format)", [...record("x", pax([["GNU.sparse.name", "evil.txt"]])), ...member("a.txt", bytesOf(5)), END], "not supported (a GNU sparse file"],
      ["a pax record shorter than its length says", [...member("z.txt", bytesOf(1)), ...record("x", text("99 path=evil.txt\n")), ...member("a.txt", bytesOf(5)), END], "a pax record whose length does not end it"],
      ["an old GNU 'N' record", [...record("N", text("evil.txt\0")), ...member("a.txt", bytesOf(5)), END], "an old GNU 'N' (names) entry"],
      ["a name that is not UTF-8", [...member("a\xff.t" as string, bytesOf(5)), END], "a name that is not valid UTF-8"],
    ];
    const files: string[] = [];
    for (const [i, [, parts]] of cases.entries()) {
      files.push(path.join(dir, `case${i}.tar`));
      writeFileSync(files.at(-1)!, Buffer.concat(parts));
    }
    const python = pythonReadings(files);
    for (const [i, [label, parts, reason]] of cases.entries()) {
      const bytes = Buffer.concat(parts);
      expect(await tarStreamReading(bytes), `${label}: tar-stream and Python's tarfile read it differently`).to.not.equal(python[i]);
      const { plain, gzip } = await both(bytes);
      expect(plain, label).to.match(/^refused: /u).and.include(reason);
      expect(gzip, label).to.equal(plain);
    }
  });

  it("takes no memory of the size a header claims before the data is there: a 3 GB member in a tiny truncated shard, plain or gzip'd, per member or per key", async () => {
    const claim = 3 * 1024 * 1024 * 1024;
    const bytes = Buffer.concat([header("big.jpg", "0", { size: claim }), bytesOf(4096)]);
    writeFileSync(path.join(dir, "x.tar"), bytes);
    writeFileSync(path.join(dir, "x.tar.gz"), gzipSync(bytes));
    for (const file of ["x.tar", "x.tar.gz"]) {
      for (const groupByKey of [false, true]) {
        const before = process.memoryUsage().arrayBuffers;
        let peak = before;
        const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
        const result = await outcome(path.join(dir, file), groupByKey);
        clearInterval(timer);
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        expect(result, `${file}${groupByKey ? " per key" : ""}`).to.match(/^refused: Cannot read shard x\.tar: Unexpected end of data/u);
        expect(peak - before, `${file}${groupByKey ? " per key" : ""}: array buffer bytes taken`).to.be.lessThan(256 * 1024 * 1024);
      }
    }
  });

  it("refuses to read an entry's data once the walk has moved past it (it would be the next entry's bytes)", async () => {
    writeFileSync(path.join(dir, "x.tar"), Buffer.concat([...member("a.txt", bytesOf(10, 0x41)), ...member("b.txt", bytesOf(10, 0x42)), END]));
    const entries = tarEntriesWithData(path.join(dir, "x.tar"), false);
    const first = (await entries.next()).value!;
    const second = (await entries.next()).value!;
    expect(second.info.name).to.equal("b.txt");
    const late = await (async () => {
      for await (const chunk of first.data) void chunk;
    })().then(
      () => "read",
      (e: unknown) => (e as Error).message,
    );
    await entries.return(undefined);
    expect(late).to.match(/the data of tar member a\.txt can be read once, before the next entry/u);
  });

  it("accepts binary pax values other than names, as GNU tar --xattrs writes them (SCHILY.xattr.*), reading the members as Python's tarfile does", async () => {
    const value = Buffer.from([0xff, 0x00, 0x80, 0x62, 0x69, 0x6e]);
    const rest = Buffer.concat([Buffer.from(" SCHILY.xattr.user.bin="), value, Buffer.from("\n")]);
    const body = Buffer.concat([Buffer.from(String(rest.length + 2)), rest]);
    const bytes = Buffer.concat([...record("x", body), ...member("000001.jpg", bytesOf(700)), ...member("000001.txt", text("a cat")), END]);
    const { plain, gzip } = await both(bytes);
    writeFileSync(path.join(dir, "xattr.tar"), bytes);
    expect(pythonReadings([path.join(dir, "xattr.tar")])).to.deep.equal(["000001.jpg:700,000001.txt:5"]);
    expect(plain).to.not.match(/refused/u);
    expect(plain.split("\n").filter((line) => line.startsWith("x.tar/")).map((line) => line.split(" ")[0])).to.deep.equal(["x.tar/000001.jpg", "x.tar/000001.txt", "x.tar/000001"]);
    expect(gzip).to.equal(plain);
  });

  it("refuses, as Python's tarfile does, a shard cut inside its last member's padding and a record left without its member", async () => {
    const first = member("000001.jpg", bytesOf(1000));
    const whole = Buffer.concat([...first, ...member("000002.jpg", bytesOf(10)), END]);
    const cases: ReadonlyArray<readonly [string, Uint8Array, string]> = [
      ["cut 8 bytes into the last member's padding", whole.subarray(0, 512 + 1024 + 512 + 10 + 8), "Unexpected end of data: the archive ends at byte 2066, an entry needs bytes up to 2560"],
      ["a pax record, then the end-of-archive marker", Buffer.concat([...first, ...record("x", pax([["path", "lost.jpg"]])), END]), "a pax or long-name record with no member after it"],
      ["a GNU long name, then the end of the file", Buffer.concat([...first, ...record("L", text("lost.jpg\0"))]), "a pax or long-name record with no member after it"],
    ];
    const files = cases.map(([, bytes], i) => {
      const file = path.join(dir, `cut${i}.tar`);
      writeFileSync(file, bytes);
      return file;
    });
    expect(pythonReadings(files).map((r) => r.startsWith("error:"))).to.deep.equal(cases.map(() => true));
    for (const [label, bytes, reason] of cases) {
      const { plain, gzip } = await both(bytes);
      expect(plain, label).to.match(/^refused: /u).and.include(reason);
      expect(gzip, label).to.equal(plain);
    }
  });

  it("refuses each header or record rule on its own (one case per check in TarHeaderWalk)", async () => {
    const checksumOnly = new Uint8Array(512);
    checksumOnly.set(text("000400\0 "), 148);
    const cases: ReadonlyArray<readonly [string, Uint8Array[], string]> = [
      ["a block whose checksum field alone is set", [...member("a.txt", bytesOf(5)), checksumOnly, END], "a header whose checksum field alone is set"],
      ["a link name that is not UTF-8", [...member("l", new Uint8Array(0), { type: "2", linkname: "a\xff" }), END], "a name that is not valid UTF-8"],
      ["a ustar prefix that is not UTF-8", [...member("a.txt", bytesOf(5), { at345: "p\xff" }), END], "a name that is not valid UTF-8"],
      ["two GNU long link names", [...record("K", text("a\0")), ...record("K", text("b\0")), ...member("l", new Uint8Array(0), { type: "2", linkname: "c" }), END], "two gnu-long-link-path records"],
      ["a GNU long name, then a pax path", [...record("L", text("aaa.txt\0")), ...record("x", pax([["path", "bbb.txt"]])), ...member("c.txt", bytesOf(5)), END], "a GNU long name and a pax path"],
      ["a pax path, then a GNU long name", [...record("x", pax([["path", "bbb.txt"]])), ...record("L", text("aaa.txt\0")), ...member("c.txt", bytesOf(5)), END], "a GNU long name and a pax path"],
      ["a GNU long link name, then a pax linkpath", [...record("K", text("a\0")), ...record("x", pax([["linkpath", "b"]])), ...member("l", new Uint8Array(0), { type: "2", linkname: "c" }), END], "a GNU long link name and a pax linkpath"],
      ["a pax linkpath, then a GNU long link name", [...record("x", pax([["linkpath", "b"]])), ...record("K", text("a\0")), ...member("l", new Uint8Array(0), { type: "2", linkname: "c" }), END], "a GNU long link name and a pax linkpath"],
      ["a GNU long name that is not UTF-8", [...record("L", Buffer.from([0x61, 0xff, 0])), ...member("c.txt", bytesOf(5)), END], "a long name that is not valid UTF-8"],
      ["a pax record without a length", [...record("x", text("path=a.txt\n")), ...member("c.txt", bytesOf(5)), END], "a pax record without a length"],
      ["a pax record without a key", [...record("x", text("9 =a.txt\n")), ...member("c.txt", bytesOf(5)), END], "a pax record without a key"],
      ["a pax key that is not UTF-8", [...record("x", Buffer.concat([text("9 "), Buffer.from([0xff]), text("=a.tx\n")])), ...member("c.txt", bytesOf(5)), END], "a pax key that is not valid UTF-8"],
      ["a pax path that is not UTF-8", [...record("x", Buffer.concat([text("11 path="), Buffer.from([0xff]), text("a\n")])), ...member("c.txt", bytesOf(5)), END], "a pax path that is not valid UTF-8"],
      ["bytes after the last pax record", [...record("x", Buffer.concat([pax([["mtime", "1"]]), text("\0junk")])), ...member("c.txt", bytesOf(5)), END], "bytes after the last pax record"],
      ["a pax hdrcharset other than UTF-8", [...record("x", pax([["hdrcharset", "BINARY"]])), ...member("c.txt", bytesOf(5)), END], "a pax hdrcharset of BINARY"],
      ["a pax global linkpath", [...record("g", pax([["linkpath", "x"]])), ...member("c.txt", bytesOf(5)), END], "a pax global header setting linkpath"],
      ["a pax global GNU.sparse key", [...record("g", pax([["GNU.sparse.size", "3"]])), ...member("c.txt", bytesOf(5)), END], "a pax global header setting GNU.sparse.size"],
      ["a hard link with data", [...member("a.txt", bytesOf(3)), ...member("h", bytesOf(512), { type: "1", linkname: "a.txt" }), END], "a link entry with 512 data bytes"],
      ["a FIFO with data", [...member("f", bytesOf(512), { type: "6" }), END], "a fifo entry with 512 data bytes"],
    ];
    for (const [label, parts, reason] of cases) {
      const { plain, gzip } = await both(Buffer.concat(parts));
      expect(plain, label).to.match(/^refused: /u).and.include(reason);
      expect(gzip, label).to.equal(plain);
    }
  });
});
