/**
 * `dataset verify` for rows of a CSV/JSONL dataset: `--line "<text>"` and
 * `--lines-from <file>` prove rows in or out; a whole file checked against a
 * lines dataset is NOT MEMBER with a hint (stderr) that its samples are lines.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import type { DatasetVerifyResult } from "../../tasks/dataset/verify.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { runTask } from "./helpers.js";

describe("dataset verify: rows of line datasets", function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  let csvId: string;
  let ws: string;
  const rows = ['text,label', '"free money, click now",spam', "meeting at 10,ham", "é数😀 unicode row,ham"];

  before(async () => {
    ({ dir, cleanup } = tempDir("verify-lines"));
    ws = path.join(dir, "dt");
    writeFileSync(path.join(dir, "emails.csv"), rows.join("\r\n") + "\r\n");
    const registered = await runTask(["dataset", "register"], { sources: [path.join(dir, "emails.csv")], name: "emails", license: "MIT", dir: ws, json: true, threads: 1 });
    csvId = JSON.parse(registered.stdout).tokenId;
  });
  after(() => cleanup());

  const verify = (args: Record<string, unknown>) => runTask<DatasetVerifyResult>(["dataset", "verify"], { tokenId: csvId, dir: ws, gateway: "none", quiet: true, ...args });

  it("--line: a row is a MEMBER (exit 0); a row not in the dataset is proven NOT MEMBER (exit 3)", async () => {
    const member = await verify({ line: rows[2] });
    expect(member.result.exitCode, member.stderr).to.equal(0);
    expect(member.stdout).to.match(/^MEMBER +line "meeting at 10,ham": index \d+, ids .*emails\.csv:3/m);
    const absent = await verify({ line: "meeting at 11,ham" });
    expect(absent.result.exitCode).to.equal(3);
    expect(absent.stdout).to.match(/^NOT MEMBER +line "meeting at 11,ham" .*proven absent/m);
    expect(absent.stderr).to.not.match(/hint:/); // a line was checked: nothing to hint
  });

  it("--lines-from: every line of a file, labelled file:line; the CSV header row is not a sample", async () => {
    const run = await verify({ linesFrom: path.join(dir, "emails.csv") });
    expect(run.result.exitCode).to.equal(3);
    expect(run.stdout).to.match(/^NOT MEMBER +.*emails\.csv:1 /m); // the header row was skipped when hashing
    for (const n of [2, 3, 4]) expect(run.stdout).to.match(new RegExp(`^MEMBER +.*emails\\.csv:${n}: index`, "m"));
    expect(run.stdout).to.match(/result +3 of 4 samples in the dataset/);
  });

  it("a whole file against a lines dataset: NOT MEMBER, and a hint on stderr that the samples are lines", async () => {
    const run = await verify({ files: [path.join(dir, "emails.csv")] });
    expect(run.result.exitCode).to.equal(3);
    expect(run.stdout).to.match(/^NOT MEMBER +.*emails\.csv /m);
    expect(run.stdout).to.not.match(/hint/);
    expect(run.stderr).to.match(/hint: dataset #\d+ was hashed from line files \(.*emails\.csv\): each of its samples is one line, not a whole file.*--line "<text>".*--lines-from <file>/);
    const json = JSON.parse((await verify({ files: [path.join(dir, "emails.csv")], json: true })).stdout);
    expect(json.hints).to.have.length(1);
  });

  it("refuses a --line with a line feed inside", async () => {
    const run = await verify({ line: "a\nb" });
    expect(run.result.exitCode).to.equal(2);
    expect(run.stderr).to.match(/line feed inside/);
  });
});
