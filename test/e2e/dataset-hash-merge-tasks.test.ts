import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import hre from "hardhat";

import { importPath } from "../../src/storage/import-path.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { records, tempDir, writeIdx, writeTree } from "../fixtures/dataset-fixtures.js";

/** Runs a task, returning what it printed with console.log. */
async function runTask(id: string[], args: Record<string, unknown>): Promise<string> {
  const printed: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => printed.push(parts.join(" "));
  try {
    await hre.tasks.getTask(id).run(args);
  } finally {
    console.log = original;
  }
  return printed.join("\n");
}

describe("dataset hash / dataset merge tasks", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("task"));
    writeIdx(path.join(dir, "imgs.idx"), records(300, 16, 2, 5), [16]);
    writeTree(dir, { "rows.csv": "text\na\nb\na\n" });
  });
  afterEach(() => cleanup());

  it("hashes sources and prints the report as JSON", async () => {
    const out = path.join(dir, "m");
    const printed = await runTask(["dataset", "hash"], { sources: [path.join(dir, "imgs.idx"), path.join(dir, "rows.csv")], out, json: true, threads: 1 });
    const report = JSON.parse(printed);
    expect(report.root).to.match(/^0x[0-9a-f]{64}$/);
    expect(report.sampleCount).to.equal(303);
    expect(report.duplicateCount).to.be.greaterThan(0);
    expect(report.manifestDir).to.equal(out);
    expect(JSON.parse(readFileSync(path.join(out, "header.json"), "utf8")).root).to.equal(report.root);
    expect(report.manifestCid).to.equal((await importPath(out)).cid.toString());
  });

  it("prints the manifest's IPFS root CID, the one `storage put` gives, without storing anything", async () => {
    const out = path.join(dir, "m");
    const cwd = process.cwd();
    process.chdir(dir); // a default .datatrace/blocks store would appear here if anything were stored
    try {
      const text = await runTask(["dataset", "hash"], { sources: [path.join(dir, "rows.csv")], out });
      const cid = /^cid +(bafy[a-z2-7]+) \(IPFS root of the manifest, computed locally; nothing stored\)$/m.exec(text)?.[1];
      expect(cid).to.be.a("string");
      const put = await new LocalStore({ dir: path.join(dir, "store") }).put(out);
      expect(put.cid).to.equal(cid);
      expect(existsSync(path.join(dir, ".datatrace", "blocks"))).to.equal(false);
    } finally {
      process.chdir(cwd);
    }
  });

  it("prints a human summary by default and only the root with --quiet", async () => {
    const sources = [path.join(dir, "rows.csv")];
    const text = await runTask(["dataset", "hash"], { sources, out: path.join(dir, "a") });
    expect(text).to.match(/^root +0x[0-9a-f]{64}\nleaves +2 distinct samples\nsamples +3\nduplicates +1 \(e\.g\. rows\.csv:2, rows\.csv:4\)/);
    const quiet = await runTask(["dataset", "hash"], { sources, out: path.join(dir, "b"), quiet: true, noHeader: true });
    expect(quiet).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("splits with --part and merges to the same root", async () => {
    const sources = [path.join(dir, "imgs.idx"), path.join(dir, "rows.csv")];
    const single = (await runTask(["dataset", "hash"], { sources, out: path.join(dir, "single"), quiet: true })).trim();
    const partials = [];
    for (const i of [1, 2]) {
      partials.push((await runTask(["dataset", "hash"], { sources, part: `${i}/2`, partialOut: path.join(dir, `p${i}.dtpart`), quiet: true })).trim());
    }
    expect(partials.every((p) => existsSync(path.resolve(p)))).to.equal(true);
    const merged = (await runTask(["dataset", "merge"], { partials: partials.map((p) => path.resolve(p)), out: path.join(dir, "merged"), quiet: true })).trim();
    expect(merged).to.equal(single);
  });

  it("prints the same manifest CID from a merge as from a single run", async () => {
    const sources = [path.join(dir, "imgs.idx"), path.join(dir, "rows.csv")];
    const single = JSON.parse(await runTask(["dataset", "hash"], { sources, out: path.join(dir, "single"), json: true }));
    const partials = [];
    for (const i of [1, 2]) {
      partials.push(path.resolve((await runTask(["dataset", "hash"], { sources, part: `${i}/2`, partialOut: path.join(dir, `p${i}.dtpart`), quiet: true })).trim()));
    }
    const merged = JSON.parse(await runTask(["dataset", "merge"], { partials, out: path.join(dir, "merged"), json: true }));
    expect(merged.manifestCid).to.match(/^bafy/);
    expect(merged.manifestCid).to.equal(single.manifestCid);
  });

  it("turns bad input into a plugin error that says what to do", async () => {
    const error = await runTask(["dataset", "hash"], { sources: [path.join(dir, "rows.csv")], header: true, noHeader: true }).catch((e: unknown) => e);
    expect((error as Error & { pluginId?: string }).pluginId).to.equal("datatrace");
    expect((error as Error).message).to.equal("--header and --no-header contradict each other: pass at most one.");
    const missing = await runTask(["dataset", "hash"], { sources: [path.join(dir, "nope")] }).catch((e: unknown) => e);
    expect((missing as Error).message).to.match(/Cannot read source .*nope: no such file or directory\. Nothing exists at .*nope: check the path/);
    const part = await runTask(["dataset", "hash"], { sources: [path.join(dir, "rows.csv")], part: "3/2" }).catch((e: unknown) => e);
    expect((part as Error).message).to.match(/write i\/n with 1 <= i <= n/);
  });
});
