/**
 * DatasetNFT's optional commit-reveal registration (docs/contracts.md, "Front-running"): `commit(commitment,
 * rootKey)`, then `registerCommitted(...)` between MIN_COMMITMENT_AGE and MAX_COMMITMENT_AGE later; while a
 * commitment claims a root, plain `register` of it reverts. Commitments are computed here with ethers' ABI coder,
 * independently of the contract's `commitmentOf`.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { DatasetNFT } from "../../typechain-types/index.js";
import { cidOfBytes, DAG_PB } from "./helpers/cids.js";
import { buildSampleTree, sortedSampleHashes } from "./helpers/sampleTree.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;

const MANIFEST = cidOfBytes("manifest", DAG_PB);
const JUNK_MANIFEST = cidOfBytes("junk", DAG_PB);
const TOKEN_URI = `ipfs://${cidOfBytes("metadata.json")}`;
const MIN_AGE = 10n * 60n;
const MAX_AGE = 24n * 60n * 60n;

interface Registration {
  root: string;
  leafCount: bigint;
  manifestCid: string;
  uri: string;
  previousVersion: bigint;
  salt: string;
}

/** keccak256(abi.encode(registrant, root, leafCount, manifestCid, uri, previousVersion, salt)). */
function commitmentOf(registrant: string, r: Registration): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["address", "bytes32", "uint64", "string", "string", "uint256", "bytes32"],
      [registrant, r.root, r.leafCount, r.manifestCid, r.uri, r.previousVersion, r.salt],
    ),
  );
}

/** keccak256(abi.encode(root)). */
function rootKeyOf(root: string): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32"], [root]));
}

function reveal(nft: DatasetNFT, r: Registration) {
  return nft.registerCommitted(r.root, r.leafCount, r.manifestCid, r.uri, r.previousVersion, r.salt);
}

/** Alice has a 10-sample dataset to register and a random salt; nothing is committed yet. */
async function deployWithPlan() {
  const [alice, bob, carol] = await ethers.getSigners();
  const nft: DatasetNFT = await ethers.deployContract("DatasetNFT");
  const tree = buildSampleTree(sortedSampleHashes(10));
  const plan: Registration = {
    root: tree.root,
    leafCount: 10n,
    manifestCid: MANIFEST,
    uri: TOKEN_URI,
    previousVersion: 0n,
    salt: ethers.hexlify(ethers.randomBytes(32)),
  };
  return { nft, alice: alice!, bob: bob!, carol: carol!, plan };
}

/** As {deployWithPlan}, and Alice has committed; `committedAt` is the commit block's timestamp. */
async function deployWithCommitment() {
  const base = await deployWithPlan();
  const commitment = commitmentOf(base.alice.address, base.plan);
  await base.nft.connect(base.alice).commit(commitment, rootKeyOf(base.plan.root));
  const committedAt = BigInt(await time.latest());
  return { ...base, commitment, committedAt };
}

describe("DatasetNFT commit-reveal registration", function () {
  describe("helpers", function () {
    it("commitmentOf and rootKeyOf match the documented ABI encodings", async function () {
      const { nft, alice, plan } = await networkHelpers.loadFixture(deployWithPlan);
      expect(
        await nft.commitmentOf(alice.address, plan.root, plan.leafCount, plan.manifestCid, plan.uri, 0n, plan.salt),
      ).to.equal(commitmentOf(alice.address, plan));
      expect(await nft.rootKeyOf(plan.root)).to.equal(rootKeyOf(plan.root));
      expect(await nft.MIN_COMMITMENT_AGE()).to.equal(MIN_AGE);
      expect(await nft.MAX_COMMITMENT_AGE()).to.equal(MAX_AGE);
    });

    it("binds every argument: the contract's commitmentOf changes when any one changes", async function () {
      const { nft, alice, bob, plan } = await networkHelpers.loadFixture(deployWithPlan);
      const of = (who: string, r: Registration) =>
        nft.commitmentOf(who, r.root, r.leafCount, r.manifestCid, r.uri, r.previousVersion, r.salt);
      const base = await of(alice.address, plan);
      const variants: Registration[] = [
        { ...plan, root: ethers.id("another root") },
        { ...plan, leafCount: 11n },
        { ...plan, manifestCid: JUNK_MANIFEST },
        { ...plan, uri: "" },
        { ...plan, previousVersion: 1n },
        { ...plan, salt: ethers.ZeroHash },
      ];
      for (const v of variants) expect(await of(alice.address, v)).to.not.equal(base);
      expect(await of(bob.address, plan)).to.not.equal(base);
    });
  });

  describe("commit", function () {
    it("records the time, claims the root for MAX_COMMITMENT_AGE and emits RegistrationCommitted", async function () {
      const { nft, alice, plan } = await networkHelpers.loadFixture(deployWithPlan);
      const commitment = commitmentOf(alice.address, plan);
      const at = BigInt(await time.latest()) + 100n;
      await time.setNextBlockTimestamp(at);
      await expect(nft.connect(alice).commit(commitment, rootKeyOf(plan.root)))
        .to.emit(nft, "RegistrationCommitted")
        .withArgs(commitment, rootKeyOf(plan.root), alice.address, at + MIN_AGE, at + MAX_AGE);
      expect(await nft.committedAt(commitment)).to.equal(at);
      expect(await nft.claimedUntil(rootKeyOf(plan.root))).to.equal(at + MAX_AGE);
    });

    it("does not mint, and the root stays unregistered until the reveal", async function () {
      const { nft, plan } = await networkHelpers.loadFixture(deployWithCommitment);
      expect(await nft.datasetCount()).to.equal(0n);
      expect(await nft.tokenIdOfRoot(plan.root)).to.equal(0n);
    });

    it("keeps the original time when a live commitment is committed again (nobody can postpone it)", async function () {
      const { nft, bob, commitment, committedAt, plan } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.increase(60);
      await expect(nft.connect(bob).commit(commitment, rootKeyOf(plan.root))).to.not.emit(nft, "RegistrationCommitted");
      expect(await nft.committedAt(commitment)).to.equal(committedAt);
    });

    it("renews an expired commitment with a new time", async function () {
      const { nft, alice, commitment, committedAt, plan } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.increaseTo(committedAt + MAX_AGE + 1n);
      const renewed = committedAt + MAX_AGE + 10n;
      await time.setNextBlockTimestamp(renewed);
      await expect(nft.connect(alice).commit(commitment, rootKeyOf(plan.root)))
        .to.emit(nft, "RegistrationCommitted")
        .withArgs(commitment, rootKeyOf(plan.root), alice.address, renewed + MIN_AGE, renewed + MAX_AGE);
      expect(await nft.claimedUntil(rootKeyOf(plan.root))).to.equal(renewed + MAX_AGE);
    });

    it("a copier who commits the same commitment first with a junk root key does not remove the claim", async function () {
      const { nft, alice, bob, plan } = await networkHelpers.loadFixture(deployWithPlan);
      const commitment = commitmentOf(alice.address, plan);
      await nft.connect(bob).commit(commitment, ethers.id("junk key")); // front-runs Alice's commit transaction
      const bobsTime = BigInt(await time.latest());
      await nft.connect(alice).commit(commitment, rootKeyOf(plan.root));
      expect(await nft.committedAt(commitment)).to.equal(bobsTime); // earlier: only helps Alice
      expect(await nft.claimedUntil(rootKeyOf(plan.root))).to.equal(bobsTime + MAX_AGE);
      await time.increaseTo(bobsTime + MIN_AGE);
      await expect(nft.connect(bob).register(plan.root, 1, JUNK_MANIFEST, "", 0)).to.be.revertedWithCustomError(
        nft,
        "DatasetRootClaimed",
      );
      await reveal(nft.connect(alice), plan);
      expect(await nft.ownerOf(1n)).to.equal(alice.address);
    });
  });

  describe("registerCommitted", function () {
    it("registers exactly the committed dataset to the committer once the commitment is old enough", async function () {
      const { nft, alice, plan, committedAt, commitment } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.setNextBlockTimestamp(committedAt + MIN_AGE);
      await expect(reveal(nft.connect(alice), plan))
        .to.emit(nft, "DatasetRegistered")
        .withArgs(1n, plan.root, alice.address, plan.leafCount, plan.manifestCid, 0n);
      const d = await nft.dataset(1n);
      expect([d.root, d.leafCount, d.manifestCid, d.registrant]).to.deep.equal([
        plan.root,
        plan.leafCount,
        plan.manifestCid,
        alice.address,
      ]);
      expect(await nft.tokenURI(1n)).to.equal(plan.uri);
      expect(await nft.ownerOf(1n)).to.equal(alice.address);
      expect(await nft.committedAt(commitment)).to.equal(0n); // consumed
    });

    it("rejects a reveal one second before MIN_COMMITMENT_AGE with DatasetCommitmentTooRecent", async function () {
      const { nft, alice, plan, committedAt, commitment } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.setNextBlockTimestamp(committedAt + MIN_AGE - 1n);
      await expect(reveal(nft.connect(alice), plan))
        .to.be.revertedWithCustomError(nft, "DatasetCommitmentTooRecent")
        .withArgs(commitment, committedAt + MIN_AGE);
    });

    it("accepts a reveal at exactly MAX_COMMITMENT_AGE", async function () {
      const { nft, alice, plan, committedAt } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.setNextBlockTimestamp(committedAt + MAX_AGE);
      await reveal(nft.connect(alice), plan);
      expect(await nft.tokenIdOfRoot(plan.root)).to.equal(1n);
    });

    it("rejects a reveal after MAX_COMMITMENT_AGE with DatasetCommitmentExpired", async function () {
      const { nft, alice, plan, committedAt, commitment } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.setNextBlockTimestamp(committedAt + MAX_AGE + 1n);
      await expect(reveal(nft.connect(alice), plan))
        .to.be.revertedWithCustomError(nft, "DatasetCommitmentExpired")
        .withArgs(commitment, committedAt + MAX_AGE);
    });

    it("rejects a wrong salt with DatasetUnknownCommitment", async function () {
      const { nft, alice, plan, committedAt } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.increaseTo(committedAt + MIN_AGE);
      const wrong = { ...plan, salt: ethers.id("guess") };
      await expect(reveal(nft.connect(alice), wrong))
        .to.be.revertedWithCustomError(nft, "DatasetUnknownCommitment")
        .withArgs(commitmentOf(alice.address, wrong));
    });

    it("rejects arguments that differ from the committed ones (a junk leaf count or manifest)", async function () {
      const { nft, alice, plan, committedAt } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.increaseTo(committedAt + MIN_AGE);
      for (const changed of [{ ...plan, leafCount: 1n }, { ...plan, manifestCid: JUNK_MANIFEST }]) {
        await expect(reveal(nft.connect(alice), changed)).to.be.revertedWithCustomError(nft, "DatasetUnknownCommitment");
      }
    });

    it("rejects the committer's exact arguments and salt sent from another account", async function () {
      const { nft, bob, plan, committedAt } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.increaseTo(committedAt + MIN_AGE);
      await expect(reveal(nft.connect(bob), plan))
        .to.be.revertedWithCustomError(nft, "DatasetUnknownCommitment")
        .withArgs(commitmentOf(bob.address, plan));
    });

    it("cannot be replayed: the commitment is consumed and the root registered", async function () {
      const { nft, alice, plan, committedAt, commitment } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.increaseTo(committedAt + MIN_AGE);
      await reveal(nft.connect(alice), plan);
      await expect(reveal(nft.connect(alice), plan))
        .to.be.revertedWithCustomError(nft, "DatasetUnknownCommitment")
        .withArgs(commitment);
    });

    it("applies register's own checks and keeps the commitment when they fail", async function () {
      const { nft, alice, plan } = await networkHelpers.loadFixture(deployWithPlan);
      const bad = { ...plan, previousVersion: 5n };
      const commitment = commitmentOf(alice.address, bad);
      await nft.connect(alice).commit(commitment, rootKeyOf(bad.root));
      await time.increase(MIN_AGE);
      await expect(reveal(nft.connect(alice), bad))
        .to.be.revertedWithCustomError(nft, "DatasetUnknownPreviousVersion")
        .withArgs(5n);
      expect(await nft.committedAt(commitment)).to.not.equal(0n);
    });
  });

  describe("front-running", function () {
    it("a front-runner without a commitment cannot register a claimed root: the earlier committer wins", async function () {
      const { nft, alice, bob, plan, committedAt } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.setNextBlockTimestamp(committedAt + MIN_AGE);
      // Bob saw Alice's reveal in the mempool and sends a plain register of the same root with junk first.
      await expect(nft.connect(bob).register(plan.root, 1, JUNK_MANIFEST, "", 0))
        .to.be.revertedWithCustomError(nft, "DatasetRootClaimed")
        .withArgs(plan.root, committedAt + MAX_AGE);
      await reveal(nft.connect(alice), plan);
      expect(await nft.ownerOf(1n)).to.equal(alice.address);
      expect((await nft.dataset(1n)).leafCount).to.equal(plan.leafCount);
    });

    it("a front-runner who commits after learning the root is too recent while the earlier committer reveals", async function () {
      const { nft, alice, bob, plan, committedAt } = await networkHelpers.loadFixture(deployWithCommitment);
      const junk: Registration = { ...plan, leafCount: 1n, manifestCid: JUNK_MANIFEST, salt: ethers.id("bob") };
      const bobsCommitment = commitmentOf(bob.address, junk);
      await time.setNextBlockTimestamp(committedAt + MIN_AGE - 30n); // Bob learnt the root: say one epoch early
      await nft.connect(bob).commit(bobsCommitment, rootKeyOf(plan.root));
      const bobsTime = committedAt + MIN_AGE - 30n;
      await time.setNextBlockTimestamp(committedAt + MIN_AGE);
      await expect(reveal(nft.connect(bob), junk))
        .to.be.revertedWithCustomError(nft, "DatasetCommitmentTooRecent")
        .withArgs(bobsCommitment, bobsTime + MIN_AGE);
      await reveal(nft.connect(alice), plan);
      await time.increaseTo(bobsTime + MIN_AGE);
      await expect(reveal(nft.connect(bob), junk))
        .to.be.revertedWithCustomError(nft, "DatasetRootAlreadyRegistered")
        .withArgs(plan.root, 1n);
      expect(await nft.ownerOf(1n)).to.equal(alice.address);
    });

    it("a claim does not stop another committer's reveal: the first valid reveal registers the root", async function () {
      const { nft, alice, carol, plan, committedAt } = await networkHelpers.loadFixture(deployWithCommitment);
      // Carol hashed the same (public) dataset herself and committed a second later: both commitments are valid,
      // whoever reveals first registers the root.
      const carols: Registration = { ...plan, salt: ethers.id("carol") };
      await time.setNextBlockTimestamp(committedAt + 1n);
      await nft.connect(carol).commit(commitmentOf(carol.address, carols), rootKeyOf(plan.root));
      await time.increaseTo(committedAt + MIN_AGE + 1n);
      await reveal(nft.connect(carol), carols);
      expect(await nft.ownerOf(1n)).to.equal(carol.address);
      await expect(reveal(nft.connect(alice), plan)).to.be.revertedWithCustomError(nft, "DatasetRootAlreadyRegistered");
    });

    it("plain register of a claimed root works again once the claim has expired", async function () {
      const { nft, bob, plan, committedAt } = await networkHelpers.loadFixture(deployWithCommitment);
      await time.setNextBlockTimestamp(committedAt + MAX_AGE);
      await expect(nft.connect(bob).register(plan.root, 1, JUNK_MANIFEST, "", 0)).to.be.revertedWithCustomError(
        nft,
        "DatasetRootClaimed",
      );
      await time.setNextBlockTimestamp(committedAt + MAX_AGE + 1n);
      await nft.connect(bob).register(plan.root, plan.leafCount, plan.manifestCid, "", 0);
      expect(await nft.ownerOf(1n)).to.equal(bob.address);
    });

    it("a claim on one root leaves plain register of every other root unaffected", async function () {
      const { nft, bob } = await networkHelpers.loadFixture(deployWithCommitment);
      const other = buildSampleTree(sortedSampleHashes(3, "other"));
      await nft.connect(bob).register(other.root, 3, MANIFEST, "", 0);
      expect(await nft.tokenIdOfRoot(other.root)).to.equal(1n);
    });
  });
});
