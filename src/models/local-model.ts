/**
 * A Hugging Face model on disk (a `snapshot_download(local_dir=…)` folder, a
 * snapshot in the cache, or any folder in the same layout): its catalogue
 * record and its model-signing statement. The repository id and revision
 * come from the cache path (`models--org--name/snapshots/<rev>`) or from the
 * `local_dir` download metadata (revision only); `lastModified` is unknown
 * on disk.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import { describeModelFiles, type HfModelFacts } from "./model-facts.js";
import { hashModel, type HashedModel, type HashModelOptions } from "./model-manifest.js";

/** A local model, described and hashed. */
export interface LocalModel {
  readonly facts: HfModelFacts;
  readonly model: HashedModel;
}

/** Options of {@link describeLocalModel}. */
export interface DescribeLocalModelOptions extends HashModelOptions {
  /** Repository id to record when the path does not say (e.g. a plain folder). */
  readonly repoId?: string | undefined;
}

/** Hashes the model at `dir` and reads its descriptive files. */
export async function describeLocalModel(dir: string, options: DescribeLocalModelOptions = {}): Promise<LocalModel> {
  const model = await hashModel(dir, options);
  const byName = new Map(model.files.files.map((f) => [f.name, f.path]));
  const facts = await describeModelFiles(
    {
      paths: [...byName.keys()],
      readText: async (name) => {
        const p = byName.get(name);
        return p === undefined ? undefined : readFile(p, "utf8");
      },
    },
    {
      repoId: options.repoId ?? model.files.cacheSnapshot?.repoId ?? null,
      revision: model.files.cacheSnapshot?.revision ?? model.files.localDirRevision ?? null,
      weightsHash: model.hashed.weightsHash,
    },
  );
  return { facts, model };
}

