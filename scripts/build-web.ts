/**
 * Builds the web verifier (web/index.html + web/src) into web/dist/:
 * index.html, app.js (the page, IIFE, with source map), app.css and
 * hash-worker.js (the Web Worker that hashes files off the main thread).
 * Everything is local: no CDN, no external font.
 *
 * Core modules the page reuses were written for Node in places: the bundle
 * maps `node:crypto` to web/src/shims/node-crypto.ts and injects
 * web/src/shims/buffer.ts for the global `Buffer`; any other `node:` import
 * reaching the page fails the build with the importer's name.
 *
 *   npx tsx scripts/build-web.ts [--out dir] [--no-minify]
 */
import { copyFile, mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { build, type Plugin } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The page's source directory. */
export const WEB_DIR = path.join(root, "web");
/** Default output directory (ignored by web/.gitignore). */
export const WEB_DIST_DIR = path.join(WEB_DIR, "dist");

/** Options of {@link buildWeb}. */
export interface BuildWebOptions {
  /** Output directory (default web/dist); emptied first. */
  readonly outDir?: string;
  /** Minify (default true). */
  readonly minify?: boolean;
}

/** What {@link buildWeb} wrote. */
export interface BuildWebResult {
  readonly outDir: string;
  /** Files written, with their sizes. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  /** Source files in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

/** Redirects Node built-ins the core uses to browser shims; refuses the others. */
const browserShims: Plugin = {
  name: "datatrace-browser-shims",
  setup(b) {
    b.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: path.join(WEB_DIR, "src", "shims", "node-crypto.ts") }));
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [
        {
          text:
            `${path.relative(root, args.importer)} imports ${args.path}, which does not exist in a browser. ` +
            "Keep Node-only modules off the page's import graph, or add a shim in web/src/shims/ and map it in scripts/build-web.ts.",
        },
      ],
    }));
  },
};

/** Builds the page (see the module doc). */
export async function buildWeb(options: BuildWebOptions = {}): Promise<BuildWebResult> {
  const outDir = path.resolve(options.outDir ?? WEB_DIST_DIR);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: path.join(WEB_DIR, "src", "main.ts"), "hash-worker": path.join(WEB_DIR, "src", "hash-worker.ts") },
    outdir: outDir,
    bundle: true,
    platform: "browser",
    format: "iife",
    target: ["chrome109", "firefox115", "safari16"],
    minify: options.minify ?? true,
    sourcemap: "linked",
    inject: [path.join(WEB_DIR, "src", "shims", "buffer.ts")],
    plugins: [browserShims],
    metafile: true,
    logLevel: "silent",
    legalComments: "linked",
  });
  await copyFile(path.join(WEB_DIR, "index.html"), path.join(outDir, "index.html"));
  const files = [];
  for (const name of (await readdir(outDir)).sort()) files.push({ name, bytes: (await stat(path.join(outDir, name))).size });
  return { outDir, files, inputs: Object.keys(result.metafile.inputs).sort() };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const started = performance.now();
  const result = await buildWeb({
    ...(outAt >= 0 && args[outAt + 1] !== undefined ? { outDir: args[outAt + 1] } : {}),
    minify: !args.includes("--no-minify"),
  });
  for (const f of result.files) console.log(`${path.join(path.relative(process.cwd(), result.outDir) || ".", f.name).padEnd(28)} ${f.bytes.toLocaleString("en-US").padStart(10)} B`);
  console.log(`built in ${(performance.now() - started).toFixed(0)} ms; open ${path.join(result.outDir, "index.html")} through a local server (see docs/web.md)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
