/**
 * Which Hugging Face repository a token's metadata claims: a model's
 * `huggingFace.repoId` (written by `model register --hf`), a dataset's `url`
 * when it is `https://huggingface.co/datasets/<id>`. Used by the registry
 * index of hf-registry-index.ts and by the web page's search. Browser-safe.
 */

/** Hosts of the Hugging Face Hub. */
export const HUB_HOSTS: readonly string[] = ["huggingface.co", "hf.co"];

/** The Hub dataset id an URL names (`…/datasets/<org>/<name>` or `…/datasets/<name>`), or undefined. */
export function hfDatasetIdOfUrl(url: string, hubHosts: readonly string[]): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!hubHosts.includes(u.host)) return undefined;
  const m = /^\/datasets\/([^/]+(?:\/[^/]+)?)\/?$/.exec(u.pathname);
  return m === null ? undefined : decodeURIComponent(m[1]!);
}

/** The Hub model repository a model token's metadata names (`huggingFace.repoId`), or undefined. */
export function hfRepoIdOfModelMetadata(metadata: Record<string, unknown> | undefined): string | undefined {
  const hf = metadata?.["huggingFace"];
  const repoId = typeof hf === "object" && hf !== null ? (hf as Record<string, unknown>)["repoId"] : undefined;
  return typeof repoId === "string" ? repoId : undefined;
}
