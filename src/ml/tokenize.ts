/**
 * The email tokenizer of the demo spam model, version `datatrace-email/1`.
 *
 * 1. Bytes are read as Latin-1 (one character per byte, never fails); only
 *    ASCII letters and digits can be part of a token, so every byte >= 0x80
 *    and every other ASCII character is a separator whatever the charset.
 * 2. The header block ends at the first empty line (`\n\n` or `\r\n\r\n`);
 *    a message without one is all body. Of the headers only `Subject` is used
 *    (continuation lines unfolded); its tokens are prefixed `subject:` so they
 *    are counted apart from the same words in the body. Other headers
 *    (Received, Message-Id, list addresses…) are ignored: in this corpus they
 *    identify the collecting mailboxes rather than the message, and would let
 *    the model "cheat".
 * 3. The body is used entirely, markup included (HTML tags such as `font`
 *    are strong spam signals); MIME parts are not decoded (base64 bodies give
 *    few tokens because of the length cap below).
 * 4. ASCII is lowercased; a token is a maximal run of `[a-z0-9]` of length
 *    2–20; one-character runs and longer runs (base64, hashes) are dropped.
 */

/** Identifier of this tokenizer, stored in the model so a mismatch is caught. */
export const EMAIL_TOKENIZER = "datatrace-email/1";

const MIN_TOKEN = 2;
const MAX_TOKEN = 20;
const SUBJECT_PREFIX = "subject:";

/** Splits raw email bytes at the first empty line: `[headers, body]` as Latin-1 strings. */
export function splitHeadersAndBody(bytes: Uint8Array): [headers: string, body: string] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const lf = text.indexOf("\n\n");
  const crlf = text.indexOf("\r\n\r\n");
  if (lf < 0 && crlf < 0) return ["", text];
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return [text.slice(0, crlf), text.slice(crlf + 4)];
  return [text.slice(0, lf), text.slice(lf + 2)];
}

/** The unfolded value of the first `Subject:` header, or "" if there is none. */
export function subjectOf(headers: string): string {
  const lines = headers.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!/^subject:/i.test(line)) continue;
    let value = line.slice("subject:".length);
    for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j] ?? ""); j++) value += " " + (lines[j] ?? "").trim();
    return value.trim();
  }
  return "";
}

/** Appends the tokens of `text` (rule 4) to `out`, each prefixed with `prefix`. */
export function tokenizeText(text: string, out: string[] = [], prefix = ""): string[] {
  const lower = text.toLowerCase();
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 0;
    const isWordChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (isWordChar) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      const length = i - start;
      if (length >= MIN_TOKEN && length <= MAX_TOKEN) out.push(prefix + lower.slice(start, i));
      start = -1;
    }
  }
  return out;
}

/** Tokens of one raw email (`datatrace-email/1`, see the module doc), in text order with repeats. */
export function tokenizeEmail(bytes: Uint8Array): string[] {
  const [headers, body] = splitHeadersAndBody(bytes);
  const tokens: string[] = [];
  tokenizeText(subjectOf(headers), tokens, SUBJECT_PREFIX);
  tokenizeText(body, tokens);
  return tokens;
}
