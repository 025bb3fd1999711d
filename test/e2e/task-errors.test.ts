/**
 * Bad input gets a clear error with what to do, never Hardhat's "An
 * unexpected error occurred … report a bug" nor a raw EACCES/EEXIST/ENOTDIR:
 * out-of-range token ids, unreadable inputs, over-long names, and output or
 * Datatrace paths that are files. Two cases run the real CLI in a child
 * process; the rest run the tasks in this process and check the error type
 * Hardhat prints without a stack (a UserError or a plugin error).
 */
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HardhatPluginError } from "hardhat/plugins";

import { isUserError } from "../../src/errors/index.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { childEnv, hardhat, runTask } from "./helpers.js";

const HUGE_ID = "9".repeat(80);

/** The error a task throws, checked to be one Hardhat prints as a plugin error (message, no stack trace). */
async function taskError(id: string[], args: Record<string, unknown>): Promise<Error> {
  const error = await runTask(id, args).then(
    () => expect.fail(`${id.join(" ")} succeeded`),
    (e: unknown) => e as Error,
  );
  expect(isUserError(error) || HardhatPluginError.isHardhatPluginError(error), `${error.name}: ${error.message}\n${error.stack}`).to.equal(true);
  expect(error.message).to.not.match(/^E[A-Z]+: /); // not a raw Node error message
  return error;
}

describe("task errors for bad input", function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  let aFile: string;
  before(() => {
    ({ dir, cleanup } = tempDir("task-errors"));
    aFile = path.join(dir, "a-file.txt");
    writeFileSync(aFile, "not a directory");
  });
  after(() => cleanup());

  it("`dataset show 99…9` (80 digits), in the real CLI: out of range, no 'unexpected error'", async () => {
    const run = await hardhat(["dataset", "show", HUGE_ID], childEnv({}), 120_000);
    expect(run.code).to.not.equal(0);
    expect(run.stderr + run.stdout).to.match(/out of range for a dataset token id: token ids are whole numbers from 1 to 2\^256 − 1/);
    expect(run.stderr + run.stdout).to.not.match(/An unexpected error occurred|report-bug|report a bug/);
  });

  it("out-of-range ids in --previous, --datasets and --parents are refused before anything is stored or sent", async () => {
    const samples = path.join(dir, "samples");
    writeFileSync(path.join(dir, "x.txt"), "x");
    const previous = await taskError(["dataset", "register"], { sources: [path.join(dir, "x.txt")], name: "n", license: "MIT", previous: HUGE_ID, dir: path.join(dir, "dt") });
    expect(previous.message).to.match(/out of range for a previous version token id/);
    const datasets = await taskError(["model", "register"], { weights: aFile, datasets: `1,${HUGE_ID}`, name: "m", dir: path.join(dir, "dt") });
    expect(datasets.message).to.match(/out of range for a token id in the datasets list/);
    const parents = await taskError(["model", "register"], { weights: aFile, parents: HUGE_ID, relation: "finetune", name: "m", dir: path.join(dir, "dt") });
    expect(parents.message).to.match(/out of range for a token id in the parents list/);
    expect(readdirSync(dir)).to.not.include("dt"); // nothing was stored
    void samples;
  });

  it("`storage put` of an unreadable directory (EACCES), in the real CLI: permission denied, what to do", async function () {
    // /proc/1/map_files cannot be listed without CAP_SYS_ADMIN, even by root (a real EACCES on this kind of machine).
    try {
      readdirSync("/proc/1/map_files");
      this.skip(); // listable here: no EACCES to provoke
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EACCES") this.skip();
    }
    const run = await hardhat(["storage", "put", "/proc/1/map_files", "--dir", path.join(dir, "dt-eacces")], childEnv({}), 120_000);
    expect(run.code).to.not.equal(0);
    expect(run.stderr).to.match(/Permission denied: cannot read the directory \/proc\/1\/map_files\.\nCheck the permissions of \/proc\/1\/map_files/);
    expect(run.stderr).to.not.match(/An unexpected error occurred|report a bug/);
    expect(run.stderr.split("\n")[0]).to.not.match(/EACCES/); // (CI=true makes Hardhat append the stack and cause below)
  });

  it("ENAMETOOLONG: an output name longer than the file system allows", async () => {
    const ws = path.join(dir, "dt-long");
    const put = await runTask<{ cid: string }>(["storage", "put"], { path: aFile, storage: "local", dir: ws, lighthouseUrl: "", timeout: 60, hidden: false, json: true });
    const error = await taskError(["storage", "get"], { cid: put.result.cid, out: path.join(dir, "x".repeat(300)), gateway: "", dir: ws, timeout: 30, json: false });
    expect(error.message).to.match(/is too long for the file system .*\nUse shorter file or directory names/);
  });

  it("an output path under a file, and a --dir that is a file: what is in the way", async () => {
    const ws = path.join(dir, "dt-file");
    const put = await runTask<{ cid: string }>(["storage", "put"], { path: aFile, storage: "local", dir: ws, lighthouseUrl: "", timeout: 60, hidden: false, json: true });
    const getUnder = await taskError(["storage", "get"], { cid: put.result.cid, out: path.join(aFile, "copy"), gateway: "", dir: ws, timeout: 30, json: false });
    expect(getUnder.message).to.match(/a-file\.txt.*(a file with that name is in the way|part of that path is a file)/);
    const putDir = await taskError(["storage", "put"], { path: aFile, storage: "local", dir: aFile, lighthouseUrl: "", timeout: 60, hidden: false, json: false });
    expect(putDir.message).to.match(/a-file\.txt.*(a file with that name is in the way|part of that path is a file)/);
    const hashOut = await taskError(["dataset", "hash"], { sources: [aFile], out: path.join(aFile, "m"), threads: 1 });
    expect(hashOut.message).to.match(/a-file\.txt.*(a file with that name is in the way|part of that path is a file)/);
    const registerDir = await taskError(["dataset", "register"], { sources: [aFile], name: "n", license: "MIT", dir: aFile, threads: 1 });
    expect(registerDir.message).to.match(/a-file\.txt.*(a file with that name is in the way|part of that path is a file)/);
  });
});
