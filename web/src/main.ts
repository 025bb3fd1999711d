/**
 * Entry point of the page (web/index.html): reads the network from the
 * query string (app/settings.ts), then shows the view the hash names
 * (app/router.ts) — the registry explorer, a dataset or a model, verify,
 * trace, register, network — moving focus to the view's heading so that
 * keyboard and screen-reader users land on what changed.
 */
import { AppContext } from "./app/context.js";
import type { PresetDeployments } from "./app/network-presets.js";
import { parseRoute, routeHash, type Route } from "./app/router.js";
import { presetChoices, readSettings } from "./app/settings.js";
import { byId, replace } from "./ui/dom.js";
import { renderDataset } from "./views/dataset-view.js";
import { renderExplorer } from "./views/explorer-view.js";
import { renderModel } from "./views/model-view.js";
import { renderNetwork } from "./views/network-view.js";
import { renderRegister } from "./views/register-view.js";
import { renderTrace } from "./views/trace-view.js";
import { renderVerify } from "./views/verify-view.js";
import { errorBox } from "./views/view-parts.js";
import "./styles.css";

/** Injected by web/build.ts from the Ignition deployment records. */
declare const __DATATRACE_DEPLOYMENTS__: PresetDeployments;

const presets = presetChoices(__DATATRACE_DEPLOYMENTS__);
const read = readSettings(location.search, presets);
const ownOrigin = location.protocol === "http:" || location.protocol === "https:" ? location.origin : undefined;
const ctx = read.network === undefined ? undefined : new AppContext(read.network, presets, ownOrigin);
if (read.legacyToken !== undefined && (location.hash === "" || location.hash === "#")) {
  history.replaceState(null, "", `${location.pathname}${location.search}${routeHash("verify", { params: { dataset: read.legacyToken } })}`);
}

const view = byId("view");
const networkLink = byId<HTMLAnchorElement>("network-link");
replace(networkLink, ctx === undefined ? "Network: choose" : `Network: ${ctx.network.name}`);

/** Which nav entry a view belongs to. */
function navOf(route: Route): string {
  switch (route.view) {
    case "dataset":
      return "datasets";
    case "model":
      return "models";
    default:
      return route.view;
  }
}

let rendering = 0;
/** Focus moves to the view's heading on navigation, not when the page first loads (the user starts at the top). */
let navigated = false;
async function show(): Promise<void> {
  const route = parseRoute(location.hash);
  const run = ++rendering;
  for (const a of document.querySelectorAll<HTMLAnchorElement>("#site-nav a")) {
    if (a.dataset.nav === navOf(route)) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = "Datatrace";
  const root = document.createElement("div");
  root.className = "view-root";
  view.replaceChildren(root);
  const focus = (): void => {
    if (navigated && run === rendering && document.activeElement?.closest("#view") === null) document.getElementById("view-title")?.focus({ preventScroll: false });
  };
  try {
    if (ctx === undefined || route.view === "network") {
      renderNetwork(ctx, presets, read.problem, root);
      focus();
      return;
    }
    switch (route.view) {
      case "datasets":
      case "models": {
        const pending = renderExplorer(ctx, route, route.view, root);
        focus();
        await pending;
        break;
      }
      case "dataset": {
        const pending = renderDataset(ctx, route.id!, root);
        focus();
        await pending;
        focus();
        break;
      }
      case "model": {
        const pending = renderModel(ctx, route.id!, root);
        focus();
        await pending;
        focus();
        break;
      }
      case "verify":
        renderVerify(ctx, route, root);
        focus();
        break;
      case "trace":
        renderTrace(ctx, route, root);
        focus();
        break;
      case "register":
        renderRegister(ctx, root);
        focus();
        break;
    }
  } catch (error) {
    if (run === rendering) root.append(errorBox(error));
  } finally {
    if (run === rendering) document.body.dataset.view = route.view;
  }
}

window.addEventListener("hashchange", () => {
  navigated = true;
  void show();
});
void show();
