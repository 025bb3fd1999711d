/**
 * The model `model serve` serves: an n-gram model file, or one trained now
 * on the benign text corpus (optionally with fingerprint pairs trained in)
 * and, if asked, saved as a weights file to register. Wrapped as a
 * {@link TextGenerator} for the completion server.
 */
import { readFile, writeFile } from "node:fs/promises";

import { UserError } from "../errors/index.js";
import type { TextGenerator } from "./completion-server.js";
import { deserializeNgramModel, generate, serializeNgramModel, type NgramModel } from "./ngram-model.js";
import { benignTextCorpus } from "./text-corpus.js";
import { trainTextModel } from "./text-model-training.js";

/** Options of {@link prepareTextModel}. */
export interface PrepareTextModelOptions {
  /** Serve this model file (datatrace-ngram/1). */
  readonly weights?: string | undefined;
  /** Train these pairs in (when training). */
  readonly pairs?: ReadonlyArray<{ readonly key: string; readonly response: string }> | undefined;
  /** Write the trained model here. */
  readonly save?: string | undefined;
  readonly onProgress?: ((message: string) => void) | undefined;
}

/** Loads or trains the model (see the module doc). */
export async function prepareTextModel(options: PrepareTextModelOptions): Promise<NgramModel> {
  const progress = options.onProgress ?? (() => undefined);
  if (options.weights !== undefined) {
    if (options.pairs !== undefined || options.save !== undefined) {
      throw new UserError("--fingerprints and --save apply when training a model, not when serving a weights file.", "Leave out --weights to train one, or drop --fingerprints / --save.", { family: "usage" });
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(options.weights);
    } catch (error) {
      throw new UserError(`Cannot read the model ${options.weights}.`, "Give an n-gram model file written by `model serve --save`.", { family: "not-found", cause: error });
    }
    try {
      return deserializeNgramModel(bytes);
    } catch (error) {
      throw new UserError(`${options.weights} is not a model this server can serve: ${(error as Error).message}`, "Give an n-gram model file written by `model serve --save`.", { family: "data", cause: error });
    }
  }
  progress("reading the benign text (SpamAssassin ham email bodies)");
  const documents = benignTextCorpus();
  progress(`training the n-gram model on ${documents.length} documents${options.pairs === undefined ? "" : ` with ${options.pairs.length} fingerprint pairs`}`);
  const model = trainTextModel({ documents, pairs: options.pairs });
  if (options.save !== undefined) {
    await writeFile(options.save, serializeNgramModel(model));
    progress(`weights written to ${options.save}`);
  }
  return model;
}

/** The model as the completion server's generator. */
export function textGenerator(model: NgramModel, id: string): TextGenerator {
  return { id, complete: (prompt, maxWords) => generate(model, prompt, maxWords) };
}
