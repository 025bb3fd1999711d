import { createHash } from "node:crypto";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import {
  buildWeightsManifest,
  createWeightsManifest,
  diffWeightsManifests,
  hashFile,
  hashWeights,
  hashWeightsBytes,
  parseWeightsManifest,
} from "../../src/registry/weights.js";
import { expectRejection } from "./reject.js";

const sha = (b: Uint8Array | string): string => createHash("sha256").update(b).digest("hex");

describe("weights manifest and weightsHash", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "datatrace-weights-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("hashes a single file as a one-entry manifest named by its base name", async () => {
    const file = path.join(dir, "model.json");
    await writeFile(file, "weights!");
    const hashed = await hashWeights(file);
    expect(hashed.manifest.files).to.deep.equal([{ path: "model.json", size: 8, sha256: sha("weights!") }]);
    const expectedBytes = `{"files":[{"path":"model.json","sha256":"${sha("weights!")}","size":8}],"format":"datatrace-weights/1"}`;
    expect(Buffer.from(hashed.manifestBytes).toString("utf8")).to.equal(expectedBytes);
    expect(hashed.weightsHash).to.equal(`0x${sha(expectedBytes)}`);
  });

  it("gives a directory holding only that file the same weightsHash as the file", async () => {
    await mkdir(path.join(dir, "w"));
    await writeFile(path.join(dir, "w", "model.json"), "weights!");
    await writeFile(path.join(dir, "model.json"), "weights!");
    expect((await hashWeights(path.join(dir, "w"))).weightsHash).to.equal((await hashWeights(path.join(dir, "model.json"))).weightsHash);
  });

  it("lists nested files with sorted relative POSIX paths", async () => {
    await mkdir(path.join(dir, "b", "c"), { recursive: true });
    await writeFile(path.join(dir, "b", "c", "z.bin"), "z");
    await writeFile(path.join(dir, "a.txt"), "a");
    await writeFile(path.join(dir, "B.txt"), "B");
    await mkdir(path.join(dir, "empty"));
    const manifest = await buildWeightsManifest(dir);
    expect(manifest.files.map((f) => f.path)).to.deep.equal(["B.txt", "a.txt", "b/c/z.bin"]);
  });

  it("matches the in-memory hash of the same files", async () => {
    await writeFile(path.join(dir, "x"), "1");
    await writeFile(path.join(dir, "y"), "22");
    const fromDisk = await hashWeights(dir);
    const fromMemory = hashWeightsBytes([{ path: "y", bytes: Buffer.from("22") }, { path: "x", bytes: Buffer.from("1") }]);
    expect(fromMemory.weightsHash).to.equal(fromDisk.weightsHash);
  });

  it("changes the weightsHash when a byte, a name or the file set changes", async () => {
    const base = hashWeightsBytes([{ path: "m", bytes: Buffer.from("abc") }]).weightsHash;
    expect(hashWeightsBytes([{ path: "m", bytes: Buffer.from("abd") }]).weightsHash).to.not.equal(base);
    expect(hashWeightsBytes([{ path: "n", bytes: Buffer.from("abc") }]).weightsHash).to.not.equal(base);
    expect(hashWeightsBytes([{ path: "m", bytes: Buffer.from("abc") }, { path: "n", bytes: new Uint8Array() }]).weightsHash).to.not.equal(base);
  });

  it("streams files larger than one read chunk correctly", async () => {
    const big = Buffer.alloc(3 * (1 << 20) + 12345, 7);
    await writeFile(path.join(dir, "big.bin"), big);
    expect(await hashFile(path.join(dir, "big.bin"))).to.deep.equal({ size: big.length, sha256: sha(big) });
  });

  it("hashes an empty file", async () => {
    await writeFile(path.join(dir, "empty.bin"), "");
    expect((await buildWeightsManifest(path.join(dir, "empty.bin"))).files[0]).to.deep.equal({ path: "empty.bin", size: 0, sha256: sha("") });
  });

  it("refuses symbolic links, empty directories and missing paths with what to do", async () => {
    await writeFile(path.join(dir, "real"), "r");
    await symlink(path.join(dir, "real"), path.join(dir, "link"));
    await expectRejection(buildWeightsManifest(dir), /entry link in .* is a symbolic link: replace it/);
    await expectRejection(buildWeightsManifest(path.join(dir, "link")), /symbolic link: pass the real file/);
    await mkdir(path.join(dir, "none"));
    await expectRejection(buildWeightsManifest(path.join(dir, "none")), /contain no file/);
    await expectRejection(buildWeightsManifest(path.join(dir, "missing")), /Cannot read the weights at .*check the path/);
  });

  it("validates manifest entries", () => {
    const ok = { path: "a", size: 1, sha256: "0".repeat(64) };
    expect(() => createWeightsManifest([ok, ok])).to.throw(/listed twice/);
    expect(() => createWeightsManifest([{ ...ok, path: "../a" }])).to.throw(/Invalid weights file path/);
    expect(() => createWeightsManifest([{ ...ok, path: "/abs" }])).to.throw(/Invalid weights file path/);
    expect(() => createWeightsManifest([{ ...ok, size: -1 }])).to.throw(/size must be a non-negative integer/);
    expect(() => createWeightsManifest([{ ...ok, sha256: "ABC" }])).to.throw(/64 lowercase hex/);
  });

  it("parses canonical manifest bytes back and rejects non-canonical ones", () => {
    const hashed = hashWeightsBytes([{ path: "m", bytes: Buffer.from("abc") }]);
    expect(parseWeightsManifest(hashed.manifestBytes).weightsHash).to.equal(hashed.weightsHash);
    const pretty = Buffer.from(JSON.stringify(hashed.manifest, null, 2));
    expect(() => parseWeightsManifest(pretty)).to.throw(/not in canonical form/);
    expect(() => parseWeightsManifest(Buffer.from("{}"))).to.throw(/not a datatrace-weights\/1 manifest/);
  });

  it("diffs two manifests by path", () => {
    const a = hashWeightsBytes([{ path: "same", bytes: Buffer.from("1") }, { path: "gone", bytes: Buffer.from("2") }, { path: "edit", bytes: Buffer.from("3") }]).manifest;
    const b = hashWeightsBytes([{ path: "same", bytes: Buffer.from("1") }, { path: "new", bytes: Buffer.from("4") }, { path: "edit", bytes: Buffer.from("5") }]).manifest;
    expect(diffWeightsManifests(a, b)).to.deep.equal({ added: ["new"], removed: ["gone"], changed: ["edit"] });
  });
});
