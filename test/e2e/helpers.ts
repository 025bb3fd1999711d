/**
 * End-to-end harness: run tasks in this process (capturing what they
 * print), run `hardhat` as a child process with Node 22 (the project's
 * `node` devDependency, so a kill reaches the real process), start a real
 * `hardhat node` on a free loopback port, and talk JSON-RPC to it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import hre from "hardhat";

/** The project root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const NODE = path.join(ROOT, "node_modules", "node", "bin", "node");
const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

/** What a task printed and returned. */
export interface TaskRun<T> {
  readonly result: T;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a task in this process, capturing console.log/console.error and
 * direct stdout writes. The process exit status a task may set (verify,
 * trace) is restored afterwards, so it cannot fail the test run.
 */
export async function runTask<T = unknown>(id: string[] | string, args: Record<string, unknown>): Promise<TaskRun<T>> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  const write = process.stdout.write.bind(process.stdout);
  const exitCode = process.exitCode;
  console.log = (...parts: unknown[]) => void out.push(`${parts.map(String).join(" ")}\n`);
  console.error = (...parts: unknown[]) => void err.push(`${parts.map(String).join(" ")}\n`);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
    return true;
  }) as typeof process.stdout.write;
  try {
    const result = (await hre.tasks.getTask(id).run(args)) as T;
    return { result, stdout: out.join(""), stderr: err.join("") };
  } finally {
    console.log = log;
    console.error = error;
    process.stdout.write = write;
    process.exitCode = exitCode;
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Output and exit status of a finished child process. */
export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment of child processes: ours, plus overrides (undefined removes a variable). */
export function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", FORCE_COLOR: "0" };
  delete env.HH_TEST; // child commands are not tests
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `hardhat <args>` as a child process. */
export function spawnHardhat(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(NODE, [HARDHAT_CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs `hardhat <args>` to completion (killed after `timeoutMs`). */
export async function hardhat(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ChildResult> {
  const child = spawnHardhat(args, env);
  return collect(child, timeoutMs, args.join(" "));
}

/** Waits for a child process to end and returns what it printed. */
export async function collect(child: ChildProcess, timeoutMs: number, label: string): Promise<ChildResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hardhat ${label} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One JSON-RPC call; throws on an error answer. */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** A running `hardhat node`. */
export interface LocalNode {
  readonly url: string;
  readonly process: ChildProcess;
  /** Stops the node (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/** Starts `hardhat node --port <free port>` on 127.0.0.1 and waits until it answers. */
export async function startNode(timeoutMs = 60_000): Promise<LocalNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnHardhat(["node", "--hostname", "127.0.0.1", "--port", String(port)], childEnv({}));
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode}:\n${log}`);
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() - started > timeoutMs) {
        child.kill("SIGKILL");
        throw new Error(`hardhat node did not answer on ${url} within ${timeoutMs} ms:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const closed = new Promise((r) => child.once("close", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
