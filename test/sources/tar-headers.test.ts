/**
 * The walk's fast decoder of regular-file headers (decodeRegularFile)
 * against tar-stream's own decoder: on every header of tars written by
 * Python's tarfile (ustar, GNU, pax) and the system tar, and on seeded
 * mutations of them (a byte of any field changed, checksum fixed up or
 * not), it either declines (undefined) or gives tar-stream's name, size,
 * type and link name; it never accepts a header tar-stream refuses.
 */
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { decodeRegularFile, TarHeaderWalk } from "../../src/sources/tar-headers.js";
import { tarEntriesWithData } from "../../src/sources/tar-entries.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { Random } from "../fixtures/seeded-random.js";
import { pythonTar, systemTar } from "../fixtures/source-fixtures.js";

const require = createRequire(import.meta.url);
const codec = require(path.join(path.dirname(require.resolve("tar-stream")), "headers.js")) as {
  decode(buf: Uint8Array, encoding: string, allowUnknownFormat: boolean): { name: string; size: number; type: string; linkname: string | null } | null;
};

/** Every 512-byte header block of a tar (walking sizes as the archive says). */
function headerBlocks(tar: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let pos = 0; pos + 512 <= tar.length; ) {
    const block = tar.subarray(pos, pos + 512);
    const header = codec.decode(block, "utf-8", false);
    if (header === null) break;
    blocks.push(Uint8Array.from(block)); // a copy (Buffer#slice is a view)
    pos += 512 + Math.ceil(header.size / 512) * 512;
  }
  return blocks;
}

function reference(block: Uint8Array): { name: string; size: number; type: string; linkname: string | null } | "refused" | null {
  try {
    const h = codec.decode(block, "utf-8", false);
    return h === null ? null : { name: h.name, size: h.size, type: h.type, linkname: h.linkname };
  } catch {
    return "refused";
  }
}

function fixChecksum(block: Uint8Array): void {
  block.fill(32, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  const text = `${sum.toString(8).padStart(6, "0")}\0 `;
  for (let i = 0; i < 8; i++) block[148 + i] = text.charCodeAt(i);
}

describe("sources: tar header fast path (decodeRegularFile) agrees with tar-stream", function () {
  this.timeout(60_000);
  const random = new Random("tar header fast path");
  let blocks: Uint8Array[];

  let cleanup: () => void = () => undefined;
  after(() => cleanup());

  before(() => {
    const temp = tempDir("tar-headers-");
    cleanup = temp.cleanup;
    const dir = temp.dir;
    const bytes = (n: number) => new Uint8Array(random.bytes(n));
    const entries = [
      { name: "a.jpg", data: bytes(10) },
      { name: `${"d".repeat(120)}/long-in-prefix.txt`, data: bytes(600) },
      { name: `${"x".repeat(150)}.json`, data: bytes(3) }, // too long for ustar: pax / GNU long name
      { name: "ünïcode-名前.txt", data: bytes(1) },
      { name: "dir", dir: true as const },
      { name: "link", symlink: "a.jpg" },
      { name: "empty", data: new Uint8Array(0) },
    ];
    const tars: Uint8Array[] = [];
    for (const format of ["ustar", "gnu", "pax"] as const) {
      const file = path.join(dir, `${format}.tar`);
      pythonTar(file, format === "ustar" ? entries.filter((e) => !e.name.startsWith("x")) : entries, format);
      tars.push(readFileSync(file));
    }
    mkdirSync(path.join(dir, "tree", "sub"), { recursive: true });
    writeFileSync(path.join(dir, "tree", "sub", "f.bin"), bytes(777));
    writeFileSync(path.join(dir, "tree", "g.txt"), "g");
    systemTar(path.join(dir, "tree"), ["-cf", path.join(dir, "system.tar"), "."]);
    tars.push(readFileSync(path.join(dir, "system.tar")));
    blocks = tars.flatMap(headerBlocks);
  });

  it("decodes every regular-file header of real tars as tar-stream does, and declines the others", () => {
    let decoded = 0;
    for (const block of blocks) {
      const fast = decodeRegularFile(block);
      const ref = reference(block);
      if (fast === undefined) {
        if (ref !== null && ref !== "refused") expect(ref.type, `declined ${ref.name}`).to.not.equal("file");
        continue;
      }
      decoded++;
      expect(fast).to.deep.equal(ref);
    }
    expect(decoded, "regular files decoded by the fast path").to.be.greaterThan(10);
  });

  it("reads an old-style directory name (type flag NUL, trailing /) as tar-stream 3 does: a file (its directory rule comes after the type is set)", () => {
    const block = Uint8Array.from(blocks.find((b) => decodeRegularFile(b) !== undefined)!);
    block.fill(0, 0, 100);
    for (const [i, c] of [..."olddir/"].entries()) block[i] = c.charCodeAt(0);
    block[156] = 0;
    block[345] = 0;
    fixChecksum(block);
    expect(reference(block)).to.include({ name: "olddir/", type: "file" });
    expect(decodeRegularFile(block)).to.deep.equal(reference(block));
  });

  it("never disagrees with tar-stream on 20,000 mutated headers, and never accepts one it refuses", () => {
    const regular = blocks.filter((b) => decodeRegularFile(b) !== undefined);
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      const block = Uint8Array.from(regular[random.int(regular.length)]!);
      for (let k = 1 + random.int(3); k > 0; k--) {
        const at = random.int(4) === 0 ? [0, 99, 100, 124, 130, 135, 148, 155, 156, 157, 257, 262, 263, 264, 345, 346][random.int(16)]! : random.int(512);
        block[at] = [0, 32, 0x30, 0x37, 0x38, 0x2f, 0x80, 0xff, 0xc3, random.int(256)][random.int(10)]!;
      }
      if (random.int(2) === 0) fixChecksum(block);
      const fast = decodeRegularFile(block);
      if (fast === undefined) continue;
      accepted++;
      const ref = reference(block);
      expect(ref, `mutation ${n}`).to.not.equal("refused");
      expect(fast, `mutation ${n}`).to.deep.equal(ref);
    }
    expect(accepted, "mutated headers the fast path decoded").to.be.greaterThan(1_000);
  });

  it("refuses a member whose size tar-stream decodes as null (base-256 marker neither 0x80 nor 0xff), in place and streamed (tar-stream's extract never ended it)", async () => {
    const block = new Uint8Array(512);
    block.set(new TextEncoder().encode("a.txt"), 0);
    block.set(new TextEncoder().encode("ustar\u000000"), 257);
    block[124] = 0xc2;
    block[156] = 0x30;
    block.fill(32, 148, 156);
    const sum = block.reduce((a, b) => a + b, 0);
    block.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, "0")}\u0000 `), 148);
    let walkError = "";
    try {
      new TarHeaderWalk().block(block, 0);
    } catch (e) {
      walkError = (e as Error).message;
    }
    const temp = tempDir("tar-null-size");
    const file = path.join(temp.dir, "x.tar");
    writeFileSync(file, Buffer.concat([block, Buffer.alloc(1024)]));
    const walk = (async () => {
      for await (const entry of tarEntriesWithData(file, false)) for await (const chunk of entry.data) void chunk;
    })();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      walk.then(() => "finished", (e: unknown) => (e as Error).message),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve("hung"), 2000))),
    ]);
    clearTimeout(timer);
    temp.cleanup();
    const refusal = "Invalid tar header: the size field is not a plain octal number";
    expect({ walkError, outcome }).to.deep.equal({ walkError: refusal, outcome: refusal });
    // The same size on a pax record: extract mis-frames the archive after it; the walk must not accept it either.
    block[156] = 0x78;
    block.fill(32, 148, 156);
    const paxSum = block.reduce((a, b) => a + b, 0);
    block.set(new TextEncoder().encode(`${paxSum.toString(8).padStart(6, "0")}\u0000 `), 148);
    expect(() => new TarHeaderWalk().block(block, 0)).to.throw(refusal);
  });
});
