/**
 * Builds the web app (web/index.html + web/src) into web/dist/ with esbuild:
 * index.html, app.js (the page, IIFE, with source map), app.css and
 * hash-worker.js (the Web Worker that hashes files off the main thread).
 * Every path is relative and the views are hash routes, so the directory
 * works from any static server and can itself be published to IPFS
 * (`npx hardhat storage put web/dist`). Everything is local: no CDN, no
 * external font.
 *
 * The registries' addresses of the network presets come from the Ignition
 * deployment records (`ignition/deployments/chain-<id>/deployed_addresses.json`,
 * read with the core's `readIgnitionAddresses`) and are compiled in; the
 * records are inputs of the build, so a new deployment makes it stale.
 *
 * The page reuses browser-safe core modules (src/hash, src/merkle,
 * src/manifest, src/storage's gateway client and UnixFS builder,
 * src/registry, src/workflow's proof, trace and metadata functions). A
 * `node:` import reaching the page fails the build with the importer's name.
 *
 * Why esbuild and not Vite: one build call with two entry points and one
 * plugin is all the page needs; esbuild is already a dependency (Vite is
 * not installed here), and `ipfs serve` calls {@link buildWeb} directly.
 *
 * Used by `scripts/build-web.ts` (command line) and `npx hardhat ipfs serve`
 * (which rebuilds the page when {@link isWebBuildStale} says so).
 */
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { build, type Plugin } from "esbuild";

import { ignitionRecordPath, readIgnitionAddresses } from "../src/chain/index.js";
import { NETWORK_DEFINITIONS, type PresetDeployments, type PresetId } from "./src/app/network-presets.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The page's source directory. */
export const WEB_DIR = path.join(root, "web");
/** Default output directory (ignored by web/.gitignore). */
export const WEB_DIST_DIR = path.join(WEB_DIR, "dist");
/** Written last into the output directory: the bundle's inputs, for {@link isWebBuildStale}. */
export const BUILD_INPUTS_FILE = ".build-inputs.json";

/** Options of {@link buildWeb}. */
export interface BuildWebOptions {
  /** Output directory (default web/dist); emptied first. */
  readonly outDir?: string;
  /** Minify (default true). */
  readonly minify?: boolean;
  /** The project's ignition directory (default `ignition/`). */
  readonly ignitionDir?: string;
  /** Ignition deployment ids to read per preset instead of `chain-<id>` (tests deploy under throw-away ids). */
  readonly deploymentIds?: Partial<Record<PresetId, string>>;
}

/** What {@link buildWeb} wrote. */
export interface BuildWebResult {
  readonly outDir: string;
  /** Files written, with their sizes (the page's files; not the inputs record). */
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  /** Source files in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

/** Refuses Node built-ins on the page's import graph, naming the importer. */
const noNodeBuiltins: Plugin = {
  name: "datatrace-no-node-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [
        {
          text:
            `${path.relative(root, args.importer)} imports ${args.path}, which does not exist in a browser. ` +
            "Keep Node-only modules off the page's import graph (inject the dependency instead, as the manifest reader does with SHA-256).",
        },
      ],
    }));
  },
};

/** Default ignition directory. */
export const IGNITION_DIR = path.join(root, "ignition");

/**
 * The registries of each preset from its Ignition record (null when there
 * is none), and the files read (inputs of the build: a new or changed
 * record makes the page stale).
 */
export async function presetDeployments(
  ignitionDir: string = IGNITION_DIR,
  deploymentIds: Partial<Record<PresetId, string>> = {},
): Promise<{ deployments: PresetDeployments; inputs: string[] }> {
  const deployments: Record<string, PresetDeployments[PresetId]> = {};
  const inputs: string[] = [];
  for (const network of NETWORK_DEFINITIONS) {
    const location = { ignitionDir, chainId: network.chainId, deploymentId: deploymentIds[network.id] };
    const addresses = await readIgnitionAddresses(location);
    const record = ignitionRecordPath(location);
    if (addresses !== undefined) inputs.push(record);
    deployments[network.id] = addresses === undefined ? null : { addresses, record: path.relative(root, record).split(path.sep).join("/") };
  }
  // A deployment made after the build creates a directory in deployments/ (or deployments/ itself).
  const deploymentsDir = path.join(ignitionDir, "deployments");
  inputs.push(await stat(deploymentsDir).then(() => deploymentsDir, () => ignitionDir));
  return { deployments: deployments as PresetDeployments, inputs };
}

/** Builds the page (see the module doc). */
export async function buildWeb(options: BuildWebOptions = {}): Promise<BuildWebResult> {
  const outDir = path.resolve(options.outDir ?? WEB_DIST_DIR);
  const { deployments, inputs: recordInputs } = await presetDeployments(options.ignitionDir, options.deploymentIds);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: path.join(WEB_DIR, "src", "main.ts"), "hash-worker": path.join(WEB_DIR, "src", "hashing", "hash-worker.ts") },
    outdir: outDir,
    absWorkingDir: root,
    bundle: true,
    platform: "browser",
    format: "iife",
    target: ["chrome109", "firefox115", "safari16"],
    minify: options.minify ?? true,
    sourcemap: "linked",
    plugins: [noNodeBuiltins],
    define: { __DATATRACE_DEPLOYMENTS__: JSON.stringify(deployments) },
    metafile: true,
    logLevel: "silent",
    legalComments: "linked",
  });
  await copyFile(path.join(WEB_DIR, "index.html"), path.join(outDir, "index.html"));
  const files = [];
  for (const name of (await readdir(outDir)).sort()) files.push({ name, bytes: (await stat(path.join(outDir, name))).size });
  const inputs = [
    ...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("<")), // not esbuild's <define:…> pseudo-files
    path.relative(root, path.join(WEB_DIR, "index.html")),
    ...recordInputs.map((f) => path.relative(root, f)),
  ].sort();
  await writeFile(path.join(outDir, BUILD_INPUTS_FILE), `${JSON.stringify(inputs, null, 1)}\n`);
  return { outDir, files, inputs };
}

/**
 * Why the page in `outDir` must be rebuilt ("no build", "web/src/main.ts
 * changed", …), or undefined when it is up to date: every input of the last
 * build still exists and none is newer than that build.
 */
export async function isWebBuildStale(outDir: string = WEB_DIST_DIR): Promise<string | undefined> {
  let inputs: string[];
  let builtAt: number;
  try {
    const record = path.join(outDir, BUILD_INPUTS_FILE);
    inputs = JSON.parse(await readFile(record, "utf8")) as string[];
    builtAt = (await stat(record)).mtimeMs;
    await stat(path.join(outDir, "index.html"));
  } catch {
    return `no complete build in ${path.relative(process.cwd(), outDir) || "."}`;
  }
  for (const input of inputs) {
    const modified = await stat(path.resolve(root, input)).then(
      (s) => s.mtimeMs,
      () => Number.POSITIVE_INFINITY,
    );
    if (modified > builtAt) return `${input} changed since the last build`;
  }
  return undefined;
}
