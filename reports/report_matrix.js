// The matrix view of the evalkit HTML report: one row per case, one column per
// (prompt, provider) cell, each cell the output coloured by its pass/fail outcome. Rows
// can be filtered (label, status, cells that disagree), sorted by disagreement, and
// opened to show the cell's trials side by side with a word diff between two columns.
// Like the trial table it draws only the visible page of rows.
const EvalkitMatrix = (function () {
  'use strict';

  const {el, str, fixed, clip, oneLine, int, wordDiff, diffView, highlight} = EvalkitWidgets;
  const PAGE_SIZE = 100;

  const NO_TRIALS = [];

  // Cases × cells from the trial rows, in the order the run planned them. A cell holds its
  // trials (one per repeat). Written to allocate little: 40,000 trials pass through here.
  function buildModel(rows) {
    const columns = [], byPrompt = new Map();
    const cases = [], caseAt = new Map();
    for (const r of rows) {
      const prompt = str(r.t.prompt_id), provider = str(r.t.provider_id);
      let byProvider = byPrompt.get(prompt);
      if (!byProvider) byPrompt.set(prompt, byProvider = new Map());
      let c = byProvider.get(provider);
      if (c === undefined) {
        c = columns.length;
        byProvider.set(provider, c);
        columns.push({prompt: prompt, provider: provider, label: prompt + ' × ' + provider});
      }
      const caseId = str(r.t.case_id);
      let entry = caseAt.get(caseId);
      if (!entry) {
        entry = {caseId: caseId, position: cases.length, labelList: r.labels, cells: [], haystack: null,
          outcomes: null, disagreement: 0, anyFail: false, anyError: false, allPass: false};
        caseAt.set(caseId, entry);
        cases.push(entry);
      } else if (r.labels !== entry.labelList) {
        // Cells of a case share their labels (the same list); merge only when they differ.
        entry.labelList = [...new Set(entry.labelList.concat(r.labels))];
      }
      const cell = entry.cells[c];
      if (cell === undefined) entry.cells[c] = [r];
      else cell.push(r);
    }
    const n = columns.length;
    for (const entry of cases) {
      const outcomes = new Array(n);
      let anyFail = false, anyError = false, allPass = true, pass = 0, fail = 0, mixed = 0;
      for (let c = 0; c < n; c++) {
        const list = entry.cells[c] || NO_TRIALS;
        const o = outcome(list);
        outcomes[c] = o;
        if (o === 'pass') pass++;
        else if (o === 'fail') fail++;
        else if (o === 'mixed') mixed++;
        anyFail = anyFail || o === 'fail' || o === 'mixed';
        for (const r of list) if (r.status === 'error') anyError = true;
        allPass = allPass && o === 'pass';
      }
      entry.outcomes = outcomes;
      // Disagreement: how many decided cells differ from the most common outcome.
      entry.disagreement = pass + fail + mixed - Math.max(pass, fail, mixed);
      entry.anyFail = anyFail;
      entry.anyError = anyError;
      entry.allPass = allPass;
    }
    return {columns: columns, cases: cases};
  }

  // A cell's outcome over its trials (repeats): pass, fail, mixed, error or none.
  function outcome(list) {
    if (!list.length) return 'none';
    let pass = 0, fail = 0;
    for (const r of list) {
      if (r.status === 'pass') pass++;
      else if (r.status === 'fail') fail++;
    }
    if (!pass && !fail) return 'error';
    return fail === 0 ? 'pass' : pass === 0 ? 'fail' : 'mixed';
  }

  // The view. ctx: {rows, state, setState(changes), reasonOf(score), openTrialHref(row)}.
  function create(ctx) {
    let model = null;
    let filtered = [];
    const section = el('section', {id: 'matrix', class: 'matrix-view'});
    const controls = {};
    let body, countLine, pagerLabel, prev, next, columnHead;

    function ensureModel() {
      if (!model) model = buildModel(ctx.rows);
      return model;
    }

    function haystack(entry) {
      if (entry.haystack === null) {
        const parts = [entry.caseId, entry.labelList.join(' ')];
        for (const list of entry.cells) for (const r of list || []) parts.push(str(r.t.output), str(r.t.error));
        entry.haystack = parts.join('\n').toLowerCase();
      }
      return entry.haystack;
    }

    function applyFilters() {
      const s = ctx.state();
      const q = str(s.q).trim().toLowerCase();
      filtered = model.cases.filter((e) =>
        (!s.label || e.labelList.indexOf(s.label) >= 0) &&
        (!s.mstatus || (s.mstatus === 'fail' ? e.anyFail : s.mstatus === 'error' ? e.anyError : e.allPass)) &&
        (!s.disagree || e.disagreement > 0) &&
        (!q || haystack(e).indexOf(q) >= 0));
      if (s.msort === 'disagree') {
        filtered.sort((a, b) => b.disagreement - a.disagreement || a.position - b.position);
      }
    }

    function scoreTitle(list) {
      const lines = [];
      for (const r of list) {
        const t = r.t;
        lines.push((list.length > 1 ? 'repeat ' + (t.repeat || 0) + ': ' : '') + r.status +
          (t.error ? ' (' + str(t.error_kind) + ': ' + clip(str(t.error), 120) + ')' : ''));
        for (const s of Array.isArray(t.scores) ? t.scores : []) {
          lines.push('  ' + str(s.name) + ' ' + fixed(s.value, 3) + ' ' + (s.error ? 'error' : s.pass ? 'pass' : 'fail'));
        }
      }
      return lines.join('\n');
    }

    function renderCell(entry, c) {
      const list = entry.cells[c] || [];
      const o = entry.outcomes[c];
      if (!list.length) return el('td', {class: 'cell none'}, '–');
      const first = list[0].t;
      const text = first.error && !first.output ? str(first.error_kind) + ': ' + str(first.error) : str(first.output);
      const passes = list.filter((r) => r.status === 'pass').length;
      return el('td', {class: 'cell ' + o, 'data-column': c, 'data-outcome': o, title: scoreTitle(list)},
        el('div', {class: 'cell-output'}, clip(oneLine(text), 140) || '(no output)'),
        list.length > 1 ? el('span', {class: 'cell-count'}, passes + '/' + list.length + ' pass') : null);
    }

    function renderDetail(entry) {
      const s = ctx.state();
      const columns = model.columns;
      const pick = (v, fallback) => {
        const n = parseInt(v, 10);
        return n >= 0 && n < columns.length ? n : fallback;
      };
      const a = pick(s.ma, 0), b = pick(s.mb, Math.min(1, columns.length - 1));
      const chooser = (key, value) => {
        const node = el('select', {'data-diff': key, 'aria-label': 'Diff column ' + key},
          columns.map((col, i) => el('option', {value: String(i)}, col.label)));
        node.value = String(value);
        node.addEventListener('change', () => ctx.setState({[key === 'a' ? 'ma' : 'mb']: node.value}));
        return node;
      };
      const textOf = (c) => {
        const list = entry.cells[c] || [];
        return list.length ? str(list[0].t.output) : '';
      };
      const ops = wordDiff(textOf(a), textOf(b));
      const box = el('div', {class: 'matrix-detail-box', 'data-case': entry.caseId},
        el('div', {class: 'diff-choice'}, 'Word diff of ', chooser('a', a), ' against ', chooser('b', b)),
        el('div', {class: 'grid matrix-diff'}, el('div', null, el('p', {class: 'section-note'}, columns[a].label), diffView(ops, 'baseline')),
          el('div', null, el('p', {class: 'section-note'}, columns[b].label), diffView(ops, 'current'))));
      const sides = el('div', {class: 'side-by-side'});
      columns.forEach((col, c) => {
        const list = entry.cells[c] || [];
        const column = el('div', {class: 'side ' + entry.outcomes[c], 'data-column': c}, el('h3', null, col.label));
        if (!list.length) column.appendChild(el('p', {class: 'empty'}, 'Not run in this cell.'));
        for (const r of list) {
          const t = r.t;
          column.appendChild(el('div', {class: 'side-trial'},
            el('p', {class: 'section-note'}, el('span', {class: 'badge ' + r.status}, r.status),
              ' ', el('a', {href: ctx.openTrialHref(r)}, 'test #' + r.number), list.length > 1 ? ' · repeat ' + (t.repeat || 0) : ''),
            t.error ? el('p', {class: 'error-text'}, str(t.error_kind) + ': ' + str(t.error)) : null,
            el('pre', {class: 'side-output'}, str(t.output)),
            el('ul', {class: 'side-scores'}, (Array.isArray(t.scores) ? t.scores : []).map((sc) =>
              el('li', {class: sc.error ? 'error' : sc.pass ? 'pass' : 'fail'}, el('b', null, str(sc.name)), ' ' + fixed(sc.value, 3) +
                ' ' + (sc.error ? 'error' : sc.pass ? 'pass' : 'fail') + (ctx.reasonOf(sc) ? ' — ' + ctx.reasonOf(sc) : ''))))));
        }
        sides.appendChild(column);
      });
      box.appendChild(sides);
      return box;
    }

    function renderRows() {
      const s = ctx.state();
      const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
      const page = Math.min(Math.max(1, parseInt(s.mpage, 10) || 1), pages);
      const first = (page - 1) * PAGE_SIZE;
      const visible = filtered.slice(first, first + PAGE_SIZE);
      const tbody = document.createElement('tbody');
      const span = model.columns.length + 1;
      for (const entry of visible) {
        const open = entry.caseId === s.mopen;
        const tr = el('tr', {class: 'matrix-row' + (open ? ' open' : '') + (entry.disagreement ? ' disagree' : ''),
          'data-case': entry.caseId, 'data-disagreement': entry.disagreement},
        el('td', {class: 'case-id'}, entry.caseId, entry.disagreement ? el('span', {class: 'badge neutral', title: 'cells disagree'}, '≠') : null),
        model.columns.map((col, c) => renderCell(entry, c)));
        tr.addEventListener('click', (e) => {
          if (e.target.closest('a, button, input, select')) return;
          ctx.setState({mopen: open ? '' : entry.caseId});
        });
        tr.tabIndex = 0;
        tr.addEventListener('keydown', (e) => {
          if ((e.key === 'Enter' || e.key === ' ') && e.target === tr) {
            e.preventDefault();
            ctx.setState({mopen: open ? '' : entry.caseId});
          }
        });
        tbody.appendChild(tr);
        if (open) tbody.appendChild(el('tr', {class: 'matrix-detail'}, el('td', {colspan: span}, renderDetail(entry))));
      }
      if (!visible.length) tbody.appendChild(el('tr', null, el('td', {colspan: span, class: 'empty'}, 'No case matches these filters.')));
      body.replaceWith(tbody);
      body = tbody;
      if (s.q) highlight(body, s.q);
      countLine.textContent = filtered.length ? 'Showing ' + int(first + 1) + '–' + int(first + visible.length) + ' of ' +
        int(filtered.length) + (filtered.length !== model.cases.length ? ' (filtered from ' + int(model.cases.length) + ')' : '') +
        ' cases' : 'No cases shown (' + int(model.cases.length) + ' in the run)';
      countLine.dataset.shown = String(filtered.length);
      countLine.dataset.total = String(model.cases.length);
      countLine.dataset.rendered = String(visible.length);
      pagerLabel.textContent = 'Page ' + page + ' of ' + pages;
      prev.disabled = page <= 1;
      next.disabled = page >= pages;
      prev.onclick = () => ctx.setState({mpage: String(page - 1)});
      next.onclick = () => ctx.setState({mpage: String(page + 1)});
    }

    function build() {
      ensureModel();
      const s = ctx.state();
      const labels = [...new Set(model.cases.flatMap((e) => e.labelList))].sort();
      const select = (key, label, options) => {
        const node = el('select', {'aria-label': label, 'data-matrix-filter': key},
          options.map((o) => el('option', {value: o[0]}, o[1])));
        node.value = str(s[key]);
        node.addEventListener('change', () => ctx.setState({[key]: node.value, mpage: '1', mopen: ''}));
        controls[key] = node;
        return node;
      };
      const disagree = el('input', {type: 'checkbox', 'data-matrix-filter': 'disagree'});
      disagree.checked = !!s.disagree;
      disagree.addEventListener('change', () => ctx.setState({disagree: disagree.checked ? '1' : '', mpage: '1', mopen: ''}));
      controls.disagree = disagree;
      countLine = el('span', {class: 'count', id: 'matrix-count'});
      prev = el('button', {type: 'button'}, '‹ Prev');
      next = el('button', {type: 'button'}, 'Next ›');
      pagerLabel = el('span');
      section.appendChild(el('div', {class: 'controls'},
        labels.length ? select('label', 'Label', [['', 'Label: all']].concat(labels.map((l) => [l, l]))) : null,
        select('mstatus', 'Status', [['', 'Cases: all'], ['fail', 'some cell fails'], ['error', 'some cell errored'], ['pass', 'every cell passes']]),
        el('label', {class: 'check'}, disagree, ' cells disagree'),
        select('msort', 'Sort', [['', 'Sort: case order'], ['disagree', 'Sort: most disagreement first']])));
      section.appendChild(el('div', {class: 'pager'}, prev, pagerLabel, next, countLine));
      columnHead = el('tr', null, el('th', {scope: 'col'}, 'Case'),
        model.columns.map((col, c) => el('th', {scope: 'col', 'data-column': c}, col.label)));
      body = document.createElement('tbody');
      section.appendChild(el('div', {class: 'matrix-scroll'},
        el('table', {class: 'matrix', id: 'matrix-table', style: '--columns: ' + model.columns.length},
          el('thead', null, columnHead), body)));
    }

    function refresh() {
      if (!section.firstChild) build();
      const s = ctx.state();
      for (const key of Object.keys(controls)) {
        if (key === 'disagree') controls[key].checked = !!s.disagree;
        else controls[key].value = str(s[key]);
      }
      applyFilters();
      renderRows();
    }

    return {section: section, refresh: refresh, columnCount: () => ensureModel().columns.length};
  }

  return {create, buildModel};
})();
