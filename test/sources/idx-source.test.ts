import { expect } from "chai";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

import { hashSources } from "../../src/engine/hash-sources.js";
import { parseIdxHeader } from "../../src/sources/idx-header.js";
import { IdxSource } from "../../src/sources/idx-source.js";
import type { PartSelector } from "../../src/sources/sample-batch.js";
import { SourceError } from "../../src/sources/source-error.js";
import { idxBytes, records, sha256Hex, tempDir, writeIdx } from "../fixtures/dataset-fixtures.js";

async function hashIdx(
  source: IdxSource,
  options: { part?: PartSelector; slotBytes?: number; threads?: number } = {},
): Promise<Array<{ id: string; hash: string }>> {
  const out: Array<{ id: string; hash: string }> = [];
  await hashSources([source], {
    threads: options.threads ?? 0,
    part: options.part,
    slotBytes: options.slotBytes,
    onBatch: (h) => {
      for (let i = 0; i < h.batch.count; i++) {
        out.push({ id: h.batch.ids![i]!, hash: Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex") });
      }
    },
  });
  return out;
}

describe("IdxSource", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("idx"));
  });
  afterEach(() => cleanup());

  const images = records(300, 28 * 28, 5);
  const expected = (name: string, recs: Uint8Array[]) => recs.map((r, i) => ({ id: `${name}#${i}`, hash: sha256Hex(r) }));

  it("parses the header of an MNIST image file", () => {
    const h = parseIdxHeader(idxBytes(images.slice(0, 2), [28, 28]), "x")!;
    expect(h).to.deep.equal({ type: 8, dims: [2, 28, 28], headerSize: 16, recordSize: 784, recordCount: 2, expectedSize: 16 + 2 * 784 });
  });

  it("hashes every 784-byte image record, with ids file#record", async () => {
    writeIdx(path.join(dir, "train-images-idx3-ubyte"), images, [28, 28]);
    const source = new IdxSource(path.join(dir, "train-images-idx3-ubyte"), "train-images-idx3-ubyte");
    expect(await hashIdx(source)).to.deep.equal(expected("train-images-idx3-ubyte", images));
    expect(await source.estimate()).to.deep.equal({ samples: 300, bytes: 300 * 784 });
  });

  it("hashes 1-byte label records", async () => {
    const labels = Array.from({ length: 20 }, (_, i) => Uint8Array.of(i % 10));
    writeIdx(path.join(dir, "labels-idx1-ubyte"), labels, []);
    const got = await hashIdx(new IdxSource(path.join(dir, "labels-idx1-ubyte"), "labels"));
    expect(got).to.deep.equal(expected("labels", labels));
    expect(new Set(got.map((g) => g.hash)).size).to.equal(10);
  });

  it("streams a gzip'd IDX file to the same hashes, whatever the slot size", async () => {
    writeIdx(path.join(dir, "imgs.idx.gz"), images, [28, 28]);
    const source = new IdxSource(path.join(dir, "imgs.idx.gz"), "imgs.idx.gz");
    expect(source.description.options).to.deep.equal({ gzip: true });
    for (const slotBytes of [100, 784 * 7, 4 * 1024 * 1024]) {
      expect(await hashIdx(source, { slotBytes }), `slot ${slotBytes}`).to.deep.equal(expected("imgs.idx.gz", images));
    }
  });

  it("gives the same hashes on worker threads", async () => {
    writeIdx(path.join(dir, "a.idx"), images, [28, 28]);
    writeIdx(path.join(dir, "a.idx.gz"), images, [28, 28]);
    expect(await hashIdx(new IdxSource(path.join(dir, "a.idx"), "a"), { threads: 2 })).to.deep.equal(expected("a", images));
    expect(await hashIdx(new IdxSource(path.join(dir, "a.idx.gz"), "a"), { threads: 2 })).to.deep.equal(expected("a", images));
  });

  it("splits plain and gzip'd files into record-range parts covering every record once", async () => {
    writeIdx(path.join(dir, "p.idx"), images, [28, 28]);
    writeIdx(path.join(dir, "p.idx.gz"), images, [28, 28]);
    writeIdx(path.join(dir, "few.idx.gz"), images.slice(0, 5), [28, 28]);
    const cases: Array<[string, number, Uint8Array[]]> = [
      ["p.idx", 2, images],
      ["p.idx", 7, images],
      ["p.idx.gz", 2, images],
      ["p.idx.gz", 7, images],
      ["few.idx.gz", 7, images.slice(0, 5)], // more parts than records: some parts are empty
    ];
    for (const [file, n, recs] of cases) {
      const parts = [];
      for (let i = 0; i < n; i++) parts.push(...(await hashIdx(new IdxSource(path.join(dir, file), "p"), { part: { index: i, count: n }, slotBytes: 5000 })));
      expect(parts, `${file} in ${n} parts`).to.deep.equal(expected("p", recs));
    }
  });

  it("rejects a truncated file with the expected and actual sizes", async () => {
    const bytes = idxBytes(images.slice(0, 10), [28, 28]);
    writeFileSync(path.join(dir, "cut.idx"), bytes.subarray(0, bytes.length - 100));
    const error = await hashIdx(new IdxSource(path.join(dir, "cut.idx"), "cut.idx")).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SourceError);
    expect((error as Error).message).to.equal(
      `cut.idx is truncated: its IDX header (10×28×28) announces ${bytes.length} bytes, but the file has ${bytes.length - 100}. Download the file again.`,
    );
  });

  it("rejects a gzip'd file whose content is truncated", async () => {
    const bytes = idxBytes(images.slice(0, 10), [28, 28]);
    writeFileSync(path.join(dir, "cut.idx.gz"), gzipSync(bytes.subarray(0, bytes.length - 1)));
    const error = await hashIdx(new IdxSource(path.join(dir, "cut.idx.gz"), "cut.idx.gz")).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/cut\.idx\.gz is truncated: .* announces 7856 bytes after decompression, but it holds 7855/);
  });

  it("rejects a damaged gzip stream, naming the file", async () => {
    const gz = gzipSync(idxBytes(images.slice(0, 50), [28, 28]));
    writeFileSync(path.join(dir, "bad.idx.gz"), gz.subarray(0, Math.floor(gz.length / 2)));
    const error = await hashIdx(new IdxSource(path.join(dir, "bad.idx.gz"), "bad.idx.gz")).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/^Cannot decompress bad\.idx\.gz: .*damaged or truncated/);
  });

  it("rejects trailing bytes after the announced records", async () => {
    writeFileSync(path.join(dir, "long.idx"), Buffer.concat([idxBytes(images.slice(0, 2), [28, 28]), Buffer.alloc(3)]));
    const error = await hashIdx(new IdxSource(path.join(dir, "long.idx"), "long.idx")).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/long\.idx has 1587 bytes, 3 more than its IDX header/);
  });

  it("rejects a file that is not IDX, showing its first bytes", async () => {
    writeFileSync(path.join(dir, "x.idx"), "hello world");
    const error = await hashIdx(new IdxSource(path.join(dir, "x.idx"), "x.idx")).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/x\.idx is not an IDX file: it starts with 68 65 6c 6c/);
  });

  it("rejects an IDX file announcing no record", async () => {
    writeIdx(path.join(dir, "none.idx"), [], [28, 28]);
    const error = await hashIdx(new IdxSource(path.join(dir, "none.idx"), "none.idx")).catch((e: unknown) => e);
    expect((error as Error).message).to.equal("none.idx contains no samples: its IDX header announces 0 records.");
  });

  it("fingerprints the file size and dimensions", async () => {
    writeIdx(path.join(dir, "f.idx"), images.slice(0, 3), [28, 28]);
    expect(await new IdxSource(path.join(dir, "f.idx"), "f").fingerprint()).to.equal(`bytes=${16 + 3 * 784};type=8;dims=3x28x28`);
  });
});
