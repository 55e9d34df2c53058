// One initiative: where it is stated, its amounts by year and kind (each linked to its quote), the
// region's share with recipients, uses and staff, and the same initiative in other documents.

import { dkk, number, t } from "../i18n.js";
import { docLink, documents, errorBox, fill, getJSON, h, loading } from "../dom.js";

const KINDS = ["allocated", "total", "share", "used", "staff", "other"];

export async function render(main, params, _rest, current) {
  const iri = params.get("iri");
  if (!iri) {
    window.location.hash = "#/initiatives";
    return;
  }
  main.append(loading());
  let info;
  let trail;
  let docs;
  try {
    info = await getJSON("/web/initiative", { iri });
    [trail, docs] = await Promise.all([getJSON("/money/trail", { initiative: info.iri }), documents()]);
  } catch (err) {
    fill(main, errorBox(err));
    return;
  }
  if (!current()) return;
  const byKey = Object.fromEntries(docs.map((d) => [d.key, d]));
  const facts = Object.values(trail.steps).flat();
  fill(main, 
    h("p", { class: "crumbs" }, h("a", { href: "#/initiatives" }, t("init.title"))),
    h("h1", {}, info.label),
    summary(info),
    amountsTable(facts, byKey),
    sharesSection(trail.steps.share, byKey),
    usesSection([...trail.steps.used, ...trail.steps.staff], byKey),
    membersSection(info.members),
    trail.other_matches.length ? h("section", {}, h("h2", {}, t("init.otherMatches")), h("ul", {},
      trail.other_matches.map((m) => h("li", {}, h("a", { href: `#/initiative?iri=${encodeURIComponent(m.iri)}` }, m.label))))) : null,
  );
}

function unique(values) {
  return [...new Set(values.filter(Boolean))];
}

function summary(info) {
  const rows = [
    [t("init.agreement"), unique(info.members.map((m) => m.agreement_label))],
    [t("init.theme"), unique(info.members.map((m) => m.theme))],
    [t("init.responsible"), unique(info.members.flatMap((m) => m.responsible.map((a) => a.label)))],
    [t("init.mentioned"), unique(info.members.flatMap((m) => m.mentioned.map((a) => a.label)))],
  ].filter(([, values]) => values.length);
  return h("dl", { class: "summary" }, rows.map(([label, values]) => [h("dt", {}, label), h("dd", {}, values.join(" · "))]));
}

function factText(f) {
  return f.measure === "staff" ? `${number(f.value)} ${t("kind.staff").toLowerCase()}` : dkk(f.value);
}

function factLink(f, byKey) {
  const doc = byKey[f.doc_key];
  const text = factText(f);
  const title = `${f.quote || f.label} — ${f.document}${f.page ? `, ${t("page")} ${f.page}` : ""}`;
  const warn = f.conflicts_with.length ? h("span", { class: "warn", title: t("init.conflicts", { n: 1 }) }, " ⚠") : null;
  const doubt = f.uncertain ? h("span", { class: "warn uncertain", title: `${t("fact.uncertain")}: ${f.flags.join(", ")}` },
    ` (${t("fact.uncertain")})`) : null;
  const node = doc ? h("a", { href: docLink(doc.id, { fact: f.iri }), title, "data-value": f.value }, text)
    : h("span", { title, "data-value": f.value }, text);
  return h("span", { class: "fact" }, node, warn, doubt);
}

function yearLabel(f) {
  if (f.year && f.year_end && f.year_end !== f.year) return `${f.year}–${f.year_end}`;
  return f.year ? String(f.year) : "–";
}

function amountsTable(facts, byKey) {
  const section = h("section", { "aria-labelledby": "amounts-h" }, h("h2", { id: "amounts-h" }, t("init.amounts")));
  if (!facts.length) {
    section.append(h("p", { class: "empty" }, t("init.noAmounts")));
    return section;
  }
  const cell = (f) => (f.measure === "staff" ? "staff" : KINDS.includes(f.kind) ? f.kind : "other");
  const kinds = KINDS.filter((k) => facts.some((f) => cell(f) === k));
  const years = unique(facts.map(yearLabel)).sort((a, b) => (a === "–") - (b === "–") || a.localeCompare(b));
  const conflicts = facts.filter((f) => f.conflicts_with.length).length;
  section.append(h("div", { class: "table-wrap" }, h("table", { class: "per-year" },
    h("caption", {}, t("init.amounts")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("init.year")),
      kinds.map((k) => h("th", { scope: "col", class: "num" }, t(`kind.${k}`))))),
    h("tbody", {}, years.map((y) => h("tr", { "data-year": y }, h("th", { scope: "row" }, y),
      kinds.map((k) => h("td", { class: "num", "data-kind": k },
        facts.filter((f) => yearLabel(f) === y && cell(f) === k).map((f, i) => [i ? h("br") : null, factLink(f, byKey)])))))))));
  if (conflicts) section.append(h("p", { class: "warning" }, "⚠ ", t("init.conflicts", { n: conflicts })));
  return section;
}

function quoteItem(f, byKey, lead) {
  return h("li", {}, lead, factLink(f, byKey), f.year ? ` (${yearLabel(f)})` : "",
    f.quote ? h("blockquote", {}, f.quote) : null,
    h("p", { class: "source" }, f.document, f.page ? `, ${t("page")} ${f.page}` : ""));
}

function sharesSection(shares, byKey) {
  if (!shares.length) return null;
  return h("section", {}, h("h2", {}, t("init.shares")), h("ul", { class: "quotes" },
    shares.map((f) => quoteItem(f, byKey, f.recipient_label ? h("strong", {}, `${f.recipient_label}: `) : null))));
}

function usesSection(uses, byKey) {
  if (!uses.length) return null;
  return h("section", {}, h("h2", {}, t("init.uses")), h("ul", { class: "quotes" }, uses.map((f) => quoteItem(f, byKey, null))));
}

function membersSection(members) {
  return h("section", {}, h("h2", {}, t("init.inDocuments")), h("ul", { class: "members" }, members.map((m) => h("li", {},
    h("a", { href: docLink(m.doc_id, { fact: m.iri }) }, m.label), " — ", m.document || m.doc_key,
    m.page ? `, ${t("page")} ${m.page}` : "", m.theme ? ` (${t("init.theme").toLowerCase()}: ${m.theme})` : ""))));
}
