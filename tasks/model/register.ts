/** Action of `npx hardhat model register` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { fingerprintRootOf, readPairsFile } from "../../src/fingerprints/index.js";
import { DatatraceError } from "../../src/errors/index.js";
import { UserError } from "../../src/errors/index.js";
import { readHyperparametersFile } from "../../src/registry/index.js";
import {
  mergeHyperparameters,
  parseKeyValues,
  parseMetricPairs,
  parseTokenIdList,
  readMetricsFile,
  type RegisteredHfModel,
  type RegisteredModel,
  registerHfModel,
  registerModel,
  workspaceAt,
} from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { inProcessNote, linkLines, printJson } from "../shared/output.js";
import { openHub } from "../shared/hub.js";
import { openContentSource, openPublishingStore } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";
import { shownPath } from "../dataset/report.js";

/** Arguments of `model register`, as parsed by Hardhat. */
export interface ModelRegisterArguments {
  weights: string;
  datasets: string;
  /** Held-out datasets the model was evaluated on (metadata only). */
  evaluationDatasets?: string;
  parents: string;
  relation: string;
  hyperparameters: string;
  metrics: string;
  param: string;
  metric: string;
  trainingLog: string;
  fingerprintRoot: string;
  /** Fingerprint pairs file: its root is committed. */
  fingerprints?: string;
  uploadWeights: boolean;
  name: string;
  description: string;
  license: string;
  creator: string;
  modelVersion: string;
  framework: string;
  storage: string;
  lighthouseUrl: string;
  timeout: number;
  dir: string;
  json: boolean;
  quiet: boolean;
  /** A Hugging Face model folder or Hub id (org/name[@revision]) to register with its card, configs and lineage. */
  hf?: string;
  /** With --hf: register missing ancestors from the Hub first. */
  registerParents?: boolean;
  /** With --hf and a plain folder: the repo id to record. */
  repoId?: string;
  /** Comma-separated paths (relative to the model directory) not to hash. */
  ignore?: string;
  /** Gateways to read other tokens' metadata from (parents, datasets), as in `model show`. */
  gateway?: string;
}

/** Registers the model and prints token id, weightsHash, CIDs, transaction and links. */
export default async function modelRegister(args: ModelRegisterArguments, hre: HardhatRuntimeEnvironment): Promise<RegisteredModel> {
  try {
    if ((args.hf ?? "") !== "") return (await registerHf(args, hre)).registered;
    if (args.weights === "") throw new DatatraceError("--weights is required: the weights file or directory of the model (or --hf <folder | org/name> for a Hugging Face model).", { family: "usage" });
    const datasetIds = parseTokenIdList(args.datasets, "datasets");
    const evaluationDatasetIds = parseTokenIdList(args.evaluationDatasets ?? "", "evaluation datasets");
    const parentIds = parseTokenIdList(args.parents, "parents");
    const hyperparameters = mergeHyperparameters(
      args.hyperparameters === "" ? undefined : await readHyperparametersFile(args.hyperparameters),
      parseKeyValues(args.param, "param"),
    );
    const metricsFromFile = args.metrics === "" ? undefined : await readMetricsFile(args.metrics);
    const metricPairs = parseMetricPairs(args.metric);
    const metrics = metricsFromFile === undefined && Object.keys(metricPairs).length === 0 ? undefined : { ...metricsFromFile, ...metricPairs };
    const fingerprintRoot = await resolveFingerprintRoot(args.fingerprintRoot, args.fingerprints ?? "");
    const workspace = workspaceAt(args.dir);
    const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
    const store = await openPublishingStore(hre, args, workspace);
    const { client, inProcess } = await connectRegistry(hre, { write: true });
    const result = await registerModel(
      { client, store, workspace, reporter },
      {
        weights: args.weights,
        datasetIds,
        evaluationDatasetIds,
        parentIds,
        relation: args.relation,
        ...(hyperparameters === undefined ? {} : { hyperparameters }),
        ...(metrics === undefined ? {} : { metrics }),
        ...(args.trainingLog === "" ? {} : { trainingLog: args.trainingLog }),
        ...(fingerprintRoot === "" ? {} : { fingerprintRoot }),
        uploadWeights: args.uploadWeights,
        ...(ignoreList(args).length === 0 ? {} : { weightsOptions: { ignore: ignoreList(args) } }),
        metadata: {
          name: args.name,
          ...(args.description === "" ? {} : { description: args.description }),
          ...(args.license === "" ? {} : { license: args.license }),
          ...(args.creator === "" ? {} : { creator: args.creator }),
          ...(args.modelVersion === "" ? {} : { version: args.modelVersion }),
          ...(args.framework === "" ? {} : { framework: args.framework }),
        },
      },
    );
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...result });
    else console.log(modelRegistrationText(result, client.networkName, client.chainId, client.local, inProcess).join("\n"));
    return result;
  } catch (error) {
    throw toTaskError(error);
  }
}

/** The root to commit: from --fingerprints (the pairs' Merkle root) or --fingerprint-root; both must agree when both are given. */
async function resolveFingerprintRoot(root: string, pairsFile: string): Promise<string> {
  if (pairsFile === "") return root;
  const fromPairs = fingerprintRootOf((await readPairsFile(pairsFile)).pairs);
  if (root !== "" && root.toLowerCase() !== fromPairs) {
    throw new UserError(`--fingerprint-root ${root} is not the root of the pairs in ${pairsFile} (${fromPairs}).`, "Give one of the two options.", { family: "usage" });
  }
  return fromPairs;
}

/** The text summary of a model registration. */
export function modelRegistrationText(r: RegisteredModel, network: string, chainId: bigint, local: boolean, inProcess: boolean): string[] {
  const headline =
    r.status === "existing"
      ? `model #${r.tokenId} (same weights, same registrant) is already registered on ${network} (chain ${chainId}): nothing was uploaded or sent`
      : r.status === "resumed"
        ? `model #${r.tokenId} registered on ${network} (chain ${chainId}), resuming an interrupted run (steps run now: ${r.stepsRun.join(", ") || "none"})`
        : `model #${r.tokenId} registered on ${network} (chain ${chainId})`;
  return [
    headline,
    `token id    ${r.tokenId}`,
    `weightsHash ${r.weightsHash}`,
    `relation    ${r.relation}${r.parentIds.length === 0 ? "" : ` of ${r.parentIds.map((p) => `#${p}`).join(", ")}`}`,
    `datasets    ${r.datasetIds.length === 0 ? "none" : r.datasetIds.map((d) => `#${d}`).join(", ")}`,
    ...(r.trainingLogHead === undefined ? [] : [`log head    ${r.trainingLogHead}`]),
    ...(r.weightsManifestCid === undefined ? [] : [`statement   ${r.weightsManifestCid} (model_signing v1.0)`]),
    ...(r.weightsCid === undefined ? [] : [`weights     ${r.weightsCid}`]),
    ...(r.trainingLogCid === undefined ? [] : [`log         ${r.trainingLogCid}`]),
    ...(r.metadataCid === undefined ? [] : [`metadata    ${r.metadataCid}`]),
    `token URI   ${r.tokenURI}`,
    `registrant  ${r.registrant}`,
    ...(r.txHash === undefined ? [] : [`transaction ${r.txHash}`]),
    ...linkLines(r.links, local),
    `journal     ${shownPath(r.journalFile)}`,
    ...inProcessNote(inProcess),
  ];
}

function ignoreList(args: ModelRegisterArguments): string[] {
  return (args.ignore ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
}

/** `model register --hf`: a Hugging Face model with its card, configs, lineage and datasets. */
async function registerHf(args: ModelRegisterArguments, hre: HardhatRuntimeEnvironment): Promise<RegisteredHfModel> {
  if (args.weights !== "") throw new DatatraceError("--weights and --hf exclude each other: --hf hashes the model folder (or reads the Hub's listing) itself.", { family: "usage" });
  const datasetIds = parseTokenIdList(args.datasets, "datasets");
  const evaluationDatasetIds = parseTokenIdList(args.evaluationDatasets ?? "", "evaluation datasets");
  if (args.parents !== "") throw new DatatraceError("--parents is not used with --hf: parents come from the card's base_model (registered tokens are found by repo id).", { family: "usage" });
  const workspace = workspaceAt(args.dir);
  const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
  const hub = await openHub(hre, reporter);
  const store = await openPublishingStore(hre, args, workspace);
  const { client, inProcess } = await connectRegistry(hre, { write: true });
  const content = openContentSource(workspace, args.gateway ?? "", reporter);
  const result = await registerHfModel(
    { client, store, workspace, reporter, content, hub },
    {
      source: args.hf!,
      registerParents: args.registerParents === true,
      ...(args.repoId === undefined || args.repoId === "" ? {} : { repoId: args.repoId }),
      datasetIds,
      evaluationDatasetIds,
      ...(args.relation === "" ? {} : { relation: args.relation }),
      ...(args.name === "" ? {} : { name: args.name }),
      ...(args.description === "" ? {} : { description: args.description }),
      uploadWeights: args.uploadWeights,
      ignore: ignoreList(args),
    },
  );
  if (args.json) {
    printJson({ network: client.networkName, chainId: client.chainId, ...result.registered, huggingFace: result.facts, source: result.source, digestSources: result.provenance, parentsRegistered: result.parentsRegistered.map((p) => ({ repoId: p.facts.repoId, tokenId: p.registered.tokenId })), unlinkedDatasets: result.unlinkedDatasets });
  } else {
    const lines = modelRegistrationText(result.registered, client.networkName, client.chainId, client.local, inProcess);
    const hf = result.facts;
    lines.splice(1, 0, `hugging face ${hf.repoId ?? "(no repo id)"}${hf.revision === null ? "" : `@${hf.revision}`} · ${hf.architecture ?? "?"} · ${hf.relation} (${hf.relationSource})${hf.baseModels.length === 0 ? "" : ` of ${hf.baseModels.join(", ")}`}`);
    if (result.provenance !== undefined) {
      const listed = result.provenance.filter((p) => p.source === "hub-listing");
      lines.push(`digests     ${listed.length} from the Hub's LFS listing (${listed.map((p) => p.name).join(", ") || "none"}), ${result.provenance.length - listed.length} hashed here`);
    }
    for (const p of result.parentsRegistered) lines.push(`parent      ${p.facts.repoId} registered first as model #${p.registered.tokenId}`);
    if (result.unlinkedDatasets.length > 0) lines.push(`not linked  ${result.unlinkedDatasets.join(", ")} (no dataset token names them)`);
    console.log(lines.join("\n"));
  }
  return result;
}
