/** Action of `npx hardhat dataset register <source…|manifestDir>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { formatCount } from "../../src/cli/index.js";
import { parseTokenId } from "../../src/chain/index.js";
import { parseByteSize } from "../../src/engine/index.js";
import { SOURCE_KIND_OPTIONS, type SourceKindOption, splitPatternList } from "../../src/sources/index.js";
import { registerDataset, type RegisterDatasetInput, type RegisteredDataset, workspaceAt } from "../../src/workflow/index.js";
import type { DatasetSourceOptions } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { inProcessNote, linkLines, printJson } from "../shared/output.js";
import { openPublishingStore } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";
import { shownPath } from "./report.js";
import { DatatraceError } from "../../src/errors/index.js";

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
  followSymlinks?: boolean;
  header?: boolean;
  noHeader?: boolean;
  memoryBudget?: string;
  column: string;
  groupByKey: boolean;
  hashMetadata: boolean;
  threads: number;
  dir: string;
  json: boolean;
  quiet: boolean;
}


/** Registers the dataset and prints token id, root, CIDs, transaction and links. */
export default async function datasetRegister(args: DatasetRegisterArguments, hre: HardhatRuntimeEnvironment): Promise<RegisteredDataset> {
  try {
    if (!(SOURCE_KIND_OPTIONS as readonly string[]).includes(args.kind)) throw new DatatraceError(`--kind ${args.kind} is not one of ${SOURCE_KIND_OPTIONS.join(", ")}.`, { family: "usage" });
    if (args.threads < 0) throw new DatatraceError(`--threads ${args.threads}: pass 0 (one per CPU) or a positive number.`, { family: "usage" });
    if (args.header === true && args.noHeader === true) throw new DatatraceError("--header and --no-header contradict each other: pass at most one.", { family: "usage" });
    const memoryBudget = args.memoryBudget === undefined || args.memoryBudget === "" ? undefined : parseByteSize(args.memoryBudget);
    const previousVersion = args.previous === "" ? 0n : parseTokenId(args.previous, "previous version token id");
    const workspace = workspaceAt(args.dir);
    const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
    const store = await openPublishingStore(hre, args, workspace);
    const { client, inProcess } = await connectRegistry(hre, { write: true });
    const sourceOptions: DatasetSourceOptions = {
      kind: args.kind as SourceKindOption,
      include: splitPatternList(args.include),
      exclude: splitPatternList(args.exclude),
      includeHidden: args.hidden,
      followSymlinks: args.followSymlinks === true,
      header: args.header === true ? true : args.noHeader === true ? false : undefined,
      column: args.column === "" ? undefined : args.column,
      groupByKey: args.groupByKey,
      hashMetadata: args.hashMetadata,
      memoryBudget,
    };
    const input: RegisterDatasetInput = {
      sources: args.sources,
      sourceOptions, // a DatasetSourceOptions: the source options of `dataset hash`, memory budget included
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
    const result = await registerDataset(deps, input);
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...result });
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
    ...(r.otherRegistrations.length === 0
      ? []
      : [`also        registered by other accounts as ${r.otherRegistrations.map((id) => `#${id}`).join(", ")} (registrations are per account)`]),
    ...(r.ignoredMetadata ?? []).map(
      (f) => `not applied ${f.field} ${f.given} (the token's metadata ${f.registered === undefined ? "could not be read from the local store" : `has ${f.registered}`})`,
    ),
    ...linkLines(r.links, local),
    `stored in   ${r.backend}; manifest directory ${shownPath(r.manifestDir)}`,
    `journal     ${shownPath(r.journalFile)}`,
    ...inProcessNote(inProcess),
  ];
}
