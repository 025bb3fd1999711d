/** Small DOM helpers for the page: lookup by id, element creation, check marks. */

/** The element with `id`; throws if the page lacks it (a broken build, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`page element #${id} is missing`);
  return found as T;
}

/** Creates `<tag attrs…>children…</tag>`; strings become text nodes (never parsed as HTML). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  children: ReadonlyArray<string | Node> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Removes every child of `node`. */
export function clear(node: Element): void {
  node.replaceChildren();
}

/** Marks a check item passed or failed, with a text label (the mark itself is decorative). */
export function setCheck(item: HTMLElement, passed: boolean, label: string): void {
  item.dataset.state = passed ? "pass" : "fail";
  const text = item.querySelector(".label");
  if (text !== null) text.textContent = `${label}: ${passed ? "passed" : "FAILED"}`;
}
