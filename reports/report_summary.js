// Summaries of the evalkit HTML report computed in the page from the trials on show, so
// the cards and the per-provider / per-prompt / per-cell tables follow the filters; and
// the run document's in-run comparisons and rankings (groups, group_comparisons, rankings).
const EvalkitSummary = (function () {
  'use strict';

  const {el, isNum, str, fixed, pct, int, secs, money, signed, percentile, simpleTable} = EvalkitWidgets;

  // Totals over rows ({t, status}): the figures of the JSON report's summary, computed the
  // same way (latency over trials that answered or took time; errors count skipped too).
  function totals(rows) {
    const s = {trials: rows.length, passed: 0, failed: 0, errors: 0, promptTokens: 0, completionTokens: 0,
      cost: 0, latencies: [], scorers: new Map()};
    for (const r of rows) {
      const t = r.t;
      if (r.status === 'pass') s.passed++;
      else if (r.status === 'fail') s.failed++;
      else s.errors++;
      s.promptTokens += isNum(t.prompt_tokens) ? t.prompt_tokens : 0;
      s.completionTokens += isNum(t.completion_tokens) ? t.completion_tokens : 0;
      s.cost += isNum(t.cost_usd) ? t.cost_usd : 0;
      const latency = isNum(t.latency_s) ? t.latency_s : 0;
      if (!(t.error || t.error_kind) || latency > 0) s.latencies.push(latency);
      for (const score of Array.isArray(t.scores) ? t.scores : []) {
        const name = str(score.name);
        if (!s.scorers.has(name)) s.scorers.set(name, {count: 0, sum: 0, passes: 0, errors: 0});
        const m = s.scorers.get(name);
        if (score.error) { m.errors++; continue; }
        m.count++;
        m.sum += isNum(score.value) ? score.value : 0;
        if (score.pass) m.passes++;
      }
    }
    s.passRate = s.trials ? s.passed / s.trials : NaN;
    s.p50 = percentile(s.latencies, 0.5);
    s.p95 = percentile(s.latencies, 0.95);
    return s;
  }

  function card(label, value, sub, attrs) {
    return el('div', Object.assign({class: 'card'}, attrs || {}), el('div', {class: 'label', title: label}, label),
      el('div', {class: 'value'}, value), sub ? el('div', {class: 'sub'}, sub) : null);
  }

  // The summary cards for rows. scorerOrder keeps the document's order; corpus scores
  // (which need every trial) are shown only when nothing is filtered out.
  function renderCards(rows, options) {
    const s = totals(rows);
    const filtered = options.filtered;
    const cards = el('div', {class: 'cards'});
    cards.appendChild(card('Pass rate', pct(s.passRate),
      int(s.passed) + ' passed · ' + int(s.failed) + ' failed · ' + int(s.errors) + ' errors of ' + int(s.trials),
      {'data-card': 'pass-rate', 'data-passed': s.passed, 'data-failed': s.failed, 'data-errors': s.errors}));
    for (const name of options.scorerOrder) {
      const m = s.scorers.get(name);
      if (!m) continue;
      const corpus = !filtered && options.corpus.has(name) ? 'corpus ' + fixed(options.corpus.get(name), 2) + ' · ' : '';
      cards.appendChild(card(name + ' mean', m.count ? fixed(m.sum / m.count, 3) : '–',
        corpus + 'pass ' + pct(m.count ? m.passes / m.count : NaN) + (m.errors ? ' · ' + int(m.errors) + ' errors' : ''),
        {'data-card': 'scorer', 'data-scorer': name}));
    }
    cards.appendChild(card('Tokens', int(s.promptTokens + s.completionTokens),
      int(s.promptTokens) + ' prompt · ' + int(s.completionTokens) + ' completion', {'data-card': 'tokens'}));
    cards.appendChild(card('Cost', money(s.cost), null, {'data-card': 'cost'}));
    cards.appendChild(card('Latency p50 / p95', secs(s.p50), 'p95 ' + secs(s.p95), {'data-card': 'latency'}));
    if (options.reviews) {
      const r = options.reviews;
      cards.appendChild(card('Reviewed', int(r.reviewed), int(r.overridden) + ' verdicts overridden · pass rate with reviews ' +
        pct(r.passRate), {'data-card': 'reviews'}));
    }
    return cards;
  }

  // Per provider, per prompt and per (prompt, provider) cell, over rows.
  // One line for the folded tables: each provider's (or prompt's) pass rate.
  function groupsHeadline(rows, by) {
    const groups = new Map();
    for (const r of rows) {
      const id = str(by === 'provider' ? r.t.provider_id : r.t.prompt_id);
      if (!groups.has(id)) groups.set(id, {n: 0, passed: 0});
      const g = groups.get(id);
      g.n++;
      if (r.status === 'pass') g.passed++;
    }
    const parts = [...groups.keys()].sort().slice(0, 6).map((id) => id + ' ' + pct(groups.get(id).passed / groups.get(id).n));
    return 'Pass rate by ' + by + ': ' + parts.join(' · ') + (groups.size > 6 ? ' · …' : '');
  }

  function renderGroups(rows, scorerOrder, which) {
    const keys = [
      {by: 'provider', title: 'By provider', key: (t) => str(t.provider_id)},
      {by: 'prompt', title: 'By prompt', key: (t) => str(t.prompt_id)},
      {by: 'cell', title: 'By cell (prompt × provider)', key: (t) => str(t.prompt_id) + ' × ' + str(t.provider_id)},
    ].filter((k) => !which || which[k.by]);
    const section = el('div', {class: 'groups'});
    for (const k of keys) {
      const groups = new Map();
      for (const r of rows) {
        const id = k.key(r.t);
        if (!groups.has(id)) groups.set(id, []);
        groups.get(id).push(r);
      }
      const headers = [k.by === 'cell' ? 'Cell' : k.by === 'prompt' ? 'Prompt' : 'Provider', {title: 'Trials', num: true},
        {title: 'Pass rate', num: true}, {title: 'Failed', num: true}, {title: 'Errors', num: true}]
        .concat(scorerOrder.map((n) => ({title: n, num: true})))
        .concat([{title: 'p50', num: true}, {title: 'p95', num: true}, {title: 'Tokens', num: true}, {title: 'Cost', num: true}]);
      const body = [...groups.keys()].sort().map((id) => {
        const s = totals(groups.get(id));
        return el('tr', {'data-group': id},
          el('td', {class: 'group-id'}, id), el('td', {class: 'num'}, int(s.trials)),
          el('td', {class: 'num pass-rate'}, pct(s.passRate)), el('td', {class: 'num'}, int(s.failed)),
          el('td', {class: 'num'}, int(s.errors)),
          scorerOrder.map((n) => {
            const m = s.scorers.get(n);
            return el('td', {class: 'num'}, m && m.count ? fixed(m.sum / m.count, 3) : '–');
          }),
          el('td', {class: 'num'}, secs(s.p50)), el('td', {class: 'num'}, secs(s.p95)),
          el('td', {class: 'num'}, int(s.promptTokens + s.completionTokens)), el('td', {class: 'num'}, money(s.cost)));
      });
      section.appendChild(el('div', {class: 'group-table', 'data-by': k.by}, el('h3', null, k.title),
        el('div', {class: 'scroll-x'}, simpleTable(headers, body, {class: 'compact', id: 'groups-by-' + k.by}))));
    }
    return section;
  }

  function verdictClass(v) {
    return v === 'better' ? 'improved' : v === 'worse' ? 'regressed' : 'neutral';
  }

  // The run document's in-run paired comparisons and rankings (present with several
  // prompts or providers).
  function renderComparisons(doc) {
    // Comparisons with no paired case (prompts that share no case) say nothing.
    const comparisons = (Array.isArray(doc.group_comparisons) ? doc.group_comparisons : [])
      .filter((c) => c && isNum(c.paired) && c.paired > 0);
    const rankings = Array.isArray(doc.rankings) ? doc.rankings : [];
    if (!comparisons.length && !rankings.length) return null;
    // Folded under a headline naming the significant pass-rate differences.
    const findings = [];
    let significant = 0;
    for (const c of comparisons) {
      for (const m of Array.isArray(c.metrics) ? c.metrics : []) {
        const v = str(m.verdict);
        if (v !== 'better' && v !== 'worse') continue;
        significant++;
        if (str(m.metric) === 'pass_rate') {
          findings.push(str(c.b) + ' ' + v + ' than ' + str(c.a) + (c.within ? ' (' + str(c.within) + ')' : ''));
        }
      }
    }
    const headline = 'Prompts and providers compared: ' + (significant ?
      int(significant) + ' significant difference' + (significant > 1 ? 's' : '') +
        (findings.length ? ': pass rate ' + findings.slice(0, 3).join('; ') + (findings.length > 3 ? '; …' : '') : '') :
      'no significant difference');
    const section = el('details', {id: 'group-comparisons', class: 'fold'}, el('summary', null, headline),
      el('p', {class: 'section-note'}, 'Paired by case: McNemar for pass/fail, paired bootstrap for scores, Holm across ' +
        'each family. Δ is b − a; errored: cases one side (a, b) or both errored on, left out of the pairs.'));
    const body = [];
    for (const c of comparisons) {
      const errored = c.errored && typeof c.errored === 'object' ? c.errored : {};
      for (const m of Array.isArray(c.metrics) ? c.metrics : []) {
        body.push(el('tr', {class: 'group-comparison', 'data-verdict': str(m.verdict)},
          el('td', null, str(c.by)), el('td', null, str(c.within)), el('td', null, str(c.a)), el('td', null, str(c.b)),
          el('td', {title: str(m.kind)}, el('b', null, str(m.metric))),
          el('td', {class: 'num'}, fixed(m.a_mean, 3)), el('td', {class: 'num'}, fixed(m.b_mean, 3)),
          el('td', {class: 'num'}, signed(m.delta, 3)),
          el('td', {class: 'num'}, '[' + signed(m.ci_low, 3) + ', ' + signed(m.ci_high, 3) + ']'),
          el('td', {class: 'num'}, fixed(m.p_value, 3)), el('td', {class: 'num'}, fixed(m.p_adjusted, 3)),
          el('td', {class: 'num'}, int(c.paired)),
          el('td', {class: 'num'}, int(errored.a) + ' / ' + int(errored.b) + ' / ' + int(errored.both)),
          el('td', null, el('span', {class: 'badge ' + verdictClass(str(m.verdict))}, str(m.verdict) || '–'))));
      }
    }
    if (body.length) {
      section.appendChild(el('div', {class: 'scroll-x'}, simpleTable(['By', 'Within', 'a', 'b', 'Metric',
        {title: 'a mean', num: true}, {title: 'b mean', num: true}, {title: 'Δ', num: true}, {title: 'CI of Δ', num: true},
        {title: 'p', num: true}, {title: 'p (Holm)', num: true}, {title: 'Pairs', num: true},
        {title: 'Errored', num: true}, 'Verdict'], body, {id: 'group-comparison-table', class: 'compact'})));
    }
    for (const r of rankings) {
      const pairs = Array.isArray(r.significant_pairs) ? r.significant_pairs : [];
      section.appendChild(el('div', {class: 'ranking', 'data-by': str(r.by), 'data-within': str(r.within)},
        el('h3', null, 'Ranking by ' + str(r.by) + (r.within ? ' within ' + str(r.within) : '')),
        simpleTable([{title: 'Rank', num: true}, str(r.by) === 'prompt' ? 'Prompt' : 'Provider', {title: 'Pass rate', num: true},
          {title: 'Interval', num: true}],
        (Array.isArray(r.entries) ? r.entries : []).map((e) => el('tr', {class: 'ranking-entry'},
          el('td', {class: 'num'}, int(e.rank)), el('td', null, str(e.id)), el('td', {class: 'num'}, pct(e.pass_rate)),
          el('td', {class: 'num'}, '[' + pct(e.ci_low) + ', ' + pct(e.ci_high) + ']'))), {class: 'compact ranking-table'}),
        el('p', {class: 'section-note'}, pairs.length ? 'Significant differences: ' +
          pairs.map((p) => Array.isArray(p) ? str(p[0]) + ' vs ' + str(p[1]) : '').join(', ') + '.' :
          'No difference between them is significant.')));
    }
    return section;
  }

  return {totals, renderCards, groupsHeadline, renderGroups, renderComparisons};
})();
