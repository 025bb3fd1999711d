import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Interface, getAddress, type Provider, type TransactionReceipt } from "ethers";

import { isUserError } from "../../src/errors/index.js";
import { decodeRevert, describeRevert, toChainError } from "../../src/chain/describe-error.js";
import { parseTokenId, readDataset } from "../../src/chain/dataset-records.js";
import { blockExplorers, isFilecoinChain, isLocalChain } from "../../src/chain/explorer.js";
import { readModel } from "../../src/chain/model-records.js";
import { ignitionRecordPath, readIgnitionAddresses } from "../../src/chain/registry-addresses.js";
import { createRegistryClient, requireSigner } from "../../src/chain/registry-client.js";
import { registryInterfaces } from "../../src/chain/registry-contracts.js";
import { requireDeployed } from "../../src/chain/require-deployed.js";
import { TransactionUnknownError, waitForReceipt } from "../../src/chain/wait-for-receipt.js";
import { deployRegistry, rejection, tempWorkspace } from "../workflow/helpers.js";

const MANIFEST = "bafybeigebzuk64uqucbnbylqub4z4xjjeuv5rwzyaif6iuuxto4qyhhi4a";
const ROOT = `0x${"ab".repeat(32)}`;

describe("chain: deployment records", () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = tempWorkspace("ignition")));
  afterEach(() => cleanup());

  const write = (id: string, text: string): void => {
    const file = ignitionRecordPath({ ignitionDir: root, chainId: 31337n, deploymentId: id });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  it("reads the registry addresses of chain-<id> and checksums them", async () => {
    write("chain-31337", JSON.stringify({ "Registry#DatasetNFT": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "Registry#ModelNFT": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" }));
    const addresses = await readIgnitionAddresses({ ignitionDir: root, chainId: 31337n });
    expect(addresses).to.deep.equal({ datasetNFT: getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"), modelNFT: getAddress("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512") });
  });

  it("reads a named deployment id instead of chain-<id>", async () => {
    write("e2e-x", JSON.stringify({ "Registry#DatasetNFT": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "Registry#ModelNFT": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" }));
    expect(await readIgnitionAddresses({ ignitionDir: root, chainId: 31337n })).to.equal(undefined);
    expect((await readIgnitionAddresses({ ignitionDir: root, chainId: 31337n, deploymentId: "e2e-x" }))?.datasetNFT).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
  });

  it("returns undefined when nothing was deployed to the chain", async () => {
    expect(await readIgnitionAddresses({ ignitionDir: root, chainId: 314159 })).to.equal(undefined);
  });

  it("rejects a malformed record or one without the registries", async () => {
    write("chain-31337", "{ not json");
    expect((await rejection(readIgnitionAddresses({ ignitionDir: root, chainId: 31337n }))).message).to.match(/not valid JSON[\s\S]*--reset/);
    write("chain-31337", JSON.stringify({ "Registry#DatasetNFT": "0x5FbDB2315678afecb367f032d93F642f64180aa3" }));
    expect((await rejection(readIgnitionAddresses({ ignitionDir: root, chainId: 31337n }))).message).to.match(/no address for Registry#ModelNFT/);
  });
});

describe("chain: client, reads, errors", function () {
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  before(async () => {
    env = await deployRegistry();
    await env.client.datasets.register(ROOT, 7n, MANIFEST, "", 0n);
  });

  it("accepts addresses with code and reads the chain id", async () => {
    expect(env.client.chainId).to.equal(31337n);
    expect(env.client.local).to.equal(true);
    expect(env.client.explorers).to.deep.equal([]);
    const ok = await requireDeployed(env.conn.ethers.provider, env.addresses, { networkName: "localhost", chainId: 31337n });
    expect(ok).to.equal(env.addresses);
  });

  it("says how to deploy when there is no record", async () => {
    const error = await rejection(requireDeployed(env.conn.ethers.provider, undefined, { networkName: "localhost", chainId: 31337n, recordPath: "x.json" }));
    expect(error.message).to.contain("contracts not deployed on localhost (chain 31337)");
    expect(error.message).to.contain("npx hardhat ignition deploy ignition/modules/Registry.ts --network localhost");
    expect(error.message).not.to.contain("--reset");
  });

  it("says to redeploy with --reset when the record points at addresses without code", async () => {
    const stale = { datasetNFT: getAddress(`0x${"12".repeat(20)}`), modelNFT: env.addresses.modelNFT };
    const error = await rejection(requireDeployed(env.conn.ethers.provider, stale, { networkName: "localhost", chainId: 31337n, deploymentId: "e2e-1" }));
    expect(error.message).to.match(/lists DatasetNFT at 0x1212.* no contract code there/);
    expect(error.message).to.contain("--network localhost --deployment-id e2e-1 --reset");
  });

  it("reads a dataset and rejects unknown ids with the valid range", async () => {
    const d = await readDataset(env.client, 1n);
    expect(d.root).to.equal(ROOT);
    expect(d.leafCount).to.equal(7);
    expect(d.manifestCid).to.equal(MANIFEST);
    expect(d.owner).to.equal(env.alice.address);
    const error = await rejection(readDataset(env.client, 5n));
    expect(error.message).to.match(/Dataset #5 does not exist on test \(chain 31337\): the registered ids are 1 to 1/);
    expect((await rejection(readModel(env.client, 1n))).message).to.match(/Model #1 does not exist .* no model is registered there/);
  });

  it("on the in-process network, explains that its chain is fresh for every command and points at --network localhost", async () => {
    const inProcess = await createRegistryClient({ networkName: "default", provider: env.client.provider, addresses: env.client.addresses, inProcess: true });
    const dataset = await rejection(readDataset(inProcess, 5n));
    expect(dataset.message).to.match(/^Dataset #5 does not exist on the in-process Hardhat network \(chain 31337\)/);
    expect(dataset.message).to.match(/every command runs on a fresh in-process chain that starts empty[\s\S]*`npx hardhat node`[\s\S]*--network localhost[\s\S]*docs\/workflow\.md/);
    expect(dataset.message).to.not.match(/--network default/);
    const model = await rejection(readModel(inProcess, 3n));
    expect(model.message).to.match(/^Model #3 does not exist on the in-process Hardhat network[\s\S]*--network localhost/);
    expect((await rejection(readDataset(env.client, 5n))).message).to.match(/dataset list --network test`/);
  });

  it("parses token ids and rejects anything else", () => {
    expect(parseTokenId("#12")).to.equal(12n);
    expect(parseTokenId(" 3 ")).to.equal(3n);
    for (const bad of ["0", "-1", "1.5", "abc", ""]) expect(() => parseTokenId(bad), bad).to.throw(/is not a token id/);
  });

  it("refuses to send without a signer, with setup advice", () => {
    expect(() => requireSigner(env.readOnly)).to.throw(/No account to send transactions with on test/);
  });

  it("decodes a revert into a sentence naming the existing token", async () => {
    let thrown: unknown;
    try {
      await env.client.datasets.register(ROOT, 7n, MANIFEST, "", 0n);
    } catch (error) {
      thrown = error;
    }
    const decoded = decodeRevert(thrown, env.client.interfaces);
    expect(decoded?.name).to.equal("DatasetAlreadyRegistered");
    const account = await env.alice.getAddress();
    expect(describeRevert(decoded!)).to.equal(`account ${account} already registered this root as dataset #1 (an account registers a root once)`);
    const user = toChainError(thrown, env.client.interfaces, { action: "register the dataset", networkName: "localhost" });
    expect(isUserError(user)).to.equal(true);
    expect(user.message).to.match(/^Cannot register the dataset: account 0x[0-9a-fA-F]{40} already registered this root as dataset #1 \(an account registers a root once\)\.\nNothing to do: show it with `npx hardhat dataset show 1 --network localhost`/);
  });

  it("decodes model errors with relation names and CID errors generically", async () => {
    const interfaces = await registryInterfaces();
    const models = interfaces[1]!;
    const data = models.encodeErrorResult("ModelRelationMismatch", [1, 0]);
    expect(describeRevert(decodeRevert({ data }, interfaces)!)).to.equal('relation "finetune" does not fit 0 parent(s) (base: none, merge: 2 or more, the others: exactly 1)');
    const nested = { error: { error: { data: interfaces[0]!.encodeErrorResult("CidInvalidLength", [5]) } } };
    expect(describeRevert(decodeRevert(nested, interfaces)!)).to.match(/not a CIDv1 in base32 with a sha2-256 hash \(CidInvalidLength\(5\)\)/);
    expect(decodeRevert({ data: "0xdeadbeef" }, interfaces)).to.equal(undefined);
    expect(decodeRevert(new Error("plain"), interfaces)).to.equal(undefined);
  });

  it("phrases node failures: unfunded account, unreachable RPC, nonce clash", () => {
    const ctx = { action: "register the model", networkName: "calibration", account: "0xabc", filecoin: true };
    expect(toChainError(new Error("insufficient funds for gas * price + value"), [], ctx).message).to.match(/0xabc cannot pay for the gas on calibration\.\nFund it with test FIL from https:\/\/faucet\.calibnet/);
    expect(toChainError(new Error("actor not found"), [], ctx).message).to.match(/unknown to calibration/);
    const refused = Object.assign(new Error("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    expect(toChainError(refused, [], { action: "connect", networkName: "localhost" }).message).to.match(/does not answer[\s\S]*npx hardhat node/);
    expect(toChainError(new Error("nonce too low"), [], ctx).message).to.match(/nonce[\s\S]*rerun the same command/);
    expect(toChainError(new Error("something odd."), [], ctx).message).to.match(/^Cannot register the model: something odd\.\n/);
  });
});

describe("chain: explorers", () => {
  it("links Calibration transactions and tokens to Blockscout and Filfox", () => {
    const [blockscout, filfox] = blockExplorers(314159n);
    expect(blockscout!.transaction("0xaa")).to.equal("https://filecoin-testnet.blockscout.com/tx/0xaa");
    expect(blockscout!.token("0xC", 3n)).to.equal("https://filecoin-testnet.blockscout.com/token/0xC/instance/3");
    expect(filfox!.transaction("0xaa")).to.equal("https://calibration.filfox.info/en/message/0xaa");
    expect(blockExplorers(314).map((e) => e.name)).to.deep.equal(["Blockscout", "Filfox"]);
  });

  it("has no explorer for local chains and classifies chain ids", () => {
    expect(blockExplorers(31337)).to.deep.equal([]);
    expect(isLocalChain(31337n)).to.equal(true);
    expect(isFilecoinChain(314159)).to.equal(true);
    expect(isFilecoinChain(1)).to.equal(false);
  });
});

describe("chain: waiting for receipts", () => {
  /** A provider that knows the transaction from `knownAt` polls on and has its receipt from `minedAt` polls on. */
  function fakeProvider(minedAt: number, knownAt = 0): { provider: Provider; polls: () => number } {
    let polls = 0;
    const provider = {
      getTransactionReceipt: async () => (++polls > minedAt ? ({ hash: "0x1", status: 1 } as unknown as TransactionReceipt) : null),
      getTransaction: async () => (polls > knownAt ? { hash: "0x1" } : null),
    } as unknown as Provider;
    return { provider, polls: () => polls };
  }
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };

  it("polls until the receipt exists, reporting each wait", async () => {
    const { provider } = fakeProvider(3);
    const waits: number[] = [];
    const receipt = await waitForReceipt(provider, "0x1", { ...clock(), pollMs: 5000, onWait: (w) => waits.push(w.elapsedMs) });
    expect(receipt.status).to.equal(1);
    expect(waits).to.deep.equal([0, 5000, 10000]);
  });

  it("gives up on a transaction the node never heard of", async () => {
    const { provider } = fakeProvider(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    const error = await rejection(waitForReceipt(provider, "0x1", { ...clock(), pollMs: 1000, unknownAfterMs: 3000 }));
    expect(error).to.be.instanceOf(TransactionUnknownError);
    expect(error.message).to.match(/unknown to the node .* after 3 s/);
  });

  it("times out on a transaction that stays pending, advising to rerun", async () => {
    const { provider } = fakeProvider(Number.POSITIVE_INFINITY);
    const error = await rejection(waitForReceipt(provider, "0x1", { ...clock(), pollMs: 1000, timeoutMs: 4000 }));
    expect(error.message).to.match(/still pending after 4 s\.\nRerun the same command later/);
  });
});

describe("chain: interfaces", () => {
  it("exposes both registries' ABIs", async () => {
    const interfaces = await registryInterfaces();
    expect(interfaces).to.have.length(2);
    expect(interfaces.every((i) => i instanceof Interface)).to.equal(true);
    expect(interfaces[0]!.getError("DatasetAlreadyRegistered")).to.not.equal(null);
    expect(interfaces[1]!.getEvent("ModelRegistered")).to.not.equal(null);
  });
});
