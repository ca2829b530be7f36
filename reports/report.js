// evalkit HTML report: draws the run held in #evalkit-data. Every piece of text from the
// document is untrusted (model output, case text, suite names) and reaches the page only
// through createElement/textContent, never as markup.
(function () {
  'use strict';

  const {el, append, isNum, str, fixed, pct, int, secs, money, signed, clip, oneLine, wordDiff,
    diffView, histogram, comparisonChart} = EvalkitWidgets;
  const PAGE_SIZE = 100;
  const data = JSON.parse(document.getElementById('evalkit-data').textContent);
  const run = data.run || {};
  const summary = data.summary || {};
  const comparison = data.comparison && typeof data.comparison === 'object' ? data.comparison : null;
  const trials = Array.isArray(data.trials) ? data.trials : [];
  // Values repeated across trials (requests, variables, references, labels, score
  // reasons, details and signatures) are stored once in data.shared; a trial holds the index.
  const shared = Array.isArray(data.shared) ? data.shared : [];
  function sharedValue(v) {
    return Number.isInteger(v) && v >= 0 && v < shared.length ? shared[v] : v;
  }
  const labelLists = new Map();
  function labelsOf(v) {
    if (!labelLists.has(v)) {
      const list = sharedValue(v);
      labelLists.set(v, Array.isArray(list) ? list.map(str) : []);
    }
    return labelLists.get(v);
  }

  // ---- the trial model used by the table ---------------------------------------------

  function trialStatus(t) {
    const kind = str(t.error_kind);
    if (kind === 'budget' || kind === 'cancelled') return 'skipped';
    if (kind || str(t.error)) return 'error';
    return t.pass ? 'pass' : 'fail';
  }

  function trialChange(t) {
    const b = t.baseline;
    if (!b || typeof b !== 'object') return comparison ? 'new' : '';
    if (b.pass && !t.pass) return 'regressed';
    if (!b.pass && t.pass) return 'fixed';
    return 'same';
  }

  const rows = trials.map((t, position) => {
    const scores = Array.isArray(t.scores) ? t.scores : [];
    const failing = scores.filter((s) => !s.pass || s.error).map((s) => str(s.name));
    return {
      t: t,
      position: position,
      index: isNum(t.index) ? t.index : position,
      status: trialStatus(t),
      change: trialChange(t),
      failing: failing,
      labels: labelsOf(t.labels),
      haystack: null,
    };
  });

  function haystack(row) {
    if (row.haystack === null) {
      const t = row.t;
      row.haystack = [t.case_id, t.prompt_id, t.provider_id, t.output, t.error, row.labels.join(' '),
        row.failing.join(' ')].map(str).join('\n').toLowerCase();
    }
    return row.haystack;
  }

  const STATUS_ORDER = {error: 0, fail: 1, skipped: 2, pass: 3};
  const CHANGE_ORDER = {regressed: 0, fixed: 1, new: 2, same: 3, '': 4};
  const COLUMNS = [
    {key: 'index', title: '#', num: true, value: (r) => r.index},
    {key: 'status', title: 'Status', value: (r) => STATUS_ORDER[r.status]},
    {key: 'change', title: 'Change', value: (r) => CHANGE_ORDER[r.change], compared: true},
    {key: 'case', title: 'Case', value: (r) => str(r.t.case_id)},
    {key: 'prompt', title: 'Prompt', value: (r) => str(r.t.prompt_id)},
    {key: 'provider', title: 'Provider', value: (r) => str(r.t.provider_id)},
    {key: 'labels', title: 'Labels', value: (r) => r.labels.join(',')},
    {key: 'score', title: 'Score', num: true, value: (r) => (isNum(r.t.weighted_score) ? r.t.weighted_score : -1)},
    {key: 'latency', title: 'Latency', num: true, value: (r) => (isNum(r.t.latency_s) ? r.t.latency_s : -1)},
    {key: 'failing', title: 'Failing scorers', value: (r) => r.failing.join(',')},
    {key: 'output', title: 'Output', value: (r) => str(r.t.output)},
  ].filter((c) => !c.compared || comparison);

  // ---- view state, mirrored in location.hash ------------------------------------------

  const DEFAULT_STATE = {q: '', status: '', label: '', scorer: '', change: '',
    sort: comparison ? 'change' : 'index', dir: 'asc', page: 1, open: ''};
  let state = Object.assign({}, DEFAULT_STATE);

  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const next = Object.assign({}, DEFAULT_STATE);
    for (const key of Object.keys(DEFAULT_STATE)) {
      if (params.has(key)) next[key] = params.get(key);
    }
    next.page = Math.max(1, parseInt(next.page, 10) || 1);
    if (!COLUMNS.some((c) => c.key === next.sort)) next.sort = DEFAULT_STATE.sort;
    if (next.dir !== 'desc') next.dir = 'asc';
    return next;
  }

  function writeHash() {
    const params = new URLSearchParams();
    for (const key of Object.keys(DEFAULT_STATE)) {
      if (String(state[key]) !== String(DEFAULT_STATE[key])) params.set(key, state[key]);
    }
    const hash = params.toString();
    history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
  }

  // ---- header, summary, charts --------------------------------------------------------

  function renderHeader() {
    const providers = (Array.isArray(run.providers) ? run.providers : []).map((p) =>
      [str(p.id), p.model ? ' (' + str(p.model) + (p.type ? ', ' + str(p.type) : '') + ')' : ''].join(''));
    const status = str(run.status) || 'complete';
    const header = el('header', null,
      el('h1', {id: 'suite-name'}, str(run.suite) || 'evalkit run'),
      run.description ? el('p', {class: 'description'}, str(run.description)) : null,
      el('div', {class: 'meta'},
        el('span', null, 'Run ', el('b', {class: 'mono'}, str(run.id) || '–')),
        el('span', null, el('span', {class: 'badge ' + status.replace(/[^a-z]/g, '')}, status),
          run.status_reason ? ' ' + str(run.status_reason) : ''),
        el('span', null, 'Started ', el('b', null, str(run.started_at) || '–')),
        el('span', null, 'Duration ', el('b', null, secs(run.duration_s))),
        el('span', null, 'Providers ', el('b', null, providers.join(', ') || '–')),
        el('span', null, 'Commit ', el('b', {class: 'mono'}, str(run.git_commit).slice(0, 12) || '–')),
        el('span', null, 'evalkit ', el('b', null, str(data.evalkit_version) || '–'))));
    if (comparison) {
      const verdict = str(comparison.verdict);
      const base = comparison.baseline || {};
      header.appendChild(el('div', {class: 'banner ' + (verdict === 'regressed' ? 'regressed' : 'pass'), id: 'verdict'},
        verdict === 'regressed' ? 'Regressed' : 'No regression',
        ' against baseline ', str(base.name) || str(base.run_id) || '–',
        base.name && base.run_id ? ' (' + str(base.run_id) + ')' : ''));
    }
    return header;
  }

  function card(label, value, sub) {
    return el('div', {class: 'card'}, el('div', {class: 'label', title: label}, label),
      el('div', {class: 'value'}, value), sub ? el('div', {class: 'sub'}, sub) : null);
  }

  function renderCards() {
    const cards = el('section', {class: 'cards', id: 'summary'});
    const trialsCount = isNum(summary.trials) ? summary.trials : trials.length;
    cards.appendChild(card('Pass rate', pct(summary.pass_rate),
      int(summary.passed) + ' passed · ' + int(summary.failed) + ' failed · ' + int(summary.errors) +
      ' errors of ' + int(trialsCount)));
    for (const s of Array.isArray(data.scorers) ? data.scorers : []) {
      const corpus = s.corpus && typeof s.corpus === 'object' && isNum(s.corpus.score) ?
        'corpus ' + fixed(s.corpus.score, 2) + ' · ' : '';
      cards.appendChild(card(str(s.name) + ' mean', fixed(s.mean, 3),
        corpus + 'pass ' + pct(s.pass_rate) + (s.errors ? ' · ' + int(s.errors) + ' errors' : '')));
    }
    cards.appendChild(card('Tokens', int((summary.prompt_tokens || 0) + (summary.completion_tokens || 0)),
      int(summary.prompt_tokens) + ' prompt · ' + int(summary.completion_tokens) + ' completion'));
    cards.appendChild(card('Cost', money(summary.cost_usd)));
    cards.appendChild(card('Latency p50 / p95', secs(summary.latency_p50_s), 'p95 ' + secs(summary.latency_p95_s)));
    return cards;
  }

  function renderCharts() {
    const byScorer = new Map();
    for (const t of trials) {
      for (const s of Array.isArray(t.scores) ? t.scores : []) {
        if (s.error || !isNum(s.value)) continue;
        const name = str(s.name);
        if (!byScorer.has(name)) byScorer.set(name, []);
        byScorer.get(name).push(s.value);
      }
    }
    const charts = el('div', {class: 'charts'});
    if (comparison && Array.isArray(comparison.metrics) && comparison.metrics.length) {
      charts.appendChild(comparisonChart(comparison.metrics, comparison.alpha));
    }
    for (const [name, values] of byScorer) charts.appendChild(histogram(name, values));
    return el('section', {id: 'charts'}, el('h2', null, 'Scores'), charts);
  }

  // ---- comparison tables --------------------------------------------------------------

  function simpleTable(headers, bodyRows, attrs) {
    return el('table', attrs, el('thead', null, el('tr', null, headers.map((h) =>
      el('th', {class: h.num ? 'num' : null}, h.title || h)))), el('tbody', null, bodyRows));
  }

  function caseLink(caseId) {
    // A fragment link: it only changes the filter, never navigates away.
    return el('a', {href: '#q=' + encodeURIComponent(caseId)}, caseId);
  }

  function outputCell(text) {
    const s = str(text);
    return s ? el('td', {class: 'output', title: clip(s, 2000)}, clip(oneLine(s), 200)) :
      el('td', {class: 'output empty-output'}, '(no output)');
  }

  function verdictBadge(verdict) {
    const v = str(verdict);
    const cls = v === 'regressed' ? 'regressed' : v === 'improved' ? 'improved' : 'neutral';
    return el('span', {class: 'badge ' + cls}, v || '–');
  }

  function renderComparison() {
    const section = el('section', {id: 'comparison'});
    const metrics = Array.isArray(comparison.metrics) ? comparison.metrics : [];
    section.appendChild(el('h2', null, 'Gate verdicts'));
    section.appendChild(simpleTable(
      ['Metric', 'Kind', {title: 'Baseline', num: true}, {title: 'Current', num: true}, {title: 'Δ', num: true},
        {title: 'CI of Δ', num: true}, {title: 'p', num: true}, {title: 'p (Holm)', num: true}, 'Test',
        {title: 'Pairs', num: true}, 'Gate', 'Verdict', 'Note'],
      metrics.map((m) => el('tr', null,
        el('td', null, el('b', null, str(m.metric))), el('td', null, str(m.kind)),
        el('td', {class: 'num'}, fixed(m.baseline, 3)), el('td', {class: 'num'}, fixed(m.current, 3)),
        el('td', {class: 'num'}, signed(m.delta, 3)),
        el('td', {class: 'num'}, '[' + signed(m.ci_low, 3) + ', ' + signed(m.ci_high, 3) + ']'),
        el('td', {class: 'num'}, fixed(m.p_value, 3)), el('td', {class: 'num'}, fixed(m.p_adjusted, 3)),
        el('td', null, str(m.test)), el('td', {class: 'num'}, int(m.n_pairs)),
        el('td', null, [isNum(m.max_drop) ? 'max drop ' + fixed(m.max_drop, 3) : '', isNum(m.min) ? 'min ' + fixed(m.min, 3) : '']
          .filter(Boolean).join(', ')),
        el('td', null, verdictBadge(m.verdict)), el('td', null, str(m.note)))),
      {id: 'gate-table'}));

    const regressions = el('div', {id: 'regressions'});
    section.appendChild(regressions);
    const flipped = Array.isArray(comparison.flipped) ? comparison.flipped : [];
    const regressed = flipped.filter((f) => f.baseline_pass && !f.current_pass);
    const fixed_ = flipped.filter((f) => !f.baseline_pass && f.current_pass);
    regressions.appendChild(el('h2', null, 'Regressed and flipped cases'));
    regressions.appendChild(el('p', {class: 'section-note'}, int(regressed.length) + ' pass → fail · ' +
      int(fixed_.length) + ' fail → pass. Click a case to filter the table below.'));
    const shown = regressed.concat(fixed_).slice(0, 10);
    regressions.appendChild(flipped.length ? simpleTable(['Case', 'Prompt', 'Provider', 'Change', 'Baseline output', 'Current output'],
      shown.map((f) => el('tr', {class: 'flip-row'},
        el('td', {class: 'case-id'}, caseLink(str(f.case_id))), el('td', null, str(f.prompt_id)),
        el('td', null, str(f.provider_id)),
        el('td', null, f.current_pass ? el('span', {class: 'badge pass'}, 'fail → pass') :
          el('span', {class: 'badge fail'}, 'pass → fail')),
        outputCell(f.baseline_output), outputCell(f.current_output))),
      {id: 'flipped-table'}) : el('p', {class: 'empty'}, 'No case changed between pass and fail.'));
    if (flipped.length > shown.length) {
      regressions.appendChild(el('p', {class: 'section-note'}, 'Showing ' + shown.length + ' of ' + int(flipped.length) +
        '; ', el('a', {href: '#change=regressed'}, 'show every regressed trial'), ' in the table below.'));
    }

    const drops = Array.isArray(comparison.largest_drops) ? comparison.largest_drops : [];
    if (drops.length) {
      regressions.appendChild(el('h3', null, 'Largest score drops'));
      regressions.appendChild(simpleTable(['Metric', 'Case', 'Provider', {title: 'Baseline', num: true},
        {title: 'Current', num: true}, {title: 'Δ', num: true}, 'Current output'],
      drops.slice(0, 10).map((d) => el('tr', null, el('td', null, str(d.metric)),
        el('td', {class: 'case-id'}, caseLink(str(d.case_id))), el('td', null, str(d.provider_id)),
        el('td', {class: 'num'}, fixed(d.baseline, 3)), el('td', {class: 'num'}, fixed(d.current, 3)),
        el('td', {class: 'num'}, signed(d.delta, 3)),
        outputCell(d.current_output))), {id: 'drops-table'}));
    }
    const onlyBase = Array.isArray(comparison.only_in_baseline) ? comparison.only_in_baseline : [];
    const onlyCur = Array.isArray(comparison.only_in_current) ? comparison.only_in_current : [];
    if (onlyBase.length || onlyCur.length) {
      const names = (list) => list.slice(0, 20).map((k) => str(k.case_id)).join(', ') + (list.length > 20 ? ', …' : '');
      regressions.appendChild(el('p', {class: 'section-note'},
        onlyBase.length ? 'Only in baseline (' + int(onlyBase.length) + '): ' + names(onlyBase) + '. ' : '',
        onlyCur.length ? 'Only in this run (' + int(onlyCur.length) + '): ' + names(onlyCur) + '.' : ''));
    }
    return section;
  }

  // ---- trial detail -------------------------------------------------------------------

  function judgeNotes(details) {
    if (!details || typeof details !== 'object') return null;
    const keys = ['verdict', 'reason', 'reasoning', 'explanation', 'rationale'].filter((k) => details[k] !== undefined && details[k] !== null && details[k] !== '');
    if (!keys.length) return null;
    return el('div', {class: 'judge'}, keys.map((k) => el('div', null, el('b', null, k + ': '),
      typeof details[k] === 'string' ? details[k] : JSON.stringify(details[k]))));
  }

  function renderDetail(row) {
    const t = row.t;
    const box = el('div', {class: 'trial-detail', 'data-index': row.index});
    const recorded = sharedValue(t.request);
    const request = recorded && typeof recorded === 'object' ? recorded : {};
    const messages = Array.isArray(request.messages) ? request.messages : [];
    const left = el('div', null, el('h3', null, 'Prompt'),
      messages.length ? messages.map((m) => el('div', {class: 'message'}, el('div', {class: 'role'}, str(m.role)),
        el('pre', null, typeof m.content === 'string' ? m.content : JSON.stringify(m.content, null, 2)))) :
        el('p', {class: 'empty'}, 'No messages recorded.'));
    const vars = sharedValue(t.vars);
    if (vars && typeof vars === 'object' && Object.keys(vars).length) {
      left.appendChild(el('h3', null, 'Variables'));
      left.appendChild(el('pre', null, JSON.stringify(vars, null, 2)));
    }
    const reference = sharedValue(t.expected);
    const expected = Array.isArray(reference) ? reference : reference ? [reference] : [];
    const right = el('div', null, el('h3', null, 'Output'), el('pre', {class: 'trial-output'}, str(t.output)),
      t.error ? el('p', {class: 'error-text'}, str(t.error_kind) + ': ' + str(t.error)) : null,
      el('h3', null, 'Expected'), expected.length ? expected.map((e) => el('pre', null, str(e))) : el('p', {class: 'empty'}, 'No reference.'),
      el('p', {class: 'section-note'}, 'finish ' + (str(t.finish_reason) || '–') + ' · latency ' + secs(t.latency_s) +
        ' · ' + int(t.prompt_tokens) + ' + ' + int(t.completion_tokens) + ' tokens · ' + int(t.attempts) + ' attempt(s)' +
        (t.cached ? ' · cached' : '')));
    box.appendChild(el('div', {class: 'grid'}, left, right));

    const scores = Array.isArray(t.scores) ? t.scores : [];
    box.appendChild(el('h3', null, 'Scores'));
    box.appendChild(scores.length ? simpleTable(['Scorer', {title: 'Value', num: true}, 'Result', 'Reason', 'Signature'],
      scores.map((s) => el('tr', null, el('td', null, el('b', null, str(s.name))),
        el('td', {class: 'num'}, fixed(s.value, 3)),
        el('td', null, el('span', {class: 'badge ' + (s.error ? 'error' : s.pass ? 'pass' : 'fail')}, s.error ? 'error' : s.pass ? 'pass' : 'fail')),
        el('td', null, str(sharedValue(s.reason)), judgeNotes(sharedValue(s.details))), el('td', {class: 'mono'}, str(sharedValue(s.signature)))))) :
      el('p', {class: 'empty'}, 'No scores.'));

    const b = t.baseline;
    if (b && typeof b === 'object') {
      const ops = wordDiff(str(b.output), str(t.output));
      const baseScores = b.scores && typeof b.scores === 'object' ? Object.keys(b.scores).map((k) => k + ' ' + fixed(b.scores[k], 3)).join(' · ') : '';
      box.appendChild(el('h3', null, 'Baseline vs current'));
      box.appendChild(el('div', {class: 'grid baseline-diff'},
        el('div', null, el('p', {class: 'section-note'}, 'Baseline ', el('span', {class: 'badge ' + (b.pass ? 'pass' : 'fail')}, b.pass ? 'pass' : 'fail'),
          ' score ' + fixed(b.weighted_score, 3) + (baseScores ? ' · ' + baseScores : '')), diffView(ops, 'baseline')),
        el('div', null, el('p', {class: 'section-note'}, 'Current ', el('span', {class: 'badge ' + row.status}, row.status),
          ' score ' + fixed(t.weighted_score, 3)), diffView(ops, 'current'))));
    }
    return box;
  }

  // ---- the case table -----------------------------------------------------------------

  let filtered = rows;
  let tableBody, countLine, pager, headerCells = {}, controls = {};

  function applyFilters() {
    const q = state.q.trim().toLowerCase();
    filtered = rows.filter((r) =>
      (!state.status || r.status === state.status) &&
      (!state.label || r.labels.indexOf(state.label) >= 0) &&
      (!state.scorer || r.failing.indexOf(state.scorer) >= 0) &&
      (!state.change || r.change === state.change) &&
      (!q || haystack(r).indexOf(q) >= 0));
    const column = COLUMNS.find((c) => c.key === state.sort) || COLUMNS[0];
    const sign = state.dir === 'desc' ? -1 : 1;
    const keyed = filtered.map((r) => [column.value(r), r]);
    keyed.sort((x, y) => {
      const a = x[0], b = y[0];
      const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
      return order !== 0 ? sign * order : x[1].position - y[1].position;
    });
    filtered = keyed.map((k) => k[1]);
  }

  function renderRow(r) {
    const t = r.t;
    const tr = el('tr', {class: 'case-row' + (String(r.index) === state.open ? ' open' : ''), 'data-index': r.index, 'data-status': r.status});
    for (const c of COLUMNS) {
      let cell;
      switch (c.key) {
        case 'index': cell = el('td', {class: 'num'}, String(r.index)); break;
        case 'status': cell = el('td', null, el('span', {class: 'badge ' + r.status}, r.status)); break;
        case 'change': cell = el('td', null, r.change === 'regressed' ? el('span', {class: 'badge fail'}, 'regressed') :
          r.change === 'fixed' ? el('span', {class: 'badge pass'}, 'fixed') : r.change); break;
        case 'case': cell = el('td', {class: 'case-id'}, str(t.case_id), t.repeat ? ' #' + t.repeat : ''); break;
        case 'prompt': cell = el('td', null, str(t.prompt_id)); break;
        case 'provider': cell = el('td', null, str(t.provider_id)); break;
        case 'labels': cell = el('td', {class: 'labels'}, r.labels.map((l) => el('span', null, l))); break;
        case 'score': cell = el('td', {class: 'num'}, fixed(t.weighted_score, 3)); break;
        case 'latency': cell = el('td', {class: 'num'}, secs(t.latency_s)); break;
        case 'failing': cell = el('td', null, r.failing.join(', ')); break;
        case 'output': cell = el('td', {class: 'output'}, clip(oneLine(t.error && !t.output ? t.error : t.output), 160)); break;
      }
      tr.appendChild(cell);
    }
    tr.addEventListener('click', () => {
      state.open = state.open === String(r.index) ? '' : String(r.index);
      writeHash();
      renderRows();
    });
    return tr;
  }

  function renderRows() {
    const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages);
    const first = (state.page - 1) * PAGE_SIZE;
    const visible = filtered.slice(first, first + PAGE_SIZE);
    const body = document.createElement('tbody');
    for (const r of visible) {
      body.appendChild(renderRow(r));
      if (String(r.index) === state.open) {
        body.appendChild(el('tr', {class: 'detail'}, el('td', {colspan: COLUMNS.length}, renderDetail(r))));
      }
    }
    if (!visible.length) body.appendChild(el('tr', null, el('td', {colspan: COLUMNS.length, class: 'empty'}, 'No trial matches these filters.')));
    tableBody.replaceWith(body);
    tableBody = body;

    countLine.textContent = filtered.length ?
      'Showing ' + int(first + 1) + '–' + int(first + visible.length) + ' of ' + int(filtered.length) +
        (filtered.length !== rows.length ? ' (filtered from ' + int(rows.length) + ')' : '') + ' trials' :
      'No trials shown (' + int(rows.length) + ' in the run)';
    countLine.dataset.shown = String(filtered.length);
    countLine.dataset.total = String(rows.length);
    countLine.dataset.rendered = String(visible.length);
    pager.label.textContent = 'Page ' + state.page + ' of ' + pages;
    pager.prev.disabled = state.page <= 1;
    pager.next.disabled = state.page >= pages;
    for (const c of COLUMNS) {
      headerCells[c.key].setAttribute('aria-sort', c.key === state.sort ? (state.dir === 'desc' ? 'descending' : 'ascending') : 'none');
    }
  }

  function refresh() {
    applyFilters();
    renderRows();
  }

  function syncControls() {
    for (const key of Object.keys(controls)) controls[key].value = state[key];
  }

  function select(key, label, options) {
    const node = el('select', {'aria-label': label, 'data-filter': key}, el('option', {value: ''}, label + ': all'),
      options.map((o) => el('option', {value: o}, o)));
    node.addEventListener('change', () => { state[key] = node.value; state.page = 1; writeHash(); refresh(); });
    controls[key] = node;
    return node;
  }

  function renderCaseTable() {
    const section = el('section', {id: 'cases'}, el('h2', null, 'Trials'));
    const labels = [...new Set(rows.flatMap((r) => r.labels))].sort();
    const scorers = [...new Set(rows.flatMap((r) => r.failing))].sort();
    const search = el('input', {type: 'search', placeholder: 'Search case, output, error, label…', 'aria-label': 'Search', id: 'search'});
    let timer = 0;
    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => { state.q = search.value; state.page = 1; state.open = ''; writeHash(); refresh(); }, 120);
    });
    controls.q = search;
    const bar = el('div', {class: 'controls'}, search,
      select('status', 'Status', ['pass', 'fail', 'error', 'skipped']),
      labels.length ? select('label', 'Label', labels) : null,
      scorers.length ? select('scorer', 'Failing scorer', scorers) : null,
      comparison ? select('change', 'Change', ['regressed', 'fixed', 'same', 'new']) : null);
    section.appendChild(bar);

    countLine = el('span', {class: 'count', id: 'case-count'});
    const prev = el('button', {type: 'button'}, '‹ Prev');
    const next = el('button', {type: 'button'}, 'Next ›');
    const label = el('span');
    prev.addEventListener('click', () => { state.page--; writeHash(); renderRows(); });
    next.addEventListener('click', () => { state.page++; writeHash(); renderRows(); });
    pager = {prev: prev, next: next, label: label};
    section.appendChild(el('div', {class: 'pager'}, prev, label, next, countLine));

    const headRow = el('tr');
    for (const c of COLUMNS) {
      const th = el('th', {class: c.num ? 'num' : null, 'data-key': c.key, scope: 'col'}, c.title);
      th.addEventListener('click', () => {
        if (state.sort === c.key) state.dir = state.dir === 'asc' ? 'desc' : 'asc';
        else { state.sort = c.key; state.dir = c.num ? 'desc' : 'asc'; }
        state.page = 1;
        writeHash();
        refresh();
      });
      headerCells[c.key] = th;
      headRow.appendChild(th);
    }
    tableBody = document.createElement('tbody');
    section.appendChild(el('table', {class: 'cases', id: 'case-table'}, el('thead', null, headRow), tableBody));
    return section;
  }

  // ---- assemble -----------------------------------------------------------------------

  const app = document.getElementById('app');
  app.appendChild(renderHeader());
  app.appendChild(renderCards());
  if (comparison) app.appendChild(renderComparison());
  app.appendChild(renderCharts());
  app.appendChild(renderCaseTable());

  // A link may name an open trial without its page: show the page that holds it.
  function loadHash() {
    state = readHash();
    syncControls();
    applyFilters();
    if (state.open) {
      const at = filtered.findIndex((r) => String(r.index) === state.open);
      if (at >= 0) state.page = Math.floor(at / PAGE_SIZE) + 1;
    }
    renderRows();
  }

  loadHash();
  window.addEventListener('hashchange', loadHash);

  if (state.open) {
    const open = tableBody.querySelector('tr.open');
    if (open) open.scrollIntoView({block: 'center'});
  }
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
})();
