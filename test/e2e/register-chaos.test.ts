import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Interface } from "ethers";

import { RegistrationJournal } from "../../src/registry/journal.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { Random } from "../fixtures/seeded-random.js";
import { childEnv, collect, hardhat, ROOT, rpc, spawnHardhat, startNode, type LocalNode } from "./helpers.js";

const DATASETS = new Interface([
  "function tokenOf(bytes32 root, address registrant) view returns (uint256)",
  "function rootTokenCount(bytes32 root) view returns (uint256)",
  "function datasetCount() view returns (uint256)",
]);
/** Hardhat's first dev account, the registrant of every run. */
const ACCOUNT = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const RUNS = 20;

/**
 * Chaos: `dataset register` (the real CLI, against a real `hardhat node` and
 * a local Lighthouse-compatible server) is SIGKILLed at a random point of
 * each of 20 registrations — while hashing, uploading, sending or waiting —
 * and then run again. After every rerun: exactly one token for the
 * registration, every upload done once (a resumed upload step asks the
 * server first), the journal finished and consistent with the chain, the
 * local store holding the whole manifest with every block verified. Kill
 * points are drawn from the printed seed (FUZZ_SEED reproduces a run).
 */
describe("dataset register killed at random points, then rerun (chaos)", function () {
  this.timeout(30 * 60_000);
  let node: LocalNode;
  let server: RunningIpfsServer;
  let root: string;
  let env: NodeJS.ProcessEnv;
  /** Upload requests the server answered with 200, in order. */
  let uploads: string[];
  /** Upload requests whose client was gone before the answer (killed mid-request): the server may still have stored them. */
  let aborted: string[];
  /** The server's block store (what was uploaded). */
  let serverStore: LocalStore;
  const deploymentId = `e2e-chaos-${process.pid}-${randomBytes(3).toString("hex")}`;
  const random = new Random("register-chaos");

  before(async () => {
    console.log(`      (seed ${random.seed})`);
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-e2e-chaos-"));
    uploads = [];
    aborted = [];
    serverStore = new LocalStore({ dir: path.join(root, "lighthouse") });
    server = await startIpfsServer({
      store: serverStore,
      port: 0,
      log: (line) => {
        if (/^POST \/api\/v0\/(add|dag\/import)\b.* 200 /.test(line)) uploads.push(line);
        if (/^POST \/api\/v0\/(add|dag\/import)\b.* aborted /.test(line)) aborted.push(line);
      },
    });
    node = await startNode();
    env = childEnv({ DATATRACE_LOCALHOST_URL: node.url, DATATRACE_DEPLOYMENT_ID: deploymentId, LIGHTHOUSE_API_KEY: "dev" });
    const deployed = await hardhat(["ignition", "deploy", "ignition/modules/Registry.ts", "--network", "localhost", "--deployment-id", deploymentId], env, 120_000);
    expect(deployed.code, deployed.stderr + deployed.stdout).to.equal(0);
  });

  after(async () => {
    await node?.stop();
    await server?.close();
    rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  const call = async (fn: string, args: unknown[]): Promise<bigint> => {
    const record = JSON.parse(readFileSync(path.join(ROOT, "ignition", "deployments", deploymentId, "deployed_addresses.json"), "utf8")) as Record<string, string>;
    const data = DATASETS.encodeFunctionData(fn, args);
    return BigInt(await rpc<string>(node.url, "eth_call", [{ to: record["Registry#DatasetNFT"], data }, "latest"]));
  };

  /**
   * Where the killed run is stopped: after one of its progress lines on stderr (or at its start), then a
   * random delay. For the last two the node stops mining first, so the registration's transaction is
   * still pending when the process dies (as on Filecoin, where a receipt takes 30–90 s).
   */
  const STAGES: ReadonlyArray<{ readonly after: RegExp; readonly pending?: boolean }> = [
    { after: /^/ },
    { after: /hashing/ },
    { after: /storing the manifest/ },
    { after: /storing the metadata/ },
    { after: /sending DatasetNFT\.register/, pending: true },
    { after: /transaction 0x/, pending: true },
  ];

  it(`ends every one of ${RUNS} interrupted registrations with exactly one token, each upload once, a valid journal and store`, async () => {
    const outcomes: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const data = path.join(root, `data-${run}`);
      mkdirSync(data, { recursive: true });
      for (let i = 0; i < 12; i++) writeFileSync(path.join(data, `s${i}.bin`), random.bytes(64 + random.int(512)));
      const dir = path.join(root, `dt-${run}`);
      const args = ["--network", "localhost", "dataset", "register", data, "--name", `Chaos ${run}`, "--license", "MIT", "--storage", "lighthouse", "--lighthouse-url", server.url, "--dir", dir, "--threads", "1"];
      const stage = STAGES[random.int(STAGES.length)]!;
      const delayMs = random.int(400);
      const uploadsBefore = uploads.length;
      const abortedBefore = aborted.length;
      if (stage.pending === true) await rpc(node.url, "evm_setAutomine", [false]);

      const child = spawnHardhat(args, env);
      let stderr = "";
      let killed = false;
      const kill = (): void => {
        if (killed) return;
        killed = true;
        setTimeout(() => child.kill("SIGKILL"), delayMs);
      };
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stage.after.test(stderr.split("\n").slice(-3).join("\n"))) kill();
      });
      if (stage.after.source === "^") kill();
      const first = await collect(child, 180_000, `register run ${run} (to be killed)`);
      if (stage.pending === true) {
        await rpc(node.url, "evm_setAutomine", [true]);
        await rpc(node.url, "evm_mine"); // the killed run's transaction, if it was sent, is mined now
      }

      const again = await hardhat([...args, "--json"], env, 180_000);
      expect(again.code, `run ${run} rerun: ${again.stderr}`).to.equal(0);
      const result = JSON.parse(again.stdout) as { status: string; tokenId: string; root: string; manifestCid: string; metadataCid: string; journalFile: string };
      outcomes.push(`${run}:${stage.after.source}+${delayMs}ms→${first.code === null ? "killed" : `exit ${first.code}`}/${result.status}`);

      // Exactly one token for this registration, and it is the one reported.
      expect(await call("rootTokenCount", [result.root]), `run ${run}`).to.equal(1n);
      expect(await call("tokenOf", [result.root, ACCOUNT]), `run ${run}`).to.equal(BigInt(result.tokenId));
      // Each upload once: the manifest (CAR) and the metadata are on the server, and across the killed run and the
      // rerun nothing was uploaded to completion twice. A request whose client was killed after sending the whole
      // body may be stored without an answer (logged "aborted"): the rerun then finds it (ifMissing) and sends
      // nothing, so the answered uploads are 2 minus those.
      const answered = uploads.slice(uploadsBefore);
      const cutShort = aborted.slice(abortedBefore);
      const seen = `run ${run} uploads: ${answered.join("; ")}; aborted: ${cutShort.join("; ")}`;
      expect(await serverStore.has(result.manifestCid), seen).to.equal(true);
      expect(await serverStore.has(result.metadataCid), seen).to.equal(true);
      expect(answered.length, seen).to.be.at.most(2);
      expect(answered.length + cutShort.length, seen).to.be.at.least(2);
      // The journal is finished and names the token; a third run has nothing to do.
      const journals = await new RegistrationJournal(path.join(dir, "journal")).list();
      expect(journals, `run ${run}`).to.have.length(1);
      expect((journals[0]!.steps.minted?.data as { tokenId: string }).tokenId).to.equal(result.tokenId);
      // The local store holds the whole manifest, every block verified on the way out.
      const store = new LocalStore({ dir: path.join(dir, "blocks") });
      await store.exportCar(result.manifestCid, path.join(root, `check-${run}.car`));
      // No staging directory is left next to the manifests.
      expect(readdirSync(path.join(dir, "manifests")).filter((n) => n.includes(".staging-")), `run ${run}`).to.deep.equal([]);
    }
    console.log(`      ${outcomes.join(", ")}`);
    expect(await call("datasetCount", [])).to.equal(BigInt(RUNS));
  });
});
