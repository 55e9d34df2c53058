// Initiatives across documents (canonical initiatives), filtered as you type.

import { t } from "../i18n.js";
import { errorBox, getJSON, h, loading } from "../dom.js";

export async function render(main, params, _rest, current) {
  const input = h("input", { id: "filter", type: "search", value: params.get("q") || "", autocomplete: "off" });
  const count = h("p", { class: "count", "aria-live": "polite" });
  const list = h("ul", { class: "initiatives" });
  main.append(h("h1", {}, t("init.title")),
    h("div", { class: "filter" }, h("label", { for: "filter" }, t("init.filter")), input), count, list);
  list.append(loading());
  let items;
  try {
    const data = await getJSON("/initiatives", { limit: 10000 });
    items = data.items.filter((i) => i.types.includes("kg:CanonicalInitiative"));
  } catch (err) {
    list.replaceChildren(errorBox(err));
    return;
  }
  if (!current()) return;
  function draw() {
    const needle = input.value.trim().toLocaleLowerCase("da");
    const shown = items.filter((i) => !needle || (i.label || "").toLocaleLowerCase("da").includes(needle));
    count.textContent = t("init.count", { n: shown.length });
    list.replaceChildren(...shown.map((i) => h("li", {},
      h("a", { href: `#/initiative?iri=${encodeURIComponent(i.iri)}` }, i.label || i.iri))));
  }
  input.addEventListener("input", draw);
  draw();
}
