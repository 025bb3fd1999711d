/**
 * The weights manifest of a model: the payload the OpenSSF / sigstore
 * `model_signing` tool (v1.x) signs, here unsigned. It is an in-toto
 * Statement v1:
 *
 *   {
 *     "_type": "https://in-toto.io/Statement/v1",
 *     "subject": [{"name": "<model directory name>", "digest": {"sha256": "<subject digest>"}}],
 *     "predicateType": "https://model_signing/signature/v1.0",
 *     "predicate": {
 *       "serialization": {"method": "files", "hash_type": "sha256", "allow_symlinks": false,
 *                         "ignore_paths": [".git", ".gitattributes", ".github", ".gitignore", "model.sig"]},
 *       "resources": [{"name": "config.json", "algorithm": "sha256", "digest": "<sha256 hex>"}, …]
 *     }
 *   }
 *
 * Rules (checked against model_signing's source, see docs/models.md):
 *
 * - one resource per file, `name` = its POSIX path relative to the model
 *   directory; a model that is a single file has one resource named `.`;
 * - resources are sorted as model_signing sorts `pathlib.PurePosixPath`s:
 *   component by component (so `a/b` comes before `a-b` and `a.txt`), each
 *   component by code point (= UTF-8 byte order);
 * - the subject digest is SHA-256 over the concatenated raw 32-byte resource
 *   digests in that order (an empty model: SHA-256 of nothing);
 * - `ignore_paths` is only recorded when not empty; its order carries no
 *   meaning (model_signing writes a Python frozenset), we sort it.
 *
 * **weightsHash = 0x + the subject digest.** It does not depend on the
 * subject name, on `allow_symlinks` or on `ignore_paths`, so a model signed
 * with `model_signing` and the same files hashed here give the same
 * weightsHash. WARNING: it does not cover the file names either, only the
 * contents in name order (renaming a file without changing the order keeps
 * it). The names are bound by the statement itself, whose CID the token
 * metadata records and which `model verify-weights` compares file by file.
 *
 * The stored form is canonical JSON ({@link statementBytes}), so the same
 * statement always has the same IPFS CID.
 */
import { createHash } from "node:crypto";

import { canonicalJsonBytes } from "../registry/index.js";
import { DatatraceError } from "../errors/index.js";

/** `_type` of an in-toto Statement v1. */
export const IN_TOTO_STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** `predicateType` of a model_signing v1.0 signature payload. */
export const MODEL_SIGNING_PREDICATE_TYPE = "https://model_signing/signature/v1.0";
/** DSSE `payloadType` of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** Name of the single resource of a model that is one file (model_signing: `path.relative_to(path)`). */
export const SINGLE_FILE_RESOURCE = ".";

/** One file of the model. */
export interface ModelResource {
  /** POSIX path relative to the model directory (`.` for a single-file model). */
  readonly name: string;
  readonly algorithm: "sha256";
  /** SHA-256 of the file, 64 lowercase hex digits. */
  readonly digest: string;
}

/** How the model was serialized (model_signing's `files` method). */
export interface FileSerialization {
  readonly method: "files";
  readonly hash_type: "sha256";
  readonly allow_symlinks: boolean;
  /** Paths relative to the model directory that were not hashed (omitted when none). */
  readonly ignore_paths?: readonly string[];
}

/** The statement (see the module doc). */
export interface ModelSigningStatement {
  readonly _type: typeof IN_TOTO_STATEMENT_TYPE;
  readonly subject: readonly [{ readonly name: string; readonly digest: { readonly sha256: string } }];
  readonly predicateType: typeof MODEL_SIGNING_PREDICATE_TYPE;
  readonly predicate: {
    readonly serialization: FileSerialization;
    readonly resources: readonly ModelResource[];
  };
}

/** A statement with its canonical bytes and weightsHash. */
export interface HashedStatement {
  readonly statement: ModelSigningStatement;
  /** Canonical JSON bytes: what is stored on IPFS. */
  readonly bytes: Uint8Array;
  /** 0x + subject digest. */
  readonly weightsHash: `0x${string}`;
}

/** Input of {@link createModelSigningStatement}. */
export interface StatementInput {
  /** Subject name: the model directory's (or file's) name. Informative only. */
  readonly modelName: string;
  readonly resources: Iterable<{ readonly name: string; readonly digest: string }>;
  readonly allowSymlinks: boolean;
  readonly ignorePaths?: readonly string[] | undefined;
}

/** Thrown for a malformed statement or resource list. */
export class StatementError extends DatatraceError {
  constructor(message: string) {
    super(message, { family: "data" });
    this.name = "StatementError";
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");

/**
 * Order of resource names: model_signing sorts `PurePosixPath`s, which
 * compare their components as lists of strings (Python compares strings by
 * code point, which is the order of their UTF-8 bytes).
 */
export function compareResourceNames(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const c = Buffer.compare(utf8(x[i]!), utf8(y[i]!));
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/** Throws unless `name` is a relative POSIX path without empty, `.` or `..` components (or exactly `.`). */
export function assertResourceName(name: unknown): asserts name is string {
  if (name === SINGLE_FILE_RESOURCE) return;
  if (typeof name !== "string" || name === "" || name.startsWith("/") || name.includes("\\") || name.includes("\0") || name.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw new StatementError(`Invalid resource name ${JSON.stringify(name)}: a resource is named by a relative POSIX path without empty, "." or ".." components.`);
  }
}

/** SHA-256 (hex) over the concatenated raw resource digests, in the given order. */
export function subjectDigest(resources: Iterable<{ readonly digest: string }>): string {
  const hash = createHash("sha256");
  for (const r of resources) hash.update(Buffer.from(r.digest, "hex"));
  return hash.digest("hex");
}

function checkResources(resources: readonly { readonly name: string; readonly digest: string }[]): void {
  const seen = new Set<string>();
  for (const r of resources) {
    assertResourceName(r.name);
    if (typeof r.digest !== "string" || !HEX64.test(r.digest)) throw new StatementError(`Resource ${r.name}: digest must be 64 lowercase hex digits (SHA-256).`);
    if (seen.has(r.name)) throw new StatementError(`Resource ${r.name} is listed twice.`);
    seen.add(r.name);
  }
  if (seen.has(SINGLE_FILE_RESOURCE) && resources.length > 1) throw new StatementError(`Resource "." (a single-file model) cannot be listed with other files.`);
}

/** Sorted copy of `ignorePaths` without duplicates. */
function normalizedIgnorePaths(ignorePaths: readonly string[] | undefined): string[] {
  return [...new Set(ignorePaths ?? [])].sort((a, b) => Buffer.compare(utf8(a), utf8(b)));
}

/** Builds a statement from hashed files: validates, sorts, computes the subject digest. */
export function createModelSigningStatement(input: StatementInput): ModelSigningStatement {
  const resources: ModelResource[] = [...input.resources].map((r) => ({ name: r.name, algorithm: "sha256", digest: r.digest }));
  checkResources(resources);
  resources.sort((a, b) => compareResourceNames(a.name, b.name));
  if (typeof input.modelName !== "string" || input.modelName === "") throw new StatementError("The model name (subject name) is empty.");
  const ignore = normalizedIgnorePaths(input.ignorePaths);
  const serialization: FileSerialization = {
    method: "files",
    hash_type: "sha256",
    allow_symlinks: input.allowSymlinks,
    ...(ignore.length === 0 ? {} : { ignore_paths: ignore }),
  };
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: input.modelName, digest: { sha256: subjectDigest(resources) } }],
    predicateType: MODEL_SIGNING_PREDICATE_TYPE,
    predicate: { serialization, resources },
  };
}

/** Canonical JSON bytes of a statement (what is stored and linked from the token metadata). */
export function statementBytes(statement: ModelSigningStatement): Uint8Array {
  return canonicalJsonBytes(statement);
}

/** weightsHash (0x + subject digest) of a statement. */
export function weightsHashOf(statement: ModelSigningStatement): `0x${string}` {
  return `0x${statement.subject[0].digest.sha256}`;
}

/** Statement, canonical bytes and weightsHash. */
export function hashStatement(statement: ModelSigningStatement): HashedStatement {
  return { statement, bytes: statementBytes(statement), weightsHash: weightsHashOf(statement) };
}

/**
 * The statement of in-memory files (e.g. a freshly trained model that is
 * written next to its hash), named as they would be inside a directory
 * called `modelName`.
 */
export function statementOfBytes(modelName: string, files: Iterable<{ readonly name: string; readonly bytes: Uint8Array }>, ignorePaths?: readonly string[]): HashedStatement {
  const resources = [...files].map((f) => ({ name: f.name, digest: createHash("sha256").update(f.bytes).digest("hex") }));
  return hashStatement(createModelSigningStatement({ modelName, resources, allowSymlinks: false, ignorePaths }));
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new StatementError(`${what} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/**
 * Reads a statement from parsed JSON (ours, or the payload of a model_signing
 * bundle) and checks it the way model_signing's verifier does: in-toto
 * Statement v1, predicate type v1.0, exactly one subject, `files`
 * serialization with SHA-256, well-formed resources, and a subject digest
 * equal to SHA-256 over the resource digests in the order listed. The
 * resources keep their order (the digest was computed over it).
 */
export function parseModelSigningStatement(value: unknown): ModelSigningStatement {
  const s = object(value, "The statement");
  if (s["_type"] !== IN_TOTO_STATEMENT_TYPE) throw new StatementError(`Not an in-toto Statement v1: _type is ${JSON.stringify(s["_type"])}.`);
  if (s["predicateType"] !== MODEL_SIGNING_PREDICATE_TYPE) {
    throw new StatementError(`Not a model_signing v1.0 statement: predicateType is ${JSON.stringify(s["predicateType"])} (expected ${MODEL_SIGNING_PREDICATE_TYPE}).`);
  }
  const subjects = s["subject"];
  if (!Array.isArray(subjects) || subjects.length !== 1) throw new StatementError("A model_signing statement has exactly one subject.");
  const subject = object(subjects[0], "The subject");
  const name = subject["name"];
  const digest = object(subject["digest"], "The subject digest")["sha256"];
  if (typeof name !== "string") throw new StatementError("The subject has no name.");
  if (typeof digest !== "string" || !HEX64.test(digest)) throw new StatementError("The subject digest is not a SHA-256 hex value.");
  const predicate = object(s["predicate"], "The predicate");
  const ser = object(predicate["serialization"], "The serialization");
  if (ser["method"] !== "files") throw new StatementError(`Serialization method ${JSON.stringify(ser["method"])} is not supported (only "files").`);
  if (ser["hash_type"] !== "sha256") throw new StatementError(`Hash type ${JSON.stringify(ser["hash_type"])} is not supported (only "sha256").`);
  const allow = ser["allow_symlinks"];
  if (typeof allow !== "boolean") throw new StatementError("serialization.allow_symlinks is not a boolean.");
  const ignore = ser["ignore_paths"];
  if (ignore !== undefined && (!Array.isArray(ignore) || ignore.some((p) => typeof p !== "string"))) throw new StatementError("serialization.ignore_paths is not a list of paths.");
  const list = predicate["resources"];
  if (!Array.isArray(list)) throw new StatementError("predicate.resources is not a list.");
  const resources: ModelResource[] = list.map((item, i) => {
    const r = object(item, `Resource ${i + 1}`);
    if (r["algorithm"] !== "sha256") throw new StatementError(`Resource ${String(r["name"])}: algorithm ${JSON.stringify(r["algorithm"])} is not sha256.`);
    return { name: r["name"] as string, algorithm: "sha256", digest: r["digest"] as string };
  });
  checkResources(resources);
  const computed = subjectDigest(resources);
  if (computed !== digest) throw new StatementError(`The statement is inconsistent: its subject digest is ${digest}, but its resources hash to ${computed}.`);
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name, digest: { sha256: digest } }],
    predicateType: MODEL_SIGNING_PREDICATE_TYPE,
    predicate: {
      serialization: { method: "files", hash_type: "sha256", allow_symlinks: allow, ...(ignore === undefined ? {} : { ignore_paths: [...(ignore as string[])] }) },
      resources,
    },
  };
}

/** Parses statement bytes (UTF-8 JSON) with {@link parseModelSigningStatement}. */
export function parseStatementBytes(bytes: Uint8Array): ModelSigningStatement {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new StatementError(`The statement is not valid UTF-8 JSON (${(cause as Error).message}).`);
  }
  return parseModelSigningStatement(parsed);
}
