/**
 * The files the demo writes into its workspace before hashing or
 * registering them: emails as sample files, and a trained model as a model
 * directory with its training log beside it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import type { TrainingRunResult } from "../ml/index.js";

/** An email to write: its id, raw bytes and, for corpus emails, their corpus path. */
export interface EmailFile {
  readonly id: string;
  readonly bytes: Uint8Array;
  readonly file?: string;
}

/** A file name for an email id (`spam-1/00001` → `spam-1-00001.eml`). */
function emailFileName(id: string): string {
  return `${id.replace(/\//g, "-")}.eml`;
}

/**
 * Writes emails into `dir` for hashing: corpus emails keep their corpus
 * path (`spam-1/00001.<md5>.txt`), others get a name from their id.
 */
export async function writeEmails(dir: string, emails: readonly EmailFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const made = new Set<string>();
  for (const e of emails) {
    const file = path.join(dir, e.file ?? emailFileName(e.id));
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await writeFile(file, e.bytes);
  }
}

/**
 * Writes a trained model as a model directory `<dir>/<name>/` (its weights,
 * `model.json`: what the model-signing statement covers; `weights` is that
 * directory) and its training log beside it, outside the weights.
 */
export async function writeModelFiles(dir: string, run: TrainingRunResult): Promise<{ weights: string; log: string }> {
  const modelDir = path.join(dir, path.basename(dir));
  await mkdir(modelDir, { recursive: true });
  const weights = modelDir;
  const log = path.join(dir, "training-log.jsonl");
  await writeFile(path.join(modelDir, "model.json"), run.weights);
  await writeFile(log, run.log.toJsonLines());
  return { weights, log };
}
