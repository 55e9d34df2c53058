// Small helpers: build DOM nodes (text is always set as text, never parsed as HTML), call the JSON API.

import { t } from "./i18n.js";

/** h("a", {href: "#/x", class: "c"}, "text", child) → element. Attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Replace ``el``'s children; null, undefined and false are left out (replaceChildren would print "null"). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

/** GET a JSON endpoint; problem+json errors become ApiError with the server's detail. */
export async function getJSON(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, v);
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body && (body.detail || body.title));
  return body;
}

export function errorBox(err) {
  return h("div", { class: "error", role: "alert" }, h("strong", {}, t("error")), ": ", err.message || String(err));
}

export function loading() {
  return h("p", { class: "loading", "aria-busy": "true" }, t("loading"));
}

export function announce(text) {
  const status = document.getElementById("status");
  if (status) status.textContent = text;
}

/** Function words of Danish and English questions: never highlighted (they carry no topic). */
export const STOP_WORDS = new Set((
  "alle andre anden andet at blev blive bliver da de dem den denne der deres det dette dig din dit du efter eller en " +
  "end er et for fra få får har have hende hun hvad hvem hver hvilke hvilken hvis hvor hvordan hvornår hvorfor hvor " +
  "ikke ind jeg jer kan kun kunne man mange med meget men mere mig min mine mod må ned noget nogle nu når og også om " +
  "op os over på sig sin sine skal skulle som så sådan til under ud var vi vil ville være været " +
  "about all and any are been but can did does for from had has have her his how into its more much not of " +
  "off our out per she than that the their them then there these they this those was were what when where which " +
  "who whom why will with would you your"
).split(" "));

/** Mark the words of ``query`` inside ``text``: whole words only (never inside another word, so "til" does not
 * mark "tilbud"), 3+ letters, no function words (:data:`STOP_WORDS`). Returns text nodes and <mark>s. */
export function highlight(text, query) {
  const words = [...new Set((query.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) || []))]
    .filter((w) => !STOP_WORDS.has(w))
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!words.length) return [text];
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(${words.join("|")})(?![\\p{L}\\p{N}])`, "giu");
  return text.split(re).map((part, i) => (i % 2 ? h("mark", {}, part) : part));
}

export function docLink(docId, params = {}) {
  const q = new URLSearchParams(params).toString();
  return `#/document/${encodeURIComponent(docId)}${q ? `?${q}` : ""}`;
}

/** Documents by source key and IRI, fetched once. */
let documentsPromise = null;
export function documents() {
  if (!documentsPromise) {
    documentsPromise = getJSON("/documents", { limit: 10000 }).then((d) => d.items).catch((err) => {
      documentsPromise = null;
      throw err;
    });
  }
  return documentsPromise;
}

/** Forget the fetched document list (after a document was added or removed). */
export function forgetDocuments() {
  documentsPromise = null;
}

/** A table whose column headers sort it (click or Enter); ``columns``: [{key, label, render?, numeric?}]. */
export function sortableTable(rows, columns, attrs = {}) {
  let sortKey = null;
  let ascending = true;
  const tbody = h("tbody");
  const headers = columns.map((col) => {
    const button = h("button", { type: "button", class: "sort", "aria-label": t("sortBy", { col: col.label }) }, col.label);
    const th = h("th", { scope: "col", "aria-sort": "none", class: col.numeric ? "num" : null }, button);
    button.addEventListener("click", () => {
      ascending = sortKey === col.key ? !ascending : true;
      sortKey = col.key;
      headers.forEach((other) => other.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      draw();
    });
    return th;
  });
  function value(row, key) {
    const v = row[key];
    return v === null || v === undefined ? "" : v;
  }
  function draw() {
    const sorted = [...rows];
    if (sortKey) {
      sorted.sort((a, b) => {
        const x = value(a, sortKey);
        const y = value(b, sortKey);
        const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "da");
        return ascending ? c : -c;
      });
    }
    tbody.replaceChildren(...sorted.map((row) => h("tr", {},
      columns.map((col) => h("td", { class: col.numeric ? "num" : null },
        col.render ? col.render(row) : value(row, col.key))))));
  }
  draw();
  return h("div", { class: "table-wrap" }, h("table", attrs, h("thead", {}, h("tr", {}, headers)), tbody));
}
