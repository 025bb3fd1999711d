import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Interface } from "ethers";

import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { writeSamples } from "../workflow/helpers.js";
import { childEnv, collect, hardhat, ROOT, rpc, spawnHardhat, startNode, type LocalNode } from "./helpers.js";

const DATASET_COUNT = new Interface(["function datasetCount() view returns (uint256)"]);

/**
 * The CLI against a REAL `hardhat node` on a free loopback port, with the
 * registries deployed by `hardhat ignition deploy` (under a throw-away
 * deployment id, removed afterwards) and a local Lighthouse-compatible
 * server standing in for Lighthouse (its request log counts uploads).
 */
describe("registry CLI against a local hardhat node", function () {
  this.timeout(120_000);
  let node: LocalNode;
  let server: RunningIpfsServer;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let uploads: string[];
  let datasetNFT: string;
  let files: string[];
  let dataDir: string;
  let outsider: string;
  const deploymentId = `e2e-${process.pid}-${randomBytes(3).toString("hex")}`;
  const register = (dir: string): string[] => [
    "--network", "localhost", "dataset", "register", dataDir,
    "--name", "Localhost samples", "--license", "MIT",
    "--storage", "lighthouse", "--lighthouse-url", server.url, "--dir", dir, "--threads", "1",
  ];

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-e2e-node-"));
    ({ dir: dataDir, files } = writeSamples(root, "data", 30));
    outsider = path.join(root, "outsider.bin");
    writeFileSync(outsider, "not a sample");
    uploads = [];
    server = await startIpfsServer({
      store: new LocalStore({ dir: path.join(root, "lighthouse") }),
      port: 0,
      log: (line) => {
        if (line.startsWith("POST /api/v0/")) uploads.push(line);
      },
    });
    node = await startNode();
    env = childEnv({ DATATRACE_LOCALHOST_URL: node.url, DATATRACE_DEPLOYMENT_ID: deploymentId, LIGHTHOUSE_API_KEY: "dev" });
    const deployed = await hardhat(["ignition", "deploy", "ignition/modules/Registry.ts", "--network", "localhost", "--deployment-id", deploymentId], env, 90_000);
    expect(deployed.code, deployed.stderr + deployed.stdout).to.equal(0);
    const record = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8"));
    datasetNFT = record["Registry#DatasetNFT"];
  });

  after(async () => {
    await node?.stop();
    await server?.close();
    rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it("runs `npx hardhat node` at Filecoin's EVM level, cancun (not Hardhat's default prague)", async () => {
    const block = await rpc<Record<string, unknown>>(node.url, "eth_getBlockByNumber", ["latest", false]);
    expect(block).to.have.property("blobGasUsed"); // cancun (EIP-4844) fields are there…
    expect(block).to.have.property("parentBeaconBlockRoot");
    expect(block).to.not.have.property("requestsHash"); // …prague's EIP-7685 field is not
  });

  const datasetCount = async (): Promise<bigint> =>
    BigInt(await rpc<string>(node.url, "eth_call", [{ to: datasetNFT, data: DATASET_COUNT.encodeFunctionData("datasetCount") }, "latest"]));

  it("resumes a registration killed while its mint was pending: no second upload, no second mint", async () => {
    const dir = path.join(root, "dt");
    await rpc(node.url, "evm_setAutomine", [false]);
    const child = spawnHardhat(register(dir), env);
    const finished = collect(child, 90_000, "dataset register (to be killed)");
    const journalDir = path.join(dir, "journal");
    const started = Date.now();
    for (;;) {
      const sent = (() => {
        try {
          return readdirSync(journalDir).some((f) => f.endsWith(".json") && JSON.parse(readFileSync(path.join(journalDir, f), "utf8")).steps.txSent !== undefined);
        } catch {
          return false;
        }
      })();
      if (sent) break;
      if (Date.now() - started > 60_000) throw new Error("the registration never recorded its transaction");
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    await finished;
    expect(uploads).to.have.length(2); // the manifest CAR and the metadata
    expect(uploads[0]).to.match(/^POST \/api\/v0\/dag\/import/);
    expect(await datasetCount()).to.equal(0n);

    await rpc(node.url, "evm_mine");
    await rpc(node.url, "evm_setAutomine", [true]);
    const resumed = await hardhat(register(dir), env);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.stdout).to.match(/^dataset #1 registered on localhost \(chain 31337\), resuming an interrupted run \(steps run now: minted\)/);
    expect(uploads).to.have.length(2);
    expect(await datasetCount()).to.equal(1n);

    const again = await hardhat(register(dir), env);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.match(/^dataset #1 is already registered on localhost \(chain 31337\): nothing was uploaded or sent/);
    expect(uploads).to.have.length(2);
    expect(await datasetCount()).to.equal(1n);
  });

  it("verifies from an empty directory through gateways (a dead one skipped): exit 0, 1 and 2", async () => {
    const gateways = `http://127.0.0.1:1,${server.url}`;
    // Each command gets its own empty directory, so each fetches the manifest through the gateways.
    const verify = (name: string, ...rest: string[]): string[] => ["--network", "localhost", "dataset", "verify", "--dir", path.join(root, name), "--gateway", gateways, ...rest];
    const [members, mixed, unknown, badHash] = await Promise.all([
      hardhat(verify("fresh-1", "1", files[0]!, files[9]!), env),
      hardhat(verify("fresh-2", "1", files[2]!, outsider), env),
      hardhat(verify("fresh-3", "7", files[0]!), env),
      hardhat(verify("fresh-4", "1", "--hash", "zz"), env),
    ]);
    expect(members.code, members.stderr).to.equal(0);
    expect(members.stdout).to.match(/MEMBER +.*sample-0000\.bin: index \d+, ids data\/sample-0000\.bin/);
    expect(members.stdout).to.match(/result +2 of 2 samples in the dataset$/m);
    expect(members.stderr).to.match(/warning: gateway http:\/\/127\.0\.0\.1:1 skipped: unreachable/);
    expect(mixed.code).to.equal(3);
    expect(mixed.stdout).to.match(/NOT MEMBER +.*outsider\.bin/);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/Dataset #7 does not exist on localhost \(chain 31337\): the registered ids are 1 to 1/);
    expect(badHash.code).to.equal(2);
    expect(badHash.stderr).to.match(/"zz" is not a sample hash/);
  });

  it("registers a model on the dataset, traces samples through it and prints its lineage", async () => {
    const weights = path.join(root, "weights.json");
    writeFileSync(weights, '{"w":[1,2,3]}');
    const dir = path.join(root, "dt");
    const reg = await hardhat(["--network", "localhost", "model", "register", "--weights", weights, "--datasets", "1", "--name", "node-model", "--metric", "accuracy=0.9", "--dir", dir, "--quiet"], env);
    expect(reg.code, reg.stderr).to.equal(0);
    expect(reg.stdout).to.match(/^model #1 registered on localhost \(chain 31337\)\n/);
    const [found, missing, lineage] = await Promise.all([
      hardhat(["--network", "localhost", "model", "trace", "1", files[4]!, "--dir", dir, "--gateway", "none", "--quiet"], env),
      hardhat(["--network", "localhost", "model", "trace", "1", outsider, "--dir", dir, "--gateway", "none", "--quiet"], env),
      hardhat(["--network", "localhost", "model", "lineage", "1", "--dir", dir], env),
    ]);
    expect(found.code, found.stderr).to.equal(0);
    expect(found.stdout).to.match(/via model #1 → dataset #1/);
    expect(missing.code).to.equal(3);
    expect(lineage.stdout).to.match(/Descendants of model #1 \(0\):\nnode-model \[1\]  datasets: 1/);
  });

  it("fails clearly: contracts not deployed, node not running, unknown network, missing Lighthouse key", async () => {
    const [notDeployed, down, unknown, noKey] = await Promise.all([
      hardhat(["--network", "localhost", "dataset", "list"], { ...env, DATATRACE_DEPLOYMENT_ID: "e2e-never-deployed" }),
      hardhat(["--network", "localhost", "dataset", "list"], { ...env, DATATRACE_LOCALHOST_URL: "http://127.0.0.1:1" }),
      hardhat(["--network", "nosuch", "dataset", "list"], env),
      hardhat(register(path.join(root, "nokey")), childEnv({ DATATRACE_LOCALHOST_URL: node.url, DATATRACE_DEPLOYMENT_ID: deploymentId, LIGHTHOUSE_API_KEY: undefined })),
    ]);
    expect(notDeployed.code).to.equal(1);
    expect(notDeployed.stderr + notDeployed.stdout).to.match(
      /contracts not deployed on localhost \(chain 31337\)[\s\S]*npx hardhat ignition deploy ignition\/modules\/Registry\.ts --network localhost --deployment-id e2e-never-deployed/,
    );
    expect(down.code).to.equal(1);
    expect(down.stderr + down.stdout).to.match(/RPC endpoint of localhost does not answer[\s\S]*npx hardhat node/);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr + unknown.stdout).to.match(/There is no network "nosuch" in hardhat\.config\.ts/);
    expect(noKey.code).to.equal(1);
    expect(noKey.stderr + noKey.stdout).to.match(/needs a Lighthouse API key[\s\S]*keystore set LIGHTHOUSE_API_KEY/);
  });

  it("prints per-argument help", async () => {
    const help = await hardhat(["dataset", "register", "--help"], env);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/--license +SPDX license identifier/);
    expect(help.stdout).to.match(/--storage +Where to store manifest and metadata/);
    expect(help.stdout).to.match(/sources +Sample sources to hash/);
  });

  it("runs the demo twice against the same node: the second run finds everything registered and proves it again", async () => {
    const runs: Array<Record<string, unknown>> = [];
    for (const run of [1, 2]) {
      const demo = await hardhat(["--network", "localhost", "demo", "--json"], env, 240_000);
      expect(demo.code, `demo run ${run}: ${demo.stderr.slice(-2000)}`).to.equal(0);
      runs.push(JSON.parse(demo.stdout));
    }
    const [first, second] = runs as [Record<string, unknown>, Record<string, unknown>];
    expect(second.datasets).to.deep.equal(first.datasets); // the same tokens, found registered
    const models = (r: Record<string, unknown>) =>
      Object.values(r.models as Record<string, { id: string; weightsHash: string; datasetIds: string[]; parentIds: string[] }>).map((m) => [m.id, m.weightsHash, m.datasetIds, m.parentIds]);
    expect(models(second)).to.deep.equal(models(first));
    expect(second).to.deep.include({ trainingEmail: first.trainingEmail, outsiderEmail: first.outsiderEmail });
    expect((second.replay as { outcome: string }).outcome).to.equal("reproduced");
  });

});
