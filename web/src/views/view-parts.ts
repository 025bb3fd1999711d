/** Pieces every view uses: its heading (focused on navigation), fact lists, error boxes, links. */
import { ipfsTarget } from "../../../src/workflow/browser.js";
import type { TokenMetadata } from "../content/metadata-store.js";
import { element, replace, type Child } from "../ui/dom.js";
import { messageParagraphs, errorText } from "../ui/message.js";

/** The view's heading: the element focus moves to when the view opens. */
export function viewHeading(text: string, sub?: string): HTMLElement {
  return element("div", { class: "view-heading" }, [
    element("h1", { id: "view-title", tabindex: "-1" }, [text]),
    sub === undefined ? null : element("p", { class: "lede" }, [sub]),
  ]);
}

/** A definition list of [term, value] pairs (values may be nodes). */
export function facts(pairs: ReadonlyArray<readonly [string, Child | Child[]]>, className = "facts"): HTMLDListElement {
  const dl = element("dl", { class: className });
  for (const [term, value] of pairs) {
    if (value === undefined || value === null || value === false) continue;
    dl.append(element("dt", {}, [term]), element("dd", {}, Array.isArray(value) ? value : [value]));
  }
  return dl;
}

/** An error box (role alert) with the message rendered (code spans, one paragraph per line). */
export function errorBox(error: unknown, title = "Something went wrong"): HTMLElement {
  return element("section", { class: "card error-box", role: "alert" }, [element("h2", {}, [title]), ...messageParagraphs(errorText(error))]);
}

/** Puts an error box into `target`. */
export function showError(target: HTMLElement, error: unknown, title?: string): void {
  replace(target, errorBox(error, title));
}

/** A metadata value as text: the string itself, or undefined for anything else or an empty string. */
export function metadataText(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A link to a token's metadata JSON through the gateway, when its URI is `ipfs://…` (null otherwise). */
export function metadataJsonLink(gatewayLink: (cid: string, path: string) => string, tokenURI: string): HTMLAnchorElement | null {
  const target = ipfsTarget(tokenURI);
  return target === undefined ? null : externalLink(gatewayLink(target.cid, target.path), "Metadata JSON");
}

/** An external link (new tab, no referrer). */
export function externalLink(href: string, text: string): HTMLAnchorElement {
  return element("a", { href, rel: "noopener noreferrer", target: "_blank" }, [text]);
}

/** A token's on-chain record and its metadata document (undefined when it cannot be had), as a detail view starts from. */
export interface LoadedToken<E> {
  readonly entry: E;
  readonly metadata: TokenMetadata | undefined;
}

/**
 * The opening of a detail view: shows `title` and "Loading…" in `root`,
 * reads the token's record, then its metadata. If the record cannot be read,
 * shows the error under `failure` and returns undefined.
 */
export async function loadToken<E extends { readonly tokenURI: string }>(
  root: HTMLElement,
  title: string,
  failure: string,
  read: () => Promise<E>,
  metadata: (tokenURI: string) => Promise<TokenMetadata | undefined>,
): Promise<LoadedToken<E> | undefined> {
  replace(root, viewHeading(title), element("p", { class: "status", role: "status" }, ["Loading…"]));
  let entry: E;
  try {
    entry = await read();
  } catch (error) {
    replace(root, viewHeading(title), errorBox(error, failure));
    return undefined;
  }
  return { entry, metadata: await metadata(entry.tokenURI) };
}
