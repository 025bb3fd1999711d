/**
 * What the explorer shows and searches from a token's metadata: its name,
 * its license (the SPDX id of its ERC-721 "License" attribute, else the
 * `license` field), and the Hugging Face repository it claims (the core's
 * hf-ids.ts: a model's `huggingFace.repoId`, a dataset's Hub URL). No DOM.
 */
import { hfDatasetIdOfUrl, hfRepoIdOfModelMetadata, HUB_HOSTS } from "../../../src/workflow/browser.js";

/** A token's metadata object. */
type TokenMetadata = Record<string, unknown>;

/** The license a token's metadata states (its SPDX attribute, else the `license` field). */
export function licenseOf(metadata: TokenMetadata | undefined): string | undefined {
  const attributes = metadata?.["attributes"];
  if (Array.isArray(attributes)) {
    for (const a of attributes) {
      const attr = a as { trait_type?: unknown; value?: unknown };
      if (attr.trait_type === "License" && typeof attr.value === "string") return attr.value;
    }
  }
  const license = metadata?.["license"];
  return typeof license === "string" ? license.replace(/^https:\/\/spdx\.org\/licenses\/(.+?)(\.html)?$/, "$1") : undefined;
}

/** The metadata's `name`, if a string. */
export function nameOf(metadata: TokenMetadata | undefined): string | undefined {
  const name = metadata?.["name"];
  return typeof name === "string" && name.trim() !== "" ? name : undefined;
}

/** The Hugging Face id a token's metadata claims (model repo, or dataset URL). */
export function hfIdOf(kind: "datasets" | "models", metadata: TokenMetadata | undefined): string | undefined {
  if (kind === "models") return hfRepoIdOfModelMetadata(metadata);
  const url = metadata?.["url"];
  return typeof url === "string" ? hfDatasetIdOfUrl(url, HUB_HOSTS) : undefined;
}

