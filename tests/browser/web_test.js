/* The analysts' web page in a real browser: Debian's Chromium driven by
 * playwright-core (no browser download). Run by
 * tests/integration/web_browser.sh, which starts `embargo serve` and passes
 * in the environment:
 *   EMBARGO_URL        base URL of the server, e.g. http://127.0.0.1:PORT/
 *   EMBARGO_SCREEN_KEY a key with role screen (id EMBARGO_SCREEN_KEY_ID)
 *   EMBARGO_ADMIN_KEY  a key with role admin
 *   EMBARGO_SHOTS      directory for the screenshots
 *   EMBARGO_PROFILE    a fresh, empty Chromium user-data directory
 *   CHROMIUM           the browser (default /usr/bin/chromium)
 * It walks through what an analyst does (screen "SMIC", read the
 * explanation, record decisions, see them marked on the next screening,
 * fetch the audit export, check a transaction) and fails on any console
 * error, page error or failed request that the step did not expect. */
'use strict';

const path = require('path');
const {chromium} = require('playwright-core');

const env = (k, d) => {
  const v = process.env[k] || d;
  if (!v) throw new Error(k + ' is not set');
  return v;
};

const BASE = env('EMBARGO_URL');
const SCREEN_KEY = env('EMBARGO_SCREEN_KEY');
const SCREEN_KEY_ID = env('EMBARGO_SCREEN_KEY_ID');
const ADMIN_KEY = env('EMBARGO_ADMIN_KEY');
const SHOTS = env('EMBARGO_SHOTS');
const PROFILE = env('EMBARGO_PROFILE');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');

/* A unique note ties the decision we record to the audit row we look for,
 * so an old row from another run can never satisfy the test. */
const NOTE = 'browser test ' + process.pid + '-' + Date.now();

const problems = [];
let expected = null; /* a RegExp of console errors the current step allows */

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok: ' + what);
}

async function shot(page, name) {
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({path: file, fullPage: true});
  console.log('screenshot: ' + file);
}

async function setKey(page, key) {
  await page.fill('#api-key', key);
  await page.click('#key-form button[type="submit"]');
  await page.waitForSelector('#key-state.set');
}

/* The row of the first hit on list `list` whose entry name contains
 * `name`. */
function hitRow(page, list, name) {
  return page.locator('#hits-table tr.hit')
      .filter({
        has: page.locator(
            'td[data-label="List"] .mono',
            {hasText: new RegExp('^' + list + '$')})
      })
      .filter({has: page.locator('.entity-name', {hasText: name})})
      .first();
}

async function screen(page, name) {
  await page.click('#tab-screen');
  await page.fill('#s-name', name);
  const resp = page.waitForResponse((r) => r.url().endsWith('/v1/screen'));
  await page.click('#s-go');
  const r = await resp;
  check(r.status() === 200, 'POST /v1/screen "' + name + '" answers 200');
  await page.waitForSelector('#screen-summary, #screen-none');
}

async function run(page, context) {
  /* 1. The page loads, with its own CSS and script and nothing else. */
  const res = await page.goto(BASE, {waitUntil: 'load'});
  check(res && res.status() === 200, 'GET / answers 200');
  check((await page.title()).startsWith('embargo'), 'the page has its title');
  check(await page.isVisible('#s-name'), 'the name field is visible');
  check(
      (await page.locator('label[for="s-name"]').count()) === 1,
      'the name field has a label');

  /* 2. Keyboard: arrow keys move between the tabs. */
  await page.focus('#tab-screen');
  await page.keyboard.press('ArrowRight');
  check(
      await page.isVisible('#panel-check'),
      'ArrowRight on the tabs opens the check tab');
  check(
      (await page.evaluate(() => document.activeElement.id)) === 'tab-check',
      'the focus follows the selected tab');
  await page.keyboard.press('ArrowLeft');
  check(
      await page.isVisible('#panel-screen'),
      'ArrowLeft goes back to the screen tab');

  /* 3. A wrong key: the error is shown with status, code and message. The
   * browser logs the 401 responses as console errors; they are expected
   * here and only here. */
  expected = /status of 401/;
  await setKey(page, 'not-a-key-0000000000000000');
  await page.fill('#s-name', 'SMIC');
  await page.click('#s-go');
  await page.waitForSelector('#error:not([hidden])');
  const errText = await page.textContent('#error');
  check(
      /HTTP 401/.test(errText),
      'a wrong key shows "HTTP 401" (' + errText.trim() + ')');
  check(
      /[A-Z]{3,}/.test(errText.replace('HTTP', '')),
      'the error shows the server\'s error code');
  await page.waitForTimeout(200);
  expected = null;

  /* 4. Screen "SMIC" with the screen key: the Entity List hit. */
  await setKey(page, SCREEN_KEY);
  check(
      (await page.evaluate(() => sessionStorage.getItem('embargo.key'))) ===
          SCREEN_KEY,
      'the key is kept in sessionStorage');
  check(
      (await page.evaluate(() => localStorage.length)) === 0,
      'nothing is written to localStorage');
  await screen(page, 'SMIC');
  check(
      await page.isHidden('#error'),
      'the error box is gone after a good request');
  const el = hitRow(page, 'EL', 'Semiconductor Manufacturing International');
  check(
      (await el.count()) === 1,
      'an EL hit names Semiconductor Manufacturing International');
  const entityId = await el.getAttribute('data-entity');
  check(Boolean(entityId), 'the EL hit has an entity id (' + entityId + ')');
  const scoreText = await el.locator('.score-num').textContent();
  check(
      Number(scoreText) >= 0.84,
      'the EL hit scores at least 0.84 (' + scoreText + ')');
  check(
      (await el.locator('.badge', {hasText: 'match'}).count()) >= 1,
      'the EL hit is marked as a match');
  const licence = await el.locator('td.licence').textContent();
  check(/EAR/.test(licence), 'the licence requirement is shown');
  const citation = await el.locator('td.citation').textContent();
  check(/FR/.test(citation), 'the Federal Register citation is shown');

  /* 5. The explanation opens, names the words that matched, and closes. */
  const explainBtn = el.locator('button.explain-btn');
  await explainBtn.click();
  const detailId = await explainBtn.getAttribute('aria-controls');
  check(
      (await explainBtn.getAttribute('aria-expanded')) === 'true',
      'Explain sets aria-expanded');
  const detail = page.locator('#' + detailId);
  await detail.locator('.explain').waitFor({state: 'visible'});
  const pairs = detail.locator('table.pairs tbody tr');
  check((await pairs.count()) >= 1, 'the explanation lists the word pairs');
  const pairText = await pairs.first().textContent();
  check(
      /smic/i.test(pairText),
      'the pair table shows the word "smic" (' + pairText.trim() + ')');
  check(
      /threshold/.test(await detail.locator('.explain').textContent()),
      'the explanation states the threshold');
  await page.setViewportSize({width: 1280, height: 900});
  await shot(page, '1-screen-explained-1280');

  /* 6. Record a true match on the EL hit. */
  await el.locator('button.decide-btn').click();
  const form = detail.locator('form.decide-form');
  await form.waitFor({state: 'visible'});
  await form.locator('input[value="true_match"]').check();
  await form.locator('input[id$="-reviewer"]').fill('Browser Test');
  await form.locator('textarea').fill(NOTE);
  const dresp = page.waitForResponse((r) => r.url().endsWith('/v1/decisions'));
  await form.locator('button[type="submit"]').click();
  const dr = await dresp;
  check(dr.status() === 201, 'POST /v1/decisions answers 201');
  await el.locator('.decision-slot .badge', {hasText: 'True match'}).waitFor();
  check(
      /Browser Test/.test(await el.locator('.decision-slot').textContent()),
      'the stored decision names the reviewer');

  /* 7. Clear another hit as a false positive, then screen again: the
   * server marks both hits with the stored decisions. */
  const rows = page.locator('#hits-table tr.hit');
  let other = null;
  for (let i = 0; i < (await rows.count()); i++) {
    const id = await rows.nth(i).getAttribute('data-entity');
    if (id !== entityId) {
      other = id;
      const row = rows.nth(i);
      await row.locator('button.decide-btn').click();
      const f = page.locator(
          '#' +
          (await row.locator('button.decide-btn')
               .getAttribute('aria-controls')) +
          ' form');
      await f.locator('input[value="false_positive"]').check();
      check(
          (await f.locator('input[id$="-reviewer"]').inputValue()) ===
              'Browser Test',
          'the reviewer name is remembered');
      await f.locator('textarea').fill(NOTE + ' (cleared)');
      const r2 = page.waitForResponse((r) => r.url().endsWith('/v1/decisions'));
      await f.locator('button[type="submit"]').click();
      check(
          (await r2).status() === 201, 'a false positive is recorded on ' + id);
      await row.locator('.decision-slot .badge', {hasText: 'Cleared'})
          .waitFor();
      break;
    }
  }
  check(other !== null, 'the SMIC screening has a second hit to clear');
  await screen(page, 'smic');
  const again =
      page.locator('#hits-table tr.hit[data-entity="' + entityId + '"]');
  check(
      /True match/.test(await again.locator('.decision-slot').textContent()),
      'screening again shows the true-match decision on ' + entityId);
  const cleared =
      page.locator('#hits-table tr.hit[data-entity="' + other + '"]');
  check(
      (await cleared.getAttribute('class')).includes('cleared'),
      'screening again marks ' + other + ' as cleared');
  check(
      /Cleared/.test(await cleared.locator('.decision-slot').textContent()),
      'the cleared hit says "Cleared"');
  await shot(page, '2-screen-decided-1280');

  /* 8. A narrow window: the table turns into one card per hit. */
  await page.setViewportSize({width: 390, height: 844});
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(
      wide <= 400,
      'no horizontal scrolling at 390px (scrollWidth ' + wide + ')');
  await shot(page, '3-screen-narrow-390');
  await page.setViewportSize({width: 1280, height: 900});

  /* Markup in a name stays text: the query is echoed on the page. */
  const evil = '<img src=x onerror=alert(1)> SMIC';
  await screen(page, evil);
  const heading = await page.textContent('#screen-result h2');
  check(heading.includes(evil), 'a name with markup is shown as text');
  check(
      (await page.locator('#screen-result img').count()) === 0,
      'a name with markup creates no element');

  /* 9. The audit export, with the admin key, holds the decision row. */
  await setKey(page, ADMIN_KEY);
  await page.click('#tab-audit');
  await page.selectOption('#a-format', 'jsonl');
  const aresp = page.waitForResponse((r) => r.url().includes('/v1/audit?'));
  await page.click('#a-go');
  check(
      (await aresp).status() === 200,
      'GET /v1/audit?format=jsonl answers 200 with the admin key');
  await page.waitForSelector('#audit-text', {state: 'attached'});
  const lines = (await page.textContent('#audit-text'))
                    .split('\n')
                    .filter((l) => l.trim());
  const rowsJson = lines.map((l) => JSON.parse(l));
  const dec = rowsJson.filter(
      (r) => r.kind === 'decision' && JSON.stringify(r).includes(NOTE));
  check(
      dec.length === 2,
      'the audit export shows both decisions (' + dec.length + ' rows)');
  check(
      dec.some(
          (r) => JSON.stringify(r).includes(entityId) &&
              JSON.stringify(r).includes('true_match')),
      'the true_match on ' + entityId + ' is in the audit export');
  check(
      dec.every((r) => r.caller === SCREEN_KEY_ID),
      'the decision rows name the caller key id ' + SCREEN_KEY_ID);
  check(
      rowsJson.some((r) => r.kind === 'screen'),
      'the screenings are in the audit export');
  check(
      /^\d+ rows?\./.test(await page.textContent('#audit-count')),
      'the row count is shown');
  const decRows = page.locator('#audit-table tr[data-kind="decision"]');
  check(
      (await decRows.count()) >= 2, 'the audit table lists the decision rows');
  check(
      (await decRows.filter({hasText: NOTE})
           .filter({hasText: 'true match'})
           .count()) === 1,
      'the audit table says "true match" with the reviewer\'s note');
  await shot(page, '4-audit-1280');

  /* The same export straight from the API, as an examiner would fetch it. */
  const api =
      await context.request.get(BASE + 'v1/audit?format=jsonl&kind=decision', {
        headers: {Authorization: 'Bearer ' + ADMIN_KEY},
      });
  check(
      api.status() === 200,
      'GET /v1/audit?format=jsonl&kind=decision answers 200');
  const apiRows = (await api.text())
                      .split('\n')
                      .filter((l) => l.trim())
                      .map((l) => JSON.parse(l));
  check(
      apiRows.filter((r) => JSON.stringify(r).includes(NOTE)).length === 2,
      'the API export holds both decisions');

  /* 10. A transaction: 3B001 equipment to SMIC in January 2021. */
  await page.click('#tab-check');
  await page.fill('#c-date', '2021-01-15');
  await page.fill('#c-from', 'US');
  await page.fill('#c-to', 'CN');
  const item = page.locator('#items .item').first();
  await item.locator('input[id$="-eccn"]').fill('3B001');
  await item.locator('input[id$="-desc"]').fill('plasma etching equipment');
  await item.locator('input[id$="-origin"]').fill('US');
  await item.locator('input[id$="-pct"]').fill('100');
  await item.locator('select[id$="-dp"]').selectOption('false');
  const party = page.locator('#parties .party').first();
  await party.locator('select[id$="-role"]').selectOption('end_user');
  await party.locator('input[id$="-name"]').fill('SMIC');
  await party.locator('input[id$="-country"]').fill('CN');
  const cresp = page.waitForResponse((r) => r.url().endsWith('/v1/check'));
  await page.click('#c-go');
  check((await cresp).status() === 200, 'POST /v1/check answers 200');
  await page.waitForSelector('#check-outcome');
  const outcome = await page.textContent('#check-outcome');
  check(
      /Licence required/.test(outcome),
      'the determination says "Licence required" (' + outcome.trim() + ')');
  check(/2021-01-15/.test(outcome), 'the determination gives its date');
  const considered = await page.textContent('#check-considered');
  check(
      /US-EAR applies/.test(considered) &&
          /JP not applied: not exported from Japan/.test(considered),
      'the page lists the regimes considered and why (' + considered + ')');
  const reasons = page.locator('#check-result article.reason');
  check(
      (await reasons.count()) >= 1,
      'the determination lists its reasons (' + (await reasons.count()) + ')');
  const entity = reasons.filter({hasText: '744.11'}).first();
  check(
      (await entity.count()) === 1,
      'an Entity List reason cites 15 CFR 744.11');
  const etext = await entity.textContent();
  check(
      /SMIC/.test(etext) && /EL/.test(etext),
      'the Entity List reason names SMIC on the EL');
  check(
      /Licence policy/.test(etext),
      'the Entity List reason gives the licence policy');
  await shot(page, '5-check-1280');

  /* 11. A server-side validation error is shown with its field. */
  expected = /status of 400/;
  await item.locator('input[id$="-pct"]').fill('120');
  await page.click('#c-go');
  await page.waitForSelector('#error:not([hidden])');
  const verr = await page.textContent('#error');
  check(
      /HTTP 400/.test(verr) && /us_content_pct/.test(verr),
      'a bad share shows HTTP 400 naming the field (' + verr.trim() + ')');
  check(
      (await page.locator('#check-outcome').count()) === 0,
      'the earlier determination is removed when the new check fails');
  await page.waitForTimeout(200);
  expected = null;
  await shot(page, '6-check-error-1280');
}

(async () => {
  const context = await chromium.launchPersistentContext(PROFILE, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: {width: 1280, height: 900},
  });
  let failed = false;
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(15000);
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (expected && expected.test(m.text())) return;
      problems.push('console error: ' + m.text());
    });
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('dialog', (d) => {
      problems.push('unexpected dialog: ' + d.message());
      d.dismiss();
    });
    page.on(
        'requestfailed',
        (r) => problems.push(
            'request failed: ' + r.url() + ' ' +
            (r.failure() || {}).errorText));
    page.on('response', (r) => {
      if (r.status() < 400) return;
      if (expected && expected.test('status of ' + r.status())) return;
      problems.push(
          'HTTP ' + r.status() + ' for ' + r.request().method() + ' ' +
          r.url());
    });
    await run(page, context);
  } catch (e) {
    failed = true;
    console.error('FAIL: ' + (e && e.stack ? e.stack : e));
    try {
      const page = context.pages()[0];
      if (page) await shot(page, 'failure');
    } catch (e2) {
      /* The screenshot is a help, not a result. */
    }
  } finally {
    await context.close();
  }
  for (const p of problems) console.error('FAIL: ' + p);
  if (failed || problems.length) process.exit(1);
  console.log('browser test passed');
})();
