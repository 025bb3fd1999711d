/**
 * `dataset verify` and `model trace` (tasks in process) on datasets of the
 * published formats: an image extracted from a WebDataset shard (system
 * `tar -xf`, Python's tarfile) or saved from a Parquet row (read back by
 * DuckDB) verifies as a plain file; `--parquet --row [--column]` and `--tar
 * --member | --key` verify in place; wrong flags are refused with the flag
 * the dataset was hashed with; missing rows and members, and bad input, are
 * one-line errors (exit 2), never a crash.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import type { DatasetVerifyResult } from "../../tasks/dataset/verify.js";
import type { ModelTraceResult } from "../../tasks/model/trace.js";
import { tempDir, writeTree } from "../fixtures/dataset-fixtures.js";
import { blobLiteral, duckdb, python, seeded, sha256, systemTar } from "../fixtures/source-fixtures.js";
import { runTask } from "./helpers.js";

const SEED = 3131;

describe("dataset verify / model trace: samples of Parquet files and tar shards", function () {
  this.timeout(240_000);
  let dir: string;
  let cleanup: () => void;
  let ws: string;
  let images: Uint8Array[];
  const id: Record<"column" | "rows" | "members" | "keys", string> = { column: "", rows: "", members: "", keys: "" };
  const at = (name: string) => path.join(dir, name);

  before(async () => {
    console.log(`      (seed ${SEED})`);
    ({ dir, cleanup } = tempDir("verify-in-place"));
    ws = at("dt");
    const rng = seeded(SEED);
    images = Array.from({ length: 12 }, () => rng.bytes(100 + rng.int(900)));
    // Parquet with an HF Image struct (row 5's image is null), by DuckDB, two row groups.
    await duckdb([
      `CREATE TABLE t AS SELECT * FROM (VALUES ${images
        .map((b, i) => `(${i}, ${i === 5 ? "NULL" : `{'bytes': ${blobLiteral(b)}, 'path': 'img-${i}.jpg'}`}, 'caption ${i}')`)
        .join(", ")}) v(id, image, caption)`,
      `COPY (SELECT * FROM t ORDER BY id) TO '${at("train.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 6)`,
      `COPY (SELECT 99 AS id, {'bytes': ${blobLiteral(rng.bytes(50))}, 'path': 'x.jpg'} AS image, 'other' AS caption) TO '${at("other.parquet")}' (FORMAT parquet)`,
    ]);
    // A WebDataset shard by the system tar: key.jpg + key.txt.
    const shardFiles: Record<string, Uint8Array | string> = {};
    for (let i = 0; i < 6; i++) {
      shardFiles[`k/${String(i).padStart(6, "0")}.jpg`] = images[i]!;
      shardFiles[`k/${String(i).padStart(6, "0")}.txt`] = `caption ${i}`;
    }
    writeTree(dir, shardFiles);
    systemTar(at("k"), ["--sort=name", "--format=pax", "-cf", at("00000.tar"), "."]);
    const register = async (sources: string[], name: string, extra: Record<string, unknown> = {}) =>
      JSON.parse((await runTask(["dataset", "register"], { sources, name, license: "MIT", dir: ws, json: true, threads: 1, quiet: true, ...extra })).stdout).tokenId as string;
    id.column = await register([at("train.parquet")], "pq-image", { column: "image" });
    id.rows = await register([at("train.parquet")], "pq-rows");
    id.members = await register([at("00000.tar")], "tar-members");
    id.keys = await register([at("00000.tar")], "tar-keys", { groupByKey: true });
  });
  after(() => cleanup());

  const verify = (tokenId: string, args: Record<string, unknown>) => runTask<DatasetVerifyResult>(["dataset", "verify"], { tokenId, dir: ws, gateway: "none", quiet: true, ...args });

  it("an image extracted from the shard (system tar -xf, Python tarfile) or saved from a Parquet row (read by DuckDB) verifies as a file", async () => {
    mkdirSync(at("out"), { recursive: true });
    execFileSync("tar", ["-xf", at("00000.tar"), "-C", at("out"), "./000003.jpg"]);
    python(`import tarfile, sys\nwith tarfile.open(sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(at("00000.tar"))}) as t:\n    open(${JSON.stringify(at("out/py-000004.jpg"))}, "wb").write(t.extractfile("./000004.jpg").read())`);
    const blob = (await duckdb([`SELECT image.bytes FROM '${at("train.parquet")}' WHERE id = 7`]))[0]![0] as { bytes: Uint8Array };
    writeFileSync(at("out/row-7.jpg"), blob.bytes);
    expect(sha256(readFileSync(at("out/row-7.jpg")))).to.equal(sha256(images[7]!)); // DuckDB read back the bytes written

    const fromShard = await verify(id.members, { files: [at("out/000003.jpg"), at("out/py-000004.jpg")] });
    expect(fromShard.result.exitCode, fromShard.stderr).to.equal(0);
    expect(fromShard.stdout).to.match(/^MEMBER +.*000003\.jpg: index \d+, ids 00000\.tar\/000003\.jpg /m);
    expect(fromShard.stdout).to.match(/^MEMBER +.*py-000004\.jpg: index \d+, ids 00000\.tar\/000004\.jpg /m);
    const fromRow = await verify(id.column, { files: [at("out/row-7.jpg")] });
    expect(fromRow.result.exitCode, fromRow.stderr).to.equal(0);
    expect(fromRow.stdout).to.match(/^MEMBER +.*row-7\.jpg: index \d+, ids train\.parquet#7 \(/m);
    // The shard's image is the same image as Parquet row 3: found in both layouts.
    expect((await verify(id.column, { files: [at("out/000003.jpg")] })).stdout).to.match(/ids train\.parquet#3 /);
  });

  it("--parquet --row --column: rows verified in place (members, and a row of another file proven absent)", async () => {
    const run = await verify(id.column, { parquet: at("train.parquet"), row: "0,7,11", column: "image" });
    expect(run.result.exitCode, run.stderr).to.equal(0);
    for (const n of [0, 7, 11]) expect(run.stdout).to.match(new RegExp(`^MEMBER +.*train\\.parquet#${n} \\(column image\\): index \\d+, ids train\\.parquet#${n} `, "m"));
    expect(run.stdout).to.match(/^batch +3 members in one multiproof/m);
    const other = await verify(id.column, { parquet: at("other.parquet"), row: "0", column: "image" });
    expect(other.result.exitCode).to.equal(3);
    expect(other.stdout).to.match(/^NOT MEMBER +.*other\.parquet#0 \(column image\) .*proven absent/m);
    const whole = await verify(id.rows, { parquet: at("train.parquet"), row: "5", json: true });
    expect(JSON.parse(whole.stdout).samples[0]).to.include({ member: true, label: `${at("train.parquet")}#5 (whole row)` });
  });

  it("--parquet with the wrong column, or none, is refused with the column the dataset was hashed with (exit 2)", async () => {
    const none = await verify(id.column, { parquet: at("train.parquet"), row: "1" });
    expect(none.result.exitCode).to.equal(2);
    expect(none.stderr).to.match(new RegExp(`dataset #${id.column} was hashed with --column image, so a whole row is not one of its samples; pass --column image\\.`));
    const wrong = await verify(id.column, { parquet: at("train.parquet"), row: "1", column: "caption" });
    expect(wrong.stderr).to.match(/was hashed with --column image, not --column caption; pass --column image\./);
    const extra = await verify(id.rows, { parquet: at("train.parquet"), row: "1", column: "image" });
    expect(extra.stderr).to.match(/was hashed from whole Parquet rows \(no --column\), so a column value is not one of its samples; leave out --column image\./);
    expect(none.stdout).to.equal("");
  });

  it("a missing or null row, and malformed --row/--parquet combinations, are one-line errors (exit 2)", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ parquet: at("train.parquet"), row: "12", column: "image" }, /train\.parquet has 12 rows \(0 to 11\), so it has no row 12\./],
      [{ parquet: at("train.parquet"), row: "5", column: "image" }, /Row 5 of .*train\.parquet has a null image, so it is not a sample/],
      [{ parquet: at("train.parquet"), row: "x1", column: "image" }, /--row x1: "x1" is not a row number\./],
      [{ parquet: at("train.parquet"), row: "-1" }, /"-1" is not a row number/],
      [{ parquet: at("train.parquet") }, /--parquet .* needs --row: which row to check\./],
      [{ row: "3" }, /--row applies to a Parquet file, and no --parquet <file> was given\./],
      [{ parquet: at("missing.parquet"), row: "0" }, /Cannot read Parquet file .*missing\.parquet: no such file or directory\./],
      [{ parquet: at("00000.tar"), row: "0" }, /00000\.tar is not a readable Parquet file/],
    ];
    for (const [args, message] of cases) {
      const run = await verify(id.column, args);
      expect(run.result.exitCode, JSON.stringify(args)).to.equal(2);
      expect(run.stderr, JSON.stringify(args)).to.match(message);
      expect(run.stderr).to.not.match(/at .*\.ts:\d+/); // no stack trace
    }
  });

  it("--tar --member verifies a member in place; --tar --key a WebDataset key of a --group-by-key dataset", async () => {
    const m = await verify(id.members, { tar: at("00000.tar"), member: "000002.txt" });
    expect(m.result.exitCode, m.stderr).to.equal(0);
    expect(m.stdout).to.match(/^MEMBER +.*00000\.tar\/000002\.txt: index \d+, ids 00000\.tar\/000002\.txt /m);
    const k = await verify(id.keys, { tar: at("00000.tar"), key: "000002" });
    expect(k.result.exitCode, k.stderr).to.equal(0);
    expect(k.stdout).to.match(/^MEMBER +.*00000\.tar\/000002 \(key\): index \d+, ids 00000\.tar\/000002 /m);
    // A whole image file against the grouped dataset: absent, with a hint about keys.
    const file = await verify(id.keys, { files: [at("k/000002.jpg")] });
    expect(file.result.exitCode).to.equal(3);
    expect(file.stderr).to.match(/hint: dataset #\d+ was hashed with --group-by-key \(00000\.tar\): each of its samples is a WebDataset key's files concatenated.*--tar <shard> --key <key>/);
  });

  it("--member against a --group-by-key dataset asks for --key, --key against a per-member one asks for --member; missing members and bad flags are one-line errors", async () => {
    const member = await verify(id.keys, { tar: at("00000.tar"), member: "000002.jpg" });
    expect(member.result.exitCode).to.equal(2);
    expect(member.stderr).to.match(/was hashed with --group-by-key .*; pass --key 000002 instead of --member 000002\.jpg\./);
    const key = await verify(id.members, { tar: at("00000.tar"), key: "000002" });
    expect(key.stderr).to.match(/was hashed one sample per tar member \(no --group-by-key\).*; pass --member 000002\.<ext> \(e\.g\. --member 000002\.jpg\) instead of --key 000002\./);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ tar: at("00000.tar"), member: "000009.jpg" }, /00000\.tar has no member 000009\.jpg \(its members: 000000\.jpg, 000000\.txt, 000001\.jpg, 000001\.txt, 000002\.jpg, … \(12 in all\)\)\./],
      [{ tar: at("00000.tar"), member: "000002.jpg", key: "000002" }, /--member and --key both given/],
      [{ tar: at("00000.tar") }, /--tar .* needs --member or --key/],
      [{ member: "a.jpg" }, /--member applies to a tar shard, and no --tar <shard> was given\./],
      [{ tar: at("train.parquet"), member: "a.jpg" }, /Cannot read shard .*train\.parquet/],
    ];
    for (const [args, message] of cases) {
      const run = await verify(id.members, args);
      expect(run.result.exitCode, JSON.stringify(args)).to.equal(2);
      expect(run.stderr, JSON.stringify(args)).to.match(message);
    }
    const keyMissing = await verify(id.keys, { tar: at("00000.tar"), key: "000002.jpg" });
    expect(keyMissing.stderr).to.match(/has no WebDataset key 000002\.jpg .*did you mean --key 000002\?/);
  });

  describe("model trace", () => {
    let modelId: string;
    before(async () => {
      writeFileSync(at("weights.bin"), "weights");
      const reg = await runTask(["model", "register"], { weights: at("weights.bin"), datasets: `${id.column},${id.members}`, name: "m", dir: ws, json: true, quiet: true });
      modelId = JSON.parse(reg.stdout).tokenId;
    });
    const trace = (args: Record<string, unknown>) => runTask<ModelTraceResult>(["model", "trace"], { tokenId: modelId, dir: ws, gateway: "none", quiet: true, ...args });

    it("--parquet --row --column: found in the Parquet dataset, proven absent from the tar dataset (a column value is plain bytes)", async () => {
      const run = await trace({ parquet: at("train.parquet"), row: "9", column: "image" });
      expect(run.result.exitCode, run.stderr).to.equal(0);
      expect(run.stdout).to.match(new RegExp(`IN TRAINING DATA +.*train\\.parquet#9 \\(column image\\)\\n  dataset #${id.column} index \\d+ \\(ids train\\.parquet#9\\)`));
      expect(run.stdout).to.match(new RegExp(`not in dataset #${id.members} \\(local ok, on-chain ok\\)`));
    });

    it("a tar member is checked against both; a whole row no training dataset was hashed as is an error naming how they were", async () => {
      const member = await trace({ tar: at("00000.tar"), member: "000001.jpg" });
      expect(member.result.exitCode, member.stderr).to.equal(0);
      expect(member.stdout).to.match(new RegExp(`dataset #${id.column} index \\d+ \\(ids train\\.parquet#1\\)`)); // the same image
      expect(member.stdout).to.match(new RegExp(`dataset #${id.members} index \\d+ \\(ids 00000\\.tar/000001\\.jpg\\)`));
      const whole = await trace({ parquet: at("train.parquet"), row: "1" });
      expect(whole.result.exitCode).to.equal(2);
      expect(whole.stderr).to.match(new RegExp(`no dataset of model #${modelId}'s lineage was hashed the way this sample is read: dataset #${id.column} was hashed with --column image`));
    });

    it("a dataset hashed another way is listed as not comparable, and the others still answer", async () => {
      writeFileSync(at("weights-2.bin"), "weights, fine-tuned");
      const reg = await runTask(["model", "register"], { weights: at("weights-2.bin"), datasets: `${id.rows},${id.column}`, name: "m2", parents: modelId, relation: "finetune", dir: ws, json: true, quiet: true });
      const child = JSON.parse(reg.stdout).tokenId as string;
      expect(child).to.not.equal(modelId);
      const run = await runTask<ModelTraceResult>(["model", "trace"], { tokenId: child, parquet: at("train.parquet"), row: "4", dir: ws, gateway: "none", quiet: true });
      expect(run.result.exitCode, run.stderr).to.equal(0);
      expect(run.stdout).to.match(new RegExp(`dataset #${id.rows} index \\d+ \\(ids train\\.parquet#4\\)`));
      expect(run.stdout).to.match(new RegExp(`not comparable with dataset #${id.column}: dataset #${id.column} was hashed with --column image`));
      const json = JSON.parse((await runTask(["model", "trace"], { tokenId: child, parquet: at("train.parquet"), row: "4", dir: ws, gateway: "none", quiet: true, json: true })).stdout);
      expect(json.samples[0].notComparable.map((n: { datasetId: string }) => n.datasetId)).to.include(id.column);
    });
  });
});
