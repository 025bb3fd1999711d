/** Helpers shared by the storage and ipfs task actions: the Lighthouse key, gateway lists, warnings, errors. */
import { configVariable } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { type GatewayWarning, setLighthouseEndpoints } from "../../src/storage/index.js";
import { DatatraceError } from "../../src/errors/index.js";

/** Name of the configuration variable holding the Lighthouse API key. */
export const LIGHTHOUSE_API_KEY_VARIABLE = "LIGHTHOUSE_API_KEY";

/** Signals, inside the keystore chain, that LIGHTHOUSE_API_KEY is set nowhere (caught below, never shown). */
class KeyNotSet extends DatatraceError {
  constructor() {
    super("LIGHTHOUSE_API_KEY is not set", { family: "config" });
  }
}

/**
 * Resolves the Lighthouse API key the way Hardhat resolves
 * `configVariable("LIGHTHOUSE_API_KEY")`: the environment variable first,
 * then the keystore plugin (development keystore, then the keystore, which
 * may prompt for its password). Returns undefined when it is set nowhere;
 * the Lighthouse backend then explains how to set it.
 */
export async function resolveLighthouseApiKey(hre: HardhatRuntimeEnvironment): Promise<string | undefined> {
  const fromEnv = process.env[LIGHTHOUSE_API_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return fromEnv.trim();
  try {
    const value = await hre.hooks.runHandlerChain(
      "configurationVariables",
      "fetchValue",
      [configVariable(LIGHTHOUSE_API_KEY_VARIABLE)],
      async (_context, variable) => {
        const value = process.env[variable.name];
        if (value === undefined) throw new KeyNotSet();
        return value;
      },
    );
    return value.trim() === "" ? undefined : value.trim();
  } catch (error) {
    if (error instanceof KeyNotSet) return undefined;
    throw error;
  }
}

/** Applies `--lighthouse-url` (all SDK endpoints) when given. */
export function applyLighthouseUrl(url: string): void {
  if (url.trim() !== "") setLighthouseEndpoints({ node: url.trim(), api: url.trim(), gateway: url.trim() });
}

/** Environment variable holding the default gateway list (comma-separated URLs) of every task with `--gateway`. */
export const GATEWAYS_VARIABLE = "DATATRACE_GATEWAYS";

/**
 * The gateways a task uses: `--gateway` when given (`none`: no gateway),
 * else `$DATATRACE_GATEWAYS` when set (so a default can be set once), else
 * `fallback` (the task's own default).
 */
export function resolveGateways(option: string, fallback: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = option.trim() !== "" ? option : (env[GATEWAYS_VARIABLE] ?? "").trim();
  if (chosen.trim() === "none") return [];
  return chosen.trim() === "" ? [...fallback] : gatewayList(chosen);
}

/** Splits a comma-separated list of gateway URLs. */
export function gatewayList(text: string): string[] {
  return text
    .split(",")
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
}

/** Prints a gateway warning on stderr. */
export function printWarning(warning: GatewayWarning): void {
  console.error(`warning: ${warning.message}`);
}
