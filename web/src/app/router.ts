/**
 * The page's views and their addresses: hash routes, so every view has a
 * URL that can be shared and the page works from any static host or IPFS
 * path (no server-side routing, relative asset paths):
 *
 *   #/datasets?q=<search>&page=<n>   registry explorer, datasets
 *   #/models?q=<search>&page=<n>     registry explorer, models
 *   #/dataset/<id>                   one dataset
 *   #/model/<id>                     one model
 *   #/verify?dataset=<id>            verify files against a dataset
 *   #/trace?model=<id>               was this in the training data of a model?
 *   #/register                       register a dataset from a wallet
 *   #/network                        choose the network
 */
import { tokenIdOf } from "../../../src/chain/browser.js";


/** A view of the page. */
export type ViewName = "datasets" | "models" | "dataset" | "model" | "verify" | "trace" | "register" | "network";

/** A parsed route. */
export interface Route {
  readonly view: ViewName;
  /** The token id of `dataset` / `model` views. */
  readonly id?: bigint;
  readonly params: URLSearchParams;
}

const VIEWS: readonly ViewName[] = ["datasets", "models", "dataset", "model", "verify", "trace", "register", "network"];

/** Parses `location.hash`; unknown routes fall back to the dataset list. */
export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#\/?/, "");
  const [pathPart = "", queryPart = ""] = body.split("?", 2);
  const [name = "", idText] = pathPart.split("/");
  const params = new URLSearchParams(queryPart);
  const view = (VIEWS as readonly string[]).includes(name) ? (name as ViewName) : "datasets";
  const id = idText === undefined ? undefined : tokenIdOf(idText);
  if ((view === "dataset" || view === "model") && id !== undefined) return { view, id, params };
  if (view === "dataset" || view === "model") return { view: view === "dataset" ? "datasets" : "models", params };
  return { view, params };
}

/** The hash of a route: `#/dataset/3`, `#/datasets?q=spam&page=2`. */
export function routeHash(view: ViewName, options: { id?: bigint | number | string; params?: Record<string, string | number | bigint | undefined> } = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(options.params ?? {})) if (v !== undefined && v !== "") query.set(k, String(v));
  const q = query.toString();
  return `#/${view}${options.id !== undefined ? `/${options.id}` : ""}${q === "" ? "" : `?${q}`}`;
}
