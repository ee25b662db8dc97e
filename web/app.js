/* embargo web page: screening, decisions, licence checks and the audit
 * export, over the JSON API of `embargo serve` (docs/web.md).
 *
 * Plain browser JavaScript, no build step and no library, so the page is
 * easy to audit and works offline. Every name on the page comes from a list
 * file or from a user, so nothing is ever written with innerHTML: the page
 * is built with DOM calls and textContent only (see el() below). The API
 * key lives in sessionStorage: it is gone when the tab closes. */
'use strict';

(function() {
const KEY_STORE = 'embargo.key';
const REVIEWER_STORE = 'embargo.reviewer';

const $ = (id) => document.getElementById(id);

/* The API sits next to the page: "/" serves the page and "/v1/..." the
 * API, also when both are mounted under a prefix behind a proxy. */
const apiBase = new URL(
    location.pathname.replace(/\/ui\/[^/]*$/, '/').replace(/[^/]*$/, ''),
    location.origin);

/* ---- DOM building ------------------------------------------------- */

/* el('td', {className: 'x', 'data-label': 'Score'}, child, ...): makes an
 * element. Strings and numbers become text nodes, null/false are
 * skipped and arrays are flattened, so untrusted text can never become
 * markup. */
function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'className')
        e.className = v;
      else if (k === 'text')
        e.textContent = v;
      else if (k === 'htmlFor')
        e.htmlFor = v;
      else if (k === 'hidden')
        e.hidden = Boolean(v);
      else if (k === 'onclick')
        e.addEventListener('click', v);
      else
        e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(e, kids);
  return e;
}

function append(parent, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k))
      append(parent, k);
    else if (k instanceof Node)
      parent.appendChild(k);
    else
      parent.appendChild(document.createTextNode(String(k)));
  }
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

let uid = 0;
function nextId(prefix) {
  uid += 1;
  return prefix + '-' + uid;
}

/* Scores are printed with up to four decimals, as the CLI does, so a
 * score just under the threshold never looks equal to it. */
function fmtScore(v) {
  if (typeof v !== 'number' || !isFinite(v)) return '?';
  let s = v.toFixed(4).replace(/0+$/, '');
  if (/\.\d$/.test(s)) s += '0';
  if (s.endsWith('.')) s += '00';
  return s;
}

/* ---- storage ------------------------------------------------------ */

function store(name, value) {
  try {
    if (value)
      sessionStorage.setItem(name, value);
    else
      sessionStorage.removeItem(name);
  } catch (e) {
    /* Storage can be disabled; the page still works for this load. */
  }
}

function load(name) {
  try {
    return sessionStorage.getItem(name) || '';
  } catch (e) {
    return '';
  }
}

let apiKey = load(KEY_STORE);

/* ---- errors ------------------------------------------------------- */

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function showError(err) {
  const box = $('error');
  clear(box);
  if (err instanceof ApiError) {
    const head =
        err.status ? 'HTTP ' + err.status + ' ' : 'No answer from the server ';
    append(box, [
      el('strong', null, head),
      el('span', {className: 'code'}, err.code || ''),
      el('span', null, ': ' + err.message),
    ]);
  } else {
    append(box, [
      el('strong', null, 'Error: '),
      String(err && err.message ? err.message : err),
    ]);
  }
  box.hidden = false;
  box.scrollIntoView({block: 'nearest'});
}

function hideError() {
  const box = $('error');
  box.hidden = true;
  clear(box);
}

/* ---- the API ------------------------------------------------------ */

/* Calls the API and resolves with {status, text, json}; rejects with an
 * ApiError carrying the HTTP status and the server's error code and
 * message, so the analyst sees exactly what the server said. */
async function api(method, path, body) {
  if (!apiKey) {
    throw new ApiError(0, 'NOKEY', 'enter an API key first (top right).');
  }
  const headers = {Authorization: 'Bearer ' + apiKey};
  const init = {method, headers, cache: 'no-store', credentials: 'omit'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(new URL(path, apiBase), init);
  } catch (e) {
    throw new ApiError(0, 'ENET', 'the request failed (' + e.message + ').');
  }
  const text = await res.text();
  let json = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json') && !type.includes('ndjson') && text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (!res.ok) {
    const err = json && json.error ? json.error : {};
    throw new ApiError(
        res.status, err.code || 'HTTP' + res.status,
        err.message || res.statusText || 'request failed');
  }
  return {status: res.status, text, json};
}

/* Disables the button and marks the region busy while a request runs.
 * With clearOnError the region's old result is removed when the request
 * fails, so an answer to an earlier question is never left standing next
 * to the error of the current one. */
async function busy(button, region, fn, clearOnError) {
  button.disabled = true;
  region.setAttribute('aria-busy', 'true');
  try {
    await fn();
  } catch (e) {
    if (clearOnError) clear(region);
    showError(e);
  } finally {
    button.disabled = false;
    region.removeAttribute('aria-busy');
  }
}

/* ---- key ---------------------------------------------------------- */

function showKeyState() {
  const st = $('key-state');
  st.textContent = apiKey ? 'Key set for this tab.' : 'No key set.';
  st.classList.toggle('set', Boolean(apiKey));
}

async function loadListsInfo() {
  const info = $('lists-info');
  clear(info);
  if (!apiKey) return;
  try {
    const r = await api('GET', 'v1/lists');
    const j = r.json || {};
    const codes =
        Object.entries(j.lists || {}).map(([code, n]) => code + ' (' + n + ')');
    const nsrc = Array.isArray(j.sources) ? j.sources.length : 0;
    append(info, [
      'Lists loaded: ' + (j.entities || 0) + ' entries from ' + nsrc + ' file' +
          (nsrc === 1 ? '' : 's') + '; ',
      codes.join(', '),
      j.version ? '. Version ' + j.version + '.' : '.',
    ]);
    $('s-lists-help').textContent = 'Comma-separated codes. Loaded: ' +
        Object.keys(j.lists || {}).join(', ') + '. Empty: all.';
  } catch (e) {
    showError(e);
  }
}

function setupKey() {
  const input = $('api-key');
  input.value = apiKey;
  showKeyState();
  $('key-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    apiKey = input.value.trim();
    store(KEY_STORE, apiKey);
    showKeyState();
    hideError();
    loadListsInfo();
  });
  $('key-forget').addEventListener('click', () => {
    apiKey = '';
    input.value = '';
    store(KEY_STORE, '');
    showKeyState();
    clear($('lists-info'));
  });
}

/* ---- tabs --------------------------------------------------------- */

function setupTabs() {
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  function select(tab, focus) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab, false));
    /* Arrow keys, Home and End move between tabs (WAI-ARIA tabs). */
    tab.addEventListener('keydown', (ev) => {
      let j = -1;
      if (ev.key === 'ArrowRight')
        j = (i + 1) % tabs.length;
      else if (ev.key === 'ArrowLeft')
        j = (i - 1 + tabs.length) % tabs.length;
      else if (ev.key === 'Home')
        j = 0;
      else if (ev.key === 'End')
        j = tabs.length - 1;
      if (j >= 0) {
        ev.preventDefault();
        select(tabs[j], true);
      }
    });
  });
}

/* ---- screening ---------------------------------------------------- */

/* How two words were paired, in words a reviewer can check. */
const HOW = {
  exact: 'same word',
  typo: 'spelling differs by one letter',
  joined: 'written as one word on one side',
  split: 'written as separate words on one side',
  acronym: 'initials of the other name',
  abbreviation: 'abbreviation of the other word',
};

function numberOrNull(input) {
  const v = input.value.trim();
  if (v === '') return null;
  const n = Number(v);
  return isFinite(n) ? n : NaN;
}

function screenRequest() {
  const name = $('s-name').value.trim();
  if (!name) throw new Error('type a name to screen.');
  const body = {name};
  const country = $('s-country').value.trim().toUpperCase();
  if (country) {
    if (!/^[A-Z]{2}$/.test(country)) {
      throw new Error('country: use a two-letter ISO code such as CN.');
    }
    body.country = country;
  }
  if ($('s-type').value) body.type = $('s-type').value;
  const lists = $('s-lists')
                    .value.split(/[\s,]+/)
                    .map((s) => s.trim().toUpperCase())
                    .filter(Boolean);
  if (lists.length) body.lists = lists;
  for (const [id, field] of [
           ['s-threshold', 'threshold'],
           ['s-min', 'min_score'],
  ]) {
    const n = numberOrNull($(id));
    if (n === null) continue;
    if (isNaN(n) || n < 0 || n > 1) {
      throw new Error(field + ': use a number from 0 to 1.');
    }
    body[field] = n;
  }
  if ($('s-asof').value) body.as_of = $('s-asof').value;
  return body;
}

function decisionBadge(d, cleared) {
  if (!d && !cleared) return null;
  const kind = d ? d.decision : 'false_positive';
  const box = el('div', {className: 'decision-box'});
  if (kind === 'false_positive') {
    box.appendChild(
        el('span', {className: 'badge ok'}, 'Cleared: false positive'));
  } else if (kind === 'true_match') {
    box.appendChild(el('span', {className: 'badge bad'}, 'True match'));
  } else {
    box.appendChild(el('span', {className: 'badge grey'}, String(kind)));
  }
  if (d) {
    const by = [];
    if (d.reviewer) by.push('by ' + d.reviewer);
    if (d.time) by.push(d.time);
    if (by.length)
      box.appendChild(el('span', {className: 'sub-line'}, by.join(', ')));
    if (d.note)
      box.appendChild(el('span', {className: 'sub-line'}, '“' + d.note + '”'));
  }
  return box;
}

function scoreCell(h) {
  const fill = el('span');
  const pct = Math.max(0, Math.min(1, Number(h.score) || 0)) * 100;
  /* CSSOM, not a style attribute, so the page's CSP allows it. */
  fill.style.width = pct.toFixed(1) + '%';
  return el(
      'td', {className: 'score', 'data-label': 'Score'},
      el('span',
         {className: 'bar' + (h.match ? ' match' : ''), 'aria-hidden': 'true'},
         fill),
      el('span', {className: 'score-num'}, fmtScore(h.score)),
      el('span', {className: 'sub-line'},
         h.match ? el('span', {className: 'badge bad'}, 'match') :
                   el('span', {className: 'badge grey'}, 'below threshold')));
}

function explainBlock(query, h) {
  const ex = h.explain || {};
  const thr = typeof ex.threshold === 'number' ? ex.threshold : null;
  const form = ex.form === 'script' ?
      'in the original script (e.g. Chinese characters)' :
      'in Latin letters, after transliteration, case folding and ' +
          'removal of accents';
  const box = el('div', {className: 'explain'});
  append(box, [
    el('h3', null, 'Why this name was found'),
    el('p', null,
       'Your name “' + query + '” was compared with the list name “' +
           (h.matched_name || h.name || '') + '” ' + form + '. ',
       'Score ' + fmtScore(h.score) +
           (thr === null ? '' :
                           (h.score >= thr ? ' is at or above' : ' is below') +
                    ' the match threshold ' + fmtScore(thr)) +
           ': ',
       el('strong', null,
          h.match ? 'a possible match that needs review.' :
                    'shown for information only.')),
    el('p', {className: 'help'}, 'Words as compared: your name ',
       el('span', {className: 'tokens'}, ex.query_tokens || '—'),
       '; the list name ',
       el('span', {className: 'tokens'}, ex.candidate_tokens || '—'),
       '. The weight is the share of the name a word carries: legal forms ' +
           '(Co., Ltd.) and common words count little, ' +
           'distinctive words a lot.'),
  ]);
  const pairs = Array.isArray(ex.pairs) ? ex.pairs : [];
  if (pairs.length) {
    const tb = el('tbody');
    for (const p of pairs) {
      tb.appendChild(
          el('tr', null, el('td', {className: 'tokens'}, p.query),
             el('td', {className: 'tokens'}, p.candidate),
             el('td', null, HOW[p.how] || p.how,
                el('span', {className: 'sub-line mono'}, p.how)),
             el('td', null, fmtScore(p.similarity)),
             el('td', null, fmtScore(p.weight))));
    }
    box.appendChild(
        el('table', {className: 'pairs'},
           el('caption', {className: 'help'}, 'How the words lined up'),
           el('thead', null,
              el('tr', null, el('th', {scope: 'col'}, 'Your word'),
                 el('th', {scope: 'col'}, 'Word on the list'),
                 el('th', {scope: 'col'}, 'How'),
                 el('th', {scope: 'col'}, 'Similarity'),
                 el('th', {scope: 'col'}, 'Weight'))),
           tb));
  }
  const unmatched = (label, arr) => {
    const list = Array.isArray(arr) ? arr : [];
    return el(
        'p', null, el('strong', null, label + ': '),
        list.length ?
            list.map(
                (u, i) =>
                    [i ? ', ' : '', el('span', {className: 'tokens'}, u.token),
                     ' (weight ' + fmtScore(u.weight) + ')']) :
            'none');
  };
  box.appendChild(unmatched(
      'Words of your name not found in the list name', ex.unmatched_query));
  box.appendChild(unmatched(
      'Words of the list name not in your name', ex.unmatched_candidate));

  /* The entry's facts, for the reviewer to compare with the party. */
  const facts = el('dl', {className: 'facts'});
  const fact = (k, v) => {
    if (v === undefined || v === null || v === '' ||
        (Array.isArray(v) && !v.length))
      return;
    facts.appendChild(el('dt', null, k));
    facts.appendChild(
        el('dd', null, Array.isArray(v) ? v.join(', ') : String(v)));
  };
  fact('Entry', h.name);
  fact('Entry id', h.entity_id);
  fact('List', h.source || h.list);
  fact('Type', h.type);
  fact('Countries', h.countries);
  fact('Programmes', h.programs);
  fact('Listed from', h.start_date);
  fact('Listed until', h.end_date);
  fact('Footnotes', h.footnotes);
  if (facts.firstChild) {
    box.appendChild(el('h3', null, 'The list entry'));
    box.appendChild(facts);
  }
  return box;
}

function decideForm(query, h, onStored) {
  const rid = nextId('dec');
  const form = el('form', {className: 'decide-form', novalidate: true});
  const status = el('p', {className: 'help', role: 'status'});
  const reviewer = el('input', {
    id: rid + '-reviewer',
    required: true,
    maxlength: 200,
    autocomplete: 'name',
    value: load(REVIEWER_STORE)
  });
  const note =
      el('textarea', {id: rid + '-note', rows: 2, cols: 50, maxlength: 4000});
  const radios = [
    ['true_match', 'True match: this is the listed party'],
    ['false_positive', 'False positive: a different party'],
  ].map(([v, text]) => {
    const id = rid + '-' + v;
    return el(
        'label', {htmlFor: id},
        el('input', {type: 'radio', name: rid + '-kind', id, value: v}),
        ' ' + text);
  });
  const submit =
      el('button', {type: 'submit', className: 'primary'}, 'Record decision');
  append(form, [
    el('h3', null, 'Record a decision on this hit'),
    el('fieldset', null, el('legend', null, 'Decision'),
       el('div', {className: 'checks'}, radios)),
    el('div', {className: 'row'},
       el('div', {className: 'field'},
          el('label', {htmlFor: reviewer.id}, 'Reviewer'), reviewer),
       el('div', {className: 'field grow'},
          el('label', {htmlFor: note.id}, 'Note (optional)'), note),
       el('div', {className: 'field actions'}, submit)),
    status,
  ]);
  /* The reviewer is usually the same person all session: fill in the
   * last name used when the form opens. */
  form.prefill = () => {
    if (!reviewer.value) reviewer.value = load(REVIEWER_STORE);
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const picked = form.querySelector('input[type="radio"]:checked');
    if (!picked) {
      status.textContent = 'Choose true match or false positive.';
      return;
    }
    if (!reviewer.value.trim()) {
      status.textContent = 'Give the reviewer’s name.';
      reviewer.focus();
      return;
    }
    const body = {
      query,
      entity_id: h.entity_id,
      decision: picked.value,
      reviewer: reviewer.value.trim()
    };
    if (note.value.trim()) body.note = note.value.trim();
    store(REVIEWER_STORE, body.reviewer);
    busy(submit, form, async () => {
      const r = await api('POST', 'v1/decisions', body);
      const j = r.json || {};
      const d = j.decision && typeof j.decision === 'object' ? j.decision : j;
      hideError();
      status.textContent = 'Decision recorded in the audit log.';
      onStored(d);
    });
  });
  return form;
}

function renderScreen(result, requestBody) {
  const out = $('screen-result');
  clear(out);
  const query =
      typeof result.query === 'string' ? result.query : requestBody.name;
  const hits = Array.isArray(result.hits) ? result.hits : [];
  const matches = hits.filter((h) => h.match).length;
  out.appendChild(el('h2', null, 'Results for “' + query + '”'));
  if (!hits.length) {
    out.appendChild(
        el('p', {className: 'summary-line', id: 'screen-none'},
           'No list entry resembles this name closely enough to show.'));
    return;
  }
  out.appendChild(el(
      'p', {className: 'summary-line', id: 'screen-summary'},
      hits.length + ' hit' + (hits.length === 1 ? '' : 's') + ', ' + matches +
          ' at or above the match threshold. Open “Explain” to see ' +
          'how a name matched, ' +
          'and record a decision on each match.'));

  const tbody = el('tbody');
  hits.forEach((h, i) => {
    const detailId = nextId('detail');
    const explainBtn =
        el('button', {
          type: 'button',
          className: 'small explain-btn',
          'aria-expanded': 'false',
          'aria-controls': detailId
        },
           'Explain');
    const decideBtn =
        el('button', {
          type: 'button',
          className: 'small decide-btn',
          'aria-expanded': 'false',
          'aria-controls': detailId
        },
           'Decide…');
    const decisionSlot =
        el('div', {className: 'decision-slot'},
           decisionBadge(h.decision, h.cleared));
    const row =
        el('tr', {
          className: 'hit' + (h.cleared ? ' cleared' : ''),
          'data-entity': h.entity_id,
          'data-list': h.list,
          'data-index': i
        },
           scoreCell(h),
           el('td', {'data-label': 'List'},
              el('span', {className: 'mono'}, h.list || ''),
              el('span', {className: 'sub-line'}, h.source || '')),
           el('td', {'data-label': 'Entity'},
              el('span', {className: 'entity-name'}, h.name || ''),
              el('span', {className: 'sub-line mono'}, h.entity_id || ''),
              el('span', {className: 'sub-line'},
                 [
                   h.type,
                   Array.isArray(h.countries) ? h.countries.join(', ') : null,
                   h.start_date ? 'listed from ' + h.start_date : null
                 ].filter(Boolean)
                     .join(' · '))),
           el('td', {'data-label': 'Matched name'}, h.matched_name || ''),
           el('td', {
             className: 'licence',
             'data-label': 'Licence requirement and policy'
           },
              h.license_requirement ? el('div', null, h.license_requirement) :
                                      el('span', {className: 'help'}, '—'),
              h.license_policy ? el('div', {className: 'sub-line'},
                                    'Policy: ' + h.license_policy) :
                                 null),
           el('td', {className: 'citation', 'data-label': 'Citation'},
              h.citation || '—',
              Array.isArray(h.footnotes) && h.footnotes.length ?
                  el('span', {className: 'sub-line'},
                     'Footnotes: ' + h.footnotes.join(', ')) :
                  null),
           el('td', {className: 'review', 'data-label': 'Review'}, decisionSlot,
              el('div', {className: 'review-actions'}, explainBtn, decideBtn)));

    const explainPart = explainBlock(query, h);
    explainPart.hidden = true;
    const decidePart = decideForm(query, h, (d) => {
      h.decision = d;
      clear(decisionSlot);
      append(decisionSlot, [decisionBadge(d, false)]);
      row.classList.toggle('cleared', d && d.decision === 'false_positive');
    });
    decidePart.hidden = true;
    const detail =
        el('tr', {className: 'detail', id: detailId, hidden: true},
           el('td', {colspan: 7}, explainPart, decidePart));

    const sync = () => {
      detail.hidden = explainPart.hidden && decidePart.hidden;
      explainBtn.setAttribute('aria-expanded', String(!explainPart.hidden));
      decideBtn.setAttribute('aria-expanded', String(!decidePart.hidden));
      explainBtn.textContent = explainPart.hidden ? 'Explain' : 'Hide';
    };
    explainBtn.addEventListener('click', () => {
      explainPart.hidden = !explainPart.hidden;
      sync();
    });
    decideBtn.addEventListener('click', () => {
      decidePart.hidden = !decidePart.hidden;
      sync();
      if (!decidePart.hidden) {
        decidePart.prefill();
        const first = decidePart.querySelector('input[type="radio"]');
        if (first) first.focus();
      }
    });
    tbody.appendChild(row);
    tbody.appendChild(detail);
  });

  const head = el('thead', null, el('tr', null, [
                    'Score', 'List', 'Entity', 'Matched name',
                    'Licence requirement and policy', 'Citation', 'Review'
                  ].map((t) => el('th', {scope: 'col'}, t))));
  out.appendChild(
      el('div', {className: 'hits'},
         el('table', {id: 'hits-table'}, head, tbody)));
}

function setupScreen() {
  const form = $('screen-form');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    let body;
    try {
      body = screenRequest();
    } catch (e) {
      showError(e);
      return;
    }
    /* The old result goes at once, so it is never read as the answer
     * to the new name. */
    clear($('screen-result'));
    $('screen-result').appendChild(el('p', {className: 'help'}, 'Screening…'));
    busy($('s-go'), $('screen-result'), async () => {
      const r = await api('POST', 'v1/screen', body);
      hideError();
      renderScreen(r.json || {}, body);
    }, true);
  });
}

/* ---- transaction check -------------------------------------------- */

const END_USES = [
  ['military', 'Military end use (§744.21)'],
  ['military_end_user', 'Military end user (§744.21)'],
  ['military_intelligence', 'Military-intelligence end use (§744.22)'],
  [
    'military_intelligence_end_user', 'Military-intelligence end user (§744.22)'
  ],
  ['supercomputer', 'Supercomputer (§744.23)'],
  ['advanced_node_ic_production', 'Advanced-node IC production (§744.23)'],
  [
    'sme_production',
    'Semiconductor manufacturing equipment production (§744.23)'
  ],
];

const ROLES =
    ['end_user', 'ultimate_consignee', 'intermediate_consignee', 'purchaser'];

const OUTCOME = {
  prohibited: ['Prohibited', 'bad'],
  license_required: ['Licence required', 'bad'],
  cannot_determine: ['Cannot determine: facts are missing', 'warn'],
  no_license_required: ['No licence required', 'ok'],
};

/* What each missing fact means, for the person filling the form. */
const MISSING = {
  eccn: 'the item’s classification (ECCN)',
  origin: 'the item’s country of origin',
  us_content_pct: 'the share of controlled US content',
  direct_product_of_us_technology:
      'whether the item is a direct product of US technology',
  savings_condition: 'whether a savings clause applies to this shipment',
  referenced_provision:
      'a provision the ECCN refers to, which the data does not model',
  country_chart_row: 'the destination’s Country Chart row',
  de_minimis_rule: 'a de minimis rule for the date',
  screening: 'screening of the parties',
  manufacturer: 'who made the item (or the supplier)',
  'licences.granted': 'when the licence held was granted',
};

function field(labelText, input, grow) {
  return el(
      'div', {className: 'field' + (grow ? ' grow' : '')},
      el('label', {htmlFor: input.id}, labelText), input);
}

function addItem(values) {
  const v = values || {};
  const id = nextId('item');
  const eccn = el('input', {
    id: id + '-eccn',
    size: 10,
    maxlength: 32,
    placeholder: 'EAR99, 3B001',
    autocomplete: 'off',
    value: v.eccn || ''
  });
  const desc = el('input', {
    id: id + '-desc',
    maxlength: 4096,
    autocomplete: 'off',
    value: v.description || ''
  });
  const origin = el('input', {
    id: id + '-origin',
    size: 4,
    maxlength: 2,
    placeholder: 'US',
    autocomplete: 'off',
    value: v.origin || ''
  });
  const pct = el('input', {
    id: id + '-pct',
    type: 'number',
    min: 0,
    max: 100,
    step: 'any',
    value: v.us_content_pct === undefined ? '' : v.us_content_pct
  });
  const dp =
      el('select', {id: id + '-dp'}, el('option', {value: ''}, 'not stated'),
         el('option', {value: 'false'}, 'no'),
         el('option', {value: 'true'}, 'yes'));
  if (v.direct_product_of_us_technology !== undefined) {
    dp.value = String(v.direct_product_of_us_technology);
  }
  const line = el('div', {className: 'line item'});
  const remove =
      el('button', {
        type: 'button',
        className: 'secondary',
        'aria-label': 'Remove this item'
      },
         'Remove');
  remove.addEventListener('click', () => line.remove());
  append(line, [
    field('ECCN', eccn), field('Description', desc, true),
    field('Origin', origin), field('US content %', pct),
    field('Direct product of US technology', dp),
    el('div', {className: 'field actions'}, remove)
  ]);
  line.read = () => {
    const it = {};
    if (eccn.value.trim()) it.eccn = eccn.value.trim().toUpperCase();
    if (desc.value.trim()) it.description = desc.value.trim();
    if (origin.value.trim()) it.origin = origin.value.trim().toUpperCase();
    if (pct.value.trim() !== '') it.us_content_pct = Number(pct.value);
    if (dp.value) it.direct_product_of_us_technology = dp.value === 'true';
    return it;
  };
  $('items').appendChild(line);
  return line;
}

function addParty(values) {
  const v = values || {};
  const id = nextId('party');
  const role =
      el('select', {id: id + '-role'},
         ROLES.map((r) => el('option', {value: r}, r.replace(/_/g, ' '))));
  role.value = v.role || 'end_user';
  const name = el('input', {
    id: id + '-name',
    maxlength: 1024,
    autocomplete: 'off',
    value: v.name || ''
  });
  const country = el('input', {
    id: id + '-country',
    size: 4,
    maxlength: 2,
    autocomplete: 'off',
    value: v.country || ''
  });
  const line = el('div', {className: 'line party'});
  const remove =
      el('button', {
        type: 'button',
        className: 'secondary',
        'aria-label': 'Remove this party'
      },
         'Remove');
  remove.addEventListener('click', () => line.remove());
  append(line, [
    field('Role', role), field('Name', name, true), field('Country', country),
    el('div', {className: 'field actions'}, remove)
  ]);
  line.read = () => {
    if (!name.value.trim()) return null;
    const p = {role: role.value, name: name.value.trim()};
    if (country.value.trim()) p.country = country.value.trim().toUpperCase();
    return p;
  };
  $('parties').appendChild(line);
  return line;
}

function transaction() {
  const txn = {};
  if ($('c-date').value) txn.date = $('c-date').value;
  txn.from = $('c-from').value.trim().toUpperCase();
  txn.to = $('c-to').value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(txn.from))
    throw new Error('exporting country: use a two-letter ISO code.');
  if (!/^[A-Z]{2}$/.test(txn.to))
    throw new Error('destination: use a two-letter ISO code.');
  const act = $('c-activity').value.trim();
  if (act) txn.activity = act;
  txn.items = Array.from($('items').children).map((l) => l.read());
  if (!txn.items.length) throw new Error('add at least one item.');
  txn.parties =
      Array.from($('parties').children).map((l) => l.read()).filter(Boolean);
  txn.end_uses = Array.from($('end-uses').querySelectorAll('input:checked'))
                     .map((c) => c.value);
  return txn;
}

function reasonCard(r) {
  const [label, cls] =
      OUTCOME[r.determination] || [r.determination || '?', 'grey'];
  const card = el('article', {className: 'reason ' + cls});
  append(card, [el('h4', null, r.title || r.rule || r.kind || 'Reason', ' ',
                   el('span', {className: 'badge ' + cls}, label))]);
  if (r.summary) card.appendChild(el('p', {className: 'summary'}, r.summary));
  const dl = el('dl', {className: 'facts'});
  const fact = (k, v, mono) => {
    if (v === undefined || v === null || v === '' ||
        (Array.isArray(v) && !v.length))
      return;
    dl.appendChild(el('dt', null, k));
    dl.appendChild(el('dd', mono ? {className: 'mono'} : null, v));
  };
  fact('Rule', r.rule === null ? 'the engine’s subject test' : r.rule, true);
  fact('Kind', r.kind);
  fact('Citation', r.citation);
  fact('Licence requirement', r.requirement);
  fact('Licence policy', r.policy);
  fact('Control', [
    r.control, Array.isArray(r.paragraph) ? r.paragraph.join(', ') : r.paragraph
  ].filter(Boolean).join(' — '));
  fact(
      'Matched',
      typeof r.matched === 'string' ? r.matched :
          r.matched                 ? JSON.stringify(r.matched) :
                                      null);
  fact(
      'Licence exceptions',
      Array.isArray(r.exceptions) ? r.exceptions.join(', ') : null);
  if (r.missing) {
    fact(
        'Missing fact',
        (MISSING[r.missing] || r.missing) + ' (' + r.missing + ')' +
            (r.detail ? ': ' + r.detail : ''));
  } else {
    fact('Detail', r.detail);
  }
  fact('Note', r.note);
  fact('Licence held', r.licence);
  if (Array.isArray(r.ownership_chain) && r.ownership_chain.length) {
    fact('Owned by listed parties',
         (typeof r.owned_pct === 'number' ? r.owned_pct + '%' : ''));
    fact('Ownership chain',
         el('ul', null,
            r.ownership_chain.map(
                (l) => el('li', null,
                          '\u00a0'.repeat(2 * ((l.depth || 1) - 1)) +
                              l.owner + ' holds ' + l.share_pct + '% of ' +
                              l.owned +
                              (l.entity_id ? ' (listed: ' + l.entity_id + ')' :
                                             '') +
                              (l.source ? ' — ' + l.source : '')))));
  }
  if (Array.isArray(r.items) && r.items.length)
    fact('Items', r.items.map((i) => 'item ' + i).join(', '));
  if (Array.isArray(r.parties) && r.parties.length) {
    fact(
        'Parties',
        el('ul', null,
           r.parties.map(
               (p) => el(
                   'li', null,
                   '“' + (p.party_name || p.named_as || '') + '”' +
                       (p.role ? ' (' + p.role.replace(/_/g, ' ') + ')' : ''),
                   p.name ? ' matches “' + p.name + '”' : '',
                   p.list ? ' on ' + p.list : '',
                   typeof p.score === 'number' ?
                       ', score ' + fmtScore(p.score) :
                       '',
                   p.listed_from ? ', listed from ' + p.listed_from : '',
                   p.entity_id ?
                       el('span', {className: 'sub-line mono'}, p.entity_id) :
                       null))));
  }
  if (dl.firstChild) card.appendChild(dl);
  if (r.verified === false) {
    card.appendChild(
        el('p', {className: 'unverified'},
           'Rule not checked against the primary text' +
               (r.remarks ? ': ' + r.remarks : '.')));
  }
  if (r.terms_verified === false) {
    card.appendChild(
        el('p', {className: 'unverified'},
           'Entry terms (' + (r.terms_basis || 'record') +
               ') not checked against the primary text' +
               (r.terms_remarks ? ': ' + r.terms_remarks : '.')));
  }
  return card;
}

function renderCheck(d) {
  const out = $('check-result');
  clear(out);
  const [label, cls] = OUTCOME[d.overall] || [String(d.overall), 'warn'];
  const src = {
    transaction: 'the transaction’s date',
    as_of: 'the as-of date',
    today: 'today'
  }[d.as_of_source] ||
      d.as_of_source;
  out.appendChild(
      el('div', {className: 'outcome ' + cls, id: 'check-outcome'}, label,
         el('span', {className: 'as-of'},
            'As of ' + (d.as_of || '?') + (src ? ' (' + src + ')' : ''))));

  const considered = Array.isArray(d.considered) ? d.considered : [];
  if (considered.length) {
    out.appendChild(el('h3', null, 'Regimes considered'));
    out.appendChild(
        el('ul', {id: 'check-considered'},
           considered.map(
               (c) => el('li', null, el('strong', null, c.regime), ' ',
                         c.applies ? 'applies: ' : 'not applied: ',
                         c.why || ''))));
  }
  for (const g of Array.isArray(d.regimes) ? d.regimes : []) {
    const [gl] = OUTCOME[g.determination] || [g.determination];
    const sec = el('section', {className: 'regime'});
    sec.appendChild(el('h2', null, g.regime + ': ' + gl));
    if (g.applies_because)
      sec.appendChild(el('p', {className: 'help'},
                         'Applies because ' + g.applies_because + '.'));
    const missing = Array.isArray(g.missing) ? g.missing : [];
    if (missing.length) {
      sec.appendChild(
          el('p', null, el('strong', null, 'Facts needed for an answer: '),
             missing.map(
                 (m, i) =>
                     [i ? '; ' : '', (MISSING[m.missing] || m.missing),
                      m.item !== undefined && m.item !== null ?
                          ' (item ' + m.item + ')' :
                          ''])));
    }
    const reasons = Array.isArray(g.reasons) ? g.reasons : [];
    if (!reasons.length) sec.appendChild(el('p', null, 'No rule fired.'));
    sec.appendChild(el('h3', null, 'Reasons'));
    for (const r of reasons) sec.appendChild(reasonCard(r));
    const items = Array.isArray(g.items) ? g.items : [];
    if (items.length) {
      sec.appendChild(el('h3', null, g.regime === 'US-EAR' ?
                             'Is each item subject to the EAR?' :
                             'Items in the regime’s scope'));
      sec.appendChild(
          el('table', null,
             el('thead', null,
                el('tr', null,
                   ['Item', 'ECCN', 'Subject', 'Basis', 'Citation'].map(
                       (t) => el('th', {scope: 'col'}, t)))),
             el('tbody', null,
                items.map(
                    (it) =>
                        el('tr', null, el('td', null, String(it.item)),
                           el('td', {className: 'mono'}, it.eccn || '—'),
                           el('td', null,
                              it.subject === true      ? 'yes' :
                                  it.subject === false ? 'no' :
                                                         'undecided'),
                           el('td', null, it.basis || ''),
                           el('td', null, it.citation || ''))))));
    }
    out.appendChild(sec);
  }

  const scr = Array.isArray(d.screening) ? d.screening : [];
  if (scr.length) {
    const sec = el('section', null, el('h2', null, 'Screening of the parties'));
    for (const p of scr) {
      const hits = Array.isArray(p.hits) ? p.hits : [];
      sec.appendChild(
          el('h3', null,
             '“' + (p.name || '') + '” (' + (p.role || '').replace(/_/g, ' ') +
                 (p.country ? ', ' + p.country : '') + '): ' + hits.length +
                 ' hit' + (hits.length === 1 ? '' : 's')));
      if (hits.length) {
        sec.appendChild(el(
            'ul', null,
            hits.map(
                (h) => el(
                    'li', null, el('span', {className: 'mono'}, h.list || ''),
                    ' ', h.name || '', ' — score ' + fmtScore(h.score),
                    h.match ? (h.listed ? ', listed on the date' :
                                          ', not listed on the date') :
                              ', near miss'))));
      }
    }
    out.appendChild(sec);
  }

  const dv = d.data_versions;
  if (dv && typeof dv === 'object') {
    const rows = [];
    for (const l of Array.isArray(dv.lists) ? dv.lists : []) {
      rows.push(
          el('li', null,
             'List ' + (l.path || '') + ' (' + (l.format || '') + ', ' +
                 (l.date || 'no date') + '), sha256 ',
             el('span', {className: 'mono'},
                String(l.sha256 || '').slice(0, 16))));
    }
    for (const r of Array.isArray(dv.rules) ? dv.rules : []) {
      rows.push(
          el('li', null,
             'Rules ' + (r.pack || r.path || '') + ' (' + (r.regime || '') +
                 '), sha256 ',
             el('span', {className: 'mono'},
                String(r.sha256 || '').slice(0, 16))));
    }
    if (dv.reference_as_of)
      rows.push(el('li', null, 'Reference data as of ' + dv.reference_as_of));
    out.appendChild(
        el('details', null, el('summary', null, 'Data versions used'),
           el('ul', null, rows)));
  }
}

function fillExample() {
  $('c-date').value = '2021-01-15';
  $('c-from').value = 'US';
  $('c-to').value = 'CN';
  $('c-activity').value = 'export';
  clear($('items'));
  clear($('parties'));
  addItem({
    eccn: 'EAR99',
    description: 'office furniture',
    origin: 'US',
    us_content_pct: 100,
    direct_product_of_us_technology: false
  });
  addParty({
    role: 'end_user',
    name: 'Semiconductor Manufacturing International Corporation',
    country: 'CN'
  });
  for (const c of $('end-uses').querySelectorAll('input')) c.checked = false;
}

function setupCheck() {
  const eu = $('end-uses');
  for (const [v, text] of END_USES) {
    const id = 'eu-' + v;
    eu.appendChild(
        el('label', {htmlFor: id},
           el('input', {type: 'checkbox', id, value: v}), ' ' + text));
  }
  addItem();
  addParty();
  $('add-item').addEventListener('click', () => {
    const l = addItem();
    l.querySelector('input').focus();
  });
  $('add-party').addEventListener('click', () => {
    const l = addParty();
    l.querySelector('select').focus();
  });
  $('c-example').addEventListener('click', fillExample);
  $('check-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    let txn;
    try {
      txn = transaction();
    } catch (e) {
      showError(e);
      return;
    }
    clear($('check-result'));
    $('check-result').appendChild(el('p', {className: 'help'}, 'Checking…'));
    busy($('c-go'), $('check-result'), async () => {
      const r = await api('POST', 'v1/check', txn);
      hideError();
      renderCheck(r.json || {});
    }, true);
  });
}

/* ---- audit -------------------------------------------------------- */

let downloadUrl = null;

/* One line saying what an audit row records, for the table. */
function auditWhat(row) {
  const req =
      row.request && typeof row.request === 'object' ? row.request : null;
  const res = row.result && typeof row.result === 'object' ? row.result : null;
  if (row.kind === 'decision' && req) {
    const d = res && res.decision ? res.decision : req.decision;
    return [
      (d || '?').replace(/_/g, ' '), ' on ',
      el('span', {className: 'mono'}, req.entity_id || '?'), ' for “',
      req.query || '', '”', res && res.reviewer ? ' by ' + res.reviewer : '',
      res && res.note ? ': “' + res.note + '”' : ''
    ];
  }
  if (row.kind === 'screen' && req) {
    const hits = res && Array.isArray(res.hits) ? res.hits : [];
    const m = hits.filter((h) => h.match).length;
    return '“' + (req.name || req.query || '') + '”: ' + hits.length + ' hit' +
        (hits.length === 1 ? '' : 's') + ', ' + m + ' match' +
        (m === 1 ? '' : 'es');
  }
  if (row.kind === 'check' && res) {
    const o = res.overall || res.determination;
    return 'determination: ' + (o ? String(o).replace(/_/g, ' ') : '?') +
        (req && req.to ? ' (to ' + req.to + ')' : '');
  }
  if (row.kind === 'lists' || row.kind === 'rules') {
    return (row.kind === 'lists' ? row.lists : row.rules) || '';
  }
  const text = JSON.stringify(row.request === undefined ? row : row.request);
  return text && text.length > 160 ? text.slice(0, 160) + '…' : text;
}

function auditTable(rows) {
  return el(
      'div', {className: 'hits'},
      el('table', {id: 'audit-table'},
         el('thead', null,
            el('tr', null,
               ['Seq', 'Time (UTC)', 'Kind', 'Caller', 'What', 'Hash'].map(
                   (t) => el('th', {scope: 'col'}, t)))),
         el('tbody', null,
            rows.map(
                (r) =>
                    el('tr', {'data-kind': r.kind},
                       el('td', {'data-label': 'Seq'}, String(r.seq ?? '')),
                       el('td', {className: 'nowrap', 'data-label': 'Time'},
                          r.time || ''),
                       el('td', {'data-label': 'Kind'}, r.kind || ''),
                       el('td', {'data-label': 'Caller'}, r.caller || ''),
                       el('td', {'data-label': 'What'}, auditWhat(r)),
                       el('td', {
                         className: 'mono',
                         'data-label': 'Hash',
                         title: r.hash || ''
                       },
                          String(r.hash || '').slice(0, 12)))))));
}

function setupAudit() {
  $('audit-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const fmt = $('a-format').value;
    const q = new URLSearchParams({format: fmt});
    if ($('a-kind').value) q.set('kind', $('a-kind').value);
    if ($('a-since').value) q.set('since', $('a-since').value);
    if ($('a-limit').value) q.set('limit', $('a-limit').value);
    busy($('a-go'), $('audit-result'), async () => {
      const r = await api('GET', 'v1/audit?' + q.toString());
      hideError();
      const out = $('audit-result');
      clear(out);
      /* JSON lines and JSON are also shown as a table a reader can
       * scan; the exact text the server sent stays below, unaltered. */
      let rows = null;
      if (fmt === 'json') {
        rows = r.json && Array.isArray(r.json.rows) ? r.json.rows : [];
      } else if (fmt === 'jsonl') {
        rows = [];
        for (const line of r.text.split('\n')) {
          if (!line.trim()) continue;
          try {
            rows.push(JSON.parse(line));
          } catch (e) {
            rows.push({kind: '?', request: line});
          }
        }
      }
      const n = rows ?
          rows.length :
          Math.max(0, r.text.split('\n').filter((l) => l.trim()).length - 1);
      if (downloadUrl) URL.revokeObjectURL(downloadUrl);
      downloadUrl =
          URL.createObjectURL(new Blob([r.text], {type: 'text/plain'}));
      const link =
          el('a', {href: downloadUrl, download: 'embargo-audit.' + fmt},
             'Download');
      append(out, [
        el('p', {id: 'audit-count'}, n + ' row' + (n === 1 ? '' : 's') + '. ',
           link),
        rows ? auditTable(rows) : null,
        el('details', {open: rows ? null : true},
           el('summary', null, 'The export as sent'),
           el('pre', {className: 'export', id: 'audit-text', tabindex: 0},
              r.text))
      ]);
    });
  });
  $('a-verify').addEventListener('click', () => {
    busy($('a-verify'), $('audit-result'), async () => {
      const r = await api('GET', 'v1/audit/verify');
      hideError();
      const j = r.json || {};
      const out = $('audit-result');
      clear(out);
      out.appendChild(
          el('p', {id: 'audit-verify'},
             j.ok ? el('span', {className: 'badge ok'}, 'Chain intact') :
                    el('span', {className: 'badge bad'}, 'Chain broken'),
             ' ' + (j.rows !== undefined ? j.rows + ' rows checked. ' : ''),
             j.ok ? '' :
                    'First bad row: ' + j.bad_seq +
                     (j.reason ? ' (' + j.reason + ')' : '')));
    });
  });
}

document.addEventListener('DOMContentLoaded', () => {
  setupKey();
  setupTabs();
  setupScreen();
  setupCheck();
  setupAudit();
  loadListsInfo();
});
})();
