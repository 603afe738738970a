// The shared game's pages: requests, the event stream, and three small SVG charts.
// Plain JavaScript served by the package (no CDN, no build step): a classroom network
// needs no internet. Every text from the server is set with textContent, never as HTML.
"use strict";

const CODE = decodeURIComponent(location.pathname.split("/")[2] || "").toUpperCase();

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({error: `HTTP ${response.status}`}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function byId(id) { return document.getElementById(id); }
function setText(id, text) { const node = byId(id); if (node) node.textContent = text; }
function pct(share) { return `${Math.round(100 * share)} %`; }
function num(x, digits = 2) {
  return x === null || x === undefined ? "–" : Number(x).toLocaleString("en", {
    minimumFractionDigits: digits, maximumFractionDigits: digits});
}

function showError(message) {
  const line = byId("error");
  if (!line) return;
  line.textContent = message || "";
  line.hidden = !message;
}

// The page's view, now and after every change of the room. The browser reconnects by itself
// after a network loss; a refusal (a token this room does not know, a room gone) ends it.
function watch(role, token, onView, onRefused = showError) {
  const url = `/api/rooms/${CODE}/events?${new URLSearchParams({role, token: token || ""})}`;
  const source = new EventSource(url);
  source.onmessage = (message) => {
    setText("connection", "");
    onView(JSON.parse(message.data));
  };
  source.addEventListener("gone", (message) => {
    source.close();
    onRefused(JSON.parse(message.data).error);
  });
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED) {
      setText("connection", "reconnecting…");
      return;
    }
    fetch(url).then((r) => r.json()).then((data) => onRefused(data.error || "disconnected"))
      .catch(() => onRefused("the classroom server cannot be reached"));
  };
  return source;
}

// A countdown from the view's seconds_left (the server's clock decides; this only shows it).
let clockTimer = null;
function showClock(id, view) {
  clearInterval(clockTimer);
  const node = byId(id);
  if (!node) return;
  if (view.status === "paused") { node.textContent = "paused"; return; }
  if (view.seconds_left === null || view.status !== "open") { node.textContent = ""; return; }
  const end = Date.now() + 1000 * view.seconds_left;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    node.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left`;
  };
  tick();
  clockTimer = setInterval(tick, 500);
}

// --- charts (SVG) -----------------------------------------------------------------------------
const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#000000"];

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function frame(svg, width, height) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  return svg;
}

// Lines over cycles, with an optional band (low, high) drawn under them; the key at the right.
function lineChart(svg, {x, lines, band = null, ymax = 1, title = "", H = 300}) {
  const W = 660, L = 52, R = 190, T = 34, B = 42;
  frame(svg, W, H);
  const xmax = Math.max(2, ...x), top = Math.max(ymax, ...lines.flatMap((l) => l.values)
    .filter((v) => v !== null), ...(band ? band.high.filter((v) => v !== null) : []));
  const sx = (v) => L + (W - L - R) * (v - 1) / Math.max(xmax - 1, 1);
  const sy = (v) => H - B - (H - T - B) * v / (top || 1);
  const text = (content, attrs) => {
    const node = svgEl("text", attrs);
    node.textContent = content;
    svg.append(node);
  };
  text(title, {x: L, y: 22, class: "chart-title"});
  for (const tick of [0, top / 2, top]) {
    svg.append(svgEl("line", {x1: L, x2: W - R, y1: sy(tick), y2: sy(tick), class: "grid"}));
    text(tick.toFixed(tick < 10 ? 1 : 0), {x: L - 6, y: sy(tick) + 5, class: "tick",
      "text-anchor": "end"});
  }
  const every = Math.max(1, Math.ceil(xmax / 8));
  for (let c = 1; c <= xmax; c += every) {
    text(String(c), {x: sx(c), y: H - B + 18, class: "tick", "text-anchor": "middle"});
  }
  text("cycle", {x: (L + W - R) / 2, y: H - 4, class: "tick", "text-anchor": "middle"});
  const path = (values) => values.map((v, k) => v === null ? null : `${sx(x[k])},${sy(v)}`)
    .filter(Boolean).join(" ");
  if (band && x.length) {
    const upper = x.map((c, k) => `${sx(c)},${sy(band.high[k] ?? 0)}`);
    const lower = x.map((c, k) => `${sx(c)},${sy(band.low[k] ?? 0)}`).reverse();
    svg.append(svgEl("polygon", {points: [...upper, ...lower].join(" "), class: "band"}));
  }
  lines.forEach((line, k) => {
    const colour = line.colour || COLOURS[k % COLOURS.length];
    const width = line.width || 3;
    svg.append(svgEl("polyline", {points: path(line.values), fill: "none", stroke: colour,
      "stroke-width": width, "stroke-dasharray": line.dash || ""}));
    line.values.forEach((v, i) => {  // (a first cycle is a point, not yet a line)
      if (v !== null) svg.append(svgEl("circle", {cx: sx(x[i]), cy: sy(v), r: width, fill: colour}));
    });
    const y = T + 8 + 22 * k;
    svg.append(svgEl("line", {x1: W - R + 10, x2: W - R + 34, y1: y - 5, y2: y - 5,
      stroke: colour, "stroke-width": width, "stroke-dasharray": line.dash || ""}));
    text(line.name, {x: W - R + 40, y, fill: colour, class: "key"});
  });
}

// Bars by nation (smallest GDP to largest), the students' nations outlined and named.
function barChart(svg, bars, title, H = 300) {
  const W = 600, L = 48, R = 8, T = 30, B = 60;
  frame(svg, W, H);
  const top = Math.max(0.1, ...bars.map((b) => b.value));
  const step = (W - L - R) / Math.max(bars.length, 1);
  let labelEnd = -Infinity;
  svg.append(svgEl("text", {x: L, y: 20, class: "chart-title"}));
  svg.lastChild.textContent = title;
  for (const tick of [0, top / 2, top]) {
    const y = H - B - (H - T - B) * tick / top;
    svg.append(svgEl("line", {x1: L, x2: W - R, y1: y, y2: y, class: "grid"}));
    const label = svgEl("text", {x: L - 4, y: y + 5, class: "tick", "text-anchor": "end"});
    label.textContent = tick.toFixed(tick < 1 ? 2 : 1);
    svg.append(label);
  }
  bars.forEach((bar, k) => {
    const h = (H - T - B) * bar.value / top;
    const rect = svgEl("rect", {x: L + k * step + 1, y: H - B - h, width: Math.max(step - 2, 1),
      height: h, class: bar.marked ? "bar marked" : "bar"});
    const tip = svgEl("title");
    tip.textContent = `${bar.label}: ${bar.value.toFixed(2)}`;
    rect.append(tip);
    svg.append(rect);
    const text = bar.marked || (bars.length <= 12 ? bar.label : "");
    const centre = L + (k + 0.5) * step, half = 4.5 * text.length;
    if (text && centre - half > labelEnd) {  // (a label that would overlap the last is left out)
      const label = svgEl("text", {x: centre, y: H - B + 16,
        class: bar.marked ? "tick marked" : "tick", "text-anchor": "middle"});
      label.textContent = text;
      svg.append(label);
      labelEnd = centre + half + 2;
    }
  });
  const axis = svgEl("text", {x: L, y: H - 8, class: "tick"});
  axis.textContent = "nations, smallest GDP to largest";
  svg.append(axis);
}

// Nations as circles (area ~ GDP, colour: contribution / fair share), lines for mutual trust.
function networkChart(svg, {nodes, edges}, title) {
  const W = 600, H = 480, P = 40;
  frame(svg, W, H);
  const xs = nodes.map((n) => n.x), ys = nodes.map((n) => n.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (v) => P + (W - 2 * P) * (v - x0) / ((x1 - x0) || 1);
  const sy = (v) => P + 10 + (H - 2 * P - 50) * (v - y0) / ((y1 - y0) || 1);
  svg.append(svgEl("text", {x: 8, y: 22, class: "chart-title"}));
  svg.lastChild.textContent = title;
  for (const [a, b, w] of edges) {
    svg.append(svgEl("line", {x1: sx(nodes[a].x), y1: sy(nodes[a].y), x2: sx(nodes[b].x),
      y2: sy(nodes[b].y), class: "edge", "stroke-width": 1 + 8 * (w - 0.5)}));
  }
  for (const node of nodes) {
    const ratio = Math.max(0, Math.min(2, node.ratio));
    const hue = 120 * ratio / 2;  // red (nothing) to green (twice the fair share)
    const circle = svgEl("circle", {cx: sx(node.x), cy: sy(node.y), r: 6 + 18 * node.size,
      fill: node.member ? `hsl(${hue}, 65%, 48%)` : "none",
      class: node.student ? "node student" : "node"});
    const tip = svgEl("title");
    tip.textContent = `${node.nation}${node.student ? ` (${node.student})` : ""}`;
    circle.append(tip);
    svg.append(circle);
    if (node.student) {
      const offset = 10 + 18 * node.size, right = sx(node.x) > W * 0.7;
      const label = svgEl("text", {x: sx(node.x) + (right ? -offset : offset), y: sy(node.y) + 5,
        class: "tick marked", "text-anchor": right ? "end" : "start"});
      label.textContent = node.student;
      svg.append(label);
    }
  }
  ["colour: contribution / fair share (red: none, green: twice)",
   "ringed: students; hollow: left; lines: mutual trust above 0.5"].forEach((line, k) => {
    const key = svgEl("text", {x: 8, y: H - 26 + 18 * k, class: "tick"});
    key.textContent = line;
    svg.append(key);
  });
}

// The debrief: the class against the band of simulated classes, one chart per measure.
function debriefCharts(container, debrief) {
  container.replaceChildren();
  if (!Object.values(debrief.measures).some((m) => m.cycle.length)) {
    container.append(el("p", {text: "No cycle was played, so there is nothing to compare."}));
    return;
  }
  for (const measure of Object.values(debrief.measures)) {
    const svg = svgEl("svg", {class: "chart"});
    container.append(svg);
    lineChart(svg, {x: measure.cycle, title: measure.label,
      band: {low: measure.low, high: measure.high},
      ymax: measure.label.includes("fair") ? 1.2 : 1,
      lines: [{name: "your class", values: measure.class, colour: "#c44e52", width: 4},
              {name: "100 simulated", values: measure.median, colour: "#555555", dash: "6 4"},
              {name: "no students", values: measure.without_students, colour: "#4c72b0",
               width: 2}]});
  }
}

function liveCharts(view, ids, H = 300) {
  if (view.series) {
    const s = view.series;
    lineChart(byId(ids.series), {x: s.cycle, title: "Coverage of the missions' needs", H,
      lines: [...view.required.map((c) => ({name: c, values: s[`coverage_${c}`]})),
              {name: "effectiveness", values: s.effectiveness, colour: "#000000", width: 4},
              {name: "mean trust", values: s.mean_trust, colour: "#8172b3", dash: "4 4"}]});
  }
  if (view.burden) {
    barChart(byId(ids.burden), view.burden.map((b) => ({label: b.nation,
      value: b.burden_pct, marked: b.student})), "Burden, % of GDP (students named)", H);
  }
  if (view.network) networkChart(byId(ids.network), view.network, "Trust network");
}
