/**
 * The samples a user asks about: files (hashed here, `SHA-256(bytes)`, the
 * scheme's sample hash) or sample hashes given directly as hex.
 */
import { readFile, stat } from "node:fs/promises";

import { EXIT_CODES, UserError } from "../cli/errors.js";
import { hashFromHex } from "../hash/hex.js";
import { sha256 } from "../hash/sha256.js";

/** One sample to check. */
export interface SampleQuery {
  /** What the user named: the file path or the hash. */
  readonly label: string;
  /** SHA-256 of the sample bytes. */
  readonly sampleHash: Uint8Array;
}

/** Reads and hashes each file; a UserError names a missing file or a directory. */
export async function sampleQueriesFromFiles(files: readonly string[]): Promise<SampleQuery[]> {
  const out: SampleQuery[] = [];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      if ((await stat(file)).isDirectory()) {
        throw new UserError(`${file} is a directory, not a sample file.`, "Name the sample files themselves (a shell glob such as dir/* works).", { exitCode: EXIT_CODES.usage });
      }
      bytes = await readFile(file);
    } catch (error) {
      if (error instanceof UserError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(
        `Cannot read the sample file ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}.`,
        "Check the path.",
        { exitCode: EXIT_CODES.noInput, cause: error },
      );
    }
    out.push({ label: file, sampleHash: sha256(bytes) });
  }
  return out;
}

/** A query for a sample hash given as hex (64 hex digits, 0x optional). */
export function sampleQueryFromHash(text: string): SampleQuery {
  try {
    return { label: text, sampleHash: hashFromHex(text.trim()) };
  } catch (error) {
    throw new UserError(
      `"${text}" is not a sample hash.`,
      "Give the SHA-256 of the sample as 64 hex digits (0x optional), e.g. the output of `sha256sum file`.",
      { exitCode: EXIT_CODES.usage, cause: error },
    );
  }
}
