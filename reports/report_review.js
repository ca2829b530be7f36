// Review tools of the evalkit HTML report: reviewer annotations (a pass/fail override and a
// comment per trial) kept in the browser's localStorage and exported as JSON for
// `evalkit annotate import`, and a trial written as Markdown for a pull-request comment.
const EvalkitReview = (function () {
  'use strict';

  const {el, isNum, str, fixed, mdText, mdFence} = EvalkitWidgets;
  const MAX_COMMENT = 10000;  // evalkit annotate import refuses longer comments
  const FORMAT = 'evalkit-annotations';

  // Annotations of one run: those stored with the run (from `evalkit annotate import`,
  // carried in the document) and this browser's own, which win. A browser entry with no
  // verdict and no comment clears a stored one.
  function createStore(runId, rows) {
    const key = 'evalkit.annotations.' + str(runId);
    let local = {};
    let storageError = '';
    // This browser's reviews are read by load(), after the page first draws: opening local
    // storage can take a tenth of a second. Returns whether there were any.
    function load() {
      try {
        const saved = JSON.parse(window.localStorage.getItem(key) || '{}');
        if (saved && typeof saved === 'object' && saved.items && typeof saved.items === 'object' &&
            !Array.isArray(saved.items)) {
          local = Object.assign(saved.items, local);
        }
      } catch (e) {
        storageError = 'browser storage is unavailable, so reviews last only until the page closes';
      }
      return Object.keys(local).length > 0;
    }
    // Trials by index, built on first need (most pages have no review at all).
    let byIndexMap = null;
    const byIndex = {get: (k) => {
      if (!byIndexMap) byIndexMap = new Map(rows.map((r) => [String(r.index), r]));
      return byIndexMap.get(k);
    }};
    const storedAny = rows.some((r) => r.t.annotation);
    const clean = (a) => {
      if (!a || typeof a !== 'object') return null;
      const verdict = a.verdict === 'pass' || a.verdict === 'fail' ? a.verdict : null;
      const text = (v, max) => (typeof v === 'string' ? v.slice(0, max) : '');
      const comment = text(a.comment, MAX_COMMENT);
      if (!verdict && !comment) return null;
      return {verdict: verdict, comment: comment, author: text(a.author, 200), updated_at: text(a.updated_at, 64)};
    };

    function get(index) {
      if (!any()) return null;
      const k = String(index);
      if (Object.prototype.hasOwnProperty.call(local, k)) {
        const a = clean(local[k]);
        return a ? Object.assign({source: 'browser'}, a) : null;
      }
      const row = byIndex.get(k);
      const stored = row ? clean(row.t.annotation) : null;
      return stored ? Object.assign({source: 'store'}, stored) : null;
    }

    function set(index, verdict, comment) {
      local[String(index)] = {verdict: verdict || null, comment: str(comment).slice(0, MAX_COMMENT),
        updated_at: new Date().toISOString()};
      try {
        window.localStorage.setItem(key, JSON.stringify({version: 1, items: local}));
        storageError = '';
      } catch (e) {
        storageError = 'could not save to browser storage (' + str(e && e.name) + '); export the reviews to keep them';
      }
    }

    function all() {
      const out = [];
      if (!any()) return out;
      for (const r of rows) {
        const a = get(r.index);
        if (a) out.push({row: r, annotation: a});
      }
      return out;
    }

    function localCount() {
      return Object.keys(local).length;
    }

    function clearLocal() {
      local = {};
      try { window.localStorage.removeItem(key); } catch (e) { /* nothing stored */ }
    }

    // The file `evalkit annotate import` reads. Cleared browser entries are exported with
    // a null verdict and empty comment so the import removes the stored annotation too.
    function exportDocument(suite) {
      const annotations = [];
      for (const r of rows) {
        const k = String(r.index);
        const a = get(r.index);
        const cleared = !a && Object.prototype.hasOwnProperty.call(local, k) && r.t.annotation;
        if (!a && !cleared) continue;
        annotations.push({trial_index: r.index, case_id: str(r.t.case_id), prompt_id: str(r.t.prompt_id),
          provider_id: str(r.t.provider_id), repeat: isNum(r.t.repeat) ? r.t.repeat : 0,
          verdict: a ? a.verdict : null, comment: a ? a.comment : '', updated_at: a ? a.updated_at : new Date().toISOString()});
      }
      return {format: FORMAT, version: 1, run_id: str(runId), suite: str(suite), exported_at: new Date().toISOString(),
        annotations: annotations};
    }

    // Whether any trial may have a review (stored with the run or in this browser).
    function any() {
      return storedAny || Object.keys(local).length > 0;
    }

    return {load, get, set, all, any, localCount, clearLocal, exportDocument, error: () => storageError};
  }

  // Offers text as a file download (a blob: link; nothing leaves the machine).
  function download(filename, text) {
    const url = URL.createObjectURL(new Blob([text], {type: 'application/json'}));
    const link = el('a', {href: url, download: filename, class: 'hidden-link'});
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // The review form of one trial. onChange(verdict, comment) is called on every edit.
  function reviewBox(row, annotation, onChange) {
    const a = annotation || {verdict: null, comment: ''};
    const name = 'review-' + row.index;
    const choice = (value, label) => {
      const input = el('input', {type: 'radio', name: name, value: value, 'data-review': value || 'none'});
      input.checked = (a.verdict || '') === value;
      return el('label', {class: 'review-choice'}, input, ' ' + label);
    };
    const comment = el('textarea', {class: 'review-comment', rows: 2, maxlength: MAX_COMMENT,
      placeholder: 'Comment (kept in this browser; export to share)', 'aria-label': 'Review comment'});
    comment.value = str(a.comment);
    const auto = row.status === 'pass' ? 'pass' : row.status === 'fail' ? 'fail' : row.status;
    const form = el('div', {class: 'review', 'data-index': row.index},
      el('h3', null, 'Review'),
      el('div', {class: 'review-choices'}, choice('', 'keep evalkit\'s verdict (' + auto + ')'), choice('pass', 'pass'),
        choice('fail', 'fail')),
      comment,
      el('p', {class: 'section-note review-source'}, annotation ? (annotation.source === 'store' ?
        'Stored with the run' + (annotation.author ? ' by ' + annotation.author : '') +
        (annotation.updated_at ? ' (' + annotation.updated_at + ')' : '') + '.' :
        'Saved in this browser' + (annotation.updated_at ? ' at ' + annotation.updated_at : '') + '.') : 'Not reviewed.'));
    const changed = () => {
      const picked = form.querySelector('input[type=radio]:checked');
      onChange(picked && picked.value ? picked.value : null, comment.value);
    };
    for (const input of form.querySelectorAll('input[type=radio]')) input.addEventListener('change', changed);
    let timer = 0;
    comment.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(changed, 250); });
    comment.addEventListener('change', () => { clearTimeout(timer); changed(); });
    return form;
  }

  // One trial as Markdown: a heading line, the scores, the output and the expected answer.
  function trialMarkdown(row, context) {
    const t = row.t;
    const lines = [];
    const status = row.status === 'pass' ? '✅ pass' : row.status === 'fail' ? '❌ fail' : '⚠️ ' + row.status;
    lines.push('**' + mdText(t.case_id) + '** · test #' + row.number + ' · prompt ' + mdText(t.prompt_id) +
      ' · provider ' + mdText(t.provider_id) + (t.repeat ? ' · repeat ' + t.repeat : '') + ' — ' + status +
      (row.change === 'regressed' ? ' (regressed: passed in the baseline)' : ''));
    if (t.error) lines.push('', 'Error (' + mdText(t.error_kind) + '): ' + mdText(t.error));
    const scores = Array.isArray(t.scores) ? t.scores : [];
    if (scores.length) {
      lines.push('', '| scorer | value | result | reason |', '| --- | ---: | --- | --- |');
      for (const s of scores) {
        lines.push('| ' + mdText(s.name) + ' | ' + fixed(s.value, 3) + ' | ' + (s.error ? 'error' : s.pass ? 'pass' : 'fail') +
          ' | ' + mdText(context.reasonOf(s)) + ' |');
      }
    }
    if (context.annotation) {
      const a = context.annotation;
      lines.push('', 'Reviewer: ' + (a.verdict ? a.verdict : 'no override') + (a.comment ? ' — ' + mdText(a.comment) : ''));
    }
    lines.push('', 'Output:', mdFence(t.output, 'text'));
    const expected = context.expected;
    if (expected.length) lines.push('', 'Expected:', mdFence(expected.join('\n---\n'), 'text'));
    if (context.link) lines.push('', '[Open in the report](' + context.link.replace(/[()\s<>]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')) + ')');
    return lines.join('\n') + '\n';
  }

  return {createStore, download, reviewBox, trialMarkdown, MAX_COMMENT};
})();
