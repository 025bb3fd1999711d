/** Runs the test fixture trainer (fixtures/sgd_trainer.py, a real SGD trainer in stdlib Python) and builds its data. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Path of the fixture trainer. */
export const SGD_TRAINER = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "sgd_trainer.py");

/** `count` regression samples (JSON files) from a fixed linear function, deterministic in `seed`. */
export function regressionSamples(count: number, seed = 1): Map<string, string> {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  };
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const x = [rand(), rand(), rand()];
    const y = 2 * x[0]! - x[1]! + 0.5 * x[2]! + 0.3;
    files.set(`sample-${String(i).padStart(3, "0")}.json`, JSON.stringify({ x, y }));
  }
  return files;
}

/** Trains with the fixture trainer; returns the log's last head (printed by the trainer). */
export function trainWithPython(args: { data: string; log: string; out: string; datasets: unknown; tolerance?: number; batchSize?: number; seed?: number }): string {
  const argv = [SGD_TRAINER, "train", "--data", args.data, "--log", args.log, "--out", args.out, "--datasets", JSON.stringify(args.datasets), "--batch-size", String(args.batchSize ?? 4), "--seed", String(args.seed ?? 1)];
  if (args.tolerance !== undefined) argv.push("--tolerance", String(args.tolerance));
  const run = spawnSync("python3", argv, { encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`the fixture trainer failed: ${run.stderr}`);
  return run.stdout.trim();
}

/** The replay command template of the fixture trainer. */
export function sgdTemplate(extra = ""): string {
  return `python3 "${SGD_TRAINER}" replay --from {checkpoint} --steps {from}..{to} --data {data} --config {config} --out {out}${extra}`;
}
