/**
 * Publishing from the page, over the Lighthouse upload API (which
 * `npx hardhat ipfs serve` also speaks), as the CLI's Lighthouse store does
 * (src/storage/lighthouse.ts): a directory goes as a CAR of our own blocks
 * (`/api/v0/dag/import`), so its CID is ours whatever chunking the service
 * would pick; a file of one block (metadata JSON) goes as a plain upload
 * (`/api/v0/add?cid-version=1`). The CID the service answers must equal the
 * one computed here, else nothing is registered. Uploads carry
 * `Authorization: Bearer <API key>`.
 *
 * The local server answers uploads only from its own origin (no CORS on its
 * API): register from the page it serves.
 */
import type { LighthouseUploadResponse } from "../../../src/storage/browser.js";

/** Lighthouse's upload node (the SDK's `lighthouseNode`). */
export const LIGHTHOUSE_UPLOAD_URL = "https://upload.lighthouse.storage";

/** Where to upload. */
export interface UploadTarget {
  /** "local": an `ipfs serve` (normally the page's own origin); "lighthouse": Lighthouse. */
  readonly kind: "local" | "lighthouse";
  /** Base URL of the upload API. */
  readonly baseUrl: string;
  readonly apiKey: string;
}

async function post(target: UploadTarget, path: string, part: Blob, name: string, what: string): Promise<LighthouseUploadResponse> {
  const form = new FormData();
  form.append("file", part, name);
  const url = `${target.baseUrl.replace(/\/+$/, "")}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${target.apiKey}` }, body: form });
  } catch (error) {
    throw new Error(
      target.kind === "local"
        ? `Cannot upload ${what} to ${target.baseUrl} (${(error as Error).message}). Is \`npx hardhat ipfs serve\` running there, and is this page served by it? It accepts uploads from its own page only.`
        : `Cannot reach Lighthouse at ${target.baseUrl} to upload ${what} (${(error as Error).message}). Check your connection.`,
    );
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new Error(`${target.baseUrl} refused the API key (HTTP ${response.status}) while uploading ${what}. Check the key (for the local server: one of its --api-key keys, or any key when it has none).`);
  }
  if (!response.ok) throw new Error(`${target.baseUrl} could not store ${what}: HTTP ${response.status} ${text.slice(0, 200)}`);
  try {
    const body = JSON.parse(text) as LighthouseUploadResponse;
    if (typeof body.Hash !== "string") throw new Error("no Hash");
    return body;
  } catch {
    throw new Error(`${target.baseUrl} answered the upload of ${what} with something that is not a Lighthouse upload answer: ${text.slice(0, 120)}`);
  }
}

/** Uploads a CAR whose root is `root` (a directory); throws unless the service reports that root. */
export async function uploadCar(target: UploadTarget, car: Uint8Array<ArrayBuffer>, root: string, what: string): Promise<void> {
  const answer = await post(target, "/api/v0/dag/import", new Blob([car], { type: "application/vnd.ipld.car" }), `${root}.car`, what);
  if (answer.Hash !== root) throw new Error(`${target.baseUrl} stored ${what} as ${answer.Hash}, not ${root} as computed here: nothing is registered.`);
}

/** Uploads one file of at most one block; throws unless the service reports the CID computed here. */
export async function uploadFile(target: UploadTarget, bytes: Uint8Array<ArrayBuffer>, name: string, expectedCid: string, what: string): Promise<void> {
  const answer = await post(target, "/api/v0/add?cid-version=1", new Blob([bytes]), name, what);
  if (answer.Hash !== expectedCid) throw new Error(`${target.baseUrl} stored ${what} as ${answer.Hash}, not ${expectedCid} as computed here: nothing is registered.`);
}
