/**
 * The few protobuf wire-format primitives dag-pb and UnixFS need: unsigned
 * varints (up to 2^53 − 1, JS's safe integers) and length-delimited fields.
 * Hand-written so the UnixFS builder depends on no protobuf library.
 * Browser-safe.
 */
import { StorageError } from "./errors.js";

/** Wire type of varint fields. */
export const WIRE_VARINT = 0;
/** Wire type of length-delimited fields (bytes, strings, messages). */
export const WIRE_BYTES = 2;

/** Appends protobuf fields to a growing list of byte chunks. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  /** Writes a raw unsigned varint. */
  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new StorageError("INVALID_DAG", `cannot encode ${value} as an unsigned varint`);
    }
    const out: number[] = [];
    let v = value;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    return this.raw(Uint8Array.from(out));
  }

  /** Writes a field key (field number and wire type). */
  key(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** Writes a varint field. */
  uintField(field: number, value: number): this {
    return this.key(field, WIRE_VARINT).varint(value);
  }

  /** Writes a length-delimited field. */
  bytesField(field: number, bytes: Uint8Array): this {
    return this.key(field, WIRE_BYTES).varint(bytes.length).raw(bytes);
  }

  /** Appends bytes as they are. */
  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.length += bytes.length;
    return this;
  }

  /** The concatenated message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** One decoded field: its number, wire type and value. */
export type ProtoField =
  | { field: number; wireType: typeof WIRE_VARINT; value: number }
  | { field: number; wireType: typeof WIRE_BYTES; value: Uint8Array };

/**
 * Decodes a protobuf message into its fields, in wire order. Only varint
 * and length-delimited fields are accepted (dag-pb and UnixFS use no
 * others); anything else, or bytes running past the end, is an error naming
 * `what` was being decoded.
 */
export function readProtoFields(bytes: Uint8Array, what: string): ProtoField[] {
  const fields: ProtoField[] = [];
  let offset = 0;
  const fail = (reason: string): never => {
    throw new StorageError("INVALID_DAG", `invalid ${what}: ${reason} at byte ${offset}`);
  };
  const readVarint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (offset >= bytes.length) fail("truncated varint");
      const byte = bytes[offset++] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) fail("varint above 2^53");
        return result;
      }
      scale *= 0x80;
    }
    return fail("varint too long");
  };
  while (offset < bytes.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) fail("field number 0");
    if (wireType === WIRE_VARINT) {
      fields.push({ field, wireType, value: readVarint() });
    } else if (wireType === WIRE_BYTES) {
      const length = readVarint();
      if (offset + length > bytes.length) fail(`field ${field} runs past the end`);
      fields.push({ field, wireType, value: bytes.subarray(offset, offset + length) });
      offset += length;
    } else {
      fail(`unsupported wire type ${wireType} for field ${field}`);
    }
  }
  return fields;
}
