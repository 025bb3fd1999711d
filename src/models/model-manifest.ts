/**
 * The model-signing statement of a model on disk: list its files
 * (model-files.ts), hash them on all cores (file-hash-pool.ts), check every
 * digest the download layout promises (Hugging Face cache blob names,
 * `local_dir` metadata etags), and build the statement
 * (model-signing-statement.ts).
 *
 * @example
 * const { hashed } = await hashModel("models/tiny-base");
 * hashed.weightsHash;           // 0x… = model_signing's subject digest
 * hashed.statement.predicate;    // { serialization, resources }
 */
import { ignoreList } from "./ignore-paths.js";
import { hashFiles, type HashFilesOptions } from "./file-hash-pool.js";
import { listModelFiles, type ModelFileList } from "./model-files.js";
import { createModelSigningStatement, hashStatement, type HashedStatement } from "./model-signing-statement.js";
import { DatatraceError } from "../errors/index.js";

/** Options of {@link hashModel}. */
export interface HashModelOptions {
  /** Extra ignore paths, relative to the model directory. */
  readonly ignore?: readonly string[] | undefined;
  /** Hash `.git`, `.gitattributes`, `.github`, `.gitignore` too (model_signing `--no-ignore-git-paths`). */
  readonly includeGitPaths?: boolean | undefined;
  /** Follow symbolic links (default: only in a Hugging Face cache snapshot). */
  readonly allowSymlinks?: boolean | undefined;
  readonly threads?: HashFilesOptions["threads"];
  readonly onProgress?: HashFilesOptions["onProgress"];
}

/** A hashed model. */
export interface HashedModel {
  readonly hashed: HashedStatement;
  readonly files: ModelFileList;
  /** Total bytes hashed. */
  readonly bytes: number;
  /** How many files were checked against a digest the download layout gives (blob names, metadata). */
  readonly crossChecked: number;
}

/** A file whose content differs from what its download layout promises. */
export class ModelDigestMismatchError extends DatatraceError {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message, { family: "data" });
    this.name = "ModelDigestMismatchError";
    this.file = file;
  }
}

/** Lists, hashes and checks the model at `target`, and builds its statement. */
export async function hashModel(target: string, options: HashModelOptions = {}): Promise<HashedModel> {
  const files = await listModelFiles(target, {
    ignorePaths: ignoreList(options.ignore ?? [], { includeGitPaths: options.includeGitPaths === true }),
    allowSymlinks: options.allowSymlinks,
  });
  const digests = await hashFiles(
    files.files.map((f) => ({ path: f.path, size: f.size, gitSha1: f.expected?.kind === "git-sha1" })),
    { threads: options.threads, onProgress: options.onProgress },
  );
  let crossChecked = 0;
  for (const [i, f] of files.files.entries()) {
    const d = digests[i]!;
    if (f.expected === undefined) continue;
    const actual = f.expected.kind === "sha256" ? d.sha256 : d.gitSha1;
    if (actual !== f.expected.value) {
      throw new ModelDigestMismatchError(
        f.name,
        `${f.name} does not match its ${f.expected.source}: its ${f.expected.kind === "sha256" ? "SHA-256" : "git blob id"} is ${actual ?? "unknown"}. The file is corrupted or was changed after download; download it again.`,
      );
    }
    crossChecked++;
  }
  const statement = createModelSigningStatement({
    modelName: files.modelName,
    resources: files.files.map((f, i) => ({ name: f.name, digest: digests[i]!.sha256 })),
    allowSymlinks: files.allowSymlinks,
    ignorePaths: files.ignorePaths,
  });
  return { hashed: hashStatement(statement), files, bytes: digests.reduce((n, d) => n + d.size, 0), crossChecked };
}
