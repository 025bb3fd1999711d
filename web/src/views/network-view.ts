/**
 * Choosing the network: the presets (local Hardhat node, Filecoin
 * Calibration, mainnet — a preset is disabled until a deployment record
 * was found when the page was built), or a custom JSON-RPC endpoint with
 * the registries' addresses; and the IPFS gateways, tried in order after
 * the page's own origin. The choice goes into the URL (and the page
 * reloads with it), so a link carries its network.
 */
import type { AppContext } from "../app/context.js";
import { parseGatewayList, settingsQuery, type NetworkSettings, type PresetChoice } from "../app/settings.js";
import { element, replace } from "../ui/dom.js";
import { formatCount, fullCode } from "../ui/format.js";
import { errorText, inlineText, messageParagraphs } from "../ui/message.js";
import { viewHeading } from "./view-parts.js";

/** Renders the network view; `ctx` is undefined when no network is usable yet (`problem` says why). */
export function renderNetwork(ctx: AppContext | undefined, presets: readonly PresetChoice[], problem: string | undefined, root: HTMLElement): void {
  const current = ctx?.network;
  const radios: HTMLInputElement[] = [];
  const choices = element("div", { class: "network-choices", role: "radiogroup", "aria-labelledby": "network-legend" });
  for (const p of presets) {
    const input = element("input", { type: "radio", name: "network", id: `network-${p.id}`, value: p.id, disabled: p.addresses === null ? "" : undefined, checked: current?.id === p.id ? "" : undefined });
    radios.push(input);
    choices.append(
      element("div", { class: `network-choice${p.addresses === null ? " disabled" : ""}` }, [
        input,
        element("label", { for: `network-${p.id}` }, [
          element("strong", {}, [p.name]),
          ` (chain ${p.chainId})`,
          element("span", { class: "hint block" }, [
            ...inlineText(p.about),
            " ",
            p.addresses === null ? "Not deployed yet: no deployment record was found when this page was built." : `Registries from ${p.record ?? "the build"}.`,
          ]),
        ]),
      ]),
    );
  }
  const custom = element("input", { type: "radio", name: "network", id: "network-custom", value: "custom", checked: current?.id === "custom" ? "" : undefined });
  radios.push(custom);
  const rpc = element("input", { type: "url", id: "custom-rpc", value: current?.id === "custom" ? current.rpcUrl : "http://127.0.0.1:8545", autocomplete: "off", spellcheck: "false" });
  const datasets = element("input", { type: "text", id: "custom-datasets", value: current?.id === "custom" ? current.addresses.datasetNFT : "", autocomplete: "off", spellcheck: "false", placeholder: "0x…" });
  const models = element("input", { type: "text", id: "custom-models", value: current?.id === "custom" ? current.addresses.modelNFT : "", autocomplete: "off", spellcheck: "false", placeholder: "0x… (optional)" });
  choices.append(
    element("div", { class: "network-choice" }, [
      custom,
      element("label", { for: "network-custom" }, [element("strong", {}, ["Custom"]), element("span", { class: "hint block" }, ["Any JSON-RPC endpoint and registry addresses."])]),
    ]),
  );
  const customFields = element("div", { class: "custom-fields" }, [
    element("div", { class: "field" }, [element("label", { for: "custom-rpc" }, ["JSON-RPC URL"]), rpc]),
    element("div", { class: "field" }, [element("label", { for: "custom-datasets" }, ["DatasetNFT address"]), datasets]),
    element("div", { class: "field" }, [element("label", { for: "custom-models" }, ["ModelNFT address"]), models]),
  ]);
  const gateways = element("textarea", { id: "gateways", rows: "4", spellcheck: "false", "aria-describedby": "gateways-hint" });
  gateways.value = (current?.gateways ?? []).join("\n");
  const own = element("input", { type: "checkbox", id: "own-origin", checked: current?.ownOrigin !== false ? "" : undefined });
  const formError = element("p", { class: "form-error", role: "alert", id: "network-form-error" });
  const form = element("form", { class: "card", id: "network-form", novalidate: "" }, [
    element("fieldset", {}, [element("legend", { id: "network-legend" }, ["Network"]), choices, customFields]),
    element("fieldset", {}, [
      element("legend", {}, ["IPFS gateways"]),
      element("div", { class: "check" }, [own, element("label", { for: "own-origin" }, ["First try this page's own server, if it serves IPFS content"])]),
      element("div", { class: "field" }, [element("label", { for: "gateways" }, ["Then these gateways, in order (one per line)"]), gateways]),
      element("p", { class: "hint", id: "gateways-hint" }, [
        "Not trusted: every block is checked against its CID, so a gateway can fail but not lie; failing ones are skipped with a warning. Leave empty to use the network's defaults.",
      ]),
    ]),
    element("div", { class: "actions" }, [element("button", { type: "submit", id: "network-apply" }, ["Use this network"]), formError]),
  ]);
  const status = element("section", { class: "card", "aria-labelledby": "connection-title" }, [element("h2", { id: "connection-title" }, ["Connection"])]);
  replace(
    root,
    viewHeading("Network", "The page trusts the JSON-RPC endpoint for the chain's state; IPFS gateways only deliver content it checks."),
    problem === undefined ? null : element("div", { class: "card warning-card", role: "alert" }, messageParagraphs(problem)),
    ctx === undefined ? null : status,
    form,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = radios.find((r) => r.checked)?.value;
    if (chosen === undefined) {
      replace(formError, "Choose a network.");
      return;
    }
    const preset = presets.find((p) => p.id === chosen);
    const given = parseGatewayList(gateways.value);
    let network: NetworkSettings;
    if (preset !== undefined && preset.addresses !== null) {
      const defaults = preset.gateways.join(",");
      network = { id: preset.id, name: preset.name, chainId: preset.chainId, rpcUrl: preset.rpcUrl, addresses: preset.addresses, gateways: given, gatewaysGiven: given.length > 0 && given.join(",") !== defaults, ownOrigin: own.checked };
    } else {
      if (!/^0x[0-9a-fA-F]{40}$/.test(datasets.value.trim())) {
        replace(formError, "Give the DatasetNFT address (0x followed by 40 hex digits).");
        datasets.focus();
        return;
      }
      if (models.value.trim() !== "" && !/^0x[0-9a-fA-F]{40}$/.test(models.value.trim())) {
        replace(formError, "The ModelNFT address must be 0x followed by 40 hex digits (or left empty).");
        models.focus();
        return;
      }
      network = {
        id: "custom",
        name: "Custom network",
        chainId: undefined,
        rpcUrl: rpc.value.trim(),
        addresses: { datasetNFT: datasets.value.trim(), modelNFT: models.value.trim() },
        gateways: given,
        gatewaysGiven: given.length > 0,
        ownOrigin: own.checked,
      };
    }
    location.href = `${location.pathname}${settingsQuery(network, presets)}#/datasets`;
  });

  if (ctx === undefined) return;
  status.append(
    element("dl", { class: "facts" }, [
      element("dt", {}, ["Network"]),
      element("dd", {}, [ctx.network.name]),
      element("dt", {}, ["JSON-RPC"]),
      element("dd", {}, [fullCode(ctx.network.rpcUrl)]),
      element("dt", {}, ["DatasetNFT"]),
      element("dd", {}, [fullCode(ctx.network.addresses.datasetNFT)]),
      element("dt", {}, ["ModelNFT"]),
      element("dd", {}, [ctx.network.addresses.modelNFT === "" ? "none" : fullCode(ctx.network.addresses.modelNFT)]),
    ]),
  );
  const live = element("p", { role: "status", id: "connection-status" }, ["Connecting…"]);
  status.append(live);
  void ctx
    .registry()
    .then(async (registry) => {
      const counts = await registry.counts();
      replace(live, `Connected: chain ${registry.datasetNft.chainId}, ${formatCount(counts.datasets)} datasets, ${formatCount(counts.models)} models.`);
    })
    .catch((error: unknown) => {
      live.classList.add("error-text");
      replace(live, ...messageParagraphs(errorText(error)));
    });
}
