/**
 * Which network the page talks to, from the query string, so that every
 * URL can be shared: `?net=local|calibration|mainnet`, or
 * `?net=custom&rpc=<url>&datasets=<DatasetNFT>&models=<ModelNFT>` for any
 * other deployment; `&gateways=<url>,<url>` replaces the preset's gateway
 * list and `&own=0` stops the page from trying its own origin first. The
 * old verifier's links (`?rpc=&dataset=&token=`) still open, as a custom
 * network and the verify view of that token.
 */
import { NETWORK_DEFINITIONS, type NetworkDefinition, type PresetDeployments, type PresetId, type RegistryAddresses } from "./network-presets.js";

/** The network in use. */
export interface NetworkSettings {
  /** A preset id, or "custom". */
  readonly id: PresetId | "custom";
  readonly name: string;
  /** The chain id the preset expects (custom: unknown until asked). */
  readonly chainId: number | undefined;
  readonly rpcUrl: string;
  readonly addresses: { readonly datasetNFT: string; readonly modelNFT: string };
  /** Gateways after the own origin. */
  readonly gateways: readonly string[];
  /** Whether the gateway list came from the URL. */
  readonly gatewaysGiven: boolean;
  /** Try the page's own origin first. */
  readonly ownOrigin: boolean;
}

/** A preset as offered in the network menu. */
export interface PresetChoice extends NetworkDefinition {
  /** Its registries, when a deployment record was found at build time. */
  readonly addresses: RegistryAddresses | null;
  /** The deployment record read (for the page to say where addresses come from). */
  readonly record: string | null;
}

/** What the query string says. */
export interface ReadSettings {
  /** The network, or undefined when none is usable (then the network view asks). */
  readonly network: NetworkSettings | undefined;
  /** Why no network could be used. */
  readonly problem?: string;
  /** An old verifier link's token id: open the verify view of it. */
  readonly legacyToken?: string;
}

/** The presets with their build-time deployments. */
export function presetChoices(deployments: PresetDeployments): PresetChoice[] {
  return NETWORK_DEFINITIONS.map((d) => ({ ...d, addresses: deployments[d.id]?.addresses ?? null, record: deployments[d.id]?.record ?? null }));
}

/** Splits a list of gateway URLs (commas, spaces or new lines), dropping trailing slashes and repeats. */
export function parseGatewayList(text: string): string[] {
  const out: string[] = [];
  for (const item of text.split(/[\s,]+/)) {
    const url = item.trim().replace(/\/+$/, "");
    if (url !== "" && !out.includes(url)) out.push(url);
  }
  return out;
}

/** Reads the network from a query string such as `location.search`. */
export function readSettings(search: string, presets: readonly PresetChoice[]): ReadSettings {
  const query = new URLSearchParams(search);
  const given = (name: string): string | undefined => {
    const value = query.get(name)?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const gatewayText = given("gateways");
  const ownOrigin = given("own") !== "0";
  const legacy = given("net") === undefined && given("rpc") !== undefined;
  const net = given("net") ?? (legacy ? "custom" : presets.find((p) => p.addresses !== null)?.id);
  if (net === undefined) return { network: undefined, problem: "No registry deployment was found when this page was built: choose a network and give its addresses." };
  const withGateways = (gateways: readonly string[]): Pick<NetworkSettings, "gateways" | "gatewaysGiven" | "ownOrigin"> => ({
    gateways: gatewayText !== undefined ? parseGatewayList(gatewayText) : gateways,
    gatewaysGiven: gatewayText !== undefined,
    ownOrigin,
  });
  if (net === "custom") {
    const rpcUrl = given("rpc") ?? "http://127.0.0.1:8545";
    const datasetNFT = given("datasets") ?? given("dataset") ?? "";
    if (datasetNFT === "") return { network: undefined, problem: "The link names a custom network without a DatasetNFT address: give it below." };
    const local = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(rpcUrl);
    const network: NetworkSettings = {
      id: "custom",
      name: "Custom network",
      chainId: undefined,
      rpcUrl,
      addresses: { datasetNFT, modelNFT: given("models") ?? "" },
      ...withGateways(local ? ["http://127.0.0.1:5050"] : ["https://gateway.lighthouse.storage", "https://ipfs.io", "https://dweb.link"]),
    };
    const token = legacy ? given("token") : undefined;
    return token === undefined ? { network } : { network, legacyToken: token };
  }
  const preset = presets.find((p) => p.id === net);
  if (preset === undefined) return { network: undefined, problem: `Unknown network "${net}" in the link: choose one below.` };
  if (preset.addresses === null) {
    return { network: undefined, problem: `${preset.name} has no Datatrace deployment known to this build of the page: give the addresses of one below, or choose another network.` };
  }
  return {
    network: {
      id: preset.id,
      name: preset.name,
      chainId: preset.chainId,
      rpcUrl: given("rpc") ?? preset.rpcUrl,
      addresses: preset.addresses,
      ...withGateways(preset.gateways),
    },
  };
}

/** The query string (with `?`) that selects `network`. */
export function settingsQuery(network: NetworkSettings, presets: readonly PresetChoice[]): string {
  const query = new URLSearchParams();
  query.set("net", network.id);
  const preset = presets.find((p) => p.id === network.id);
  if (network.id === "custom") {
    query.set("rpc", network.rpcUrl);
    query.set("datasets", network.addresses.datasetNFT);
    if (network.addresses.modelNFT !== "") query.set("models", network.addresses.modelNFT);
  } else if (preset !== undefined && network.rpcUrl !== preset.rpcUrl) {
    query.set("rpc", network.rpcUrl);
  }
  if (network.gatewaysGiven) query.set("gateways", network.gateways.join(","));
  if (!network.ownOrigin) query.set("own", "0");
  return `?${query}`;
}
