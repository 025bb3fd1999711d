/**
 * Writing a whole file atomically and durably: the bytes go to a temporary
 * file in the same directory, which is fsynced and then renamed over the
 * target (or, when replacing is not allowed, hard-linked to it, which fails
 * if the target exists), and the directory is fsynced. A crash or an error
 * leaves either the old file or the new one, never a torn one, and no
 * temporary file. The one implementation for the registration journal, the
 * model-tree journal and `dataset extract --out`.
 */
import { randomBytes } from "node:crypto";
import { link, open, rename, unlink } from "node:fs/promises";
import path from "node:path";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /**
   * Replace an existing file (default true). With false, an existing target
   * is left as it is and the write fails with the `EEXIST` error of
   * `link(2)`; the check and the write are one step, so a file that appears
   * meanwhile is never overwritten.
   */
  readonly replace?: boolean;
}

/** Writes `bytes` to `file` atomically and durably (see the module doc). */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(tmp, "wx", 0o644);
  let placed = false;
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.replace === false) await link(tmp, file);
    else await rename(tmp, file);
    placed = options.replace !== false;
  } finally {
    // After a link the temporary name is a second name of the file; after a failure it is all that is left.
    if (!placed) await unlink(tmp).catch(() => undefined);
  }
  let dirHandle;
  try {
    dirHandle = await open(dir, "r");
    await dirHandle.sync();
  } catch {
    // Directory fsync is not supported everywhere (e.g. Windows); the rename is still atomic.
  } finally {
    await dirHandle?.close();
  }
}
