/**
 * Include / exclude globs for directory sources and for the members of tar
 * shards, matched against a POSIX path relative to the source directory (or
 * the path of a member inside its shard). Matching is done by `picomatch`
 * (issue 12: the hand-written matcher had no escapes, threw a raw
 * SyntaxError on `[z-a]` and did not match `src` with `src/**`).
 *
 * Syntax: `*` any characters but `/`; `?` one character but `/`; `**` as a
 * whole segment any number of segments (zero included), so `src/**` is `src`
 * and everything under it, and `a/**` + `/b` matches `a/b` and `a/x/y/b`;
 * `[abc]`, `[a-z]`, `[!a]` (or `[^a]`) character classes; `{png,jpg}`
 * alternatives; `\` escapes the next character (`\*` is a literal star).
 * Matching is case-sensitive and `*` also matches names starting with a dot
 * (hidden files are governed by `includeHidden` alone). A pattern without
 * `/` matches the base name at any depth (`*.png` matches `a/b/c.png`), as in
 * `.gitignore`. A pattern that is not a valid glob (`[z-a]`) is an error
 * that names it.
 */
import picomatch from "picomatch";
import { DatatraceError } from "../errors/index.js";

/** Options given to picomatch for every pattern (POSIX paths on every platform). */
const PICOMATCH_OPTIONS = { dot: true, windows: false, nocase: false, noextglob: true } as const;

/**
 * Adapts our documented syntax to picomatch's: `[!…]` is a negated class (as
 * in POSIX shells; picomatch 4 reads it as a literal `!`), so it becomes
 * `[^…]`; parentheses, `|` and a leading `!` are literal characters for us (no
 * extglobs, no whole-pattern negation), so they are escaped. Escaped
 * characters are left alone.
 */
function toPicomatch(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      out += c + pattern[i + 1]!;
      i++;
    } else if (c === "[" && pattern[i + 1] === "!") {
      out += "[^";
      i++;
    } else if (c === "(" || c === ")" || c === "|" || (c === "!" && i === 0)) {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Compiles one glob into an anchored regular expression (see the module doc). */
export function compileGlob(pattern: string): RegExp {
  if (pattern === "") throw new DatatraceError("Empty glob pattern: remove it or write a pattern such as '*.png'.");
  try {
    // debug: picomatch otherwise swallows an invalid expression and returns one that never matches.
    return picomatch.makeRe(toPicomatch(pattern), { ...PICOMATCH_OPTIONS, debug: true });
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /u, "");
    throw new DatatraceError(
      `Invalid glob pattern "${pattern}": ${reason}. Fix the pattern (a range such as [a-z] must go upwards; ` +
        `write \\[ for a literal bracket).`,
      { cause: error },
    );
  }
}

/** Splits a comma-separated pattern list (`"*.png,*.{jpg,jpeg}"`), keeping commas inside braces. */
export function splitPatternList(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c === "\\" && i + 1 < list.length) {
      current += c + list[i + 1]!;
      i++;
      continue;
    }
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

/** Decides which relative paths of a directory source (or members of a tar shard) are samples. */
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

  /**
   * Whether a file at `relPath` is a sample when no walk prunes directories
   * (tar members): no directory above it is excluded, and the file itself is accepted.
   */
  acceptsPath(relPath: string): boolean {
    if (this.#exclude.length > 0) {
      for (let slash = relPath.indexOf("/"); slash >= 0; slash = relPath.indexOf("/", slash + 1)) {
        if (!this.entersDirectory(relPath.slice(0, slash))) return false;
      }
    }
    return this.acceptsFile(relPath);
  }
}

function matches(p: CompiledPattern, relPath: string): boolean {
  if (!p.baseNameOnly) return p.regex.test(relPath);
  const slash = relPath.lastIndexOf("/");
  return p.regex.test(slash < 0 ? relPath : relPath.slice(slash + 1));
}
