/**
 * License strings for dataset and model metadata: SPDX identifiers
 * (https://spdx.org/licenses/), matched case-insensitively and returned in
 * their canonical spelling, `LicenseRef-<name>` for a custom license, or a
 * simple expression joining those with ` AND ` / ` OR ` (no parentheses, no
 * WITH). The list below covers the licenses common for data and models; for
 * anything else use a LicenseRef.
 */
import { UserError } from "../errors/index.js";

/** SPDX identifiers accepted by {@link parseLicense}. */
export const KNOWN_SPDX_LICENSES = [
  "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-2.0", "Artistic-2.0", "BSD-2-Clause", "BSD-3-Clause",
  "BSL-1.0", "C-UDA-1.0", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-NC-2.0", "CC-BY-NC-3.0",
  "CC-BY-NC-4.0", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0",
  "CC-BY-ND-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-PDDC", "CC0-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0",
  "CDLA-Sharing-1.0", "ECL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "GFDL-1.3-only", "GFDL-1.3-or-later",
  "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later",
  "LGPL-3.0-only", "LGPL-3.0-or-later", "LPPL-1.3c", "MIT", "MIT-0", "MPL-2.0", "ODbL-1.0", "ODC-By-1.0", "OFL-1.1",
  "OpenRAIL", "OSL-3.0", "PDDL-1.0", "PostgreSQL", "Unlicense", "UPL-1.0", "WTFPL", "Zlib",
] as const;

const BY_LOWER = new Map<string, string>(KNOWN_SPDX_LICENSES.map((id) => [id.toLowerCase(), id]));

/** A validated license. */
export interface License {
  /** Canonical SPDX identifier, LicenseRef or expression. */
  readonly spdx: string;
  /** https://spdx.org/licenses/<id>.html for a single known identifier, else undefined. */
  readonly url?: string;
}

function fail(input: string, detail: string): never {
  throw new UserError(
    `Invalid license ${JSON.stringify(input)}: ${detail}.`,
    "Use an SPDX identifier such as CC-BY-4.0, CC0-1.0, MIT or Apache-2.0 (list: https://spdx.org/licenses/), or LicenseRef-<name> for a custom license.",
    { family: "data" },
  );
}

function parseId(part: string, input: string): string {
  if (/^LicenseRef-[A-Za-z0-9.-]+$/.test(part)) return part;
  const known = BY_LOWER.get(part.toLowerCase());
  if (known !== undefined) return known;
  if (!/^[A-Za-z0-9.+-]+$/.test(part)) fail(input, `"${part}" is not an SPDX identifier (letters, digits, ".", "-" only)`);
  fail(input, `"${part}" is not a known SPDX identifier`);
}

/** Validates a license string and returns its canonical form (see the module doc); throws a UserError saying what to use instead. */
export function parseLicense(input: string): License {
  if (typeof input !== "string" || input.trim() === "") fail(String(input), "the license is empty");
  const text = input.trim();
  const parts = text.split(/\s+(AND|OR)\s+/);
  const ids: string[] = [];
  for (let i = 0; i < parts.length; i += 2) ids.push(parseId(parts[i] ?? "", input));
  if (ids.length === 1) {
    const id = ids[0] as string;
    return id.startsWith("LicenseRef-") ? { spdx: id } : { spdx: id, url: `https://spdx.org/licenses/${id}.html` };
  }
  const joined = ids.map((id, k) => (k === 0 ? id : `${parts[2 * k - 1]} ${id}`)).join(" ");
  return { spdx: joined };
}
