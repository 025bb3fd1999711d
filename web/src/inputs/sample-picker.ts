/**
 * The samples a user gives the verify and trace views: files (picked, or a
 * whole folder, or dropped — folders included), SHA-256 hashes pasted one
 * per line (`sha256sum` output works), or lines of a CSV/JSONL/text file
 * pasted as they are (each line is one sample, as the CLI's line sources
 * count them: its UTF-8 bytes without the line ending). Hidden files
 * (a path part starting with ".") are left out of folders, as the CLI's
 * directory source does.
 */
import { element, replace } from "../ui/dom.js";
import { formatBytes, formatCount } from "../ui/format.js";
import { parseHashLines, parseSampleLines, type PickedSample } from "./pasted-samples.js";

export type { PickedSample } from "./pasted-samples.js";

/** A file and its path relative to the folder picked (its name when picked alone). */
interface PathedFile {
  readonly file: File;
  readonly path: string;
}

/** Whether a relative path has a hidden part. */
function isHidden(path: string): boolean {
  return path.split("/").some((part) => part.startsWith("."));
}

/** Reads a dropped folder entry recursively. */
async function filesOfEntry(entry: FileSystemEntry): Promise<PathedFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, path: entry.fullPath.replace(/^\//, "") }];
  }
  if (!entry.isDirectory) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const out: PathedFile[] = [];
  for (const child of children) out.push(...(await filesOfEntry(child)));
  return out;
}

/** Options of {@link SamplePicker}. */
export interface SamplePickerOptions {
  /** Prefix of element ids (several pickers may share a page). */
  readonly id: string;
  readonly legend: string;
  /** Offer the text box for hashes and lines (default true). */
  readonly text?: boolean;
  /** Hint under the legend. */
  readonly hint?: string;
}

/** The picker (see the module doc): `element` to insert, `samples()` to read. */
export class SamplePicker {
  readonly element: HTMLFieldSetElement;
  readonly #files: PathedFile[] = [];
  #hidden = 0;
  #folder: string | undefined;
  readonly #summary: HTMLElement;
  readonly #text: HTMLTextAreaElement | undefined;
  readonly #modeHashes: HTMLInputElement | undefined;
  readonly #listeners: Array<() => void> = [];

  constructor(options: SamplePickerOptions) {
    const id = options.id;
    const filesInput = element("input", { type: "file", id: `${id}-files`, multiple: "", class: "visually-hidden-input" });
    const folderInput = element("input", { type: "file", id: `${id}-folder`, webkitdirectory: "", class: "visually-hidden-input" });
    this.#summary = element("p", { class: "picked", id: `${id}-picked`, role: "status" });
    const clearButton = element("button", { type: "button", class: "secondary small", id: `${id}-clear` }, ["Clear"]);
    const zone = element("div", { class: "drop-zone", id: `${id}-drop` }, [
      element("p", { class: "drop-title" }, ["Drop files or a folder here, or"]),
      element("div", { class: "pick-buttons" }, [
        filesInput,
        element("label", { for: `${id}-files`, class: "button-like" }, ["Choose files"]),
        folderInput,
        element("label", { for: `${id}-folder`, class: "button-like" }, ["Choose a folder"]),
      ]),
      element("p", { class: "hint" }, ["Files are hashed in this browser (SHA-256) and never uploaded."]),
      element("div", { class: "picked-row" }, [this.#summary, clearButton]),
    ]);
    const children: HTMLElement[] = [element("legend", {}, [options.legend])];
    if (options.hint !== undefined) children.push(element("p", { class: "hint" }, [options.hint]));
    children.push(zone);
    if (options.text !== false) {
      this.#text = element("textarea", { id: `${id}-text`, rows: "4", spellcheck: "false", "aria-describedby": `${id}-text-hint` });
      this.#modeHashes = element("input", { type: "radio", name: `${id}-mode`, id: `${id}-mode-hashes`, value: "hashes", checked: "" });
      const modeLines = element("input", { type: "radio", name: `${id}-mode`, id: `${id}-mode-lines`, value: "lines" });
      children.push(
        element("div", { class: "field" }, [
          element("label", { for: `${id}-text` }, ["…or paste SHA-256 hashes, or lines of a CSV, JSONL or text file"]),
          this.#text,
          element("div", { class: "choices", role: "radiogroup", "aria-label": "What the pasted text is" }, [
            element("span", { class: "check" }, [this.#modeHashes, element("label", { for: `${id}-mode-hashes` }, ["SHA-256 hashes, one per line"])]),
            element("span", { class: "check" }, [modeLines, element("label", { for: `${id}-mode-lines` }, ["Lines: each line is one sample"])]),
          ]),
          element("p", { class: "hint", id: `${id}-text-hint` }, ["The first column of sha256sum output works. A pasted line is hashed as the CLI hashes a line of a .csv or .jsonl file: its bytes without the line ending."]),
        ]),
      );
      this.#text.addEventListener("input", () => this.#changed());
    }
    this.element = element("fieldset", { class: "sample-picker" }, children);

    filesInput.addEventListener("change", () => {
      this.#add([...(filesInput.files ?? [])].map((file) => ({ file, path: file.name })), undefined);
      filesInput.value = "";
    });
    folderInput.addEventListener("change", () => {
      const files = [...(folderInput.files ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      this.#add(files, files[0]?.path.split("/")[0]);
      folderInput.value = "";
    });
    clearButton.addEventListener("click", () => this.clear());
    for (const type of ["dragenter", "dragover"] as const) {
      zone.addEventListener(type, (event) => {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    }
    for (const type of ["dragleave", "dragend"] as const) zone.addEventListener(type, () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      void this.#drop(event.dataTransfer);
    });
    this.#render();
  }

  /** Called whenever the selection changes. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** The picked files with their relative paths (hidden ones left out), in the order picked. */
  get files(): readonly PathedFile[] {
    return this.#files;
  }

  /** The top folder's name when a single folder was picked. */
  get folder(): string | undefined {
    return this.#folder;
  }

  /** Everything given: files first, then the pasted text's samples. */
  samples(): PickedSample[] {
    const out: PickedSample[] = this.#files.map((f) => ({ kind: "file", label: f.path, file: f.file }));
    const text = this.#text?.value ?? "";
    if (text.trim() !== "") out.push(...(this.#modeHashes?.checked !== false ? parseHashLines(text) : parseSampleLines(text)));
    return out;
  }

  /** Forgets everything picked and pasted. */
  clear(): void {
    this.#files.length = 0;
    this.#hidden = 0;
    this.#folder = undefined;
    if (this.#text !== undefined) this.#text.value = "";
    this.#changed();
  }

  async #drop(data: DataTransfer | null): Promise<void> {
    if (data === null) return;
    const entries = [...data.items].map((item) => item.webkitGetAsEntry?.() ?? null);
    if (entries.some((e) => e !== null && e.isDirectory)) {
      const files: PathedFile[] = [];
      for (const entry of entries) if (entry !== null) files.push(...(await filesOfEntry(entry)));
      files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const folders = entries.filter((e) => e?.isDirectory === true);
      this.#add(files, folders.length === 1 && entries.length === 1 ? folders[0]!.name : undefined);
    } else {
      this.#add([...data.files].map((file) => ({ file, path: file.name })), undefined);
    }
  }

  #add(files: readonly PathedFile[], folder: string | undefined): void {
    const visible = files.filter((f) => !isHidden(f.path));
    this.#hidden += files.length - visible.length;
    const known = new Set(this.#files.map((f) => f.path));
    for (const f of visible) if (!known.has(f.path)) this.#files.push(f);
    this.#folder = this.#files.length === visible.length ? folder : undefined;
    this.#changed();
  }

  #changed(): void {
    this.#render();
    for (const l of this.#listeners) l();
  }

  #render(): void {
    const bytes = this.#files.reduce((s, f) => s + f.file.size, 0);
    const parts: string[] = [];
    if (this.#files.length > 0) {
      parts.push(`${formatCount(this.#files.length)} file${this.#files.length === 1 ? "" : "s"} (${formatBytes(bytes)})${this.#folder !== undefined ? ` from the folder ${this.#folder}` : ""}`);
    }
    if (this.#hidden > 0) parts.push(`${formatCount(this.#hidden)} hidden file${this.#hidden === 1 ? "" : "s"} left out`);
    replace(this.#summary, parts.length === 0 ? "Nothing chosen yet." : `Chosen: ${parts.join("; ")}.`);
  }
}
