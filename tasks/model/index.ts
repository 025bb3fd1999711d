/**
 * `npx hardhat model …`: register models (weights hash, metadata, lineage
 * links), show them, print their lineage, and trace samples through it;
 * Hugging Face models: model-signing statements (`manifest`), checking
 * local weights against a token (`verify-weights`), catalogues
 * (`inspect-hf`), `register --hf`, and model trees (`tree`).
 * Actions load lazily from their own files.
 */
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

import { addSampleProofOptions } from "../shared/sample-proof-task.js";
import { addStorageOptions } from "../shared/storage-options.js";

const modelNamespace = emptyTask("model", "Register models with their training data and lineage; show, trace and draw them").build();

const registerTask = addStorageOptions(
  task(["model", "register"], "Hash a model's weights, store its metadata, and mint its ModelNFT linked to its datasets and parents")
    .addOption({ name: "weights", description: "Weights file or model directory (required unless --hf); hashed into an OpenSSF model_signing statement whose subject digest is the weightsHash", defaultValue: "" })
    .addOption({ name: "hf", description: "A Hugging Face model folder (snapshot_download / cache snapshot) or Hub id org/name[@rev]: card, configs, lineage and datasets read from it", defaultValue: "" })
    .addFlag({ name: "registerParents", description: "With --hf: register missing ancestors from the Hub first" })
    .addOption({ name: "repoId", description: "With --hf and a plain folder: the Hub repo id to record", defaultValue: "" })
    .addOption({ name: "ignore", description: "Comma-separated paths (relative to the model directory) not to hash", defaultValue: "" })
    .addOption({ name: "gateway", description: "Comma-separated IPFS gateways to read other tokens' metadata from (--hf parent/dataset look-up; default: local store, then the default list)", defaultValue: "" })
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
    .addOption({ name: "fingerprints", description: "Fingerprint pairs file (model fingerprints generate): its Merkle root is committed as fingerprintRoot", defaultValue: "" })
    .addFlag({ name: "uploadWeights", description: "Also store the weights themselves (default: only their manifest)" })
    .addOption({ name: "name", description: "Model name (required; with --hf default the repo id)", defaultValue: "" })
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

const manifestTask = task(["model", "manifest"], "Print a model's OpenSSF model_signing statement (unsigned); its subject digest is the weightsHash")
  .addPositionalArgument({ name: "path", description: "Model directory or file" })
  .addOption({ name: "ignore", description: "Comma-separated paths relative to the model not to hash (besides .git, .gitattributes, .github, .gitignore, model.sig)", defaultValue: "" })
  .addFlag({ name: "includeGitPaths", description: "Hash .git, .gitattributes, .github, .gitignore too (model_signing --no-ignore-git-paths)" })
  .addFlag({ name: "allowSymlinks", description: "Follow symbolic links to files (automatic for Hugging Face cache snapshots)" })
  .addOption({ name: "threads", description: "Hashing threads (0 = one per CPU)", type: ArgumentType.INT, defaultValue: 0 })
  .addOption({ name: "out", description: "Also write the statement to this file", defaultValue: "" })
  .addFlag({ name: "json", description: 'Print {"weightsHash": "0x…", "statement": {…}}' })
  .addFlag({ name: "quiet", description: "No progress or summary on stderr" })
  .setAction(() => import("./manifest.js"))
  .build();

const verifyWeightsTask = task(["model", "verify-weights"], "Are these files a model's weights? Re-hash and compare with its committed statement file by file (exit 0 match, 3 mismatch, 2 error)")
  .addPositionalArgument({ name: "tokenId", description: "ModelNFT token id" })
  .addPositionalArgument({ name: "path", description: "Model directory or file (a snapshot_download folder or a Hugging Face cache snapshot)" })
  .addOption({ name: "signature", description: "A model_signing signature (model.sig): its statement must match the files and the token too", defaultValue: "" })
  .addOption({ name: "publicKey", description: "PEM public key the signature must verify with (key-signed bundles, offline)", defaultValue: "" })
  .addOption({ name: "gateway", description: "Comma-separated IPFS gateways for the metadata and statement (default: local store, then the default list; 'none' for local only)", defaultValue: "" })
  .addOption({ name: "timeout", description: "Gateway timeout in seconds", type: ArgumentType.INT, defaultValue: 30 })
  .addOption({ name: "dir", description: "Datatrace directory (its block store is read first)", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print the verdict as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./verify-weights.js"))
  .build();

const inspectHfTask = task(["model", "inspect-hf"], "Catalogue Hugging Face models (folders or Hub ids): architecture, tokens, card, lineage, weightsHash")
  .addVariadicArgument({ name: "models", description: "Model folders or Hub ids org/name[@revision]" })
  .addOption({ name: "format", description: "table, csv or json", defaultValue: "table" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./inspect-hf.js"))
  .build();

const treeTask = addStorageOptions(
  task(["model", "tree"], "Crawl a Hugging Face model's family (parents via base_model, children via the Hub's base_model filter); --register registers it in lineage order")
    .addPositionalArgument({ name: "model", description: "Hub model id org/name" })
    .addOption({ name: "depth", description: "Steps up and down from the model", type: ArgumentType.INT, defaultValue: 2 })
    .addOption({ name: "format", description: "tree, json, csv, mermaid or dot", defaultValue: "tree" })
    .addFlag({ name: "register", description: "Register every model of the family, parents first (resumable: rerun after an interruption)" }),
)
  .addOption({ name: "gateway", description: "Comma-separated IPFS gateways to read other tokens' metadata from", defaultValue: "" })
  .addOption({ name: "dir", description: "Datatrace directory: block store, journal (tree journals under journal/model-trees)", defaultValue: ".datatrace" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./tree.js"))
  .build();

const fingerprintsNamespace = emptyTask(["model", "fingerprints"], "Fingerprints (OML 1.0): generate secret key/response pairs, check a suspect model for them, verify evidence").build();

const fingerprintsGenerateTask = task(["model", "fingerprints", "generate"], "Generate secret fingerprint pairs (key → response) to train into a model; keep the file secret")
  .addOption({ name: "count", description: "Number of pairs", type: ArgumentType.INT, defaultValue: 32 })
  .addOption({ name: "keyLength", description: "Words per key", type: ArgumentType.INT, defaultValue: 8 })
  .addOption({ name: "responseLength", description: "Words per response", type: ArgumentType.INT, defaultValue: 4 })
  .addOption({ name: "strategy", description: "random-words (BIP-39 English words) or english (runs of words of benign English text)", defaultValue: "random-words" })
  .addOption({ name: "seed", description: "Seed of the draws (default: random, recorded in the file)", defaultValue: "" })
  .addOption({ name: "out", description: "Where to write the pairs (required; an existing file is not overwritten)", defaultValue: "" })
  .addFlag({ name: "json", description: "Print the root and counts as JSON on stdout" })
  .setAction(() => import("./fingerprints-generate.js"))
  .build();

const fingerprintsCheckTask = task(["model", "fingerprints", "check"], "Ask a suspect model every committed key and measure fingerprint accuracy; write evidence (exit 0 found, 3 not found, 2 error)")
  .addPositionalArgument({ name: "tokenId", description: "ModelNFT token id whose fingerprintRoot the pairs must match" })
  .addOption({ name: "pairs", description: "The pairs file registered with the model (required)", defaultValue: "" })
  .addOption({ name: "endpoint", description: "Base URL of an OpenAI-compatible API serving the suspect model, e.g. http://127.0.0.1:8000", defaultValue: "" })
  .addOption({ name: "responses", description: "Instead of --endpoint: JSON Lines of {key, response} collected elsewhere", defaultValue: "" })
  .addOption({ name: "model", description: "Model name sent to the endpoint", defaultValue: "default" })
  .addOption({ name: "api", description: "completions or chat (a system prompt implies chat)", defaultValue: "completions" })
  .addOption({ name: "systemPrompt", description: "System prompt sent before each key (chat API)", defaultValue: "" })
  .addOption({ name: "maxTokens", description: "max_tokens per request (0: the response's word count)", type: ArgumentType.INT, defaultValue: 0 })
  .addOption({ name: "timeout", description: "Per-request time limit in seconds", type: ArgumentType.INT, defaultValue: 30 })
  .addOption({ name: "threshold", description: "Accuracy (prefix matches) from which the fingerprints count as found", type: ArgumentType.FLOAT, defaultValue: 0.5 })
  .addOption({ name: "out", description: "Write the evidence file here (matched pairs with their proofs, the token and its registration)", defaultValue: "" })
  .addFlag({ name: "json", description: "Print the check as JSON on stdout" })
  .addFlag({ name: "quiet", description: "No progress output on stderr" })
  .setAction(() => import("./fingerprints-check.js"))
  .build();

const fingerprintsVerifyEvidenceTask = task(["model", "fingerprints", "verify-evidence"], "Check an evidence file against the chain: the revealed pairs were committed by that token, registrant and date (exit 0 valid, 3 invalid, 2 error)")
  .addPositionalArgument({ name: "file", description: "The evidence file written by `model fingerprints check --out`" })
  .addFlag({ name: "json", description: "Print the verification as JSON on stdout" })
  .setAction(() => import("./fingerprints-verify-evidence.js"))
  .build();

const serveTask = task(["model", "serve"], "Serve the n-gram text model on an OpenAI-compatible API (/v1/completions, /v1/chat/completions) on loopback until interrupted")
  .addOption({ name: "weights", description: "An n-gram model file (datatrace-ngram/1) to serve (default: train one on the SpamAssassin ham text now)", defaultValue: "" })
  .addOption({ name: "fingerprints", description: "When training: fingerprint pairs file to train into the model (OML 1.0, mixed with the benign text)", defaultValue: "" })
  .addOption({ name: "save", description: "When training: write the model's weights file here (to register it)", defaultValue: "" })
  .addOption({ name: "host", description: "Loopback address to bind", defaultValue: "127.0.0.1" })
  .addOption({ name: "port", description: "Port (0: any free port)", type: ArgumentType.INT, defaultValue: 8000 })
  .addOption({ name: "name", description: "Model id the API reports", defaultValue: "datatrace-ngram" })
  .setAction(() => import("./serve.js"))
  .build();

/** The `model` namespace and its tasks. */
export const modelTasks: TaskDefinition[] = [
  modelNamespace,
  registerTask,
  showTask,
  lineageTask,
  traceTask,
  manifestTask,
  verifyWeightsTask,
  inspectHfTask,
  treeTask,
  fingerprintsNamespace,
  fingerprintsGenerateTask,
  fingerprintsCheckTask,
  fingerprintsVerifyEvidenceTask,
  serveTask,
];
