/**
 * The image of a dataset or model NFT: a small SVG "card" (title, kind,
 * a few label/value rows) as a `data:image/svg+xml;base64,…` URI, so wallets
 * and explorers can show it without fetching anything. The SVG has no
 * scripts, no external references and a fixed size; all text is XML-escaped
 * and characters XML 1.0 forbids are dropped.
 */

/** Content of a card. */
export interface Card {
  /** Shown in the header band: "DATASET" or "MODEL". */
  readonly kind: "dataset" | "model";
  /** Big title (truncated to 26 characters with an ellipsis). */
  readonly title: string;
  /** Label/value rows (at most 7 shown; values truncated to 26 characters). */
  readonly rows: readonly (readonly [label: string, value: string])[];
}

const WIDTH = 512;
const HEIGHT = 512;
const COLORS = { dataset: "#0b7285", model: "#5f3dc4" } as const;

/** Escapes text for XML content and attribute values, dropping characters XML 1.0 does not allow. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Truncates to at most `max` code points, ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}

/**
 * `0x123456…abcdef`: a 0x hex string shortened for display to its first
 * `keep` and last `tail` digits (unchanged if already that short). The one
 * shortener of the cards, the page and the CLI's tables and reports.
 */
export function shortHex(hex: string, keep = 6, tail = keep): string {
  return hex.length <= 2 + keep + tail + 1 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-tail)}`;
}

/** The SVG document of a card. */
export function renderCardSvg(card: Card): string {
  const color = COLORS[card.kind];
  const rows = card.rows.slice(0, 7).map(([label, value], i) => {
    const y = 236 + i * 38;
    return (
      `<text x="40" y="${y}" class="l">${escapeXml(truncate(label, 13))}</text>` +
      `<text x="190" y="${y}" class="v">${escapeXml(truncate(value, 26))}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<style>text{font-family:ui-monospace,Menlo,Consolas,monospace;fill:#212529}.k{font-size:20px;fill:#fff;letter-spacing:3px}.t{font-size:26px;font-weight:bold}.l{font-size:17px;fill:#868e96}.v{font-size:17px}</style>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" rx="24" fill="#f8f9fa"/>`,
    `<rect width="${WIDTH}" height="96" rx="24" fill="${color}"/><rect y="72" width="${WIDTH}" height="24" fill="${color}"/>`,
    `<text x="40" y="58" class="k">DATATRACE · ${card.kind === "dataset" ? "DATASET" : "MODEL"}</text>`,
    `<text x="40" y="166" class="t">${escapeXml(truncate(card.title, 26))}</text>`,
    `<line x1="40" y1="192" x2="472" y2="192" stroke="${color}" stroke-width="2"/>`,
    ...rows,
    `</svg>`,
  ].join("");
}

/** `data:image/svg+xml;base64,…` URI of an SVG document (base64 of its UTF-8 bytes; `btoa`, so it runs in browsers too). */
export function svgDataUri(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
