/**
 * The Datatrace working directory of a project (default `.datatrace`):
 * the local block store, the registration journal and hashed manifests
 * live side by side under it, so one `--dir` option moves all of them
 * (the demo uses a temporary one).
 */
import path from "node:path";

/** Default working directory, relative to the project. */
export const DEFAULT_WORKSPACE_DIR = ".datatrace";

/** The directories of a workspace (absolute paths). */
export interface Workspace {
  readonly dir: string;
  /** Local content-addressed block store (`<dir>/blocks`). */
  readonly blocksDir: string;
  /** Registration journal (`<dir>/journal`). */
  readonly journalDir: string;
  /** Manifests written by hashing (`<dir>/manifests/<root>`). */
  readonly manifestsDir: string;
}

/** The workspace rooted at `dir` (resolved against the working directory). */
export function workspaceAt(dir: string = DEFAULT_WORKSPACE_DIR): Workspace {
  const root = path.resolve(dir);
  return {
    dir: root,
    blocksDir: path.join(root, "blocks"),
    journalDir: path.join(root, "journal"),
    manifestsDir: path.join(root, "manifests"),
  };
}
