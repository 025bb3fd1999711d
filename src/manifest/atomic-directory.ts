/**
 * Atomic publication of a directory: everything is written into a staging
 * directory next to the destination (same file system) and renamed into
 * place at the end, so an interrupted run never leaves a half manifest.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

import { HEADER_FILE, MANIFEST_FORMAT } from "./manifest-format.js";

/** Creates a fresh staging directory inside `parent` (created if needed). */
export function createStagingDirectory(parent: string, label: string): string {
  mkdirSync(parent, { recursive: true });
  const dir = path.join(parent, `.${label}.staging-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir);
  return dir;
}

/**
 * Moves `staging` to `destination`. An existing destination is replaced only
 * if it is empty or a Datatrace manifest; anything else is refused so that a
 * mistyped `--out` never deletes user data.
 */
export function publishDirectory(staging: string, destination: string): void {
  if (existsSync(destination)) {
    if (!isReplaceable(destination)) {
      throw new Error(
        `${destination} already exists and is not a Datatrace manifest; refusing to replace it. Choose another --out.`,
      );
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

function isReplaceable(dir: string): boolean {
  try {
    if (readdirSync(dir).length === 0) return true;
    const header = JSON.parse(readFileSync(path.join(dir, HEADER_FILE), "utf8")) as { format?: unknown };
    return header.format === MANIFEST_FORMAT;
  } catch {
    return false;
  }
}
