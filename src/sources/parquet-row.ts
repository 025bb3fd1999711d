/**
 * The canonical serialization of a whole Parquet row (a Parquet source
 * without `--column`): one line of JSON text, UTF-8, no whitespace, built
 * from the schema so that a Python user gets the same bytes with the
 * standard library and pyarrow (docs/sources.md has the snippet):
 *
 * - the row is an object whose keys are the top-level columns in schema
 *   order; a struct is an object with its fields in schema order; a LIST is
 *   an array; null is `null`;
 * - booleans `true` / `false`; integers (any width, signed or not) in
 *   decimal, exactly; DATE, TIME and TIMESTAMP columns as the integer they
 *   store (days since 1970-01-01, or units of the column since midnight or
 *   since the epoch);
 * - FLOAT and DOUBLE as ECMAScript's Number::toString of the value (the
 *   shortest digits that round-trip, `1e+21`, `1.5e-7`; a float32 is widened
 *   to the double it equals first); -0 as `0`; NaN and ±infinity as the
 *   strings `"NaN"`, `"Infinity"`, `"-Infinity"`;
 * - STRING, UTF8 and JSON columns as JSON strings (escaping `"`, `\` and
 *   control characters exactly as ECMAScript JSON.stringify and Python
 *   json.dumps(ensure_ascii=False) do; invalid UTF-8 is an error);
 * - other BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY columns (binary, an HF Image's
 *   `bytes`) as a JSON string of their standard base64 (with padding).
 *
 * Types without an unambiguous, reproducible text form are refused with the
 * column named (DECIMAL, INT96, FLOAT16, INTERVAL, UUID, ENUM, BSON, MAP,
 * VARIANT, GEOMETRY / GEOGRAPHY, repeated fields without a LIST annotation,
 * and temporal values nested inside a struct or list): hash one column with
 * `--column`, or convert the file.
 */
import type { ParquetParsers, SchemaTree } from "hyparquet";
import { isListLike } from "hyparquet/src/schema.js";
import { DatatraceError } from "../errors/index.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeText(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined || bytes === null) return bytes ?? undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TypeError("a STRING value that is not valid UTF-8");
  }
}

/** hyparquet parsers for whole rows: temporal values stay the integers they store, text is decoded strictly. */
export const ROW_PARSERS: ParquetParsers = {
  timestampFromMilliseconds: (v: bigint) => v,
  timestampFromMicroseconds: (v: bigint) => v,
  timestampFromNanoseconds: (v: bigint) => v,
  dateFromDays: (v: number) => v,
  stringFromBytes: decodeText,
  jsonFromBytes: decodeText,
  geometryFromBytes: (v: Uint8Array) => v,
  geographyFromBytes: (v: Uint8Array) => v,
  uuidFromBytes: (v: Uint8Array) => v,
};

/** How a leaf value is written. */
type LeafForm = "boolean" | "integer" | "float" | "text" | "base64";

/** Why a schema node cannot be serialized canonically, or undefined when it can. */
function refusal(node: SchemaTree, nested: boolean): string | undefined {
  const e = node.element;
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  if (node.children.length > 0) {
    if (converted === "MAP" || converted === "MAP_KEY_VALUE" || logical === "MAP") return "a MAP";
    if (logical === "VARIANT") return "a VARIANT";
    if (isListLike(node)) return undefined;
    if (converted === "LIST" || logical === "LIST") return "a LIST of an unusual shape";
    if (e.repetition_type === "REPEATED") return "a repeated group without a LIST annotation";
    return undefined;
  }
  if (e.repetition_type === "REPEATED" && !nested) return "a repeated field without a LIST annotation";
  if (e.type === "INT96") return "an INT96 timestamp";
  if (converted === "DECIMAL" || logical === "DECIMAL") return "a DECIMAL";
  if (converted === "INTERVAL" || logical === "INTERVAL") return "an INTERVAL";
  if (converted === "ENUM" || logical === "ENUM") return "an ENUM";
  if (converted === "BSON" || logical === "BSON") return "a BSON value";
  if (logical === "UUID" || logical === "FLOAT16" || logical === "GEOMETRY" || logical === "GEOGRAPHY" || logical === "VARIANT" || logical === "FILE") return `a ${logical}`;
  const temporal =
    logical === "DATE" || logical === "TIME" || logical === "TIMESTAMP" || (converted !== undefined && /^(DATE|TIME_|TIMESTAMP_)/u.test(converted));
  if (temporal && nested) return "a date or time inside a struct or list";
  return undefined;
}

function leafForm(node: SchemaTree): LeafForm {
  const e = node.element;
  const logical = e.logical_type?.type;
  switch (e.type) {
    case "BOOLEAN":
      return "boolean";
    case "INT32":
    case "INT64":
      return "integer";
    case "FLOAT":
    case "DOUBLE":
      return "float";
    default:
      return e.converted_type === "UTF8" || e.converted_type === "JSON" || logical === "STRING" || logical === "JSON" ? "text" : "base64";
  }
}

/**
 * Checks that every column of the schema can be serialized canonically;
 * returns the top-level columns (in schema order). Throws an Error naming
 * the first column that cannot.
 */
export function rowColumns(root: SchemaTree): SchemaTree[] {
  const check = (node: SchemaTree, nested: boolean): void => {
    const why = refusal(node, nested);
    if (why !== undefined) {
      throw new DatatraceError(`column ${node.path.join(".")} is ${why}, which has no canonical text form for a whole-row sample`);
    }
    if (isListLike(node)) check(listElement(node), true);
    else for (const child of node.children) check(child, true);
  };
  for (const column of root.children) check(column, false);
  return root.children;
}

/** ECMAScript Number::toString for finite numbers, with -0 as 0; quoted names for NaN and infinities. */
export function canonicalNumber(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Number.POSITIVE_INFINITY) return '"Infinity"';
  if (x === Number.NEGATIVE_INFINITY) return '"-Infinity"';
  return x === 0 ? "0" : String(x);
}

function listElement(node: SchemaTree): SchemaTree {
  const repeated = node.children[0]!;
  return repeated.children.length === 1 ? repeated.children[0]! : repeated;
}

function value(v: unknown, node: SchemaTree): string {
  if (v === null || v === undefined) return "null";
  if (node.children.length > 0) {
    if (isListLike(node)) {
      const element = listElement(node);
      return `[${(v as unknown[]).map((x) => value(x, element)).join(",")}]`;
    }
    const struct = v as Record<string, unknown>;
    return `{${node.children.map((child) => `${JSON.stringify(child.element.name)}:${value(struct[child.element.name], child)}`).join(",")}}`;
  }
  switch (leafForm(node)) {
    case "boolean":
      return v ? "true" : "false";
    case "integer":
      return typeof v === "bigint" ? v.toString() : String(v as number);
    case "float":
      return canonicalNumber(v as number);
    case "text":
      return JSON.stringify(typeof v === "string" ? v : decodeText(v as Uint8Array));
    case "base64":
      return `"${Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).byteLength).toString("base64")}"`;
  }
}

/** The canonical text of one row (values in the order of `columns`, see the module doc). */
export function canonicalRow(row: readonly unknown[], columns: readonly SchemaTree[]): string {
  return `{${columns.map((c, i) => `${JSON.stringify(c.element.name)}:${value(row[i], c)}`).join(",")}}`;
}
