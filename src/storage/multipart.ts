/**
 * A streaming multipart/form-data parser (RFC 7578) for the local server's
 * upload endpoints: part bodies are handed to a writer chunk by chunk, so a
 * multi-gigabyte CAR upload never sits in memory. Only the unparsed tail
 * (at most one delimiter long, or one header block) is buffered.
 * Node-only (Buffer).
 */

/** Headers of one part. */
export interface MultipartPartInfo {
  /** Form field name (`name=` of Content-Disposition). */
  name: string | undefined;
  /** File name (`filename=`), which may contain "/" for directory uploads. */
  filename: string | undefined;
  /** The part's Content-Type, if given. */
  contentType: string | undefined;
}

/** Receives one part's body. */
export interface MultipartPartWriter {
  /** Next bytes of the body. */
  write(chunk: Uint8Array): Promise<void>;
  /** The body is complete. */
  end(): Promise<void>;
}

/** A malformed or truncated multipart body. */
export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MultipartError";
  }
}

const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const DASH_DASH = Buffer.from("--");

/** The boundary parameter of a multipart Content-Type header, if any. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Parses `body` and calls `onPart` for each part, streaming its bytes to
 * the returned writer. Resolves with the number of parts; rejects with
 * MultipartError when the body is malformed or ends before the final
 * boundary (e.g. the client disconnected).
 */
export async function parseMultipart(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  onPart: (info: MultipartPartInfo) => Promise<MultipartPartWriter>,
): Promise<number> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buf: Buffer = Buffer.from(CRLF); // lets the first boundary match without a preceding CRLF
  let state: "preamble" | "after-boundary" | "headers" | "body" | "done" = "preamble";
  let writer: MultipartPartWriter | undefined;
  let parts = 0;

  for await (const chunk of body) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
    for (;;) {
      if (state === "preamble") {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          buf = buf.subarray(Math.max(0, buf.length - delimiter.length + 1));
          break;
        }
        buf = buf.subarray(at + delimiter.length);
        state = "after-boundary";
      } else if (state === "after-boundary") {
        if (buf.length < 2) break;
        if (buf.subarray(0, 2).equals(DASH_DASH)) {
          state = "done";
          buf = Buffer.alloc(0);
          break;
        }
        const lineEnd = buf.indexOf(CRLF);
        if (lineEnd < 0) {
          if (buf.length > 256) throw new MultipartError("garbage after a boundary");
          break;
        }
        if (buf.subarray(0, lineEnd).toString("latin1").trim() !== "") throw new MultipartError("garbage after a boundary");
        buf = buf.subarray(lineEnd + 2);
        state = "headers";
      } else if (state === "headers") {
        const at = buf.indexOf(HEADER_END);
        if (at < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw new MultipartError("part headers too long");
          break;
        }
        const info = parsePartHeaders(buf.subarray(0, at).toString("utf8"));
        buf = buf.subarray(at + HEADER_END.length);
        writer = await onPart(info);
        parts++;
        state = "body";
      } else if (state === "body") {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          const safe = buf.length - (delimiter.length - 1);
          if (safe > 0) {
            await (writer as MultipartPartWriter).write(buf.subarray(0, safe));
            buf = buf.subarray(safe);
          }
          break;
        }
        if (at > 0) await (writer as MultipartPartWriter).write(buf.subarray(0, at));
        await (writer as MultipartPartWriter).end();
        writer = undefined;
        buf = buf.subarray(at + delimiter.length);
        state = "after-boundary";
      } else {
        break;
      }
    }
    if (state === "done") break;
  }
  if (state !== "done") throw new MultipartError(`the multipart body ended early (while reading ${state})`);
  return parts;
}

function parsePartHeaders(text: string): MultipartPartInfo {
  const info: MultipartPartInfo = { name: undefined, filename: undefined, contentType: undefined };
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-disposition") {
      info.name = /\bname="([^"]*)"/i.exec(value)?.[1];
      const star = /\bfilename\*=(?:UTF-8'')?([^;]+)/i.exec(value)?.[1];
      info.filename = star !== undefined ? decodeURIComponent(star.trim()) : /\bfilename="([^"]*)"/i.exec(value)?.[1];
    } else if (key === "content-type") {
      info.contentType = value;
    }
  }
  return info;
}
