/**
 * ModelNFT on Hardhat's EDR (cancun): every function, revert (custom error and arguments) and event; the bounded
 * breadth-first `ancestors` on diamond lineages, with pagination and its window cap; minting to contract callers
 * without a callback.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { DatasetNFT, ModelNFT } from "../../typechain-types/index.js";
import { cidOfBytes, DAG_PB } from "./helpers/cids.js";
import { sampleHashOf } from "./helpers/sampleTree.js";

const { ethers, networkHelpers } = await network.create();

/** ModelNFT.Relation */
const Relation = { None: 0, Finetune: 1, Adapter: 2, Quantized: 3, Merge: 4 } as const;
type RelationValue = (typeof Relation)[keyof typeof Relation];

const MANIFEST = cidOfBytes("manifest", DAG_PB);
const TOKEN_URI = `ipfs://${cidOfBytes("model.json")}`;

interface ModelParams {
  datasetIds: bigint[];
  parentIds: bigint[];
  relation: RelationValue;
  weightsHash: string;
  trainingLogHead: string;
  fingerprintRoot: string;
  tokenURI: string;
}

/** Register params with sensible defaults: a base model trained on dataset 1. */
function params(overrides: Partial<ModelParams> = {}): ModelParams {
  return {
    datasetIds: [1n],
    parentIds: [],
    relation: Relation.None,
    weightsHash: sampleHashOf(`weights ${JSON.stringify(overrides, (_, v) => (typeof v === "bigint" ? `${v}` : v))}`),
    trainingLogHead: sampleHashOf("log"),
    fingerprintRoot: sampleHashOf("fingerprints"),
    tokenURI: TOKEN_URI,
    ...overrides,
  };
}

/** Registers datasets `from` + 1 … `from` + `count` (distinct roots). */
async function registerDatasets(datasets: DatasetNFT, count: number, from = 0) {
  for (let k = from; k < from + count; k++) await datasets.register(sampleHashOf(`dataset ${k}`), 100, MANIFEST, "", 0);
}

/** A DatasetNFT with 3 datasets and an empty ModelNFT bound to it. */
async function deployRegistry() {
  const [alice, bob] = await ethers.getSigners();
  const datasets: DatasetNFT = await ethers.deployContract("DatasetNFT");
  await registerDatasets(datasets, 3);
  const models: ModelNFT = await ethers.deployContract("ModelNFT", [await datasets.getAddress()]);
  return { datasets, models, alice: alice!, bob: bob! };
}

/**
 * A lineage diamond: 1 base (datasets 1, 2); 2 finetune of 1; 3 adapter of 1; 4 merge of 2 and 3;
 * 5 merge of 4 and 1.
 */
async function deployWithLineage() {
  const base = await deployRegistry();
  const { models } = base;
  await models.register(params({ datasetIds: [1n, 2n] }));
  await models.register(params({ datasetIds: [3n], parentIds: [1n], relation: Relation.Finetune }));
  await models.register(params({ datasetIds: [], parentIds: [1n], relation: Relation.Adapter }));
  await models.register(params({ datasetIds: [], parentIds: [2n, 3n], relation: Relation.Merge }));
  await models.register(params({ datasetIds: [], parentIds: [4n, 1n], relation: Relation.Merge }));
  return base;
}

describe("ModelNFT", function () {
  describe("deployment", function () {
    it("is named Datatrace Model / DTMD, bound to its DatasetNFT, and starts empty", async function () {
      const { datasets, models } = await networkHelpers.loadFixture(deployRegistry);
      expect(await models.name()).to.equal("Datatrace Model");
      expect(await models.symbol()).to.equal("DTMD");
      expect(await models.datasetNFT()).to.equal(await datasets.getAddress());
      expect(await models.modelCount()).to.equal(0n);
      expect(await models.MAX_DATASETS()).to.equal(64n);
      expect(await models.MAX_PARENTS()).to.equal(16n);
      expect(await models.supportsInterface("0x49064906")).to.equal(true);
    });

    it("rejects a dataset registry address without code", async function () {
      const { models, bob } = await networkHelpers.loadFixture(deployRegistry);
      const factory = await ethers.getContractFactory("ModelNFT");
      await expect(factory.deploy(bob.address))
        .to.be.revertedWithCustomError(models, "ModelInvalidDatasetNFT")
        .withArgs(bob.address);
    });
  });

  describe("register", function () {
    it("mints a base model to the caller and emits ModelRegistered and Transfer", async function () {
      const { models, alice } = await networkHelpers.loadFixture(deployRegistry);
      const p = params({ datasetIds: [2n, 1n] });
      await expect(models.connect(alice).register(p))
        .to.emit(models, "ModelRegistered")
        .withArgs(
          1n,
          alice.address,
          p.weightsHash,
          Relation.None,
          [2n, 1n],
          [],
          p.trainingLogHead,
          p.fingerprintRoot,
          p.tokenURI,
        )
        .and.to.emit(models, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, 1n);
      expect(await models.ownerOf(1n)).to.equal(alice.address);
      expect(await models.modelCount()).to.equal(1n);
      expect(await models.exists(1n)).to.equal(true);
    });

    it("stores every commitment and link in order", async function () {
      const { models, alice, bob } = await networkHelpers.loadFixture(deployRegistry);
      await models.connect(alice).register(params());
      const p = params({ datasetIds: [3n, 1n], parentIds: [1n], relation: Relation.Finetune });
      await models.connect(bob).register(p);
      const m = await models.model(2n);
      expect(m.weightsHash).to.equal(p.weightsHash);
      expect(m.trainingLogHead).to.equal(p.trainingLogHead);
      expect(m.fingerprintRoot).to.equal(p.fingerprintRoot);
      expect(m.relation).to.equal(BigInt(Relation.Finetune));
      expect(m.datasetIds).to.deep.equal([3n, 1n]);
      expect(m.parentIds).to.deep.equal([1n]);
      expect(m.registrant).to.equal(bob.address);
      expect(m.registeredAt).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(m.metadataFrozen).to.equal(false);
      expect(await models.datasetsOf(2n)).to.deep.equal([3n, 1n]);
      expect(await models.parentsOf(2n)).to.deep.equal([1n]);
      expect(await models.tokenURI(2n)).to.equal(TOKEN_URI);
    });

    it("allows a zero training log head and fingerprint root", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      await models.register(params({ trainingLogHead: ethers.ZeroHash, fingerprintRoot: ethers.ZeroHash }));
      const m = await models.model(1n);
      expect(m.trainingLogHead).to.equal(ethers.ZeroHash);
      expect(m.fingerprintRoot).to.equal(ethers.ZeroHash);
    });

    it("accepts each single-parent relation and a merge of several parents without datasets", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      await models.register(params());
      for (const relation of [Relation.Finetune, Relation.Adapter, Relation.Quantized]) {
        await models.register(params({ datasetIds: [], parentIds: [1n], relation }));
      }
      await models.register(params({ datasetIds: [], parentIds: [4n, 2n, 3n], relation: Relation.Merge }));
      expect(await models.parentsOf(5n)).to.deep.equal([4n, 2n, 3n]);
      expect(await models.datasetsOf(5n)).to.deep.equal([]);
      expect((await models.model(3n)).relation).to.equal(BigInt(Relation.Adapter));
    });

    it("stores the maximum of 64 datasets and 16 parents, packed across words, in order", async function () {
      const { datasets, models } = await networkHelpers.loadFixture(deployRegistry);
      await registerDatasets(datasets, 61, 3); // 64 in all
      for (let k = 0; k < 16; k++) await models.register(params({ datasetIds: [BigInt(k % 3) + 1n], tokenURI: `${k}` }));
      const datasetIds = Array.from({ length: 64 }, (_, k) => BigInt(64 - k)); // descending: order is kept
      const parentIds = Array.from({ length: 16 }, (_, k) => BigInt(((k * 5) % 16) + 1));
      await models.register(params({ datasetIds, parentIds, relation: Relation.Merge }));
      expect(await models.datasetsOf(17n)).to.deep.equal(datasetIds);
      expect(await models.parentsOf(17n)).to.deep.equal(parentIds);
    });

    it("rejects more than 64 datasets or 16 parents", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      const many = (n: number) => Array.from({ length: n }, (_, k) => BigInt(k + 1));
      await expect(models.register(params({ datasetIds: many(65) })))
        .to.be.revertedWithCustomError(models, "ModelTooManyDatasets")
        .withArgs(65n, 64n);
      await expect(models.register(params({ parentIds: many(17), relation: Relation.Merge })))
        .to.be.revertedWithCustomError(models, "ModelTooManyParents")
        .withArgs(17n, 16n);
    });

    it("rejects a model that names neither a dataset nor a parent", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      await expect(models.register(params({ datasetIds: [] }))).to.be.revertedWithCustomError(
        models,
        "ModelMissingProvenance",
      );
    });

    it("rejects every relation that does not fit the parent count", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      const cases: [RelationValue, bigint[]][] = [
        [Relation.None, [1n]],
        [Relation.Finetune, []],
        [Relation.Finetune, [1n, 2n]],
        [Relation.Adapter, [1n, 2n]],
        [Relation.Quantized, []],
        [Relation.Merge, [1n]],
        [Relation.Merge, []],
      ];
      for (const [relation, parentIds] of cases) {
        await expect(models.register(params({ parentIds, relation })), `${relation} with ${parentIds.length}`)
          .to.be.revertedWithCustomError(models, "ModelRelationMismatch")
          .withArgs(relation, BigInt(parentIds.length));
      }
    });

    it("rejects a relation value outside the enum", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      const p = { ...params({ parentIds: [1n] }), relation: 5 };
      await expect(models.register(p)).to.revert(ethers);
    });

    it("rejects a zero weights hash", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      await expect(models.register(params({ weightsHash: ethers.ZeroHash }))).to.be.revertedWithCustomError(
        models,
        "ModelZeroWeightsHash",
      );
    });

    it("rejects datasets that are not registered", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      for (const id of [0n, 4n, ethers.MaxUint256]) {
        await expect(models.register(params({ datasetIds: [1n, id] })))
          .to.be.revertedWithCustomError(models, "ModelUnknownDataset")
          .withArgs(id);
      }
    });

    it("rejects a dataset named twice", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      await expect(models.register(params({ datasetIds: [2n, 3n, 2n] })))
        .to.be.revertedWithCustomError(models, "ModelDuplicateDataset")
        .withArgs(2n);
    });

    it("rejects parents that are not registered, including the model's own future id", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      for (const id of [0n, 6n, 7n]) {
        await expect(models.register(params({ parentIds: [id], relation: Relation.Finetune })))
          .to.be.revertedWithCustomError(models, "ModelUnknownParent")
          .withArgs(id);
      }
    });

    it("rejects a parent named twice", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      await expect(models.register(params({ parentIds: [3n, 1n, 3n], relation: Relation.Merge })))
        .to.be.revertedWithCustomError(models, "ModelDuplicateParent")
        .withArgs(3n);
    });
  });

  describe("ancestors", function () {
    it("walks breadth-first and lists each ancestor of a diamond once", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      // 5 -> (4, 1); 4 -> (2, 3); 1 -> (); 2 -> 1 (seen); 3 -> 1 (seen)
      expect(await models.ancestors(5n, 0n, 100n)).to.deep.equal([[4n, 1n, 2n, 3n], false]);
      // 4 -> (2, 3); 2 -> 1; 3 -> 1 (seen): without the visited bitmap 1 would come twice.
      expect(await models.ancestors(4n, 0n, 100n)).to.deep.equal([[2n, 3n, 1n], false]);
      expect(await models.ancestors(2n, 0n, 256n)).to.deep.equal([[1n], false]);
    });

    it("pages through the order with offset and limit, saying whether more follow", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      expect(await models.ancestors(5n, 0n, 2n)).to.deep.equal([[4n, 1n], true]);
      expect(await models.ancestors(5n, 2n, 2n)).to.deep.equal([[2n, 3n], false]);
      expect(await models.ancestors(5n, 1n, 2n)).to.deep.equal([[1n, 2n], true]);
      expect(await models.ancestors(5n, 3n, 1n)).to.deep.equal([[3n], false]);
      expect(await models.ancestors(5n, 0n, 0n)).to.deep.equal([[], true]);
      expect(await models.ancestors(5n, 4n, 10n)).to.deep.equal([[], false]);
      expect(await models.ancestors(5n, 9n, 10n)).to.deep.equal([[], false]);
    });

    it("returns nothing for a base model", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      expect(await models.ancestors(1n, 0n, 10n)).to.deep.equal([[], false]);
    });

    it("walks windows of up to MAX_ANCESTOR_WINDOW ancestors, offset included", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      const max = await models.MAX_ANCESTOR_WINDOW();
      expect(max).to.equal(256n);
      expect(await models.ancestors(5n, 0n, max)).to.deep.equal([[4n, 1n, 2n, 3n], false]);
      expect(await models.ancestors(5n, max, 0n)).to.deep.equal([[], false]);
      for (const [offset, limit] of [
        [0n, max + 1n],
        [max + 1n, 0n],
        [1n, max],
        [max, 1n],
        [1n, ethers.MaxUint256],
        [ethers.MaxUint256, 0n],
      ] as const) {
        await expect(models.ancestors(5n, offset, limit), `${offset} + ${limit}`)
          .to.be.revertedWithCustomError(models, "ModelAncestorWindowTooLarge")
          .withArgs(offset, limit);
      }
    });

    it("matches a reference breadth-first walk on a dense lineage (40 models, up to 16 parents each)", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      const parents = new Map<number, number[]>();
      for (let id = 1; id <= 40; id++) {
        const count = Math.min(id - 1, (id * 7) % 17);
        const ids: number[] = [];
        for (let k = 0; ids.length < count; k++) {
          const p = 1 + ((id * 31 + k) % (id - 1)); // k steps by 1: every earlier id is reachable
          if (!ids.includes(p)) ids.push(p);
        }
        parents.set(id, ids);
        const relation = count === 0 ? Relation.None : count === 1 ? Relation.Finetune : Relation.Merge;
        await models.register(params({ parentIds: ids.map(BigInt), relation, weightsHash: sampleHashOf(`dense ${id}`) }));
      }
      const reference = (id: number): bigint[] => {
        const queue = [id];
        const seen = new Set<number>();
        for (let head = 0; head < queue.length; head++) {
          for (const p of parents.get(queue[head]!) ?? []) {
            if (!seen.has(p)) {
              seen.add(p);
              queue.push(p);
            }
          }
        }
        return queue.slice(1).map(BigInt);
      };
      for (const id of [2, 17, 33, 40]) {
        const all = reference(id);
        expect(await models.ancestors(id, 0n, 256n), `model ${id}`).to.deep.equal([all, false]);
        expect(await models.ancestors(id, 5n, 7n), `model ${id}, window`).to.deep.equal([
          all.slice(5, 12),
          all.length > 12,
        ]);
      }
    });
  });

  describe("minting to contract callers", function () {
    async function deployWithCallers() {
      const base = await deployRegistry();
      const args = [await base.datasets.getAddress(), await base.models.getAddress()];
      const reentrant = await ethers.deployContract("ReentrantRegistrant", args);
      const plain = await ethers.deployContract("PlainRegistrant", args);
      return { ...base, reentrant, plain };
    }

    it("mints to a contract without onERC721Received (as a native Filecoin actor)", async function () {
      const { models, plain } = await networkHelpers.loadFixture(deployWithCallers);
      await (await plain.getFunction("registerModel")(params())).wait();
      expect(await models.ownerOf(1n)).to.equal(await plain.getAddress());
      expect((await models.model(1n)).registrant).to.equal(await plain.getAddress());
    });

    it("never calls onERC721Received during register, so a re-entering receiver gets no callback", async function () {
      const { models, alice, reentrant } = await networkHelpers.loadFixture(deployWithCallers);
      await (await reentrant.getFunction("registerModel")(params())).wait();
      expect(await reentrant.getFunction("callbacks")()).to.equal(0n);
      expect(await models.ownerOf(1n)).to.equal(await reentrant.getAddress());
      // A safe transfer does call it (and it re-enters DatasetNFT.register): the check above is meaningful.
      await models.connect(alice).register(params({ weightsHash: sampleHashOf("alice's") }));
      const to = await reentrant.getAddress();
      await models.connect(alice).getFunction("safeTransferFrom(address,address,uint256)")(alice.address, to, 2n);
      expect(await reentrant.getFunction("callbacks")()).to.equal(1n);
    });
  });

  describe("registrant", function () {
    it("stays the registrant after transfers", async function () {
      const { models, alice, bob } = await networkHelpers.loadFixture(deployWithLineage);
      const registrant = (await models.model(2n)).registrant;
      await models.connect(alice).transferFrom(alice.address, bob.address, 2n);
      expect(await models.ownerOf(2n)).to.equal(bob.address);
      expect((await models.model(2n)).registrant).to.equal(registrant);
    });
  });

  describe("token URI", function () {
    it("lets the owner edit until frozen, with MetadataUpdate and PermanentURI", async function () {
      const { models, alice } = await networkHelpers.loadFixture(deployWithLineage);
      const uri = `ipfs://${cidOfBytes("v2.json")}`;
      await expect(models.connect(alice).setTokenURI(2n, uri)).to.emit(models, "MetadataUpdate").withArgs(2n);
      expect(await models.tokenURI(2n)).to.equal(uri);
      await expect(models.connect(alice).freezeMetadata(2n)).to.emit(models, "PermanentURI").withArgs(uri, 2n);
      expect((await models.model(2n)).metadataFrozen).to.equal(true);
      await expect(models.connect(alice).setTokenURI(2n, "x"))
        .to.be.revertedWithCustomError(models, "CompactTokenURIMetadataFrozen")
        .withArgs(2n);
    });

    it("rejects edits by a non-owner", async function () {
      const { models, bob } = await networkHelpers.loadFixture(deployWithLineage);
      await expect(models.connect(bob).setTokenURI(1n, "x"))
        .to.be.revertedWithCustomError(models, "CompactTokenURIUnauthorizedEditor")
        .withArgs(1n, bob.address);
    });

    it("stores a text URI verbatim", async function () {
      const { models } = await networkHelpers.loadFixture(deployRegistry);
      await models.register(params({ tokenURI: "https://example.org/models/1.json" }));
      expect(await models.tokenURI(1n)).to.equal("https://example.org/models/1.json");
    });
  });

  describe("unknown token ids", function () {
    it("revert with ERC721NonexistentToken in every view and edit", async function () {
      const { models } = await networkHelpers.loadFixture(deployWithLineage);
      for (const id of [0n, 6n, ethers.MaxUint256]) {
        const calls = [
          () => models.model(id),
          () => models.datasetsOf(id),
          () => models.parentsOf(id),
          () => models.ancestors(id, 0n, 10n),
          () => models.tokenURI(id),
          () => models.metadataFrozen(id),
          () => models.setTokenURI(id, "x"),
          () => models.freezeMetadata(id),
        ];
        for (const call of calls) {
          await expect(call()).to.be.revertedWithCustomError(models, "ERC721NonexistentToken").withArgs(id);
        }
        expect(await models.exists(id)).to.equal(false);
      }
    });
  });
});
