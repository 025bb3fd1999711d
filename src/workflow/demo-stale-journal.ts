/**
 * Journal hygiene for the demo: registration journal entries left over from
 * an earlier chain that had the same chain id and registry addresses (an
 * in-process network, a restarted node) would make the demo resume
 * registrations that no longer exist.
 */
import { rm } from "node:fs/promises";

import type { RegistryClient } from "../chain/index.js";
import { RegistrationJournal } from "../registry/index.js";
import type { Workspace } from "./workspace.js";

/**
 * On a chain with no registration yet, journal entries for its registries
 * are left over from an earlier chain with the same id and addresses (an
 * in-process network, a restarted node): they are removed.
 */
export async function pruneStaleJournal(client: RegistryClient, workspace: Workspace): Promise<number> {
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
