/**
 * Atomic publication of a directory: everything is written into a staging
 * directory next to the destination (same file system) and renamed into
 * place at the end, so an interrupted run never leaves a half manifest.
 *
 * Staging directories are named `.<label>.staging-<pid>-<random>`. A run
 * killed before it could clean up (SIGKILL, power loss) leaves its staging
 * directory behind; the next {@link createStagingDirectory} in the same
 * parent removes every staging directory whose process is no longer
 * running (judged by pid on this host: a staging directory on a file system
 * shared with other hosts may belong to a live process elsewhere).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";

import { HEADER_FILE, INDEX_FILE, MANIFEST_FORMAT, SHARDS_DIRECTORY } from "./manifest-format.js";
import { DatatraceError } from "../errors/index.js";

/** `.<label>.staging-<pid>-<8 hex>`, and the `.old` of a replaced destination. */
const STAGING_NAME = /^\..+\.staging-(\d+)-[0-9a-f]{8}(?:\.old)?$/;

/** True while process `pid` exists (also when it belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the entries of `parent` whose names match `pattern` (its first
 * group is the owner's pid) and whose owner process is gone; returns the
 * removed names. Missing or unreadable `parent`: nothing to do.
 */
export function removeDeadProcessLeftovers(parent: string, pattern: RegExp): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    rmSync(path.join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Removes the staging directories in `parent` left by processes that are no longer running; returns their names. */
export function removeStaleStagingDirectories(parent: string): string[] {
  return removeDeadProcessLeftovers(parent, STAGING_NAME);
}

/**
 * Creates a fresh staging directory inside `parent` (created if needed),
 * after removing the stale staging directories of dead processes there
 * (their names are passed to `onStaleRemoved`, if any were removed).
 */
export function createStagingDirectory(parent: string, label: string, onStaleRemoved?: (names: readonly string[]) => void): string {
  mkdirSync(parent, { recursive: true });
  const removed = removeStaleStagingDirectories(parent);
  if (removed.length > 0) onStaleRemoved?.(removed);
  const dir = path.join(parent, `.${label}.staging-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir);
  return dir;
}

/** Options of {@link publishDirectory}. */
export interface PublishOptions {
  /**
   * Whether an existing destination holding a different manifest (another
   * `header.json`) may be replaced. Default true; false refuses with an error
   * that suggests `--force`. An empty destination, or one holding the same
   * manifest, is always replaced.
   */
  readonly replaceDifferentManifest?: boolean;
}

/**
 * Moves `staging` to `destination`. An existing destination is replaced only
 * if it is empty or a Datatrace manifest (and, unless allowed, the same
 * manifest); anything else is refused so that a mistyped `--out` never
 * deletes user data.
 */
export function publishDirectory(staging: string, destination: string, options: PublishOptions = {}): void {
  if (existsSync(destination)) {
    const existing = existingContent(destination);
    if (existing.kind === "other") {
      throw new DatatraceError(
        `${destination} already exists and is not a Datatrace manifest; refusing to replace it. Choose another --out.`,
      );
    }
    if (existing.kind === "manifest" && options.replaceDifferentManifest === false) {
      const incoming = readFileSync(path.join(staging, HEADER_FILE), "utf8");
      if (incoming !== existing.headerText) {
        throw new DatatraceError(
          `${destination} already holds a different manifest (root ${existing.root ?? "?"}, not ${headerRoot(incoming) ?? "?"}); ` +
            "refusing to replace it. Pass --force to replace it, or choose another --out.",
        );
      }
    }
    const old = `${staging}.old`;
    renameSync(destination, old);
    renameSync(staging, destination);
    rmSync(old, { recursive: true, force: true });
    return;
  }
  mkdirSync(path.dirname(destination), { recursive: true });
  renameSync(staging, destination);
}

/** True if `dir` is a directory holding a Datatrace manifest (`header.json` of this format). */
export function isManifestDirectory(dir: string): boolean {
  return existingContent(dir).kind === "manifest";
}

/**
 * True if `dir` looks like a manifest directory, valid or not: it holds a
 * `header.json`, an `index.bin` or a `shards/` directory. Such a directory
 * must be checked as a manifest, never hashed as a folder of samples.
 */
export function looksLikeManifestDirectory(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
  } catch {
    return false;
  }
  return [HEADER_FILE, INDEX_FILE, SHARDS_DIRECTORY].some((name) => existsSync(path.join(dir, name)));
}

type ExistingContent = { kind: "empty" } | { kind: "manifest"; headerText: string; root: string | undefined } | { kind: "other" };

function existingContent(dir: string): ExistingContent {
  try {
    if (readdirSync(dir).length === 0) return { kind: "empty" };
    const headerText = readFileSync(path.join(dir, HEADER_FILE), "utf8");
    const header = JSON.parse(headerText) as { format?: unknown };
    return header.format === MANIFEST_FORMAT ? { kind: "manifest", headerText, root: headerRoot(headerText) } : { kind: "other" };
  } catch {
    return { kind: "other" };
  }
}

function headerRoot(text: string): string | undefined {
  try {
    const root = (JSON.parse(text) as { root?: unknown }).root;
    return typeof root === "string" ? root : undefined;
  } catch {
    return undefined;
  }
}
