/**
 * Where @lighthouse-web3/sdk sends its requests: the one place that reaches
 * into the SDK's internals, kept apart so nothing else does.
 *
 * Why a deep import and a mutation: the SDK (0.4.7) has no supported way to
 * choose its endpoints — its functions take no URL or options for it, it
 * reads no environment variable, and its entry point does not export its
 * configuration. Every call reads the base URLs from one exported mutable
 * object (`dist/lighthouse.config.js`, `lighthouseConfig`, the same object
 * as `defaultConfig`) at call time. The package has no `exports` map, so
 * that file is importable; changing its three URL keys redirects every later
 * SDK call of this process — to the local server in tests, or wherever
 * `--lighthouse-url` points. If an SDK upgrade moves or renames them, the
 * check below fails at load with a message saying so (and
 * test/storage/lighthouse-sdk.test.ts fails), instead of silently
 * talking to production. Node-only (the SDK is CommonJS and is loaded in Node).
 */
import { lighthouseConfig } from "@lighthouse-web3/sdk/dist/lighthouse.config.js";

for (const key of ["lighthouseNode", "lighthouseAPI", "lighthouseGateway"] as const) {
  if (typeof (lighthouseConfig as Record<string, unknown>)[key] !== "string") {
    throw new Error(`@lighthouse-web3/sdk no longer keeps its ${key} URL in dist/lighthouse.config.js: update src/storage/lighthouse-endpoints.ts for this SDK version.`);
  }
}

/** The three base URLs the SDK calls Datatrace uses depend on. */
export interface LighthouseEndpoints {
  /** Upload node (`/api/v0/add`, `/api/v0/dag/import`); SDK key `lighthouseNode`. */
  node: string;
  /** Account API (`/api/lighthouse/deal_status`, `file_info`, `/api/user/files_uploaded`); SDK key `lighthouseAPI`. */
  api: string;
  /** IPFS gateway (`/ipfs/<cid>`); SDK key `lighthouseGateway`. */
  gateway: string;
}

/** The SDK's production endpoints, captured before anything can change them. */
export const LIGHTHOUSE_PRODUCTION_ENDPOINTS: Readonly<LighthouseEndpoints> = Object.freeze({
  node: lighthouseConfig.lighthouseNode,
  api: lighthouseConfig.lighthouseAPI,
  gateway: lighthouseConfig.lighthouseGateway,
});

/** The endpoints the SDK will use now. */
export function getLighthouseEndpoints(): LighthouseEndpoints {
  return { node: lighthouseConfig.lighthouseNode, api: lighthouseConfig.lighthouseAPI, gateway: lighthouseConfig.lighthouseGateway };
}

/** Changes some endpoints (trailing slashes removed); returns the previous ones. */
export function setLighthouseEndpoints(endpoints: Partial<LighthouseEndpoints>): LighthouseEndpoints {
  const previous = getLighthouseEndpoints();
  const clean = (url: string): string => {
    if (!/^https?:\/\/[^/]/.test(url)) throw new TypeError(`"${url}" is not an http(s) base URL`);
    return url.replace(/\/+$/, "");
  };
  if (endpoints.node !== undefined) lighthouseConfig.lighthouseNode = clean(endpoints.node);
  if (endpoints.api !== undefined) lighthouseConfig.lighthouseAPI = clean(endpoints.api);
  if (endpoints.gateway !== undefined) lighthouseConfig.lighthouseGateway = clean(endpoints.gateway);
  return previous;
}

/**
 * Points every SDK endpoint at one base URL (a server that implements all
 * of them, like `npx hardhat ipfs serve`); returns a function restoring the
 * previous endpoints.
 */
export function pointLighthouseAt(baseUrl: string): () => void {
  const previous = setLighthouseEndpoints({ node: baseUrl, api: baseUrl, gateway: baseUrl });
  return () => {
    setLighthouseEndpoints(previous);
  };
}
