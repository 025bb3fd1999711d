/**
 * ESLint for the architecture only (docs/architecture.md): module boundaries,
 * layer direction and import cycles in src/, tasks/, web/, bench/ and
 * scripts/. No style rules: `npm run lint` runs this and madge, `npm test`
 * runs `npm run lint`. test/ is not linted: tests may import a module's
 * internals.
 *
 * - Cross-module imports go through a module's entry point, src/<module>/index.ts
 *   (or its browser-safe subset src/<module>/browser.ts); inside a module,
 *   relative imports stay direct.
 * - A core module imports only the modules its row of LAYERS allows; the core
 *   never imports tasks/, web/, test/, bench/, scripts/ or Hardhat.
 * - The page (web/src) imports browser.ts where a module has one.
 * - import-x/no-cycle finds cycles through the entry points' re-exports too.
 *
 * test/eslint-boundaries.test.ts lints small fixtures with these rules and
 * expects each kind of violation to be reported.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The layers of the core, bottom first: each module and the modules it may
 * import (derived from the import graph, December 2026). A change belongs in
 * the lowest module that has everything it needs. `errors` is the shared
 * error base (issue 12, finding 1): every module may import it, it imports
 * nothing. A module folder missing from this table fails the lint, and so
 * does a row naming a module listed after it (that would allow a cycle).
 */
export const LAYERS = {
  errors: [],
  hash: [],
  cli: [],
  corpus: [],
  sources: [],
  merkle: ["hash"],
  storage: ["hash"],
  registry: ["cli", "sources", "storage"],
  manifest: ["hash", "merkle", "sources", "storage"],
  chain: ["cli", "registry"],
  models: ["cli", "registry"],
  engine: ["hash", "manifest", "merkle", "sources"],
  training: ["chain", "cli", "hash", "manifest", "merkle", "models", "registry", "sources"],
  ml: ["cli", "corpus", "hash", "registry", "storage", "training"],
  fingerprints: ["chain", "cli", "hash", "merkle", "ml", "registry"],
  workflow: ["chain", "cli", "corpus", "engine", "hash", "manifest", "merkle", "ml", "models", "registry", "sources", "storage", "training"],
};

/** Plain-JS worker files (run in worker threads without a TypeScript loader) import each other directly. */
const WORKER_FILES = { sources: ["./parquet-pages.mjs", "./parquet-pages.d.mts", "./snappy.mjs", "./snappy.d.mts", "./tar-scan.mjs", "./tar-scan.d.mts"] };

const SHELLS = ["./tasks", "./web", "./bench", "./scripts"];
const NOT_CORE = [...SHELLS, "./test", "./hardhat.config.ts", "./ignition"];

const srcModules = readdirSync(path.join(root, "src")).filter((name) => statSync(path.join(root, "src", name)).isDirectory());
const unlisted = srcModules.filter((name) => !(name in LAYERS));
if (unlisted.length > 0) {
  throw new Error(`eslint.config.js: src/${unlisted.join(", src/")} missing from LAYERS; add a row saying what it may import (docs/architecture.md).`);
}
// The table lists each module after everything it may import, so the module graph cannot have a cycle.
const order = Object.keys(LAYERS);
for (const [name, allowed] of Object.entries(LAYERS)) {
  const later = allowed.filter((other) => order.indexOf(other) === -1 || order.indexOf(other) >= order.indexOf(name));
  if (later.length > 0) throw new Error(`eslint.config.js: LAYERS.${name} may import ${later.join(", ")}, listed after it (or not at all): a module imports only layers below it.`);
}
const hasBrowserEntry = (name) => existsSync(path.join(root, "src", name, "browser.ts"));

/** Zones of import-x/no-restricted-paths (paths relative to the repository root). */
function zones() {
  const result = [
    {
      target: "./src",
      from: NOT_CORE,
      message: "The core (src/) never imports tasks/, web/, test/, bench/, scripts/ or Hardhat config; the shells import the core.",
    },
  ];
  for (const name of srcModules) {
    const allowed = new Set([name, "errors", ...LAYERS[name]]);
    const forbidden = srcModules.filter((other) => !allowed.has(other));
    if (forbidden.length > 0) {
      result.push({
        target: `./src/${name}`,
        from: forbidden.map((other) => `./src/${other}`),
        message: `Layer direction: src/${name} may import only ${[...allowed].filter((m) => m !== name).join(", ")} (LAYERS in eslint.config.js, docs/architecture.md).`,
      });
    }
    result.push({
      target: [...srcModules.filter((other) => other !== name).map((other) => `./src/${other}`), ...SHELLS],
      from: `./src/${name}`,
      except: ["./index.ts", "./browser.ts", ...(WORKER_FILES[name] ?? [])],
      message: `Import src/${name} through its entry point, src/${name}/index.ts${hasBrowserEntry(name) ? " (or browser.ts)" : ""}; its other files are internal.`,
    });
    if (hasBrowserEntry(name)) {
      result.push({
        target: "./web/src",
        from: `./src/${name}/index.ts`,
        message: `The page imports src/${name}/browser.ts: index.ts reaches Node-only code.`,
      });
    }
  }
  return result;
}

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "artifacts/**", "cache/**", "typechain-types/**", "coverage/**", "test/**"] },
  {
    files: ["src/**/*.{ts,mts,mjs}", "tasks/**/*.ts", "web/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" },
    plugins: { "import-x": importX },
    settings: {
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".mts", ".cts"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
      "import-x/extensions": [".ts", ".mts", ".js", ".mjs"],
    },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { basePath: root, zones: zones() }],
    },
  },
  {
    files: ["src/**/*.{ts,mts,mjs}"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["hardhat", "hardhat/*"], message: "The core has no Hardhat import; tasks/ adapts Hardhat to it." }] },
      ],
    },
  },
);
