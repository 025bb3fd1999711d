/**
 * The Hugging Face Hub client of the `model` tasks: endpoint from
 * `HF_ENDPOINT` (huggingface_hub's variable; default https://huggingface.co),
 * token from the `HF_TOKEN` configuration variable, resolved as Hardhat
 * resolves `configVariable("HF_TOKEN")` (environment first, then the
 * keystores) and only when the Hub is used. Created once per task run.
 */
import { configVariable } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { HUB_TOKEN_VARIABLE, HubClient } from "../../src/models/index.js";
import type { Reporter } from "../../src/workflow/index.js";
import { DatatraceError } from "../../src/errors/index.js";
import { isKeyMissingFromDevKeystore } from "./task-errors.js";

/** Signals, inside the keystore chain, that HF_TOKEN is set nowhere (caught below, never shown). */
class NotSet extends DatatraceError {
  constructor() {
    super("HF_TOKEN is not set", { family: "config" });
  }
}

/** The value of configuration variable `name`, or undefined when it is set nowhere. */
export async function resolveConfigVariable(hre: HardhatRuntimeEnvironment, name: string): Promise<string | undefined> {
  const fromEnv = process.env[name];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return fromEnv.trim();
  try {
    const value = await hre.hooks.runHandlerChain("configurationVariables", "fetchValue", [configVariable(name)], async (_context, variable) => {
      const v = process.env[variable.name];
      if (v === undefined) throw new NotSet();
      return v;
    });
    return value.trim() === "" ? undefined : value.trim();
  } catch (error) {
    if (error instanceof NotSet || isKeyMissingFromDevKeystore(error)) return undefined;
    throw error;
  }
}

/** A lazy Hub client factory: the token is resolved before the first use (call `prepare` first). */
export async function openHub(hre: HardhatRuntimeEnvironment, reporter: Reporter): Promise<() => HubClient> {
  const token = await resolveConfigVariable(hre, HUB_TOKEN_VARIABLE);
  let client: HubClient | undefined;
  return () => (client ??= new HubClient({ token, onRetry: (m) => reporter.warn(m) }));
}
