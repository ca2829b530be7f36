// Building blocks of the evalkit HTML report, free of any report state: DOM builders that
// only ever create text nodes from data, number formatting, a word diff and the SVG charts.
// Loaded before report.js in the same script element.
const EvalkitWidgets = (function () {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';

  // ---- small DOM helpers -------------------------------------------------------------

  // el('td', {class: 'num', title: 'x'}, child, 'text', ...): strings become text nodes.
  function el(tag, attrs) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const key of Object.keys(attrs)) {
        const value = attrs[key];
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (let i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) child.forEach((c) => append(node, c));
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }

  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const key of Object.keys(attrs || {})) node.setAttribute(key, String(attrs[key]));
    return node;
  }

  function svgText(x, y, text, attrs) {
    const node = svgEl('text', Object.assign({x: x, y: y}, attrs || {}));
    node.textContent = text;
    return node;
  }

  // ---- formatting --------------------------------------------------------------------

  const isNum = (x) => typeof x === 'number' && isFinite(x);
  const str = (x) => (typeof x === 'string' ? x : x === undefined || x === null ? '' : String(x));
  const fixed = (x, d) => (isNum(x) ? x.toFixed(d) : '–');
  const pct = (x) => (isNum(x) ? (100 * x).toFixed(1) + '%' : '–');
  // Thousands separated by commas. (toLocaleString would load the locale data on first
  // use, a tenth of a second of the page's start.)
  const int = (x) => (isNum(x) ? String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : '–');
  const secs = (x) => (isNum(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) + ' s' : '–');
  const money = (x) => (isNum(x) ? '$' + (x < 1 ? x.toFixed(4) : x.toFixed(2)) : '–');
  const signed = (x, d) => (isNum(x) ? (x > 0 ? '+' : '') + x.toFixed(d) : '–');
  const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  const oneLine = (s) => str(s).replace(/\s+/g, ' ').trim();

  // ---- word diff ----------------------------------------------------------------------

  // Words, runs of whitespace and single punctuation marks, so "Madrid," matches "Madrid".
  const tokens = (s) => s.split(/(\s+|[\p{P}\p{S}])/u).filter((t) => t.length);

  // Longest common subsequence over words (whitespace kept as its own tokens). Returns
  // [{op: 'same'|'del'|'ins', text}]. Past a size limit only the common prefix and suffix
  // are matched, so a huge output can't freeze the page.
  function wordDiff(before, after) {
    const a = tokens(before);
    const b = tokens(after);
    let start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) start++;
    let endA = a.length, endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
    const ops = [];
    const push = (op, text) => {
      const last = ops[ops.length - 1];
      if (last && last.op === op) last.text += text; else ops.push({op: op, text: text});
    };
    for (let i = 0; i < start; i++) push('same', a[i]);
    const n = endA - start, m = endB - start;
    if (n * m > 4000000) {
      for (let i = start; i < endA; i++) push('del', a[i]);
      for (let j = start; j < endB; j++) push('ins', b[j]);
    } else {
      // table[i][j] = LCS length of a[start+i..endA) and b[start+j..endB).
      const width = m + 1;
      const table = new Uint32Array((n + 1) * width);
      for (let i = n - 1; i >= 0; i--) {
        for (let j = m - 1; j >= 0; j--) {
          table[i * width + j] = a[start + i] === b[start + j] ? table[(i + 1) * width + j + 1] + 1 :
            Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
        }
      }
      let i = 0, j = 0;
      while (i < n || j < m) {
        if (i < n && j < m && a[start + i] === b[start + j]) { push('same', a[start + i]); i++; j++; }
        else if (j < m && (i === n || table[i * width + j + 1] >= table[(i + 1) * width + j])) { push('ins', b[start + j]); j++; }
        else { push('del', a[start + i]); i++; }
      }
    }
    for (let i = endA; i < a.length; i++) push('same', a[i]);
    return ops;
  }

  // Whether two texts are alike enough in length for a word diff to help (a one-word
  // reference against a paragraph would mark nearly everything).
  function comparableForDiff(a, b) {
    const words = (s) => (s.match(/\S+/g) || []).length;
    const x = words(a), y = words(b);
    return x > 0 && y > 0 && Math.min(x, y) / Math.max(x, y) >= 0.3;
  }

  function diffView(ops, side) {
    const pre = el('pre', {class: 'diff diff-' + side});
    for (const op of ops) {
      if (op.op === 'same') pre.appendChild(document.createTextNode(op.text));
      else if (op.op === 'del' && side === 'baseline') pre.appendChild(el('del', null, op.text));
      else if (op.op === 'ins' && side === 'current') pre.appendChild(el('ins', null, op.text));
    }
    return pre;
  }

  // ---- search highlighting ----------------------------------------------------------

  // Wraps each case-insensitive occurrence of query in the text under root in <mark>.
  // Only text nodes are split; nothing is parsed as markup.
  function highlight(root, query) {
    const q = str(query).trim().toLowerCase();
    if (!q || !root) return 0;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeValue.toLowerCase().indexOf(q) >= 0 && !(n.parentNode && n.parentNode.closest('mark, textarea, select, option'))) nodes.push(n);
    }
    let marks = 0;
    for (const node of nodes) {
      const text = node.nodeValue, lower = text.toLowerCase();
      const parts = document.createDocumentFragment();
      let at = 0;
      for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
        if (i > at) parts.appendChild(document.createTextNode(text.slice(at, i)));
        parts.appendChild(el('mark', null, text.slice(i, i + q.length)));
        marks++;
        at = i + q.length;
      }
      if (at < text.length) parts.appendChild(document.createTextNode(text.slice(at)));
      node.parentNode.replaceChild(parts, node);
    }
    return marks;
  }

  // ---- statistics ---------------------------------------------------------------------

  // Linear-interpolated percentile, as the JSON report computes it.
  function percentile(values, q) {
    if (!values.length) return 0;
    const sorted = Float64Array.from(values).sort();
    const position = q * (sorted.length - 1);
    const lower = Math.floor(position), upper = Math.min(lower + 1, sorted.length - 1);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
  }

  // ---- Markdown -------------------------------------------------------------------------

  // Text safe inside a Markdown table cell or paragraph: markup characters escaped,
  // angle brackets as entities, and no @mention.
  function mdText(s) {
    return oneLine(s).replace(/[\\`*_[\]#~|]/g, '\\$&').replace(/&/g, '&amp;').replace(/</g, '&lt;')
      .replace(/>/g, '&gt;').replace(/@(?=\w)/g, '@\u2060');
  }

  // A fenced block that no run of backticks inside the text can close.
  function mdFence(s, info) {
    let longest = 0;
    for (const run of str(s).match(/`+/g) || []) longest = Math.max(longest, run.length);
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return fence + (info || '') + '\n' + str(s) + '\n' + fence;
  }

  // ---- clipboard ----------------------------------------------------------------------

  // Copies text; resolves true on success. Falls back to a selected textarea and
  // execCommand where the Clipboard API is refused (some file:// pages).
  function copyText(text) {
    const fallback = () => {
      const area = el('textarea', {class: 'copy-buffer', readonly: true});
      area.value = text;
      document.body.appendChild(area);
      area.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      area.remove();
      return ok;
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).then(() => true, () => fallback());
    }
    return Promise.resolve(fallback());
  }

  // ---- tables ---------------------------------------------------------------------------

  function simpleTable(headers, bodyRows, attrs) {
    return el('table', attrs, el('thead', null, el('tr', null, headers.map((h) =>
      el('th', {class: h.num ? 'num' : h.cls || null}, h.title || h)))), el('tbody', null, bodyRows));
  }

  // ---- charts ----------------------------------------------------------------------

  // A histogram of one scorer's values in ten bins, each bar split into the scores that
  // passed (blue) and failed (red) that scorer's own threshold. options.threshold draws
  // the threshold; options.onPick(bin) makes the bars clickable; options.picked marks one.
  function histogram(name, entries, options) {
    const opts = options || {};
    const pass = new Array(10).fill(0), fail = new Array(10).fill(0);
    for (const e of entries) {
      const bin = Math.min(9, Math.max(0, Math.floor(e.value * 10)));
      if (e.pass) pass[bin]++; else fail[bin]++;
    }
    const max = Math.max(1, ...pass.map((p, i) => p + fail[i]));
    const w = 300, h = 130, left = 34, bottom = 20, top = 8;
    const bw = (w - left - 4) / 10;
    const chart = svgEl('svg', {viewBox: '0 0 ' + w + ' ' + h, role: 'img'});
    chart.appendChild(svgEl('line', {class: 'axis', x1: left, y1: h - bottom, x2: w, y2: h - bottom}));
    chart.appendChild(svgText(left - 4, top + 8, int(max), {'text-anchor': 'end'}));
    chart.appendChild(svgText(left - 4, h - bottom, '0', {'text-anchor': 'end'}));
    const scale = (h - bottom - top) / max;
    for (let i = 0; i < 10; i++) {
      const group = svgEl('g', {class: 'bin' + (opts.picked === i ? ' picked' : ''), 'data-bin': i,
        'data-pass': pass[i], 'data-fail': fail[i]});
      const x = left + i * bw + 1;
      const failH = fail[i] * scale, passH = pass[i] * scale;
      // A full-height hit area, so a short bar is as easy to click as a tall one.
      group.appendChild(svgEl('rect', {class: 'hit', x: x - 1, y: top, width: bw, height: h - bottom - top}));
      if (failH > 0) group.appendChild(svgEl('rect', {class: 'bar fail', x: x, y: h - bottom - failH, width: bw - 2, height: failH}));
      if (passH > 0) group.appendChild(svgEl('rect', {class: 'bar pass', x: x, y: h - bottom - failH - passH, width: bw - 2, height: passH}));
      const tip = svgEl('title', {});
      tip.textContent = (i / 10).toFixed(1) + '–' + ((i + 1) / 10).toFixed(1) + ': ' + int(pass[i]) + ' passed, ' +
        int(fail[i]) + ' failed' + (opts.onPick ? ' (click to list them)' : '');
      group.appendChild(tip);
      if (opts.onPick) group.addEventListener('click', () => opts.onPick(i));
      chart.appendChild(group);
    }
    if (isNum(opts.threshold) && opts.threshold >= 0 && opts.threshold <= 1) {
      const tx = left + opts.threshold * 10 * bw;
      chart.appendChild(svgEl('line', {class: 'threshold', x1: tx, y1: top - 4, x2: tx, y2: h - bottom}));
    }
    for (const x of [0, 0.5, 1]) {
      chart.appendChild(svgText(left + x * 10 * bw, h - 5, x.toFixed(1),
        {'text-anchor': x === 0 ? 'start' : x === 1 ? 'end' : 'middle'}));
    }
    const failed = fail.reduce((a, b) => a + b, 0);
    return el('div', {class: 'chart', 'data-scorer': name}, el('h3', null, name + ' distribution'), chart,
      el('div', {class: 'legend'}, int(entries.length) + ' scores · ' + int(failed) + ' below the threshold' +
        (isNum(opts.threshold) ? ' (' + fixed(opts.threshold, 3) + ')' : '') + ' in red'));
  }

  function comparisonChart(metrics, alpha) {
    const rowH = 30, left = 170, right = 20, top = 22, w = 900;
    const h = top + rowH * metrics.length + 10;
    let lo = 0, hi = 1;
    for (const m of metrics) {
      for (const v of [m.baseline, m.current, m.baseline + m.ci_low, m.baseline + m.ci_high]) {
        if (isNum(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    }
    const x = (v) => left + (w - left - right) * (v - lo) / (hi - lo || 1);
    const chart = svgEl('svg', {viewBox: '0 0 ' + w + ' ' + h, role: 'img', id: 'comparison-chart'});
    for (let i = 0; i <= 4; i++) {
      const v = lo + (hi - lo) * i / 4;
      chart.appendChild(svgEl('line', {class: 'axis', x1: x(v), y1: top - 6, x2: x(v), y2: h - 6}));
      chart.appendChild(svgText(x(v), 12, fixed(v, 2), {'text-anchor': 'middle'}));
    }
    metrics.forEach((m, i) => {
      const y = top + rowH * i + rowH / 2;
      chart.appendChild(svgText(left - 10, y + 4, clip(str(m.metric), 24), {'text-anchor': 'end', class: 'metric-name'}));
      if (isNum(m.baseline) && isNum(m.ci_low) && isNum(m.ci_high)) {
        const x1 = x(m.baseline + m.ci_low), x2 = x(m.baseline + m.ci_high);
        chart.appendChild(svgEl('line', {class: 'whisker', x1: x1, y1: y, x2: x2, y2: y}));
        chart.appendChild(svgEl('line', {class: 'whisker', x1: x1, y1: y - 6, x2: x1, y2: y + 6}));
        chart.appendChild(svgEl('line', {class: 'whisker', x1: x2, y1: y - 6, x2: x2, y2: y + 6}));
      }
      if (isNum(m.baseline)) chart.appendChild(svgEl('circle', {class: 'base-dot', cx: x(m.baseline), cy: y, r: 5}));
      if (isNum(m.current)) {
        const verdict = str(m.verdict).replace(/[^a-z]/g, '');
        chart.appendChild(svgEl('circle', {class: 'cur-dot ' + verdict, cx: x(m.current), cy: y, r: 5}));
      }
    });
    return el('div', {class: 'chart wide'}, el('h3', null, 'Baseline vs current'), chart,
      el('div', {class: 'legend'}, '○ baseline · ● current · whiskers: baseline + confidence interval of the change at ' +
        pct(1 - (isNum(alpha) ? alpha : 0.05))));
  }

  return {el, append, svgEl, svgText, isNum, str, fixed, pct, int, secs, money, signed, clip,
    oneLine, wordDiff, comparableForDiff, diffView, highlight, percentile, mdText, mdFence, copyText, simpleTable, histogram,
    comparisonChart};
})();
