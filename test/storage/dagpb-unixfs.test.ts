import { expect } from "chai";
import { UnixFS } from "ipfs-unixfs";

import { cidFromSha256, DAG_PB_CODEC, RAW_CODEC } from "../../src/storage/cid.js";
import { decodePBNode, encodePBNode, type PBLink, type PBNode } from "../../src/storage/dagpb.js";
import { StorageError } from "../../src/storage/errors.js";
import { sha256 as nodeSha256 } from "../../src/hash/sha256.js";
import { ProtoWriter, readProtoFields } from "../../src/storage/protobuf-wire.js";
import { decodeUnixFsData, encodeUnixFsData, UnixFsType } from "../../src/storage/unixfs.js";
import { Random } from "../fixtures/seeded-random.js";

const rawCid = (seed: number) => cidFromSha256(RAW_CODEC, nodeSha256(Uint8Array.of(seed)));
const pbCid = (seed: number) => cidFromSha256(DAG_PB_CODEC, nodeSha256(Uint8Array.of(seed, seed)));

function expectInvalid(fn: () => unknown): void {
  try {
    fn();
    expect.fail("malformed input was accepted");
  } catch (error) {
    expect(error).to.be.instanceOf(StorageError);
    expect((error as StorageError).code).to.equal("INVALID_DAG");
  }
}

/**
 * The canonical dag-pb form written out field by field with the project's own
 * protobuf writer, independently of `@ipld/dag-pb` (which src/storage/dagpb.ts
 * wraps): each link as field 2 (Hash 1, Name 2, Tsize 3), then Data as field 1.
 */
function referenceEncoding(node: PBNode): Uint8Array {
  const writer = new ProtoWriter();
  for (const link of node.Links) {
    const l = new ProtoWriter().bytesField(1, link.Hash.bytes);
    if (link.Name !== undefined) l.bytesField(2, new TextEncoder().encode(link.Name));
    if (link.Tsize !== undefined) l.uintField(3, link.Tsize);
    writer.bytesField(2, l.finish());
  }
  if (node.Data !== undefined) writer.bytesField(1, node.Data);
  return writer.finish();
}

function expectRoundTrip(node: PBNode): void {
  const bytes = encodePBNode(node);
  expect(Buffer.from(bytes).toString("hex")).to.equal(Buffer.from(referenceEncoding(node)).toString("hex"));
  const back = decodePBNode(bytes);
  expect(back.Links.map((l) => [l.Hash.toString(), l.Name, l.Tsize])).to.deep.equal(node.Links.map((l) => [l.Hash.toString(), l.Name, l.Tsize]));
  expect(back.Data === undefined ? undefined : Buffer.from(back.Data).toString("hex")).to.equal(node.Data === undefined ? undefined : Buffer.from(node.Data).toString("hex"));
}

describe("storage: dag-pb (@ipld/dag-pb) and the hand-written UnixFS Data codec", function () {
  const nodes: [string, PBNode][] = [
    ["a file node with chunk links", { Data: Uint8Array.of(8, 2, 24, 10), Links: [{ Hash: rawCid(1), Name: "", Tsize: 262_144 }, { Hash: rawCid(2), Name: "", Tsize: 5 }] }],
    ["a directory node", { Data: Uint8Array.of(8, 1), Links: [{ Hash: rawCid(3), Name: "a.json", Tsize: 12 }, { Hash: pbCid(4), Name: "shards", Tsize: 2 ** 40 }] }],
    ["a node without links", { Data: Uint8Array.of(8, 1), Links: [] }],
    ["a node without data", { Links: [{ Hash: rawCid(5) }] }],
  ];
  for (const [label, node] of nodes) {
    it(`encodes ${label} in the canonical form, and decodes it back`, function () {
      expectRoundTrip(node);
    });
  }

  it("encodes seeded random nodes (sorted names, optional Name/Tsize/Data) in the canonical form", function () {
    const rng = new Random("dag-pb random nodes");
    console.log(`      (seed ${rng.seed})`);
    const alphabet = ["a", "b", "Z", "0", ".", "-", "é", "日", "😀", " "];
    const encoder = new TextEncoder();
    for (let k = 0; k < 2000; k++) {
      const links: PBLink[] = Array.from({ length: rng.int(6) }, (_, j) => {
        const link: PBLink = { Hash: rng.chance(0.5) ? rawCid((k * 7 + j) & 255) : pbCid((k * 7 + j) & 255) };
        if (rng.chance(0.75)) link.Name = Array.from({ length: rng.int(8) }, () => rng.pick(alphabet)).join("");
        if (rng.chance(0.75)) link.Tsize = rng.pick([0, 1, 127, 128, 2 ** 31, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, rng.int(1e9)]);
        return link;
      });
      links.sort((x, y) => Buffer.compare(encoder.encode(x.Name ?? ""), encoder.encode(y.Name ?? "")));
      const node: PBNode = { Links: links };
      if (rng.chance(0.66)) node.Data = rng.bytes(rng.int(40));
      expectRoundTrip(node);
    }
  });

  it("refuses to encode links that are not sorted by name", function () {
    try {
      encodePBNode({ Links: [{ Hash: rawCid(1), Name: "b" }, { Hash: rawCid(2), Name: "a" }] });
      expect.fail("unsorted links were encoded");
    } catch (error) {
      expect(error).to.be.instanceOf(StorageError);
      expect((error as StorageError).code).to.equal("INVALID_DAG");
    }
  });

  it("rejects unknown fields, interleaved Links/Data/Links, a link without Hash, out-of-order link fields, a Tsize above 2^53 - 1 and truncated bytes", function () {
    const link = new ProtoWriter().bytesField(1, rawCid(1).bytes).finish();
    expectInvalid(() => decodePBNode(new ProtoWriter().bytesField(3, Uint8Array.of(1)).finish()));
    expectInvalid(() => decodePBNode(new ProtoWriter().bytesField(2, link).bytesField(1, Uint8Array.of(8, 1)).bytesField(2, link).finish()));
    expectInvalid(() => decodePBNode(new ProtoWriter().bytesField(2, new ProtoWriter().bytesField(2, new TextEncoder().encode("x")).finish()).finish()));
    expectInvalid(() => decodePBNode(new ProtoWriter().bytesField(2, new ProtoWriter().bytesField(2, new TextEncoder().encode("x")).bytesField(1, rawCid(1).bytes).finish()).finish()));
    const huge = new ProtoWriter().bytesField(1, rawCid(1).bytes).finish();
    const tsize2pow60 = Uint8Array.from([...huge, 0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    expectInvalid(() => decodePBNode(new ProtoWriter().bytesField(2, tsize2pow60).finish()));
    const good = encodePBNode({ Data: Uint8Array.of(8, 1), Links: [{ Hash: rawCid(1), Name: "a", Tsize: 1 }] });
    expectInvalid(() => decodePBNode(good.subarray(0, good.length - 1)));
    expectInvalid(() => decodePBNode(Uint8Array.of(0x12, 0xff)));
  });

  it("accepts Data before Links (the UnixFS spec: decoders accept both orders) with the same meaning", function () {
    const link = new ProtoWriter().bytesField(1, rawCid(1).bytes).bytesField(2, new TextEncoder().encode("a")).uintField(3, 7).finish();
    const node = decodePBNode(new ProtoWriter().bytesField(1, Uint8Array.of(8, 1)).bytesField(2, link).finish());
    expect([...(node.Data ?? [])]).to.deep.equal([8, 1]);
    expect(node.Links.map((l) => [l.Hash.toString(), l.Name, l.Tsize])).to.deep.equal([[rawCid(1).toString(), "a", 7]]);
  });

  it("round-trips varints up to 2^53 - 1 and refuses larger ones", function () {
    for (const value of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
      const [field] = readProtoFields(new ProtoWriter().uintField(3, value).finish(), "test");
      expect(field).to.deep.equal({ field: 3, wireType: 0, value });
    }
    expect(() => new ProtoWriter().varint(2 ** 53)).to.throw(StorageError);
    expect(() => new ProtoWriter().varint(-1)).to.throw(StorageError);
  });

  const datas: [string, Parameters<typeof encodeUnixFsData>[0], UnixFS][] = [
    ["a file node", { type: UnixFsType.File, fileSize: 262_145, blockSizes: [262_144, 1] }, new UnixFS({ type: "file", blockSizes: [262_144n, 1n] })],
    ["a directory", { type: UnixFsType.Directory, blockSizes: [] }, new UnixFS({ type: "directory" })],
    ["a file with inline data", { type: UnixFsType.File, data: Uint8Array.of(1, 2, 3), fileSize: 3, blockSizes: [] }, new UnixFS({ type: "file", data: Uint8Array.of(1, 2, 3) })],
  ];
  for (const [label, ours, reference] of datas) {
    it(`encodes the UnixFS Data of ${label} like ipfs-unixfs`, function () {
      const bytes = encodeUnixFsData(ours);
      expect(Buffer.from(bytes).toString("hex")).to.equal(Buffer.from(reference.marshal()).toString("hex"));
      const back = decodeUnixFsData(reference.marshal());
      expect(back.type).to.equal(ours.type);
      expect(back.blockSizes).to.deep.equal(ours.blockSizes);
    });
  }

  it("encodes sizes in [2^31, 2^32) as proper varints (files of 2–4 GiB)", function () {
    // Independent LEB128 over BigInt. (ipfs-unixfs 13.1.1 / protons-runtime 7.1.2 write
    // uninitialized bytes for this range, so it cannot serve as the reference here.)
    const leb = (v: bigint): number[] => {
      const out: number[] = [];
      for (; v >= 128n; v >>= 7n) out.push(Number(v & 127n) | 128);
      out.push(Number(v));
      return out;
    };
    for (const size of [2 ** 31 - 1, 2 ** 31, 3_003_121_664, 2 ** 32 - 1, 2 ** 32, 5_000_000_000]) {
      const bytes = encodeUnixFsData({ type: UnixFsType.File, fileSize: size, blockSizes: [size] });
      expect([...bytes]).to.deep.equal([0x08, 0x02, 0x18, ...leb(BigInt(size)), 0x20, ...leb(BigInt(size))]);
      expect(decodeUnixFsData(bytes)).to.deep.include({ fileSize: size, blockSizes: [size] });
    }
  });

  it("rejects UnixFS Data without a Type or with an unknown one", function () {
    expectInvalid(() => decodeUnixFsData(new ProtoWriter().uintField(3, 5).finish()));
    expectInvalid(() => decodeUnixFsData(new ProtoWriter().uintField(1, 9).finish()));
  });
});
