// Any resource of the graph (an amount, an actor, a date …): its label, types, facts and where it is quoted.

import { t } from "../i18n.js";
import { docLink, documents, errorBox, fill, getJSON, h, loading } from "../dom.js";

const ID_BASE = "https://w3id.org/psykiatri-kg/id/";

export function resourceLink(iri, label) {
  if (!iri.startsWith(ID_BASE)) return h("span", {}, label || iri);
  return h("a", { href: `#/resource?iri=${encodeURIComponent(iri)}` }, label || iri.slice(ID_BASE.length));
}

export async function render(main, params, _rest, current) {
  const iri = params.get("iri") || "";
  main.append(loading());
  let view;
  let docs;
  try {
    [view, docs] = await Promise.all([getJSON("/entities", { iri }), documents()]);
  } catch (err) {
    fill(main, errorBox(err));
    return;
  }
  if (!current()) return;
  const byIri = Object.fromEntries(docs.map((d) => [d.iri, d]));
  const label = (f) => f.predicate_label || f.predicate_curie;
  fill(main, 
    h("h1", {}, view.label || view.curie),
    h("p", { class: "meta" }, view.types.map((ty) => ty.label || ty.curie).join(" · "), " — ", h("code", {}, view.iri)),
    h("div", { class: "table-wrap" }, h("table", { class: "facts" }, h("tbody", {}, view.facts.map((f) => h("tr", {},
      h("th", { scope: "row" }, label(f)),
      h("td", {}, f.object.kind === "iri" ? resourceLink(f.object.value, f.object_label || f.object.curie) : f.object.value))))))),
    view.provenance.length ? h("section", {}, h("h2", {}, t("source")), h("ul", { class: "quotes" }, view.provenance.map((p) => {
      const doc = byIri[p.document];
      return h("li", {}, p.text ? h("blockquote", {}, p.text.length > 600 ? `${p.text.slice(0, 600)}…` : p.text) : null,
        h("p", { class: "source" }, doc ? h("a", { href: docLink(doc.id, { passage: p.source, fact: view.iri }) }, p.document_title || doc.key)
          : p.document_title, p.page ? `, ${t("page")} ${p.page}` : ""));
    }))) : null,
  );
}
