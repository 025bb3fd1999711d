/**
 * The storage tasks as a user meets them: `--dir` is the Datatrace folder
 * (the block store is <dir>/blocks) as in every other task, a default
 * gateway list set once in DATATRACE_GATEWAYS, `storage status` exits
 * non-zero for absent content, and `storage get` reports a failure once and
 * writes into an existing empty directory.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { resolveGateways } from "../../tasks/storage/task-helpers.js";
import { childEnv, hardhat, runTask } from "./helpers.js";

const ABSENT = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"; // "hello\n", never stored here

describe("storage tasks", function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  let server: RunningIpfsServer;
  let dirCid: string;
  let fileCid: string;

  before(async () => {
    ({ dir, cleanup } = tempDir("storage-tasks"));
    mkdirSync(path.join(dir, "content", "sub"), { recursive: true });
    writeFileSync(path.join(dir, "content", "a.txt"), "alpha");
    writeFileSync(path.join(dir, "content", "sub", "b.txt"), "beta");
    const served = new LocalStore({ dir: path.join(dir, "served", "blocks") });
    dirCid = (await served.put(path.join(dir, "content"))).cid;
    fileCid = (await served.put(path.join(dir, "content", "a.txt"))).cid;
    server = await startIpfsServer({ store: served, port: 0 });
  });
  after(async () => {
    await server?.close();
    cleanup();
  });

  const put = (args: Record<string, unknown>) => runTask<{ cid: string }>(["storage", "put"], { storage: "local", lighthouseUrl: "", timeout: 60, hidden: false, json: true, ...args });
  const get = (args: Record<string, unknown>) => runTask(["storage", "get"], { gateway: "", timeout: 30, json: false, ...args });

  it("--dir is the Datatrace folder: put, get and status use <dir>/blocks, like dataset and model tasks", async () => {
    const ws = path.join(dir, "ws");
    const { result } = await put({ path: path.join(dir, "content"), dir: ws });
    expect(result.cid).to.equal(dirCid);
    expect(readdirSync(ws)).to.deep.equal(["blocks"]);
    expect(await new LocalStore({ dir: path.join(ws, "blocks") }).has(dirCid)).to.equal(true);
    const status = await runTask<{ available: boolean; location: string }>(["storage", "status"], { cid: dirCid, storage: "local", gateway: "", dir: ws, lighthouseUrl: "", json: true });
    expect(status.result.available).to.equal(true);
    expect(status.result.location).to.equal(path.join(ws, "blocks"));
    await get({ cid: dirCid, out: path.join(dir, "out-ws"), dir: ws });
    expect(readFileSync(path.join(dir, "out-ws", "sub", "b.txt"), "utf8")).to.equal("beta");
  });

  it("storage status: exit 0 when available, 3 when absent (real CLI)", async () => {
    const ws = path.join(dir, "ws-status");
    await put({ path: path.join(dir, "content"), dir: ws });
    const present = await hardhat(["storage", "status", dirCid, "--dir", ws], childEnv({}));
    expect(present.code, present.stderr).to.equal(0);
    const absent = await hardhat(["storage", "status", ABSENT, "--dir", ws], childEnv({}));
    expect(absent.code, absent.stderr).to.equal(3);
    expect(absent.stdout).to.match(/NOT available/);
  });

  it("DATATRACE_GATEWAYS sets the default gateway list once; --gateway overrides it, and 'none' turns it off", async () => {
    const saved = process.env.DATATRACE_GATEWAYS;
    process.env.DATATRACE_GATEWAYS = server.url;
    try {
      const fetched = await get({ cid: dirCid, out: path.join(dir, "out-env"), dir: path.join(dir, "ws-env") });
      expect(fetched.stdout).to.include(`from gateway ${server.url}`);
      const error = await get({ cid: fileCid, out: path.join(dir, "out-none"), dir: path.join(dir, "ws-none"), gateway: "none" }).catch((e: Error) => e);
      expect((error as Error).message).to.match(/is not \(completely\) in the local store .*or set DATATRACE_GATEWAYS once/);
    } finally {
      if (saved === undefined) delete process.env.DATATRACE_GATEWAYS;
      else process.env.DATATRACE_GATEWAYS = saved;
    }
  });

  it("storage get writes a directory CID into an existing empty directory and a file CID into an existing directory; refuses a non-empty one", async () => {
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    await get({ cid: dirCid, out: empty, dir: path.join(dir, "ws-empty"), gateway: server.url });
    expect(readFileSync(path.join(empty, "a.txt"), "utf8")).to.equal("alpha");
    await get({ cid: fileCid, out: empty, dir: path.join(dir, "ws-empty"), gateway: server.url });
    expect(readFileSync(path.join(empty, fileCid), "utf8")).to.equal("alpha");
    const error = await get({ cid: dirCid, out: empty, dir: path.join(dir, "ws-empty") }).catch((e: Error) => e);
    expect((error as Error).message).to.match(/\[OUTPUT_EXISTS\] .*empty already exists and is not empty/);
    expect(existsSync(path.join(empty, "sub", "b.txt"))).to.equal(true);
  });

  it("storage get prints a gateway failure once (real CLI)", async () => {
    const run = await hardhat(["storage", "get", ABSENT, path.join(dir, "never"), "--dir", path.join(dir, "ws-dead"), "--gateway", "http://127.0.0.1:1"], childEnv({ CI: undefined })); // CI=true would make Hardhat append stacks
    expect(run.code).to.not.equal(0);
    const all = run.stdout + run.stderr;
    expect(all.match(/could not fetch a verified copy/g)).to.have.length(1);
    expect(all.match(/127\.0\.0\.1:1: unreachable/g)).to.have.length(1);
  });

  it("gateway lists: --gateway first, then DATATRACE_GATEWAYS, then the task's own default; 'none' means no gateway", () => {
    const env = { DATATRACE_GATEWAYS: "http://127.0.0.1:5151, https://gw.example" };
    expect(resolveGateways("", ["http://default"], env)).to.deep.equal(["http://127.0.0.1:5151", "https://gw.example"]);
    expect(resolveGateways("http://a,http://b", ["http://default"], env)).to.deep.equal(["http://a", "http://b"]);
    expect(resolveGateways("none", ["http://default"], env)).to.deep.equal([]);
    expect(resolveGateways("", ["http://default"], {})).to.deep.equal(["http://default"]);
    expect(resolveGateways("", ["http://default"], { DATATRACE_GATEWAYS: "none" })).to.deep.equal([]);
  });
});
