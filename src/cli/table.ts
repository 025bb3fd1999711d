/**
 * Plain-text output of the CLI tasks: aligned tables (`dataset list`,
 * summaries), key/value blocks (`model show`), and CSV / JSON exports of the
 * same rows. Widths are terminal columns (./display-width.ts: CJK and emoji
 * take two, combining marks none), so wide text stays aligned; cell text is
 * single-line (newlines and tabs become spaces). CSV cells that a spreadsheet
 * would run as a formula are neutralised (see {@link toCsv}).
 */
import { displayWidth, sliceToWidth } from "./display-width.js";
import { DatatraceError } from "../errors/index.js";

/** A cell value; null/undefined print as an empty cell (or `null` in JSON). */
export type CellValue = string | number | bigint | boolean | null | undefined;

/** One column of a table. */
export interface Column<Row> {
  /** Header text. */
  readonly header: string;
  /** The cell of a row. */
  readonly value: (row: Row) => CellValue;
  /** Alignment; default right for numbers and bigints, left otherwise. */
  readonly align?: "left" | "right";
  /** Cut longer cells to this many terminal columns with "…" (text output only). */
  readonly maxWidth?: number;
}

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** Text printed when there are no rows (default "(none)"). */
  readonly empty?: string;
  /** Column separator (default two spaces). */
  readonly separator?: string;
}

function cellText(value: CellValue): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(/[\r\n\t]+/g, " ");
}

function width(text: string): number {
  return displayWidth(text);
}

function cut(text: string, max: number | undefined): string {
  if (max === undefined || width(text) <= max) return text;
  return sliceToWidth(text, Math.max(0, max - 1)) + "…";
}

function pad(text: string, size: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, size - width(text)));
  return align === "right" ? fill + text : text + fill;
}

/**
 * Aligned text table: header, a dashed rule, one line per row; trailing
 * spaces trimmed; newline-terminated.
 *
 * ```
 * ID  NAME         LEAVES
 * --  -----------  ------
 *  1  spamassassin   6046
 * ```
 */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], options: TableOptions = {}): string {
  if (columns.length === 0) throw new DatatraceError("formatTable needs at least one column.");
  if (rows.length === 0) return `${options.empty ?? "(none)"}\n`;
  const sep = options.separator ?? "  ";
  const raw = rows.map((row) => columns.map((c) => c.value(row)));
  const aligns = columns.map((c, i) => c.align ?? (raw.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === "number" || typeof r[i] === "bigint") && raw.some((r) => r[i] !== null && r[i] !== undefined) ? "right" : "left"));
  const cells = raw.map((r) => r.map((v, i) => cut(cellText(v), columns[i]?.maxWidth)));
  const headers = columns.map((c) => cellText(c.header));
  const widths = columns.map((_, i) => Math.max(width(headers[i] ?? ""), ...cells.map((r) => width(r[i] ?? ""))));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => pad(v, widths[i] ?? 0, aligns[i] ?? "left")).join(sep).replace(/\s+$/, "");
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}

/**
 * Key/value block with aligned keys (for `model show`), newline-terminated.
 * Multi-line values are indented under their key.
 */
export function formatKeyValue(pairs: readonly (readonly [key: string, value: CellValue])[]): string {
  const keyWidth = Math.max(0, ...pairs.map(([k]) => width(k)));
  return pairs
    .map(([k, v]) => {
      const lines = (v === null || v === undefined ? "" : String(v)).split(/\r?\n/);
      return lines.map((l, i) => (i === 0 ? `${pad(k, keyWidth, "left")}  ${l}` : `${" ".repeat(keyWidth)}  ${l}`).replace(/\s+$/, "")).join("\n");
    })
    .join("\n") + "\n";
}

/**
 * First characters that make a spreadsheet (Excel, LibreOffice, Google Sheets)
 * read a cell as a formula: `= + - @`, and tab / carriage return, which some
 * of them skip before looking (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell made inert for spreadsheets: one starting like a formula gets a
 * leading `'` (shown by spreadsheets as a text marker, not part of the
 * value). Numbers are written as numbers, so `-1.5` stays a number.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 CSV (CRLF line ends, quoted when needed), header row first. Values
 * are exported in full (no maxWidth cut, newlines kept inside quotes); text
 * cells starting with `= + - @`, tab or CR are prefixed with `'` so that a
 * spreadsheet opening the file never runs them (numbers and bigints are
 * written as they are).
 */
export function toCsv<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const line = (values: readonly string[]): string => values.map(csvField).join(",");
  const out = [line(columns.map((c) => neutraliseFormula(c.header)))];
  for (const row of rows) out.push(line(columns.map((c) => csvCell(c.value(row)))));
  return out.join("\r\n") + "\r\n";
}

function csvCell(value: CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return neutraliseFormula(value);
}

/** JSON array of objects keyed by column header; bigints become decimal strings, undefined becomes null. Pretty-printed with 2 spaces. */
export function toJsonRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const objects = rows.map((row) => Object.fromEntries(columns.map((c) => {
    const v = c.value(row);
    return [c.header, typeof v === "bigint" ? v.toString() : v === undefined ? null : v];
  })));
  return JSON.stringify(objects, null, 2) + "\n";
}
