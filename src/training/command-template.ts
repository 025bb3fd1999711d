/**
 * The trainer command template of segment replay (`--trainer "python3
 * train.py --from {checkpoint} --steps {from}..{to} --out {out}"`): split
 * into arguments the way a POSIX shell splits words (whitespace, '…', "…",
 * backslash escapes; no expansion, no operators), then the placeholders are
 * filled in each argument. The command runs without a shell, so paths with
 * spaces or quotes in them cannot change what runs.
 *
 * Placeholders: {checkpoint} (the checkpoint directory to start from, `none`
 * for a run from scratch), {from} and {to} (steps), {out} (the directory the
 * trainer must write the checkpoint after step {to} into; it does not exist
 * yet), {data} (a JSON Lines file of the segment's samples, see
 * docs/training-log.md), {config} (a JSON file holding the run-start entry),
 * {seed}. Hand-written: the split needs only quotes and escapes, and no
 * installed package does it.
 */
import { DatatraceError } from "../errors/index.js";

/** Placeholder names a template may use. */
export const TEMPLATE_PLACEHOLDERS = ["checkpoint", "from", "to", "out", "data", "config", "seed"] as const;

/** A placeholder's value. */
export type TemplateValues = Readonly<Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>>;

/** Splits a command line into words (see the module doc); throws on an unterminated quote. */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new DatatraceError(`the trainer command has an unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** A parsed template: its words, checked to use only known placeholders and to name {out}. */
export interface CommandTemplate {
  readonly words: readonly string[];
}

/** Parses and checks a template (see the module doc). */
export function parseCommandTemplate(text: string): CommandTemplate {
  const words = splitCommandLine(text);
  if (words.length === 0) throw new DatatraceError("the trainer command is empty");
  const used = new Set<string>();
  for (const w of words) {
    for (const m of w.matchAll(/\{([^{}]*)\}/g)) {
      if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
        throw new DatatraceError(`the trainer command uses {${m[1]}}, which is not a placeholder (known: ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")})`);
      }
      used.add(m[1]!);
    }
  }
  if (!used.has("out")) throw new DatatraceError("the trainer command must name {out}: where it writes the checkpoint to compare");
  return { words };
}

/** The argument vector for one segment. */
export function fillCommandTemplate(template: CommandTemplate, values: TemplateValues): string[] {
  return template.words.map((w) => w.replace(/\{([^{}]*)\}/g, (_, name: string) => values[name as keyof TemplateValues]));
}
