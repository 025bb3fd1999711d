/** Action of `npx hardhat dataset register <source…|manifestDir>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { formatCount } from "../../src/cli/progress.js";
import { parseTokenId } from "../../src/chain/dataset-records.js";
import { splitPatternList } from "../../src/sources/glob-filter.js";
import { SOURCE_KIND_OPTIONS, type SourceKindOption } from "../../src/sources/open-sources.js";
import { EXIT_CODES, UserError } from "../../src/cli/errors.js";
import { formatChainTime } from "../../src/chain/describe-error.js";
import { registerDataset, type RegisteredDataset, type RegisterDatasetInput } from "../../src/workflow/register-dataset.js";
import { formatDuration, registerDatasetCommitReveal, type CommittedDataset } from "../../src/workflow/register-dataset-commit-reveal.js";
import { workspaceAt } from "../../src/workflow/workspace.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { inProcessNote, linkLines, printJson } from "../shared/output.js";
import { openPublishingStore } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";
import { shownPath } from "./report.js";

/** Arguments of `dataset register`, as parsed by Hardhat. */
export interface DatasetRegisterArguments {
  sources: string[];
  name: string;
  description: string;
  license: string;
  creator: string;
  url: string;
  datasetVersion: string;
  date: string;
  previous: string;
  creatorType: string;
  publisher: string;
  publisherType: string;
  keywords: string;
  citeAs: string;
  externalUrl: string;
  storage: string;
  lighthouseUrl: string;
  timeout: number;
  private: boolean;
  kind: string;
  include: string;
  exclude: string;
  hidden: boolean;
  column: string;
  groupByKey: boolean;
  hashMetadata: boolean;
  threads: number;
  dir: string;
  commit: boolean;
  wait: boolean;
  recommit: boolean;
  json: boolean;
  quiet: boolean;
}


/**
 * Registers the dataset and prints token id, root, CIDs, transaction and
 * links; with --commit, the first run prints the commitment and its reveal
 * window instead.
 */
export default async function datasetRegister(args: DatasetRegisterArguments, hre: HardhatRuntimeEnvironment): Promise<RegisteredDataset | CommittedDataset> {
  try {
    if ((args.wait || args.recommit) && !args.commit) {
      throw new UserError(`--${args.wait ? "wait" : "recommit"} only applies to commit-reveal registration.`, "Add --commit (see `npx hardhat dataset register --help`).", { exitCode: EXIT_CODES.usage });
    }
    if (!(SOURCE_KIND_OPTIONS as readonly string[]).includes(args.kind)) throw new Error(`--kind ${args.kind} is not one of ${SOURCE_KIND_OPTIONS.join(", ")}.`);
    if (args.threads < 0) throw new Error(`--threads ${args.threads}: pass 0 (one per CPU) or a positive number.`);
    const previousVersion = args.previous === "" ? 0n : parseTokenId(args.previous, "previous version token id");
    const workspace = workspaceAt(args.dir);
    const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
    const store = await openPublishingStore(hre, args, workspace);
    const { client, inProcess } = await connectRegistry(hre, { write: true });
    const input: RegisterDatasetInput = {
      sources: args.sources,
      sourceOptions: {
        kind: args.kind as SourceKindOption,
        include: splitPatternList(args.include),
        exclude: splitPatternList(args.exclude),
        includeHidden: args.hidden,
        column: args.column === "" ? undefined : args.column,
        groupByKey: args.groupByKey,
        hashMetadata: args.hashMetadata,
      },
      private: args.private,
      threads: args.threads === 0 ? undefined : args.threads,
      previousVersion,
      metadata: {
        name: args.name,
        ...(args.description === "" ? {} : { description: args.description }),
        license: args.license,
        ...(args.creator === "" ? {} : { creator: { name: args.creator, type: args.creatorType as "Person" | "Organization" } }),
        ...(args.publisher === "" ? {} : { publisher: { name: args.publisher, type: args.publisherType as "Person" | "Organization" } }),
        ...(args.keywords === "" ? {} : { keywords: args.keywords.split(",").map((k) => k.trim()).filter((k) => k !== "") }),
        ...(args.citeAs === "" ? {} : { citeAs: args.citeAs }),
        ...(args.externalUrl === "" ? {} : { externalUrl: args.externalUrl }),
        ...(args.url === "" ? {} : { url: args.url }),
        ...(args.datasetVersion === "" ? {} : { version: args.datasetVersion }),
        ...(args.date === "" ? {} : { datePublished: args.date }),
      },
    };
    const deps = { client, store, workspace, reporter };
    const result = args.commit ? await registerDatasetCommitReveal(deps, input, { wait: args.wait, recommit: args.recommit }) : await registerDataset(deps, input);
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...result });
    else if (result.status === "committed") console.log(datasetCommitmentText(result, client.networkName, client.chainId, client.local).join("\n"));
    else console.log(datasetRegistrationText(result, client.networkName, client.chainId, client.local, inProcess).join("\n"));
    return result;
  } catch (error) {
    throw toTaskError(error);
  }
}

/** The text summary of a dataset registration. */
export function datasetRegistrationText(r: RegisteredDataset, network: string, chainId: bigint, local: boolean, inProcess: boolean): string[] {
  const headline =
    r.status === "existing"
      ? `dataset #${r.tokenId} is already registered on ${network} (chain ${chainId}): nothing was uploaded or sent`
      : r.status === "resumed"
        ? `dataset #${r.tokenId} registered on ${network} (chain ${chainId}), resuming an interrupted run (steps run now: ${r.stepsRun.join(", ") || "none"})`
        : `dataset #${r.tokenId} registered on ${network} (chain ${chainId})`;
  return [
    headline,
    `token id    ${r.tokenId}`,
    `root        ${r.root}`,
    `leaves      ${formatCount(r.leafCount)} distinct samples (${formatCount(r.sampleCount)} read, ${formatCount(r.duplicateCount)} duplicates)`,
    `manifest    ${r.manifestCid}`,
    ...(r.metadataCid === undefined ? [] : [`metadata    ${r.metadataCid}`]),
    `token URI   ${r.tokenURI}`,
    `registrant  ${r.registrant}`,
    ...(r.txHash === undefined ? [] : [`transaction ${r.txHash}`]),
    ...(r.commitment === undefined
      ? []
      : [`commitment  ${r.commitment.commitment} (commit-reveal${r.commitment.commitTxHash === undefined ? "" : `; commit transaction ${r.commitment.commitTxHash}`})`]),
    ...linkLines(r.links, local),
    `stored in   ${r.backend}; manifest directory ${shownPath(r.manifestDir)}`,
    `journal     ${shownPath(r.journalFile)}`,
    ...inProcessNote(inProcess),
  ];
}

/** The text summary of a commit-reveal registration's first run: the commitment and its reveal window. */
export function datasetCommitmentText(r: CommittedDataset, network: string, chainId: bigint, local: boolean): string[] {
  return [
    `commitment sent on ${network} (chain ${chainId}): dataset not registered yet, rerun the same command in the reveal window to mint`,
    `root        ${r.root}`,
    `leaves      ${formatCount(r.leafCount)} distinct samples (${formatCount(r.sampleCount)} read, ${formatCount(r.duplicateCount)} duplicates)`,
    `manifest    ${r.manifestCid}`,
    `token URI   ${r.tokenURI}`,
    `registrant  ${r.registrant} (reveal from this account)`,
    `commitment  ${r.commitment}`,
    `transaction ${r.commitTxHash} (commit)`,
    `committed   ${formatChainTime(r.committedAt)}`,
    `reveal from ${formatChainTime(r.revealFrom)} (in ${formatDuration(r.revealFrom - r.committedAt)})`,
    `reveal by   ${formatChainTime(r.revealUntil)}`,
    `next        rerun this command from ${formatChainTime(r.revealFrom)} (add --wait to sleep until then); plain register of this root is refused meanwhile`,
    ...linkLines(r.links, local),
    `stored in   ${r.backend}; manifest directory ${shownPath(r.manifestDir)}`,
    `journal     ${shownPath(r.journalFile)}`,
    `salt        kept in ${shownPath(r.commitFile)} (needed for the reveal)`,
  ];
}
