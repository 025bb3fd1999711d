import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { hashSources } from "../../src/engine/hash-sources.js";
import { openSources } from "../../src/sources/open-sources.js";
import { canonicalNumber } from "../../src/sources/parquet-row.js";
import { tempDir } from "../fixtures/dataset-fixtures.js";
import { duckdb, python, seeded, sqlString } from "../fixtures/source-fixtures.js";

const SEED = 777;

/** The Python block of docs/sources.md that defines canonical_number / canonical_value / row_sample (standard library only). */
function docsSnippet(): string {
  const docs = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "sources.md"), "utf8");
  const m = /```python\n(import base64, json, math\n[\s\S]*?)```/u.exec(docs);
  if (m === null) throw new Error("docs/sources.md lost its canonical-row Python block");
  return m[1]!;
}

/** A double as the hex of its IEEE-754 bits (exact transport to Python). */
function bitsOf(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString("hex");
}

describe("parquet whole-row canonical serialization", function () {
  this.timeout(120_000);
  before(() => console.log(`      (seed ${SEED})`));

  it("writes floats as ECMAScript Number::toString, exactly as the Python function of the docs does (seeded random doubles and edge cases)", () => {
    const rng = seeded(SEED);
    const values: number[] = [0, -0, 1, -1, 0.1, 0.5, 100, 123.456, 1e21, 1e20, 1e-6, 1e-7, 1.5e-7, 1e16, -1e16, 5e-324, 1.7976931348623157e308, Math.fround(0.1), Math.fround(1 / 3), 2 ** 53, 2 ** 53 + 2, NaN, Infinity, -Infinity];
    const view = new DataView(new ArrayBuffer(8));
    while (values.length < 3000) {
      view.setUint32(0, rng.next());
      view.setUint32(4, rng.next());
      const x = view.getFloat64(0);
      if (!Number.isNaN(x)) values.push(x);
      values.push(rng.next() / 2 ** rng.int(40), Math.fround(rng.next() / 1000));
    }
    const pythonOut = python(
      `${docsSnippet()}
import struct, sys
for line in sys.stdin.read().split():
    print(canonical_number(struct.unpack(">d", bytes.fromhex(line))[0]))
`,
      values.map(bitsOf).join("\n"),
    ).trimEnd().split("\n");
    expect(pythonOut.length).to.equal(values.length);
    values.forEach((x, i) => expect(canonicalNumber(x), `${bitsOf(x)}`).to.equal(pythonOut[i]));
    expect(canonicalNumber(-0)).to.equal("0");
    expect(canonicalNumber(NaN)).to.equal('"NaN"');
    expect(canonicalNumber(1.5e-7)).to.equal("1.5e-7");
  });

  it("hashes whole rows of a DuckDB file to the SHA-256 of the bytes the Python snippet of the docs gives for the same rows", async () => {
    const { dir, cleanup } = tempDir("parquet-row");
    try {
      const rng = seeded(SEED + 1);
      const doubles = [0.1, -0, 1e21, 1.5e-7, NaN, Infinity, -Infinity, 123456789.125, 2 ** 60];
      const texts = ["plain", 'quote " backslash \\ newline \n tab \t control \u0001 é 😀 \u2028', "", "日本語"];
      const sqlDouble = (x: number): string => `CAST(${sqlString(Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : Object.is(x, -0) ? "-0.0" : String(x))} AS DOUBLE)`;
      // Each row: the SQL expressions and the Python values (in a JSON transport with tags), in schema order.
      const rows = Array.from({ length: 40 }, (_, i) => {
        const bin = rng.bytes(rng.int(40));
        const d = doubles[i % doubles.length]!;
        const f = Math.fround(rng.next() / 7919);
        const nullRow = i % 13 === 5;
        return {
          sql: [
            nullRow ? "NULL::BOOLEAN" : i % 2 === 0 ? "true" : "false",
            `(${(i % 256) - 128})::TINYINT`,
            `(${i * 1000 - 7})::INTEGER`,
            i % 3 === 0 ? "9007199254740993::BIGINT" : "(-9223372036854775808)::BIGINT",
            "18446744073709551615::UBIGINT",
            sqlDouble(d),
            `CAST(${sqlString(String(f))} AS FLOAT)`,
            nullRow ? "NULL::VARCHAR" : sqlString(texts[i % texts.length]!),
            `from_hex('${Buffer.from(bin).toString("hex")}')`,
            `DATE '2024-02-29' + ${i}`,
            `make_timestamp(${1_700_000_000_123_456 + i}::BIGINT)`,
            i % 4 === 0 ? "NULL::INTEGER[]" : i % 4 === 1 ? "[]::INTEGER[]" : `[1, NULL, ${i}]`,
            nullRow ? "NULL::STRUCT(a INTEGER, b VARCHAR)" : `{'a': ${i}, 'b': ${sqlString(`x${i}`)}}`,
            `[{'x': ${sqlDouble(d)}}]`,
          ].join(", "),
          py: {
            b: nullRow ? null : i % 2 === 0,
            i8: (i % 256) - 128,
            i32: i * 1000 - 7,
            i64: { int: i % 3 === 0 ? "9007199254740993" : "-9223372036854775808" },
            u64: { int: "18446744073709551615" },
            d: { float: bitsOf(d) },
            f: { float: bitsOf(f) },
            s: nullRow ? null : texts[i % texts.length]!,
            bin: { bytes: Buffer.from(bin).toString("hex") },
            day: 19782 + i,
            ts: { int: String(1_700_000_000_123_456 + i) },
            list: i % 4 === 0 ? null : i % 4 === 1 ? [] : [1, null, i],
            st: nullRow ? null : { a: i, b: `x${i}` },
            lst: [{ x: { float: bitsOf(d) } }],
          },
        };
      });
      const names = ["b", "i8", "i32", "i64", "u64", "d", "f", "s", "bin", "day", "ts", "list", "st", "lst"];
      const file = path.join(dir, "rows.parquet");
      await duckdb([
        `CREATE TABLE t AS SELECT * FROM (VALUES ${rows.map((r, i) => `(${i}, ${r.sql})`).join(", ")}) v(n, ${names.join(", ")})`,
        `COPY (SELECT ${names.join(", ")} FROM t ORDER BY n) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`,
      ]);
      const reference = python(
        `${docsSnippet()}
import hashlib, json, struct, sys
def revive(v):
    if isinstance(v, dict) and len(v) == 1 and next(iter(v)) in ("int", "float", "bytes"):
        kind, payload = next(iter(v.items()))
        return int(payload) if kind == "int" else struct.unpack(">d", bytes.fromhex(payload))[0] if kind == "float" else bytes.fromhex(payload)
    if isinstance(v, dict):
        return {k: revive(x) for k, x in v.items()}
    if isinstance(v, list):
        return [revive(x) for x in v]
    return v
for row in json.load(sys.stdin):
    print(hashlib.sha256(row_sample(revive(row))).hexdigest())
`,
        JSON.stringify(rows.map((r) => r.py)),
      )
        .trimEnd()
        .split("\n");
      const ours = new Map<string, string>();
      for (const threads of [0, 2]) {
        await hashSources(await openSources(["rows.parquet"], { baseDir: dir }), {
          threads,
          onBatch: (h) => {
            for (let i = 0; i < h.batch.count; i++) ours.set(h.batch.ids![i]!, Buffer.from(h.digests.subarray(32 * i, 32 * i + 32)).toString("hex"));
          },
        });
        expect(ours).to.deep.equal(new Map(reference.map((hash, i) => [`rows.parquet#${i}`, hash])));
      }
    } finally {
      cleanup();
    }
  });
});
