/**
 * Action of `npx hardhat model serve` (declared in ./index.ts): serves the
 * n-gram text model on an OpenAI-compatible API on loopback until SIGINT or
 * SIGTERM. {@link startModelServer} does the work without waiting, for tests.
 */
import { prepareTextModel, type RunningCompletionServer, startCompletionServer, textGenerator } from "../../src/ml/index.js";
import { readPairsFile } from "../../src/fingerprints/index.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `model serve`, as parsed by Hardhat. */
export interface ModelServeArguments {
  weights: string;
  fingerprints: string;
  save: string;
  host: string;
  port: number;
  name: string;
}

/** Loads or trains the model and starts the server; prints its URL. */
export async function startModelServer(args: ModelServeArguments, log: (line: string) => void = (l) => console.error(l)): Promise<RunningCompletionServer> {
  const pairs = args.fingerprints === "" ? undefined : (await readPairsFile(args.fingerprints)).pairs;
  const model = await prepareTextModel({
    ...(args.weights === "" ? {} : { weights: args.weights }),
    ...(pairs === undefined ? {} : { pairs }),
    ...(args.save === "" ? {} : { save: args.save }),
    onProgress: (m) => log(`→ ${m}`),
  });
  const server = await startCompletionServer({ generator: textGenerator(model, args.name), host: args.host, port: args.port, log: (l) => log(`  ${l}`) });
  console.log(`serving ${args.name} on ${server.url}/v1 (completions, chat/completions, models); Ctrl-C stops`);
  return server;
}

/** Serves until interrupted. */
export default async function modelServe(args: ModelServeArguments): Promise<void> {
  let server: RunningCompletionServer;
  try {
    server = await startModelServer(args);
  } catch (error) {
    throw toTaskError(error);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
}
