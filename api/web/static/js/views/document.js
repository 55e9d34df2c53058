// A document's repaired text with page markers, its passages, and the extracted facts highlighted
// (amounts, staff, initiatives, actors, places, dates), each linked to its resource.

import { t } from "../i18n.js";
import { errorBox, fill, getJSON, h, loading } from "../dom.js";

const PRIORITY = { money: 0, staff: 0, percent: 0, quantity: 1, initiative: 2, actor: 3, place: 3, date: 4 };

export async function render(main, params, rest, current) {
  const docId = rest[0];
  main.append(loading());
  let doc;
  let marks;
  try {
    [doc, marks] = await Promise.all([
      getJSON(`/documents/${encodeURIComponent(docId)}/text`),
      getJSON(`/web/documents/${encodeURIComponent(docId)}/marks`),
    ]);
  } catch (err) {
    fill(main, errorBox(err));
    return;
  }
  if (!current()) return;
  const target = params.get("fact");
  const chosen = choose(marks.marks, target);
  const types = [...new Set(chosen.map((m) => m.type))].sort((a, b) => PRIORITY[a] - PRIORITY[b]);
  fill(main, 
    h("p", { class: "crumbs" }, h("a", { href: "#/documents" }, t("doc.title"))),
    h("h1", {}, doc.title || doc.key),
    h("p", { class: "legend" }, `${t("doc.legend")}: `, types.map((ty) => h("span", { class: `mark ${ty}` }, t(`type.${ty}`)))),
    textView(doc, marks.pages, chosen),
  );
  const passage = params.get("passage");
  const focus = (target && main.querySelector(`[data-iri="${CSS.escape(target)}"]`))
    || (passage && main.querySelector(`[data-passage="${CSS.escape(passage)}"]`));
  if (focus) {
    focus.classList.add("target");
    focus.setAttribute("tabindex", "-1");
    focus.scrollIntoView({ block: "center" });
    focus.focus({ preventScroll: true });
  }
}

/** Non-overlapping marks: the requested fact first, then amounts, initiatives, actors, dates. */
function choose(marks, target) {
  const ranked = [...marks].sort((a, b) => (b.iri === target) - (a.iri === target)
    || PRIORITY[a.type] - PRIORITY[b.type] || a.start - b.start);
  const kept = [];
  for (const m of ranked) {
    if (m.end > m.start && !kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function href(mark) {
  return mark.type === "initiative" ? `#/initiative?iri=${encodeURIComponent(mark.iri)}`
    : `#/resource?iri=${encodeURIComponent(mark.iri)}`;
}

function textView(doc, pages, marks) {
  const text = doc.text;
  const cuts = new Set([0, text.length]);
  const passages = doc.passages.filter((p) => p.char_end > p.char_start);
  passages.forEach((p) => { cuts.add(p.char_start); cuts.add(p.char_end); });
  pages.forEach((p) => cuts.add(p.offset));
  marks.forEach((m) => { cuts.add(m.start); cuts.add(m.end); });
  const points = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
  const out = h("div", { class: "doctext", lang: "da" });
  let container = out;
  let pi = 0;
  let mi = 0;
  let gi = 0;
  let open = null;
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i];
    const b = points[i + 1];
    if (open && a >= open.char_end) {
      container = out;
      open = null;
    }
    while (gi < pages.length && pages[gi].offset <= a) {
      const page = pages[gi++].page;
      out.append(h("div", { class: "page-marker", id: `page-${page}`, role: "separator", "aria-label": `${t("page")} ${page}` },
        `${t("page")} ${page}`));
      if (open) {
        container = h("div", { class: "passage cont", "data-passage": open.iri });
        out.append(container);
      }
    }
    while (pi < passages.length && passages[pi].char_end <= a) pi++;
    if (!open && pi < passages.length && passages[pi].char_start <= a) {
      open = passages[pi];
      container = h("div", { class: "passage", "data-passage": open.iri, id: `passage-${open.order}` });
      out.append(container);
    }
    while (mi < marks.length && marks[mi].end <= a) mi++;
    const piece = text.slice(a, b);
    const m = mi < marks.length && marks[mi].start <= a ? marks[mi] : null;
    container.append(m ? h("a", { class: `mark ${m.type}`, href: href(m), "data-iri": m.iri,
      title: `${t(`type.${m.type}`)}: ${m.label || piece}` }, piece) : piece);
  }
  return out;
}
