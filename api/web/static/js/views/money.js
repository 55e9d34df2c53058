// Money flows for a chosen year: the diagram, the same numbers as a sortable table with CSV, and the
// reconciliation warnings.

import { dkk, t } from "../i18n.js";
import { errorBox, fill, getJSON, h, loading, sortableTable } from "../dom.js";
import { draw, layout } from "../sankey.js";

const TOP_INITIATIVES = 14;

function defaultYear(years) {
  const now = new Date().getFullYear();
  const past = years.filter((y) => y <= now);
  return past.length ? past[past.length - 1] : years[0];
}

export async function render(main, params, _rest, current) {
  main.append(h("h1", {}, t("money.title")), loading());
  let years;
  let year = params.get("year") ? Number(params.get("year")) : null;
  let flows;
  let checks;
  try {
    if (year === null) {
      ({ years } = await getJSON("/web/money/checks"));
      year = defaultYear(years);
    }
    [flows, checks] = await Promise.all([getJSON("/money/flows", { year }), getJSON("/web/money/checks", { year })]);
    years = checks.years;
  } catch (err) {
    fill(main, h("h1", {}, t("money.title")), errorBox(err));
    return;
  }
  if (!current()) return;
  const select = h("select", { id: "year", onchange: () => { window.location.hash = `#/money?year=${select.value}`; } },
    years.map((y) => h("option", { value: y, selected: y === year }, y)));
  const csv = `/money/flows?year=${year}&format=csv`;
  fill(main, 
    h("h1", {}, t("money.title")),
    h("div", { class: "toolbar" }, h("label", { for: "year" }, t("money.year")), select,
      h("a", { class: "button", href: csv, download: `money-flows-${year}.csv` }, t("money.csv"))),
    checks.warnings.length ? h("p", { class: "warning" }, "⚠ ", h("a", { href: "#warn-h", onclick: (e) => {
      e.preventDefault();
      document.getElementById("warn-h").scrollIntoView();
    } }, t("money.warningCount", { n: checks.warnings.length }))) : null,
    diagramSection(flows.flows, year),
    tableSection(flows.flows),
    warningsSection(checks.warnings),
  );
}

function warningsSection(warnings) {
  const items = warnings.map((w) => {
    const init = w.code !== "conflicting-figures" ? w.initiative_label : w.initiative_label ? ` (${w.initiative_label})` : "";
    const text = t(`warn.${w.code}`, { year: w.year ?? "–", init, shares: dkk(w.shares_dkk), alloc: dkk(w.allocated_dkk),
      a: dkk(w.a_dkk), b: dkk(w.b_dkk), label: w.label, stated: dkk(w.stated_dkk), computed: dkk(w.computed_dkk),
      doc: w.doc_key });
    return h("li", { class: `warning ${w.code}` }, "⚠ ", text, w.a_quote ? h("blockquote", {}, w.a_quote) : null,
      w.b_quote ? h("blockquote", {}, w.b_quote) : null);
  });
  return h("section", { class: "warnings", "aria-labelledby": "warn-h" }, h("h2", { id: "warn-h" }, t("money.warnings")),
    items.length ? h("ul", {}, items) : h("p", {}, t("money.noWarnings")));
}

function diagramSection(rows, year) {
  const section = h("section", { class: "diagram", "aria-labelledby": "diagram-h" },
    h("h2", { id: "diagram-h" }, `${t("money.diagram")} (${year})`));
  if (!rows.length) {
    section.append(h("p", { class: "empty" }, t("money.noFlows")));
    return section;
  }
  const totals = new Map();
  rows.forEach((r) => totals.set(r.initiative, (totals.get(r.initiative) || 0) + r.dkk));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([iri]) => iri);
  const shown = new Set(ranked.slice(0, TOP_INITIATIVES));
  const hidden = ranked.length - shown.size;
  const nodes = new Map();
  const links = new Map();
  const node = (id, label, column) => { if (!nodes.has(id)) nodes.set(id, { id, label, column }); return id; };
  const link = (source, target, value, title) => {
    const key = `${source}→${target}`;
    const l = links.get(key) || { source, target, value: 0, title };
    l.value += value;
    links.set(key, l);
  };
  for (const r of rows) {
    const init = shown.has(r.initiative) ? node(`i:${r.initiative}`, r.initiative_label, 1)
      : node("i:others", t("money.others", { n: hidden }), 1);
    const initLabel = nodes.get(init).label;
    if (r.kind === "allocated") {
      const payer = r.payer || t("money.noPayer");
      link(node(`p:${payer}`, payer, 0), init, r.dkk, `${payer} → ${initLabel}`);
    }
    if (r.recipient || r.kind === "share") {
      const recipient = r.recipient || t("money.noRecipient");
      link(init, node(`r:${recipient}`, recipient, 2), r.dkk, `${initLabel} → ${recipient}`);
    }
  }
  const lay = layout([...nodes.values()], [...links.values()]);
  section.append(h("figure", {}, draw(lay, { title: `${t("money.diagram")} (${year})`, description: t("money.diagramDesc"), format: dkk }),
    h("figcaption", {}, t("money.diagramDesc"))));
  return section;
}

function tableSection(rows) {
  const data = rows.map((r) => ({ ...r, payer: r.payer || "", recipient: r.recipient || "", kindLabel: t(`kind.${r.kind}`) }));
  return h("section", { class: "flows", "aria-labelledby": "table-h" }, h("h2", { id: "table-h" }, t("money.table")),
    sortableTable(data, [
      { key: "year", label: t("money.year"), numeric: true },
      { key: "payer", label: t("money.payer"), render: (r) => r.payer || h("span", { class: "muted" }, t("money.noPayer")) },
      { key: "initiative_label", label: t("ask.initiative"),
        render: (r) => h("a", { href: `#/initiative?iri=${encodeURIComponent(r.initiative)}` }, r.initiative_label) },
      { key: "recipient", label: t("money.recipient"), render: (r) => r.recipient || "–" },
      { key: "kindLabel", label: t("money.kind") },
      { key: "dkk", label: t("money.dkk"), numeric: true, render: (r) => [h("span", { "data-value": r.dkk }, dkk(r.dkk)),
        r.mismatch ? h("span", { class: "warn", title: t("money.mismatch"), "aria-label": t("money.mismatch") }, " ⚠") : null] },
    ], { class: "flows-table" }));
}
