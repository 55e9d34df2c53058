// Ask / search: one box; money answers show the amount and period first, then the cited passages.

import { dkk, lang, t, tIn } from "../i18n.js";
import { announce, docLink, documents, errorBox, fill, getJSON, h, highlight, loading } from "../dom.js";

const EXAMPLES = {
  da: ["Hvad koster den landsdækkende psykiatriske akuttelefon i 2025?", "Hvor mange penge får Region Hovedstaden til hurtig opstart af behandling?"],
  en: ["How much money goes to suicide prevention?", "What is the regional share for eating disorders?"],
};

export async function render(main, params, _rest, current) {
  const q = params.get("q") || "";
  const input = h("input", { id: "q", name: "q", type: "search", value: q, required: true, maxlength: 1000,
    autocomplete: "off", placeholder: t("ask.placeholder") });
  const form = h("form", { class: "ask", role: "search", onsubmit: (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (value) window.location.hash = `#/ask?q=${encodeURIComponent(value)}`;
  } },
  h("label", { for: "q" }, t("ask.label")),
  h("div", { class: "row" }, input, h("button", { type: "submit" }, t("ask.submit"))));
  const examples = h("p", { class: "examples" }, `${t("ask.examples")}: `,
    EXAMPLES[lang()].map((ex, i) => [i ? " · " : "", h("a", { href: `#/ask?q=${encodeURIComponent(ex)}` }, ex)]));
  const results = h("div", { id: "results", "aria-live": "polite" });
  main.append(h("h1", {}, t("ask.title")), form, examples, results);
  if (!q) {
    input.focus();
    return;
  }
  results.append(loading());
  try {
    const [answer, docs] = await Promise.all([getJSON("/ask", { q }), documents()]);
    if (!current()) return;
    const byKey = Object.fromEntries(docs.map((d) => [d.key, d]));
    fill(results, answerView(answer, byKey, q));
    announce(answer.answer ? t("ask.answer") : t("ask.noAnswer"));
  } catch (err) {
    results.replaceChildren(errorBox(err));
  }
}

function source(title, page, docKey, byKey, params) {
  const doc = byKey[docKey];
  return h("p", { class: "source" },
    h("span", { class: "doc-title" }, title || docKey),
    page ? `, ${t("page")} ${page}` : "",
    doc ? [" — ", h("a", { href: docLink(doc.id, params) }, t("ask.openInDocument"))] : "");
}

// Other citations of the same figure, and figures that conflict with it, in the asker's language.
function sourcesView(top, byKey, language) {
  const cite = (f) => {
    const doc = byKey[f.doc_key];
    const label = `${f.document || f.doc_key}${f.page ? `, ${tIn(language, "page")} ${f.page}` : ""}`;
    return doc ? h("a", { href: docLink(doc.id, { passage: f.passage, fact: f.iri }) }, label) : label;
  };
  const more = (top.sources || []).slice(1);
  return [
    more.length ? h("p", { class: "also-in", "data-testid": "also-in" }, `${tIn(language, "ask.alsoIn")}: `,
      more.map((f, i) => [i ? "; " : "", cite(f)])) : null,
    (top.conflicts || []).length ? h("div", { class: "conflict", role: "note", "data-testid": "conflict" },
      h("strong", {}, `${tIn(language, "ask.conflict")}: `),
      h("ul", {}, [top, ...top.conflicts].map((f) => h("li", {},
        h("span", { "data-value": f.value }, f.amount_text || dkk(f.value)), " ", f.period || "", " — ", cite(f))))) : null,
  ];
}

// a figure the parser was unsure of (kg:uncertain) is never shown as plain fact: its flags say why
function uncertain(f, language) {
  return f.uncertain ? h("span", { class: "warn uncertain", title: (f.flags || []).join(", ") },
    ` ⚠ ${language ? tIn(language, "fact.uncertain") : t("fact.uncertain")}${f.flags && f.flags.length ? ` (${f.flags.join(", ")})` : ""}`) : null;
}

function answerView(answer, byKey, q) {
  const out = [];
  const facts = answer.facts || [];
  const language = answer.lang || lang();
  if (answer.asks_amount && answer.no_match) {
    out.push(h("section", { class: "answer no-match card", "data-testid": "no-match", lang: language },
      h("h2", {}, tIn(language, "ask.noMatch")), h("p", {}, answer.answer)));
  }
  if (answer.asks_amount && facts.length) {
    const top = facts[0];
    out.push(h("section", { class: "answer card", "aria-labelledby": "answer-h", lang: language },
      h("h2", { id: "answer-h" }, t("ask.answer")),
      h("p", { class: "amount" },
        h("span", { class: "value", "data-value": top.value, "data-testid": "answer-amount" }, top.amount_text || dkk(top.value)),
        " ", h("span", { class: "period" }, top.period), uncertain(top, language)),
      top.initiative_label ? h("p", { class: "initiative" }, `${tIn(language, "ask.initiative")}: `, top.initiative_label) : null,
      top.quote ? h("blockquote", { lang: "da" }, highlight(top.quote, q)) : null,
      source(top.document, top.page, top.doc_key, byKey, { passage: top.passage, fact: top.iri }),
      sourcesView(top, byKey, language)));
    if (facts.length > 1) {
      out.push(h("section", { class: "facts" }, h("h2", {}, t("ask.otherFacts")),
        h("ul", {}, facts.slice(1, 6).map((f) => h("li", {},
          h("strong", { "data-value": f.value }, dkk(f.value)), " ", f.period, uncertain(f),
          f.initiative_label ? ` — ${f.initiative_label}` : "",
          byKey[f.doc_key] ? [" (", h("a", { href: docLink(byKey[f.doc_key].id, { passage: f.passage, fact: f.iri }) },
            `${byKey[f.doc_key].title || f.doc_key}${f.page ? `, ${t("page")} ${f.page}` : ""}`), ")"] : "")))));
    }
  } else if (!answer.answer && !answer.no_match) {
    out.push(h("p", { class: "empty" }, t("ask.noAnswer")));
  }
  const passages = answer.passages || [];
  if (passages.length) {
    out.push(h("section", { class: "passages" }, h("h2", {}, t("ask.passages")),
      h("ol", {}, passages.map((p) => h("li", { class: "passage card" },
        source(p.doc_title, p.page, p.doc_key, byKey, { passage: p.iri }),
        h("p", { class: "text" }, highlight(p.text, q)),
        (p.also_in || []).length ? h("p", { class: "also-in" }, `${t("ask.alsoIn")}: `, p.also_in.map((a, i) => [i ? "; " : "",
          byKey[a.doc_key] ? h("a", { href: docLink(byKey[a.doc_key].id, { passage: a.iri }) },
            `${a.doc_title}${a.page ? `, ${t("page")} ${a.page}` : ""}`) : a.doc_title])) : null)))));
  }
  return out;
}
