// SPARQL for analysts: Yasgui (vendored, see /static/vendor/README.md) on this server's /sparql, preloaded
// with the example queries. Remote autocompleters, URL sharing and local storage are off: no other host is called.

import { lang, t } from "../i18n.js";
import { errorBox, fill, getJSON, h, loading } from "../dom.js";

let yasguiLoaded = null;

function loadYasgui() {
  if (!yasguiLoaded) {
    yasguiLoaded = new Promise((resolve, reject) => {
      document.head.append(h("link", { rel: "stylesheet", href: "/static/vendor/yasgui/yasgui.min.css" }));
      const script = h("script", { src: "/static/vendor/yasgui/yasgui.min.js" });
      script.addEventListener("load", () => resolve(window.Yasgui));
      script.addEventListener("error", () => { yasguiLoaded = null; reject(new Error("yasgui.min.js did not load")); });
      document.head.append(script);
    });
  }
  return yasguiLoaded;
}

function registerPrefixes(Yasgui, prefixes) {
  const Yasqe = Yasgui.Yasqe;
  if (Yasqe.Autocompleters.kgPrefixes) return;
  const list = Object.entries(prefixes).map(([p, iri]) => `${p}: <${iri}>`).sort();
  Yasqe.forkAutocompleter("prefixes", { name: "kgPrefixes", persistenceId: null, get: () => Promise.resolve(list) }, false);
}

export async function render(main, params, _rest, current) {
  main.append(h("h1", {}, t("sparql.title")), loading());
  let help;
  let Yasgui;
  try {
    [help, Yasgui] = await Promise.all([getJSON("/web/sparql-help"), loadYasgui()]);
  } catch (err) {
    fill(main, h("h1", {}, t("sparql.title")), errorBox(err));
    return;
  }
  if (!current()) return;
  registerPrefixes(Yasgui, help.prefixes);
  const examples = help.examples;
  const chosen = examples.find((e) => e.id === params.get("example")) || examples[0];
  const title = (e) => (lang() === "en" ? e.title_en : e.title_da);
  const select = h("select", { id: "example" }, examples.map((e) => h("option", { value: e.id, selected: e === chosen }, title(e))));
  const holder = h("div", { id: "yasgui" });
  fill(main, 
    h("h1", {}, t("sparql.title")),
    h("p", {}, t("sparql.intro")),
    h("div", { class: "toolbar" }, h("label", { for: "example" }, t("sparql.examples")), select,
      h("button", { type: "button", onclick: () => { yasqe.setValue(examples.find((e) => e.id === select.value).query); } }, t("sparql.load"))),
    holder,
  );
  const endpoint = new URL("/sparql", window.location.origin).toString();
  const yasgui = new Yasgui(holder, {
    requestConfig: { endpoint, method: "POST", acceptHeaderSelect: "application/sparql-results+json" },
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    autofocus: false,
    yasqe: {
      value: chosen.query,
      autocompleters: ["kgPrefixes", "variables"],
      consumeShareLink: null,
      createShareableLink: null,
      persistenceId: null,
      editorHeight: "320px",
    },
    yasr: { persistenceId: null, prefixes: help.prefixes },
  });
  const yasqe = yasgui.getTab().getYasqe();
  yasqe.setValue(chosen.query);
}
