/**
 * Numeric comparison of two checkpoints, for trainers that declare
 * non-determinism (run-start `replay: {deterministic: false, tolerance}`):
 * their digests differ run to run, so a replayed checkpoint is accepted when
 * every weight is within the tolerance of the published checkpoint's.
 *
 * Checkpoints are read as safetensors (https://huggingface.co/docs/safetensors:
 * 8-byte little-endian header length, JSON header of
 * `{name: {dtype, shape, data_offsets}}`, raw little-endian data); a
 * checkpoint is one `.safetensors` file or a directory holding some. F64, F32
 * and F16/BF16 tensors are compared; integer tensors must be equal. The
 * reader is hand-written because it is ~60 lines and no installed package
 * reads safetensors from disk.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { DatatraceError } from "../errors/index.js";

/** One tensor's values, as doubles, and its shape. */
interface Tensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly values: Float64Array;
}

/** Outcome of {@link compareCheckpoints}. */
export interface CheckpointDifference {
  /** Largest absolute difference over all weights (Infinity when the tensors do not correspond). */
  readonly maxAbsDifference: number;
  /** Tensors compared. */
  readonly tensors: number;
  /** Weights compared. */
  readonly weights: number;
  /** Why the checkpoints cannot be compared weight by weight (different tensor names, shapes or dtypes), if so. */
  readonly mismatch?: string;
}

const FLOAT_DTYPES = new Set(["F64", "F32", "F16", "BF16"]);
const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(dtype: string, bytes: DataView, count: number): Float64Array {
  const out = new Float64Array(count);
  const size = BYTES[dtype]!;
  for (let i = 0; i < count; i++) {
    const at = i * size;
    switch (dtype) {
      case "F64": out[i] = bytes.getFloat64(at, true); break;
      case "F32": out[i] = bytes.getFloat32(at, true); break;
      case "F16": out[i] = half(bytes.getUint16(at, true)); break;
      case "BF16": { const v = new DataView(new ArrayBuffer(4)); v.setUint16(0, bytes.getUint16(at, true)); out[i] = v.getFloat32(0); break; }
      case "I64": out[i] = Number(bytes.getBigInt64(at, true)); break;
      case "I32": out[i] = bytes.getInt32(at, true); break;
      case "I16": out[i] = bytes.getInt16(at, true); break;
      case "I8": out[i] = bytes.getInt8(at); break;
      default: out[i] = bytes.getUint8(at);
    }
  }
  return out;
}

/** Parses one safetensors file into its tensors (throws naming the file when it is not one). */
export function parseSafetensors(bytes: Uint8Array, where: string): Map<string, Tensor> {
  const bad = (what: string): never => {
    throw new DatatraceError(`${where} is not a safetensors file: ${what}`);
  };
  if (bytes.length < 8) bad("shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) bad("its header length runs past the end of the file");
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    return bad("its header is not UTF-8 JSON");
  }
  const data = 8 + headerLength;
  const tensors = new Map<string, Tensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t.dtype !== "string" || BYTES[t.dtype] === undefined) bad(`tensor ${name} has an unsupported dtype ${JSON.stringify(t.dtype)}`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`tensor ${name} has a malformed shape`);
    const offsets = t.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) bad(`tensor ${name} has malformed data_offsets`);
    const [begin, end] = offsets as [number, number];
    const count = (t.shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[t.dtype as string]! || data + end > bytes.length) bad(`tensor ${name}'s data does not fit its shape or the file`);
    tensors.set(name, { dtype: t.dtype as string, shape: t.shape as number[], values: decode(t.dtype as string, new DataView(bytes.buffer, bytes.byteOffset + data + begin, end - begin), count) });
  }
  return tensors;
}

/** Every tensor of a checkpoint (a safetensors file or a directory of them), keyed `relative/file.safetensors:name`. */
export async function readCheckpointTensors(checkpoint: string): Promise<Map<string, Tensor>> {
  const files: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const r = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), r);
      else if (entry.isFile() && entry.name.endsWith(".safetensors")) files.push(r);
    }
  };
  if ((await stat(checkpoint)).isDirectory()) await walk(checkpoint, "");
  else files.push(path.basename(checkpoint));
  const base = (await stat(checkpoint)).isDirectory() ? checkpoint : path.dirname(checkpoint);
  if (files.length === 0) throw new DatatraceError(`${checkpoint} holds no .safetensors file: a tolerance comparison needs safetensors checkpoints`);
  const all = new Map<string, Tensor>();
  for (const rel of files.sort()) {
    for (const [name, t] of parseSafetensors(await readFile(path.join(base, ...rel.split("/"))), path.join(checkpoint, rel))) all.set(`${rel}:${name}`, t);
  }
  return all;
}

/** Compares two checkpoints weight by weight (see the module doc). */
export async function compareCheckpoints(expected: string, actual: string): Promise<CheckpointDifference> {
  const a = await readCheckpointTensors(expected);
  const b = await readCheckpointTensors(actual);
  const names = [...a.keys()].sort();
  const other = [...b.keys()].sort();
  if (names.join("\n") !== other.join("\n")) {
    return { maxAbsDifference: Infinity, tensors: 0, weights: 0, mismatch: `the tensors differ: ${names.join(", ")} vs ${other.join(", ")}` };
  }
  let max = 0;
  let weights = 0;
  for (const name of names) {
    const x = a.get(name)!;
    const y = b.get(name)!;
    if (x.dtype !== y.dtype || x.shape.join(",") !== y.shape.join(",")) {
      return { maxAbsDifference: Infinity, tensors: 0, weights: 0, mismatch: `tensor ${name} is ${x.dtype}[${x.shape.join(",")}] vs ${y.dtype}[${y.shape.join(",")}]` };
    }
    for (let i = 0; i < x.values.length; i++) {
      const d = Math.abs(x.values[i]! - y.values[i]!);
      if (!FLOAT_DTYPES.has(x.dtype) && d !== 0) return { maxAbsDifference: Infinity, tensors: 0, weights: 0, mismatch: `integer tensor ${name} differs at ${i}` };
      max = Number.isNaN(d) ? Infinity : Math.max(max, d);
    }
    weights += x.values.length;
  }
  return { maxAbsDifference: max, tensors: names.length, weights };
}
