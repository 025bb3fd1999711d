/**
 * `npx hardhat model …`: register models (weights hash, metadata, lineage
 * links), show them, print their lineage, and trace samples through it.
 * Actions load lazily from their own files.
 */
import { emptyTask, task } from "hardhat/config";
import type { TaskDefinition } from "hardhat/types/tasks";

import { addSampleProofOptions } from "../shared/sample-proof-task.js";
import { addStorageOptions } from "../shared/storage-options.js";

const modelNamespace = emptyTask("model", "Register models with their training data and lineage; show, trace and draw them").build();

const registerTask = addStorageOptions(
  task(["model", "register"], "Hash a model's weights, store its metadata, and mint its ModelNFT linked to its datasets and parents")
    .addOption({ name: "weights", description: "Weights file or directory (required); each file's SHA-256 goes into the weights manifest", defaultValue: "" })
    .addOption({ name: "datasets", description: "Comma-separated DatasetNFT ids the model was trained on, e.g. 1,2", defaultValue: "" })
    .addOption({ name: "evaluationDatasets", description: "Comma-separated DatasetNFT ids of held-out data the model was evaluated on, NOT trained on (metadata only)", defaultValue: "" })
    .addOption({ name: "parents", description: "Comma-separated ModelNFT ids the model derives from", defaultValue: "" })
    .addOption({ name: "relation", description: "base, finetune, adapter, quantized or merge (default: base without parents, merge with several)", defaultValue: "" })
    .addOption({ name: "hyperparameters", description: "JSON file of hyperparameters", defaultValue: "" })
    .addOption({ name: "metrics", description: "JSON file of numeric evaluation metrics", defaultValue: "" })
    .addOption({ name: "param", description: "Hyperparameters as comma-separated key=value pairs (JSON values), e.g. alpha=1,minCount=3", defaultValue: "" })
    .addOption({ name: "metric", description: "Metrics as comma-separated key=value pairs, e.g. accuracy=0.97,f1=0.95", defaultValue: "" })
    .addOption({ name: "trainingLog", description: "JSON Lines training log; its final head is committed on chain", defaultValue: "" })
    .addOption({ name: "fingerprintRoot", description: "Merkle root (0x + 64 hex) of the model's fingerprint set", defaultValue: "" })
    .addFlag({ name: "uploadWeights", description: "Also store the weights themselves (default: only their manifest)" })
    .addOption({ name: "name", description: "Model name (required)", defaultValue: "" })
    .addOption({ name: "description", description: "Model description", defaultValue: "" })
    .addOption({ name: "license", description: "SPDX license identifier of the model", defaultValue: "" })
    .addOption({ name: "creator", description: "Who made the model", defaultValue: "" })
    .addOption({ name: "modelVersion", description: "Model version (default 1.0.0)", defaultValue: "" })
    .addOption({ name: "framework", description: "Framework / format, e.g. pytorch-2.4 or datatrace-naive-bayes/1", defaultValue: "" })
)
  .addOption({ name: "dir", description: "Datatrace directory: block store <dir>/blocks, journal <dir>/journal", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the result as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./register.js"))
  .build();

const showTask = task(["model", "show"], "Show a registered model: commitments, relation, datasets, parents, metrics, links")
  .addPositionalArgument({ name: "tokenId", description: "ModelNFT token id" })
  .addOption({ name: "gateway", description: "Comma-separated IPFS gateways to fetch the metadata from (default: $DATATRACE_GATEWAYS if set, else the local store only)", defaultValue: "" })
  .addOption({ name: "dir", description: "Datatrace directory (its block store is read for the metadata)", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the model as JSON on stdout" })
  .setAction(() => import("./show.js"))
  .build();

const lineageTask = task(["model", "lineage"], "Print a model's ancestors and descendants, and derivative counts of its base models")
  .addPositionalArgument({ name: "tokenId", description: "ModelNFT token id" })
  .addOption({ name: "format", description: "tree (terminal), json, dot (Graphviz) or mermaid", defaultValue: "tree" })
  .addOption({ name: "dir", description: "Datatrace directory (its block store is read for model names)", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the lineage as JSON on stdout (same as --format json)" })
  .setAction(() => import("./lineage.js"))
  .build();

const traceTask = addSampleProofOptions(
  task(["model", "trace"], "Was a sample in the training data of a model or any ancestor? Proofs checked locally and on chain (exit 0 yes, 3 proven no, 2 verification error)").addPositionalArgument({ name: "tokenId", description: "ModelNFT token id" }),
  "Print the trace as JSON on stdout",
)
  .setAction(() => import("./trace.js"))
  .build();

/** The `model` namespace and its tasks. */
export const modelTasks: TaskDefinition[] = [modelNamespace, registerTask, showTask, lineageTask, traceTask];
