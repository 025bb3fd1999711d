/**
 * How many terminal columns a string takes, for aligned tables: East Asian
 * wide and fullwidth characters (CJK, Hangul, fullwidth forms) and emoji take
 * two columns, combining marks, zero-width joiners and variation selectors
 * none, everything else one. Counted per grapheme cluster (`Intl.Segmenter`),
 * so a ZWJ family, a flag or an accented letter built from several code
 * points is one unit of width.
 *
 * Hand-written because no maintained width library is a dependency of the
 * project (string-width is only present as an old transitive copy); the wide
 * ranges below are Unicode's EastAsianWidth W and F classes, generated from
 * Python's `unicodedata` (Unicode 14) with adjacent ranges merged over
 * unassigned code points, and emoji are recognised by the `Emoji_Presentation`
 * property of the running engine, so newer emoji are wide too. The tests
 * compare every assigned code point with Python's `unicodedata`.
 */

/** Inclusive code point ranges of East Asian Width W or F (sorted, disjoint). */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x3247], [0x3250, 0x4dbf], [0x4e00, 0xa4c6], [0xa960, 0xa97c], [0xac00, 0xd7a3], [0xf900, 0xfaff],
  [0xfe10, 0xfe19], [0xfe30, 0xfe6b], [0xff01, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x1b2fb], [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f320], [0x1f32d, 0x1f335], [0x1f337, 0x1f37c],
  [0x1f37e, 0x1f393], [0x1f3a0, 0x1f3ca], [0x1f3cf, 0x1f3d3], [0x1f3e0, 0x1f3f0], [0x1f3f4, 0x1f3f4], [0x1f3f8, 0x1f43e],
  [0x1f440, 0x1f440], [0x1f442, 0x1f4fc], [0x1f4ff, 0x1f53d], [0x1f54b, 0x1f54e], [0x1f550, 0x1f567], [0x1f57a, 0x1f57a],
  [0x1f595, 0x1f596], [0x1f5a4, 0x1f5a4], [0x1f5fb, 0x1f64f], [0x1f680, 0x1f6c5], [0x1f6cc, 0x1f6cc], [0x1f6d0, 0x1f6d2],
  [0x1f6d5, 0x1f6df], [0x1f6eb, 0x1f6ec], [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7f0], [0x1f90c, 0x1f93a], [0x1f93c, 0x1f945],
  [0x1f947, 0x1f9ff], [0x1fa70, 0x1faf6], [0x20000, 0x3fffd],
];

const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const EXTENDED_PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
/** Code points that take no column of their own: marks, format characters (ZWJ, bidi controls), variation selectors, controls. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]$/u;
const EMOJI_VARIATION_SELECTOR = "\u{FE0F}";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Whether code point `cp` is East Asian wide or fullwidth (2 columns). */
export function isWideCodePoint(cp: number): boolean {
  let lo = 0;
  let hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = WIDE_RANGES[mid]!;
    if (cp < start) hi = mid - 1;
    else if (cp > end) lo = mid + 1;
    else return true;
  }
  return EMOJI_PRESENTATION.test(String.fromCodePoint(cp));
}

/** Columns taken by one grapheme cluster: 0, 1 or 2. */
export function graphemeWidth(cluster: string): number {
  let visible = false;
  for (const ch of cluster) {
    const cp = ch.codePointAt(0)!;
    if (isWideCodePoint(cp)) return 2;
    if (!ZERO_WIDTH.test(ch)) visible = true;
  }
  // A pictograph followed by VS16 asks for emoji presentation: two columns.
  if (cluster.includes(EMOJI_VARIATION_SELECTOR) && EXTENDED_PICTOGRAPHIC.test(cluster)) return 2;
  return visible ? 1 : 0;
}

/** Terminal columns taken by `text` (single line). */
export function displayWidth(text: string): number {
  // Fast path: printable ASCII is one column per character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let total = 0;
  for (const { segment } of segmenter.segment(text)) total += graphemeWidth(segment);
  return total;
}

/** The longest prefix of `text` (whole grapheme clusters) that fits in `columns`. */
export function sliceToWidth(text: string, columns: number): string {
  let used = 0;
  let out = "";
  for (const { segment } of segmenter.segment(text)) {
    const w = graphemeWidth(segment);
    if (used + w > columns) break;
    used += w;
    out += segment;
  }
  return out;
}
