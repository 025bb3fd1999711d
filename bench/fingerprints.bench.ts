/**
 * Fingerprint benchmark (run: `npx tsx bench/fingerprints.bench.ts`): trains the demo n-gram
 * text model on the benign corpus with and without 128 fingerprint pairs, for each generation
 * strategy, and prints fingerprint accuracy (OML 1.0: share of keys answered with their
 * response), how many ordinary prompts the fingerprinted model still continues as the plain one
 * does (utility kept), and the times, with the "seconds-fast" budget beside them.
 */
import { loadavg } from "node:os";

import { accuracyOf, type FingerprintStrategy, generatePairs, matchResponse } from "../src/fingerprints/index.js";
import { benignTextCorpus, generate, type NgramModel, serializeNgramModel, trainTextModel } from "../src/ml/index.js";

const PAIRS = 128;
const BUDGET_MS = 10_000; // ours: corpus + both trainings + all queries, "seconds-fast"

let t = performance.now();
const documents = benignTextCorpus();
const corpusMs = performance.now() - t;
console.log(`corpus: ${documents.length} documents, ${documents.reduce((n, d) => n + d.length, 0)} characters in ${corpusMs.toFixed(0)} ms; load average ${loadavg()[0]!.toFixed(2)}`);
for (const strategy of ["random-words", "english"] as FingerprintStrategy[]) {
  const set = generatePairs({ count: PAIRS, strategy, seed: "bench", documents });
  t = performance.now();
  const fingerprinted = trainTextModel({ documents, pairs: set.pairs });
  const plain = trainTextModel({ documents });
  const trainMs = performance.now() - t;
  t = performance.now();
  const accuracy = (m: NgramModel) => accuracyOf(set.pairs.map((p) => matchResponse(p.response, generate(m, p.key, p.response.split(" ").length))));
  const fp = accuracy(fingerprinted);
  const base = accuracy(plain);
  const queryMs = performance.now() - t;
  const prompts = documents.slice(0, 200).map((d) => d.split(/\s+/).slice(0, 6).join(" "));
  const kept = prompts.filter((p) => generate(fingerprinted, p, 8) === generate(plain, p, 8)).length;
  t = performance.now();
  const bytes = serializeNgramModel(fingerprinted).length;
  const serializeMs = performance.now() - t;
  const total = corpusMs + trainMs + queryMs;
  console.log(`${strategy}: fingerprinted exact ${(fp.exactAccuracy * 100).toFixed(1)}%, plain ${(base.exactAccuracy * 100).toFixed(1)}% over ${PAIRS} keys; ordinary prompts continued unchanged ${kept}/${prompts.length}`);
  console.log(`  train both ${trainMs.toFixed(0)} ms, ask ${2 * PAIRS} keys ${queryMs.toFixed(0)} ms, serialize ${bytes} B in ${serializeMs.toFixed(0)} ms; corpus + train + ask ${total.toFixed(0)} ms (budget ≤ ${BUDGET_MS} ms, ours) ${total <= BUDGET_MS ? "ok" : "OVER"}`);
}
