/**
 * `dataset extract` as a task (in process): where a committed sample lives
 * and its bytes, for a Parquet row, a tar member, a --group-by-key sample, a
 * directory file and a line, by id or hash, with `--source` and `--out`;
 * text and JSON output; exit 0 found, 3 not a member or no such id, 2 an
 * error (a private manifest, a bad token id, an unknown id form, an existing
 * --out), each a one-line message with what to do.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import type { DatasetExtractResult } from "../../tasks/dataset/extract.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { blobLiteral, duckdb, seeded, sha256, systemTar } from "../fixtures/source-fixtures.js";
import { runTask } from "./helpers.js";

const SEED = 5150;

describe("dataset extract (task)", function () {
  this.timeout(240_000);
  let dir: string;
  let cleanup: () => void;
  let ws: string;
  let images: Uint8Array[];
  const id: Record<"parquet" | "members" | "keys" | "files" | "private", string> = { parquet: "", members: "", keys: "", files: "", private: "" };
  const at = (name: string) => path.join(dir, name);

  before(async () => {
    console.log(`      (seed ${SEED})`);
    ({ dir, cleanup } = tempDir("extract-task"));
    ws = at("dt");
    const rng = seeded(SEED);
    images = Array.from({ length: 8 }, () => rng.bytes(64 + rng.int(500)));
    await duckdb([
      `CREATE TABLE t AS SELECT * FROM (VALUES ${images.map((b, i) => `(${i}, {'bytes': ${blobLiteral(b)}, 'path': 'img-${i}.jpg'})`).join(", ")}) v(id, image)`,
      `COPY (SELECT * FROM t ORDER BY id) TO '${at("train.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 3)`,
    ]);
    writeTree(dir, {
      "k/000000.jpg": images[0]!,
      "k/000000.txt": "a cat",
      "k/000001.jpg": images[1]!,
      "k/000001.txt": "a dog",
      "photos/cat.jpg": images[2]!,
      "photos/copy-of-cat.jpg": images[2]!,
      "photos/sub/dog.jpg": images[3]!,
      "notes.jsonl": '{"text":"first"}\n\n{"text":"third"}\n',
    });
    systemTar(at("k"), ["--sort=name", "-cf", at("00000.tar"), "."]);
    const register = async (sources: string[], name: string, extra: Record<string, unknown> = {}) =>
      JSON.parse((await runTask(["dataset", "register"], { sources, name, license: "MIT", dir: ws, json: true, threads: 1, quiet: true, ...extra })).stdout).tokenId as string;
    id.parquet = await register([at("train.parquet")], "pq", { column: "image" });
    id.members = await register([at("00000.tar")], "members");
    id.keys = await register([at("00000.tar")], "keys", { groupByKey: true });
    id.files = await register([at("photos"), at("notes.jsonl")], "files");
    id.private = await register([at("photos")], "private", { private: true });
  });
  after(() => cleanup());

  const extract = (tokenId: string, sample: string, args: Record<string, unknown> = {}) =>
    runTask<DatasetExtractResult>(["dataset", "extract"], { tokenId, sample, dir: ws, gateway: "none", quiet: true, ...args });

  it("a Parquet row by id: where it lives, the proof, and its image written from --source", async () => {
    const out = at("row-4.jpg");
    const run = await extract(id.parquet, "train.parquet#4", { source: dir, out });
    expect(run.result.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.match(new RegExp(`^MEMBER +0x${sha256(images[4]!)}: index \\d+ \\(\\d+ proof hashes; local ok, on-chain verifySample ok\\)$`, "m"));
    expect(run.stdout).to.match(/^found at +row 4 of train\.parquet, column image; id train\.parquet#4$/m);
    expect(run.stdout).to.match(new RegExp(`^local copy +.*train\\.parquet \\(train\\.parquet#4\\): ${images[4]!.length} bytes, SHA-256 matches the committed sample$`, "m"));
    expect(run.stdout).to.match(/^written +.*row-4\.jpg \(\d+ bytes, from train\.parquet#4\)$/m);
    expect(sha256(readFileSync(out))).to.equal(sha256(images[4]!));
  });

  it("a tar member by hash, a --group-by-key sample by id, as JSON", async () => {
    const member = await extract(id.members, sha256("a dog"), { source: dir, out: at("caption.txt"), json: true });
    expect(member.result.exitCode, member.stderr).to.equal(0);
    const report = JSON.parse(member.stdout);
    expect(report).to.include({ outcome: "member", by: "hash", exitCode: 0, datasetId: id.members });
    expect(report.sites).to.deep.equal([
      { id: "00000.tar/000001.txt", kind: "tar-member", where: "member 000001.txt of shard 00000.tar", local: { path: at("00000.tar"), status: "matches", sampleHash: `0x${sha256("a dog")}`, bytes: 5 } },
    ]);
    expect(readFileSync(at("caption.txt"), "utf8")).to.equal("a dog");
    const key = await extract(id.keys, "00000.tar/000000", { source: at("00000.tar"), out: at("key-0.bin") });
    expect(key.result.exitCode, key.stderr).to.equal(0);
    expect(key.stdout).to.match(/^found at +key 000000 of shard 00000\.tar \(--group-by-key\); id 00000\.tar\/000000$/m);
    expect(key.stdout).to.match(/^MEMBER +0x([0-9a-f]{64})/m);
    expect(`0x${sha256(readFileSync(at("key-0.bin")))}`).to.equal(/^MEMBER +(0x[0-9a-f]{64})/m.exec(key.stdout)![1]);
  });

  it("a directory file and a line, by id; a duplicate's every id", async () => {
    const file = await extract(id.files, "photos/sub/dog.jpg", { source: dir, out: at("dog.jpg") });
    expect(file.result.exitCode, file.stderr).to.equal(0);
    expect(file.stdout).to.match(/^found at +file photos\/sub\/dog\.jpg; id photos\/sub\/dog\.jpg$/m);
    expect(sha256(readFileSync(at("dog.jpg")))).to.equal(sha256(images[3]!));
    const line = await extract(id.files, "notes.jsonl:3", { source: dir, out: at("line.json") });
    expect(line.result.exitCode, line.stderr).to.equal(0);
    expect(line.stdout).to.match(/^found at +line 3 of notes\.jsonl; id notes\.jsonl:3$/m);
    expect(readFileSync(at("line.json"), "utf8")).to.equal('{"text":"third"}');
    const dup = await extract(id.files, sha256(images[2]!), { source: dir });
    expect(dup.stdout).to.match(/^found at +file photos\/cat\.jpg; id photos\/cat\.jpg\nduplicate +file photos\/copy-of-cat\.jpg; id photos\/copy-of-cat\.jpg$/m);
    expect(dup.stdout).to.match(/^result +a member, at 2 places$/m);
  });

  it("without a local copy: where it lives, and how to give the source", async () => {
    const run = await extract(id.parquet, "train.parquet#2");
    expect(run.result.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^local copy +none found \(give --source <path> to read the sample from your copy of the source\)$/m);
    const out = await extract(id.parquet, "train.parquet#2", { out: at("never.jpg") });
    expect(out.result.exitCode).to.equal(2);
    expect(out.stderr).to.match(/No local copy of the sample of dataset #\d+ was found .*Nothing was written\.\nGive the directory the dataset was hashed from, or the file holding the sample, with --source <path>\./);
    expect(existsSync(at("never.jpg"))).to.equal(false);
  });

  it("exit 3 for a sample proven absent and for an id no sample has", async () => {
    const absent = await extract(id.parquet, sha256("never committed"));
    expect(absent.result.exitCode).to.equal(3);
    expect(absent.stdout).to.match(/^NOT MEMBER +0x[0-9a-f]{64}: proven absent, its search path ends at sample #\d+ .*local ok, on-chain verifyAbsence ok/m);
    const unknown = await extract(id.parquet, "train.parquet#99", { source: dir });
    expect(unknown.result.exitCode).to.equal(3);
    expect(unknown.stdout).to.match(/^NOT FOUND +train\.parquet#99: no sample of the dataset has this id \(searched the ids of 1 shard\)$/m);
    expect(unknown.stdout).to.match(/^local copy +.*train\.parquet: train\.parquet has 8 rows \(0 to 7\), so it has no row 99\./m);
  });

  it("bad input is a one-line error with what to do (exit 2), never a crash", async () => {
    writeFileSync(at("taken.jpg"), "keep");
    const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
      [id.private, sha256(images[2]!), {}, /manifest is private: it keeps no sample ids, so it cannot say where a sample lives\.\nCheck a sample you hold with `dataset verify \d+ <file>`/],
      [id.parquet, "some/other/thing.png", {}, /"some\/other\/thing\.png" is neither a sample hash nor an id any source of dataset #\d+ gives \(its sources: parquet train\.parquet\)\./],
      ["zero", "train.parquet#1", {}, /^Error: "zero" is not a dataset token id\.\nGive a positive whole number/],
      ["999", "train.parquet#1", {}, /^Error: Dataset #999 does not exist on the in-process Hardhat network/],
      [id.parquet, "train.parquet#1", { source: dir, out: at("taken.jpg") }, /already exists; it was left as it is\.\nChoose another path, or pass --force to replace it\./],
      [id.parquet, "train.parquet#1", { source: dir, out: dir }, /is a directory\./],
      [id.parquet, "0xZZ", {}, /is neither a sample hash nor an id/],
    ];
    for (const [tokenId, sample, args, message] of cases) {
      const run = await extract(tokenId, sample, args);
      expect(run.result.exitCode, `${tokenId} ${sample}`).to.equal(2);
      expect(run.stderr, `${tokenId} ${sample}`).to.match(message);
      expect(run.stderr).to.not.match(/An unexpected error|at .*\.ts:\d+/);
    }
    expect(readFileSync(at("taken.jpg"), "utf8")).to.equal("keep");
    const forced = await extract(id.parquet, "train.parquet#1", { source: dir, out: at("taken.jpg"), force: true });
    expect(forced.result.exitCode, forced.stderr).to.equal(0);
    expect(sha256(readFileSync(at("taken.jpg")))).to.equal(sha256(images[1]!));
  });
});
