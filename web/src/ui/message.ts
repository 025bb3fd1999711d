/**
 * Messages from the core and the page rendered as text, never as literal
 * Markdown: a `code span` (the core's errors name commands that way) becomes
 * a <code> element, and each line of a two-line UserError (what went wrong,
 * then what to do) its own paragraph.
 */
import { composeMessage, isDatatraceError } from "../../../src/errors/index.js";

import { element } from "./dom.js";

/** The nodes of one line: text with `code` spans turned into <code>. */
export function inlineText(line: string): Array<Node | string> {
  const parts = line.split("`");
  // An odd number of backticks: leave the text as it is.
  if (parts.length % 2 === 0) return [line];
  return parts.map((part, i) => (i % 2 === 1 ? element("code", {}, [part]) : part)).filter((p) => p !== "");
}

/** A message as paragraphs (one per line). */
export function messageParagraphs(text: string, className?: string): HTMLParagraphElement[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => element("p", className === undefined ? {} : { class: className }, inlineText(line)));
}

/**
 * The text of anything thrown: a core error (src/errors) as its short
 * message, then what to do and any details, one per line; anything else as
 * its message.
 */
export function errorText(error: unknown): string {
  if (isDatatraceError(error)) return composeMessage(error.shortMessage, error.fix, error.details);
  return error instanceof Error ? error.message : String(error);
}
