/**
 * Receives a multipart/form-data upload (RFC 7578) into a spool directory,
 * parsed by `busboy` (a maintained streaming parser), part bodies streamed
 * to files so a multi-gigabyte CAR never sits in memory. Every malformed
 * upload is rejected with a StorageError `UPLOAD_INVALID` (the server
 * answers 400; a client that hung up gets {@link ClientGoneError}) and
 * leaves only the spool, which the caller removes:
 * a missing or foreign Content-Type or boundary, a body that ends early or
 * breaks the multipart syntax (busboy's errors), an unsafe file name
 * (absolute, `..`, NUL), the same file name twice, a name used both as a
 * file and as a directory (`a` then `a/b`), no file at all, or a part
 * busboy skips because its `Content-Disposition` is missing or malformed
 * (e.g. a bad `filename*=`): busboy drops such parts silently, so the
 * delimiters of the body are counted alongside ({@link DelimiterCounter})
 * and an upload with fewer parts read than sent is refused rather than
 * stored without them. Node-only.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import type { Readable } from "node:stream";

import busboy from "busboy";

import { StorageError } from "./errors.js";
import { DatatraceError } from "../errors/index.js";

/** One file of the upload, as spooled. */
export interface SpooledFile {
  /** Path inside the upload ("dir/sub/file"), normalized. */
  readonly relative: string;
  /** Where it was written under the spool. */
  readonly absolute: string;
  /** Bytes received. */
  size: number;
}

/** Limits on what one upload may declare (its bodies are unlimited). */
const LIMITS = { fields: 64, fieldSize: 64 * 1024, headerPairs: 64, parts: 1_000_000 } as const;

/** The client closed the connection before the body was complete: there is nobody to answer. */
export class ClientGoneError extends DatatraceError {
  constructor() {
    super("the client closed the connection before the upload was complete");
    this.name = "ClientGoneError";
  }
}

function invalid(message: string, cause?: unknown): StorageError {
  return new StorageError("UPLOAD_INVALID", message, cause === undefined ? undefined : { cause });
}

/** Validates a client-supplied relative path ("dir/sub/file"); rejects absolute paths, "..", NUL and empty names. */
export function safeRelativePath(name: string): string {
  const parts = name.replace(/\\/g, "/").split("/").filter((p) => p.length > 0 && p !== ".");
  if (parts.length === 0 || parts.some((p) => p === ".." || p.includes("\0"))) {
    throw invalid(`unsafe upload file name ${JSON.stringify(name)}: send relative names without ".." or NUL`);
  }
  return parts.join("/");
}

/**
 * Counts the part delimiters (`CRLF--<boundary>`) of a multipart body as it
 * streams by: the number of parts sent is the count minus one (the closing
 * delimiter). Only a byte-pattern count, next to busboy (which does the parsing).
 */
class DelimiterCounter {
  readonly #pattern: Buffer;
  #tail: Buffer = Buffer.from("\r\n"); // the body may start with the first delimiter, without a CRLF before it
  count = 0;

  constructor(boundary: string) {
    this.#pattern = Buffer.from(`\r\n--${boundary}`, "latin1");
  }

  push(chunk: Buffer): void {
    const buffer = Buffer.concat([this.#tail, chunk]);
    for (let at = buffer.indexOf(this.#pattern); at !== -1; at = buffer.indexOf(this.#pattern, at + this.#pattern.length)) this.count++;
    this.#tail = buffer.subarray(Math.max(0, buffer.length - (this.#pattern.length - 1)));
  }
}

/** The boundary parameter of a multipart Content-Type (busboy has accepted the header by then). */
function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return match?.[1] ?? match?.[2];
}

/**
 * The tree of names an upload declares, checked before anything is written:
 * each file once, and no name both a file and a directory.
 */
class UploadTree {
  readonly #kinds = new Map<string, "file" | "directory">();

  add(relative: string): void {
    const parts = relative.split("/");
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join("/");
      if (this.#kinds.get(ancestor) === "file") {
        throw invalid(`the upload names "${ancestor}" as a file and as a directory (of "${relative}"); send each path once`);
      }
      this.#kinds.set(ancestor, "directory");
    }
    const existing = this.#kinds.get(relative);
    if (existing === "file") throw invalid(`the upload contains the file "${relative}" twice; send each file once`);
    if (existing === "directory") throw invalid(`the upload names "${relative}" as a directory and as a file; send each path once`);
    this.#kinds.set(relative, "file");
  }
}

/**
 * Writes one part's stream to `file` (created exclusively). On a write error
 * the part is unpiped and drained rather than destroyed, so the parser goes
 * on to the end of the body and the upload can be refused with an answer.
 */
function writePart(stream: Readable, entry: SpooledFile): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const out = createWriteStream(entry.absolute, { flags: "wx" });
    out.once("error", (error) => {
      stream.unpipe(out);
      stream.resume();
      reject(error);
    });
    out.once("finish", () => resolve());
    // A part cut short (the body broke off): close the file; the parser's error refuses the upload.
    stream.once("error", (error) => {
      stream.unpipe(out);
      out.destroy();
      reject(error);
    });
    stream.on("data", (chunk: Buffer) => (entry.size += chunk.length));
    stream.pipe(out);
  });
}

/**
 * Spools the files of the multipart request `req` under `<spool>/root/`
 * and returns them in arrival order; throws `UPLOAD_INVALID` (see the module
 * doc) or the error of a client that went away.
 */
export async function spoolMultipartUpload(req: IncomingMessage, spool: string): Promise<SpooledFile[]> {
  let parser: busboy.Busboy;
  try {
    // Browsers, FormData and the Lighthouse SDK write a plain filename="…" as raw UTF-8 (busboy's default would read latin1).
    parser = busboy({ headers: req.headers, preservePath: true, defParamCharset: "utf8", limits: LIMITS });
  } catch (error) {
    req.resume();
    throw invalid(`expected a multipart/form-data body with a boundary (${(error as Error).message})`, error);
  }
  const files: SpooledFile[] = [];
  const writes: Promise<void>[] = [];
  const tree = new UploadTree();
  let failure: unknown;
  let partsRead = 0;
  const boundary = boundaryOf(req.headers["content-type"]);
  const delimiters = boundary === undefined ? undefined : new DelimiterCounter(boundary);
  if (delimiters !== undefined) req.on("data", (chunk: Buffer) => delimiters.push(chunk));

  parser.on("file", (fieldName: string, stream: Readable, info: busboy.FileInfo) => {
    partsRead++;
    // busboy errors the part's stream too when the body breaks off: the parser's own error reports it.
    stream.on("error", () => undefined);
    if (failure !== undefined) {
      stream.resume();
      return;
    }
    let entry: SpooledFile;
    try {
      const relative = safeRelativePath(info.filename ?? fieldName ?? `part-${files.length}`);
      tree.add(relative);
      entry = { relative, absolute: path.join(spool, "root", relative), size: 0 };
      // Synchronously, so that the part's stream is piped before any of its data flows.
      mkdirSync(path.dirname(entry.absolute), { recursive: true });
    } catch (error) {
      failure = error;
      stream.resume();
      return;
    }
    files.push(entry);
    writes.push(
      writePart(stream, entry).catch((error: unknown) => {
        failure ??= error;
      }),
    );
  });
  parser.on("field", () => partsRead++); // plain form fields carry no file: ignored
  parser.on("partsLimit", () => (failure ??= invalid("the upload has too many parts")));
  parser.on("fieldsLimit", () => (failure ??= invalid("the upload has too many form fields")));

  try {
    await new Promise<void>((resolve, reject) => {
      parser.once("close", () => resolve());
      parser.on("error", (error: Error) => {
        req.unpipe(parser);
        req.resume(); // read the rest so that the 400 can be sent
        reject(invalid(`malformed multipart body: ${error.message}`, error));
      });
      const gone = (): void => {
        const error = new ClientGoneError();
        req.unpipe(parser);
        parser.destroy(error); // ends the part being written (its file is closed)
        reject(error);
      };
      req.once("error", gone);
      req.once("close", () => {
        if (!req.complete) gone();
      });
      req.pipe(parser);
    });
  } catch (error) {
    await Promise.allSettled(writes);
    throw error;
  }
  await Promise.all(writes);
  if (failure !== undefined) {
    if (failure instanceof StorageError) throw failure;
    throw invalid(`cannot store the upload: ${(failure as Error).message}`, failure);
  }
  const partsSent = delimiters === undefined ? partsRead : delimiters.count - 1;
  if (partsSent > partsRead) {
    throw invalid(
      `${partsSent - partsRead} of the ${partsSent} parts could not be read: a part's Content-Disposition is missing or malformed ` +
        "(e.g. a bad filename*= value); nothing was stored",
    );
  }
  if (files.length === 0) throw invalid("the upload contained no file (a part needs a Content-Disposition with a filename)");
  return files;
}
