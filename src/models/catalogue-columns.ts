/**
 * Several models as one catalogue (`model inspect-hf --format table|csv|json`):
 * the columns of {@link HfModelFacts} for src/cli/table.ts. In text and CSV,
 * lists are joined with spaces and special tokens written `name=token`;
 * JSON output is the records themselves (see {@link catalogueJson}).
 */
import type { Column } from "../cli/index.js";
import type { HfModelFacts } from "./model-facts.js";

const list = (items: readonly string[]): string => items.join(" ");
const tokens = (t: HfModelFacts["specialTokens"]): string =>
  Object.entries(t)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("|") : v}`)
    .join(" ");

/** Every column, in the catalogue's key order. */
export const CATALOGUE_COLUMNS: readonly Column<HfModelFacts>[] = [
  { header: "repoId", value: (m) => m.repoId },
  { header: "revision", value: (m) => m.revision },
  { header: "architecture", value: (m) => m.architecture },
  { header: "modelType", value: (m) => m.modelType },
  { header: "vocabSize", value: (m) => m.vocabSize },
  { header: "specialTokens", value: (m) => tokens(m.specialTokens) },
  { header: "task", value: (m) => m.task },
  { header: "license", value: (m) => m.license },
  { header: "baseModels", value: (m) => list(m.baseModels) },
  { header: "relation", value: (m) => m.relation },
  { header: "datasets", value: (m) => list(m.datasets) },
  { header: "lastModified", value: (m) => m.lastModified },
  { header: "weightsHash", value: (m) => m.weightsHash },
];

/** Columns for a terminal table: long values cut (the full values are in CSV and JSON). */
export const CATALOGUE_TABLE_COLUMNS: readonly Column<HfModelFacts>[] = CATALOGUE_COLUMNS.map((c) =>
  ["revision", "weightsHash", "specialTokens"].includes(c.header) ? { ...c, maxWidth: c.header === "specialTokens" ? 40 : 14 } : c,
);

/** The catalogue as JSON text: an array of records with the fixed keys. */
export function catalogueJson(models: readonly HfModelFacts[]): string {
  return JSON.stringify(models, null, 2) + "\n";
}
