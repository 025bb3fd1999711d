/**
 * Include / exclude globs for directory sources, matched against the POSIX
 * path of a file relative to the source directory.
 *
 * Syntax: `*` any characters but `/`; `?` one character but `/`; `**` as a
 * whole segment any number of segments (zero included), so `src/**` is
 * everything under `src` and `a/**` + `/b` matches `a/b` and `a/x/y/b`;
 * `[abc]`, `[a-z]`, `[!a]` character classes; `{png,jpg}` alternatives. Matching is
 * case-sensitive and `*` also matches names starting with a dot (hidden files
 * are governed by `includeHidden` alone). A pattern without `/` matches the
 * base name at any depth (`*.png` matches `a/b/c.png`), as in `.gitignore`.
 */

/** Compiles one glob into an anchored regular expression (see the module doc). */
export function compileGlob(pattern: string): RegExp {
  if (pattern === "") throw new Error("Empty glob pattern: remove it or write a pattern such as '*.png'.");
  return new RegExp(`^${translate(pattern, 0, pattern.length)}$`, "u");
}

function translate(p: string, from: number, to: number): string {
  let out = "";
  let i = from;
  while (i < to) {
    const c = p[i]!;
    if (c === "*") {
      if (p[i + 1] === "*") {
        const atSegmentStart = i === from || p[i - 1] === "/";
        const j = i + 2;
        if (atSegmentStart && p[j] === "/") {
          out += "(?:[^/]*/)*"; // `**/`: zero or more whole segments
          i = j + 1;
        } else if (atSegmentStart && j === to) {
          out += ".*"; // trailing `**`
          i = j;
        } else {
          out += "[^/]*"; // `**` inside a segment behaves as `*`
          i = j;
        }
      } else {
        out += "[^/]*";
        i += 1;
      }
    } else if (c === "?") {
      out += "[^/]";
      i += 1;
    } else if (c === "[") {
      const close = p.indexOf("]", i + 2);
      if (close < 0 || close >= to) {
        out += "\\[";
        i += 1;
      } else {
        let body = p.slice(i + 1, close);
        const negate = body.startsWith("!") || body.startsWith("^");
        if (negate) body = body.slice(1);
        const escaped = body.replace(/[\\\]^]/gu, (m) => `\\${m}`);
        out += negate ? `(?!/)[^${escaped}]` : `[${escaped}]`;
        i = close + 1;
      }
    } else if (c === "{") {
      const close = matchingBrace(p, i, to);
      if (close < 0) {
        out += "\\{";
        i += 1;
      } else {
        const alternatives = splitTopLevel(p, i + 1, close).map(([a, b]) => translate(p, a, b));
        out += `(?:${alternatives.join("|")})`;
        i = close + 1;
      }
    } else {
      out += c.replace(/[.+^$()|\\/\]}]/u, (m) => `\\${m}`);
      i += 1;
    }
  }
  return out;
}

function matchingBrace(p: string, open: number, to: number): number {
  let depth = 0;
  for (let i = open; i < to; i++) {
    if (p[i] === "{") depth++;
    else if (p[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(p: string, from: number, to: number): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    if (p[i] === "{") depth++;
    else if (p[i] === "}") depth--;
    else if (p[i] === "," && depth === 0) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}

/** Splits a comma-separated pattern list (`"*.png,*.{jpg,jpeg}"`), keeping commas inside braces. */
export function splitPatternList(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of list) {
    if (c === "{") depth++;
    if (c === "}") depth = Math.max(0, depth - 1);
    if (c === "," && depth === 0) {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s !== "");
}

interface CompiledPattern {
  readonly regex: RegExp;
  readonly baseNameOnly: boolean;
}

/** Decides which relative paths of a directory source are samples. */
export class PathFilter {
  readonly #include: CompiledPattern[];
  readonly #exclude: CompiledPattern[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    const compile = (pattern: string): CompiledPattern => {
      const trimmed = pattern.replace(/^\.\//u, "").replace(/\/+$/u, "");
      return { regex: compileGlob(trimmed), baseNameOnly: !trimmed.includes("/") };
    };
    this.#include = include.map(compile);
    this.#exclude = exclude.map(compile);
  }

  /** Whether a file at `relPath` is a sample: matches some include (if any) and no exclude. */
  acceptsFile(relPath: string): boolean {
    if (this.#exclude.some((p) => matches(p, relPath))) return false;
    return this.#include.length === 0 || this.#include.some((p) => matches(p, relPath));
  }

  /** Whether the walk should enter directory `relPath` (false when an exclude pattern names it). */
  entersDirectory(relPath: string): boolean {
    return !this.#exclude.some((p) => matches(p, relPath));
  }
}

function matches(p: CompiledPattern, relPath: string): boolean {
  if (!p.baseNameOnly) return p.regex.test(relPath);
  const slash = relPath.lastIndexOf("/");
  return p.regex.test(slash < 0 ? relPath : relPath.slice(slash + 1));
}
