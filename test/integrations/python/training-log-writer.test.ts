/**
 * The Python writer (integrations/python/datatrace_training_log.py) run by the
 * machine's python3 in child processes, against the TypeScript implementation:
 * same canonical JSON, same heads, byte-identical log files, same weights
 * digests; and its TrainerCallback look-alike driven like a Trainer would.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { canonicalJson } from "../../../src/registry/canonical-json.js";
import { TrainingLogBuilder } from "../../../src/training/log-chain.js";
import type { TrainingLogEntry } from "../../../src/training/log-entry.js";
import { checkTrainingLog } from "../../../src/training/log-verification.js";
import { weightsDigestOf } from "../../../src/training/weights-digest.js";
import { Random } from "../../fixtures/seeded-random.js";
import { fakeDigest, simpleRunEntries } from "../../training/log-fixtures.js";

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), "harness.py");

function python<T>(command: unknown): T {
  const run = spawnSync("python3", [HARNESS], { input: JSON.stringify(command), encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`python3 harness failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** What the TypeScript side makes of a JSON text: its canonical form, or the error. */
function tsCanonical(text: string): { ok: string } | { error: string } {
  try {
    return { ok: canonicalJson(JSON.parse(text)) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe("Python training log writer (python3, standard library only)", function () {
  this.timeout(120_000);
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "datatrace-pywriter-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const vectors = [
    // numbers: ECMAScript Number-to-String
    "[0, -0.0, -0, 1, -1, 0.1, 0.30000000000000004, 1e21, 1e-7, 1e-6, 123456789012345678901234, 1.5e300, 5e-324, 1.7976931348623157e308, 2.5, 100, 1e20, 9007199254740993, 18446744073709551616, 0.000001234, -1e-7]",
    "1e21",
    "1e-7",
    "-0.0",
    // strings: escapes, unicode, astral characters
    '"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f/é€😀\\ud83d\\ude00"',
    '"\\u2028\\u2029"',
    // lone surrogates: rejected
    '"x\\ud800"',
    '"\\udc00"',
    '{"k\\udbff": 1}',
    // keys ordered by UTF-16 code units (not code points): U+FB01 sorts after U+1F600's surrogates? no: 0xD83D < 0xFB01
    '{"b": 0, "B": 0, "é": 0, "a": 0, "😀": 0, "ﬁ": 0, "": 1, "aa": 2, "a\\u0000": 3}',
    // nested objects
    '{"z": {"y": [1, {"b": true, "a": null}], "x": "s"}, "a": [[], {}, [0.5]]}',
    "true",
    "null",
    "[1e400]",
  ];

  it("writes the same RFC 8785 canonical JSON as TypeScript, and rejects the same values (lone surrogates, overflows)", () => {
    const py = python<Array<{ ok?: string; error?: string }>>({ op: "canonical", texts: vectors });
    vectors.forEach((text, i) => {
      const ts = tsCanonical(text);
      if ("ok" in ts) expect(py[i], text).to.deep.equal({ ok: ts.ok });
      else expect(py[i]!.error, `${text} should be rejected by Python too`).to.be.a("string");
    });
    expect(py[1]).to.deep.equal({ ok: "1e+21" });
    expect(py[2]).to.deep.equal({ ok: "1e-7" });
    expect(py[3]).to.deep.equal({ ok: "0" });
    expect(py[6]!.error).to.match(/lone UTF-16 surrogate \\ud800/);
    expect(py[0]!.ok).to.equal("[0,0,0,1,-1,0.1,0.30000000000000004,1e+21,1e-7,0.000001,1.2345678901234569e+23,1.5e+300,5e-324,1.7976931348623157e+308,2.5,100,100000000000000000000,9007199254740992,18446744073709552000,0.000001234,-1e-7]");
  });

  it("agrees with TypeScript on seeded random values (floats from random bits, large integers, unicode)", () => {
    const random = new Random("python canonical JSON");
    const seed = random.seed;
    console.log(`      (seed ${seed})`);
    const rand = (): number => random.next();
    const view = new DataView(new ArrayBuffer(8));
    const float = (): number => {
      for (;;) {
        view.setUint32(0, Math.floor(rand() * 2 ** 32));
        view.setUint32(4, Math.floor(rand() * 2 ** 32));
        const x = view.getFloat64(0);
        if (Number.isFinite(x)) return x;
      }
    };
    const alphabet = ["a", "Z", "é", "€", "😀", "\u{10FFFF}", "\n", "\u0000", '"', "\\", "ﬁ", "𝄞"];
    const str = (): string => Array.from({ length: Math.floor(rand() * 6) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 2 || r < 0.3) return float();
      if (r < 0.4) return Math.floor(rand() * 2 ** 53) * (rand() < 0.5 ? 1 : 2 ** Math.floor(rand() * 40));
      if (r < 0.55) return str();
      if (r < 0.75) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [str(), value(depth + 1)]));
    };
    const texts = Array.from({ length: 300 }, () => JSON.stringify(value(0)));
    const py = python<Array<{ ok?: string; error?: string }>>({ op: "canonical", texts });
    texts.forEach((text, i) => expect(py[i], `seed ${seed} case ${i}: ${text}`).to.deep.equal(tsCanonical(text)));
  });

  it("writes a byte-identical log file with the same heads for the same entries", () => {
    const entries: TrainingLogEntry[] = [
      ...simpleRunEntries({ samples: [fakeDigest(1), fakeDigest(2)], datasets: [{ tokenId: "1", root: fakeDigest(3), leafCount: 5 }] }).slice(0, -1),
      { kind: "step", step: 2, epoch: 1, metrics: { loss: 0.1 + 0.2, tiny: 1e-7, huge: 1e21, negZero: -0, big: 2 ** 60 }, data: { note: "unicode ✓ 😀", nested: { b: [1, 2], a: { "é": 1, e: 2 } } } },
      { kind: "epoch", step: 2, epoch: 1 },
      { kind: "batch", step: 3, samplesRoot: fakeDigest(4), sampleCount: 2 },
      { kind: "run-end", step: 3, weightsDigest: fakeDigest(0xee), metrics: { accuracy: 0.975 } },
    ];
    const ts = new TrainingLogBuilder(entries);
    const file = path.join(root, "py.jsonl");
    const { head } = python<{ head: string }>({ op: "write", path: file, entries: JSON.stringify(entries) });
    expect(head).to.equal(ts.head);
    expect(readFileSync(file, "utf8")).to.equal(ts.toJsonLines());
    expect(checkTrainingLog(readFileSync(file, "utf8"), head).valid).to.equal(true);
  });

  it("digests weights as weightsDigestOf does: model_signing's subject digest, its path order and default ignore paths", async () => {
    const dir = path.join(root, "weights");
    mkdirSync(path.join(dir, "sub", "é"), { recursive: true });
    mkdirSync(path.join(dir, ".git"), { recursive: true });
    writeFileSync(path.join(dir, "model.safetensors"), Buffer.alloc(3000, 7));
    writeFileSync(path.join(dir, "config.json"), "{}");
    writeFileSync(path.join(dir, "sub", "é", "b.bin"), "b");
    writeFileSync(path.join(dir, "sub", "a.bin"), "");
    writeFileSync(path.join(dir, "sub-x.bin"), "x"); // "sub/…" sorts before "sub-x.bin" component-wise, after it as plain strings
    writeFileSync(path.join(dir, ".git", "HEAD"), "ref: refs/heads/main\n"); // ignored, as model_signing ignores .git
    writeFileSync(path.join(dir, "model.sig"), "{}"); // ignored: the signature file
    const digests = python<{ digest: string }>({ op: "digest", path: dir });
    expect(digests.digest).to.equal(await weightsDigestOf(dir));
    const files = ["config.json", "model.safetensors", "sub/a.bin", "sub/é/b.bin", "sub-x.bin"]; // model_signing's order
    const concat = Buffer.concat(files.map((f) => createHash("sha256").update(readFileSync(path.join(dir, ...f.split("/")))).digest()));
    expect(digests.digest).to.equal(`0x${createHash("sha256").update(concat).digest("hex")}`);
    const single = python<{ digest: string }>({ op: "digest", path: path.join(dir, "config.json") });
    expect(single.digest).to.equal(await weightsDigestOf(path.join(dir, "config.json")));
  });

  it("writes a valid log from Trainer events through the TrainerCallback method names, without transformers installed", async () => {
    const probe = spawnSync("python3", ["-c", "import transformers"], { encoding: "utf8" });
    expect(probe.status, "transformers must not be importable here: the callback has to work without it").to.not.equal(0);
    const out = path.join(root, "trainer-out");
    const log = path.join(root, "callback.jsonl");
    const datasets = [{ tokenId: "2", root: fakeDigest(5), leafCount: 10 }];
    const batches = [1, 2, 3, 4].map((s) => [fakeDigest(s), fakeDigest(s + 10)]);
    const r = python<{ head: string; checkpoints: string[] }>({ op: "callback", dir: out, log, datasets, batches });
    const text = readFileSync(log, "utf8");
    const check = checkTrainingLog(text, r.head);
    expect(check.problems).to.deep.equal([]);
    const entries = check.lines.map((l) => l.entry);
    expect(entries.map((e) => e.kind)).to.deep.equal(["run-start", "batch", "step", "batch", "step", "epoch", "checkpoint", "batch", "step", "batch", "step", "epoch", "checkpoint", "run-end"]);
    const start = entries[0]!;
    expect(start.kind === "run-start" && start.config).to.deep.include({ learning_rate: 5e-5, num_train_epochs: 2, report_to: ["none"] });
    expect(start.kind === "run-start" && "nan_value" in start.config).to.equal(false);
    expect(start.kind === "run-start" && start.datasets).to.deep.equal(datasets);
    expect(entries[2]!.metrics).to.deep.equal({ loss: 1, learning_rate: 5e-5 });
    const checkpoints = entries.filter((e) => e.kind === "checkpoint");
    for (const [i, c] of checkpoints.entries()) expect(c.kind === "checkpoint" && c.weightsDigest).to.equal(await weightsDigestOf(r.checkpoints[i]!));
    const end = entries.at(-1)!;
    expect(end.kind === "run-end" && end.weightsDigest).to.equal(await weightsDigestOf(r.checkpoints[1]!));
  });
});
