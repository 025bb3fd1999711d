/**
 * Commit-reveal registration (`dataset register --commit`) through the
 * workflow functions on an in-process chain whose time is advanced with
 * `networkHelpers.time.increase`: commit, too early, reveal, rerun, expiry,
 * `wait`, a front-runner's plain register during the claim, and the
 * sentences of the four commit-reveal errors.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";

import { EXIT_CODES, isUserError, type UserError } from "../../src/cli/errors.js";
import { createRegistryClient } from "../../src/chain/registry-client.js";
import { decodeRevert, describeRevert, formatChainTime, toChainError } from "../../src/chain/describe-error.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { registerDataset, type RegisteredDataset, type RegisterDatasetDeps, type RegisterDatasetInput } from "../../src/workflow/register-dataset.js";
import { registerDatasetCommitReveal, type CommittedDataset } from "../../src/workflow/register-dataset-commit-reveal.js";
import { commitmentFileOf, datasetCommitmentOf, readCommitmentRecord, rootKeyOf } from "../../src/workflow/registration-commitment.js";
import { CountingStore, deployRegistry, recordingReporter, rejection, tempWorkspace, writeSamples } from "./helpers.js";

const metadata = { name: "Committed samples", license: "CC0-1.0", datePublished: "2026-07-01" };
const MIN_AGE = 600;
const MAX_AGE = 86_400;

function committed(r: RegisteredDataset | CommittedDataset): CommittedDataset {
  if (r.status !== "committed") throw new Error(`expected a pending commitment, got status ${r.status}`);
  return r;
}

function minted(r: RegisteredDataset | CommittedDataset): RegisteredDataset {
  if (r.status === "committed") throw new Error("expected a minted token, got a pending commitment");
  return r;
}

describe("commit-reveal dataset registration", function () {
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  let store: CountingStore;
  before(async () => (env = await deployRegistry()));
  beforeEach(() => {
    t = tempWorkspace("commit");
    store = new CountingStore(new LocalStore({ dir: t.workspace.blocksDir }));
  });
  afterEach(() => t.cleanup());

  const input = (dir: string, extra: Partial<RegisterDatasetInput> = {}): RegisterDatasetInput => ({ sources: [dir], sourceOptions: { baseDir: t.root }, threads: 1, metadata, ...extra });
  const deps = (extra: Partial<RegisterDatasetDeps> = {}): RegisterDatasetDeps => ({ client: env.client, store, workspace: t.workspace, ...extra });
  const increase = (seconds: number) => env.conn.networkHelpers.time.increase(seconds);
  const nonceOf = (address: string) => env.conn.ethers.provider.getTransactionCount(address, "latest");

  it("commits without minting: the commitment matches the contract's commitmentOf, the salt is recorded, the root is claimed for a day", async () => {
    const { dir } = writeSamples(t.root, "data", 7);
    const count = await env.client.datasets.datasetCount();
    const r = committed(await registerDatasetCommitReveal(deps(), input(dir)));
    expect(await env.client.datasets.datasetCount()).to.equal(count);
    expect(await env.client.datasets.tokenIdOfRoot(r.root)).to.equal(0n);
    const record = (await readCommitmentRecord(r.commitFile))!;
    expect(record.salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(r.commitFile).to.equal(commitmentFileOf(r.journalFile));
    const onChain = await env.client.datasets.commitmentOf(env.alice.address, r.root, r.leafCount, r.manifestCid, r.tokenURI, 0n, record.salt);
    expect(r.commitment).to.equal(onChain);
    expect(datasetCommitmentOf({ registrant: env.alice.address, root: r.root, leafCount: r.leafCount, manifestCid: r.manifestCid, uri: r.tokenURI, previousVersion: 0n, salt: record.salt })).to.equal(onChain);
    expect(r.rootKey).to.equal(await env.client.datasets.rootKeyOf(r.root));
    expect(rootKeyOf(r.root)).to.equal(r.rootKey);
    expect(Number(await env.client.datasets.committedAt(r.commitment))).to.equal(r.committedAt);
    expect(r.revealFrom).to.equal(r.committedAt + MIN_AGE);
    expect(r.revealUntil).to.equal(r.committedAt + MAX_AGE);
    expect(Number(await env.client.datasets.claimedUntil(r.rootKey))).to.equal(r.revealUntil);
    expect((await env.conn.ethers.provider.getTransaction(r.commitTxHash))?.from).to.equal(env.alice.address);
    // The journal stops before txSent: the reveal will be that step.
    expect(Object.keys(JSON.parse(readFileSync(r.journalFile, "utf8")).steps)).to.deep.equal(["hashed", "manifestStored", "metadataStored"]);
  });

  it("too early: says when the window opens and how long to wait, sends nothing; after advancing time the rerun reveals and mints to the committer", async () => {
    const { dir } = writeSamples(t.root, "data", 9);
    const first = committed(await registerDatasetCommitReveal(deps(), input(dir)));
    const nonce = await nonceOf(env.alice.address);
    const early = await rejection(registerDatasetCommitReveal(deps(), input(dir)));
    expect(isUserError(early)).to.equal(true);
    expect((early as UserError).exitCode).to.equal(EXIT_CODES.tempFail);
    expect(early.message).to.contain(`Too early to reveal commitment ${first.commitment}: its reveal window opens at ${formatChainTime(first.revealFrom)}, in `);
    // The wait left is at most MIN_AGE (600 s) and more than zero; how much of it the test itself used
    // depends on the machine's load, so only the bounds are checked.
    const wait = /, in (?:(\d+) min)? ?(?:(\d+) s)? \(chain time now/.exec(early.message);
    expect(wait, early.message).to.not.equal(null);
    const waitSeconds = Number(wait![1] ?? 0) * 60 + Number(wait![2] ?? 0);
    expect(waitSeconds).to.be.greaterThan(0);
    expect(waitSeconds).to.be.at.most(MIN_AGE);
    expect(early.message).to.match(/add --wait/);
    expect(await nonceOf(env.alice.address)).to.equal(nonce);

    await increase(MIN_AGE);
    const uploads = store.count;
    const r = minted(await registerDatasetCommitReveal(deps(), input(dir)));
    expect(r.status).to.equal("registered");
    expect(r.stepsRun).to.deep.equal(["txSent", "minted"]);
    expect(store.count).to.equal(uploads);
    expect(await env.client.datasets.ownerOf(r.tokenId)).to.equal(env.alice.address);
    expect(r.registrant).to.equal(env.alice.address);
    expect(r.manifestCid).to.equal(first.manifestCid);
    expect(r.tokenURI).to.equal(first.tokenURI);
    expect(r.commitment?.commitment).to.equal(first.commitment);
    expect(r.commitment?.commitTxHash).to.equal(first.commitTxHash);
    expect(await env.client.datasets.committedAt(first.commitment)).to.equal(0n); // consumed
    const tx = await env.conn.ethers.provider.getTransaction(r.txHash!);
    expect(env.client.datasets.interface.parseTransaction({ data: tx!.data })?.name).to.equal("registerCommitted");
  });

  it("a rerun after the reveal reports the existing token without sending anything", async () => {
    const { dir } = writeSamples(t.root, "data", 5);
    committed(await registerDatasetCommitReveal(deps(), input(dir)));
    await increase(MIN_AGE + 1);
    const r = minted(await registerDatasetCommitReveal(deps(), input(dir)));
    const nonce = await nonceOf(env.alice.address);
    const again = minted(await registerDatasetCommitReveal(deps(), input(dir)));
    expect(again.status).to.equal("existing");
    expect(again.tokenId).to.equal(r.tokenId);
    expect(again.stepsRun).to.deep.equal([]);
    expect(await nonceOf(env.alice.address)).to.equal(nonce);
    const plain = await registerDataset(deps(), input(dir));
    expect(plain.status).to.equal("existing");
    expect(plain.tokenId).to.equal(r.tokenId);
  });

  it("a plain rerun of a committed registration continues the commit-reveal instead of hitting its own claim", async () => {
    const { dir } = writeSamples(t.root, "data", 4);
    const first = committed(await registerDatasetCommitReveal(deps(), input(dir)));
    await increase(MIN_AGE);
    const reporter = recordingReporter();
    const r = await registerDataset(deps({ reporter }), input(dir));
    expect(r.commitment?.commitment).to.equal(first.commitment);
    expect(await env.client.datasets.ownerOf(r.tokenId)).to.equal(env.alice.address);
    expect(reporter.lines.some((l) => l.includes("started with commit-reveal"))).to.equal(true);
  });

  it("an expired commitment is a clear error naming --recommit; --recommit commits again with a fresh salt, which then reveals", async () => {
    const { dir } = writeSamples(t.root, "data", 6);
    const first = committed(await registerDatasetCommitReveal(deps(), input(dir)));
    const firstSalt = (await readCommitmentRecord(first.commitFile))!.salt;
    await increase(MAX_AGE + 1);
    const expired = await rejection(registerDatasetCommitReveal(deps(), input(dir)));
    expect(isUserError(expired)).to.equal(true);
    expect(expired.message).to.contain(`the commitment ${first.commitment} expired unrevealed at ${formatChainTime(first.revealUntil)}`);
    expect(expired.message).to.match(/Commit again with a fresh salt \(`dataset register --commit --recommit`\)/);
    expect(await env.client.datasets.tokenIdOfRoot(first.root)).to.equal(0n);

    const second = committed(await registerDatasetCommitReveal(deps(), input(dir), { recommit: true }));
    const record = (await readCommitmentRecord(second.commitFile))!;
    expect(second.commitment).to.not.equal(first.commitment);
    expect(record.salt).to.not.equal(firstSalt);
    expect(record.superseded).to.deep.equal([first.commitment]);
    await increase(MIN_AGE);
    const r = minted(await registerDatasetCommitReveal(deps(), input(dir)));
    expect(r.commitment?.commitment).to.equal(second.commitment);
    expect(await env.client.datasets.ownerOf(r.tokenId)).to.equal(env.alice.address);
  });

  it("with wait, sleeps until the window opens (reporting a countdown) and mints in the same run", async () => {
    const { dir } = writeSamples(t.root, "data", 3);
    const reporter = recordingReporter();
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      await increase(Math.ceil(ms / 1000)); // the chain's clock stands in for the wall clock
    };
    const r = minted(await registerDatasetCommitReveal(deps({ reporter, sleep }), input(dir), { wait: true, pollMs: 120_000 }));
    expect(r.status).to.equal("registered");
    expect(await env.client.datasets.ownerOf(r.tokenId)).to.equal(env.alice.address);
    expect(slept.length).to.be.within(5, 7); // 600 s in steps of at most 120 s
    expect(reporter.lines.some((l) => /^waited waiting for the reveal window of commitment 0x[0-9a-f]{10}… \(opens .*, in /.test(l))).to.equal(true);
  });

  it("a front-runner's plain register during the claim fails with a readable message, before uploading and on chain", async () => {
    const { dir } = writeSamples(t.root, "data", 8);
    const alices = committed(await registerDatasetCommitReveal(deps(), input(dir)));
    const other = tempWorkspace("front-runner");
    try {
      const bobStore = new CountingStore(new LocalStore({ dir: other.workspace.blocksDir }));
      const error = await rejection(registerDataset({ client: env.bobClient, store: bobStore, workspace: other.workspace }, input(dir)));
      expect(isUserError(error)).to.equal(true);
      expect(error.message).to.contain(`Cannot register the dataset: the root ${alices.root} is claimed until ${formatChainTime(alices.revealUntil)}: someone committed to register it`);
      expect(error.message).to.match(/register it with `dataset register … --commit` \(commit-reveal, the protected path/);
      expect(error.message).to.match(/Nothing was uploaded or sent\.$/);
      expect(bobStore.count).to.equal(0);

      // The same sentence when the revert comes from the chain (a raw register, as a mempool watcher would send).
      const thrown = await rejection(env.bobClient.datasets.register(alices.root, BigInt(alices.leafCount), alices.manifestCid, alices.tokenURI, 0n));
      const chainError = toChainError(thrown, env.client.interfaces, { action: "register the dataset", networkName: "test" });
      expect(chainError.message).to.contain(`the root ${alices.root} is claimed until ${formatChainTime(alices.revealUntil)}`);
      expect(chainError.message).to.contain("--commit");
      expect((chainError as UserError).exitCode).to.equal(EXIT_CODES.tempFail);

      // Bob cannot reveal Alice's commitment either: it binds her account.
      const salt = (await readCommitmentRecord(alices.commitFile))!.salt;
      await increase(MIN_AGE);
      const replay = await rejection(env.bobClient.datasets.registerCommitted(alices.root, BigInt(alices.leafCount), alices.manifestCid, alices.tokenURI, 0n, salt));
      expect(describeRevert(decodeRevert(replay, env.client.interfaces)!)).to.match(/^no live commitment 0x[0-9a-f]{64} exists for this account/);
      const r = minted(await registerDatasetCommitReveal(deps(), input(dir)));
      expect(await env.client.datasets.ownerOf(r.tokenId)).to.equal(env.alice.address);
    } finally {
      other.cleanup();
    }
  });

  it("refuses to reveal from another account or with another previous version than the commitment binds, unless --recommit", async () => {
    const { dir } = writeSamples(t.root, "data", 5);
    const first = committed(await registerDatasetCommitReveal(deps(), input(dir)));
    await increase(MIN_AGE);
    const error = await rejection(registerDatasetCommitReveal({ client: env.bobClient, store, workspace: t.workspace }, input(dir)));
    expect(error.message).to.contain(`The commitment ${first.commitment} recorded in ${first.commitFile} binds another account ${env.alice.address} (this run uses ${env.bob.address})`);
    expect(error.message).to.match(/--recommit/);
    const otherPrevious = await rejection(registerDatasetCommitReveal(deps(), input(dir, { previousVersion: 1n })));
    expect(otherPrevious.message).to.contain("binds another previous version 0 (this run gives 1)");
    expect(await env.client.datasets.tokenIdOfRoot(first.root)).to.equal(0n);
    const bobs = committed(await registerDatasetCommitReveal({ client: env.bobClient, store, workspace: t.workspace }, input(dir), { recommit: true }));
    expect(bobs.registrant).to.equal(env.bob.address);
    expect(bobs.commitment).to.not.equal(first.commitment);
    expect((await readCommitmentRecord(bobs.commitFile))!.superseded).to.deep.equal([first.commitment]);
  });

  it("is refused on the in-process network, whose chain ends with the command, before any work", async () => {
    const { dir } = writeSamples(t.root, "data", 2);
    const inProcess = await createRegistryClient({ networkName: "default", provider: env.conn.ethers.provider, signer: env.alice, addresses: env.addresses, inProcess: true });
    const error = await rejection(registerDatasetCommitReveal({ client: inProcess, store, workspace: t.workspace }, input(dir)));
    expect((error as UserError).exitCode).to.equal(EXIT_CODES.usage);
    expect(error.message).to.match(/does not work on the in-process Hardhat network[\s\S]*npx hardhat node[\s\S]*--network localhost/);
    expect(store.count).to.equal(0);
  });

  it("phrases the four commit-reveal errors with what happened and what to do", () => {
    const c = `0x${"ab".repeat(32)}`;
    const ctx = { action: "register the committed dataset", networkName: "localhost" };
    const tooRecent = env.client.interfaces[0]!.encodeErrorResult("DatasetCommitmentTooRecent", [c, 1_782_907_200n]);
    expect(toChainError({ data: tooRecent }, env.client.interfaces, ctx).message).to.equal(
      `Cannot register the committed dataset: the commitment ${c} is too recent to reveal: its reveal window opens at 2026-07-01T12:00:00Z (1782907200).\n` +
        "Wait until the window opens and rerun the same command (`dataset register --commit --wait` sleeps until then); the commitment stays valid for 1 day.",
    );
    const expired = env.client.interfaces[0]!.encodeErrorResult("DatasetCommitmentExpired", [c, 1_782_907_200n]);
    expect(toChainError({ data: expired }, env.client.interfaces, ctx).message).to.match(/expired unrevealed at 2026-07-01T12:00:00Z[\s\S]*--commit --recommit/);
    const unknown = env.client.interfaces[0]!.encodeErrorResult("DatasetUnknownCommitment", [c]);
    expect(toChainError({ data: unknown }, env.client.interfaces, ctx).message).to.match(/no live commitment[\s\S]*salt[\s\S]*\nReveal from the committing account/);
    const claimed = env.client.interfaces[0]!.encodeErrorResult("DatasetRootClaimed", [c, 1_782_907_200n]);
    expect(toChainError({ data: claimed }, env.client.interfaces, { action: "register the dataset", networkName: "localhost" }).message).to.match(
      /the root 0xabab[0-9a-f]+ is claimed until 2026-07-01T12:00:00Z \(1782907200\): someone committed[\s\S]*\n.*--commit/,
    );
  });
});
