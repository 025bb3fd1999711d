/**
 * The publishing store of a registration task (`--storage local|lighthouse`)
 * and the content source of reading tasks (local store, then `--gateway`
 * URLs). The Lighthouse API key is resolved only for `--storage
 * lighthouse`, and checked before any work starts.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError } from "../../src/errors/index.js";
import { LIGHTHOUSE_KEY_HELP, LighthouseStore, LocalStore } from "../../src/storage/index.js";
import { ContentSource, DEFAULT_GATEWAYS, type PublishingStore, type Reporter, type Workspace } from "../../src/workflow/index.js";
import { applyLighthouseUrl, resolveGateways, resolveLighthouseApiKey } from "../storage/task-helpers.js";
import { isKeyMissingFromDevKeystore } from "./task-errors.js";

/** Storage options shared by the register tasks. */
export interface StorageArguments {
  readonly storage: string;
  readonly lighthouseUrl: string;
  readonly timeout: number;
}

/** Opens the store registrations publish to. */
export async function openPublishingStore(hre: HardhatRuntimeEnvironment, args: StorageArguments, workspace: Workspace): Promise<PublishingStore> {
  const local = new LocalStore({ dir: workspace.blocksDir });
  if (args.storage === "local") return local;
  if (args.storage !== "lighthouse") {
    throw new UserError(`--storage ${args.storage} is not a storage backend.`, "Use --storage local (the default) or --storage lighthouse.", { family: "usage" });
  }
  applyLighthouseUrl(args.lighthouseUrl);
  let apiKey: string | undefined;
  try {
    apiKey = await resolveLighthouseApiKey(hre);
  } catch (error) {
    // Under `hardhat test` the keystore plugin throws HHE50002 for a key missing from the development keystore.
    if (!isKeyMissingFromDevKeystore(error)) throw error;
  }
  if (apiKey === undefined) {
    throw new UserError("--storage lighthouse needs a Lighthouse API key, and LIGHTHOUSE_API_KEY is not set.", LIGHTHOUSE_KEY_HELP, { family: "config" });
  }
  return new LighthouseStore({ apiKey, localStore: local, timeoutMs: args.timeout * 1000 });
}

/**
 * The content source of a reading task: the workspace's local store, then
 * the gateways given (`none` for local only; empty: $DATATRACE_GATEWAYS if
 * set, else `fallback`, the default list of a local `ipfs serve` and public gateways).
 */
export function openContentSource(workspace: Workspace, gateway: string, reporter: Reporter, timeoutSeconds = 30, fallback: readonly string[] = DEFAULT_GATEWAYS): ContentSource {
  const gateways = resolveGateways(gateway, fallback);
  return new ContentSource({ local: new LocalStore({ dir: workspace.blocksDir }), gateways, timeoutMs: timeoutSeconds * 1000, onWarning: (m) => reporter.warn(m) });
}

/** The content source of a listing task (show, list): local only unless `--gateway` or $DATATRACE_GATEWAYS names gateways. */
export function openMetadataContent(workspace: Workspace, gateway: string, reporter: Reporter): ContentSource {
  return openContentSource(workspace, gateway, reporter, 30, []);
}

/** A local-only content source (metadata names in listings: no network round trips). */
export function openLocalContent(workspace: Workspace): ContentSource {
  return new ContentSource({ local: new LocalStore({ dir: workspace.blocksDir }) });
}
