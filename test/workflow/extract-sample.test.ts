/**
 * `dataset extract`'s core (src/workflow/extract-sample.ts) on a real
 * in-process chain with datasets registered from real files: a Parquet
 * image column (DuckDB), a tar shard (system tar) per member and with
 * --group-by-key, a directory with duplicate files, a CSV and an IDX file.
 * A sample named by hash or by id is located (every id: duplicates), proven
 * a member locally and on chain, read back from the local copy by the
 * sources' own code, re-hashed, and written; a copy that differs is never
 * written; private manifests, unknown ids, non-members, --out and --source
 * variants, and a manifest read only through an IPFS gateway.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { toHex } from "../../src/hash/hex.js";
import { sha256 } from "../../src/hash/sha256.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import { extractSample, type ExtractInput } from "../../src/workflow/extract-sample.js";
import { registerDataset, type RegisteredDataset } from "../../src/workflow/register-dataset.js";
import { idxBytes, records, writeTree } from "../fixtures/dataset-fixtures.js";
import { blobLiteral, duckdb, seeded, systemTar } from "../fixtures/source-fixtures.js";
import { deployRegistry, rejection, tempWorkspace } from "./helpers.js";

const SEED = 4242;

describe("extractSample: where a committed sample lives, and its bytes", function () {
  this.timeout(180_000);
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  let local: LocalStore;
  let content: ContentSource;
  let images: Uint8Array[];
  let pq: RegisteredDataset;
  let members: RegisteredDataset;
  let keys: RegisteredDataset;
  let files: RegisteredDataset;
  let hidden: RegisteredDataset;

  const extract = (id: bigint, input: Omit<ExtractInput, "cwd"> & { cwd?: string }) => extractSample({ client: env.readOnly, content }, id, { cwd: t.root, ...input });
  const hashOf = (bytes: Uint8Array | string) => toHex(sha256(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes));

  before(async () => {
    console.log(`      (seed ${SEED})`);
    env = await deployRegistry();
    t = tempWorkspace("extract");
    local = new LocalStore({ dir: t.workspace.blocksDir });
    content = new ContentSource({ local });
    const rng = seeded(SEED);
    images = Array.from({ length: 20 }, () => rng.bytes(40 + rng.int(200)));
    await duckdb([
      `CREATE TABLE t AS SELECT * FROM (VALUES ${images.map((b, i) => `(${i}, {'bytes': ${blobLiteral(b)}, 'path': 'i${i}.jpg'})`).join(", ")}) v(id, image)`,
      `COPY (SELECT * FROM t ORDER BY id) TO '${path.join(t.root, "train.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 8)`,
    ]);
    writeTree(t.root, {
      "k/000001.jpg": images[1]!,
      "k/000001.txt": "a cat",
      "k/000002.jpg": images[2]!,
      "k/000002.txt": "a dog",
      "imgs/a.bin": images[3]!,
      "imgs/copy-of-a.bin": images[3]!,
      "imgs/b.bin": images[4]!,
      "imgs/cat.txt": "a cat", // the same bytes as the shard's 000001.txt
      "rows.csv": "text,label\nfree money,spam\nmeeting at 10,ham\n",
    });
    systemTar(path.join(t.root, "k"), ["--sort=name", "-cf", path.join(t.root, "shard.tar"), "."]);
    writeFileSync(path.join(t.root, "digits-idx3-ubyte"), idxBytes(records(6, 4, SEED), [2, 2]));
    const deps = { client: env.client, store: local, workspace: t.workspace };
    const register = (sources: string[], name: string, options: Record<string, unknown> = {}, priv = false) =>
      registerDataset(deps, { sources, sourceOptions: { baseDir: t.root, ...options }, private: priv, threads: 1, metadata: { name, license: "MIT" } });
    pq = await register(["train.parquet"], "pq", { column: "image" });
    members = await register(["shard.tar", "imgs"], "members");
    keys = await register(["shard.tar"], "keys", { groupByKey: true });
    files = await register(["rows.csv", "digits-idx3-ubyte"], "files");
    hidden = await register(["imgs"], "private", {}, true);
  });
  after(() => t.cleanup());

  it("by hash: a Parquet row's image is located, proven a member, read from the local file, re-hashed and written", async () => {
    const out = path.join(t.root, "row-7.jpg");
    const r = await extract(pq.tokenId, { sample: hashOf(images[7]!), out });
    expect(r).to.include({ outcome: "member", by: "hash", sampleHash: hashOf(images[7]!), localValid: true, onChainValid: true });
    expect(r.sites).to.have.length(1);
    expect(r.sites[0]).to.deep.include({ id: "train.parquet#7", kind: "parquet-row", where: "row 7 of train.parquet, column image" });
    expect(r.sites[0]!.local).to.deep.equal({ path: path.join(t.root, "train.parquet"), status: "matches", sampleHash: hashOf(images[7]!), bytes: images[7]!.length });
    expect(r.fetched).to.deep.equal({ id: "train.parquet#7", from: path.join(t.root, "train.parquet"), bytes: images[7]!.length, out });
    expect(new Uint8Array(readFileSync(out))).to.deep.equal(images[7]);
  });

  it("by id: found from the local copy with one shard read; without a local copy, by searching the manifest's ids", async () => {
    const fast = await extract(pq.tokenId, { sample: "train.parquet#12" });
    expect(fast).to.include({ outcome: "member", by: "id", sampleHash: hashOf(images[12]!) });
    expect(fast.shardsSearched).to.equal(undefined);
    const elsewhere = await extract(pq.tokenId, { sample: "train.parquet#12", cwd: path.join(t.root, "k") });
    expect(elsewhere).to.include({ outcome: "member", sampleHash: hashOf(images[12]!), shardsSearched: 1 });
    expect(elsewhere.sites[0]!.local).to.equal(undefined);
    expect(elsewhere.fetched).to.equal(undefined);
    // --out without a local copy: a clear error, nothing written.
    const out = path.join(t.root, "nothing.jpg");
    const err = await rejection(extract(pq.tokenId, { sample: "train.parquet#12", cwd: path.join(t.root, "k"), out }));
    expect(err.message).to.match(/^No local copy of the sample of dataset #\d+ was found \(it lives at: row 12 of train\.parquet, column image; looked under the working directory .*\)\. Nothing was written\.\nGive the directory the dataset was hashed from, or the file holding the sample, with --source <path>\./);
    expect(existsSync(out)).to.equal(false);
  });

  it("--source: the directory the dataset was hashed from, or the file holding the sample", async () => {
    for (const source of [t.root, path.join(t.root, "train.parquet")]) {
      const r = await extract(pq.tokenId, { sample: "train.parquet#3", cwd: path.join(t.root, "k"), source });
      expect(r.sites[0]!.local, source).to.include({ status: "matches", path: path.join(t.root, "train.parquet") });
    }
  });

  it("a tar member and a WebDataset key (--group-by-key) come out as the bytes that were committed", async () => {
    const m = await extract(members.tokenId, { sample: "shard.tar/000001.txt", out: path.join(t.root, "caption.txt") });
    expect(m.sites.map((s) => s.where)).to.deep.equal(["member 000001.txt of shard shard.tar", "file imgs/cat.txt"]);
    expect(readFileSync(path.join(t.root, "caption.txt"), "utf8")).to.equal("a cat");
    const k = await extract(keys.tokenId, { sample: "shard.tar/000002", out: path.join(t.root, "key.bin") });
    expect(k.sites[0]).to.include({ kind: "tar-key", where: "key 000002 of shard shard.tar (--group-by-key)" });
    const written = new Uint8Array(readFileSync(path.join(t.root, "key.bin")));
    expect(toHex(sha256(written))).to.equal(k.sampleHash);
    // The documented concatenation: u32 length ‖ extension ‖ u64 length ‖ data, sorted by extension.
    expect(Buffer.from(written.subarray(0, 7)).toString("latin1")).to.equal("\0\0\0\u0003jpg");
  });

  it("every id of a duplicated sample is listed: two files, and a file with the bytes of a tar member", async () => {
    const r = await extract(members.tokenId, { sample: hashOf(images[3]!) });
    expect(r.sites.map((s) => s.id)).to.deep.equal(["imgs/a.bin", "imgs/copy-of-a.bin"]);
    expect(r.sites.map((s) => s.kind)).to.deep.equal(["file", "file"]);
    expect(r.fetched?.id).to.equal("imgs/a.bin");
    const cat = await extract(members.tokenId, { sample: "imgs/cat.txt" });
    expect(cat.sites.map((s) => s.where)).to.deep.equal(["member 000001.txt of shard shard.tar", "file imgs/cat.txt"]);
    expect(cat.fetched?.id).to.equal("shard.tar/000001.txt"); // the first place with a local copy
    const one = await extract(members.tokenId, { sample: hashOf(images[1]!) });
    expect(one.sites.map((s) => s.id)).to.deep.equal(["shard.tar/000001.jpg"]);
  });

  it("a line of a CSV and an IDX record", async () => {
    const line = await extract(files.tokenId, { sample: "rows.csv:3", out: path.join(t.root, "line.txt") });
    expect(line.sites[0]!.where).to.equal("line 3 of rows.csv");
    expect(readFileSync(path.join(t.root, "line.txt"), "utf8")).to.equal("meeting at 10,ham");
    const rec = await extract(files.tokenId, { sample: "digits-idx3-ubyte#4" });
    expect(rec.sites[0]!.where).to.equal("record 4 of digits-idx3-ubyte");
    expect(rec.sampleHash).to.equal(hashOf(records(6, 4, SEED)[4]!));
  });

  it("a local copy that changed is reported as differing and never written; the committed hash still comes from the manifest", async () => {
    copyFileSync(path.join(t.root, "imgs", "b.bin"), path.join(t.root, "b.orig"));
    writeFileSync(path.join(t.root, "imgs", "b.bin"), "edited since");
    try {
      const out = path.join(t.root, "b.out");
      const r = await extract(members.tokenId, { sample: "imgs/b.bin" });
      expect(r).to.include({ outcome: "member", sampleHash: hashOf(images[4]!), shardsSearched: 1 });
      expect(r.sites[0]!.local).to.include({ status: "differs", sampleHash: hashOf("edited since") });
      const err = await rejection(extract(members.tokenId, { sample: "imgs/b.bin", out }));
      expect(err.message).to.match(/^The local copies do not hold the committed sample of dataset #\d+ \(.*imgs\/b\.bin: its file imgs\/b\.bin hashes to 0x/);
      expect(existsSync(out)).to.equal(false);
    } finally {
      copyFileSync(path.join(t.root, "b.orig"), path.join(t.root, "imgs", "b.bin"));
    }
  });

  it("answers a non-member hash with its absence proof, and an id no sample has as unknown", async () => {
    const absent = await extract(members.tokenId, { sample: hashOf("never committed") });
    expect(absent).to.include({ outcome: "not-member", localValid: true, onChainValid: true });
    expect(absent.neighbor).to.match(/^0x[0-9a-f]{64}$/);
    const unknown = await extract(members.tokenId, { sample: "shard.tar/000009.jpg" });
    expect(unknown).to.include({ outcome: "unknown-id", shardsSearched: 1 });
    expect(unknown.sites[0]!.local).to.include({ status: "unreadable" });
    expect(unknown.sites[0]!.local!.problem).to.match(/shard\.tar has no member 000009\.jpg/);
  });

  it("refuses a private manifest, an id no source gives, an existing --out (unless --force) and a missing --out directory, before writing anything", async () => {
    const priv = await rejection(extract(hidden.tokenId, { sample: hashOf(images[3]!) }));
    expect(priv.message).to.equal(
      `Dataset #${hidden.tokenId}'s manifest is private: it keeps no sample ids, so it cannot say where a sample lives.\n` +
        `Check a sample you hold with \`dataset verify ${hidden.tokenId} <file>\` (or --hash <sha256>); its registrant alone knows the ids.`,
    );
    const foreign = await rejection(extract(pq.tokenId, { sample: "elsewhere/x.png" }));
    expect(foreign.message).to.match(/^"elsewhere\/x\.png" is neither a sample hash nor an id any source of dataset #\d+ gives \(its sources: parquet train\.parquet\)\./);
    const out = path.join(t.root, "taken.bin");
    writeFileSync(out, "keep me");
    const taken = await rejection(extract(pq.tokenId, { sample: "train.parquet#1", out }));
    expect(taken.message).to.match(/already exists; it was left as it is\.\nChoose another path, or pass --force to replace it\./);
    expect(readFileSync(out, "utf8")).to.equal("keep me");
    await extract(pq.tokenId, { sample: "train.parquet#1", out, force: true });
    expect(new Uint8Array(readFileSync(out))).to.deep.equal(images[1]);
    expect((await rejection(extract(pq.tokenId, { sample: "train.parquet#1", out: path.join(t.root, "no", "dir", "x") }))).message).to.match(/the directory .*no\/dir does not exist/);
    expect((await rejection(extract(pq.tokenId, { sample: "  " }))).message).to.match(/^No sample given\./);
  });

  describe("through an IPFS gateway", () => {
    let server: RunningIpfsServer;
    before(async () => (server = await startIpfsServer({ store: local, port: 0 })));
    after(async () => server.close());

    it("reads the header, index and ids through the gateway into an empty store, every block verified", async () => {
      const { workspace, cleanup } = tempWorkspace("extract-gw");
      try {
        const fresh = new ContentSource({ local: new LocalStore({ dir: workspace.blocksDir }), gateways: [server.url], timeoutMs: 20_000 });
        const r = await extractSample({ client: env.readOnly, content: fresh }, members.tokenId, { sample: "shard.tar/000002.txt", cwd: workspace.dir });
        expect(r).to.include({ outcome: "member", sampleHash: hashOf("a dog"), shardsSearched: 1 });
        expect(r.sites.map((s) => s.id)).to.deep.equal(["shard.tar/000002.txt"]);
      } finally {
        cleanup();
      }
    });
  });
});
