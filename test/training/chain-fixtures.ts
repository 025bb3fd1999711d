/**
 * Chain fixtures of the training tests: the registries on a fresh in-process
 * network, datasets registered from files written here, models registered
 * with a training log, and the model's commitments read back with its
 * datasets opened through a content source over the same local store.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { LocalStore } from "../../src/storage/local-store.js";
import { openMembershipDatasets, readModelCommitments } from "../../src/training/model-commitments.js";
import type { LoggedDataset } from "../../src/training/log-entry.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import { registerDataset, type RegisteredDataset } from "../../src/workflow/register-dataset.js";
import { registerModel, type RegisteredModel } from "../../src/workflow/register-model.js";
import { deployRegistry, tempWorkspace } from "../workflow/helpers.js";

/** A registry, a workspace and its store, and helpers to register into them. */
export async function trainingChain(label: string) {
  const env = await deployRegistry();
  const t = tempWorkspace(label);
  const store = new LocalStore({ dir: t.workspace.blocksDir });
  const content = new ContentSource({ local: store });
  const deps = { client: env.client, store, workspace: t.workspace };
  let models = 0;
  return {
    env,
    root: t.root,
    cleanup: t.cleanup,
    content,
    /** Writes `files` (name → bytes) into `<root>/<name>/` and registers the directory. */
    async dataset(name: string, files: ReadonlyMap<string, Uint8Array | string>): Promise<RegisteredDataset & { dir: string }> {
      const dir = path.join(t.root, name);
      mkdirSync(dir, { recursive: true });
      for (const [file, bytes] of files) writeFileSync(path.join(dir, file), bytes);
      const registered = await registerDataset(deps, { sources: [dir], threads: 1, metadata: { name, license: "CC0-1.0" } });
      return { ...registered, dir };
    },
    /** Registers a model with these weights, datasets and training log. */
    async model(weights: string, datasetIds: readonly bigint[], trainingLog: string): Promise<RegisteredModel> {
      models++;
      return registerModel(deps, { weights, datasetIds, parentIds: [], trainingLog, metadata: { name: `m${models}`, license: "MIT" } });
    },
    /** The model's commitments and its datasets opened for proofs. */
    async commitments(tokenId: bigint) {
      const model = await readModelCommitments(env.readOnly, tokenId);
      const datasets = await openMembershipDatasets(model.datasets, (cid) => content.openManifest(cid));
      return { model, datasets };
    },
  };
}

/** The run-start form of a registered dataset. */
export function logged(d: RegisteredDataset): LoggedDataset {
  return { tokenId: d.tokenId.toString(), root: d.root as LoggedDataset["root"], leafCount: d.leafCount };
}
