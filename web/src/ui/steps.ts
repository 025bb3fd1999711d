/**
 * A list of the steps of a run (hash, read the chain, fetch the manifest,
 * prove, check…), each pending, running, done or failed, with a detail line
 * and the time it took; screen readers hear the state through a hidden text.
 */
import { element, replace } from "./dom.js";
import { formatDuration } from "./format.js";
import { inlineText } from "./message.js";

/** A step's definition. */
export interface StepDefinition {
  readonly id: string;
  readonly title: string;
}

/** The list and its controls. */
export class StepList {
  readonly element: HTMLOListElement;
  readonly #items = new Map<string, { li: HTMLLIElement; detail: HTMLElement; state: HTMLElement; started: number }>();

  constructor(steps: readonly StepDefinition[]) {
    this.element = element("ol", { class: "steps" });
    for (const step of steps) {
      const detail = element("p", { class: "step-detail" });
      const state = element("span", { class: "visually-hidden" }, [": waiting"]);
      const li = element("li", { "data-state": "pending", "data-step": step.id }, [
        element("span", { class: "mark", "aria-hidden": "true" }),
        element("div", { class: "step-body" }, [element("p", { class: "step-title" }, [step.title, state]), detail]),
      ]);
      this.#items.set(step.id, { li, detail, state, started: 0 });
      this.element.append(li);
    }
  }

  /** Marks `id` running with a detail line. */
  start(id: string, detail = ""): void {
    const item = this.#get(id);
    item.started = performance.now();
    this.#set(item, "running", detail);
  }

  /** Updates the detail line of a running step (e.g. progress). */
  progress(id: string, detail: string, fraction?: number): void {
    const item = this.#get(id);
    replace(item.detail, ...inlineText(detail));
    if (fraction !== undefined) {
      const bar = element("progress", { max: "1", value: String(Math.min(1, Math.max(0, fraction))), "aria-label": `${id} progress` });
      item.detail.append(bar);
    }
  }

  /** Marks `id` done. */
  done(id: string, detail: string): void {
    this.#finish(id, "done", detail);
  }

  /** Marks `id` failed. */
  fail(id: string, detail: string): void {
    this.#finish(id, "failed", detail);
  }

  /** Marks `id` skipped (not needed in this run). */
  skip(id: string, detail: string): void {
    this.#set(this.#get(id), "skipped", detail);
  }

  /** Runs `work` as step `id`: running, then done with its detail, or failed with the error's message (rethrown). */
  async run<T>(id: string, running: string, work: () => Promise<{ value: T; detail: string }>): Promise<T> {
    this.start(id, running);
    try {
      const { value, detail } = await work();
      this.done(id, detail);
      return value;
    } catch (error) {
      this.fail(id, error instanceof Error ? error.message.split("\n")[0]! : String(error));
      throw error;
    }
  }

  #finish(id: string, state: "done" | "failed", detail: string): void {
    const item = this.#get(id);
    this.#set(item, state, detail);
    if (item.started > 0) item.detail.append(element("span", { class: "elapsed" }, [` (${formatDuration((performance.now() - item.started) / 1000)})`]));
  }

  #set(item: { li: HTMLLIElement; detail: HTMLElement; state: HTMLElement }, state: string, detail: string): void {
    item.li.dataset.state = state;
    replace(item.state, `: ${state === "pending" ? "waiting" : state}`);
    replace(item.detail, ...inlineText(detail));
  }

  #get(id: string): { li: HTMLLIElement; detail: HTMLElement; state: HTMLElement; started: number } {
    const item = this.#items.get(id);
    if (item === undefined) throw new Error(`internal error: no step ${id}`);
    return item;
  }
}
