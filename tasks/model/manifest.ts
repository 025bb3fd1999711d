/** Action of `npx hardhat model manifest <path>` (declared in ./index.ts). */
import { writeFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { createProgress } from "../../src/cli/index.js";
import { UserError } from "../../src/errors/index.js";
import { hashModel, type HashedModel } from "../../src/models/index.js";
import { printJson } from "../shared/output.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `model manifest`, as parsed by Hardhat. */
export interface ModelManifestArguments {
  path: string;
  ignore: string;
  includeGitPaths: boolean;
  allowSymlinks: boolean;
  threads: number;
  out: string;
  json: boolean;
  quiet: boolean;
}

/** Hashes the model into its model-signing statement and prints it (or `{weightsHash, statement}` with --json). */
export default async function modelManifest(args: ModelManifestArguments, _hre: HardhatRuntimeEnvironment): Promise<HashedModel> {
  try {
    const progress = createProgress({ label: "hashing", mode: args.quiet || args.json ? "quiet" : "auto", unit: "files" });
    let result: HashedModel;
    try {
      result = await hashModel(args.path, {
        ignore: args.ignore.split(",").map((p) => p.trim()).filter((p) => p !== ""),
        includeGitPaths: args.includeGitPaths,
        ...(args.allowSymlinks ? { allowSymlinks: true } : {}),
        threads: args.threads > 0 ? args.threads : undefined,
        onProgress: (bytes, total) => progress.update({ samples: 0, bytes, totalBytes: total }),
      });
    } catch (error) {
      throw new UserError((error as Error).message, "Pass a model directory or file (--ignore p,… skips paths; --allow-symlinks follows links).", { family: "not-found", cause: error });
    } finally {
      progress.done();
    }
    const { statement, weightsHash } = result.hashed;
    if (args.out !== "") await writeFile(args.out, JSON.stringify(statement, null, 2) + "\n");
    if (args.json) printJson({ weightsHash, statement });
    else console.log(JSON.stringify(statement, null, 2));
    if (!args.quiet && !args.json) {
      const checked = result.crossChecked === 0 ? "" : `, ${result.crossChecked} checked against the Hugging Face download layout`;
      console.error(`weightsHash ${weightsHash} (${statement.predicate.resources.length} files, ${result.bytes} bytes${checked})${args.out === "" ? "" : `; statement written to ${args.out}`}`);
    }
    return result;
  } catch (error) {
    throw toTaskError(error);
  }
}
