// The documents: title, publisher, date, pages and how many facts were extracted. On a server with a write
// token, adding (upload with progress) and removing documents, once the token is given; it is kept in
// sessionStorage, for this tab only. Without it the page offers no upload.

import { number, t } from "../i18n.js";
import { announce, docLink, documents, errorBox, fill, forgetDocuments, getJSON, h, loading } from "../dom.js";

const TOKEN_KEY = "psykiatri-kg.writeToken";

function token() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (_) { return null; }
}

function setToken(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch (_) { /* storage off: the token lives only until the page is left */ }
}

async function problemText(response) {
  const body = await response.json().catch(() => null);
  return (body && (body.detail || body.title)) || `HTTP ${response.status}`;
}

export async function render(main, _params, _rest, current) {
  main.append(h("h1", {}, t("doc.title")), loading());
  let docs;
  let access = { enabled: false };
  try {
    [docs, access] = await Promise.all([documents(), getJSON("/web/write-access")]);
  } catch (err) {
    fill(main, h("h1", {}, t("doc.title")), errorBox(err));
    return;
  }
  if (!current()) return;
  const status = h("div", { class: "upload-status", role: "status", "aria-live": "polite" });
  const rerender = async (message) => {
    forgetDocuments();
    main.replaceChildren();
    await render(main, _params, _rest, current);
    if (message) {
      const box = main.querySelector(".upload-status");
      if (box) fill(box, message);
      announce(typeof message === "string" ? message : message.textContent);
    }
  };
  const writable = access.enabled && token();
  fill(main, h("h1", {}, t("doc.title")),
    access.enabled ? manageSection(writable, status, rerender) : null,
    h("ul", { class: "documents" }, docs.map((d) => h("li", { class: "card", dataset: { key: d.key } },
      h("a", { href: docLink(d.id) }, d.title || d.key),
      h("p", { class: "meta" }, [d.publisher, d.date, d.kind].filter(Boolean).join(" · ")),
      h("p", { class: "meta" }, `${d.pages ? `${number(d.pages, 0)} ${t("doc.pages")} · ` : ""}${number(d.facts, 0)} ${t("doc.facts")}`),
      writable ? removeButton(d, status, rerender) : null))));
}

function manageSection(writable, status, rerender) {
  const section = h("section", { class: "manage card", "aria-labelledby": "manage-h" }, h("h2", { id: "manage-h" }, t("docs.manage")));
  if (!writable) {
    const input = h("input", { type: "password", id: "write-token", autocomplete: "off", required: true });
    const error = h("p", { class: "error", hidden: true, role: "alert" }, t("docs.badToken"));
    const form = h("form", { class: "token", onsubmit: async (e) => {
      e.preventDefault();
      const response = await fetch("/web/write-access", { headers: { Authorization: `Bearer ${input.value}`, Accept: "application/json" } });
      const body = await response.json().catch(() => ({}));
      if (body.authorized) {
        setToken(input.value);
        await rerender();
      } else {
        error.hidden = false;
      }
    } }, h("div", {}, h("label", { for: "write-token" }, t("docs.token")), input), h("button", { type: "submit" }, t("docs.useToken")));
    section.append(h("p", {}, t("docs.tokenIntro")), form, error, status);
    return section;
  }
  const file = h("input", { type: "file", id: "upload-file", accept: ".pdf,.docx,.html,.htm,.txt,.md", required: true });
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": t("docs.upload") });
  const submit = h("button", { type: "submit" }, t("docs.upload"));
  const form = h("form", { class: "upload", onsubmit: (e) => {
    e.preventDefault();
    if (!file.files.length) return;
    upload(file.files[0], progress, status, submit, rerender);
  } }, h("div", {}, h("label", { for: "upload-file" }, t("docs.file")), file), submit);
  const forget = h("button", { type: "button", class: "remove", onclick: () => { setToken(null); rerender(); } }, t("docs.forget"));
  section.append(form, progress, status, h("p", {}, forget));
  return section;
}

function upload(chosen, progress, status, submit, rerender) {
  const body = new FormData();
  body.append("file", chosen, chosen.name);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/documents");
  xhr.setRequestHeader("Authorization", `Bearer ${token()}`);
  xhr.setRequestHeader("Accept", "application/json");
  progress.hidden = false;
  progress.value = 0;
  submit.disabled = true;
  fill(status, t("docs.uploading", { pct: 0 }));
  xhr.upload.onprogress = (e) => {
    if (!e.lengthComputable) return;
    const pct = Math.round((100 * e.loaded) / e.total);
    progress.value = pct;
    fill(status, t("docs.uploading", { pct }));
  };
  xhr.upload.onload = () => {
    progress.removeAttribute("value"); // indeterminate while the server reads and indexes
    fill(status, t("docs.reading"));
  };
  xhr.onload = async () => {
    submit.disabled = false;
    progress.hidden = true;
    let result = null;
    try { result = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
    if (xhr.status === 401) setToken(null);
    if (xhr.status >= 400 || !result) {
      fill(status, errorBox(new Error((result && (result.detail || result.title)) || `HTTP ${xhr.status}`)));
      if (xhr.status === 401) await rerender(errorBox(new Error(t("docs.badToken"))));
      return;
    }
    const text = t(`docs.${result.action}`, { key: result.key, n: result.facts });
    await rerender(h("p", { class: "ok" }, text, " ", result.id ? h("a", { href: docLink(result.id) }, t("docs.open")) : null));
  };
  xhr.onerror = () => {
    submit.disabled = false;
    progress.hidden = true;
    fill(status, errorBox(new Error(`HTTP ${xhr.status || "?"}`)));
  };
  xhr.send(body);
}

function removeButton(doc, status, rerender) {
  const button = h("button", { type: "button", class: "remove", "aria-label": `${t("docs.remove")} ${doc.key}` }, t("docs.remove"));
  button.addEventListener("click", async () => {
    if (!button.classList.contains("confirm")) { // the first click asks, the second removes
      button.classList.add("confirm");
      button.textContent = t("docs.confirm", { key: doc.key });
      button.setAttribute("aria-label", button.textContent);
      return;
    }
    button.disabled = true;
    fill(status, t("docs.removing", { key: doc.key }));
    const response = await fetch(`/documents/${encodeURIComponent(doc.key)}`, {
      method: "DELETE", headers: { Authorization: `Bearer ${token()}`, Accept: "application/json" } });
    if (!response.ok) {
      if (response.status === 401) setToken(null);
      button.disabled = false;
      fill(status, errorBox(new Error(await problemText(response))));
      return;
    }
    await rerender(h("p", { class: "ok" }, t("docs.removed", { key: doc.key })));
  });
  return button;
}
