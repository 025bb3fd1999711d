import { expect } from "chai";
import { network } from "hardhat";
import { base32 } from "multiformats/bases/base32";

import type { DatasetNFT } from "../../typechain-types/index.js";
import { cidOf, cidOfBytes, DAG_PB, RAW } from "./helpers/cids.js";
import {
  buildSampleTree,
  membershipProof,
  multiproof,
  neighborAt,
  nextTo,
  sampleHashOf,
  sortedSampleHashes,
  type SampleTree,
} from "./helpers/sampleTree.js";

const { ethers, networkHelpers } = await network.create();

const MANIFEST = cidOfBytes("manifest", DAG_PB); // bafybei…
const TOKEN_URI = `ipfs://${cidOfBytes("metadata.json")}`; // ipfs://bafkrei…
const ZERO_HASH = ethers.ZeroHash;

async function deployDatasetNFT() {
  const [alice, bob, carol] = await ethers.getSigners();
  const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
  return { nft, alice: alice!, bob: bob!, carol: carol! };
}

/** Alice has registered a 10-sample dataset (token 1). */
async function deployWithDataset() {
  const base = await deployDatasetNFT();
  const tree = buildSampleTree(sortedSampleHashes(10));
  await base.nft.connect(base.alice).register(tree.root, tree.leafCount, MANIFEST, TOKEN_URI, 0);
  return { ...base, tree, id: 1n };
}

/** Token 1 sorted (10 samples), token 2 with leaves 4 and 5 swapped. */
async function deployWithDisorderedDataset() {
  const base = await deployWithDataset();
  const swapped = [...base.tree.sampleHashes];
  [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
  const bad = buildSampleTree(swapped);
  await base.nft.connect(base.bob).register(bad.root, bad.leafCount, MANIFEST, "", 0);
  return { ...base, bad, badId: 2n };
}

describe("DatasetNFT", function () {
  describe("deployment", function () {
    it("is named Datatrace Dataset / DTDS and starts empty", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      expect(await nft.name()).to.equal("Datatrace Dataset");
      expect(await nft.symbol()).to.equal("DTDS");
      expect(await nft.datasetCount()).to.equal(0n);
    });

    it("supports ERC-165, ERC-721, ERC-721 Metadata and ERC-4906 only", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      for (const id of ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0x49064906"]) {
        expect(await nft.supportsInterface(id), id).to.equal(true);
      }
      expect(await nft.supportsInterface("0xffffffff")).to.equal(false);
      expect(await nft.supportsInterface("0x780e9d63")).to.equal(false); // not Enumerable
    });
  });

  describe("register", function () {
    it("mints token 1 to the caller and emits DatasetRegistered and Transfer", async function () {
      const { nft, alice } = await networkHelpers.loadFixture(deployDatasetNFT);
      const tree = buildSampleTree(sortedSampleHashes(3));
      await expect(nft.connect(alice).register(tree.root, 3, MANIFEST, TOKEN_URI, 0))
        .to.emit(nft, "DatasetRegistered")
        .withArgs(1n, tree.root, alice.address, 3n, MANIFEST, 0n)
        .and.to.emit(nft, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, 1n);
      expect(await nft.ownerOf(1n)).to.equal(alice.address);
      expect(await nft.datasetCount()).to.equal(1n);
      expect(await nft.exists(1n)).to.equal(true);
    });

    it("returns sequential token ids from 1", async function () {
      const { nft, bob } = await networkHelpers.loadFixture(deployWithDataset);
      const root = sampleHashOf("another root");
      expect(await nft.connect(bob).register.staticCall(root, 1, MANIFEST, "", 0)).to.equal(2n);
      await nft.connect(bob).register(root, 1, MANIFEST, "", 0);
      expect(await nft.tokenIdOfRoot(root)).to.equal(2n);
      expect(await nft.datasetCount()).to.equal(2n);
    });

    it("stores the commitment and rebuilds the manifest CID string", async function () {
      const { nft, alice, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      const d = await nft.dataset(id);
      expect(d.root).to.equal(tree.root);
      expect(d.leafCount).to.equal(10n);
      expect(d.manifestCid).to.equal(MANIFEST);
      expect(d.previousVersion).to.equal(0n);
      expect(d.registeredAt).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(d.registrant).to.equal(alice.address);
      expect(d.disordered).to.equal(false);
      expect(d.metadataFrozen).to.equal(false);
      expect(await nft.tokenIdOfRoot(tree.root)).to.equal(id);
    });

    it("accepts manifest CIDs of any codec with a varint of up to 4 bytes", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const codecs = [RAW, DAG_PB, 0x71, 0x0129, 0x0202, 0x3fff, 0x4000, 0x1fffff, 0x200000, 2 ** 28 - 1];
      for (const [k, codec] of codecs.entries()) {
        const manifest = cidOf(codec, sampleHashOf(`m${k}`));
        await nft.register(sampleHashOf(`root${k}`), 1, manifest, "", 0);
        expect((await nft.dataset(k + 1)).manifestCid, `codec 0x${codec.toString(16)}`).to.equal(manifest);
      }
    });

    it("links a previous version that exists", async function () {
      const { nft, bob } = await networkHelpers.loadFixture(deployWithDataset);
      const root = sampleHashOf("v2");
      await expect(nft.connect(bob).register(root, 11, MANIFEST, "", 1))
        .to.emit(nft, "DatasetRegistered")
        .withArgs(2n, root, bob.address, 11n, MANIFEST, 1n);
      expect((await nft.dataset(2n)).previousVersion).to.equal(1n);
    });

    it("keeps the registrant when the token changes hands", async function () {
      const { nft, alice, bob, id } = await networkHelpers.loadFixture(deployWithDataset);
      await nft.connect(alice).transferFrom(alice.address, bob.address, id);
      expect(await nft.ownerOf(id)).to.equal(bob.address);
      expect((await nft.dataset(id)).registrant).to.equal(alice.address);
    });

    it("rejects a zero root", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      await expect(nft.register(ZERO_HASH, 1, MANIFEST, "", 0)).to.be.revertedWithCustomError(nft, "DatasetZeroRoot");
    });

    it("rejects a zero leaf count", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      await expect(nft.register(sampleHashOf("r"), 0, MANIFEST, "", 0)).to.be.revertedWithCustomError(
        nft,
        "DatasetZeroLeafCount",
      );
    });

    it("rejects a root that is already registered, naming its token", async function () {
      const { nft, bob, tree } = await networkHelpers.loadFixture(deployWithDataset);
      await expect(nft.connect(bob).register(tree.root, 7, MANIFEST, "", 0))
        .to.be.revertedWithCustomError(nft, "DatasetRootAlreadyRegistered")
        .withArgs(tree.root, 1n);
    });

    it("rejects a previous version that does not exist", async function () {
      const { nft } = await networkHelpers.loadFixture(deployWithDataset);
      await expect(nft.register(sampleHashOf("r"), 1, MANIFEST, "", 2))
        .to.be.revertedWithCustomError(nft, "DatasetUnknownPreviousVersion")
        .withArgs(2n);
      await expect(nft.register(sampleHashOf("r"), 1, MANIFEST, "", ethers.MaxUint256))
        .to.be.revertedWithCustomError(nft, "DatasetUnknownPreviousVersion")
        .withArgs(ethers.MaxUint256);
    });
  });

  describe("register: malformed manifest CIDs", function () {
    const root = sampleHashOf("root");

    /** "b" + base32 of raw CID bytes, for CIDs multiformats refuses to build. */
    function encodeCidBytes(bytes: number[]): string {
      return base32.encode(Uint8Array.from(bytes));
    }
    const digest = Array.from({ length: 32 }, (_, k) => k + 1);

    it("rejects an empty manifest CID (CidInvalidLength 0)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      await expect(nft.register(root, 1, "", "", 0)).to.be.revertedWithCustomError(nft, "CidInvalidLength").withArgs(0n);
    });

    it("rejects a CIDv0 (CidInvalidLength 46)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const v0 = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o";
      await expect(nft.register(root, 1, v0, "", 0)).to.be.revertedWithCustomError(nft, "CidInvalidLength").withArgs(46n);
    });

    it("rejects a sha2-512 CID, whose text is too long (CidInvalidLength)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const long = encodeCidBytes([0x01, 0x55, 0x13, 0x40, ...digest, ...digest]);
      await expect(nft.register(root, 1, long, "", 0))
        .to.be.revertedWithCustomError(nft, "CidInvalidLength")
        .withArgs(BigInt(long.length));
    });

    it("rejects another multibase (CidUnsupportedMultibase)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const upper = "B" + MANIFEST.slice(1).toUpperCase();
      await expect(nft.register(root, 1, upper, "", 0))
        .to.be.revertedWithCustomError(nft, "CidUnsupportedMultibase")
        .withArgs("0x42");
    });

    it("rejects a character outside the base32 alphabet, naming its position (CidInvalidCharacter)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const bad = MANIFEST.slice(0, 10) + "0" + MANIFEST.slice(11);
      await expect(nft.register(root, 1, bad, "", 0))
        .to.be.revertedWithCustomError(nft, "CidInvalidCharacter")
        .withArgs(10n, "0x30");
    });

    it("rejects non-zero padding bits in the last character (CidNonCanonicalEncoding)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      // 36 bytes = 288 bits in 58 characters: the last character has 2 padding bits; flip the lowest.
      const last = MANIFEST.at(-1)!;
      const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
      const flipped = MANIFEST.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
      await expect(nft.register(root, 1, flipped, "", 0)).to.be.revertedWithCustomError(nft, "CidNonCanonicalEncoding");
    });

    it("rejects a CID version other than 1 (CidUnsupportedVersion)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const v2 = encodeCidBytes([0x02, 0x55, 0x12, 0x20, ...digest]);
      await expect(nft.register(root, 1, v2, "", 0))
        .to.be.revertedWithCustomError(nft, "CidUnsupportedVersion")
        .withArgs(2n);
    });

    it("rejects a non-minimal or 5-byte codec varint (CidInvalidCodec)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const nonMinimal = encodeCidBytes([0x01, 0xd5, 0x00, 0x12, 0x20, ...digest]);
      await expect(nft.register(root, 1, nonMinimal, "", 0)).to.be.revertedWithCustomError(nft, "CidInvalidCodec");
      const fiveBytes = encodeCidBytes([0x01, 0x80, 0x80, 0x80, 0x80, 0x01, 0x12, 0x20, ...digest.slice(1)]);
      await expect(nft.register(root, 1, fiveBytes, "", 0)).to.be.revertedWithCustomError(nft, "CidInvalidCodec");
    });

    it("rejects a multihash other than sha2-256 (CidUnsupportedMultihash)", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const blake3 = encodeCidBytes([0x01, 0x55, 0x1e, 0x20, ...digest]);
      await expect(nft.register(root, 1, blake3, "", 0))
        .to.be.revertedWithCustomError(nft, "CidUnsupportedMultihash")
        .withArgs(0x1en, 0x20n);
    });
  });

  describe("token URI", function () {
    it("rebuilds a compact ipfs:// URI exactly", async function () {
      const { nft, id } = await networkHelpers.loadFixture(deployWithDataset);
      expect(await nft.tokenURI(id)).to.equal(TOKEN_URI);
    });

    it("returns any other URI verbatim, and an empty one as empty", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const uris = [
        "",
        "https://example.org/datasets/1.json",
        "ipfs://QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o",
        `ipfs://${cidOfBytes("x")}/metadata.json`,
        `IPFS://${cidOfBytes("x")}`,
        `ipfs://${cidOfBytes("x").toUpperCase()}`,
        "ipfs://",
        "data:application/json;base64,eyJuYW1lIjoieCJ9",
      ];
      for (const [k, uri] of uris.entries()) {
        await nft.register(sampleHashOf(`r${k}`), 1, MANIFEST, uri, 0);
        expect(await nft.tokenURI(k + 1), JSON.stringify(uri)).to.equal(uri);
      }
    });

    it("lets the owner replace it and emits MetadataUpdate", async function () {
      const { nft, alice, id } = await networkHelpers.loadFixture(deployWithDataset);
      for (const uri of ["https://example.org/x.json", `ipfs://${cidOfBytes("v2", DAG_PB)}`, ""]) {
        await expect(nft.connect(alice).setTokenURI(id, uri)).to.emit(nft, "MetadataUpdate").withArgs(id);
        expect(await nft.tokenURI(id)).to.equal(uri);
      }
    });

    it("rejects edits by anyone but the owner, even an approved operator", async function () {
      const { nft, alice, bob, id } = await networkHelpers.loadFixture(deployWithDataset);
      await expect(nft.connect(bob).setTokenURI(id, "x"))
        .to.be.revertedWithCustomError(nft, "CompactTokenURIUnauthorizedEditor")
        .withArgs(id, bob.address);
      await nft.connect(alice).setApprovalForAll(bob.address, true);
      await expect(nft.connect(bob).setTokenURI(id, "x"))
        .to.be.revertedWithCustomError(nft, "CompactTokenURIUnauthorizedEditor")
        .withArgs(id, bob.address);
      await expect(nft.connect(bob).freezeMetadata(id))
        .to.be.revertedWithCustomError(nft, "CompactTokenURIUnauthorizedEditor")
        .withArgs(id, bob.address);
    });

    it("follows ownership: the new owner edits, the old one cannot", async function () {
      const { nft, alice, bob, id } = await networkHelpers.loadFixture(deployWithDataset);
      await nft.connect(alice).transferFrom(alice.address, bob.address, id);
      await expect(nft.connect(bob).setTokenURI(id, "bob's")).to.emit(nft, "MetadataUpdate").withArgs(id);
      await expect(nft.connect(alice).setTokenURI(id, "alice's"))
        .to.be.revertedWithCustomError(nft, "CompactTokenURIUnauthorizedEditor")
        .withArgs(id, alice.address);
    });

    it("freezes for good: emits PermanentURI, then every edit reverts", async function () {
      const { nft, alice, id } = await networkHelpers.loadFixture(deployWithDataset);
      await expect(nft.connect(alice).freezeMetadata(id)).to.emit(nft, "PermanentURI").withArgs(TOKEN_URI, id);
      expect(await nft.metadataFrozen(id)).to.equal(true);
      expect((await nft.dataset(id)).metadataFrozen).to.equal(true);
      await expect(nft.connect(alice).setTokenURI(id, "x"))
        .to.be.revertedWithCustomError(nft, "CompactTokenURIMetadataFrozen")
        .withArgs(id);
      await expect(nft.connect(alice).freezeMetadata(id))
        .to.be.revertedWithCustomError(nft, "CompactTokenURIMetadataFrozen")
        .withArgs(id);
      expect(await nft.tokenURI(id)).to.equal(TOKEN_URI);
    });

    it("stays frozen after a transfer", async function () {
      const { nft, alice, bob, id } = await networkHelpers.loadFixture(deployWithDataset);
      await nft.connect(alice).freezeMetadata(id);
      await nft.connect(alice).transferFrom(alice.address, bob.address, id);
      await expect(nft.connect(bob).setTokenURI(id, "x"))
        .to.be.revertedWithCustomError(nft, "CompactTokenURIMetadataFrozen")
        .withArgs(id);
    });
  });

  describe("verifySample and verifySamples", function () {
    it("accepts every leaf with its proof", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      for (let k = 0; k < tree.leafCount; k++) {
        expect(await nft.verifySample(id, tree.sampleHashes[k]!, k, membershipProof(tree, k)), `leaf ${k}`).to.equal(
          true,
        );
      }
    });

    it("rejects a wrong index, a foreign sample and a proof from another dataset", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      const proof = membershipProof(tree, 3);
      expect(await nft.verifySample(id, tree.sampleHashes[3]!, 2, proof)).to.equal(false);
      expect(await nft.verifySample(id, sampleHashOf("not in the dataset"), 3, proof)).to.equal(false);
      const other = buildSampleTree(sortedSampleHashes(10, "other"));
      expect(await nft.verifySample(id, other.sampleHashes[3]!, 3, membershipProof(other, 3))).to.equal(false);
      expect(await nft.verifySample(id, tree.sampleHashes[3]!, 10, proof)).to.equal(false);
    });

    it("accepts a batch with its multiproof and rejects it when one sample is foreign", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      const indexes = [0, 3, 4, 9];
      const samples = indexes.map((k) => tree.sampleHashes[k]!);
      const proof = multiproof(tree, indexes);
      expect(await nft.verifySamples(id, samples, indexes, proof)).to.equal(true);
      const forged = [...samples];
      forged[2] = sampleHashOf("foreign");
      expect(await nft.verifySamples(id, forged, indexes, proof)).to.equal(false);
    });

    it("rejects unsorted batch indexes and a proof of the wrong length", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      const proof = multiproof(tree, [2, 7]);
      const hashes = (ks: number[]) => ks.map((k) => tree.sampleHashes[k]!);
      expect(await nft.verifySamples(id, hashes([7, 2]), [7, 2], proof)).to.equal(false);
      expect(await nft.verifySamples(id, hashes([2, 7]), [2, 7], proof.slice(1))).to.equal(false);
      expect(await nft.verifySamples(id, hashes([2, 7]), [2, 7], [...proof, ZERO_HASH])).to.equal(false);
      expect(await nft.verifySamples(id, [], [], [])).to.equal(false);
    });

    it("reverts when sample hashes and indexes differ in length", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      await expect(nft.verifySamples(id, [tree.sampleHashes[0]!, tree.sampleHashes[1]!], [0], []))
        .to.be.revertedWithCustomError(nft, "SampleMerkleBatchLengthMismatch")
        .withArgs(2n, 1n);
    });
  });

  describe("verifyAbsence", function () {
    async function absent(nft: DatasetNFT, id: bigint, tree: SampleTree, query: string, indexes: number[]) {
      return nft.verifyAbsence(
        id,
        query,
        indexes.map((k) => neighborAt(tree, k)),
      );
    }

    it("proves a hash between two adjacent leaves absent", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      expect(await absent(nft, id, tree, nextTo(tree.sampleHashes[4]!, 1n), [4, 5])).to.equal(true);
    });

    it("proves hashes below the first and above the last leaf absent", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      expect(await absent(nft, id, tree, nextTo(tree.sampleHashes[0]!, -1n), [0])).to.equal(true);
      expect(await absent(nft, id, tree, nextTo(tree.sampleHashes[9]!, 1n), [9])).to.equal(true);
    });

    it("never proves a committed sample absent", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      for (let k = 0; k < tree.leafCount; k++) {
        const q = tree.sampleHashes[k]!;
        expect(await absent(nft, id, tree, q, [0]), `leaf ${k} vs first`).to.equal(false);
        expect(await absent(nft, id, tree, q, [9]), `leaf ${k} vs last`).to.equal(false);
        if (k > 0) expect(await absent(nft, id, tree, q, [k - 1, k]), `leaf ${k} pair below`).to.equal(false);
        if (k < 9) expect(await absent(nft, id, tree, q, [k, k + 1]), `leaf ${k} pair above`).to.equal(false);
      }
    });

    it("rejects non-adjacent, reversed, empty and oversized neighbor lists", async function () {
      const { nft, tree, id } = await networkHelpers.loadFixture(deployWithDataset);
      const q = nextTo(tree.sampleHashes[4]!, 1n);
      expect(await absent(nft, id, tree, q, [3, 5])).to.equal(false);
      expect(await absent(nft, id, tree, q, [5, 4])).to.equal(false);
      expect(await absent(nft, id, tree, q, [])).to.equal(false);
      expect(await absent(nft, id, tree, q, [4, 5, 6])).to.equal(false);
      expect(await absent(nft, id, tree, q, [4])).to.equal(false);
    });

    it("returns false for every query once the dataset is disordered", async function () {
      const { nft, bad, badId } = await networkHelpers.loadFixture(deployWithDisorderedDataset);
      const q = nextTo(bad.sampleHashes[0]!, 1n);
      expect(await absent(nft, badId, bad, q, [0, 1])).to.equal(true);
      await nft.reportDisorder(badId, neighborAt(bad, 4), neighborAt(bad, 5));
      expect(await absent(nft, badId, bad, q, [0, 1])).to.equal(false);
    });
  });

  describe("reportDisorder", function () {
    it("lets anyone mark a dataset with out-of-order leaves disordered", async function () {
      const { nft, carol, bad, badId } = await networkHelpers.loadFixture(deployWithDisorderedDataset);
      await expect(nft.connect(carol).reportDisorder(badId, neighborAt(bad, 4), neighborAt(bad, 5)))
        .to.emit(nft, "DatasetDisordered")
        .withArgs(badId, 4n);
      expect((await nft.dataset(badId)).disordered).to.equal(true);
    });

    it("treats duplicate adjacent leaves as disorder", async function () {
      const { nft } = await networkHelpers.loadFixture(deployDatasetNFT);
      const hashes = sortedSampleHashes(4);
      hashes[2] = hashes[1]!;
      const dup = buildSampleTree(hashes);
      await nft.register(dup.root, 4, MANIFEST, "", 0);
      await expect(nft.reportDisorder(1n, neighborAt(dup, 1), neighborAt(dup, 2)))
        .to.emit(nft, "DatasetDisordered")
        .withArgs(1n, 1n);
    });

    it("rejects a second report", async function () {
      const { nft, bad, badId } = await networkHelpers.loadFixture(deployWithDisorderedDataset);
      await nft.reportDisorder(badId, neighborAt(bad, 4), neighborAt(bad, 5));
      await expect(nft.reportDisorder(badId, neighborAt(bad, 4), neighborAt(bad, 5)))
        .to.be.revertedWithCustomError(nft, "DatasetAlreadyDisordered")
        .withArgs(badId);
    });

    it("rejects sorted leaves, non-adjacent leaves and invalid proofs", async function () {
      const { nft, tree, id, bad, badId } = await networkHelpers.loadFixture(deployWithDisorderedDataset);
      await expect(nft.reportDisorder(id, neighborAt(tree, 4), neighborAt(tree, 5)))
        .to.be.revertedWithCustomError(nft, "DatasetInvalidDisorderProof")
        .withArgs(id, 4n, 5n);
      await expect(nft.reportDisorder(id, neighborAt(tree, 6), neighborAt(tree, 2)))
        .to.be.revertedWithCustomError(nft, "DatasetInvalidDisorderProof")
        .withArgs(id, 6n, 2n);
      const forged = { ...neighborAt(bad, 5), proof: [ZERO_HASH, ...membershipProof(bad, 5).slice(1)] };
      await expect(nft.reportDisorder(badId, neighborAt(bad, 4), forged))
        .to.be.revertedWithCustomError(nft, "DatasetInvalidDisorderProof")
        .withArgs(badId, 4n, 5n);
      // A proof against the other dataset's root.
      await expect(nft.reportDisorder(id, neighborAt(bad, 4), neighborAt(bad, 5)))
        .to.be.revertedWithCustomError(nft, "DatasetInvalidDisorderProof")
        .withArgs(id, 4n, 5n);
    });
  });

  describe("unknown token ids", function () {
    it("revert with ERC721NonexistentToken in every view and edit", async function () {
      const { nft, tree } = await networkHelpers.loadFixture(deployWithDataset);
      for (const id of [0n, 2n, ethers.MaxUint256]) {
        const n = neighborAt(tree, 0);
        const calls = [
          () => nft.dataset(id),
          () => nft.verifySample(id, n.sampleHash, 0, n.proof),
          () => nft.verifySamples(id, [n.sampleHash], [0], n.proof),
          () => nft.verifyAbsence(id, ZERO_HASH, [n]),
          () => nft.reportDisorder(id, n, neighborAt(tree, 1)),
          () => nft.tokenURI(id),
          () => nft.metadataFrozen(id),
          () => nft.ownerOf(id),
          () => nft.setTokenURI(id, "x"),
          () => nft.freezeMetadata(id),
        ];
        for (const call of calls) {
          await expect(call()).to.be.revertedWithCustomError(nft, "ERC721NonexistentToken").withArgs(id);
        }
        expect(await nft.exists(id)).to.equal(false);
      }
    });

    it("return 0 from tokenIdOfRoot for a root never registered", async function () {
      const { nft } = await networkHelpers.loadFixture(deployWithDataset);
      expect(await nft.tokenIdOfRoot(sampleHashOf("unregistered"))).to.equal(0n);
      expect(await nft.tokenIdOfRoot(ZERO_HASH)).to.equal(0n);
    });
  });
});
