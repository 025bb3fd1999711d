import { expect } from "chai";
import { mkdirSync } from "node:fs";
import path from "node:path";

import hre from "hardhat";

import { tempDir } from "../fixtures/dataset-fixtures.js";
import { duckdb, expectedRoot, pythonTars, sha256 } from "../fixtures/source-fixtures.js";

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

describe("dataset hash task: tar and Parquet options", function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir("task-sources"));
    mkdirSync(path.join(dir, "shards"));
    pythonTars([
      {
        file: path.join(dir, "shards", "00000.tar"),
        entries: [
          { name: "a.jpg", data: new TextEncoder().encode("A") },
          { name: "a.txt", data: new TextEncoder().encode("cap a") },
        ],
        format: "pax",
      },
    ]);
    await duckdb([`COPY (SELECT i AS id, encode('img' || i) AS image FROM range(5) t(i)) TO '${path.join(dir, "t.parquet")}' (FORMAT parquet)`]);
  });
  afterEach(() => cleanup());

  it("--kind tar on a shard directory, --group-by-key, and --column on a Parquet file", async () => {
    const perMember = JSON.parse(await runTask(["dataset", "hash"], { sources: [path.join(dir, "shards")], kind: "tar", out: path.join(dir, "m1"), json: true, threads: 1 }));
    expect(perMember.root).to.equal(expectedRoot([sha256("A"), sha256("cap a")]).root);
    const grouped = JSON.parse(await runTask(["dataset", "hash"], { sources: [path.join(dir, "shards")], kind: "tar", groupByKey: true, out: path.join(dir, "m2"), json: true, threads: 1 }));
    expect(grouped.sampleCount).to.equal(1);
    expect(grouped.sources[0].options.groupByKey).to.equal(true);
    const column = JSON.parse(await runTask(["dataset", "hash"], { sources: [path.join(dir, "t.parquet")], column: "image", out: path.join(dir, "m3"), json: true, threads: 1 }));
    expect(column.root).to.equal(expectedRoot(Array.from({ length: 5 }, (_, i) => sha256(`img${i}`))).root);
  });

  it("refuses an unknown --kind and an option no source takes, with the fix", async () => {
    const kind = await runTask(["dataset", "hash"], { sources: [path.join(dir, "t.parquet")], kind: "webdataset" }).catch((e: unknown) => e as Error);
    expect((kind as Error).message).to.match(/--kind webdataset is not one of auto, dir, lines, idx, tar, parquet, imagefolder/u);
    const group = await runTask(["dataset", "hash"], { sources: [path.join(dir, "t.parquet")], groupByKey: true }).catch((e: unknown) => e as Error);
    expect((group as Error).message).to.match(/--group-by-key applies to tar \(WebDataset\) sources, and no source is one \(kinds here: parquet\)/u);
  });
});
