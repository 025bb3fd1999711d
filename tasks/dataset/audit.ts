/**
 * Action of `npx hardhat dataset audit <tokenId>` (declared in ./index.ts):
 * downloads the dataset's whole manifest through the gateways (every block
 * verified against its CID) and checks it against the on-chain commitment
 * (src/workflow/audit-dataset.ts). Exit status: 0 clean, 3 inconsistent or
 * unavailable, 2 an error before the audit could run (bad token id, no chain).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseTokenId, readDataset } from "../../src/chain/index.js";
import { formatBytes, formatCount } from "../../src/cli/index.js";
import { auditDataset, type AuditReport, DEFAULT_GATEWAYS, gatewayManifestFiles, workspaceAt } from "../../src/workflow/index.js";
import { gatewayList } from "../storage/task-helpers.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { printJson } from "../shared/output.js";
import { VERIFY_EXIT } from "../shared/sample-proof-task.js";
import { openContentSource } from "../shared/stores.js";
import { errorText } from "../shared/task-errors.js";

/** Arguments of `dataset audit`, as parsed by Hardhat. */
export interface DatasetAuditArguments {
  tokenId: string;
  gateway: string;
  local: boolean;
  timeout: number;
  dir: string;
  json: boolean;
  quiet: boolean;
}

/** The exit status of an audit outcome. */
export function auditExitCode(report: AuditReport): number {
  return report.outcome === "clean" ? VERIFY_EXIT.allMembers : VERIFY_EXIT.someNotMember;
}

/** Audits the manifest and prints the findings. */
export default async function datasetAudit(args: DatasetAuditArguments, hre: HardhatRuntimeEnvironment): Promise<{ exitCode: number; report?: AuditReport }> {
  const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
  try {
    const tokenId = parseTokenId(args.tokenId, "dataset token id");
    const { client } = await connectRegistry(hre);
    const dataset = await readDataset(client, tokenId);
    const gateways = args.gateway.trim() === "" ? DEFAULT_GATEWAYS : gatewayList(args.gateway);
    const read = args.local
      ? openContentSource(workspaceAt(args.dir), args.gateway, reporter, args.timeout).manifestFiles(dataset.manifestCid)
      : gatewayManifestFiles(dataset.manifestCid, { gateways, timeoutMs: args.timeout * 1000, onWarning: (m) => reporter.warn(m) });
    reporter.step(`auditing manifest ${dataset.manifestCid} of dataset #${tokenId} (${args.local ? "local store, then gateways" : `gateways ${gateways.join(", ")}`})`);
    let last = 0;
    const report = await auditDataset(dataset, read, {
      onShard: (done, total) => {
        if (done === total || performance.now() - last > 1000) {
          last = performance.now();
          reporter.note(`${formatCount(done)} of ${formatCount(total)} shards checked`);
        }
      },
    });
    const exitCode = auditExitCode(report);
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, ...report, exitCode });
    else console.log(auditText(report).join("\n"));
    process.exitCode = exitCode;
    return { exitCode, report };
  } catch (error) {
    console.error(errorText(error));
    process.exitCode = VERIFY_EXIT.error;
    return { exitCode: VERIFY_EXIT.error };
  }
}

/** Human-readable audit: what was checked, then one line per finding. */
export function auditText(r: AuditReport): string[] {
  const lines = [
    `dataset #${r.datasetId}: root ${r.root}, ${formatCount(r.leafCount)} distinct samples, manifest ${r.manifestCid}`,
    `checked     header.json, index.bin and ${formatCount(r.shardsChecked)} of ${formatCount(r.shardCount)} shards (${formatBytes(r.bytesFetched)} fetched)`,
  ];
  for (const f of r.findings) lines.push(`${f.kind.toUpperCase().padEnd(11)} ${f.where}: ${f.detail}`);
  lines.push(
    r.outcome === "clean"
      ? "result      CLEAN: the whole manifest is available and gives the committed root and count"
      : `result      INCONSISTENT: ${r.findings.length} finding${r.findings.length === 1 ? "" : "s"} (exit status 3)`,
  );
  return lines;
}
