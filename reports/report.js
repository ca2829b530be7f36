// evalkit HTML report: draws the run held in #evalkit-data. Every piece of text from the
// document is untrusted (model output, case text, suite names, imported review comments)
// and reaches the page only through createElement/textContent, never as markup.
(function () {
  'use strict';

  const {el, isNum, str, fixed, pct, int, secs, signed, clip, oneLine, wordDiff, comparableForDiff, diffView, highlight,
    copyText, simpleTable, histogram, comparisonChart} = EvalkitWidgets;
  const PAGE_SIZE = 100;
  const data = JSON.parse(document.getElementById('evalkit-data').textContent);
  const run = data.run || {};
  const comparison = data.comparison && typeof data.comparison === 'object' ? data.comparison : null;
  // Values repeated across trials (requests, variables, references, labels, score
  // reasons, details and signatures) are stored once in data.shared; a trial holds the index.
  const shared = Array.isArray(data.shared) ? data.shared : [];
  function sharedValue(v) {
    return Number.isInteger(v) && v >= 0 && v < shared.length ? shared[v] : v;
  }
  const trials = decodeTrials(data);

  // The page stores each trial (and score, and baseline) as an array in the order of
  // data.trial_fields (score_fields, baseline_fields); this turns them back into objects.
  // The properties are written out (not copied in a loop by name) so that every trial
  // object has one shape, which keeps 40,000 of them quick to build and read.
  function decodeTrials(d) {
    if (!Array.isArray(d.trials)) return [];
    const at = (fields) => {
      const names = Array.isArray(fields) ? fields.map(str) : [];
      return (name) => names.indexOf(name);
    };
    const T = at(d.trial_fields), S = at(d.score_fields), B = at(d.baseline_fields);
    const v = (a, i) => (i >= 0 && i < a.length && a[i] !== null ? a[i] : undefined);
    const ti = {index: T('index'), case_id: T('case_id'), prompt_id: T('prompt_id'), provider_id: T('provider_id'),
      pass: T('pass'), weighted_score: T('weighted_score'), output: T('output'), scores: T('scores'),
      latency_s: T('latency_s'), prompt_tokens: T('prompt_tokens'), completion_tokens: T('completion_tokens'),
      cost_usd: T('cost_usd'), attempts: T('attempts'), finish_reason: T('finish_reason'), labels: T('labels'),
      vars: T('vars'), expected: T('expected'), request: T('request'), baseline: T('baseline'), repeat: T('repeat'),
      error: T('error'), error_kind: T('error_kind'), cached: T('cached'), annotation: T('annotation')};
    const si = {name: S('name'), value: S('value'), pass: S('pass'), reason: S('reason'), signature: S('signature'),
      details: S('details'), error: S('error')};
    const bi = {output: B('output'), pass: B('pass'), weighted_score: B('weighted_score'), scores: B('scores')};
    const score = (s) => (Array.isArray(s) ? {name: sharedValue(v(s, si.name)), value: v(s, si.value), pass: !!v(s, si.pass),
      reason: v(s, si.reason), signature: v(s, si.signature), details: v(s, si.details), error: !!v(s, si.error)} : s);
    const baseline = (b) => {
      if (!Array.isArray(b)) return b;
      const scores = sharedValue(v(b, bi.scores));
      return {output: v(b, bi.output), pass: !!v(b, bi.pass), weighted_score: v(b, bi.weighted_score),
        scores: scores && typeof scores === 'object' ? scores : {}};
    };
    return d.trials.map((a) => {
      if (!Array.isArray(a)) return a && typeof a === 'object' ? a : {};
      const scores = v(a, ti.scores);
      return {index: v(a, ti.index), case_id: sharedValue(v(a, ti.case_id)), prompt_id: sharedValue(v(a, ti.prompt_id)),
        provider_id: sharedValue(v(a, ti.provider_id)), pass: !!v(a, ti.pass), weighted_score: v(a, ti.weighted_score),
        output: v(a, ti.output), scores: Array.isArray(scores) ? scores.map(score) : [],
        latency_s: v(a, ti.latency_s), prompt_tokens: v(a, ti.prompt_tokens), completion_tokens: v(a, ti.completion_tokens),
        cost_usd: v(a, ti.cost_usd), attempts: v(a, ti.attempts), finish_reason: sharedValue(v(a, ti.finish_reason)),
        labels: v(a, ti.labels), vars: v(a, ti.vars), expected: v(a, ti.expected), request: v(a, ti.request),
        baseline: baseline(v(a, ti.baseline)), repeat: v(a, ti.repeat), error: v(a, ti.error),
        error_kind: sharedValue(v(a, ti.error_kind)), cached: !!v(a, ti.cached), annotation: v(a, ti.annotation)};
    });
  }

  const labelLists = new Map();
  function labelsOf(v) {
    if (!labelLists.has(v)) {
      const list = sharedValue(v);
      labelLists.set(v, Array.isArray(list) ? list.map(str) : []);
    }
    return labelLists.get(v);
  }
  const reasonOf = (s) => str(sharedValue(s.reason));
  const passRule = run.config && run.config.pass && typeof run.config.pass === 'object' ? run.config.pass : {};

  // ---- the trial model ------------------------------------------------------------------

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

  // Why a trial did not pass, in one line: the first failing scorer with its value and
  // reason, or the error. A passing trial has none, even if an informational scorer failed.
  function whyNot(t, status, failing) {
    if (status === 'error' || status === 'skipped') return str(t.error_kind) + (t.error ? ': ' + str(t.error) : '');
    if (status !== 'fail') return '';
    if (!failing.length) {
      return 'weighted score ' + fixed(t.weighted_score, 3) +
        (isNum(passRule.min_weighted_score) ? ' below ' + fixed(passRule.min_weighted_score, 3) : '');
    }
    const s = failing[0];
    const reason = reasonOf(s);
    return str(s.name) + ' ' + fixed(s.value, 3) + (reason ? ': ' + reason : '');
  }

  const NONE = [];
  const rows = trials.map((t, position) => {
    const scores = Array.isArray(t.scores) ? t.scores : NONE;
    const status = trialStatus(t);
    const failingScores = status === 'fail' ? scores.filter((s) => !s.pass || s.error) : NONE;
    const index = isNum(t.index) ? t.index : position;
    return {
      t: t,
      position: position,
      index: index,
      number: index + 1,  // the console's "Test #N"
      status: status,
      change: trialChange(t),
      failing: failingScores.length ? failingScores.map((s) => str(s.name)) : NONE,
      why: whyNot(t, status, failingScores),
      labels: labelsOf(t.labels),
      haystack: null,
    };
  });
  const rowByNumber = new Map(rows.map((r) => [String(r.number), r]));
  const distinct = (f) => [...new Set(rows.map(f))].sort();
  const promptIds = distinct((r) => str(r.t.prompt_id));
  const providerIds = distinct((r) => str(r.t.provider_id));
  const scorerOrder = [];
  for (const s of Array.isArray(data.scorers) ? data.scorers : []) scorerOrder.push(str(s.name));
  for (const r of rows) {
    for (const s of Array.isArray(r.t.scores) ? r.t.scores : []) {
      if (scorerOrder.indexOf(str(s.name)) < 0) scorerOrder.push(str(s.name));
    }
  }
  const corpusScores = new Map();
  for (const s of Array.isArray(data.scorers) ? data.scorers : []) {
    if (s.corpus && typeof s.corpus === 'object' && isNum(s.corpus.score)) corpusScores.set(str(s.name), s.corpus.score);
  }

  // Search covers what a reviewer looks for: ids, output, error, labels, variables,
  // expected answers, score reasons and a judge's reasoning.
  function haystack(row) {
    if (row.haystack === null) {
      const t = row.t;
      const parts = [t.case_id, t.prompt_id, t.provider_id, t.output, t.error, row.labels.join(' '), row.failing.join(' ')];
      const vars = sharedValue(t.vars);
      if (vars && typeof vars === 'object') for (const k of Object.keys(vars)) parts.push(k, typeof vars[k] === 'string' ? vars[k] : JSON.stringify(vars[k]));
      const expected = sharedValue(t.expected);
      if (Array.isArray(expected)) parts.push(expected.map(str).join('\n')); else parts.push(str(expected));
      for (const s of Array.isArray(t.scores) ? t.scores : []) {
        parts.push(reasonOf(s));
        const d = sharedValue(s.details);
        if (d && typeof d === 'object') for (const k of ['reasoning', 'explanation', 'rationale']) if (typeof d[k] === 'string') parts.push(d[k]);
      }
      const a = reviews.any() ? reviews.get(row.index) : null;
      if (a) parts.push(a.comment);
      row.haystack = parts.map(str).join('\n').toLowerCase();
    }
    return row.haystack;
  }

  // ---- reviews (kept in this browser, exported for `evalkit annotate import`) -------------

  const reviews = EvalkitReview.createStore(run.id, rows);
  function reviewedVerdict(row) {
    if (!reviews.any()) return null;
    const a = reviews.get(row.index);
    return a && a.verdict ? a.verdict : null;
  }
  function reviewSummary() {
    if (!reviews.any()) return null;
    let reviewed = 0, overridden = 0, passes = 0;
    for (const r of rows) {
      const a = reviews.get(r.index);
      if (a) reviewed++;
      const verdict = a && a.verdict ? a.verdict : r.status;
      if (a && a.verdict && a.verdict !== r.status) overridden++;
      if (verdict === 'pass') passes++;
    }
    return reviewed ? {reviewed: reviewed, overridden: overridden, passRate: rows.length ? passes / rows.length : NaN} : null;
  }

  // ---- columns ------------------------------------------------------------------------

  const STATUS_ORDER = {fail: 0, error: 1, skipped: 2, pass: 3};
  const CHANGE_ORDER = {regressed: 0, fixed: 1, new: 2, same: 3, '': 4};
  const COLUMNS = [
    {key: 'index', title: '#', num: true, value: (r) => r.index},
    {key: 'status', title: 'Status', value: (r) => STATUS_ORDER[r.status] * 2 + (reviewedVerdict(r) ? 1 : 0)},
    // Regressions first, and within each kind of change, failures first.
    {key: 'change', title: 'Change', value: (r) => CHANGE_ORDER[r.change] * 10 + STATUS_ORDER[r.status], compared: true},
    {key: 'case', title: 'Case', value: (r) => str(r.t.case_id)},
    {key: 'prompt', title: 'Prompt', value: (r) => str(r.t.prompt_id), several: promptIds.length > 1},
    {key: 'provider', title: 'Provider', value: (r) => str(r.t.provider_id), several: providerIds.length > 1},
    {key: 'labels', title: 'Labels', value: (r) => r.labels.join(',')},
    {key: 'score', title: 'Score', num: true, value: (r) => (isNum(r.t.weighted_score) ? r.t.weighted_score : -1)},
    {key: 'latency', title: 'Latency', num: true, value: (r) => (isNum(r.t.latency_s) ? r.t.latency_s : -1)},
    {key: 'why', title: 'Why it failed', value: (r) => r.why},
    {key: 'output', title: 'Output', value: (r) => str(r.t.output)},
  ].filter((c) => (!c.compared || comparison) && c.several !== false);

  // ---- view state, mirrored in location.hash ------------------------------------------

  const DEFAULT_STATE = {view: 'trials', q: '', status: '', label: '', scorer: '', change: '', prompt: '',
    provider: '', case: '', hist: '', review: '', sort: comparison ? 'change' : 'status', dir: 'asc', page: 1,
    open: '', mstatus: '', disagree: '', msort: '', mpage: '1', mopen: '', ma: '', mb: ''};
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
    if (next.view !== 'matrix' || !matrixAvailable) next.view = 'trials';
    return next;
  }

  function hashOf(s) {
    const params = new URLSearchParams();
    for (const key of Object.keys(DEFAULT_STATE)) {
      if (String(s[key]) !== String(DEFAULT_STATE[key])) params.set(key, s[key]);
    }
    return params.toString();
  }

  function writeHash() {
    const hash = hashOf(state);
    history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
  }

  // The link that opens one trial whatever the reader's filters.
  function trialHref(row) {
    return '#open=' + row.number;
  }

  // ---- header ---------------------------------------------------------------------------

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
      const regressedMetrics = (Array.isArray(comparison.metrics) ? comparison.metrics : [])
        .filter((m) => str(m.verdict) === 'regressed').map((m) => str(m.metric));
      header.appendChild(el('div', {class: 'banner ' + (verdict === 'regressed' ? 'regressed' : 'pass'), id: 'verdict'},
        verdict === 'regressed' ? 'Regressed' : 'No regression',
        ' against baseline ', str(base.name) || str(base.run_id) || '–',
        base.name && base.run_id ? ' (' + str(base.run_id) + ')' : '',
        regressedMetrics.length ? ': ' + regressedMetrics.join(', ') : ''));
    }
    // A large run's page holds a sample of its trials (failures first); the totals are the run's.
    const sample = data.trial_sample;
    if (sample && typeof sample === 'object') {
      const totals = data.summary || {};
      header.appendChild(el('div', {class: 'banner sample', id: 'trial-sample'},
        'This page shows ' + int(sample.shown) + ' of the run\'s ' + int(sample.trials) +
        ' trials: the ' + int(Math.min(sample.shown, sample.not_passed)) + ' first that did not pass' +
        (sample.shown > sample.not_passed ? ', then passing ones' : '') +
        '. The cards and tables below count only these. The whole run: ' + int(totals.passed) + ' passed, ' +
        int(totals.failed) + ' failed, ' + int(totals.errors) + ' errors (pass rate ' + pct(totals.pass_rate) +
        '). Every trial is in the JSON report (evalkit report ' + (str(run.id) || 'RUN') + ' --report-json FILE).'));
    }
    return header;
  }

  // ---- summary cards and groups (follow the filters) -----------------------------------

  const summarySection = el('section', {id: 'summary-area'});
  function renderSummary() {
    const isFiltered = filtered.length !== rows.length;
    const cards = EvalkitSummary.renderCards(filtered, {filtered: isFiltered, scorerOrder: scorerOrder,
      corpus: corpusScores, reviews: reviewSummary()});
    cards.id = 'summary';
    cards.dataset.trials = String(filtered.length);
    const parts = [cards];
    if (isFiltered) {
      parts.push(el('p', {class: 'section-note', id: 'summary-scope'}, 'Figures for the ' + int(filtered.length) +
        ' trials the filters show (of ' + int(rows.length) + '). ', el('a', {href: '#', 'data-action': 'clear-filters'}, 'Clear filters')));
    }
    if (promptIds.length > 1 || providerIds.length > 1) {
      // The tables are drawn only while unfolded: a closed fold costs one line of work.
      const tables = () => EvalkitSummary.renderGroups(filtered, scorerOrder,
        {provider: providerIds.length > 1, prompt: promptIds.length > 1, cell: providerIds.length > 1 && promptIds.length > 1});
      const details = el('details', {id: 'groups', class: 'fold'}, el('summary', null,
        EvalkitSummary.groupsHeadline(filtered, providerIds.length > 1 ? 'provider' : 'prompt') +
        (isFiltered ? ' (filtered)' : '')), groupsOpen ? tables() : null);
      details.open = !!groupsOpen;
      details.addEventListener('toggle', () => {
        groupsOpen = details.open;
        if (details.open && details.children.length < 2) details.appendChild(tables());
      });
      parts.push(details);
    }
    summarySection.replaceChildren(...parts);
    const clear = summarySection.querySelector('[data-action=clear-filters]');
    if (clear) clear.addEventListener('click', (e) => { e.preventDefault(); setState(filtersCleared()); });
  }
  let groupsOpen = null;

  function filtersCleared() {
    return {q: '', status: '', label: '', scorer: '', change: '', prompt: '', provider: '', case: '', hist: '',
      review: '', page: 1, mstatus: '', disagree: '', mpage: '1'};
  }

  // ---- what changed against the baseline -----------------------------------------------

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

  // The trial a comparison entry names (its first repeat), or null.
  const rowByKey = new Map();
  for (const r of rows) {
    const key = [str(r.t.case_id), str(r.t.prompt_id), str(r.t.provider_id)].join('\u0000');
    const known = rowByKey.get(key);
    if (!known || (r.t.repeat || 0) < (known.t.repeat || 0)) rowByKey.set(key, r);
  }
  function rowFor(entry) {
    return rowByKey.get([str(entry.case_id), str(entry.prompt_id), str(entry.provider_id)].join('\u0000')) || null;
  }

  // A link that opens exactly this trial: the table narrows to the case (matched
  // exactly), the trial opens and is scrolled into view.
  function caseLink(entry) {
    const row = rowFor(entry);
    const caseId = str(entry.case_id);
    if (!row) return el('span', null, caseId);
    const href = '#' + hashOf(Object.assign({}, DEFAULT_STATE, {case: caseId, open: String(row.number)}));
    return el('a', {href: href, class: 'case-link', 'data-number': row.number}, caseId);
  }

  // Largest drops: the regressed metrics' drops first, each metric's largest fall first,
  // then the rest by size of fall, so a drop that failed the gate is never hidden.
  function orderedDrops(drops, metrics) {
    const regressed = new Set(metrics.filter((m) => str(m.verdict) === 'regressed').map((m) => str(m.metric)));
    const shown = [];
    const perMetric = new Map();
    for (const d of drops) {
      const m = str(d.metric);
      if (!perMetric.has(m)) perMetric.set(m, []);
      perMetric.get(m).push(d);
    }
    for (const list of perMetric.values()) list.sort((a, b) => (isNum(a.delta) ? a.delta : 0) - (isNum(b.delta) ? b.delta : 0));
    // Up to 5 of each regressed metric, then the largest of the others, 12 rows at most
    // unless the regressed metrics need more.
    for (const m of regressed) for (const d of (perMetric.get(m) || []).slice(0, 5)) shown.push(d);
    const rest = drops.filter((d) => !regressed.has(str(d.metric)))
      .sort((a, b) => (isNum(a.delta) ? a.delta : 0) - (isNum(b.delta) ? b.delta : 0));
    for (const d of rest) {
      if (shown.length >= 12) break;
      shown.push(d);
    }
    return {shown: shown, regressed: regressed};
  }

  function renderComparison() {
    const section = el('section', {id: 'comparison'});
    const metrics = Array.isArray(comparison.metrics) ? comparison.metrics : [];
    const flipped = Array.isArray(comparison.flipped) ? comparison.flipped : [];
    const regressed = flipped.filter((f) => f.baseline_pass && !f.current_pass);
    const fixed_ = flipped.filter((f) => !f.baseline_pass && f.current_pass);

    const regressions = el('div', {id: 'regressions'});
    section.appendChild(regressions);
    regressions.appendChild(el('h2', null, 'What changed'));
    regressions.appendChild(el('p', {class: 'section-note'}, int(regressed.length) + ' pass → fail · ' +
      int(fixed_.length) + ' fail → pass. Click a case to open its trial below.'));
    const ordered = regressed.concat(fixed_);
    const FIRST = 5;
    const flipRow = (f, i) => {
      const row = rowFor(f);
      return el('tr', {class: 'flip-row' + (i >= FIRST ? ' more' : ''), 'data-case': str(f.case_id)},
        el('td', {class: 'case-id'}, caseLink(f)), promptIds.length > 1 ? el('td', null, str(f.prompt_id)) : null,
        providerIds.length > 1 ? el('td', null, str(f.provider_id)) : null,
        el('td', null, f.current_pass ? el('span', {class: 'badge pass'}, 'fail → pass') :
          el('span', {class: 'badge fail'}, 'pass → fail')),
        el('td', {class: 'why'}, row ? clip(row.why, 160) : ''),
        outputCell(f.baseline_output), outputCell(f.current_output));
    };
    const shownFlips = ordered.slice(0, 50);
    if (flipped.length) {
      const table = simpleTable(['Case', promptIds.length > 1 ? 'Prompt' : null, providerIds.length > 1 ? 'Provider' : null,
        'Change', 'Why it fails now', 'Baseline output', 'Current output'].filter(Boolean),
      shownFlips.map(flipRow), {id: 'flipped-table', class: 'compact fixed-layout flips'});
      regressions.appendChild(table);
      if (shownFlips.length > FIRST) {
        const more = el('button', {type: 'button', class: 'link-button', 'data-action': 'more-flips'},
          'Show ' + int(shownFlips.length - FIRST) + ' more');
        more.addEventListener('click', () => { table.classList.add('all'); more.remove(); });
        regressions.appendChild(more);
      }
      if (flipped.length > shownFlips.length || regressed.length) {
        regressions.appendChild(el('span', {class: 'section-note'}, shownFlips.length > FIRST ? ' · ' : '',
          el('a', {href: '#change=regressed'}, 'List every regressed trial'), ' in the table below.'));
      }
    } else {
      regressions.appendChild(el('p', {class: 'empty compact'}, 'No case changed between pass and fail.'));
    }

    // The verdict table, unfolded when a metric regressed; otherwise one line says so.
    const regressedCount = metrics.filter((m) => str(m.verdict) === 'regressed').length;
    const gate = el('details', {id: 'gate', class: 'fold plain'}, el('summary', null, 'Gate verdicts: ' + int(metrics.length) +
      ' metric' + (metrics.length === 1 ? '' : 's') + ', ' + (regressedCount ? int(regressedCount) + ' regressed' : 'none regressed')));
    gate.open = regressedCount > 0;
    section.appendChild(gate);
    gate.appendChild(el('div', {class: 'scroll-x'}, simpleTable(
      ['Metric', 'Kind', {title: 'Baseline', num: true}, {title: 'Current', num: true}, {title: 'Δ', num: true},
        {title: 'CI of Δ', num: true}, {title: 'p', num: true}, {title: 'p (Holm)', num: true}, 'Test',
        {title: 'Pairs', num: true}, 'Gate', 'Verdict', 'Note'],
      metrics.map((m) => el('tr', {'data-metric': str(m.metric), 'data-verdict': str(m.verdict)},
        el('td', null, el('b', null, str(m.metric))), el('td', null, str(m.kind)),
        el('td', {class: 'num'}, fixed(m.baseline, 3)), el('td', {class: 'num'}, fixed(m.current, 3)),
        el('td', {class: 'num'}, signed(m.delta, 3)),
        el('td', {class: 'num'}, '[' + signed(m.ci_low, 3) + ', ' + signed(m.ci_high, 3) + ']'),
        el('td', {class: 'num'}, fixed(m.p_value, 3)), el('td', {class: 'num'}, fixed(m.p_adjusted, 3)),
        el('td', null, str(m.test)), el('td', {class: 'num'}, int(m.n_pairs)),
        el('td', null, [isNum(m.max_drop) ? 'max drop ' + fixed(m.max_drop, 3) : '', isNum(m.min) ? 'min ' + fixed(m.min, 3) : '']
          .filter(Boolean).join(', ')),
        el('td', null, verdictBadge(m.verdict)), el('td', {class: 'note'}, str(m.note)))),
      {id: 'gate-table', class: 'compact'})));

    const drops = Array.isArray(comparison.largest_drops) ? comparison.largest_drops : [];
    if (drops.length) {
      const {shown, regressed: regressedMetrics} = orderedDrops(drops, metrics);
      section.appendChild(el('h3', null, 'Largest score drops'));
      section.appendChild(el('p', {class: 'section-note'}, regressedMetrics.size ?
        'The metrics that regressed (' + [...regressedMetrics].join(', ') + ') first, each by size of fall; then the largest other drops.' :
        'By size of fall.'));
      section.appendChild(simpleTable(['Metric', 'Case', providerIds.length > 1 ? 'Provider' : null, {title: 'Baseline', num: true},
        {title: 'Current', num: true}, {title: 'Δ', num: true}, 'Current output'].filter(Boolean),
      shown.map((d) => el('tr', {class: 'drop-row' + (regressedMetrics.has(str(d.metric)) ? ' regressed' : ''), 'data-metric': str(d.metric)},
        el('td', null, str(d.metric)), el('td', {class: 'case-id'}, caseLink(d)),
        providerIds.length > 1 ? el('td', null, str(d.provider_id)) : null,
        el('td', {class: 'num'}, fixed(d.baseline, 3)), el('td', {class: 'num'}, fixed(d.current, 3)),
        el('td', {class: 'num delta'}, signed(d.delta, 3)),
        outputCell(d.current_output))), {id: 'drops-table', class: 'compact fixed-layout'}));
    }
    const onlyBase = Array.isArray(comparison.only_in_baseline) ? comparison.only_in_baseline : [];
    const onlyCur = Array.isArray(comparison.only_in_current) ? comparison.only_in_current : [];
    if (onlyBase.length || onlyCur.length) {
      const names = (list) => list.slice(0, 20).map((k) => str(k.case_id)).join(', ') + (list.length > 20 ? ', …' : '');
      section.appendChild(el('p', {class: 'section-note'},
        onlyBase.length ? 'Only in baseline (' + int(onlyBase.length) + '): ' + names(onlyBase) + '. ' : '',
        onlyCur.length ? 'Only in this run (' + int(onlyCur.length) + '): ' + names(onlyCur) + '.' : ''));
    }
    return section;
  }

  // ---- charts (folded; a histogram bar filters the table) -------------------------------

  // A scorer's threshold as the scores show it: the lowest passing value, when every
  // failing value lies below it.
  function inferredThreshold(entries) {
    let lowestPass = Infinity, highestFail = -Infinity;
    for (const e of entries) {
      if (e.pass) lowestPass = Math.min(lowestPass, e.value); else highestFail = Math.max(highestFail, e.value);
    }
    return isFinite(lowestPass) && highestFail < lowestPass ? lowestPass : NaN;
  }

  let chartsBox = null;
  // The charts fold; while folded (compared and large runs) they are drawn on first unfolding.
  function renderCharts() {
    const open = chartsBox ? chartsBox.open : !comparison && rows.length <= 200;
    let byScorerCount = 0;
    for (const name of scorerOrder) if (name) byScorerCount++;
    const details = el('details', {id: 'charts', class: 'fold'}, el('summary', null, 'Charts: ' +
      (comparison ? 'baseline vs current, ' : '') + 'score distributions of ' + int(byScorerCount) + ' scorers'));
    details.open = open;
    if (open) details.appendChild(chartsContent());
    else {
      details.addEventListener('toggle', () => {
        if (details.open && details.children.length < 2) details.appendChild(chartsContent());
      });
    }
    if (chartsBox) chartsBox.replaceWith(details);
    chartsBox = details;
    return details;
  }

  function chartsContent() {
    const byScorer = new Map();
    for (const t of trials) {
      for (const s of Array.isArray(t.scores) ? t.scores : []) {
        if (s.error || !isNum(s.value)) continue;
        const name = str(s.name);
        if (!byScorer.has(name)) byScorer.set(name, []);
        byScorer.get(name).push({value: s.value, pass: !!s.pass});
      }
    }
    const specThreshold = new Map();
    for (const spec of Array.isArray(run.scorer_specs) ? run.scorer_specs : []) {
      if (spec && isNum(spec.threshold)) specThreshold.set(str(spec.name || spec.type), spec.threshold);
    }
    const charts = el('div', {class: 'charts'});
    if (comparison && Array.isArray(comparison.metrics) && comparison.metrics.length) {
      charts.appendChild(comparisonChart(comparison.metrics, comparison.alpha));
    }
    const [pickedName, pickedBin] = splitHist(state.hist);
    for (const [name, entries] of byScorer) {
      const threshold = specThreshold.has(name) ? specThreshold.get(name) : inferredThreshold(entries);
      charts.appendChild(histogram(name, entries, {threshold: threshold, picked: pickedName === name ? pickedBin : -1,
        onPick: (bin) => setState({hist: name + ':' + bin, page: 1, open: '', view: 'trials'}, {scroll: 'table'})}));
    }
    return charts;
  }

  function splitHist(value) {
    const v = str(value);
    const at = v.lastIndexOf(':');
    if (at < 0) return ['', -1];
    const bin = parseInt(v.slice(at + 1), 10);
    return [v.slice(0, at), bin >= 0 && bin <= 9 ? bin : -1];
  }

  // ---- trial detail -------------------------------------------------------------------

  // A judge's own notes, without repeating the reason the scores table already shows.
  function judgeNotes(details, reason) {
    if (!details || typeof details !== 'object') return null;
    const keys = ['verdict', 'reason', 'reasoning', 'explanation', 'rationale'].filter((k) =>
      details[k] !== undefined && details[k] !== null && details[k] !== '' && !(k === 'reason' && str(details[k]) === reason) &&
      !(k !== 'verdict' && typeof details[k] === 'string' && details[k] === reason));
    if (!keys.length) return null;
    return el('div', {class: 'judge'}, keys.map((k) => el('div', null, el('b', null, k + ': '),
      typeof details[k] === 'string' ? details[k] : JSON.stringify(details[k]))));
  }

  // What a judge was asked and what it answered, when the scorer recorded it.
  // The page stores a judge's prompt as shared lines and its system message once.
  function sharedText(lines) {
    return Array.isArray(lines) ? lines.map((i) => str(sharedValue(i))).join('\n') : undefined;
  }

  function judgeView(score) {
    const stored = sharedValue(score.details);
    if (!stored || typeof stored !== 'object') return null;
    const d = Object.assign({}, stored);
    if (Array.isArray(d.prompt_lines)) d.prompt = sharedText(d.prompt_lines);
    if (Array.isArray(d.prompt_swapped_lines)) d.prompt_swapped = sharedText(d.prompt_swapped_lines);
    if (d.system_ref !== undefined) d.system = str(sharedValue(d.system_ref));
    if (typeof d.prompt !== 'string' && !Array.isArray(d.verdicts)) return null;
    const box = el('details', {class: 'judge-view', 'data-scorer': str(score.name)},
      el('summary', null, 'What the judge saw: ' + str(score.name)));
    if (typeof d.system === 'string' && d.system) box.appendChild(el('div', {class: 'message'}, el('div', {class: 'role'}, 'system'), el('pre', null, d.system)));
    if (typeof d.prompt === 'string') box.appendChild(el('div', {class: 'message'}, el('div', {class: 'role'}, 'judge prompt'), el('pre', {class: 'judge-prompt'}, d.prompt)));
    if (typeof d.prompt_swapped === 'string') box.appendChild(el('div', {class: 'message'}, el('div', {class: 'role'}, 'judge prompt, order swapped'), el('pre', null, d.prompt_swapped)));
    for (const v of Array.isArray(d.verdicts) ? d.verdicts : []) {
      if (!v || typeof v !== 'object') continue;
      box.appendChild(el('div', {class: 'message'}, el('div', {class: 'role'}, 'raw verdict' +
        (isNum(v.sample) && (d.verdicts.length > 1) ? ' (sample ' + (v.sample + 1) + (v.order ? ', ' + str(v.order) : '') + ')' : '') +
        (v.label !== undefined ? ' → ' + str(v.label) : '') + (isNum(v.score) ? ' = ' + fixed(v.score, 3) : '') +
        (v.error ? ' (error: ' + str(v.error) + ')' : '')), el('pre', {class: 'judge-raw'}, str(v.raw))));
    }
    return box;
  }

  function copyButton(label, action, text) {
    const button = el('button', {type: 'button', class: 'tool', 'data-action': action}, label);
    button.addEventListener('click', (e) => {
      e.stopPropagation();
      const value = text();
      copyText(value).then((ok) => {
        button.textContent = ok ? 'Copied' : 'Copy failed';
        button.dataset.copied = value;
        setTimeout(() => { button.textContent = label; }, 1500);
      });
    });
    return button;
  }

  function pageAddress() {
    return location.href.replace(/#.*$/, '');
  }

  function renderDetail(row) {
    const t = row.t;
    const box = el('div', {class: 'trial-detail', 'data-index': row.index, 'data-number': row.number});
    const annotation = reviews.get(row.index);
    box.appendChild(el('div', {class: 'tools'},
      el('span', {class: 'section-note'}, 'Test #' + row.number + ' · ' + str(t.case_id) +
        (t.repeat ? ' #' + t.repeat : '') + ' · ' + str(t.prompt_id) + ' · ' + str(t.provider_id)),
      copyButton('Copy link', 'copy-link', () => pageAddress() + trialHref(row)),
      copyButton('Copy as Markdown', 'copy-markdown', () => EvalkitReview.trialMarkdown(row, {
        reasonOf: reasonOf, annotation: reviews.get(row.index), expected: expectedOf(t),
        link: pageAddress() + trialHref(row)}))));

    const recorded = sharedValue(t.request);
    const request = recorded && typeof recorded === 'object' ? recorded : {};
    const messages = Array.isArray(request.messages) ? request.messages : [];
    const left = el('div', null, el('h3', null, 'Prompt'),
      messages.length ? messages.map((m) => el('div', {class: 'message'}, el('div', {class: 'role'}, str(m && m.role)),
        el('pre', null, m && typeof m.content === 'string' ? m.content : JSON.stringify(m && m.content, null, 2)))) :
        el('p', {class: 'empty'}, 'No messages recorded.'));
    const vars = sharedValue(t.vars);
    if (vars && typeof vars === 'object' && Object.keys(vars).length) {
      left.appendChild(el('h3', null, 'Variables'));
      left.appendChild(el('pre', {class: 'vars'}, JSON.stringify(vars, null, 2)));
    }
    const expected = expectedOf(t);
    const right = el('div', null);
    // Output against the first expected answer, word by word: words the output lacks are
    // struck through in the reference, words it adds are marked in the output.
    if (expected.length && comparableForDiff(expected[0], str(t.output))) {
      const ops = wordDiff(expected[0], str(t.output));
      right.appendChild(el('h3', null, 'Output ', el('span', {class: 'hint'}, '(marked against the expected answer)')));
      right.appendChild(diffView(ops, 'current')).classList.add('trial-output');
      right.appendChild(el('h3', null, 'Expected'));
      right.appendChild(diffView(ops, 'baseline')).classList.add('expected');
      for (const e of expected.slice(1)) right.appendChild(el('pre', {class: 'expected'}, e));
    } else {
      right.appendChild(el('h3', null, 'Output'));
      right.appendChild(el('pre', {class: 'trial-output'}, str(t.output)));
      right.appendChild(el('h3', null, 'Expected'));
      right.appendChild(expected.length ? el('div', null, expected.map((e) => el('pre', {class: 'expected'}, e))) :
        el('p', {class: 'empty'}, 'No reference.'));
    }
    if (t.error) right.appendChild(el('p', {class: 'error-text'}, str(t.error_kind) + ': ' + str(t.error)));
    right.appendChild(el('p', {class: 'section-note'}, 'finish ' + (str(t.finish_reason) || '–') + ' · latency ' + secs(t.latency_s) +
      ' · ' + int(t.prompt_tokens) + ' + ' + int(t.completion_tokens) + ' tokens · ' + int(t.attempts) + ' attempt(s)' +
      (t.cached ? ' · cached' : '')));
    box.appendChild(el('div', {class: 'grid'}, left, right));

    const scores = Array.isArray(t.scores) ? t.scores : [];
    const b = t.baseline && typeof t.baseline === 'object' ? t.baseline : null;
    const baseScores = b && b.scores && typeof b.scores === 'object' ? b.scores : null;
    box.appendChild(el('h3', null, 'Scores'));
    box.appendChild(scores.length ? simpleTable(['Scorer',
      baseScores ? {title: 'Baseline', num: true} : null, {title: baseScores ? 'Current' : 'Value', num: true},
      baseScores ? {title: 'Δ', num: true} : null, 'Result', {title: 'Reason', cls: 'reason-head'}].filter(Boolean),
    scores.map((s) => {
      const base = baseScores ? baseScores[str(s.name)] : undefined;
      const reason = reasonOf(s);
      return el('tr', {'data-scorer': str(s.name)},
        el('td', {class: 'scorer-name'}, el('b', null, str(s.name)),
          s.signature !== undefined ? el('div', {class: 'signature mono'}, str(sharedValue(s.signature))) : null),
        baseScores ? el('td', {class: 'num'}, fixed(base, 3)) : null,
        el('td', {class: 'num'}, fixed(s.value, 3)),
        baseScores ? el('td', {class: 'num'}, isNum(base) && isNum(s.value) ? signed(s.value - base, 3) : '–') : null,
        el('td', null, el('span', {class: 'badge ' + (s.error ? 'error' : s.pass ? 'pass' : 'fail')}, s.error ? 'error' : s.pass ? 'pass' : 'fail')),
        el('td', {class: 'reason'}, reason, judgeNotes(sharedValue(s.details), reason)));
    }), {class: 'scores fixed-layout'}) : el('p', {class: 'empty'}, 'No scores.'));
    for (const s of scores) {
      const view = judgeView(s);
      if (view) box.appendChild(view);
    }

    if (b) {
      const ops = wordDiff(str(b.output), str(t.output));
      box.appendChild(el('h3', null, 'Baseline vs current'));
      box.appendChild(el('div', {class: 'grid baseline-diff'},
        el('div', null, el('p', {class: 'section-note'}, 'Baseline ', el('span', {class: 'badge ' + (b.pass ? 'pass' : 'fail')}, b.pass ? 'pass' : 'fail'),
          ' score ' + fixed(b.weighted_score, 3)), diffView(ops, 'baseline')),
        el('div', null, el('p', {class: 'section-note'}, 'Current ', el('span', {class: 'badge ' + row.status}, row.status),
          ' score ' + fixed(t.weighted_score, 3)), diffView(ops, 'current'))));
    }

    box.appendChild(EvalkitReview.reviewBox(row, annotation, (verdict, comment) => {
      reviews.set(row.index, verdict, comment);
      row.haystack = null;
      updateReviewBar();
      const tr = tableBody.querySelector('tr.case-row[data-number="' + row.number + '"]');
      if (tr) tr.replaceWith(renderRow(row));
      renderSummary();
      const source = box.querySelector('.review-source');
      if (source) source.textContent = reviews.error() || 'Saved in this browser.';
    }));
    return box;
  }

  function expectedOf(t) {
    const reference = sharedValue(t.expected);
    return (Array.isArray(reference) ? reference : reference ? [reference] : []).map(str);
  }

  // ---- the trial table ----------------------------------------------------------------

  let filtered = rows;
  let tableBody, countLine, pager, headerCells = {}, controls = {}, chips, reviewBar;

  // Narrows the rows to the filters; sorts them too unless only the summary needs them.
  function applyFilters(sort) {
    const q = state.q.trim().toLowerCase();
    const [histName, histBin] = splitHist(state.hist);
    const inBin = (r) => (r.t.scores || []).some((s) => str(s.name) === histName && !s.error && isNum(s.value) &&
      Math.min(9, Math.max(0, Math.floor(s.value * 10))) === histBin);
    filtered = rows.filter((r) =>
      (!state.status || r.status === state.status) &&
      (!state.label || r.labels.indexOf(state.label) >= 0) &&
      (!state.scorer || r.failing.indexOf(state.scorer) >= 0) &&
      (!state.change || r.change === state.change) &&
      (!state.prompt || str(r.t.prompt_id) === state.prompt) &&
      (!state.provider || str(r.t.provider_id) === state.provider) &&
      (!state.case || str(r.t.case_id) === state.case) &&
      (!state.review || reviewMatches(r)) &&
      (histBin < 0 || inBin(r)) &&
      (!q || haystack(r).indexOf(q) >= 0));
    if (sort === false) return;
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

  function reviewMatches(r) {
    const a = reviews.get(r.index);
    if (state.review === 'unreviewed') return !a;
    if (state.review === 'overridden') return !!(a && a.verdict && a.verdict !== r.status);
    return !!a;
  }

  function renderRow(r) {
    const t = r.t;
    const open = String(r.number) === state.open;
    const tr = el('tr', {class: 'case-row' + (open ? ' open' : ''), 'data-index': r.index, 'data-number': r.number,
      'data-status': r.status});
    const review = reviews.get(r.index);
    for (const c of COLUMNS) {
      let cell;
      switch (c.key) {
        case 'index': cell = el('td', {class: 'num'}, String(r.number)); break;
        case 'status': cell = el('td', {class: 'status'}, el('span', {class: 'badge ' + r.status}, r.status),
          review ? el('span', {class: 'badge review ' + (review.verdict || 'neutral'), title: review.comment || 'reviewed'},
            review.verdict ? 'reviewed ' + review.verdict : 'comment') : null); break;
        case 'change': cell = el('td', null, r.change === 'regressed' ? el('span', {class: 'badge fail'}, 'regressed') :
          r.change === 'fixed' ? el('span', {class: 'badge pass'}, 'fixed') : r.change); break;
        case 'case': cell = el('td', {class: 'case-id'}, str(t.case_id), t.repeat ? ' #' + t.repeat : ''); break;
        case 'prompt': cell = el('td', null, str(t.prompt_id)); break;
        case 'provider': cell = el('td', null, str(t.provider_id)); break;
        case 'labels': cell = el('td', {class: 'labels'}, r.labels.map((l) => el('span', null, l))); break;
        case 'score': cell = el('td', {class: 'num'}, fixed(t.weighted_score, 3)); break;
        case 'latency': cell = el('td', {class: 'num'}, secs(t.latency_s)); break;
        case 'why': cell = el('td', {class: 'why', title: r.why.length > 140 ? clip(r.why, 2000) : null},
          clip(oneLine(r.why), 140), r.failing.length > 1 ? el('span', {class: 'more'}, ' +' + (r.failing.length - 1) + ' more') : null); break;
        case 'output': cell = el('td', {class: 'output'}, clip(oneLine(t.error && !t.output ? t.error : t.output), 160)); break;
      }
      tr.appendChild(cell);
    }
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a, button, input, textarea, select, label')) return;
      setState({open: open ? '' : String(r.number)});
    });
    // Reachable from the keyboard: Tab to a row, Enter or Space opens or closes it.
    tr.tabIndex = 0;
    tr.addEventListener('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && e.target === tr) {
        e.preventDefault();
        setState({open: open ? '' : String(r.number)});
        const again = tableBody.querySelector('tr.case-row[data-number="' + r.number + '"]');
        if (again) again.focus({preventScroll: true});
      }
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
      if (String(r.number) === state.open) {
        body.appendChild(el('tr', {class: 'detail'}, el('td', {colspan: COLUMNS.length}, renderDetail(r))));
      }
    }
    if (!visible.length) body.appendChild(el('tr', null, el('td', {colspan: COLUMNS.length, class: 'empty'}, 'No trial matches these filters.')));
    tableBody.replaceWith(body);
    tableBody = body;
    if (state.q) highlight(body, state.q);

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
    renderChips();
  }

  // The filters that are not a drop-down (case, histogram bin), each removable.
  function renderChips() {
    const items = [];
    if (state.case) items.push(['case', 'case = ' + state.case]);
    const [histName, histBin] = splitHist(state.hist);
    if (histBin >= 0) items.push(['hist', histName + ' in ' + (histBin / 10).toFixed(1) + '–' + ((histBin + 1) / 10).toFixed(1)]);
    chips.replaceChildren(...items.map(([key, text]) => {
      const remove = el('button', {type: 'button', class: 'chip', 'data-chip': key, title: 'Remove this filter'}, text, ' ×');
      remove.addEventListener('click', () => setState({[key]: '', page: 1}));
      return remove;
    }));
  }

  function syncControls() {
    for (const key of Object.keys(controls)) controls[key].value = state[key];
  }

  function select(key, label, options) {
    const node = el('select', {'aria-label': label, 'data-filter': key}, el('option', {value: ''}, label + ': all'),
      options.map((o) => Array.isArray(o) ? el('option', {value: o[0]}, o[1]) : el('option', {value: o}, o)));
    node.addEventListener('change', () => setState({[key]: node.value, page: 1}));
    controls[key] = node;
    return node;
  }

  function updateReviewBar() {
    const count = reviews.all().length;
    reviewBar.count.textContent = count ? int(count) + ' reviewed' : 'No reviews yet';
    reviewBar.count.dataset.count = String(count);
    reviewBar.exportButton.disabled = !count && !reviews.localCount();
    reviewBar.note.textContent = reviews.error();
  }

  function renderCaseTable() {
    const section = el('section', {id: 'cases'});
    const labels = [...new Set(rows.flatMap((r) => r.labels))].sort();
    const scorers = [...new Set(rows.flatMap((r) => r.failing))].sort();
    const search = el('input', {type: 'search', placeholder: 'Search ids, output, variables, expected, reasons…',
      'aria-label': 'Search', id: 'search'});
    let timer = 0;
    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => setState({q: search.value, page: 1, open: '', mpage: '1', mopen: ''}), 120);
    });
    controls.q = search;
    chips = el('span', {class: 'chips'});
    const bar = el('div', {class: 'controls'}, search,
      select('status', 'Status', ['fail', 'error', 'skipped', 'pass']),
      promptIds.length > 1 ? select('prompt', 'Prompt', promptIds) : null,
      providerIds.length > 1 ? select('provider', 'Provider', providerIds) : null,
      labels.length ? select('label', 'Label', labels) : null,
      scorers.length ? select('scorer', 'Failing scorer', scorers) : null,
      comparison ? select('change', 'Change', ['regressed', 'fixed', 'same', 'new']) : null,
      select('review', 'Review', [['reviewed', 'reviewed'], ['overridden', 'verdict overridden'], ['unreviewed', 'not reviewed']]),
      chips);
    section.appendChild(bar);

    const exportButton = el('button', {type: 'button', class: 'tool', 'data-action': 'export-reviews'}, 'Export reviews (JSON)');
    exportButton.addEventListener('click', () => {
      const doc = reviews.exportDocument(run.suite);
      EvalkitReview.download('evalkit-annotations-' + str(run.id).replace(/[^A-Za-z0-9._-]/g, '_') + '.json',
        JSON.stringify(doc, null, 2) + '\n');
    });
    reviewBar = {count: el('span', {class: 'review-count', id: 'review-count'}), exportButton: exportButton,
      note: el('span', {class: 'error-text'})};
    section.appendChild(el('div', {class: 'review-bar'}, el('b', null, 'Reviews: '), reviewBar.count, ' ', exportButton,
      el('span', {class: 'section-note'}, ' then ', el('code', null, 'evalkit annotate import FILE'),
        ' stores them with the run.'), ' ', reviewBar.note));

    countLine = el('span', {class: 'count', id: 'case-count'});
    const prev = el('button', {type: 'button'}, '‹ Prev');
    const next = el('button', {type: 'button'}, 'Next ›');
    const label = el('span');
    prev.addEventListener('click', () => setState({page: state.page - 1}));
    next.addEventListener('click', () => setState({page: state.page + 1}));
    pager = {prev: prev, next: next, label: label};
    section.appendChild(el('div', {class: 'pager'}, prev, label, next, countLine));

    const headRow = el('tr');
    for (const c of COLUMNS) {
      const th = el('th', {class: (c.num ? 'num ' : '') + 'col-' + c.key, 'data-key': c.key, scope: 'col'}, c.title);
      th.addEventListener('click', () => {
        const dir = state.sort === c.key ? (state.dir === 'asc' ? 'desc' : 'asc') : c.num ? 'desc' : 'asc';
        setState({sort: c.key, dir: dir, page: 1});
      });
      headerCells[c.key] = th;
      headRow.appendChild(th);
    }
    tableBody = document.createElement('tbody');
    section.appendChild(el('table', {class: 'cases', id: 'case-table'}, el('thead', null, headRow), tableBody));
    return section;
  }

  // ---- views --------------------------------------------------------------------------

  // The matrix helps when cases run in several cells (not when each prompt has its own cases).
  const matrixAvailable = (() => {
    if (promptIds.length * providerIds.length < 2) return false;
    const cellOf = new Map();
    for (const r of rows) {
      const cell = str(r.t.prompt_id) + '\u0000' + str(r.t.provider_id);
      const seen = cellOf.get(str(r.t.case_id));
      if (seen === undefined) cellOf.set(str(r.t.case_id), cell);
      else if (seen !== cell) return true;
    }
    return false;
  })();
  let matrix = null;
  const tabs = {};
  function renderTabs() {
    const tab = (view, label) => {
      const node = el('a', {href: '#', class: 'tab', 'data-view': view, role: 'tab'}, label);
      node.addEventListener('click', (e) => { e.preventDefault(); setState({view: view}); });
      tabs[view] = node;
      return node;
    };
    return el('nav', {class: 'tabs', role: 'tablist'}, tab('trials', 'Trials'),
      tab('matrix', 'Matrix: cases × ' + int(promptIds.length * providerIds.length) + ' cells'));
  }

  // ---- state changes ------------------------------------------------------------------

  let lastOpen = '', lastMatrixOpen = '', lastHist = '';
  // Applies changes to the view state, redraws what they touch and records them in the URL.
  // options.scroll: 'table' brings the table into view; an opened trial is always scrolled to.
  function setState(changes, options) {
    Object.assign(state, changes);
    state.page = Math.max(1, parseInt(state.page, 10) || 1);
    writeHash();
    render(options || {});
  }

  function render(options) {
    syncControls();
    applyFilters(state.view !== 'matrix');
    if (state.open) {
      // A link may name an open trial without its page: show the page that holds it.
      const at = filtered.findIndex((r) => String(r.number) === state.open);
      if (at >= 0 && options.keepPage !== true) state.page = Math.floor(at / PAGE_SIZE) + 1;
    }
    const onMatrix = state.view === 'matrix';
    casesSection.hidden = onMatrix;
    if (matrixAvailable) {
      for (const v of Object.keys(tabs)) tabs[v].setAttribute('aria-selected', String(v === state.view));
      if (onMatrix) {
        if (!matrix) {
          matrix = EvalkitMatrix.create({rows: rows, state: () => state, setState: (c) => setState(c),
            reasonOf: reasonOf, openTrialHref: (r) => trialHref(r)});
          matrixHolder.appendChild(matrix.section);
        }
        matrix.refresh();
      }
      matrixHolder.hidden = !onMatrix;
    }
    if (!onMatrix) renderRows();
    renderSummary();
    if (chartsBox && state.hist !== lastHist) renderCharts();
    lastHist = state.hist;
    const moved = options.scroll === 'open';
    if (options.noScroll) {
      lastOpen = state.open;
      lastMatrixOpen = state.mopen;
      return;
    }
    if (!onMatrix && state.open && (state.open !== lastOpen || moved)) {
      const open = tableBody.querySelector('tr.open');
      if (open) open.scrollIntoView({block: 'start'});
    } else if (onMatrix && state.mopen && (state.mopen !== lastMatrixOpen || moved)) {
      const open = matrixHolder.querySelector('tr.matrix-row.open');
      if (open) open.scrollIntoView({block: 'start'});
    } else if (options.scroll === 'table') {
      (onMatrix ? matrixHolder : casesSection).scrollIntoView({block: 'start'});
    }
    lastOpen = state.open;
    lastMatrixOpen = state.mopen;
  }

  // ---- assemble -----------------------------------------------------------------------

  const app = document.getElementById('app');
  app.appendChild(renderHeader());
  app.appendChild(summarySection);
  if (comparison) app.appendChild(renderComparison());
  const comparisons = EvalkitSummary.renderComparisons(data);
  if (comparisons) app.appendChild(comparisons);
  app.appendChild(renderCharts());
  if (matrixAvailable) app.appendChild(renderTabs());
  const casesSection = renderCaseTable();
  app.appendChild(casesSection);
  const matrixHolder = el('div', {id: 'matrix-holder'});
  if (matrixAvailable) app.appendChild(matrixHolder);

  function loadHash() {
    state = readHash();
    render({});
  }

  // Links inside the page set the whole view they name (so the same link works twice) and
  // bring what they open into view.
  app.addEventListener('click', (e) => {
    const link = e.target.closest('a[href^="#"]');
    if (!link || link.dataset.view || link.dataset.action) return;
    e.preventDefault();
    const params = new URLSearchParams(link.getAttribute('href').slice(1));
    const next = Object.assign({}, DEFAULT_STATE, {view: state.view === 'matrix' && !params.has('open') ? 'matrix' : 'trials'});
    for (const key of Object.keys(DEFAULT_STATE)) if (params.has(key)) next[key] = params.get(key);
    state = next;
    setState({}, {scroll: params.has('open') ? 'open' : 'table'});
  });

  loadHash();
  updateReviewBar();
  window.addEventListener('hashchange', loadHash);
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  // Then this browser's own reviews, which redraw what they touch.
  setTimeout(() => {
    if (reviews.load()) {
      for (const r of rows) r.haystack = null;
      render({keepPage: true, noScroll: true});
    }
    updateReviewBar();
    document.documentElement.dataset.reviewsLoaded = '1';
  }, 0);
})();
