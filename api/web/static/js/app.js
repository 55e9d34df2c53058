// The page: a hash router over the views, and the language toggle. Each view is a module with
// render(main, params, path) that fills <main> from the JSON API.

import { applyStatic, lang, setLang } from "./i18n.js";
import { errorBox } from "./dom.js";

const ROUTES = {
  "": () => import("./views/ask.js"),
  ask: () => import("./views/ask.js"),
  initiatives: () => import("./views/initiatives.js"),
  initiative: () => import("./views/initiative.js"),
  money: () => import("./views/money.js"),
  documents: () => import("./views/documents.js"),
  document: () => import("./views/document.js"),
  resource: () => import("./views/resource.js"),
  sparql: () => import("./views/sparql.js"),
};

function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, "");
  const [pathPart, query = ""] = raw.split("?", 2);
  const path = pathPart.split("/").map(decodeURIComponent);
  return { name: path[0] || "", rest: path.slice(1), params: new URLSearchParams(query) };
}

let generation = 0;

async function route() {
  const { name, rest, params } = parseHash();
  const main = document.getElementById("main");
  const mine = ++generation;
  document.querySelectorAll("[data-nav]").forEach((a) => {
    const active = a.dataset.nav === (name === "initiative" ? "initiatives" : name === "document" ? "documents" : name || "ask");
    if (active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  const load = ROUTES[name] || ROUTES[""];
  try {
    const view = await load();
    if (mine !== generation) return;
    main.replaceChildren();
    main.dataset.view = name || "ask";
    await view.render(main, params, rest, () => mine === generation);
  } catch (err) {
    if (mine === generation) main.replaceChildren(errorBox(err));
    console.error(err);
  }
}

document.querySelectorAll("[data-lang]").forEach((button) => {
  button.addEventListener("click", () => {
    if (button.dataset.lang !== lang()) {
      setLang(button.dataset.lang);
      route();
    }
  });
});

window.addEventListener("hashchange", () => {
  route().then(() => document.getElementById("main").focus({ preventScroll: true }));
});
applyStatic();
route();
