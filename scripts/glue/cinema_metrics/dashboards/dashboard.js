// Renders the dashboard from the embedded spec and data; plain JS + SVG, no libraries.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("dashboard-data").textContent);
  const spec = D.spec, data = D.data;
  const COLORS = ["#c8102e", "#1f6feb", "#f2a900", "#2da44e", "#8250df", "#e16f24", "#0e8a8a", "#bf3989", "#6b7385", "#7d4e24"];
  const state = { site: "", film: "", from: D.dateMin || "", to: D.dateMax || "" };
  const sortState = {};
  const NS = "http://www.w3.org/2000/svg";

  const nf0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const nf2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  function fmt(v, f, compact) {
    if (v === null || v === undefined || Number.isNaN(v)) return "–";
    if (f === "currency") {
      if (compact && Math.abs(v) >= 10000) return "$" + nf0.format(v / 1000) + "k";
      if (compact) return (v < 0 ? "-$" : "$") + nf0.format(Math.abs(v)); // an axis: no cents
      return (v < 0 ? "-$" : "$") + nf2.format(Math.abs(v));
    }
    // below 1 % a tenth of a point hides the differences (quarantine rates): two decimals there
    // (what rounds to 1.00 % is 1.0 %, like its neighbours)
    if (f === "percent") return (v * 100).toFixed(v !== 0 && Math.abs(v) < 0.00995 ? 2 : 1) + "%";
    if (f === "integer") return compact && Math.abs(v) >= 100000 ? nf0.format(v / 1000) + "k" : nf0.format(v);
    return typeof v === "number" ? nf2.format(v) : String(v);
  }
  // A UTC timestamp of the page ("2026-03-30T12:00:00Z") as "2026-03-30 12:00 UTC".
  function fmtTime(s) {
    return s ? String(s).replace("T", " ").replace(/:\d{2}(\.\d+)?Z$/, "") + " UTC" : "–";
  }
  function label(col, v) {
    if (v === null || v === undefined) return col === "site_id" ? "No site" : "(none)";
    if (col === "film_id") return "Film " + v;
    if (col === "site_id") return "Site " + v;
    return String(v);
  }
  function el(tag, attrs, parent) {
    const e = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    }
    if (parent) parent.appendChild(e);
    return e;
  }

  function rowsOf(ds) {
    let rows = data[ds] || [];
    for (const f of spec.filters) {
      const col = f.columns[ds];
      if (!col) continue;
      if (f.type === "date_range") {
        // a row with no date (a quarantined line whose text gives none) is not outside the range
        rows = rows.filter((r) => r[col] === null || r[col] === undefined ||
          ((!state.from || r[col] >= state.from) && (!state.to || r[col] <= state.to)));
      } else if (state[f.id]) {
        rows = rows.filter((r) => String(r[col]) === state[f.id]);
      }
    }
    return rows;
  }
  // A measure over the rows of one point, bar, segment, cell or KPI (`rows`), as the spec defines
  // it (dashboards/spec.yaml): sum; ratio = sum(num) / sum(den); share = sum(col) / the sum of col
  // over the visual's filtered rows (`all`) with the same values of the `of` columns.
  const num = (r, c) => (r[c] === null || r[c] === undefined ? 0 : Number(r[c]));
  const total = (rows, c) => rows.reduce((a, r) => a + num(r, c), 0);
  const keyOf = (r, cols) => JSON.stringify(cols.map((c) => r[c]));
  const shareTotals = new WeakMap(); // visual rows -> measure -> {of key: total}
  function shareTotal(all, m, r) {
    if (!shareTotals.has(all)) shareTotals.set(all, new Map());
    const byMeasure = shareTotals.get(all);
    if (!byMeasure.has(m)) {
      const t = new Map();
      for (const x of all) { const k = keyOf(x, m.of); t.set(k, (t.get(k) || 0) + num(x, m.columns[0])); }
      byMeasure.set(m, t);
    }
    return byMeasure.get(m).get(keyOf(r, m.of)) || 0;
  }
  function measure(rows, m, all) {
    if (m.op === "sum") return rows.length ? total(rows, m.columns[0]) : null;
    if (m.op === "ratio") {
      const den = total(rows, m.columns[1]);
      return den ? total(rows, m.columns[0]) / den : null;
    }
    // share: every row of a group has the same `of` values (they are dimensions of the visual)
    if (!rows.length) return null;
    const den = shareTotal(all || rows, m, rows[0]);
    return den ? total(rows, m.columns[0]) / den : null;
  }
  function groupBy(rows, col) {
    const g = new Map();
    for (const r of rows) {
      const k = r[col];
      if (!g.has(k)) g.set(k, []);
      g.get(k).push(r);
    }
    return g;
  }

  function drawKpi(v, box) {
    const rows = rowsOf(v.dataset);
    el("div", { class: "value", text: fmt(measure(rows, v.value), v.format) }, box);
    // sparkline of the same measure by day
    const byDay = [...groupBy(rows, "business_date").entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const pts = byDay.map(([, rs]) => measure(rs, v.value)).filter((x) => x !== null);
    const svg = el("svg:svg", { width: "100%", height: 30, viewBox: "0 0 200 30", preserveAspectRatio: "none" }, box);
    if (pts.length > 1) {
      const lo = Math.min(...pts), hi = Math.max(...pts), span = hi - lo || 1;
      const d = pts.map((p, i) => (i ? "L" : "M") + ((i / (pts.length - 1)) * 200).toFixed(1) + "," + (28 - ((p - lo) / span) * 26).toFixed(1)).join("");
      el("svg:path", { d: d, fill: "none", stroke: "#c8102e", "stroke-width": 1.5, class: "mark" }, svg);
    }
    el("div", { class: "sub", text: rows.length + " site-days" }, box);
    return pts.length + 1;
  }

  // The smallest 4 x (1, 2, 2.5 or 5 x 10^k) above the data: round gridlines ($10k, 25 %).
  function niceMax(top) {
    const raw = top / 4, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
    return step * 4;
  }

  function axes(svg, W, H, P, yMax, yFmt) {
    const g = el("svg:g", { class: "axis" }, svg);
    for (let i = 0; i <= 4; i++) {
      const y = H - P.b - ((H - P.t - P.b) * i) / 4;
      el("svg:line", { x1: P.l, x2: W - P.r, y1: y, y2: y, "stroke-dasharray": i ? "2,3" : "" }, g);
      el("svg:text", { x: P.l - 6, y: y + 3, "text-anchor": "end", text: fmt((yMax * i) / 4, yFmt, true) }, g);
    }
    return g;
  }

  function drawLine(v, box) {
    const rows = rowsOf(v.dataset);
    const xs = [...groupBy(rows, v.x).entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const W = Math.max(320, box.clientWidth - 28), H = 230, P = { l: 58, r: 12, t: 10, b: 26 };
    const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, width: "100%" }, box);
    const series = v.series.map((s) => xs.map(([, rs]) => measure(rs, s.value, rows)));
    const yMax = niceMax(Math.max(1e-9, ...series.flat().filter((x) => x !== null)));
    const g = axes(svg, W, H, P, yMax, v.format);
    const n = xs.length, step = Math.max(1, Math.ceil(n / 8));
    const X = (i) => P.l + (n > 1 ? ((W - P.l - P.r) * i) / (n - 1) : (W - P.l - P.r) / 2);
    const Y = (y) => H - P.b - ((H - P.t - P.b) * y) / yMax;
    xs.forEach(([k], i) => { if (i % step === 0) el("svg:text", { x: X(i), y: H - 8, "text-anchor": "middle", text: String(k).slice(5) }, g); });
    let marks = 0;
    series.forEach((ys, si) => {
      const d = ys.map((y, i) => (y === null ? "" : (i && ys[i - 1] !== null ? "L" : "M") + X(i).toFixed(1) + "," + Y(y).toFixed(1))).join("");
      if (d) { el("svg:path", { d: d, fill: "none", stroke: COLORS[si], "stroke-width": 2, class: "mark" }, svg); marks++; }
    });
    const lg = el("div", { class: "legend" }, box);
    v.series.forEach((s, si) => { const sp = el("span", {}, lg); el("i", { style: "background:" + COLORS[si] }, sp); sp.appendChild(document.createTextNode(s.title)); });
    return marks;
  }

  const byKey = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  // room for the longest category label (11 px text is about 7 px a character) and the gap
  const labelWidth = (col, items, least) => Math.max(least, 14 + 7 * Math.max(0, ...items.map(([k]) => label(col, k).length)));

  function drawBar(v, box) {
    const rows = rowsOf(v.dataset);
    let items = [...groupBy(rows, v.category).entries()].map(([k, rs]) => [k, measure(rs, v.value, rows), rs]);
    if (v.sort) items.sort((a, b) => byKey(a[0], b[0]) * (v.sort.descending ? -1 : 1));
    else items.sort((a, b) => b[1] - a[1]);
    if (v.limit) items = items.slice(0, v.limit);
    if (v.color) return drawColoredBar(v, box, rows, items);
    const W = Math.max(320, box.clientWidth - 28), rowH = 22, P = { l: labelWidth(v.category, items, 70), r: 80 }, H = Math.max(40, items.length * rowH + 6);
    const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, width: "100%" }, box);
    const max = Math.max(1e-9, ...items.map((x) => x[1] || 0));
    items.forEach(([k, val], i) => {
      const y = 3 + i * rowH, w = ((W - P.l - P.r) * (val || 0)) / max;
      el("svg:text", { x: P.l - 8, y: y + 14, "text-anchor": "end", class: "axis", "font-size": 11, text: label(v.category, k) }, svg);
      el("svg:rect", { x: P.l, y: y + 2, width: Math.max(1, w), height: rowH - 6, rx: 3, fill: i === 0 ? "#c8102e" : "#1f6feb", class: "mark" }, svg);
      el("svg:text", { x: P.l + w + 6, y: y + 14, "font-size": 11, fill: "#333c4f", text: fmt(val, v.format) }, svg);
    });
    return items.length;
  }

  // A bar per category with one segment per value of the color column: stacked (one bar, the
  // segments end to end) or clustered (a thin bar per segment).
  function drawColoredBar(v, box, rows, items) {
    const keys = [...new Set(rows.map((r) => r[v.color]))].sort(byKey);
    const parts = items.map(([k, , rs]) => {
      const g = groupBy(rs, v.color);
      return [k, keys.map((c) => (g.has(c) ? measure(g.get(c), v.value, rows) : null))];
    });
    const seg = v.stacked ? 16 : 9, rowH = (v.stacked ? seg : seg * keys.length) + 8;
    const W = Math.max(320, box.clientWidth - 28), P = { l: labelWidth(v.category, parts, 86), r: 80 }, H = Math.max(40, parts.length * rowH + 6);
    const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, width: "100%" }, box);
    const extent = (vals) => (v.stacked ? vals.reduce((a, x) => a + (x || 0), 0) : Math.max(0, ...vals.map((x) => x || 0)));
    const max = Math.max(1e-9, ...parts.map(([, vals]) => extent(vals)));
    const scale = (x) => ((W - P.l - P.r) * (x || 0)) / max;
    let marks = 0;
    parts.forEach(([k, vals], i) => {
      const y = 3 + i * rowH;
      el("svg:text", { x: P.l - 8, y: y + rowH / 2 + 1, "text-anchor": "end", class: "axis", "font-size": 11, text: label(v.category, k) }, svg);
      let x = P.l;
      vals.forEach((val, ci) => {
        if (val === null) return;
        const w = scale(val), top = v.stacked ? y + 2 : y + 2 + ci * seg;
        const r = el("svg:rect", { x: x, y: top, width: Math.max(0.5, w), height: seg - (v.stacked ? 0 : 1), fill: COLORS[ci % COLORS.length], class: "mark",
          "data-category": String(k), "data-color": String(keys[ci]), "data-value": String(val) }, svg);
        el("svg:title", { text: `${label(v.category, k)}, ${label(v.color, keys[ci])}: ${fmt(val, v.format)}` }, r);
        if (v.stacked) x += w;
        marks++;
      });
      if (v.stacked) el("svg:text", { x: x + 6, y: y + rowH / 2 + 1, "font-size": 11, fill: "#333c4f", text: fmt(extent(vals), v.format) }, svg);
    });
    const lg = el("div", { class: "legend" }, box);
    keys.forEach((c, ci) => { const sp = el("span", {}, lg); el("i", { style: "background:" + COLORS[ci % COLORS.length] }, sp); sp.appendChild(document.createTextNode(label(v.color, c))); });
    return marks;
  }

  function drawHeatmap(v, box) {
    const rows = rowsOf(v.dataset);
    const order = new Map();
    for (const r of rows) order.set(r[v.rows], r[v.rows_order]);
    const ys = [...order.keys()].sort((a, b) => order.get(a) - order.get(b));
    // hours run in business-day order (06:00 first); anything else (dates) in its own order
    const hours = rows.every((r) => typeof r[v.columns] === "number");
    const xs = [...new Set(rows.map((r) => r[v.columns]))].sort(hours ? (a, b) => ((a + 18) % 24) - ((b + 18) % 24) : byKey);
    const xLabel = (x) => (hours ? String(x).padStart(2, "0") : String(x).slice(5));
    const cells = new Map();
    for (const r of rows) {
      const k = r[v.rows] + "|" + r[v.columns];
      if (!cells.has(k)) cells.set(k, []);
      cells.get(k).push(r);
    }
    const W = Math.max(320, box.clientWidth - 28), P = { l: v.rows === "site_id" ? 56 : 40, t: 6, b: 20 }, cw = (W - P.l - 4) / Math.max(1, xs.length), ch = 26;
    const H = P.t + ys.length * ch + P.b;
    const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, width: "100%" }, box);
    const vals = [...cells.values()].map((rs) => measure(rs, v.value, rows) || 0);
    const max = Math.max(1e-9, ...vals);
    let marks = 0;
    ys.forEach((yk, yi) => {
      el("svg:text", { x: P.l - 6, y: P.t + yi * ch + 17, "text-anchor": "end", "font-size": 11, fill: "#6b7385", text: label(v.rows, yk) }, svg);
      xs.forEach((xk, xi) => {
        const rs = cells.get(yk + "|" + xk);
        const val = rs ? measure(rs, v.value, rows) || 0 : 0;
        const t = Math.sqrt(val / max);
        const fill = `rgb(${Math.round(255 - t * 55)},${Math.round(246 - t * 230)},${Math.round(240 - t * 194)})`;
        const r = el("svg:rect", { x: P.l + xi * cw + 1, y: P.t + yi * ch + 1, width: cw - 2, height: ch - 2, rx: 2, fill: fill, class: "mark",
          "data-row": String(yk), "data-column": String(xk), "data-value": String(val) }, svg);
        el("svg:title", { text: `${label(v.rows, yk)} ${xLabel(xk)}${hours ? ":00" : ""} — ${fmt(val, v.format)}` }, r);
        if (v.format === "percent" && cw >= 40 && val) {  // a rate is read, not only seen (blank at zero)
          el("svg:text", { x: P.l + xi * cw + cw / 2, y: P.t + yi * ch + 17, "text-anchor": "middle", "font-size": 10,
            fill: t > 0.62 ? "#fff" : "#333c4f", text: fmt(val, v.format) }, svg);
        }
        marks++;
      });
    });
    const step = hours ? 2 : Math.max(2, Math.ceil(44 / cw));  // a date label is about 40 px wide
    xs.forEach((xk, xi) => { if (xi % step === 0) el("svg:text", { x: P.l + xi * cw + cw / 2, y: H - 6, "text-anchor": "middle", "font-size": 10, fill: "#6b7385", text: xLabel(xk) }, svg); });
    return marks;
  }

  function drawTable(v, box) {
    const rows = rowsOf(v.dataset).slice();
    const s = sortState[v.id] || { column: v.sort ? v.sort.column : v.columns[0].column, desc: v.sort ? v.sort.descending : false };
    sortState[v.id] = s;
    rows.sort((a, b) => {
      const x = a[s.column], y = b[s.column];
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * (s.desc ? -1 : 1);
    });
    const wrap = el("div", { class: "tablewrap" }, box);
    const t = el("table", {}, wrap), head = el("tr", {}, el("thead", {}, t)), body = el("tbody", {}, t);
    for (const c of v.columns) {
      const num = !!c.format;
      const th = el("th", { class: (num ? "num " : "") + (c.column === s.column ? "sorted" + (s.desc ? "" : " asc") : ""), "data-column": c.column, text: c.title || c.column }, head);
      th.addEventListener("click", () => {
        sortState[v.id] = { column: c.column, desc: s.column === c.column ? !s.desc : true };
        render();
      });
    }
    const types = (D.types || {})[v.dataset] || {};
    const shown = rows.slice(0, 150);
    for (const r of shown) {
      const tr = el("tr", {}, body);
      for (const c of v.columns) {
        const val = r[c.column];
        if (types[c.column] === "timestamp") { el("td", { text: fmtTime(val) }, tr); continue; }
        const cls = (c.format ? "num" : "") + (c.format === "percent" && c.column.includes("change") && val !== null ? (val >= 0 ? " pos" : " neg") : "");
        el("td", { class: cls, text: c.format ? fmt(val, c.format) : val === null ? "–" : label(c.column, val) }, tr);
      }
    }
    el("div", { class: "note", text: `${shown.length} of ${rows.length} rows — click a header to sort` }, box);
    return shown.length;
  }

  // The newest time of the data set (every row: the filters do not apply), computed at render time
  // (D.freshness, by html.py), with its age and a warning past the limit.
  function drawFreshness(v, box) {
    const f = D.freshness[v.id];
    el("div", { class: "value", text: f.last ? fmtTime(f.last) : "none yet" }, box);
    const age = f.age_hours === null ? "" : f.age_hours < 1 ? Math.round(f.age_hours * 60) + " min" : f.age_hours.toFixed(1) + " h";
    el("div", { class: "sub", text: `${age ? age + " old" : "Nothing"} when this page was rendered, ${fmtTime(f.now)}` }, box);
    const text = f.last === null ? `⚠ No ${v.where ? v.where[1] + " " : ""}run found: the numbers are not current`
      : f.stale ? `⚠ Older than ${f.warn_after_hours} h: the numbers may be stale`
      : `✓ Within ${f.warn_after_hours} h`;
    const badge = el("div", { class: "badge " + (f.stale ? "warn" : "ok"), text: text, "data-stale": String(f.stale) }, box);
    if (f.age_hours !== null) badge.setAttribute("data-age-hours", f.age_hours.toFixed(2));
    return 1;
  }

  const DRAW = { kpi: drawKpi, line: drawLine, bar: drawBar, heatmap: drawHeatmap, table: drawTable, freshness: drawFreshness };

  function render() {
    for (const sheet of spec.sheets) {
      for (const v of sheet.visuals) {
        const sec = document.querySelector(`[data-visual-id="${v.id}"]`);
        sec.querySelectorAll(":scope > :not(h3)").forEach((n) => n.remove());
        const marks = DRAW[v.type](v, sec);
        sec.setAttribute("data-marks", String(marks));
        sec.setAttribute("data-rows", String(v.type === "freshness" ? (data[v.dataset] || []).length : rowsOf(v.dataset).length));
      }
    }
    document.body.setAttribute("data-rendered", String(Date.now()));
  }

  function controls() {
    const bar = document.querySelector(".filters");
    for (const f of spec.filters) {
      const lab = el("label", { text: f.title }, bar);
      if (f.type === "date_range") {
        for (const end of ["from", "to"]) {
          const inp = el("input", { type: "date", id: "filter-" + f.id + "-" + end, value: state[end], min: D.dateMin, max: D.dateMax }, lab);
          inp.addEventListener("change", () => { state[end] = inp.value; render(); });
        }
      } else {
        const sel = el("select", { id: "filter-" + f.id }, lab);
        el("option", { value: "", text: "All" }, sel);
        const col = Object.values(f.columns)[0];
        const values = new Set();
        for (const ds in f.columns) for (const r of data[ds] || []) values.add(r[f.columns[ds]]);
        [...values].sort((a, b) => a - b).forEach((x) => el("option", { value: String(x), text: label(col, x) }, sel));
        sel.addEventListener("change", () => { state[f.id] = sel.value; render(); });
      }
    }
  }

  // Filters can come from the URL (#site=2&film=7&from=2026-03-01&to=2026-03-07): shareable
  // views, and the browser test drives the same state -> render path through it.
  function fromHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    for (const k of ["site", "film", "from", "to"]) if (p.has(k)) state[k] = p.get(k);
    for (const f of spec.filters) {
      if (f.type === "date_range") {
        document.getElementById("filter-" + f.id + "-from").value = state.from;
        document.getElementById("filter-" + f.id + "-to").value = state.to;
      } else {
        document.getElementById("filter-" + f.id).value = state[f.id] || "";
      }
    }
  }
  window.addEventListener("hashchange", () => { fromHash(); render(); });

  controls();
  fromHash();
  render();
})();
