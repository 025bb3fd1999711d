import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import {
  compareResourceNames,
  createModelSigningStatement,
  diffResources,
  hashModel,
  parseModelSigningStatement,
  parseStatementBytes,
  statementBytes,
  statementOfBytes,
  subjectDigest,
} from "../../src/models/index.js";
import { Random } from "../fixtures/seeded-random.js";

/**
 * model_signing's rule, written independently in Python (standard library
 * only) from its documentation and source: walk with pathlib's
 * glob("**\/*"), skip paths relative to an ignore path, hash each file,
 * sort by PurePosixPath, subject = SHA-256 over the raw digests.
 */
const PYTHON_RULE = String.raw`
import hashlib, json, pathlib, sys
root = pathlib.Path(sys.argv[1])
ignore = [root / p for p in json.loads(sys.argv[2])]
allow_symlinks = sys.argv[3] == "1"
items = {}
for p in [root, *root.glob("**/*")]:
    if any(p.is_relative_to(i) for i in ignore):
        continue
    if not allow_symlinks and p.is_symlink():
        raise SystemExit("symlink " + str(p))
    if p.is_file():
        items[pathlib.PurePosixPath(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
resources = [{"name": str(k), "digest": v} for k, v in sorted(items.items())]
h = hashlib.sha256()
for r in resources:
    h.update(bytes.fromhex(r["digest"]))
print(json.dumps({"resources": resources, "subject": h.hexdigest()}))
`;

function pythonStatement(dir: string, ignore: string[], allowSymlinks = false): { resources: { name: string; digest: string }[]; subject: string } {
  return JSON.parse(execFileSync("python3", ["-c", PYTHON_RULE, dir, JSON.stringify(ignore), allowSymlinks ? "1" : "0"], { encoding: "utf8" })) as ReturnType<typeof pythonStatement>;
}

const DEFAULT_IGNORES = [".git", ".gitattributes", ".github", ".gitignore", "model.sig"];

describe("model-signing statement (weightsHash = model_signing's subject digest)", function () {
  this.timeout(60_000);
  let root: string;
  const seed = new Random("model-signing statement files").seed;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-statement-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** The same pseudo-random bytes for file `i` on every call (seeded by the run seed). */
  const content = (i: number, size: number): Buffer => Buffer.from(new Random(`file ${i}`, seed).bytes(size));

  it("equals an independent Python implementation on nested paths, tricky sort orders and ignore paths", async () => {
    console.log(`      (seed ${seed})`);
    const model = path.join(root, "my-model");
    const files = [
      "config.json", "a-b", "a/b", "a.txt", "a/b c/d", "B", "b", "é.bin", "z/y/x/w/v.safetensors", "original/params.json", "empty",
      ".gitattributes", ".git/HEAD", ".github/workflows/x.yml", "model.sig", "skip/me.bin", "skipped.bin", "skip-not/kept.bin", ".hidden/kept",
    ];
    files.forEach((f, i) => {
      const p = path.join(model, ...f.split("/"));
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, f === "empty" ? Buffer.alloc(0) : content(i, 1 + ((i * 997) % 5000)));
    });
    mkdirSync(path.join(model, "empty-dir"));
    const ours = await hashModel(model, { ignore: ["skip", "skipped.bin"] });
    const theirs = pythonStatement(model, [...DEFAULT_IGNORES, "skip", "skipped.bin"]);
    expect(ours.hashed.statement.predicate.resources.map((r) => ({ name: r.name, digest: r.digest }))).to.deep.equal(theirs.resources);
    expect(ours.hashed.weightsHash).to.equal(`0x${theirs.subject}`);
    const names = ours.hashed.statement.predicate.resources.map((r) => r.name);
    expect(names).to.include.members(["skip-not/kept.bin", ".hidden/kept", "empty"]);
    expect(names.indexOf("a/b")).to.be.lessThan(names.indexOf("a-b")); // component order, not string order
    expect(ours.hashed.statement.subject[0].name).to.equal("my-model");
    expect(ours.hashed.statement.predicate.serialization).to.deep.equal({
      method: "files", hash_type: "sha256", allow_symlinks: false,
      ignore_paths: [".git", ".gitattributes", ".github", ".gitignore", "model.sig", "skip", "skipped.bin"],
    });
  });

  it("hashes a single-file model as one resource named '.' and follows symlinks only when allowed", async () => {
    const file = path.join(root, "weights.bin");
    writeFileSync(file, "hello\n");
    const single = await hashModel(file);
    expect(single.hashed.statement.predicate.resources).to.deep.equal([{ name: ".", algorithm: "sha256", digest: createHash("sha256").update("hello\n").digest("hex") }]);
    expect(single.hashed.statement.subject[0].name).to.equal("weights.bin");
    const model = path.join(root, "linked");
    mkdirSync(model);
    symlinkSync(file, path.join(model, "w.bin"));
    symlinkSync(root, path.join(model, "dir-link")); // a linked directory is neither listed nor followed
    let refused: Error | undefined;
    await hashModel(model).catch((e: Error) => (refused = e));
    expect(refused?.message).to.match(/is a symbolic link: allow symbolic links/);
    const allowed = await hashModel(model, { allowSymlinks: true });
    expect(allowed.hashed.statement.predicate.resources.map((r) => r.name)).to.deep.equal(["w.bin"]);
    expect(allowed.hashed.statement.predicate.serialization.allow_symlinks).to.equal(true);
    expect(allowed.hashed.weightsHash).to.equal(`0x${pythonStatement(model, DEFAULT_IGNORES, true).subject}`);
  });

  it("gives the same weightsHash for the same contents in the same order whatever the names (names are bound by the statement only)", () => {
    const files = [{ name: "a", bytes: Buffer.from("1") }, { name: "d/b", bytes: Buffer.from("2") }];
    const h = statementOfBytes("m", files);
    expect(statementOfBytes("other-name", files, ["x"]).weightsHash).to.equal(h.weightsHash);
    expect(statementOfBytes("m", [files[0]!, { name: "d/b", bytes: Buffer.from("3") }]).weightsHash).to.not.equal(h.weightsHash);
    // model_signing's subject digest covers the digests in name order, not the names:
    const renamed = statementOfBytes("m", [files[0]!, { name: "d/c", bytes: Buffer.from("2") }]);
    expect(renamed.weightsHash).to.equal(h.weightsHash);
    expect(Buffer.from(renamed.bytes).equals(Buffer.from(h.bytes))).to.equal(false);
    expect(diffResources(h.statement.predicate.resources, renamed.statement.predicate.resources)).to.deep.equal({ added: ["d/c"], removed: ["d/b"], changed: [] });
    // a reordering rename changes it
    expect(statementOfBytes("m", [{ name: "z", bytes: Buffer.from("1") }, files[1]!]).weightsHash).to.not.equal(h.weightsHash);
    expect(statementOfBytes("m", []).weightsHash).to.equal(`0x${createHash("sha256").digest("hex")}`); // empty model: SHA-256 of nothing
  });

  it("hashes big files on worker threads with progress, the same as one thread and as a one-shot SHA-256", async () => {
    const model = path.join(root, "big");
    mkdirSync(model);
    const sizes = [20 << 20, (12 << 20) + 7, 1, 0];
    sizes.forEach((n, i) => writeFileSync(path.join(model, `f${i}.bin`), content(100 + i, n)));
    const seen: number[] = [];
    const parallel = await hashModel(model, { threads: 2, onProgress: (b) => seen.push(b) });
    const single = await hashModel(model, { threads: 1 });
    expect(parallel.hashed.statement).to.deep.equal(single.hashed.statement);
    expect(parallel.hashed.statement.predicate.resources.map((r) => r.digest)).to.deep.equal(sizes.map((n, i) => createHash("sha256").update(content(100 + i, n)).digest("hex")));
    expect(seen.at(-1)).to.equal(sizes.reduce((a, b) => a + b, 0));
    expect(seen.every((b, i) => i === 0 || b >= seen[i - 1]!)).to.equal(true);
  });

  it("sorts names component by component by code point", () => {
    const names = ["a-b", "a/b", "a.txt", "a", "é", "z", "a/b/c", "a/a"];
    expect([...names].sort(compareResourceNames)).to.deep.equal(["a", "a/a", "a/b", "a/b/c", "a-b", "a.txt", "z", "é"]);
  });

  it("round-trips through canonical bytes and rejects inconsistent or malformed statements", () => {
    const s = statementOfBytes("m", [{ name: "x", bytes: Random.fixed("statement round trip").bytes(10) }]);
    expect(parseStatementBytes(s.bytes)).to.deep.equal(s.statement);
    expect(Buffer.from(statementBytes(parseStatementBytes(s.bytes))).equals(Buffer.from(s.bytes))).to.equal(true);
    const tampered = JSON.parse(Buffer.from(s.bytes).toString()) as { predicate: { resources: { digest: string }[] } };
    tampered.predicate.resources[0]!.digest = "0".repeat(64);
    expect(() => parseModelSigningStatement(tampered)).to.throw(/inconsistent: its subject digest/);
    expect(() => parseModelSigningStatement({ ...tampered, predicateType: "https://model_signing/Digests/v0.1" })).to.throw(/Not a model_signing v1.0 statement/);
    expect(() => parseStatementBytes(Buffer.from("{"))).to.throw(/not valid UTF-8 JSON/);
    expect(() => createModelSigningStatement({ modelName: "m", allowSymlinks: false, resources: [{ name: "../x", digest: "0".repeat(64) }] })).to.throw(/Invalid resource name/);
    expect(() => createModelSigningStatement({ modelName: "m", allowSymlinks: false, resources: [{ name: "x", digest: "AB" }] })).to.throw(/64 lowercase hex/);
    expect(() => createModelSigningStatement({ modelName: "m", allowSymlinks: false, resources: [{ name: "x", digest: "0".repeat(64) }, { name: "x", digest: "1".repeat(64) }] })).to.throw(/listed twice/);
    expect(subjectDigest([])).to.equal(createHash("sha256").digest("hex"));
  });

  it("diffs resources into added, removed and changed paths", () => {
    const a = [{ name: "same", digest: "1" }, { name: "gone", digest: "2" }, { name: "edit", digest: "3" }];
    const b = [{ name: "same", digest: "1" }, { name: "new", digest: "4" }, { name: "edit", digest: "5" }];
    expect(diffResources(a, b)).to.deep.equal({ added: ["new"], removed: ["gone"], changed: ["edit"] });
  });

  it("refuses missing paths, broken links and bad ignore paths with what to do", async () => {
    let e: Error | undefined;
    await hashModel(path.join(root, "none")).catch((x: Error) => (e = x));
    expect((e as Error | undefined)?.message).to.match(/Cannot read the model at .*check the path/);
    const m = path.join(root, "broken");
    mkdirSync(m);
    symlinkSync(path.join(root, "nowhere"), path.join(m, "x"));
    e = undefined;
    await hashModel(m, { allowSymlinks: true }).catch((x: Error) => (e = x));
    expect((e as Error | undefined)?.message).to.match(/broken symbolic link/);
    e = undefined;
    await hashModel(m, { ignore: ["../etc"] }).catch((x: Error) => (e = x));
    expect((e as Error | undefined)?.message).to.match(/leaves the model directory/);
  });
});
