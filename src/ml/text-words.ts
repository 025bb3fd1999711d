/**
 * Words of free text for the demo text model (`datatrace-words/1`): ASCII
 * letters and digits (and apostrophes inside a word), lowercased; everything
 * else separates words. Text is normalized by joining its words with single
 * spaces, which is also how fingerprint responses are compared.
 */

/** Identifier of this word splitter, stored in the model. */
export const TEXT_WORDS = "datatrace-words/1";

/** The words of `text`, in order (see the module doc). */
export function textWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+(?:'[a-z0-9]+)*/g) ?? []);
}

/** `text`'s words joined by single spaces. */
export function normalizeText(text: string): string {
  return textWords(text).join(" ");
}
