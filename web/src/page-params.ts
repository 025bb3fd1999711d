/**
 * The page's settings and where they come from: query parameters
 * (`?rpc=&dataset=&token=&gateways=`, gateways comma-separated) over
 * defaults (a local node, the local `ipfs serve` gateway, then public
 * gateways).
 */

/** Default JSON-RPC endpoint: `npx hardhat node`. */
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
/** Default local gateway: `npx hardhat ipfs serve`. */
export const LOCAL_GATEWAY = "http://127.0.0.1:5050";
/** Public gateways tried after the local one (they fail, with a warning, when offline). */
export const PUBLIC_GATEWAYS: readonly string[] = ["https://ipfs.io", "https://dweb.link", "https://gateway.lighthouse.storage"];

/** Values to prefill the form with. */
export interface PageParams {
  /** JSON-RPC endpoint. */
  readonly rpc: string;
  /** DatasetNFT address ("" if not given). */
  readonly dataset: string;
  /** Token id ("" if not given). */
  readonly token: string;
  /** Gateway base URLs, in order. */
  readonly gateways: readonly string[];
  /** Whether `gateways` came from the query (then the page's own origin is not added). */
  readonly gatewaysGiven: boolean;
}

/** Reads the settings from a query string such as `location.search`. */
export function readPageParams(search: string): PageParams {
  const query = new URLSearchParams(search);
  const given = (name: string): string | undefined => {
    const value = query.get(name)?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const gatewayList = given("gateways");
  return {
    rpc: given("rpc") ?? DEFAULT_RPC_URL,
    dataset: given("dataset") ?? "",
    token: given("token") ?? "",
    gateways: gatewayList !== undefined ? parseGatewayList(gatewayList) : [LOCAL_GATEWAY, ...PUBLIC_GATEWAYS],
    gatewaysGiven: gatewayList !== undefined,
  };
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

/** Parses a token id: a whole number ≥ 1. */
export function parseTokenId(text: string): bigint {
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed) || BigInt(trimmed) === 0n) {
    throw new Error(`"${text}" is not a token id: give the dataset's token number (1, 2, …).`);
  }
  return BigInt(trimmed);
}
