/**
 * The user's wallet through EIP-1193 (`window.ethereum`, which browser
 * wallets inject): connect an account, check and switch its chain, send a
 * transaction. Receipts are read through the page's own JSON-RPC endpoint,
 * the one it trusts for chain state. A request the user declines (code
 * 4001) says so and that nothing was sent.
 */
import type { JsonRpcClient } from "./json-rpc-client.js";

/** An EIP-1193 provider. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] }): Promise<unknown>;
}

/** The wallet the browser injected, if any. */
export function injectedWallet(): Eip1193Provider | undefined {
  const ethereum = (globalThis as { ethereum?: unknown }).ethereum;
  return typeof ethereum === "object" && ethereum !== null && typeof (ethereum as Eip1193Provider).request === "function" ? (ethereum as Eip1193Provider) : undefined;
}

/** A wallet request, with errors a user can read. */
export async function walletRequest(wallet: Eip1193Provider, method: string, params: readonly unknown[] = []): Promise<unknown> {
  try {
    return await wallet.request({ method, params });
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (e.code === 4001) throw new Error("You declined the request in your wallet: nothing was sent.");
    throw new Error(`The wallet refused ${method}: ${typeof e.message === "string" ? e.message : String(error)}`, { cause: error });
  }
}

/** Asks the wallet for an account; returns it. */
export async function connectWallet(wallet: Eip1193Provider): Promise<string> {
  const accounts = (await walletRequest(wallet, "eth_requestAccounts")) as unknown;
  if (!Array.isArray(accounts) || typeof accounts[0] !== "string") throw new Error("The wallet gave no account: unlock it and allow this page to see an account.");
  return accounts[0];
}

/** The wallet's chain id. */
export async function walletChainId(wallet: Eip1193Provider): Promise<bigint> {
  return BigInt(String(await walletRequest(wallet, "eth_chainId")));
}

/** Asks the wallet to switch to `chainId`. */
export async function switchWalletChain(wallet: Eip1193Provider, chainId: bigint): Promise<void> {
  await walletRequest(wallet, "wallet_switchEthereumChain", [{ chainId: `0x${chainId.toString(16)}` }]);
}

/** Sends a transaction from `from`; returns its hash. */
export async function sendTransaction(wallet: Eip1193Provider, tx: { from: string; to: string; data: string }): Promise<string> {
  const hash = await walletRequest(wallet, "eth_sendTransaction", [tx]);
  if (typeof hash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new Error(`The wallet answered eth_sendTransaction with ${JSON.stringify(hash)}, not a transaction hash.`);
  return hash;
}

/** A mined transaction's receipt (the fields the page reads). */
export interface Receipt {
  readonly status: string;
  readonly blockNumber: string;
  readonly logs: ReadonlyArray<{ readonly address: string; readonly topics: readonly string[]; readonly data: string }>;
}

/** Polls `rpc` for the receipt of `hash` (every `pollMs`, up to `timeoutMs`). */
export async function waitForReceipt(rpc: JsonRpcClient, hash: string, options: { pollMs?: number; timeoutMs?: number; onWait?: (ms: number) => void } = {}): Promise<Receipt> {
  const started = performance.now();
  const timeout = options.timeoutMs ?? 15 * 60_000;
  for (;;) {
    const receipt = (await rpc.request("eth_getTransactionReceipt", [hash])) as Receipt | null;
    if (receipt !== null && receipt !== undefined) return receipt;
    const waited = performance.now() - started;
    if (waited > timeout) throw new Error(`Transaction ${hash} was not mined within ${Math.round(timeout / 60_000)} minutes. Look it up on a block explorer before trying again.`);
    options.onWait?.(waited);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}
