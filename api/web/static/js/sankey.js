// A small Sankey-like diagram in plain SVG: payers → initiatives → recipients, band widths in kroner.
// layout() is pure (numbers in, positions out); draw() turns a layout into SVG elements.

import { svg } from "./dom.js";

/**
 * nodes: [{id, label, column}], links: [{source, target, value, title}] →
 * {width, height, nodes: [{…, x, y, h, value}], links: [{…, sy, ty, w}]}
 */
export function layout(nodes, links, { width = 960, nodeWidth = 14, gap = 10, minBand = 1.5, rowHeight = 30 } = {}) {
  const byId = new Map(nodes.map((n) => [n.id, { ...n, in: 0, out: 0, inLinks: [], outLinks: [] }]));
  const placed = links.filter((l) => l.value > 0 && byId.has(l.source) && byId.has(l.target)).map((l) => ({ ...l }));
  for (const l of placed) {
    byId.get(l.source).out += l.value;
    byId.get(l.source).outLinks.push(l);
    byId.get(l.target).in += l.value;
    byId.get(l.target).inLinks.push(l);
  }
  const all = [...byId.values()].filter((n) => n.in + n.out > 0);
  all.forEach((n) => { n.value = Math.max(n.in, n.out); });
  const columns = [0, 1, 2].map((c) => all.filter((n) => n.column === c).sort((a, b) => b.value - a.value));
  const most = Math.max(1, ...columns.map((c) => c.length));
  const height = Math.max(240, most * rowHeight);
  // one scale for every column, so equal money is an equal width everywhere
  const scale = Math.min(...columns.filter((c) => c.length).map((c) => {
    const sum = c.reduce((s, n) => s + n.value, 0);
    return (height - gap * (c.length - 1) - minBand * c.length) / sum;
  }));
  const xs = [0, (width - nodeWidth) / 2, width - nodeWidth];
  columns.forEach((column, c) => {
    const total = column.reduce((s, n) => s + n.value * scale + minBand, 0) + gap * (column.length - 1);
    let y = (height - total) / 2;
    for (const n of column) {
      n.x = xs[c];
      n.y = y;
      n.h = n.value * scale + minBand;
      y += n.h + gap;
    }
  });
  for (const n of all) {
    let sy = n.y;
    for (const l of n.outLinks.sort((a, b) => byId.get(a.target).y - byId.get(b.target).y)) {
      l.w = Math.max(minBand, l.value * scale);
      l.sy = sy + l.w / 2;
      sy += l.value * scale;
    }
    let ty = n.y;
    for (const l of n.inLinks.sort((a, b) => byId.get(a.source).y - byId.get(b.source).y)) {
      l.w = Math.max(minBand, l.value * scale);
      l.ty = ty + l.w / 2;
      ty += l.value * scale;
    }
  }
  placed.forEach((l) => {
    l.x0 = byId.get(l.source).x + nodeWidth;
    l.x1 = byId.get(l.target).x;
  });
  return { width, height, nodeWidth, nodes: all, links: placed };
}

/** The layout as an <svg> with a title and description, every band and node titled for hover and screen readers. */
export function draw(lay, { title, description, format }) {
  const root = svg("svg", { class: "sankey", viewBox: `-4 -4 ${lay.width + 8} ${lay.height + 8}`, role: "img",
    "aria-labelledby": "sankey-title sankey-desc", preserveAspectRatio: "xMidYMin meet" },
  svg("title", { id: "sankey-title" }, title), svg("desc", { id: "sankey-desc" }, description));
  const links = svg("g", { class: "links" });
  for (const l of lay.links) {
    const mid = (l.x0 + l.x1) / 2;
    links.append(svg("path", {
      class: "link", d: `M${l.x0},${l.sy} C${mid},${l.sy} ${mid},${l.ty} ${l.x1},${l.ty}`,
      "stroke-width": l.w.toFixed(2), "data-value": l.value,
    }, svg("title", {}, `${l.title}: ${format(l.value)}`)));
  }
  const nodes = svg("g", { class: "nodes" });
  for (const n of lay.nodes) {
    const right = n.column < 2;
    nodes.append(svg("g", { class: `node col${n.column}` },
      svg("rect", { class: "node", x: n.x, y: n.y, width: lay.nodeWidth, height: Math.max(1, n.h), "data-value": n.value },
        svg("title", {}, `${n.label}: ${format(n.value)}`)),
      svg("text", { x: right ? n.x + lay.nodeWidth + 6 : n.x - 6, y: n.y + n.h / 2, dy: "0.35em",
        "text-anchor": right ? "start" : "end" }, n.label.length > 48 ? `${n.label.slice(0, 46)}…` : n.label)));
  }
  root.append(links, nodes);
  return root;
}
