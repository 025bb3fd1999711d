/**
 * The JSON shapes of Lighthouse's HTTP API as @lighthouse-web3/sdk 0.4.7
 * reads them (from its dist code and .d.ts files), shared by the
 * Lighthouse backend (which parses them) and the local server (which
 * produces them). Endpoints, relative to the SDK config:
 *
 * | SDK call        | request                                                        | response            |
 * |-----------------|----------------------------------------------------------------|---------------------|
 * | upload(path)    | POST {lighthouseNode}/api/v0/add?wrap-with-directory=false&cid-version=1, multipart, `file` parts | LighthouseUploadResponse |
 * | uploadBuffer    | POST {lighthouseNode}/api/v0/add?cid-version=1, multipart      | LighthouseUploadResponse |
 * | uploadCAR(path) | POST {lighthouseNode}/api/v0/dag/import, multipart, one `file` part | LighthouseUploadResponse |
 * | dealStatus(cid) | GET {lighthouseAPI}/api/lighthouse/deal_status?cid=…           | LighthouseDeal[]    |
 * | getFileInfo(cid)| GET {lighthouseAPI}/api/lighthouse/file_info?cid=…             | LighthouseFileInfo  |
 * | getUploads(key) | GET {lighthouseAPI}/api/user/files_uploaded?lastKey=…&fileType=… | LighthouseUploads |
 *
 * Uploads carry `Authorization: Bearer <api key>`. Browser-safe (types only).
 */

/** Answer of the upload endpoints. `Size` is a decimal string. */
export interface LighthouseUploadResponse {
  /** File (or CAR file) name. */
  Name: string;
  /** Root CID. */
  Hash: string;
  /** Size in bytes, as a string. */
  Size: string;
}

/** One Filecoin deal as `deal_status` reports it. */
export interface LighthouseDeal {
  chainDealID: number;
  endEpoch: number;
  publishCID: string;
  storageProvider: string;
  dealStatus: string;
  bundleId: string;
  dealUUID: string;
  startEpoch: number;
  aggregateIn: string;
  providerCollateral: string;
  pieceCID: string;
  payloadCid: string;
  pieceSize: number;
  carFileSize: number;
  lastUpdate: number;
  dealId: number;
  miner: string;
  content: number;
}

/** Answer of `file_info`. */
export interface LighthouseFileInfo {
  fileSizeInBytes: string;
  cid: string;
  encryption: boolean;
  fileName: string;
  mimeType: string | null;
}

/** One entry of `files_uploaded`. */
export interface LighthouseUploadedFile {
  publicKey: string;
  fileName: string;
  mimeType: string | null;
  txHash: string;
  status: string;
  createdAt: number;
  fileSizeInBytes: string;
  cid: string;
  id: string;
  lastUpdate: number;
  encryption: boolean;
}

/** Answer of `files_uploaded`. */
export interface LighthouseUploads {
  fileList: LighthouseUploadedFile[];
  totalFiles: number;
}
