// The documents: title, publisher, date, pages and how many facts were extracted.

import { number, t } from "../i18n.js";
import { docLink, documents, errorBox, fill, h, loading } from "../dom.js";

export async function render(main, _params, _rest, current) {
  main.append(h("h1", {}, t("doc.title")), loading());
  let docs;
  try {
    docs = await documents();
  } catch (err) {
    fill(main, h("h1", {}, t("doc.title")), errorBox(err));
    return;
  }
  if (!current()) return;
  fill(main, h("h1", {}, t("doc.title")), h("ul", { class: "documents" }, docs.map((d) => h("li", { class: "card" },
    h("a", { href: docLink(d.id) }, d.title || d.key),
    h("p", { class: "meta" }, [d.publisher, d.date, d.kind].filter(Boolean).join(" · ")),
    h("p", { class: "meta" }, `${d.pages ? `${number(d.pages, 0)} ${t("doc.pages")} · ` : ""}${number(d.facts, 0)} ${t("doc.facts")}`)))));
}
