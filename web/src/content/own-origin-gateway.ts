/**
 * Whether the server that delivered the page is also an IPFS gateway (as
 * `npx hardhat ipfs serve` would be if it served the page): it is, for our
 * purpose, if it answers a raw-block request for the manifest's root CID
 * with 200. A static file server answers 404 and is left out.
 */

/** True if `origin` serves `GET /ipfs/<cid>?format=raw` (HEAD, 5 s timeout). */
export async function servesIpfs(origin: string, cid: string, fetchImpl: typeof globalThis.fetch = globalThis.fetch.bind(globalThis)): Promise<boolean> {
  if (!/^https?:\/\//.test(origin)) return false;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5_000);
  try {
    const response = await fetchImpl(`${origin}/ipfs/${cid}?format=raw`, {
      method: "HEAD",
      headers: { Accept: "application/vnd.ipld.raw" },
      signal: controller.signal,
    });
    return response.status === 200;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
