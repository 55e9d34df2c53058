// Interface text in Danish and English, the chosen language, and number formatting.

const STRINGS = {
  da: {
    skip: "Gå til indhold",
    nav: "Hovedmenu",
    "nav.ask": "Spørg",
    "nav.initiatives": "Initiativer",
    "nav.money": "Penge",
    "nav.documents": "Dokumenter",
    foot: "Svar er uddrag af dokumenterne, med kilde og side.",
    loading: "Henter …",
    error: "Noget gik galt",
    "ask.title": "Spørg dokumenterne",
    "ask.label": "Spørgsmål eller søgeord, på dansk eller engelsk",
    "ask.placeholder": "Fx: Hvad koster den psykiatriske akuttelefon i 2025?",
    "ask.submit": "Spørg",
    "ask.examples": "Prøv fx",
    "ask.answer": "Svar",
    "ask.amount": "Beløb",
    "ask.period": "Periode",
    "ask.initiative": "Initiativ",
    "ask.otherFacts": "Andre beløb i de fundne passager",
    "fact.uncertain": "usikker aflæsning",
    "ask.passages": "Passager svaret bygger på",
    "ask.noAnswer": "Intet svar fundet i dokumenterne.",
    "ask.openInDocument": "Vis i dokumentet",
    "ask.alsoIn": "Også angivet i",
    "ask.conflict": "Kilderne afviger",
    "ask.noMatch": "Intet beløb for det, der spørges om",
    page: "side",
    document: "Dokument",
    source: "Kilde",
    "init.title": "Initiativer",
    "init.filter": "Filtrér initiativer",
    "init.count": "{n} initiativer på tværs af dokumenterne",
    "init.agreement": "Aftale / plan",
    "init.theme": "Tema",
    "init.responsible": "Ansvarlige",
    "init.mentioned": "Aktører nævnt",
    "init.inDocuments": "Samme initiativ i dokumenterne",
    "init.amounts": "Beløb pr. år",
    "init.year": "År",
    "init.noAmounts": "Ingen beløb er knyttet til initiativet.",
    "init.shares": "Regionens andel og modtagere",
    "init.uses": "Hvad pengene bruges til, og ansatte",
    "init.recipient": "Modtager",
    "init.conflicts": "{n} tal modsiger et andet dokument",
    "init.otherMatches": "Lignende initiativer",
    "kind.allocated": "Bevilget",
    "kind.total": "I alt",
    "kind.share": "Andel",
    "kind.used": "Brugt",
    "kind.staff": "Ansatte",
    "kind.other": "Andet",
    "money.title": "Pengestrømme",
    "money.year": "År",
    "money.allYears": "Alle år",
    "money.diagram": "Fra betaler til initiativ til modtager",
    "money.diagramDesc": "Diagram: båndenes bredde svarer til beløbet i kroner.",
    "money.table": "Tal bag diagrammet",
    "money.csv": "Hent CSV",
    "money.payer": "Betaler",
    "money.recipient": "Modtager",
    "money.kind": "Art",
    "money.dkk": "Kroner",
    "money.noPayer": "Betaler ikke angivet",
    "money.noRecipient": "Modtager ikke angivet",
    "money.others": "{n} andre initiativer",
    "money.warnings": "Afstemning",
    "money.noWarnings": "Ingen advarsler for dette år.",
    "money.warningCount": "{n} advarsler fra afstemningen af tallene",
    "money.noFlows": "Ingen pengestrømme for dette år.",
    "warn.shares-exceed-allocation": "Andelene ({shares}) er større end bevillingen ({alloc}) til «{init}» i {year}.",
    "warn.share-without-allocation": "Andele ({shares}) til «{init}» i {year}, men ingen bevilling fundet.",
    "warn.conflicting-figures": "Modstridende tal i {year}: {a} og {b}{init}.",
    "warn.total-mismatch": "«{label}» i {year}: totalen står som {stated}, men delene giver {computed} ({doc}).",
    "money.mismatch": "Indgår i en total, der ikke stemmer",
    "doc.title": "Dokumenter",
    "doc.legend": "Fremhævet",
    "doc.passage": "Passage",
    "type.money": "beløb",
    "type.staff": "ansatte",
    "type.percent": "procent",
    "type.quantity": "tal",
    "type.initiative": "initiativ",
    "type.actor": "aktør",
    "type.place": "sted",
    "type.date": "dato",
    "doc.pages": "sider",
    "doc.facts": "fakta",
    "doc.publisher": "Udgiver",
    "docs.manage": "Tilføj eller fjern dokumenter",
    "docs.tokenIntro": "Serveren tillader at tilføje og fjerne dokumenter med en skrivenøgle. Nøglen huskes kun i denne fane.",
    "docs.token": "Skrivenøgle",
    "docs.useToken": "Brug nøglen",
    "docs.badToken": "Nøglen passer ikke.",
    "docs.forget": "Glem nøglen",
    "docs.file": "Dokument (.pdf, .docx, .html, .txt eller .md)",
    "docs.upload": "Tilføj dokument",
    "docs.uploading": "Sender {pct} % …",
    "docs.reading": "Læser, udtrækker fakta og opdaterer søgningen …",
    "docs.added": "Tilføjet: {key} med {n} fakta.",
    "docs.replaced": "Erstattet: {key} med {n} fakta.",
    "docs.unchanged": "Uændret: {key} fandtes allerede med samme indhold.",
    "docs.open": "Åbn dokumentet",
    "docs.remove": "Fjern",
    "docs.confirm": "Ja, fjern {key}",
    "docs.removing": "Fjerner {key} …",
    "docs.removed": "Fjernet: {key}.",
    "sparql.title": "SPARQL",
    "sparql.intro": "Skriv SPARQL mod grafen. Ordforrådets præfikser (kg:, kgr:, dcterms:, prov: …) er foruddefineret. Vælg et eksempel:",
    "sparql.examples": "Eksempler",
    "sparql.load": "Indlæs",
    sortBy: "Sortér efter {col}",
  },
  en: {
    skip: "Skip to content",
    nav: "Main menu",
    "nav.ask": "Ask",
    "nav.initiatives": "Initiatives",
    "nav.money": "Money",
    "nav.documents": "Documents",
    foot: "Answers are quotes from the documents, with source and page.",
    loading: "Loading …",
    error: "Something went wrong",
    "ask.title": "Ask the documents",
    "ask.label": "Question or keywords, in Danish or English",
    "ask.placeholder": "E.g.: How much does the psychiatric emergency phone line cost in 2025?",
    "ask.submit": "Ask",
    "ask.examples": "Try for example",
    "ask.answer": "Answer",
    "ask.amount": "Amount",
    "ask.period": "Period",
    "ask.initiative": "Initiative",
    "ask.otherFacts": "Other amounts in the passages found",
    "fact.uncertain": "uncertain reading",
    "ask.passages": "Passages the answer rests on",
    "ask.noAnswer": "No answer found in the documents.",
    "ask.openInDocument": "Show in document",
    "ask.alsoIn": "Also stated in",
    "ask.conflict": "The sources differ",
    "ask.noMatch": "No amount for what is asked",
    page: "page",
    document: "Document",
    source: "Source",
    "init.title": "Initiatives",
    "init.filter": "Filter initiatives",
    "init.count": "{n} initiatives across the documents",
    "init.agreement": "Agreement / plan",
    "init.theme": "Theme",
    "init.responsible": "Responsible",
    "init.mentioned": "Actors named",
    "init.inDocuments": "The same initiative in the documents",
    "init.amounts": "Amounts by year",
    "init.year": "Year",
    "init.noAmounts": "No amounts are tied to this initiative.",
    "init.shares": "The region's share and recipients",
    "init.uses": "What the money is spent on, and staff",
    "init.recipient": "Recipient",
    "init.conflicts": "{n} figures contradict another document",
    "init.otherMatches": "Similar initiatives",
    "kind.allocated": "Allocated",
    "kind.total": "Total",
    "kind.share": "Share",
    "kind.used": "Used",
    "kind.staff": "Staff",
    "kind.other": "Other",
    "money.title": "Money flows",
    "money.year": "Year",
    "money.allYears": "All years",
    "money.diagram": "From payer to initiative to recipient",
    "money.diagramDesc": "Diagram: the width of each band is the amount in Danish kroner.",
    "money.table": "The numbers behind the diagram",
    "money.csv": "Download CSV",
    "money.payer": "Payer",
    "money.recipient": "Recipient",
    "money.kind": "Kind",
    "money.dkk": "DKK",
    "money.noPayer": "Payer not stated",
    "money.noRecipient": "Recipient not stated",
    "money.others": "{n} other initiatives",
    "money.warnings": "Reconciliation",
    "money.noWarnings": "No warnings for this year.",
    "money.warningCount": "{n} warnings from reconciling the figures",
    "money.noFlows": "No money flows for this year.",
    "warn.shares-exceed-allocation": "The shares ({shares}) exceed the allocation ({alloc}) to “{init}” in {year}.",
    "warn.share-without-allocation": "Shares ({shares}) of “{init}” in {year}, but no allocation found.",
    "warn.conflicting-figures": "Conflicting figures in {year}: {a} and {b}{init}.",
    "warn.total-mismatch": "“{label}” in {year}: the total is stated as {stated}, but its parts add up to {computed} ({doc}).",
    "money.mismatch": "Part of a total that does not add up",
    "doc.title": "Documents",
    "doc.legend": "Highlighted",
    "doc.passage": "Passage",
    "type.money": "amount",
    "type.staff": "staff",
    "type.percent": "percent",
    "type.quantity": "figure",
    "type.initiative": "initiative",
    "type.actor": "actor",
    "type.place": "place",
    "type.date": "date",
    "doc.pages": "pages",
    "doc.facts": "facts",
    "doc.publisher": "Publisher",
    "docs.manage": "Add or remove documents",
    "docs.tokenIntro": "This server lets you add and remove documents with a write token. The token is kept for this tab only.",
    "docs.token": "Write token",
    "docs.useToken": "Use the token",
    "docs.badToken": "The token does not fit.",
    "docs.forget": "Forget the token",
    "docs.file": "Document (.pdf, .docx, .html, .txt or .md)",
    "docs.upload": "Add document",
    "docs.uploading": "Sending {pct} % …",
    "docs.reading": "Reading, extracting facts and updating search …",
    "docs.added": "Added: {key} with {n} facts.",
    "docs.replaced": "Replaced: {key} with {n} facts.",
    "docs.unchanged": "Unchanged: {key} was already there with the same content.",
    "docs.open": "Open the document",
    "docs.remove": "Remove",
    "docs.confirm": "Yes, remove {key}",
    "docs.removing": "Removing {key} …",
    "docs.removed": "Removed: {key}.",
    "sparql.title": "SPARQL",
    "sparql.intro": "Write SPARQL against the graph. The vocabulary's prefixes (kg:, kgr:, dcterms:, prov: …) are predeclared. Pick an example:",
    "sparql.examples": "Examples",
    "sparql.load": "Load",
    sortBy: "Sort by {col}",
  },
};

const KEY = "psykiatri-kg.lang";
let current = "da";
try {
  const saved = localStorage.getItem(KEY);
  if (saved === "da" || saved === "en") current = saved;
} catch (_) { /* storage may be off */ }

export function lang() { return current; }

export function setLang(value) {
  current = value === "en" ? "en" : "da";
  try { localStorage.setItem(KEY, current); } catch (_) { /* ignore */ }
  applyStatic();
}

/** A text in a given language (the asker's, for an answer's frame), whatever the page's language is. */
export function tIn(language, key) {
  return (STRINGS[language] ?? STRINGS.da)[key] ?? STRINGS.da[key] ?? key;
}

export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.da[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Texts and attributes in index.html marked with data-i18n / data-i18n-aria. */
export function applyStatic(root = document) {
  document.documentElement.lang = current;
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-aria]").forEach((el) => { el.setAttribute("aria-label", t(el.dataset.i18nAria)); });
  root.querySelectorAll("[data-lang]").forEach((el) => {
    el.setAttribute("aria-pressed", String(el.dataset.lang === current));
  });
}

const LOCALE = () => (current === "da" ? "da-DK" : "en-GB");

function decimals(v) {
  return Math.abs(Math.round(v * 10) - v * 10) < 1e-6 ? 1 : 2;
}

/** 113300000 → "113,3 mio. kr." (da) or "DKK 113.3 million" (en). */
export function dkk(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const abs = Math.abs(value);
  const fmt = (v, digits) => v.toLocaleString(LOCALE(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (abs >= 1e9) {
    const v = value / 1e9;
    return current === "da" ? `${fmt(v, decimals(v))} mia. kr.` : `DKK ${fmt(v, decimals(v))} billion`;
  }
  if (abs >= 1e5) {
    const v = value / 1e6;
    return current === "da" ? `${fmt(v, decimals(v))} mio. kr.` : `DKK ${fmt(v, decimals(v))} million`;
  }
  return current === "da" ? `${fmt(value, 0)} kr.` : `DKK ${fmt(value, 0)}`;
}

export function number(value, digits = 1) {
  return value.toLocaleString(LOCALE(), { maximumFractionDigits: digits });
}
